//! The hosted survey page `GET /s/{survey}?t=TOKEN[&score=N]`: a valid link serves the widget in
//! page mode, configured for the token's user, language and answer (and writes nothing); links
//! that cannot be used get friendly pages with the right status; the page's policy and
//! headers; anonymous links; values cannot break out of the page's data block.

mod common;

use axum::body::{to_bytes, Body};
use axum::http::{HeaderMap, Request, StatusCode};
use common::TestApp;
use nps_collector::links::{self, LinkRequest};
use nps_collector::pages::words::words;
use nps_collector::pages::CONTENT_SECURITY_POLICY_VALUE;
use nps_collector::Settings;
use nps_widget::core::kind::Kind;
use serde_json::{json, Value};
use tower::ServiceExt;

fn settings() -> Settings {
    Settings {
        rate_limit: 0,
        pkg: Some(std::env::temp_dir()),
        product: Some("Acme <Cloud>".into()),
        accent: Some("#7c3aed".into()),
        survey_kinds: vec![("support".into(), Kind::Csat)],
        ..Settings::default()
    }
}

/// Asserts that `html` parses as HTML without a single parse error (no broken or stray tag).
fn assert_well_formed(html: &str) {
    use html5ever::tendril::TendrilSink;
    let dom = html5ever::parse_document(markup5ever_rcdom::RcDom::default(), Default::default())
        .from_utf8()
        .read_from(&mut html.as_bytes())
        .unwrap();
    let errors = dom.errors.borrow();
    assert!(errors.is_empty(), "parse errors {errors:?} in {html}");
}

/// GETs `path` as a browser with `Accept-Language: language`: status, headers, HTML (every
/// page checked for parse errors).
async fn get_page(app: &TestApp, path: &str, language: &str) -> (StatusCode, HeaderMap, String) {
    let request = Request::get(path)
        .header("accept-language", language)
        .header("host", "nps.test")
        .body(Body::empty())
        .unwrap();
    let response = app.anonymous.clone().oneshot(request).await.unwrap();
    let (status, headers) = (response.status(), response.headers().clone());
    let bytes = to_bytes(response.into_body(), usize::MAX).await.unwrap();
    let body = String::from_utf8(bytes.to_vec()).unwrap();
    if headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html")
    {
        assert_well_formed(&body);
    }
    (status, headers, body)
}

