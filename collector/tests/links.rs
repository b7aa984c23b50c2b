//! Survey links: `POST /v1/links` and `nps-collector link` make a link to the hosted survey
//! page whose token names the user, signed with the collector's link secret (made once, kept
//! in the database, the same after a restart); bad requests are refused naming the field.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::{t, TestApp};
use nps_collector::links::token::{verify, LinkClaims, LinkError};
use nps_collector::links::{self};
use nps_collector::Settings;
use serde_json::{json, Value};

async fn post_link(app: &TestApp, body: Value) -> (StatusCode, Value) {
    let request = Request::post("/v1/links")
        .header("content-type", "application/json")
        .header("host", "nps.test:8787")
        .body(Body::from(body.to_string()))
        .unwrap();
    let (status, _, body) = app.send(request).await;
    (status, body)
}

/// The token of a link made by the collector, and the link without it.
fn split(url: &str) -> (&str, &str) {
    url.split_once("?t=").unwrap()
}

#[tokio::test]
async fn a_link_names_the_user_and_is_signed_with_the_kept_secret() {
    let app = TestApp::new().await;
    let now = app.now();
    let (status, body) = post_link(
        &app,
        json!({ "survey": "nps", "userId": "u_42", "email": "ada@example.com",
                "language": "pt_br", "days": 7 }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let url = body["url"].as_str().unwrap();
    let (start, token) = split(url);
    // Without --public-url, the address the request came to.
    assert_eq!(start, "http://nps.test:8787/s/nps");
    let secret = links::secret(app.state.store(), now).await.unwrap();
    assert_eq!(secret.len(), 32);
    let expected = LinkClaims {
        survey: "nps".into(),
        user_id: "u_42".into(),
        email: Some("ada@example.com".into()),
        // One of the widget's languages, by the widget's rules.
        language: Some("pt-BR".into()),
        kind: None,
        expires_at: now / 1000 + 7 * 86_400,
    };
    assert_eq!(verify(&secret, token, now / 1000), Ok(expected.clone()));
    assert_eq!(
        verify(&secret, token, expected.expires_at + 1),
        Err(LinkError::Expired(expected.expires_at))
    );

    // The secret is made once: after a restart, the link still verifies and new ones are
    // signed alike; 30 days when not told.
    let app = app.reopen().await;
    assert_eq!(links::secret(app.state.store(), now).await.unwrap(), secret);
    let (status, body) = post_link(
        &app,
        json!({ "survey": "support", "userId": "u_7", "kind": "csat" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let claims = verify(&secret, split(body["url"].as_str().unwrap()).1, now / 1000).unwrap();
    assert_eq!(claims.survey, "support");
    assert_eq!(claims.kind.as_deref(), Some("csat"));
    assert_eq!((claims.email, claims.language), (None, None));
    assert_eq!(claims.expires_at, now / 1000 + 30 * 86_400);
}

#[tokio::test]
async fn links_start_with_the_public_url_when_there_is_one() {
    let app = TestApp::with(Settings {
        rate_limit: 0,
        public_url: Some("https://nps.example.com".into()),
        ..Settings::default()
    })
    .await;
    let (status, body) = post_link(&app, json!({ "survey": "nps", "userId": "u_1" })).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(
        body["url"]
            .as_str()
            .unwrap()
            .starts_with("https://nps.example.com/s/nps?t="),
        "{body}"
    );
}

#[tokio::test]
async fn bad_requests_are_refused_naming_the_field_and_only_admins_make_links() {
    let app = TestApp::new().await;
    let long = "x".repeat(300);
    let cases = [
        (json!({ "userId": "u_1" }), "survey"),
        (json!({ "survey": "NPS!", "userId": "u_1" }), "survey"),
        (json!({ "survey": "nps" }), "userId"),
        (json!({ "survey": "nps", "userId": "" }), "userId"),
        (json!({ "survey": "nps", "userId": long }), "userId"),
        (json!({ "survey": "nps", "userId": "u\u{0}1" }), "userId"),
        (json!({ "survey": "nps", "userId": 42 }), "userId"),
        (
            json!({ "survey": "nps", "userId": "u_1", "email": "ada" }),
            "email",
        ),
        // The campaign's own rule: an address a message can go to.
        (
            json!({ "survey": "nps", "userId": "u_1", "email": "a b@example.com" }),
            "email",
        ),
        (
            json!({ "survey": "nps", "userId": "u_1", "email": "ada@example" }),
            "email",
        ),
        (
            json!({ "survey": "nps", "userId": "u_1", "email": "ada@example.com\r\nBcc: x@y.test" }),
            "email",
        ),
        (
            json!({ "survey": "nps", "userId": "u_1", "language": "d" }),
            "language",
        ),
        (
            json!({ "survey": "nps", "userId": "u_1", "language": "de;x" }),
            "language",
        ),
        (
            json!({ "survey": "nps", "userId": "u_1", "days": 0 }),
            "days",
        ),
        (
            json!({ "survey": "nps", "userId": "u_1", "days": 366 }),
            "days",
        ),
        (
            json!({ "survey": "nps", "userId": "u_1", "days": "7" }),
            "days",
        ),
        (
            json!({ "survey": "nps", "userId": "u_1", "user": "u_2" }),
            "user",
        ),
        (
            json!({ "survey": "nps", "userId": "u_1", "kind": "star" }),
            "kind",
        ),
        (json!(["nps"]), "body"),
    ];
    for (body, field) in cases {
        let (status, error) = post_link(&app, body.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body} -> {error}");
        assert_eq!(error["field"], field, "{body} -> {error}");
    }
    let request = Request::post("/v1/links")
        .header("content-type", "application/json")
        .body(Body::from(
            json!({ "survey": "nps", "userId": "u_1" }).to_string(),
        ))
        .unwrap();
    let (status, _, _) = common::send(&app.anonymous, request).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_link_command_prints_a_link_signed_with_the_databases_secret() {
    let app = TestApp::new().await;
    let run = |args: &[&str]| {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_nps-collector"))
            .arg("link")
            .args(["--db", &app.db_arg()])
            .args(args)
            .env_remove("NPS_DB")
            .env_remove("NPS_PUBLIC_URL")
            .output()
            .unwrap();
        (
            output.status.success(),
            String::from_utf8(output.stdout).unwrap(),
            String::from_utf8(output.stderr).unwrap(),
        )
    };
    let (ok, stdout, stderr) = run(&[
        "--user",
        "u_9",
        "--email",
        "bo@example.com",
        "--language",
        "de",
        "--days",
        "3",
        "--public-url",
        "https://nps.example.com/",
    ]);
    assert!(ok, "{stderr}");
    let (start, token) = split(stdout.trim());
    assert_eq!(start, "https://nps.example.com/s/nps");
    let secret = links::secret(app.state.store(), app.now()).await.unwrap();
    let claims = verify(&secret, token, t("2026-11-22T10:00:30Z") / 1000).unwrap();
    assert_eq!(
        (
            claims.user_id.as_str(),
            claims.email.as_deref(),
            claims.language.as_deref()
        ),
        ("u_9", Some("bo@example.com"), Some("de"))
    );
    // Signed now by the system clock: valid for three days from now.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    assert!(
        (claims.expires_at - (now + 3 * 86_400)).abs() < 60,
        "{claims:?}"
    );

    let (ok, _, stderr) = run(&["--user", "u_9", "--days", "400"]);
    assert!(!ok);
    assert!(stderr.contains("--days: days must be 1 to 365"), "{stderr}");
    let (ok, _, stderr) = run(&["--user", "", "--survey", "nps"]);
    assert!(!ok);
    assert!(stderr.contains("--user:"), "{stderr}");
}
