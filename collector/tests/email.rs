//! Survey emails: `nps-collector email` and the campaign behind it, against a small SMTP server
//! of the test's own on a loopback port. Each eligible user gets one email in their language,
//! with unsubscribe headers and one signed link per score; a temporary refusal is tried again,
//! a permanent one is counted and fails the command; a send is recorded as a display, so the
//! user is on one clock across channels; unsubscribing (a POST, never a GET) keeps a user out
//! of every later campaign; a dry run writes the messages and records nothing; the HTML parses
//! without a single error and has no script and no style sheet.

mod common;

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration as StdDuration;

use axum::body::{to_bytes, Body};
use axum::http::{Request, StatusCode};
use common::TestApp;
use html5ever::tendril::TendrilSink;
use markup5ever_rcdom::{Handle, NodeData, RcDom};
use nps_collector::api::eligibility::Clocks;
use nps_collector::email::{self, send::Sender, Campaign, Outbox, Recipient, Summary};
use nps_collector::links::token::verify;
use nps_collector::links::{self, LinkRequest};
use nps_widget::core::duration::Duration;
use nps_widget::core::kind::Kind;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tower::ServiceExt;

const BASE: &str = "https://nps.test";

/// A small SMTP server: takes every message (or answers the end of a message's data with the
/// replies queued), and keeps the messages it took.
struct Sink {
    port: u16,
    messages: Arc<Mutex<Vec<String>>>,
    replies: Arc<Mutex<VecDeque<&'static str>>>,
}

impl Sink {
    async fn start() -> Sink {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let messages = Arc::new(Mutex::new(Vec::new()));
        let replies = Arc::new(Mutex::new(VecDeque::new()));
        let (taken, queued) = (messages.clone(), replies.clone());
        tokio::spawn(async move {
            loop {
                let (stream, _) = listener.accept().await.unwrap();
                tokio::spawn(session(stream, taken.clone(), queued.clone()));
            }
        });
        Sink {
            port,
            messages,
            replies,
        }
    }

    fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// The reply to the end of the next message's data.
    fn then(&self, reply: &'static str) {
        self.replies.lock().unwrap().push_back(reply);
    }

    fn messages(&self) -> Vec<String> {
        self.messages.lock().unwrap().clone()
    }
}

async fn session(
    stream: TcpStream,
    messages: Arc<Mutex<Vec<String>>>,
    replies: Arc<Mutex<VecDeque<&'static str>>>,
) {
    let (read, mut write) = stream.into_split();
    let mut read = BufReader::new(read);
    write.write_all(b"220 sink ESMTP\r\n").await.unwrap();
    let mut line = Vec::new();
    loop {
        line.clear();
        if read.read_until(b'\n', &mut line).await.unwrap_or(0) == 0 {
            return;
        }
        let command = String::from_utf8_lossy(&line)
            .trim_end()
            .to_ascii_uppercase();
        let reply = if command.starts_with("EHLO") {
            "250-sink\r\n250 8BITMIME".to_owned()
        } else if command.starts_with("DATA") {
            write.write_all(b"354 go on\r\n").await.unwrap();
            let mut data = Vec::new();
            loop {
                line.clear();
                if read.read_until(b'\n', &mut line).await.unwrap_or(0) == 0 {
                    return;
                }
                if line == b".\r\n" {
                    break;
                }
                // Dot-stuffing undone.
                let start = usize::from(line.starts_with(b".."));
                data.extend_from_slice(&line[start..]);
            }
            let reply = replies
                .lock()
                .unwrap()
                .pop_front()
                .unwrap_or("250 2.0.0 queued");
            if reply.starts_with('2') {
                messages
                    .lock()
                    .unwrap()
                    .push(String::from_utf8(data).unwrap());
            }
            reply.to_owned()
        } else if command.starts_with("QUIT") {
            let _ = write.write_all(b"221 bye\r\n").await;
            return;
        } else {
            "250 2.0.0 ok".to_owned()
        };
        if write
            .write_all(format!("{reply}\r\n").as_bytes())
            .await
            .is_err()
        {
            return;
        }
    }
}

fn campaign() -> Campaign {
    Campaign {
        survey: "nps".into(),
        kind: Kind::Nps,
        product: "Acme".into(),
        subject: None,
        from: "Acme <nps@acme.test>".parse().unwrap(),
        base: BASE.into(),
        days: 30,
        clocks: Clocks {
            resurvey_after: Duration::Months(6),
            decline_resurvey_after: Duration::Months(6),
            survey_gap: Duration::Days(14),
        },
    }
}