/// The widget config the page carries in its data block.
fn config_of(html: &str) -> Value {
    let start = html
        .find(r#"<script type="application/json" id="nps-survey">"#)
        .unwrap_or_else(|| panic!("no config in {html}"));
    let rest = &html[start..];
    let json = &rest[rest.find('>').unwrap() + 1..rest.find("</script>").unwrap()];
    serde_json::from_str(json).unwrap()
}

/// A link for `user` (path and query, without the host) and its token.
async fn link(app: &TestApp, survey: &str, user: &str, language: Option<&str>) -> (String, String) {
    let request = LinkRequest {
        survey: survey.into(),
        user_id: user.into(),
        email: Some("ada@example.com".into()),
        language: language.map(Into::into),
        days: 7,
        kind: None,
    };
    let url = links::make(app.state.store(), "", &request, app.now())
        .await
        .unwrap();
    let token = url.split_once("?t=").unwrap().1.to_owned();
    (url, token)
}

#[tokio::test]
async fn a_link_serves_the_widget_in_page_mode_for_its_user_and_writes_nothing() {
    let app = TestApp::with(settings()).await;
    let (url, token) = link(&app, "nps", "u_42", Some("de")).await;
    let (status, headers, html) = get_page(&app, &format!("{url}&score=9"), "fr").await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert_eq!(
        headers["content-security-policy"],
        CONTENT_SECURITY_POLICY_VALUE
    );
    assert_eq!(headers["cache-control"], "no-store");
    assert_eq!(headers["referrer-policy"], "no-referrer");
    assert_eq!(headers["x-frame-options"], "DENY");
    assert!(headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    // The token's language wins over the browser's.
    let german = words("de");
    assert!(
        html.contains(&format!(r#"<html lang="{}" dir="ltr">"#, german.tag)),
        "{html}"
    );
    assert!(html.contains(german.noscript), "{html}");
    assert!(html.contains(r#"<script type="module" src="/s/page.js"></script>"#));
    assert!(!html.contains("style="), "no inline style");
    let secret = links::secret(app.state.store(), app.now()).await.unwrap();
    let answer = links::answer_of(&secret, &token);
    assert_eq!(
        config_of(&html),
        json!({
            "endpoint": "/v1/responses",
            "product": "Acme <Cloud>",
            "language": "de",
            "theme": { "mode": "auto", "accent": "#7c3aed" },
            "user": { "id": "u_42", "email": "ada@example.com" },
            "surveys": [{ "id": "nps", "kind": "nps", "triggers": [] }],
            "page": { "channel": "email", "id": answer.id, "key": answer.key, "score": 9 },
        })
    );
    // The GET recorded nothing (mail scanners follow links): the page's script does.
    assert!(app.rows().await.is_empty());

    // The same link again continues the same answer; a score outside the kind's range, or no
    // number, is not passed on.
    for (score, expected) in [("10", Some(10)), ("11", None), ("x", None), ("-1", None)] {
        let (status, _, html) = get_page(&app, &format!("{url}&score={score}"), "en").await;
        assert_eq!(status, StatusCode::OK);
        let config = config_of(&html);
        assert_eq!(config["page"]["id"], json!(answer.id));
        assert_eq!(
            config["page"].get("score").and_then(Value::as_u64),
            expected
        );
    }
}

#[tokio::test]
async fn links_that_cannot_be_used_get_friendly_pages() {
    let app = TestApp::with(settings()).await;
    let (url, token) = link(&app, "nps", "u_42", Some("de")).await;
    let english = words("en");
    let tampered = url.replace(&token, &format!("{token}x"));
    let other_survey = url.replace("/s/nps?", "/s/support?");
    let (payload, signature) = token.split_once('.').unwrap();
    let changed_payload = url.replace(payload, &format!("{payload}A"));
    for (path, why) in [
        (tampered.as_str(), "a changed signature"),
        (changed_payload.as_str(), "a changed payload"),
        (&format!("/s/nps?t={signature}"), "no payload"),
        (&other_survey, "the token of another survey"),
        (
            &url.replace("/s/nps?", "/s/export?"),
            "the token of another survey the collector does not know",
        ),
        ("/s/nps?t=", "an empty token"),
        ("/s/nps?t=a.b&t=c", "two tokens"),
    ] {
        let (status, headers, html) = get_page(&app, path, "en").await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{why}: {html}");
        assert!(html.contains(english.invalid_title), "{why}: {html}");
        assert!(!html.contains("nps-survey"), "{why}: no survey");
        assert_eq!(
            headers["content-security-policy"],
            CONTENT_SECURITY_POLICY_VALUE
        );
    }
    // In the reader's language when the link says none it can be trusted with.
    let french = words("fr");
    let (_, _, html) = get_page(&app, &tampered, "fr-CA,fr;q=0.9").await;
    assert!(html.contains(french.invalid_title), "{html}");
    assert!(
        html.contains(&format!(r#"lang="{}""#, french.tag)),
        "{html}"
    );

    // A survey the collector does not know, or a survey id that cannot be one.
    for path in ["/s/export", "/s/Export"] {
        let (status, _, html) = get_page(&app, path, "en").await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert!(
            html.contains(english.unknown_survey_title),
            "{path}: {html}"
        );
    }

    // Past its last second, the link has expired.
    app.advance(7 * 86_400_000 + 1_000);
    let (status, _, html) = get_page(&app, &url, "en").await;
    assert_eq!(status, StatusCode::GONE, "{html}");
    assert!(html.contains(english.expired_title), "{html}");
}

#[tokio::test]
async fn a_link_whose_answer_is_complete_says_thank_you_and_shows_no_card() {
    let app = TestApp::with(settings()).await;
    let (url, token) = link(&app, "nps", "u_42", None).await;
    let secret = links::secret(app.state.store(), app.now()).await.unwrap();
    let answer = links::answer_of(&secret, &token);
    let body = |kind: &str, complete: bool| {
        json!({ "id": answer.id, "key": answer.key, "type": kind, "kind": "nps", "survey": "nps",
                "score": 6, "category": "detractor", "comment": null, "complete": complete,
                "user": { "id": "u_42" }, "channel": "email",
                "shownAt": "2026-11-22T10:00:00.000Z", "answeredAt": "2026-11-22T10:00:04.000Z" })
    };
    // Scored but not complete: the card again (the score may still change).
    assert_eq!(
        app.post(&body("response", false)).await.0,
        StatusCode::ACCEPTED
    );
    let (status, _, html) = get_page(&app, &url, "en").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(config_of(&html)["page"]["id"], json!(answer.id));
    // Complete: thank you, and no card.
    assert_eq!(
        app.post(&body("response", true)).await.0,
        StatusCode::ACCEPTED
    );
    let (status, _, html) = get_page(&app, &format!("{url}&score=9"), "en").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(words("en").answered_title), "{html}");
    assert!(!html.contains("nps-survey"), "{html}");
    let rows = app.rows().await;
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (rows[0].score, rows[0].channel.as_str()),
        (Some(6), "email")
    );
}

#[tokio::test]
async fn an_anonymous_link_is_a_link_survey_of_the_surveys_kind() {
    let app = TestApp::with(settings()).await;
    let (status, _, html) = get_page(&app, "/s/support?score=4", "es").await;
    assert_eq!(status, StatusCode::OK, "{html}");
    let config = config_of(&html);
    assert_eq!(
        config["surveys"],
        json!([{ "id": "support", "kind": "csat", "triggers": [] }])
    );
    assert_eq!(config["page"], json!({ "channel": "link", "score": 4 }));
    assert!(config.get("user").is_none() && config.get("language").is_none());
    assert!(html.contains(&format!(r#"lang="{}""#, words("es").tag)));
    // A CSAT score is 1 to 5.
    let (_, _, html) = get_page(&app, "/s/support?score=0", "es").await;
    assert_eq!(config_of(&html)["page"], json!({ "channel": "link" }));
    let (_, _, html) = get_page(&app, "/s/ces?score=7", "en").await;
    assert_eq!(config_of(&html)["surveys"][0]["kind"], "ces");

    // Without the widget's package to serve, there is no page to show.
    let app = TestApp::with(Settings {
        pkg: None,
        ..settings()
    })
    .await;
    let (status, _, _) = get_page(&app, "/s/nps", "en").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_page_signs_the_user_for_identity_verification_and_no_value_escapes_its_block() {
    let secret = "an identity secret of at least thirty-two bytes!";
    let app = TestApp::with(Settings {
        identity_secret: Some(secret.into()),
        ..settings()
    })
    .await;
    let user = "</script><script>alert(1)</script><!--";
    let (url, _) = link(&app, "nps", user, None).await;
    let (status, _, html) = get_page(&app, &url, "en").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!html.contains("<script>alert"), "{html}");
    assert!(!html.contains("<!--"), "{html}");
    let config = config_of(&html);
    assert_eq!(config["user"]["id"], user);
    assert_eq!(config["product"], "Acme <Cloud>");
    // The hash vouches for this answer of this user only, not for the user everywhere.
    let answer = config["page"]["id"].as_str().unwrap();
    let hash = config["user"]["hash"].as_str().unwrap();
    assert_eq!(
        hash,
        nps_collector::identity::answer_hash(secret, answer, user)
    );
    assert_ne!(hash, nps_collector::identity::user_hash(secret, user));
    let body = |id: &str| {
        json!({ "id": id, "key": config["page"]["key"], "type": "display", "kind": "nps",
                "user": { "id": user, "hash": hash }, "channel": "email",
                "shownAt": "2026-11-22T10:00:00.000Z" })
    };
    assert_eq!(app.post(&body(answer)).await.0, StatusCode::ACCEPTED);
    let (status, error) = app
        .post(&body("0b9a2c4e-1d3f-4a5b-8c7d-9e0f1a2b3c4d"))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{error}");
    assert_eq!(error["field"], "user.hash");
}

#[tokio::test]
async fn the_links_kind_wins_and_an_open_answer_shows_its_score_again() {
    let app = TestApp::with(settings()).await;
    // A campaign of the survey "export" as CES: the collector has no --survey for it.
    let request = LinkRequest {
        survey: "export".into(),
        user_id: "u_9".into(),
        email: None,
        language: None,
        days: 7,
        kind: Some(Kind::Ces),
    };
    let url = links::make(app.state.store(), "", &request, app.now())
        .await
        .unwrap();
    let (status, _, html) = get_page(&app, &format!("{url}&score=7"), "en").await;
    assert_eq!(status, StatusCode::OK, "{html}");
    let config = config_of(&html);
    assert_eq!(config["surveys"][0]["kind"], "ces");
    assert_eq!(config["page"]["score"], 7);
    // "support" is CSAT by --survey, but a link that says CES is asked as CES.
    let url = links::make(
        app.state.store(),
        "",
        &LinkRequest {
            survey: "support".into(),
            ..request.clone()
        },
        app.now(),
    )
    .await
    .unwrap();
    let (_, _, html) = get_page(&app, &url, "en").await;
    assert_eq!(config_of(&html)["surveys"][0]["kind"], "ces");

    // Scored on an earlier view, not complete: the score comes back without one in the link.
    let (url, token) = link(&app, "nps", "u_10", None).await;
    let secret = links::secret(app.state.store(), app.now()).await.unwrap();
    let answer = links::answer_of(&secret, &token);
    let scored = json!({ "id": answer.id, "key": answer.key, "type": "response", "kind": "nps",
        "survey": "nps", "score": 4, "category": "detractor", "comment": null,
        "complete": false, "user": { "id": "u_10" }, "channel": "email",
        "shownAt": "2026-11-22T10:00:00.000Z", "answeredAt": "2026-11-22T10:00:04.000Z" });
    assert_eq!(app.post(&scored).await.0, StatusCode::ACCEPTED);
    let (_, _, html) = get_page(&app, &url, "en").await;
    assert_eq!(config_of(&html)["page"]["score"], 4);
    let (_, _, html) = get_page(&app, &format!("{url}&score=9"), "en").await;
    assert_eq!(
        config_of(&html)["page"]["score"],
        9,
        "the link's score wins"
    );
}

#[tokio::test]
async fn the_product_is_named_by_the_collector_never_by_the_request() {
    let app = TestApp::with(Settings {
        product: None,
        ..settings()
    })
    .await;
    let request = Request::get("/s/nps")
        .header("host", "evil.example")
        .body(Body::empty())
        .unwrap();
    let response = app.anonymous.clone().oneshot(request).await.unwrap();
    let html = String::from_utf8(
        to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap()
            .to_vec(),
    )
    .unwrap();
    assert!(config_of(&html).get("product").is_none(), "{html}");
    assert!(!html.contains("evil"), "{html}");
    assert!(html.contains(&format!("<title>{}</title>", words("en").survey_title)));
    let app = TestApp::with(Settings {
        product: None,
        public_url: Some("https://nps.acme.example:8443".into()),
        ..settings()
    })
    .await;
    let (_, _, html) = get_page(&app, "/s/nps", "en").await;
    assert_eq!(config_of(&html)["product"], "nps.acme.example");
}

#[tokio::test]
async fn the_pages_assets_are_served_under_the_same_policy() {
    let app = TestApp::with(settings()).await;
    for (path, kind) in [
        ("/s/page.js", "text/javascript"),
        ("/s/page.css", "text/css"),
    ] {
        let (status, headers, body) = get_page(&app, path, "en").await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(headers["content-type"].to_str().unwrap().starts_with(kind));
        assert_eq!(
            headers["content-security-policy"],
            CONTENT_SECURITY_POLICY_VALUE
        );
        assert!(!body.is_empty());
    }
}

#[tokio::test]
async fn a_user_who_answered_in_the_app_is_thanked_rather_than_asked_again() {
    let app = TestApp::with(settings()).await;
    // Shown in the app and left: the link still asks (the user chose to open it).
    let mut shown = common::with(common::valid(), "/type", json!("display"));
    for field in ["score", "category", "comment", "complete", "answeredAt"] {
        shown.as_object_mut().unwrap().remove(field);
    }
    shown["id"] = json!("0b9a2c4e-1d3f-4a5b-8c7d-9e0f1a2b3c4d");
    shown["user"]["id"] = json!("u_shown");
    assert_eq!(app.post(&shown).await.0, StatusCode::ACCEPTED);
    let (url, _) = link(&app, "nps", "u_shown", None).await;
    let (_, _, html) = get_page(&app, &url, "en").await;
    assert!(html.contains("nps-survey"), "{html}");

    // Answered in the app: the same survey's link says thank you; another survey's asks.
    let answered = common::with(common::valid(), "/complete", json!(true));
    assert_eq!(app.post(&answered).await.0, StatusCode::ACCEPTED);
    let (url, _) = link(&app, "nps", "u_42", None).await;
    let (status, _, html) = get_page(&app, &url, "en").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(words("en").answered_title), "{html}");
    assert!(!html.contains("nps-survey"), "{html}");
    let (csat, _) = link(&app, "csat", "u_42", None).await;
    let (_, _, html) = get_page(&app, &csat, "en").await;
    assert!(html.contains("nps-survey"), "another survey: {html}");

    // Six months later (the collector's --resurvey-after), a new link asks again.
    app.set_now("2027-05-22T10:00:31Z");
    let (url, _) = link(&app, "nps", "u_42", None).await;
    let (_, _, html) = get_page(&app, &url, "en").await;
    assert!(html.contains("nps-survey"), "{html}");
}
