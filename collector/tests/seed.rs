//! Sample answers: written marked, counted like answers by eligibility and export, and removed
//! without touching a real answer; and the `seed` command of the real binary.

mod common;

use std::process::Command;

use axum::http::StatusCode;
use common::{valid, TestApp};
use nps_collector::seed::sample_answers;

const BIN: &str = env!("CARGO_BIN_EXE_nps-collector");

#[tokio::test]
async fn samples_are_marked_and_removed_alone() {
    let app = TestApp::new().await;
    assert_eq!(app.post(&valid()).await.0, StatusCode::ACCEPTED);
    let samples = sample_answers(300, common::t("2026-11-22T10:00:30Z"), 3);
    assert_eq!(
        app.state.store().insert_samples(samples).await.unwrap(),
        300
    );
    let rows = app.rows().await;
    assert_eq!(rows.len(), 301);
    assert_eq!(rows.iter().filter(|row| row.sample).count(), 300);
    assert!(rows.iter().filter(|row| row.sample).all(|row| row
        .user_id
        .as_deref()
        .unwrap()
        .starts_with("sample-")));
    assert_eq!(app.state.store().remove_samples().await.unwrap(), 300);
    let rows = app.rows().await;
    assert_eq!(rows.len(), 1);
    assert!(!rows[0].sample);
    assert_eq!(rows[0].id, common::ID);
}

#[test]
fn the_seed_command_writes_and_removes_samples() {
    let db = std::env::temp_dir().join(format!("nps-seed-{}.sqlite3", std::process::id()));
    let run = |args: &[&str]| {
        let output = Command::new(BIN)
            .args(args)
            .arg("--db")
            .arg(&db)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    };
    assert!(run(&["seed", "--answers", "250"]).starts_with("wrote 250 sample answers"));
    let exported = run(&["export"]);
    assert_eq!(exported.lines().count(), 250);
    assert!(exported
        .lines()
        .all(|line| line.contains("\"sample\":true")));
    assert!(run(&["seed", "--remove"]).starts_with("removed 250 sample answers"));
    assert_eq!(run(&["export"]).lines().count(), 0);
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
}