fn users(csv: &str) -> Vec<Recipient> {
    email::read_csv(csv.as_bytes()).unwrap()
}

/// Sends `csv`'s campaign through `sink`, at the app's time, with short retry delays.
async fn send(app: &TestApp, sink: &Sink, csv: &str) -> Summary {
    let sender = Sender::new(&sink.url(), vec![StdDuration::from_millis(20); 2]).unwrap();
    let at = app.now();
    email::run_campaign(
        app.state.store(),
        &campaign(),
        &users(csv),
        &Outbox::Smtp(sender),
        &move || at,
    )
    .await
    .unwrap()
}

fn parse(message: &str) -> mail_parser::Message<'_> {
    mail_parser::MessageParser::default()
        .parse(message.as_bytes())
        .unwrap()
}

/// The token of a message's `List-Unsubscribe` header, which must be the unsubscribe link.
fn unsubscribe_token(message: &mail_parser::Message) -> String {
    let header = message.header_raw("List-Unsubscribe").unwrap().trim();
    let start = format!("<{BASE}/unsubscribe?t=");
    assert!(header.starts_with(&start), "{header}");
    assert!(header.ends_with('>'), "{header}");
    header[start.len()..header.len() - 1].to_owned()
}

/// The HTML parsed: no parse error, no script, no style sheet (every style inline); the
/// links' addresses.
fn check_html(html: &str) -> Vec<String> {
    let dom = html5ever::parse_document(RcDom::default(), Default::default())
        .from_utf8()
        .read_from(&mut html.as_bytes())
        .unwrap();
    let errors = dom.errors.borrow();
    assert!(errors.is_empty(), "parse errors {errors:?} in {html}");
    assert!(!html.to_ascii_lowercase().contains("<script"), "{html}");
    let mut hrefs = Vec::new();
    fn walk(node: &Handle, hrefs: &mut Vec<String>) {
        if let NodeData::Element { name, attrs, .. } = &node.data {
            let tag: &str = &name.local;
            assert!(
                !matches!(tag, "script" | "style" | "link" | "iframe" | "form"),
                "<{tag}> in an email"
            );
            for attr in attrs.borrow().iter() {
                let attr_name: &str = &attr.name.local;
                assert!(
                    attr_name != "class" && !attr_name.starts_with("on"),
                    "{attr_name} on <{tag}>"
                );
                if tag == "a" && attr_name == "href" {
                    hrefs.push(attr.value.to_string());
                }
            }
        }
        for child in node.children.borrow().iter() {
            walk(child, hrefs);
        }
    }
    walk(&dom.document, &mut hrefs);
    hrefs
}

/// Sends `request` to the app (no admin token); the status and the page.
async fn page(app: &TestApp, request: Request<Body>) -> (StatusCode, String) {
    let response = app.anonymous.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = to_bytes(response.into_body(), usize::MAX).await.unwrap();
    (status, String::from_utf8(bytes.to_vec()).unwrap())
}

async fn link_token(app: &TestApp, user: &str, email: &str, days: u32) -> String {
    let request = LinkRequest {
        survey: "nps".into(),
        user_id: user.into(),
        email: Some(email.into()),
        language: Some("fr".into()),
        days,
        kind: None,
    };
    let url = links::make(app.state.store(), BASE, &request, app.now())
        .await
        .unwrap();
    url.split_once("?t=").unwrap().1.to_owned()
}

