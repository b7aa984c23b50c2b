//! Admin access: Bearer tokens on the admin API, `NPS_ADMIN_TOKEN`, the dashboard login and its
//! session cookie, logout, the same-origin rule for the cookie, the failed-login limit, and the
//! `token` subcommands of the real binary.

mod common;

use std::io::{BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};

use axum::body::{to_bytes, Body};
use axum::http::{HeaderMap, Request, StatusCode};
use axum::routing::post;
use axum::Router;
use common::TestApp;
use nps_collector::auth::{self, secret};
use serde_json::{json, Value};
use tower::ServiceExt;

use common::process::BIN;

/// A response's status, headers and body as text.
async fn raw(router: &Router, request: Request<Body>) -> (StatusCode, HeaderMap, String) {
    let response = router.clone().oneshot(request).await.unwrap();
    let (status, headers) = (response.status(), response.headers().clone());
    let bytes = to_bytes(response.into_body(), usize::MAX).await.unwrap();
    (status, headers, String::from_utf8(bytes.to_vec()).unwrap())
}

/// Stores a new token named `name`; returns it.
async fn token(app: &TestApp, name: &str) -> String {
    let token = secret::new_token().unwrap();
    let created = app
        .state
        .store()
        .create_token(name, &secret::hash(&token), app.state.now())
        .await
        .unwrap();
    assert!(created);
    token
}

fn me(authorization: Option<&str>, cookie: Option<&str>) -> Request<Body> {
    let mut request = Request::get("/v1/me");
    if let Some(value) = authorization {
        request = request.header("authorization", value);
    }
    if let Some(session) = cookie {
        request = request.header("cookie", format!("theme=dark; nps_session={session}"));
    }
    request.body(Body::empty()).unwrap()
}

fn login_json(token: &str) -> Request<Body> {
    Request::post("/dashboard/login")
        .header("content-type", "application/json")
        .body(Body::from(json!({ "token": token }).to_string()))
        .unwrap()
}

fn assert_unauthorized(status: StatusCode, headers: &HeaderMap, body: &Value) {
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    let challenge = headers["www-authenticate"].to_str().unwrap();
    assert!(challenge.starts_with("Bearer"), "{challenge}");
    assert_eq!(body["field"], "Authorization", "{body}");
    assert!(
        body["error"].as_str().is_some_and(|e| !e.is_empty()),
        "{body}"
    );
}

/// Logs in with `token`; the session id from the cookie.
async fn log_in(app: &TestApp, token: &str) -> String {
    let (status, headers, body) = raw(&app.anonymous, login_json(token)).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let cookie = headers["set-cookie"].to_str().unwrap();
    let value = cookie.split(';').next().unwrap();
    value.strip_prefix("nps_session=").unwrap().to_owned()
}

#[tokio::test]
async fn me_needs_a_valid_bearer_token() {
    let app = TestApp::new().await;
    let ada = token(&app, "Ada").await;

    let (status, headers, body) = common::send(&app.anonymous, me(None, None)).await;
    assert_unauthorized(status, &headers, &body);
    assert_eq!(headers["www-authenticate"], "Bearer");

    for wrong in [
        format!("Bearer {ada}x"),
        "Bearer npsa_0000".to_owned(),
        format!("Basic {ada}"),
        "Bearer".to_owned(),
        format!("Bearer {}", secret::hash(&ada)),
    ] {
        let (status, headers, body) = common::send(&app.anonymous, me(Some(&wrong), None)).await;
        assert_unauthorized(status, &headers, &body);
        assert_eq!(
            headers["www-authenticate"], "Bearer error=\"invalid_token\"",
            "{wrong}"
        );
    }

    let tokens = app.state.store().tokens().await.unwrap();
    assert_eq!(tokens[0].last_used_at, None);
    app.set_now("2026-11-22T11:00:00Z");
    let (status, _, body) =
        common::send(&app.anonymous, me(Some(&format!("Bearer {ada}")), None)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body, json!({ "name": "Ada" }));
    let (status, _, _) =
        common::send(&app.anonymous, me(Some(&format!("bearer {ada}")), None)).await;
    assert_eq!(status, StatusCode::OK);
    let tokens = app.state.store().tokens().await.unwrap();
    assert_eq!(
        tokens[0].last_used_at,
        Some(common::t("2026-11-22T11:00:00Z"))
    );
}

