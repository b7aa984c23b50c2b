//! The real `nps-collector` binary: listens on a free port, stores an answer sent over TCP,
//! and `export` prints it.

mod common;

use std::io::{BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};

use serde_json::{json, Value};

use common::process::BIN;

/// Kills the server when the test ends, whatever happens.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn http(addr: &str, request: &str) -> String {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

fn export(db: &Path) -> Vec<Value> {
    let output = Command::new(BIN)
        .arg("export")
        .arg("--db")
        .arg(db)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8(output.stdout).unwrap();
    stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

#[test]
fn serves_stores_and_exports() {
    let db = std::env::temp_dir().join(format!("nps-collector-bin-{}.sqlite3", std::process::id()));
    let (mut child, addr) = common::process::serve(&db, &[], |command| {
        command.stderr(Stdio::piped());
    });
    let stderr = child.stderr.take().unwrap();
    let server = Server(child);
    assert!(!addr.ends_with(":0"), "{addr}");

    let body = json!({
        "id": "9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d", "type": "response", "kind": "nps",
        "score": 10, "comment": "Love it", "complete": true,
        "user": { "id": "u_1", "properties": { "plan": "pro" } },
        "shownAt": "2026-11-22T10:00:00.000Z", "answeredAt": "2026-11-22T10:00:04.210Z"
    })
    .to_string();
    let request = format!(
        "POST /v1/responses?source=test HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let response = http(&addr, &request);
    assert!(response.starts_with("HTTP/1.1 202"), "{response}");
    assert!(response.ends_with(r#"{"ok":true}"#), "{response}");

    let request = format!("GET /v1/eligibility?userId=u_1&kind=nps HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    let response = http(&addr, &request);
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");

    // Exported while the server runs, and again after it was killed: a 202 is on disk.
    let rows = export(&db);
    assert_eq!(rows.len(), 1, "{rows:?}");
    let row = &rows[0];
    assert_eq!(row["id"], "9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d");
    assert_eq!(row["type"], "response");
    assert_eq!(row["score"], 10);
    assert_eq!(row["category"], "promoter");
    assert_eq!(row["complete"], true);
    assert_eq!(row["comment"], "Love it");
    assert_eq!(row["user_properties"], json!({ "plan": "pro" }));
    assert_eq!(row["account_properties"], Value::Null);
    assert!(row["received_at"].is_string());
    drop(server);
    assert_eq!(export(&db), rows);

    // One log line per request: method, path without the query string, status, latency.
    let mut log = String::new();
    BufReader::new(stderr).read_to_string(&mut log).unwrap();
    assert!(
        log.lines().any(|l| l.contains(" INFO ")
            && l.contains("request{method=POST path=/v1/responses}")
            && l.contains(" status=202 latency=")
            && l.ends_with("ms")),
        "{log}"
    );
    assert!(!log.contains("source=test"), "{log}");

    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
}

#[test]
fn export_of_a_missing_file_fails_cleanly() {
    let output = Command::new(BIN)
        .args(["export", "--db", "/nonexistent/nps.sqlite3"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(output.stdout.is_empty());
}
