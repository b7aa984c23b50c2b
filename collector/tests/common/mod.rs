//! What the in-process API tests share: a collector over a fresh SQLite file on a clock the
//! test sets, and the sample body of the wire format.
#![allow(dead_code)]

pub mod backends;
pub mod hooks;
pub mod postgres;

use std::path::PathBuf;
use std::sync::atomic::{AtomicI64, AtomicU32, Ordering};
use std::sync::Arc;

use axum::body::{to_bytes, Body};
use axum::http::{HeaderMap, Request, StatusCode};
use axum::Router;
use nps_collector::storage::sqlite::SqliteStore;
use nps_collector::storage::StoredAnswer;
use nps_collector::{app, AppState, Settings};
use nps_widget::core::time::parse_timestamp;
use serde_json::{json, Value};
use tower::ServiceExt;

pub const ID: &str = "3f2c8a1e-4b5d-4c6e-8f70-123456789abc";

/// A collector over a fresh database file, with `settings` (rate limit off unless set), on a
/// clock the test sets (30 s after the sample body's `shownAt` unless told otherwise).
pub struct TestApp {
    /// The collector, with requests sent as the `test` admin (see [`ADMIN_TOKEN`]).
    pub router: Router,
    /// The collector, with requests sent as they are.
    pub anonymous: Router,
    pub state: AppState,
    pub path: PathBuf,
    now: Arc<AtomicI64>,
}

impl TestApp {
    pub fn new() -> Self {
        Self::with(Settings {
            rate_limit: 0,
            ..Settings::default()
        })
    }

    pub fn with(settings: Settings) -> Self {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let name = format!(
            "nps-collector-test-{}-{}.sqlite3",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let path = std::env::temp_dir().join(name);
        Self::open(path, settings, t("2026-11-22T10:00:30Z"))
    }

    /// Closes the store (its writer commits what it holds) and opens the same database file
    /// again, with the same settings and clock: what a restart of the collector finds.
    pub fn reopen(mut self) -> Self {
        let path = std::mem::take(&mut self.path);
        let settings = self.state.settings().clone();
        let now = self.now.load(Ordering::Relaxed);
        drop(self);
        Self::open(path, settings, now)
    }

    fn open(path: PathBuf, settings: Settings, at: i64) -> Self {
        let now = Arc::new(AtomicI64::new(at));
        let clock = now.clone();
        let store = SqliteStore::open(&path).unwrap();
        rusqlite::Connection::open(&path)
            .unwrap()
            .execute(
                "INSERT OR IGNORE INTO admin_tokens (name, token_hash, created_at) VALUES ('test', ?1, '2026-01-01T00:00:00.000Z')",
                [nps_collector::auth::secret::hash(ADMIN_TOKEN)],
            )
            .unwrap();
        let state = AppState::with_clock(
            store,
            settings,
            Arc::new(move || clock.load(Ordering::Relaxed)),
        );
        TestApp {
            router: app(state.clone()).layer(axum::middleware::map_request(as_admin)),
            anonymous: app(state.clone()),
            state,
            path,
            now,
        }
    }

    /// Adds an admin token named `name` (a person answers can be assigned to).
    pub fn add_admin(&self, name: &str) {
        rusqlite::Connection::open(&self.path)
            .unwrap()
            .execute(
                "INSERT INTO admin_tokens (name, token_hash, created_at) VALUES (?1, ?2, '2026-01-01T00:00:00.000Z')",
                [name, &nps_collector::auth::secret::hash(&format!("{ADMIN_TOKEN}-{name}"))],
            )
            .unwrap();
    }

    /// Sets the collector's clock.
    pub fn set_now(&self, at: &str) {
        self.now.store(t(at), Ordering::Relaxed);
    }

    /// Moves the collector's clock on by `ms`.
    pub fn advance(&self, ms: i64) {
        self.now.fetch_add(ms, Ordering::Relaxed);
    }

    /// The collector's clock, epoch ms.
    pub fn now(&self) -> i64 {
        self.now.load(Ordering::Relaxed)
    }

    /// Sends `request` to this collector.
    pub async fn send(&self, request: Request<Body>) -> (StatusCode, HeaderMap, Value) {
        send(&self.router, request).await
    }

    /// POSTs raw bytes as JSON to `/v1/responses`.
    pub async fn post_bytes(&self, body: impl Into<Body>) -> (StatusCode, Value) {
        post_bytes(&self.router, body).await
    }

    /// POSTs `body` to `/v1/responses`.
    pub async fn post(&self, body: &Value) -> (StatusCode, Value) {
        post_bytes(&self.router, body.to_string()).await
    }

    /// `GET /v1/eligibility{query}`.
    pub async fn eligibility(&self, query: &str) -> (StatusCode, Value) {
        get_json(&self.router, &format!("/v1/eligibility{query}")).await
    }

    /// Every stored answer.
    pub async fn rows(&self) -> Vec<StoredAnswer> {
        self.state.store().answers().await.unwrap()
    }
}

/// The admin token every [`TestApp`] knows, under the name `test`.
pub const ADMIN_TOKEN: &str = "npsa_test_token_0123456789abcdef";

/// Sends requests as the `test` admin unless they carry an `Authorization` of their own: the
/// admin endpoints' tests are about the endpoints (authentication has tests of its own).
async fn as_admin(mut request: Request<Body>) -> Request<Body> {
    if !request.headers().contains_key("authorization") {
        let bearer = format!("Bearer {ADMIN_TOKEN}").parse().unwrap();
        request.headers_mut().insert("authorization", bearer);
    }
    request
}

/// Sends `request` to `router`; the answer's status, headers and JSON body (`null` if empty).
pub async fn send(router: &Router, request: Request<Body>) -> (StatusCode, HeaderMap, Value) {
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = to_bytes(response.into_body(), usize::MAX).await.unwrap();
    let body = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes).unwrap()
    };
    (status, headers, body)
}

