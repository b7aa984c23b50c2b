//! Sample answers (`nps-collector seed`), one suite for both backends (SQLite and a throwaway
//! PostgreSQL cluster, see `common::backends`): the same year of samples stored alike, and
//! removed without touching a real answer.

mod common;

use common::backends::{open, BACKENDS};
use common::{t, valid};
use nps_collector::seed::sample_answers;
use nps_collector::storage::Applied;
use nps_collector::validate;

#[tokio::test]
async fn samples_are_stored_alike_and_removed_alone_on_both_backends() {
    let now = t("2026-12-01T00:00:00Z");
    let mut exports = Vec::new();
    for backend in BACKENDS {
        let opened = open(backend).await;
        let real = validate::answer(&valid()).unwrap();
        assert_eq!(
            opened.answers().submit(real, now).await.unwrap(),
            Applied::Stored
        );
        let stored = opened
            .samples()
            .insert_samples(sample_answers(300, now, 7))
            .await
            .unwrap();
        assert_eq!(stored, 300, "{backend:?}");
        let mut answers = opened.answers().answers().await.unwrap();
        assert_eq!(answers.len(), 301);
        assert_eq!(
            answers.iter().filter(|a| a.sample).count(),
            300,
            "{backend:?}"
        );
        answers.sort_by(|a, b| a.id.cmp(&b.id));
        exports.push(answers);
        assert_eq!(
            opened.samples().remove_samples().await.unwrap(),
            300,
            "{backend:?}"
        );
        let left = opened.answers().answers().await.unwrap();
        assert_eq!(left.len(), 1);
        assert!(!left[0].sample && left[0].user_id.as_deref() == Some("u_42"));
    }
    assert_eq!(
        exports[0], exports[1],
        "SQLite and PostgreSQL store the same samples"
    );
}