#[tokio::test]
async fn each_user_gets_one_email_in_their_language_and_the_send_counts_as_a_display() {
    let app = TestApp::new().await;
    let sink = Sink::start().await;
    let summary = send(
        &app,
        &sink,
        "user_id,email,language,name\n\
         u_en,ada@example.com,,Ada Lovelace\n\
         u_de,bo@example.com,de-AT,\n\
         u_ar,ca@example.com,ar,\n",
    )
    .await;
    assert_eq!((summary.sent, summary.written), (3, 0), "{summary}");
    assert!(
        summary.skipped.is_empty() && summary.failed.is_empty(),
        "{summary}"
    );
    assert_eq!(
        summary.to_string(),
        "sent 3, written 0, skipped 0, failed 0"
    );

    let messages = sink.messages();
    assert_eq!(messages.len(), 3);
    let secret = links::secret(app.state.store(), app.now()).await.unwrap();
    let now_s = app.now() / 1000;
    let expected = [
        (
            "ada@example.com",
            "en",
            "ltr",
            "How likely are you to recommend Acme to a friend or colleague?",
        ),
        (
            "bo@example.com",
            "de",
            "ltr",
            "Wie wahrscheinlich ist es, dass Sie Acme einem Freund oder Kollegen empfehlen?",
        ),
        (
            "ca@example.com",
            "ar",
            "rtl",
            "ما مدى احتمال أن توصي صديقًا أو زميلًا باستخدام Acme؟",
        ),
    ];
    let rows = app.rows().await;
    assert_eq!(rows.len(), 3, "one display per email sent");
    for (raw, (to, lang, dir, subject)) in messages.iter().zip(expected) {
        let message = parse(raw);
        let recipient = message.to().unwrap().first().unwrap();
        assert_eq!(recipient.address(), Some(to));
        if to == "ada@example.com" {
            assert_eq!(recipient.name(), Some("Ada Lovelace"));
        }
        assert_eq!(
            message.from().unwrap().first().unwrap().address(),
            Some("nps@acme.test")
        );
        assert_eq!(message.subject(), Some(subject));
        assert_eq!(
            message.header_raw("List-Unsubscribe-Post").unwrap().trim(),
            "List-Unsubscribe=One-Click"
        );
        let token = unsubscribe_token(&message);
        let claims = verify(&secret, &token, now_s).unwrap();
        assert_eq!(claims.email.as_deref(), Some(to));
        // English when the file names no language: the page the link opens agrees with the
        // email, whatever the browser's language.
        assert_eq!(claims.language.as_deref(), Some(lang));
        assert_eq!(claims.expires_at, now_s + 30 * 86_400);

        let html = message.body_html(0).unwrap();
        assert!(
            html.contains(&format!("<html lang=\"{lang}\" dir=\"{dir}\">")),
            "{html}"
        );
        assert!(html.contains("<meta name=\"color-scheme\" content=\"light dark\">"));
        let hrefs = check_html(&html);
        let text = message.body_text(0).unwrap();
        let link = format!("{BASE}/s/nps?t={token}");
        for score in 0..=10 {
            let href = format!("{link}&score={score}");
            assert!(hrefs.contains(&href), "{href} in {hrefs:?}");
            assert!(text.contains(&href), "{href} in {text}");
        }
        assert_eq!(hrefs.len(), 12, "eleven scores and the unsubscribe link");
        let unsubscribe = format!("{BASE}/unsubscribe?t={token}");
        assert!(hrefs.contains(&unsubscribe));
        assert!(text.contains(&unsubscribe), "{text}");

        // The send is the display of the answer the link collects.
        let answer = links::answer_of(&secret, &token);
        let row = rows.iter().find(|row| row.id == answer.id).unwrap();
        assert_eq!(row.body_type, "display");
        assert_eq!(row.channel, "email");
        assert_eq!(row.trigger_name.as_deref(), Some("email"));
        assert_eq!(row.page.as_deref(), Some("https://nps.test/s/nps"));
        assert_eq!(row.user_email.as_deref(), Some(to));
        assert_eq!(row.language.as_deref(), Some(lang));
        assert_eq!(row.user_id, Some(claims.user_id.clone()));
    }

    // The in-app widget is told the user was just asked (and no other survey either).
    for query in ["?userId=u_de&survey=nps", "?userId=u_de&survey=csat"] {
        let (status, body) = app.eligibility(query).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["eligible"], false, "{query}: {body}");
    }
    let (_, body) = app.eligibility("?userId=u_other&survey=nps").await;
    assert_eq!(body["eligible"], true, "{body}");

    // A second campaign emails nobody again.
    let again = send(
        &app,
        &sink,
        "id,email\nu_en,ada@example.com\nu_de,bo@example.com\n",
    )
    .await;
    assert_eq!(again.sent, 0, "{again}");
    assert_eq!(again.skipped.get(email::NOT_ELIGIBLE), Some(&2), "{again}");
    assert_eq!(sink.messages().len(), 3);
}