/// POSTs raw bytes as JSON to `/v1/responses`.
pub async fn post_bytes(router: &Router, body: impl Into<Body>) -> (StatusCode, Value) {
    let request = Request::post("/v1/responses")
        .header("content-type", "application/json")
        .body(body.into())
        .unwrap();
    let (status, _, body) = send(router, request).await;
    (status, body)
}

/// POSTs `body` to `/v1/responses`.
pub async fn post_json(router: &Router, body: &Value) -> (StatusCode, Value) {
    post_bytes(router, body.to_string()).await
}

/// GETs `path`.
pub async fn get_json(router: &Router, path: &str) -> (StatusCode, Value) {
    let request = Request::get(path).body(Body::empty()).unwrap();
    let (status, _, body) = send(router, request).await;
    (status, body)
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // A reopened app's file lives on in its successor.
        if self.path.as_os_str().is_empty() {
            return;
        }
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", self.path.display()));
        }
    }
}

pub fn t(text: &str) -> i64 {
    parse_timestamp(text).unwrap()
}

pub fn valid() -> Value {
    json!({
        "id": ID, "type": "response", "kind": "nps",
        "score": 9, "category": "promoter", "comment": null, "complete": false,
        "user": { "id": "u_42", "email": "ada@example.com", "createdAt": "2025-01-15T00:00:00Z",
                  "properties": { "plan": "pro", "seats": 12, "trial": false } },
        "account": { "id": "acme", "name": "Acme Inc", "properties": {} },
        "language": "en", "trigger": "event:report_exported",
        "page": "https://app.example.com/reports",
        "shownAt": "2026-11-22T10:00:00.000Z", "answeredAt": "2026-11-22T10:00:04.210Z",
        "widgetVersion": "0.1.0"
    })
}

pub fn with(mut body: Value, pointer: &str, value: Value) -> Value {
    *body.pointer_mut(pointer).unwrap() = value;
    body
}
