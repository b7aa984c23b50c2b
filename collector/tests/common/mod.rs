//! What the in-process API tests share: a collector over a fresh database (SQLite, or
//! PostgreSQL: see [`backend`]) on a clock the test sets, and the sample body of the wire
//! format.
#![allow(dead_code)]

pub mod backends;
pub mod hooks;
pub mod nodes;
pub mod postgres;
pub mod process;

use std::sync::atomic::{AtomicI64, AtomicU32, Ordering};
use std::sync::Arc;

use axum::body::{to_bytes, Body};
use axum::http::{HeaderMap, Request, StatusCode};
use axum::Router;
use nps_collector::storage::{Access, Database, StoredAnswer};
use nps_collector::{app, AppState, Settings};
use nps_widget::core::time::parse_timestamp;
use serde_json::{json, Value};
use tower::ServiceExt;

pub const ID: &str = "3f2c8a1e-4b5d-4c6e-8f70-123456789abc";

/// The backend every [`TestApp`] of this run stores in: SQLite, or PostgreSQL when
/// `NPS_TEST_BACKEND=postgres` (`./build.sh test` runs the API suites both ways).
pub fn backend() -> backends::Backend {
    match std::env::var("NPS_TEST_BACKEND").as_deref() {
        Ok("postgres") => backends::Backend::Postgres,
        Ok("sqlite") | Err(_) => backends::Backend::Sqlite,
        Ok(other) => panic!("NPS_TEST_BACKEND={other}: expected sqlite or postgres"),
    }
}

/// A collector over a fresh database of the run's [`backend`], with `settings` (rate limit
/// off unless set), on a clock the test sets (30 s after the sample body's `shownAt` unless
/// told otherwise).
pub struct TestApp {
    /// The collector, with requests sent as the `test` admin (see [`ADMIN_TOKEN`]).
    pub router: Router,
    /// The collector, with requests sent as they are.
    pub anonymous: Router,
    pub state: AppState,
    /// Its database, as `--db` names it.
    pub db: Database,
    now: Arc<AtomicI64>,
    /// Whether dropping the app deletes its database (not when a reopened app took it over).
    owns_db: bool,
}

impl TestApp {
    pub async fn new() -> Self {
        Self::with(Settings {
            rate_limit: 0,
            ..Settings::default()
        })
        .await
    }

    pub async fn with(settings: Settings) -> Self {
        let db = match backend() {
            backends::Backend::Sqlite => {
                static COUNTER: AtomicU32 = AtomicU32::new(0);
                let name = format!(
                    "nps-collector-test-{}-{}.sqlite3",
                    std::process::id(),
                    COUNTER.fetch_add(1, Ordering::Relaxed)
                );
                Database::Sqlite(std::env::temp_dir().join(name))
            }
            backends::Backend::Postgres => Database::Postgres(postgres::fresh_database().await),
        };
        Self::open(db, settings, t("2026-11-22T10:00:30Z")).await
    }

    /// Closes the store (SQLite's writer commits what it holds) and opens the same database
    /// again, with the same settings and clock: what a restart of the collector finds.
    pub async fn reopen(mut self) -> Self {
        self.owns_db = false;
        let db = self.db.clone();
        let settings = self.state.settings().clone();
        let now = self.now.load(Ordering::Relaxed);
        drop(self);
        Self::open(db, settings, now).await
    }

    async fn open(db: Database, settings: Settings, at: i64) -> Self {
        let now = Arc::new(AtomicI64::new(at));
        let clock = now.clone();
        let store = db.open(Access::Serve).await.unwrap();
        store
            .create_token(
                "test",
                &nps_collector::auth::secret::hash(ADMIN_TOKEN),
                t("2026-01-01T00:00:00Z"),
            )
            .await
            .unwrap();
        let state = AppState::shared(
            store,
            settings,
            Arc::new(move || clock.load(Ordering::Relaxed)),
        );
        TestApp {
            router: app(state.clone()).layer(axum::middleware::map_request(as_admin)),
            anonymous: app(state.clone()),
            state,
            db,
            now,
            owns_db: true,
        }
    }

    /// Its database as the `--db` flag takes it.
    pub fn db_arg(&self) -> String {
        match &self.db {
            Database::Sqlite(path) => path.display().to_string(),
            Database::Postgres(url) => url.clone(),
        }
    }

    /// Adds an admin token named `name` (a person answers can be assigned to).
    pub async fn add_admin(&self, name: &str) {
        let hash = nps_collector::auth::secret::hash(&format!("{ADMIN_TOKEN}-{name}"));
        let created = self
            .state
            .store()
            .create_token(name, &hash, t("2026-01-01T00:00:00Z"))
            .await
            .unwrap();
        assert!(created, "a token named {name} exists");
    }

    /// The text of every column of every row `sql` selects, straight from the database
    /// (`NULL` as `None`): for checking what is stored, on either backend.
    pub async fn sql_rows(&self, sql: &str) -> Vec<Vec<Option<String>>> {
        match &self.db {
            Database::Sqlite(path) => {
                let conn = rusqlite::Connection::open(path).unwrap();
                let mut statement = conn.prepare(sql).unwrap();
                let columns = statement.column_count();
                statement
                    .query_map([], |row| {
                        (0..columns)
                            .map(|i| row.get::<_, Option<String>>(i))
                            .collect::<Result<Vec<_>, _>>()
                    })
                    .unwrap()
                    .collect::<Result<_, _>>()
                    .unwrap()
            }
            Database::Postgres(url) => {
                let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
                    .await
                    .unwrap();
                tokio::spawn(connection);
                client
                    .simple_query(sql)
                    .await
                    .unwrap()
                    .into_iter()
                    .filter_map(|message| match message {
                        tokio_postgres::SimpleQueryMessage::Row(row) => Some(
                            (0..row.len())
                                .map(|i| row.get(i).map(str::to_owned))
                                .collect(),
                        ),
                        _ => None,
                    })
                    .collect()
            }
        }
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
        // A PostgreSQL test database goes with the cluster at the end of the run.
        if let (true, Database::Sqlite(path)) = (self.owns_db, &self.db) {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
            }
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