#[tokio::test]
async fn a_temporary_refusal_is_tried_again_and_delivered_once() {
    let app = TestApp::new().await;
    let sink = Sink::start().await;
    sink.then("451 4.3.0 try again later");
    let summary = send(&app, &sink, "user_id,email\nu_1,ada@example.com\n").await;
    assert_eq!(summary.sent, 1, "{summary}");
    assert!(summary.failed.is_empty(), "{summary}");
    assert_eq!(sink.messages().len(), 1);
    assert_eq!(app.rows().await.len(), 1);

    // A server that refuses everything for now: three users tried three times each, then the
    // campaign stops; the next run emails those it did not reach.
    for _ in 0..9 {
        sink.then("421 4.3.2 shutting down");
    }
    let csv = "user_id,email\nu_2,b@example.com\nu_3,c@example.com\nu_4,d@example.com\nu_5,e@example.com\n";
    let summary = send(&app, &sink, csv).await;
    assert_eq!((summary.sent, summary.failed.len()), (0, 3), "{summary}");
    assert!(summary.stopped.is_some(), "{summary}");
    assert!(
        summary.to_string().contains("; stopped: 3 emails in a row"),
        "{summary}"
    );
    assert_eq!(sink.messages().len(), 1);
    let summary = send(&app, &sink, csv).await;
    assert_eq!(summary.sent, 4, "{summary}");
    assert_eq!(summary.stopped, None);
}

#[tokio::test]
async fn skipped_are_the_unsubscribed_the_recently_asked_duplicates_and_bad_addresses() {
    let app = TestApp::new().await;
    // u_42 answered in the app a moment ago.
    let (status, body) = app.post(&common::valid()).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");

    // u_out unsubscribes with a mail client's one-click POST; u_look only opens the page.
    let out = link_token(&app, "u_out", "Out@Example.com", 30).await;
    let request = Request::post(format!("/unsubscribe?t={out}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from("List-Unsubscribe=One-Click"))
        .unwrap();
    let (status, html) = page(&app, request).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    // In the token's language.
    assert!(html.contains("lang=\"fr\""), "{html}");
    let look = link_token(&app, "u_look", "look@example.com", 30).await;
    let request = Request::get(format!("/unsubscribe?t={look}"))
        .body(Body::empty())
        .unwrap();
    let (status, html) = page(&app, request).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("<form method=\"post\""), "{html}");
    assert!(
        html.contains(&format!("action=\"&#x2f;unsubscribe?t={look}\""))
            || html.contains(&format!("action=\"/unsubscribe?t={look}\"")),
        "{html}"
    );
    let store = app.state.store();
    assert!(store.is_unsubscribed("u_out", None).await.unwrap());
    assert!(store
        .is_unsubscribed("u_new", Some("oUt@example.COM"))
        .await
        .unwrap());
    assert!(!store
        .is_unsubscribed("u_look", Some("look@example.com"))
        .await
        .unwrap());

    let sink = Sink::start().await;
    let summary = send(
        &app,
        &sink,
        "user_id,email,language\n\
         u_42,ada@example.com,en\n\
         u_out,another@example.com,\n\
         u_new,OUT@example.com,\n\
         u_look,look@example.com,\n\
         u_look,look2@example.com,\n\
         u_twin,LOOK@example.com,\n\
         u_bad,not-an-address,\n\
         u_space,a b@example.com,\n",
    )
    .await;
    assert_eq!(summary.sent, 1, "{summary}");
    let skipped: Vec<(&str, usize)> = summary.skipped.iter().map(|(k, v)| (*k, *v)).collect();
    assert_eq!(
        skipped,
        [
            (email::DUPLICATE, 2),
            (email::INVALID_EMAIL, 2),
            (email::NOT_ELIGIBLE, 1),
            (email::UNSUBSCRIBED, 2),
        ],
        "{summary}"
    );
    let messages = sink.messages();
    assert_eq!(messages.len(), 1);
    assert_eq!(
        parse(&messages[0]).to().unwrap().first().unwrap().address(),
        Some("look@example.com")
    );

    // The page's own button unsubscribes too, again is fine, and an expired link still works.
    app.advance(40 * 86_400_000);
    for _ in 0..2 {
        let request = Request::post(format!("/unsubscribe?t={look}"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::empty())
            .unwrap();
        let (status, html) = page(&app, request).await;
        assert_eq!(status, StatusCode::OK, "{html}");
    }
    assert!(store.is_unsubscribed("u_look", None).await.unwrap());

    // A token that is not the collector's is a friendly page, and unsubscribes no one.
    let (payload, _) = look.split_once('.').unwrap();
    for query in [
        format!("t={payload}.AAAA"),
        "t=nonsense".into(),
        String::new(),
    ] {
        let request = Request::post(format!("/unsubscribe?{query}"))
            .body(Body::empty())
            .unwrap();
        let (status, html) = page(&app, request).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {html}");
        assert!(html.contains("This link does not work"), "{html}");
    }
}

/// Runs `nps-collector email` with `args` (on a blocking thread: the SMTP server runs on the
/// test's runtime); whether it succeeded, its stdout and stderr.
async fn email_command(args: Vec<String>) -> (bool, String, String) {
    tokio::task::spawn_blocking(move || {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_nps-collector"))
            .arg("email")
            .args(args)
            .env_remove("NPS_DB")
            .env_remove("NPS_PUBLIC_URL")
            .env_remove("NPS_SMTP_URL")
            .output()
            .unwrap();
        (
            output.status.success(),
            String::from_utf8(output.stdout).unwrap(),
            String::from_utf8(output.stderr).unwrap(),
        )
    })
    .await
    .unwrap()
}

fn write_csv(name: &str, text: &str) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!("nps-email-{}-{name}.csv", std::process::id()));
    std::fs::write(&path, text).unwrap();
    path
}