#[tokio::test]
async fn a_wrong_authorization_header_is_not_made_up_for_by_a_cookie() {
    let app = TestApp::new().await;
    let ada = token(&app, "Ada").await;
    let session = log_in(&app, &ada).await;
    let (status, headers, body) =
        common::send(&app.anonymous, me(Some("Bearer wrong"), Some(&session))).await;
    assert_unauthorized(status, &headers, &body);
}

#[tokio::test]
async fn a_revoked_token_and_its_sessions_are_refused() {
    let app = TestApp::new().await;
    let ada = token(&app, "Ada").await;
    let bob = token(&app, "Bob").await;
    let session = log_in(&app, &ada).await;
    assert!(app.state.store().revoke_token("Ada").await.unwrap());

    let (status, headers, body) =
        common::send(&app.anonymous, me(Some(&format!("Bearer {ada}")), None)).await;
    assert_unauthorized(status, &headers, &body);
    let (status, headers, body) = common::send(&app.anonymous, me(None, Some(&session))).await;
    assert_unauthorized(status, &headers, &body);
    let (status, _, body) =
        common::send(&app.anonymous, me(Some(&format!("Bearer {bob}")), None)).await;
    assert_eq!((status, body), (StatusCode::OK, json!({ "name": "Bob" })));
}

#[tokio::test]
async fn the_environment_token_adds_and_replaces_the_token_named_admin() {
    let app = TestApp::new().await;
    let store = app.state.store();
    let first = "first-admin-token-0123456789";
    auth::install_env_token(store, first, app.state.now())
        .await
        .unwrap();
    let (status, _, body) =
        common::send(&app.anonymous, me(Some(&format!("Bearer {first}")), None)).await;
    assert_eq!((status, body), (StatusCode::OK, json!({ "name": "admin" })));
    let session = log_in(&app, first).await;

    // The same value at the next start changes nothing: the session lives on.
    auth::install_env_token(store, first, app.state.now())
        .await
        .unwrap();
    let (status, _, _) = common::send(&app.anonymous, me(None, Some(&session))).await;
    assert_eq!(status, StatusCode::OK);

    // Another value replaces it, and ends the sessions opened with the old one.
    let second = "second-admin-token-0123456789";
    auth::install_env_token(store, second, app.state.now())
        .await
        .unwrap();
    let (status, headers, body) =
        common::send(&app.anonymous, me(Some(&format!("Bearer {first}")), None)).await;
    assert_unauthorized(status, &headers, &body);
    let (status, headers, body) = common::send(&app.anonymous, me(None, Some(&session))).await;
    assert_unauthorized(status, &headers, &body);
    let (status, _, body) =
        common::send(&app.anonymous, me(Some(&format!("Bearer {second}")), None)).await;
    assert_eq!((status, body), (StatusCode::OK, json!({ "name": "admin" })));
    let names: Vec<String> = store
        .tokens()
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.name)
        .collect();
    assert_eq!(
        names,
        ["admin", "test"],
        "one admin token, and the test app's own"
    );

    for bad in [
        "",
        "short",
        "has a space in it 0123456789",
        "tab\tin-it-0123456789",
    ] {
        let refused = auth::install_env_token(store, bad, app.state.now()).await;
        assert!(refused.unwrap_err().contains("NPS_ADMIN_TOKEN"), "{bad:?}");
    }
}

