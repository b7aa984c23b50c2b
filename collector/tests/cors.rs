//! CORS for widgets and admin tools on other origins: the methods and headers a preflight
//! allows, and the headers a cross-origin script may read.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use axum::Router;
use nps_collector::storage::sqlite::SqliteStore;
use nps_collector::{app, AppState, Settings};
use tower::ServiceExt;

const ORIGIN: &str = "https://app.example.com";

/// A collector over a fresh database file, removed when dropped.
struct TestApp {
    router: Router,
    path: PathBuf,
}

impl TestApp {
    fn new(settings: Settings) -> Self {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let path = std::env::temp_dir().join(format!(
            "nps-collector-cors-{}-{}.sqlite3",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let state = AppState::new(SqliteStore::open(&path).unwrap(), settings);
        TestApp {
            router: app(state),
            path,
        }
    }

    async fn send(&self, request: Request<Body>) -> (StatusCode, HeaderMap) {
        let response = self.router.clone().oneshot(request).await.unwrap();
        (response.status(), response.headers().clone())
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", self.path.display()));
        }
    }
}

fn lowercase_list(headers: &HeaderMap, name: &str) -> Vec<String> {
    let value = headers
        .get(name)
        .unwrap_or_else(|| panic!("no {name} in {headers:?}"));
    value
        .to_str()
        .unwrap()
        .split(',')
        .map(|item| item.trim().to_ascii_lowercase())
        .collect()
}

#[tokio::test]
async fn preflight_allows_the_admin_methods_and_authorization() {
    for origins in [vec![ORIGIN.to_owned()], vec!["*".to_owned()]] {
        let app = TestApp::new(Settings {
            cors_origins: origins,
            rate_limit: 0,
            ..Settings::default()
        });
        let preflight = Request::options("/v1/answers/x/follow-up")
            .header("origin", ORIGIN)
            .header("access-control-request-method", "PATCH")
            .header(
                "access-control-request-headers",
                "authorization, content-type",
            )
            .body(Body::empty())
            .unwrap();
        let (status, headers) = app.send(preflight).await;
        assert!(status.is_success(), "{status}");
        let methods = lowercase_list(&headers, "access-control-allow-methods");
        for method in ["get", "post", "patch", "delete", "options"] {
            assert!(methods.iter().any(|m| m == method), "{method}: {methods:?}");
        }
        let allowed = lowercase_list(&headers, "access-control-allow-headers");
        for header in ["authorization", "content-type"] {
            assert!(allowed.iter().any(|h| h == header), "{header}: {allowed:?}");
        }
    }
}

#[tokio::test]
async fn a_cross_origin_widget_can_read_retry_after() {
    let app = TestApp::new(Settings {
        cors_origins: vec![ORIGIN.to_owned()],
        rate_limit: 1,
        ..Settings::default()
    });
    let request = || {
        Request::get("/v1/eligibility?userId=u_1")
            .header("origin", ORIGIN)
            .body(Body::empty())
            .unwrap()
    };
    let (status, headers) = app.send(request()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["access-control-allow-origin"], ORIGIN);

    let (status, headers) = app.send(request()).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(headers["access-control-allow-origin"], ORIGIN);
    assert!(headers.contains_key("retry-after"), "{headers:?}");
    let exposed = lowercase_list(&headers, "access-control-expose-headers");
    assert!(exposed.iter().any(|h| h == "retry-after"), "{exposed:?}");
}