#[tokio::test]
async fn the_command_counts_a_permanent_refusal_as_failed_and_exits_non_zero() {
    let app = TestApp::new().await;
    let sink = Sink::start().await;
    sink.then("550 5.1.1 no such mailbox");
    let csv = write_csv(
        "refused",
        "user_id,email,language\nu_gone,gone@example.com,\nu_here,here@example.com,sv\n",
    );
    let args = [
        "--csv",
        csv.to_str().unwrap(),
        "--send",
        "--smtp",
        &sink.url(),
        "--from",
        "nps@acme.test",
        "--product",
        "Acme",
        "--public-url",
        BASE,
        "--db",
        &app.db_arg(),
        "--retry-delays",
        "10,10",
    ];
    let (ok, stdout, stderr) = email_command(args.iter().map(|a| a.to_string()).collect()).await;
    assert!(!ok, "{stdout}\n{stderr}");
    assert!(
        stdout.contains("sent 1, written 0, skipped 0, failed 1"),
        "{stdout}"
    );
    assert!(
        stderr.contains("u_gone") && stderr.contains("550"),
        "{stderr}"
    );
    assert!(
        stderr.contains("tried 1 times"),
        "not tried again: {stderr}"
    );
    let messages = sink.messages();
    assert_eq!(messages.len(), 1);
    let message = parse(&messages[0]);
    assert_eq!(
        message.to().unwrap().first().unwrap().address(),
        Some("here@example.com")
    );
    assert_eq!(
        message.subject(),
        Some("Hur troligt är det att du skulle rekommendera Acme till en vän eller kollega?")
    );
    let rows = app.rows().await;
    assert_eq!(rows.len(), 1, "only the email sent is a display");
    assert_eq!(rows[0].user_id.as_deref(), Some("u_here"));
    let _ = std::fs::remove_file(csv);
}

