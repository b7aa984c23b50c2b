//! The `--www` and `--pkg` directories: dotfiles are never served, in any spelling; directory
//! redirects keep the mount point and never leave the site; types of the widget's files.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

use axum::body::{to_bytes, Body};
use axum::http::{HeaderMap, Request, StatusCode};
use axum::Router;
use nps_collector::storage::sqlite::SqliteStore;
use nps_collector::{app, AppState, Settings};
use serde_json::Value;
use tower::ServiceExt;

/// A collector serving a fresh `www` and `pkg` (with dotfiles, subdirectories and a directory
/// named like a host), over a fresh database; all removed when dropped.
struct Site {
    router: Router,
    root: PathBuf,
}

fn write(path: PathBuf, contents: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, contents).unwrap();
}

fn fill(dir: &Path) {
    write(dir.join("index.html"), "<!doctype html><title>demo</title>");
    write(dir.join("nps-widget.js"), "export {};");
    write(dir.join("nps_widget_bg.wasm"), "\0asm\x01\0\0\0");
    write(dir.join(".env"), "SECRET=dotenv");
    write(dir.join(".git/config"), "[remote] secret");
    write(dir.join(".well-known/security.txt"), "secret");
    write(dir.join("sub/index.html"), "<title>sub</title>");
    write(dir.join("sub/.hidden"), "secret");
    write(dir.join("sub/.dir/file.js"), "secret");
    write(
        dir.join("evil.example/index.html"),
        "<title>not a host</title>",
    );
}

impl Site {
    fn new() -> Self {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let root = std::env::temp_dir().join(format!(
            "nps-collector-site-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let (www, pkg) = (root.join("www"), root.join("pkg"));
        fill(&www);
        fill(&pkg);
        let db = SqliteStore::open(&root.join("nps.sqlite3")).unwrap();
        let state = AppState::new(
            db,
            Settings {
                www: Some(www),
                pkg: Some(pkg),
                ..Settings::default()
            },
        );
        Site {
            router: app(state),
            root,
        }
    }

    async fn get(&self, path: &str) -> (StatusCode, HeaderMap, Vec<u8>) {
        let request = Request::get(path).body(Body::empty()).unwrap();
        let response = self.router.clone().oneshot(request).await.unwrap();
        let (status, headers) = (response.status(), response.headers().clone());
        let body = to_bytes(response.into_body(), usize::MAX).await.unwrap();
        (status, headers, body.to_vec())
    }

    async fn assert_not_found(&self, path: &str) {
        let (status, headers, body) = self.get(path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {headers:?}");
        assert!(headers.get("location").is_none(), "{path}: {headers:?}");
        let error: Value = serde_json::from_slice(&body)
            .unwrap_or_else(|_| panic!("{path}: {}", String::from_utf8_lossy(&body)));
        assert_eq!(error["error"], "not found", "{path}");
    }
}

impl Drop for Site {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

#[tokio::test]
async fn dotfiles_are_never_served() {
    let site = Site::new();
    for mount in ["", "/nps-widget"] {
        for path in [
            "/.env",
            "/.git/config",
            "/.git/",
            "/.git",
            "/.well-known/security.txt",
            "/sub/.hidden",
            "/sub/.dir/file.js",
            "/%2eenv",
            "/%2Eenv",
            "/%2egit/config",
            "/.git%2fconfig",
            "/sub%2f.hidden",
            "/sub/%2edir/file.js",
            "/sub/../.env",
            "/sub/%2e%2e/.env",
            "/./.env",
        ] {
            site.assert_not_found(&format!("{mount}{path}")).await;
        }
        // The files beside them are served.
        for path in ["/nps-widget.js", "/sub/index.html"] {
            let (status, _, body) = site.get(&format!("{mount}{path}")).await;
            assert_eq!(status, StatusCode::OK, "{mount}{path}");
            assert!(!String::from_utf8_lossy(&body).contains("secret"));
        }
    }
}

#[tokio::test]
async fn directory_redirects_keep_the_mount_point() {
    let site = Site::new();
    for (path, location) in [
        ("/nps-widget/sub", "/nps-widget/sub/"),
        ("/nps-widget/sub?v=1", "/nps-widget/sub/?v=1"),
        ("/sub", "/sub/"),
        ("/evil.example", "/evil.example/"),
    ] {
        let (status, headers, _) = site.get(path).await;
        assert!(status.is_redirection(), "{path}: {status}");
        assert_eq!(headers["location"], location, "{path}");
    }
    let (status, _, body) = site.get("/nps-widget/sub/").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, b"<title>sub</title>");
}

#[tokio::test]
async fn no_redirect_leaves_the_site() {
    let site = Site::new();
    // `evil.example` is a directory in both: a redirect to its trailing slash built from these
    // paths would be `//evil.example/`, which a browser follows to another host.
    for path in [
        "//evil.example",
        "///evil.example",
        "/%2fevil.example",
        "/%2F%2Fevil.example",
        "/%5cevil.example",
        "http://collector//evil.example",
    ] {
        site.assert_not_found(path).await;
    }
    // Under a mount point the router drops the empty segment: the redirect stays on the site.
    let (status, headers, _) = site.get("/nps-widget//evil.example").await;
    assert!(status.is_redirection(), "{status}");
    assert_eq!(headers["location"], "/nps-widget/evil.example/");
}

#[tokio::test]
async fn the_widget_files_keep_their_types() {
    let site = Site::new();
    for (path, content_type) in [
        ("/", "text/html"),
        ("/nps-widget/nps-widget.js", "text/javascript"),
        ("/nps-widget/nps_widget_bg.wasm", "application/wasm"),
        ("/nps-widget/sub/", "text/html"),
    ] {
        let (status, headers, _) = site.get(path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        let actual = headers["content-type"].to_str().unwrap();
        assert!(actual.starts_with(content_type), "{path}: {actual}");
    }
}

#[tokio::test]
async fn a_browser_revalidating_its_cached_copy_gets_304() {
    let site = Site::new();
    for path in [
        "/",
        "/nps-widget/nps-widget.js",
        "/nps-widget/nps_widget_bg.wasm",
    ] {
        let (status, headers, _) = site.get(path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        let modified = headers["last-modified"].clone();
        let request = Request::get(path)
            .header("if-modified-since", modified)
            .body(Body::empty())
            .unwrap();
        let response = site.router.clone().oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::NOT_MODIFIED, "{path}");
    }
}
