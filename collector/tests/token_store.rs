//! Admin tokens and dashboard sessions, one suite for both backends (SQLite and a throwaway
//! PostgreSQL cluster, see `common::backends`).

mod common;

use common::backends::{open, BACKENDS};
use nps_collector::storage::TokenInfo;

#[tokio::test]
async fn tokens_are_created_once_per_name_listed_and_revoked_with_their_sessions() {
    for backend in BACKENDS {
        let opened = open(backend).await;
        let store = opened.tokens();
        assert!(store.create_token("Ada", "h1", 1_000).await.unwrap());
        assert!(
            !store.create_token("Ada", "h2", 2_000).await.unwrap(),
            "{backend:?}"
        );
        assert!(store.create_token("Bob", "h3", 3_000).await.unwrap());
        let ada = store.token_by_hash("h1").await.unwrap().unwrap();
        let expected = TokenInfo {
            name: "Ada".into(),
            created_at: 1_000,
            last_used_at: None,
        };
        assert_eq!(ada, expected, "{backend:?}");
        assert_eq!(store.token_by_hash("h2").await.unwrap(), None);
        store.touch_token("Ada", 5_000).await.unwrap();
        let names: Vec<_> = store.tokens().await.unwrap();
        assert_eq!(names.len(), 2);
        assert_eq!(names[0].last_used_at, Some(5_000), "{backend:?}");
        assert_eq!(names[1].name, "Bob");

        store
            .create_session("s1", "Ada", 6_000, 10_000)
            .await
            .unwrap();
        let by_session = store.session_token("s1", 9_999).await.unwrap();
        assert_eq!(by_session.map(|t| t.name).as_deref(), Some("Ada"));
        assert_eq!(store.session_token("s1", 10_000).await.unwrap(), None);
        assert_eq!(store.session_token("s2", 7_000).await.unwrap(), None);

        assert!(store.revoke_token("Ada").await.unwrap());
        assert!(!store.revoke_token("Ada").await.unwrap());
        assert_eq!(store.token_by_hash("h1").await.unwrap(), None);
        assert_eq!(
            store.session_token("s1", 7_000).await.unwrap(),
            None,
            "{backend:?}"
        );
        // The name is free again, and the old session does not come back with it.
        assert!(store.create_token("Ada", "h4", 8_000).await.unwrap());
        assert_eq!(store.session_token("s1", 7_000).await.unwrap(), None);
    }
}

#[tokio::test]
async fn put_token_replaces_a_changed_token_and_ends_its_sessions() {
    for backend in BACKENDS {
        let opened = open(backend).await;
        let store = opened.tokens();
        store.put_token("admin", "h1", 1_000).await.unwrap();
        store
            .create_session("s1", "admin", 1_000, 99_000)
            .await
            .unwrap();
        store.touch_token("admin", 2_000).await.unwrap();
        // The same token again: nothing changes.
        store.put_token("admin", "h1", 3_000).await.unwrap();
        let same = store.token_by_hash("h1").await.unwrap().unwrap();
        assert_eq!(
            (same.created_at, same.last_used_at),
            (1_000, Some(2_000)),
            "{backend:?}"
        );
        assert!(store.session_token("s1", 4_000).await.unwrap().is_some());
        // Another token under the name: the old one and its sessions are gone.
        store.put_token("admin", "h2", 5_000).await.unwrap();
        assert_eq!(store.token_by_hash("h1").await.unwrap(), None);
        let new = store.token_by_hash("h2").await.unwrap().unwrap();
        assert_eq!(
            (new.created_at, new.last_used_at),
            (5_000, None),
            "{backend:?}"
        );
        assert_eq!(store.session_token("s1", 6_000).await.unwrap(), None);
        store.delete_session("s1").await.unwrap();
    }
}

#[tokio::test]
async fn creating_a_session_deletes_expired_ones_and_logout_deletes_one() {
    for backend in BACKENDS {
        let opened = open(backend).await;
        let store = opened.tokens();
        store.create_token("Ada", "h1", 0).await.unwrap();
        store.create_session("old", "Ada", 0, 1_000).await.unwrap();
        // Opened at 2,000, when "old" has expired: it is deleted on the way, so that asking
        // with a time it was valid at finds nothing.
        store
            .create_session("new", "Ada", 2_000, 9_000)
            .await
            .unwrap();
        assert_eq!(
            store.session_token("old", 500).await.unwrap(),
            None,
            "{backend:?}"
        );
        assert!(store.session_token("new", 3_000).await.unwrap().is_some());
        store.delete_session("new").await.unwrap();
        assert_eq!(
            store.session_token("new", 3_000).await.unwrap(),
            None,
            "{backend:?}"
        );
    }
}