#[tokio::test]
async fn a_dry_run_writes_one_message_per_user_and_records_nothing() {
    let app = TestApp::new().await;
    let dir = std::env::temp_dir().join(format!(
        "nps-email-dry-{}-{}",
        std::process::id(),
        app.now()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    let csv = write_csv(
        "dry",
        "email,user_id,plan,language\nada@example.com,u_1,pro,he\nbo@example.com,u_2,free,ja\nbad,u_3,,\n",
    );
    let args = [
        "--survey",
        "support",
        "--kind",
        "csat",
        "--csv",
        csv.to_str().unwrap(),
        "--dry-run",
        dir.to_str().unwrap(),
        "--from",
        "Acme <nps@acme.test>",
        "--product",
        "Acme",
        "--subject",
        "A quick question",
        "--public-url",
        BASE,
        "--db",
        &app.db_arg(),
    ];
    let (ok, stdout, stderr) = email_command(args.iter().map(|a| a.to_string()).collect()).await;
    assert!(ok, "{stdout}\n{stderr}");
    assert!(
        stdout.contains("sent 0, written 2, skipped 1 (1 invalid email), failed 0"),
        "{stdout}"
    );
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    files.sort();
    assert_eq!(files.len(), 2, "{files:?}");
    assert!(files.iter().all(|f| f.extension().unwrap() == "eml"));
    for (file, (lang, dir_attr)) in files.iter().zip([("he", "rtl"), ("ja", "ltr")]) {
        let raw = std::fs::read_to_string(file).unwrap();
        let message = parse(&raw);
        assert_eq!(message.subject(), Some("A quick question"));
        assert!(message.header_raw("List-Unsubscribe").is_some());
        let html = message.body_html(0).unwrap();
        assert!(
            html.contains(&format!("lang=\"{lang}\" dir=\"{dir_attr}\"")),
            "{html}"
        );
        let hrefs = check_html(&html);
        // CSAT: five scores, 1 to 5, and the unsubscribe link.
        assert_eq!(hrefs.len(), 6, "{hrefs:?}");
        assert!(hrefs.iter().any(|h| h.ends_with("&score=1")));
        assert!(hrefs.iter().any(|h| h.ends_with("&score=5")));
        assert!(!hrefs.iter().any(|h| h.ends_with("&score=0")));
        assert!(
            hrefs[0].starts_with("https://nps.test/s/support?t="),
            "{hrefs:?}"
        );
    }
    assert!(app.rows().await.is_empty(), "a dry run records nothing");

    // Errors name the row and the column.
    let bad = write_csv(
        "bad",
        "user_id,email,language\nu_1,a@example.com,en\n,b@example.com,\n",
    );
    let mut args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    args[5] = bad.to_str().unwrap().into();
    let (ok, _, stderr) = email_command(args.clone()).await;
    assert!(!ok);
    assert!(
        stderr.contains("row 3, column user_id: no user id"),
        "{stderr}"
    );
    let none = write_csv("none", "user,email\nu_1,a@example.com\n");
    args[5] = none.to_str().unwrap().into();
    let (ok, _, stderr) = email_command(args).await;
    assert!(!ok);
    assert!(stderr.contains("no user_id (or id) column"), "{stderr}");
    for path in [csv, bad, none] {
        let _ = std::fs::remove_file(path);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn a_name_with_a_line_break_stays_on_its_line_and_adds_no_header() {
    let app = TestApp::new().await;
    let sink = Sink::start().await;
    let summary = send(
        &app,
        &sink,
        "user_id,email,name\n\
         u_1,ada@example.com,\"Ada\r\nBcc: evil@x.test\"\n\
         u_2,bo@example.com,\" Bo\t\u{7}\u{85}\r Li \"\n\
         u_3,ca@example.com,\"\r\n\"\n",
    )
    .await;
    assert_eq!(summary.sent, 3, "{summary}");
    let messages = sink.messages();
    let names: Vec<Option<String>> = messages
        .iter()
        .map(|raw| {
            let message = parse(raw);
            assert!(message.header_raw("Bcc").is_none(), "{raw}");
            let (head, _) = raw.split_once("\r\n\r\n").unwrap();
            assert!(!head.to_ascii_lowercase().contains("\nbcc:"), "{raw}");
            let to = message.to().unwrap().first().unwrap();
            to.name().map(str::to_owned)
        })
        .collect();
    assert_eq!(
        names,
        [
            Some("Ada Bcc: evil@x.test".to_owned()),
            Some("Bo Li".to_owned()),
            None
        ]
    );
}

#[tokio::test]
async fn a_row_that_cannot_be_a_message_stops_the_campaign_before_any_email() {
    let app = TestApp::new().await;
    let sink = Sink::start().await;
    let mut recipients = users("user_id,email\nu_1,ada@example.com\n");
    recipients.push(Recipient {
        row: 3,
        user_id: "u_2".into(),
        email: "bo@example.com".into(),
        language: Some("de;x".into()),
        name: None,
    });
    let at = app.now();
    let mut with_subject = campaign();
    with_subject.subject = Some("Hi\r\nBcc: evil@x.test".into());
    for (campaign, recipients, expected) in [
        (campaign(), recipients, "row 3: language:"),
        (
            with_subject,
            users("user_id,email\nu_1,ada@example.com\n"),
            "the subject:",
        ),
    ] {
        let sender = Sender::new(&sink.url(), vec![]).unwrap();
        let error = email::run_campaign(
            app.state.store(),
            &campaign,
            &recipients,
            &Outbox::Smtp(sender),
            &move || at,
        )
        .await
        .unwrap_err();
        assert!(error.message.starts_with(expected), "{error}");
        assert_eq!(error.summary, Summary::default());
    }
    assert!(sink.messages().is_empty());
    assert!(app.rows().await.is_empty());
}

#[tokio::test]
async fn a_row_with_a_bad_address_does_not_make_the_next_row_of_its_user_a_duplicate() {
    let app = TestApp::new().await;
    let sink = Sink::start().await;
    let summary = send(
        &app,
        &sink,
        "user_id,email\n\
         u_1,not-an-address\n\
         u_1,ada@example.com\n\
         u_2,ADA@example.com\n\
         u_2,bo@example.com\n\
         u_1,ca@example.com\n",
    )
    .await;
    let skipped: Vec<(&str, usize)> = summary.skipped.iter().map(|(k, v)| (*k, *v)).collect();
    assert_eq!(
        skipped,
        [(email::DUPLICATE, 2), (email::INVALID_EMAIL, 1)],
        "{summary}"
    );
    let to: Vec<String> = sink
        .messages()
        .iter()
        .map(|raw| {
            let message = parse(raw);
            let address = message.to().unwrap().first().unwrap().address();
            address.unwrap().to_owned()
        })
        .collect();
    assert_eq!(to, ["ada@example.com", "bo@example.com"]);
}

#[tokio::test]
async fn a_campaign_that_fails_midway_prints_what_it_did_before_the_error() {
    let app = TestApp::new().await;
    let dir = std::env::temp_dir().join(format!(
        "nps-email-midway-{}-{}",
        std::process::id(),
        app.now()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    // The second message's file cannot be written: a directory has its name.
    std::fs::create_dir_all(dir.join("00002-u_2.eml")).unwrap();
    let csv = write_csv(
        "midway",
        "user_id,email\nu_0,bad\nu_1,ada@example.com\nu_2,bo@example.com\nu_3,ca@example.com\n",
    );
    let args = [
        "--csv",
        csv.to_str().unwrap(),
        "--dry-run",
        dir.to_str().unwrap(),
        "--from",
        "nps@acme.test",
        "--product",
        "Acme",
        "--db",
        &app.db_arg(),
    ];
    let (ok, stdout, stderr) = email_command(args.iter().map(|a| a.to_string()).collect()).await;
    assert!(!ok, "{stdout}\n{stderr}");
    assert!(
        stdout.contains("sent 0, written 1, skipped 1 (1 invalid email), failed 0"),
        "{stdout}"
    );
    assert!(stderr.contains("cannot write"), "{stderr}");
    let _ = std::fs::remove_file(csv);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn the_command_refuses_a_password_without_tls_and_a_header_breaking_flag() {
    let csv = write_csv("flags", "user_id,email\nu_1,ada@example.com\n");
    let db = std::env::temp_dir().join(format!("nps-email-flags-{}.sqlite3", std::process::id()));
    let run = |smtp: &str, product: &str, subject: &str| {
        [
            "--csv",
            csv.to_str().unwrap(),
            "--send",
            "--smtp",
            smtp,
            "--from",
            "nps@acme.test",
            "--product",
            product,
            "--subject",
            subject,
            "--db",
            db.to_str().unwrap(),
        ]
        .iter()
        .map(|a| a.to_string())
        .collect::<Vec<_>>()
    };
    let (ok, stdout, stderr) = email_command(run(
        "smtp://nps:secret@mail.example.com:587",
        "Acme",
        "A question",
    ))
    .await;
    assert!(!ok, "{stdout}\n{stderr}");
    assert!(
        stderr.contains("--smtp: a user name and password are sent only over TLS"),
        "{stderr}"
    );
    assert!(!stderr.contains("secret"), "{stderr}");
    for (product, subject) in [
        ("Acme\nBcc: evil@x.test", "A question"),
        ("Acme", "Hi\r\nBcc: evil@x.test"),
    ] {
        let (ok, stdout, stderr) = email_command(run("smtp://127.0.0.1:9", product, subject)).await;
        assert!(!ok, "{stdout}\n{stderr}");
        assert!(stderr.contains("on one line"), "{stderr}");
    }
    assert!(!db.exists(), "refused before the database is opened");
    let _ = std::fs::remove_file(csv);
}
