//! The collector's own secrets on both backends: the first candidate is kept, every later ask
//! gets it; on PostgreSQL, two collectors asking at once agree.

mod common;

use common::backends::{open, BACKENDS};
use nps_collector::storage::postgres::PgStore;
use nps_collector::storage::SecretStore;

#[tokio::test]
async fn the_first_candidate_is_kept() {
    for backend in BACKENDS {
        let store = open(backend).await;
        let secrets = store.secrets();
        assert_eq!(secrets.secret("a", "one".into(), 0).await.unwrap(), "one");
        assert_eq!(secrets.secret("a", "two".into(), 1).await.unwrap(), "one");
        assert_eq!(
            secrets.secret("b", "three".into(), 2).await.unwrap(),
            "three",
            "{backend:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn collectors_asking_at_once_get_one_secret() {
    let url = common::postgres::fresh_database().await;
    let stores = [
        PgStore::connect(&url).await.unwrap(),
        PgStore::connect(&url).await.unwrap(),
    ];
    let stores = std::sync::Arc::new(stores);
    let mut asks = tokio::task::JoinSet::new();
    for i in 0..20 {
        let stores = stores.clone();
        asks.spawn(async move {
            stores[i % 2]
                .secret("link", format!("candidate {i}"), 0)
                .await
                .unwrap()
        });
    }
    let mut got = Vec::new();
    while let Some(secret) = asks.join_next().await {
        got.push(secret.unwrap());
    }
    got.dedup();
    assert_eq!(got.len(), 1, "{got:?}");
}