#[tokio::test]
async fn the_login_page_has_a_labelled_input_and_no_inline_script_or_style() {
    let app = TestApp::new().await;
    let get = |path: &str| Request::get(path).body(Body::empty()).unwrap();
    let (status, headers, html) = raw(&app.anonymous, get("/dashboard/login")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "text/html; charset=utf-8");
    let policy = headers["content-security-policy"].to_str().unwrap();
    assert!(policy.starts_with("default-src 'self'"), "{policy}");
    assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
    assert_eq!(headers["cache-control"], "no-store");
    // Not `no-referrer`, under which a browser's form POST carries `Origin: null`.
    assert_eq!(headers["referrer-policy"], "same-origin");
    assert!(html.contains(r#"<label for="token">"#), "{html}");
    assert!(
        html.contains(r#"<input id="token" name="token" type="password""#),
        "{html}"
    );
    assert!(html.contains(r#"action="/dashboard/login""#), "{html}");
    let lower = html.to_ascii_lowercase();
    assert!(!lower.contains("<style"), "{html}");
    assert!(!lower.contains("style="), "{html}");
    assert!(!lower.contains("javascript:"), "{html}");
    let scripts: Vec<&str> = lower.split("<script").skip(1).collect();
    assert_eq!(scripts.len(), 1, "{html}");
    assert!(
        scripts[0].starts_with(r#" type="module" src="/dashboard/login.js"></script>"#),
        "{html}"
    );
    for tag in lower.split('<').filter_map(|tag| tag.split('>').next()) {
        for attribute in tag.split_whitespace().skip(1) {
            assert!(
                !(attribute.starts_with("on") && attribute.contains('=')),
                "{tag}"
            );
        }
    }

    for (path, content_type) in [
        ("/dashboard/login.js", "text/javascript; charset=utf-8"),
        ("/dashboard/index.js", "text/javascript; charset=utf-8"),
        ("/dashboard/dashboard.css", "text/css; charset=utf-8"),
        ("/dashboard/login.css", "text/css; charset=utf-8"),
        (
            "/dashboard/chart.umd.min.js",
            "text/javascript; charset=utf-8",
        ),
    ] {
        let (status, headers, body) = raw(&app.anonymous, get(path)).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert_eq!(headers["content-type"], content_type, "{path}");
        assert!(!body.is_empty(), "{path}");
    }
    for path in ["/dashboard/dashboard.css", "/dashboard/login.css"] {
        let (_, _, css) = raw(&app.anonymous, get(path)).await;
        assert!(css.contains("prefers-color-scheme: dark"), "{path}: {css}");
    }
}

#[tokio::test]
async fn login_sets_the_session_cookie_with_exactly_its_flags() {
    let app = TestApp::new().await;
    let ada = token(&app, "Ada").await;

    let (status, headers, _) = raw(&app.anonymous, login_json(&ada)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers["location"], "/dashboard/");
    let cookies: Vec<&str> = headers
        .get_all("set-cookie")
        .iter()
        .map(|c| c.to_str().unwrap())
        .collect();
    assert_eq!(cookies.len(), 1, "{cookies:?}");
    let (session, flags) = cookies[0]
        .strip_prefix("nps_session=")
        .unwrap()
        .split_once(';')
        .unwrap();
    assert_eq!(session.len(), 64, "{session}");
    assert!(session.bytes().all(|b| b.is_ascii_hexdigit()), "{session}");
    assert_eq!(flags, " HttpOnly; SameSite=Strict; Path=/; Max-Age=2592000");

    // Only the session's hash is stored, with its expiry 30 days on.
    let stored = app
        .sql_rows("SELECT session_hash, token_name, expires_at FROM admin_sessions")
        .await;
    let expected = [
        secret::hash(session),
        "Ada".into(),
        "2026-12-22T10:00:30.000Z".into(),
    ];
    assert_eq!(stored, [expected.map(Some)]);

    // Over HTTPS (a proxy in front says so), the cookie is Secure too; a form works as JSON does.
    let request = Request::post("/dashboard/login")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-forwarded-proto", "https")
        .body(Body::from(format!("token={ada}")))
        .unwrap();
    let (status, headers, _) = raw(&app.anonymous, request).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let cookie = headers["set-cookie"].to_str().unwrap();
    let (second, flags) = cookie
        .strip_prefix("nps_session=")
        .unwrap()
        .split_once(';')
        .unwrap();
    assert_ne!(second, session);
    assert_eq!(
        flags,
        " HttpOnly; SameSite=Strict; Path=/; Max-Age=2592000; Secure"
    );

    // No token at all is a bad request, not a failed login.
    let (status, _, body) = common::send(&app.anonymous, login_json("")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["field"], "token");
}

#[tokio::test]
async fn the_cookie_authenticates_until_logout_or_expiry() {
    let app = TestApp::new().await;
    let ada = token(&app, "Ada").await;
    let get_dashboard = |cookie: Option<&str>| {
        let mut request = Request::get("/dashboard/");
        if let Some(session) = cookie {
            request = request.header("cookie", format!("nps_session={session}"));
        }
        request.body(Body::empty()).unwrap()
    };

    let (status, headers, _) = raw(&app.anonymous, get_dashboard(None)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers["location"], "/dashboard/login");

    let session = log_in(&app, &ada).await;
    let (status, _, body) = common::send(&app.anonymous, me(None, Some(&session))).await;
    assert_eq!((status, body), (StatusCode::OK, json!({ "name": "Ada" })));
    let (status, headers, html) = raw(&app.anonymous, get_dashboard(Some(&session))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "text/html; charset=utf-8");
    assert!(html.contains(r#"action="/dashboard/logout""#), "{html}");
    assert!(html.contains(r#"src="/dashboard/index.js""#), "{html}");

    let logout = Request::post("/dashboard/logout")
        .header("host", "nps.example.com")
        .header("origin", "https://nps.example.com")
        .header("cookie", format!("nps_session={session}"))
        .body(Body::empty())
        .unwrap();
    let (status, headers, _) = raw(&app.anonymous, logout).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers["location"], "/dashboard/login");
    assert_eq!(
        headers["set-cookie"],
        "nps_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0"
    );
    let (status, headers, body) = common::send(&app.anonymous, me(None, Some(&session))).await;
    assert_unauthorized(status, &headers, &body);
    let (status, _, _) = raw(&app.anonymous, get_dashboard(Some(&session))).await;
    assert_eq!(status, StatusCode::SEE_OTHER);

    // A session ends by itself after 30 days.
    let session = log_in(&app, &ada).await;
    app.set_now("2026-12-22T10:00:29Z");
    let (status, _, _) = common::send(&app.anonymous, me(None, Some(&session))).await;
    assert_eq!(status, StatusCode::OK);
    app.set_now("2026-12-22T10:00:30Z");
    let (status, headers, body) = common::send(&app.anonymous, me(None, Some(&session))).await;
    assert_unauthorized(status, &headers, &body);
}

#[tokio::test]
async fn the_cookie_acts_only_for_requests_from_the_collectors_own_origin() {
    let app = TestApp::new().await;
    let ada = token(&app, "Ada").await;
    let session = log_in(&app, &ada).await;
    // An admin route that changes something, wrapped as every admin route is.
    let router = auth::admin_routes(
        &app.state,
        Router::new().route(
            "/v1/change",
            post(|user: auth::AdminUser| async { user.name }),
        ),
    )
    .with_state(app.state.clone());
    let change = |origin: &str, credential: (&str, String)| {
        Request::post("/v1/change")
            .header("host", "nps.example.com")
            .header("origin", origin)
            .header(credential.0, credential.1)
            .body(Body::empty())
            .unwrap()
    };
    let cookie = ("cookie", format!("nps_session={session}"));

    let (status, _, body) = raw(&router, change("https://nps.example.com", cookie.clone())).await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "Ada"));
    let (status, _, body) = raw(&router, change("https://evil.example", cookie.clone())).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let body: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["field"], "Origin");
    // A Bearer token is never sent by a browser on its own: any origin may use it.
    let bearer = ("authorization", format!("Bearer {ada}"));
    let (status, _, _) = raw(&router, change("https://evil.example", bearer)).await;
    assert_eq!(status, StatusCode::OK);

    // Logging out (or in) from another site is refused, and the session lives on.
    let logout = Request::post("/dashboard/logout")
        .header("host", "nps.example.com")
        .header("origin", "https://evil.example")
        .header(cookie.0, cookie.1.clone())
        .body(Body::empty())
        .unwrap();
    let (status, _, _) = raw(&app.anonymous, logout).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) = common::send(&app.anonymous, me(None, Some(&session))).await;
    assert_eq!(status, StatusCode::OK);
    let mut login = login_json(&ada);
    login
        .headers_mut()
        .insert("origin", "https://evil.example".parse().unwrap());
    let (status, _, _) = raw(&app.anonymous, login).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn failed_logins_are_limited_per_client() {
    let app = TestApp::new().await;
    let ada = token(&app, "Ada").await;
    for attempt in 0..10 {
        let (status, _, body) =
            common::send(&app.anonymous, login_json(&format!("npsa_guess{attempt}"))).await;
        assert_eq!(
            status,
            StatusCode::UNAUTHORIZED,
            "attempt {attempt}: {body}"
        );
        assert_eq!(body["field"], "token");
    }
    for token in ["npsa_guess10", ada.as_str()] {
        let (status, headers, body) = common::send(&app.anonymous, login_json(token)).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
        let wait: u64 = headers["retry-after"].to_str().unwrap().parse().unwrap();
        assert!((890..=900).contains(&wait), "{wait}");
    }
    // The API with the token is not affected.
    let (status, _, _) =
        common::send(&app.anonymous, me(Some(&format!("Bearer {ada}")), None)).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn successful_logins_are_not_limited() {
    let app = TestApp::new().await;
    let ada = token(&app, "Ada").await;
    for _ in 0..15 {
        log_in(&app, &ada).await;
    }
}

/// Runs the real binary with `args`; its status, stdout and stderr.
fn run(args: &[&str], db: &Path) -> (bool, String, String) {
    let output = Command::new(BIN)
        .args(args)
        .arg("--db")
        .arg(db)
        .env_remove("NPS_DB")
        .output()
        .unwrap();
    (
        output.status.success(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

struct Files(Vec<std::path::PathBuf>);

impl Drop for Files {
    fn drop(&mut self) {
        for path in &self.0 {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
            }
        }
    }
}

fn temp_db(tag: &str) -> (std::path::PathBuf, Files) {
    let path = std::env::temp_dir().join(format!(
        "nps-collector-auth-{tag}-{}.sqlite3",
        std::process::id()
    ));
    (path.clone(), Files(vec![path]))
}

#[test]
fn token_subcommands_print_a_token_once_and_never_a_hash() {
    let (db, _files) = temp_db("cli");
    let (ok, stdout, stderr) = run(&["token", "list"], &db);
    assert!(!ok, "list of a missing file: {stdout}");
    assert!(stderr.contains("no database"), "{stderr}");

    let (ok, stdout, stderr) = run(&["token", "create", "--name", "Ada"], &db);
    assert!(ok, "{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{stdout}");
    let ada = lines[0];
    assert!(ada.starts_with("npsa_") && ada.len() == 69, "{ada}");
    assert!(stderr.contains("shown this once"), "{stderr}");

    let (ok, stdout, stderr) = run(&["token", "create", "--name", "Ada"], &db);
    assert!(!ok);
    assert!(stdout.is_empty(), "{stdout}");
    assert!(stderr.contains("exists"), "{stderr}");
    let (ok, _, stderr) = run(&["token", "create", "--name", " Ada"], &db);
    assert!(!ok);
    assert!(stderr.contains("name"), "{stderr}");
    let (ok, bob, stderr) = run(&["token", "create", "--name", "Bob"], &db);
    assert!(ok, "{stderr}");
    let bob = bob.trim();
    assert_ne!(bob, ada);

    let (ok, list, stderr) = run(&["token", "list"], &db);
    assert!(ok, "{stderr}");
    let rows: Vec<&str> = list.lines().collect();
    assert_eq!(rows.len(), 3, "{list}");
    assert!(rows[0].starts_with("NAME  CREATED"), "{list}");
    assert!(
        rows[1].starts_with("Ada ") && rows[1].ends_with("never"),
        "{list}"
    );
    assert!(rows[2].starts_with("Bob "), "{list}");
    for secret in [ada, bob] {
        assert!(!list.contains(secret), "{list}");
        assert!(!list.contains(&secret::hash(secret)), "{list}");
        assert!(!list.contains(&secret::hash(secret)[..16]), "{list}");
    }

    // Only hashes are in the file.
    let stored: Vec<String> = rusqlite::Connection::open(&db)
        .unwrap()
        .prepare("SELECT token_hash FROM admin_tokens ORDER BY name")
        .unwrap()
        .query_map([], |row| row.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(stored, [secret::hash(ada), secret::hash(bob)]);

    let (ok, _, stderr) = run(&["token", "revoke", "--name", "Ada"], &db);
    assert!(ok, "{stderr}");
    let (ok, _, stderr) = run(&["token", "revoke", "--name", "Ada"], &db);
    assert!(!ok);
    assert!(stderr.contains("no token named"), "{stderr}");
    let (_, list, _) = run(&["token", "list"], &db);
    assert_eq!(list.lines().count(), 2, "{list}");
    assert!(!list.contains("Ada"), "{list}");
    // The name can be used again, for a new token.
    let (ok, again, _) = run(&["token", "create", "--name", "Ada"], &db);
    assert!(ok);
    assert_ne!(again.trim(), ada);
}

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

#[test]
fn the_environment_token_lets_its_holder_in_and_no_secret_is_logged() {
    let (db, _files) = temp_db("env");
    let token = "env-admin-token-0123456789abcdef";
    let (mut child, addr) = common::process::serve(&db, &[], |command| {
        command.env("NPS_ADMIN_TOKEN", token).stderr(Stdio::piped());
    });
    let stderr = child.stderr.take().unwrap();
    let server = Server(child);

    let response = http(
        &addr,
        &format!("GET /v1/me HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"),
    );
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.ends_with(r#"{"name":"admin"}"#), "{response}");

    let body = format!("token={token}");
    let response = http(
        &addr,
        &format!(
            "POST /dashboard/login HTTP/1.1\r\nHost: {addr}\r\nOrigin: http://{addr}\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\
             Connection: close\r\n\r\n{body}",
            body.len()
        ),
    );
    assert!(response.starts_with("HTTP/1.1 303"), "{response}");
    let session = response
        .lines()
        .find_map(|line| line.strip_prefix("set-cookie: nps_session="))
        .and_then(|cookie| cookie.split(';').next())
        .unwrap_or_else(|| panic!("no cookie in {response}"))
        .to_owned();
    let response = http(
        &addr,
        &format!("GET /v1/me HTTP/1.1\r\nHost: {addr}\r\nCookie: nps_session={session}\r\nConnection: close\r\n\r\n"),
    );
    assert!(response.ends_with(r#"{"name":"admin"}"#), "{response}");
    drop(server);

    let mut log = String::new();
    BufReader::new(stderr).read_to_string(&mut log).unwrap();
    assert!(log.contains("path=/dashboard/login"), "{log}");
    assert!(!log.contains(token), "{log}");
    assert!(!log.contains(&session), "{log}");
}

#[tokio::test]
async fn every_admin_endpoint_needs_a_token() {
    let app = TestApp::new().await;
    let requests = [
        ("GET", "/v1/me"),
        ("GET", "/v1/report"),
        ("GET", "/v1/surveys"),
        ("GET", "/v1/answers"),
        ("GET", "/v1/answers.csv"),
        (
            "PATCH",
            "/v1/answers/3f2c8a1e-4b5d-4c6e-8f70-123456789abc/follow-up",
        ),
        ("DELETE", "/v1/users/u_42"),
        ("GET", "/v1/answers/3f2c8a1e-4b5d-4c6e-8f70-123456789abc"),
        ("POST", "/v1/hooks"),
        ("GET", "/v1/hooks"),
        ("GET", "/v1/hooks/1"),
        ("PATCH", "/v1/hooks/1"),
        ("DELETE", "/v1/hooks/1"),
        ("POST", "/v1/hooks/1/rotate-secret"),
        ("POST", "/v1/hooks/1/test"),
        ("GET", "/v1/hooks/1/deliveries"),
        ("POST", "/v1/hooks/1/deliveries/1/retry"),
    ];
    for (method, path) in requests {
        let request = || Request::builder().method(method).uri(path);
        let (status, headers, body) =
            common::send(&app.anonymous, request().body(Body::empty()).unwrap()).await;
        assert_unauthorized(status, &headers, &body);
        let wrong = request()
            .header("authorization", "Bearer npsa_wrong")
            .body(Body::empty())
            .unwrap();
        let (status, headers, body) = common::send(&app.anonymous, wrong).await;
        assert_unauthorized(status, &headers, &body);
    }
    // The widget's endpoints stay public.
    let (status, _) = common::get_json(&app.anonymous, "/v1/eligibility?userId=u_1").await;
    assert_eq!(status, StatusCode::OK);
}
