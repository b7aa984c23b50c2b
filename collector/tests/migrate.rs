//! `nps-collector migrate --from sqlite:PATH --to postgres://…`: a SQLite database seeded and
//! used (hooks, deliveries, follow-ups, tokens), copied, gives the same report, answers, hooks
//! and log when served from PostgreSQL; a second copy into the same database is refused.

mod common;

use std::process::Command;

use common::hooks::{body, Receiver};
use common::nodes::{deliver, request, Node};
use common::postgres;
use nps_collector::links::{self, token::verify};
use nps_collector::storage::{Access, Database};
use serde_json::{json, Value};

const BIN: &str = env!("CARGO_BIN_EXE_nps-collector");

fn cli(args: &[&str]) -> (bool, String, String) {
    let output = Command::new(BIN)
        .args(args)
        .env_remove("NPS_DB")
        .output()
        .unwrap();
    (
        output.status.success(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

/// What the admin API shows of the collector's data: reports (with breakdowns and a filter),
/// the surveys, the answers (every page), the hooks and their delivery logs.
async fn everything(addr: &str) -> Vec<(String, Value)> {
    let mut paths: Vec<String> = [
        "/v1/surveys",
        "/v1/report?survey=nps&from=2025-01-01&interval=month",
        "/v1/report?survey=nps&from=2025-01-01&by=user.properties.plan",
        "/v1/report?survey=nps&from=2025-01-01&by=language&where=account.properties.plan:pro",
        "/v1/report?survey=nps&from=2026-06-01&tz=Asia/Kolkata&interval=day",
        "/v1/hooks",
        "/v1/hooks/1/deliveries?limit=500",
        "/v1/answers?limit=500&q=slow",
        "/v1/answers?limit=50&status=claimed",
    ]
    .map(str::to_owned)
    .to_vec();
    let mut cursor: Option<String> = None;
    let mut seen = Vec::new();
    loop {
        let path = match &cursor {
            Some(cursor) => format!("/v1/answers?limit=500&preview=include&cursor={cursor}"),
            None => "/v1/answers?limit=500&preview=include".to_owned(),
        };
        let reply = request(addr, "GET", &path, None, true).await.unwrap();
        assert_eq!(reply.status, 200, "{path}: {:?}", reply.body);
        cursor = reply.body["next"].as_str().map(str::to_owned);
        seen.push((path, reply.body));
        if cursor.is_none() {
            break;
        }
    }
    let mut all = Vec::new();
    for path in paths.drain(..) {
        let reply = request(addr, "GET", &path, None, true).await.unwrap();
        assert_eq!(reply.status, 200, "{path}: {:?}", reply.body);
        all.push((path, reply.body));
    }
    all.extend(seen);
    all
}

#[tokio::test]
async fn a_copied_database_serves_the_same_report_answers_and_hooks() {
    let file = std::env::temp_dir().join(format!("nps-migrate-{}.sqlite3", std::process::id()));
    let _ = std::fs::remove_file(&file);
    let sqlite = format!("sqlite:{}", file.display());
    let (ok, _, stderr) = cli(&["seed", "--db", &sqlite, "--answers", "3000"]);
    assert!(ok, "{stderr}");
    let (ok, _, stderr) = cli(&["token", "create", "--name", "Ada", "--db", &sqlite]);
    assert!(ok, "{stderr}");

    // Used for a while: a hook with deliveries, real answers, a follow-up claimed.
    let receiver = Receiver::ok().await;
    let node = Node::start(&sqlite, &["--allow-private-hooks"]);
    let hook = json!({ "name": "CRM", "url": receiver.url, "format": "webhook",
                       "events": ["response.completed"] });
    let reply = request(&node.addr, "POST", "/v1/hooks", Some(&hook), true)
        .await
        .unwrap();
    assert_eq!(reply.status, 201, "{:?}", reply.body);
    for n in 0..20 {
        let mut complete = body(n, "complete", i64::from(n % 11));
        complete["comment"] = json!(format!("Slow exports, {n} times over"));
        assert_eq!(deliver(&[&node.addr], 0, &complete).await.0, 202);
    }
    receiver.wait_for(20).await;
    // And a test, which the copy still tells apart from the answers' deliveries.
    let reply = request(&node.addr, "POST", "/v1/hooks/1/test", None, true)
        .await
        .unwrap();
    assert_eq!(reply.status, 202, "{:?}", reply.body);
    receiver.wait_for(21).await;
    // Every attempt recorded before the copy, or the copy would send one again.
    let mut list = Vec::new();
    for _ in 0..200 {
        let reply = request(&node.addr, "GET", "/v1/hooks/1/deliveries", None, true)
            .await
            .unwrap();
        list = reply.body["deliveries"].as_array().unwrap().clone();
        if list.len() == 21 && list.iter().all(|d| d["status"] == "delivered") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(
        list.len() == 21 && list.iter().all(|d| d["status"] == "delivered"),
        "{list:?}"
    );
    let change = json!({ "status": "claimed", "assignee": "Ada", "tags": ["exports"] });
    let path = format!("/v1/answers/{}/follow-up", common::hooks::answer_id(3));
    let reply = request(&node.addr, "PATCH", &path, Some(&change), true)
        .await
        .unwrap();
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    let link = json!({ "survey": "nps", "userId": "u_1" });
    let reply = request(&node.addr, "POST", "/v1/links", Some(&link), true)
        .await
        .unwrap();
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    let url = reply.body["url"].as_str().unwrap();
    let token = url.split_once("?t=").unwrap().1.to_owned();
    let before = everything(&node.addr).await;
    let log = &before
        .iter()
        .find(|(path, _)| path.contains("/deliveries"))
        .unwrap()
        .1;
    let tests: Vec<bool> = log["deliveries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["test"].as_bool().unwrap())
        .collect();
    assert_eq!((tests.len(), tests[0]), (21, true), "{log}");
    assert!(!tests[1..].iter().any(|&test| test), "{log}");
    drop(node);
    // Someone asked for no more survey emails.
    let source = Database::parse(&sqlite)
        .unwrap()
        .open(Access::Write)
        .await
        .unwrap();
    source
        .unsubscribe("u_2", Some("Bo@Example.com"), 0)
        .await
        .unwrap();
    drop(source);

    let pg = postgres::fresh_database().await;
    let (ok, stdout, stderr) = cli(&["migrate", "--from", &sqlite, "--to", &pg]);
    assert!(ok, "{stderr}");
    assert!(stdout.contains("3020 responses"), "{stdout}");
    assert!(
        stdout.contains("1 hooks") && stdout.contains("2 admin_tokens"),
        "{stdout}"
    );
    // The link secret came along: a link sent before the move still opens.
    let copy = Database::parse(&pg)
        .unwrap()
        .open(Access::Read)
        .await
        .unwrap();
    let secret = links::secret(copy.as_ref(), 0).await.unwrap();
    assert_eq!(verify(&secret, &token, 0).unwrap().user_id, "u_1");
    // And so did who unsubscribed: they are never emailed again.
    assert!(stdout.contains("1 unsubscribes"), "{stdout}");
    assert!(copy
        .is_unsubscribed("u_other", Some("bo@example.COM"))
        .await
        .unwrap());

    let node = Node::start(&pg, &["--allow-private-hooks"]);
    let after = everything(&node.addr).await;
    assert_eq!(before.len(), after.len());
    for ((path, was), (_, is)) in before.iter().zip(&after) {
        assert_eq!(was, is, "{path}");
    }
    // The copy's data is the collector's: new hooks and answers carry on from it.
    let reply = request(&node.addr, "POST", "/v1/hooks", Some(&hook), true)
        .await
        .unwrap();
    assert_eq!(reply.body["id"], json!(2), "{:?}", reply.body);

    let (ok, _, stderr) = cli(&["migrate", "--from", &sqlite, "--to", &pg]);
    assert!(!ok);
    assert!(stderr.contains("already has rows"), "{stderr}");
    let (ok, _, stderr) = cli(&["migrate", "--from", &pg, "--to", &sqlite]);
    assert!(!ok);
    assert!(stderr.contains("--from must be a SQLite file"), "{stderr}");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
    }
}
