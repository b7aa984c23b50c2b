//! Hooks end to end, against real HTTP receivers on loopback: which changes fire which
//! deliveries, the signed webhook (checked here with an HMAC of our own), retries with the same
//! `webhook-id`, timeouts, previews, the private-address guard, Slack's limits, restarts, and
//! the API's validation.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::StatusCode;
use common::hooks::*;
use common::TestApp;
use nps_collector::hooks::{worker, Event, Format, HookFilter};
use nps_collector::storage::hooks::NewHook;
use nps_collector::storage::Database;
use serde_json::{json, Value};

#[tokio::test]
async fn a_detractor_is_delivered_once_signed_as_standard_webhooks() {
    let (app, _worker) = collector(settings()).await;
    let receiver = Receiver::ok().await;
    let hook = create_hook(&app, detractor_hook(&receiver.url)).await;
    let secret = hook["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("whsec_"), "{hook}");
    answer(&app, 1, 3).await;

    let list = wait_deliveries(&app, &hook, |d| {
        d.first().is_some_and(|d| d["status"] == "delivered")
    })
    .await;
    // Exactly one: the display, the score and the replayed final body fire no
    // response.completed of their own.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let got = receiver.received();
    assert_eq!(got.len(), 1, "{got:#?}");
    assert_eq!(deliveries(&app, &hook).await.len(), 1);
    let delivery = &list[0];
    assert_eq!(delivery["event"], "response.completed");
    assert_eq!(delivery["answerId"], answer_id(1));
    assert_eq!(delivery["attempts"], 1);
    assert_eq!(delivery["lastStatus"], 200);
    assert_eq!(delivery["lastResponse"], "answer 1");
    assert_eq!(delivery["nextAttemptAt"], Value::Null);
    assert_eq!(delivery["test"], false);

    let request = &got[0];
    assert_eq!(request.header("content-type"), "application/json");
    assert_eq!(
        request.header("webhook-id"),
        delivery["webhookId"].as_str().unwrap()
    );
    assert!(request.header("webhook-id").starts_with("msg_"));
    assert_eq!(
        request.header("webhook-timestamp"),
        (app.now() / 1000).to_string()
    );
    assert_eq!(
        request.header("webhook-signature"),
        expected_signature(&secret, request)
    );

    // The body is the event with the answer exactly as /v1/answers shows it.
    let event = request.json();
    assert_eq!(event["type"], "response.completed");
    assert_eq!(event["timestamp"], "2026-11-22T10:00:30.000Z");
    let (_, listed) = call(&app, "GET", "/v1/answers", Value::Null).await;
    assert_eq!(event["data"], listed["answers"][0]);
    assert_eq!(event["data"]["score"], 3);
    assert_eq!(event["data"]["comment"], "Exports time out on big reports");
}

#[tokio::test]
async fn a_promoter_fires_nothing_for_a_detractor_rule() {
    let (app, _worker) = collector(settings()).await;
    let detractors = Receiver::ok().await;
    let everyone = Receiver::ok().await;
    let detractor_hook = create_hook(&app, detractor_hook(&detractors.url)).await;
    let all = create_hook(
        &app,
        json!({ "name": "All", "url": everyone.url, "format": "webhook",
                "events": ["response.created", "response.completed"] }),
    )
    .await;
    answer(&app, 1, 10).await;
    // The catch-all hook hears both events of the promoter; by then the rule has had its turn.
    let list = wait_deliveries(&app, &all, |d| {
        d.len() == 2 && d.iter().all(|d| d["status"] == "delivered")
    })
    .await;
    let events: Vec<&str> = list.iter().map(|d| d["event"].as_str().unwrap()).collect();
    assert_eq!(events, ["response.completed", "response.created"]);
    assert!(deliveries(&app, &detractor_hook).await.is_empty());
    assert!(detractors.received().is_empty());
    assert_eq!(everyone.received().len(), 2);
}

#[tokio::test]
async fn a_receiver_failing_twice_gets_it_on_the_third_attempt_with_the_same_id() {
    let (app, _worker) = collector(settings()).await;
    let receiver = Receiver::start(|n| (if n <= 2 { 500 } else { 204 }, 0)).await;
    let hook = create_hook(&app, detractor_hook(&receiver.url)).await;
    let secret = hook["secret"].as_str().unwrap().to_owned();
    answer(&app, 1, 0).await;

    let first = app.now();
    let list = after_first_attempt(&app, &hook).await;
    assert_eq!(list[0]["status"], "pending");
    assert_eq!(list[0]["lastStatus"], 500);
    assert_eq!(list[0]["lastResponse"], "answer 1");
    // 30 s ± 10 %, by the collector's clock.
    let next = common::t(list[0]["nextAttemptAt"].as_str().unwrap()) - first;
    assert!((27_000..=33_000).contains(&next), "{next}");

    // Not before it is due.
    app.advance(next - 1_000);
    app.state.wake_hooks();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(receiver.received().len(), 1);

    app.advance(1_000);
    app.state.wake_hooks();
    let list = wait_deliveries(&app, &hook, |d| {
        d.first().is_some_and(|d| d["attempts"] == 2)
    })
    .await;
    assert_eq!(list[0]["status"], "pending");
    let second = common::t(list[0]["nextAttemptAt"].as_str().unwrap()) - app.now();
    assert!((54_000..=66_000).contains(&second), "{second}");

    app.advance(second);
    app.state.wake_hooks();
    let list = wait_deliveries(&app, &hook, |d| {
        d.first().is_some_and(|d| d["status"] == "delivered")
    })
    .await;
    assert_eq!(list[0]["attempts"], 3);
    assert_eq!(list[0]["lastStatus"], 204);

    let got = receiver.received();
    assert_eq!(got.len(), 3);
    for request in &got {
        assert_eq!(
            request.header("webhook-id"),
            list[0]["webhookId"].as_str().unwrap()
        );
        assert_eq!(request.body, got[0].body);
        assert_eq!(
            request.header("webhook-signature"),
            expected_signature(&secret, request)
        );
    }
    // Each attempt is signed when it is sent.
    assert_ne!(
        got[0].header("webhook-timestamp"),
        got[2].header("webhook-timestamp")
    );
}

#[tokio::test]
async fn one_attempt_at_a_time_per_hook() {
    let (app, _worker) = collector(settings()).await;
    let slow = Receiver::start(|_| (200, 100)).await;
    let other = Receiver::start(|_| (200, 100)).await;
    let hook = create_hook(&app, detractor_hook(&slow.url)).await;
    let other_hook = create_hook(&app, detractor_hook(&other.url)).await;
    for n in 1..=4 {
        answer(&app, n, 6).await;
    }
    for hook in [&hook, &other_hook] {
        wait_deliveries(&app, hook, |d| {
            d.len() == 4 && d.iter().all(|d| d["status"] == "delivered")
        })
        .await;
    }
    assert_eq!(slow.most_at_once.load(Ordering::SeqCst), 1);
    assert_eq!(other.most_at_once.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_receiver_slower_than_the_timeout_is_tried_again() {
    let (app, _worker) = collector(settings()).await;
    let receiver = Receiver::start(|n| (200, if n == 1 { 3_000 } else { 0 })).await;
    let hook = create_hook(&app, detractor_hook(&receiver.url)).await;
    answer(&app, 1, 2).await;

    let list = after_first_attempt(&app, &hook).await;
    assert_eq!(list[0]["status"], "pending");
    assert_eq!(list[0]["lastStatus"], Value::Null);
    assert!(
        list[0]["lastResponse"]
            .as_str()
            .unwrap()
            .contains("no answer within 400 ms"),
        "{}",
        list[0]
    );
    assert!(list[0]["lastLatencyMs"].as_i64().unwrap() >= 400);

    app.advance(60_000);
    app.state.wake_hooks();
    let list = wait_deliveries(&app, &hook, |d| {
        d.first().is_some_and(|d| d["status"] == "delivered")
    })
    .await;
    assert_eq!(list[0]["attempts"], 2);
    let got = receiver.received();
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].header("webhook-id"), got[1].header("webhook-id"));
}

#[tokio::test]
async fn a_status_in_time_counts_even_when_the_body_is_slow() {
    let (app, _worker) = collector(settings()).await;
    let head = "HTTP/1.1 200 OK\r\ncontent-length: 1000\r\n\r\naccepted, more to come";
    let (url, count, server) = raw_receiver(head.into(), 3_000).await;
    let hook = create_hook(&app, detractor_hook(&url)).await;
    answer(&app, 1, 3).await;
    let list = after_first_attempt(&app, &hook).await;
    assert_eq!(list[0]["status"], "delivered", "{}", list[0]);
    assert_eq!(list[0]["lastStatus"], 200);
    assert_eq!(list[0]["lastResponse"], "accepted, more to come");
    assert_eq!(count.load(Ordering::SeqCst), 1);
    server.abort();
}

#[tokio::test]
async fn an_https_hook_never_falls_back_to_plain_http() {
    let (app, _worker) = collector(settings()).await;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    // A receiver that speaks plain HTTP on the port an https URL names: it answers whatever
    // first bytes it gets, and counts those that are a plain request.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("https://{}/hooks/nps", listener.local_addr().unwrap());
    let count = Arc::new(AtomicUsize::new(0));
    let counted = count.clone();
    let server = tokio::spawn(async move {
        loop {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut first = [0u8; 512];
            let n = socket.read(&mut first).await.unwrap_or(0);
            if first[..n].starts_with(b"POST") {
                counted.fetch_add(1, Ordering::SeqCst);
            }
            let ok = b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n";
            let _ = socket.write_all(ok).await;
        }
    });
    let hook = create_hook(&app, detractor_hook(&url)).await;
    answer(&app, 1, 3).await;
    let list = after_first_attempt(&app, &hook).await;
    assert_eq!(list[0]["status"], "pending");
    assert_eq!(list[0]["lastStatus"], Value::Null);
    let why = list[0]["lastResponse"].as_str().unwrap();
    assert!(why.starts_with("TLS failed"), "{why}");
    // The answer was never written in the clear.
    assert_eq!(count.load(Ordering::SeqCst), 0);
    server.abort();
}

#[tokio::test]
async fn a_redirect_is_not_followed() {
    let (app, _worker) = collector(settings()).await;
    let elsewhere = Receiver::ok().await;
    let head = format!(
        "HTTP/1.1 307 Temporary Redirect\r\nlocation: {}\r\ncontent-length: 0\r\n\r\n",
        elsewhere.url
    );
    let (url, count, server) = raw_receiver(head, 0).await;
    let hook = create_hook(&app, detractor_hook(&url)).await;
    answer(&app, 1, 3).await;
    let list = after_first_attempt(&app, &hook).await;
    assert_eq!(list[0]["status"], "pending");
    assert_eq!(list[0]["lastStatus"], 307);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(count.load(Ordering::SeqCst), 1);
    assert!(elsewhere.received().is_empty());
    server.abort();
}

#[tokio::test]
async fn previews_fire_nothing() {
    let (app, _worker) = collector(settings()).await;
    let receiver = Receiver::ok().await;
    let hook = create_hook(
        &app,
        json!({ "name": "Everything", "url": receiver.url, "format": "webhook",
                "events": ["response.created", "response.completed", "decline.created"] }),
    )
    .await;
    // A filtered hook reads the whole answer to judge it: previews are refused there too.
    let filtered = create_hook(&app, detractor_hook(&receiver.url)).await;
    for stage in ["display", "scored", "complete"] {
        let mut preview = body(1, stage, 3);
        preview["preview"] = json!(true);
        post(&app, &preview).await;
    }
    let mut declined = body(2, "decline", 0);
    declined["preview"] = json!(true);
    post(&app, &declined).await;
    // A real decline after them: once it is delivered, the previews had their chance.
    post(&app, &body(3, "decline", 0)).await;
    let list = wait_deliveries(&app, &hook, |d| {
        d.first().is_some_and(|d| d["status"] == "delivered")
    })
    .await;
    assert_eq!(list.len(), 1, "{list:#?}");
    assert_eq!(list[0]["event"], "decline.created");
    assert_eq!(list[0]["answerId"], answer_id(3));
    assert_eq!(receiver.received().len(), 1);
    assert_eq!(deliveries(&app, &filtered).await, Vec::<Value>::new());
}

#[tokio::test]
async fn follow_ups_fire_and_deleting_a_user_takes_their_deliveries() {
    let (app, _worker) = collector(settings()).await;
    let receiver = Receiver::ok().await;
    let hook = create_hook(
        &app,
        json!({ "name": "Follow-ups", "url": receiver.url, "format": "webhook",
                "events": ["followup.updated"], "filter": { "maxScore": 6 } }),
    )
    .await;
    answer(&app, 1, 4).await;
    let (status, _) = call(
        &app,
        "PATCH",
        &format!("/v1/answers/{}/follow-up", answer_id(1)),
        json!({ "status": "claimed", "assignee": "test" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let list = wait_deliveries(&app, &hook, |d| {
        d.first().is_some_and(|d| d["status"] == "delivered")
    })
    .await;
    assert_eq!(list.len(), 1);
    let event = receiver.received()[0].json();
    assert_eq!(event["type"], "followup.updated");
    assert_eq!(event["data"]["followUp"]["status"], "claimed");
    assert_eq!(event["data"]["followUp"]["assignee"], "test");

    let (status, body) = call(&app, "DELETE", "/v1/users/u_42", Value::Null).await;
    assert_eq!((status, body), (StatusCode::OK, json!({ "deleted": 1 })));
    assert!(deliveries(&app, &hook).await.is_empty());
}

#[tokio::test]
async fn a_private_url_is_refused_without_the_flag() {
    let app = TestApp::new().await;
    for url in [
        "http://127.0.0.1:9/x",
        "http://localhost/x",
        "http://2130706433/",
        "http://0x7f.1/",
        "http://017700000001/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[::ffff:7f00:1]/",
        "http://10.0.0.1/",
        "http://172.16.5.4/",
        "http://192.168.1.10/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[fe80::1]/",
        "http://[fd00::1]/",
        "http://0.0.0.0/",
        "http://[::]/",
        "http://224.0.0.1/",
        "http://[ff02::1]/",
        "ftp://93.184.215.14/",
        "javascript:alert(1)",
        "http://user:pass@93.184.215.14/",
    ] {
        let (status, body) = call(
            &app,
            "POST",
            "/v1/hooks",
            json!({ "name": "x", "url": url, "format": "webhook" }),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{url}: {body}");
        assert_eq!(body["field"], "url", "{url}: {body}");
    }
    let (_, body) = call(
        &app,
        "POST",
        "/v1/hooks",
        json!({ "name": "x", "url": "http://0x7f.1/", "format": "slack" }),
    )
    .await;
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("127.0.0.1 is a loopback address"),
        "{body}"
    );

    // A hook stored with a loopback URL (say, by a collector that had the flag) is refused
    // again when it is sent, and nothing reaches the receiver.
    let receiver = Receiver::ok().await;
    let stored = app
        .state
        .store()
        .create_hook(
            NewHook {
                name: "x".into(),
                url: receiver.url.clone(),
                format: Format::Slack,
                events: vec![Event::ResponseCompleted],
                filter: HookFilter::default(),
                digest: None,
                secret: None,
            },
            app.now(),
        )
        .await
        .unwrap();
    let _worker = worker::spawn(app.state.clone());
    answer(&app, 1, 3).await;
    let hook = json!({ "id": stored.id });
    let list = after_first_attempt(&app, &hook).await;
    assert_eq!(list[0]["status"], "pending");
    assert!(
        list[0]["lastResponse"]
            .as_str()
            .unwrap()
            .contains("loopback"),
        "{}",
        list[0]
    );
    assert!(receiver.received().is_empty());
}

#[tokio::test]
async fn a_slack_message_stays_within_block_kit_limits_for_a_5000_character_comment() {
    let (app, _worker) = collector(settings()).await;
    let receiver = Receiver::ok().await;
    let hook = create_hook(
        &app,
        json!({ "name": "#nps", "url": receiver.url, "format": "slack",
                "filter": { "hasComment": true } }),
    )
    .await;
    assert_eq!(hook["secret"], Value::Null);
    let comment: String = "Exports <b>time out</b> & fail é "
        .chars()
        .cycle()
        .take(5_000)
        .collect();
    for stage in ["display", "scored"] {
        post(&app, &body(1, stage, 2)).await;
    }
    let mut last = body(1, "complete", 2);
    last["comment"] = json!(comment);
    post(&app, &last).await;

    let request = receiver.wait_for(1).await.remove(0);
    assert_eq!(request.header("webhook-signature"), "");
    let message = request.json();
    let chars = |v: &Value| v.as_str().unwrap().encode_utf16().count();
    assert!(chars(&message["text"]) <= 3_000);
    let blocks = message["blocks"].as_array().unwrap();
    assert!(!blocks.is_empty() && blocks.len() <= 50);
    for block in blocks {
        match block["type"].as_str().unwrap() {
            "header" => assert!(chars(&block["text"]["text"]) <= 150),
            "section" => {
                if let Some(text) = block.get("text") {
                    assert!(chars(&text["text"]) <= 3_000);
                }
                for field in block["fields"].as_array().into_iter().flatten() {
                    assert!(chars(&field["text"]) <= 2_000);
                }
            }
            "context" => {
                for element in block["elements"].as_array().unwrap() {
                    assert!(chars(&element["text"]) <= 3_000);
                }
            }
            "actions" => {}
            other => panic!("unexpected block {other}"),
        }
    }
    assert_eq!(blocks[0]["text"]["text"], "NPS 2 · detractor");
    let shown = blocks[1]["text"]["text"].as_str().unwrap();
    assert!(shown.ends_with('…') && comment.starts_with(shown.trim_end_matches('…')));
    let text = message.to_string();
    for expected in [
        "ada@example.com",
        "Acme Inc",
        "*Plan*\\npro",
        "https://app.example.com/reports",
    ] {
        assert!(text.contains(expected), "{expected} in {text}");
    }
    let button = &blocks.last().unwrap()["elements"][0];
    assert_eq!(button["text"]["text"], "Follow up");
    assert_eq!(
        button["url"],
        format!("https://nps.example.com/dashboard/?answer={}", answer_id(1))
    );
    // The answer the link opens, as the dashboard reads it.
    let (status, linked) = call(
        &app,
        "GET",
        &format!("/v1/answers/{}", answer_id(1)),
        Value::Null,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(linked["score"], 2);
    let (status, missing) = call(
        &app,
        "GET",
        &format!("/v1/answers/{}", answer_id(9)),
        Value::Null,
    )
    .await;
    assert_eq!(
        (status, missing["field"].clone()),
        (StatusCode::NOT_FOUND, json!("id"))
    );
}

#[tokio::test]
async fn hooks_hearing_the_same_answers_each_get_every_event_in_their_own_form() {
    // The worker writes an answer's event once per look and hands it to every hook that
    // hears of it: each still gets each answer's own event, signed with its own secret.
    let (app, _worker) = collector(settings()).await;
    let (crm, warehouse, slack) = (
        Receiver::ok().await,
        Receiver::ok().await,
        Receiver::ok().await,
    );
    let crm_hook = create_hook(&app, detractor_hook(&crm.url)).await;
    let warehouse_hook = create_hook(&app, detractor_hook(&warehouse.url)).await;
    create_hook(
        &app,
        json!({ "name": "#nps", "url": slack.url, "format": "slack",
                "events": ["response.completed"] }),
    )
    .await;
    for n in 1..=2 {
        answer(&app, n, n as i64).await;
    }
    let (_, listed) = call(&app, "GET", "/v1/answers", Value::Null).await;
    let listed = listed["answers"].as_array().unwrap().clone();
    for (receiver, hook) in [(&crm, &crm_hook), (&warehouse, &warehouse_hook)] {
        let got = receiver.wait_for(2).await;
        let secret = hook["secret"].as_str().unwrap();
        for (n, request) in (1..=2).zip(&got) {
            assert_eq!(
                request.header("webhook-signature"),
                expected_signature(secret, request)
            );
            let event = request.json();
            assert_eq!(event["data"]["id"], answer_id(n));
            assert_eq!(event["data"]["score"], n as i64);
            let shown = listed.iter().find(|a| a["id"] == answer_id(n)).unwrap();
            assert_eq!(&event["data"], shown);
        }
    }
    assert_ne!(crm_hook["secret"], warehouse_hook["secret"]);
    let messages = slack.wait_for(2).await;
    for message in &messages {
        assert!(message.json()["blocks"]
            .as_array()
            .is_some_and(|b| !b.is_empty()));
    }
}

#[tokio::test]
async fn a_backlog_goes_over_one_kept_alive_connection_in_order() {
    use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
    // A receiver that counts connections and answers every request 204, keeping the
    // connection open; it records each request's answer id in arrival order.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hooks/nps", listener.local_addr().unwrap());
    let connections = Arc::new(AtomicUsize::new(0));
    let order = Arc::new(Mutex::new(Vec::<String>::new()));
    let (counted, seen) = (connections.clone(), order.clone());
    let server = tokio::spawn(async move {
        loop {
            let (socket, _) = listener.accept().await.unwrap();
            counted.fetch_add(1, Ordering::SeqCst);
            let seen = seen.clone();
            tokio::spawn(async move {
                let mut socket = BufReader::new(socket);
                loop {
                    let mut length = 0;
                    loop {
                        let mut line = String::new();
                        if socket.read_line(&mut line).await.unwrap_or(0) == 0 {
                            return;
                        }
                        if let Some(v) = line.to_lowercase().strip_prefix("content-length:") {
                            length = v.trim().parse().unwrap();
                        }
                        if line == "\r\n" {
                            break;
                        }
                    }
                    let mut body = vec![0; length];
                    socket.read_exact(&mut body).await.unwrap();
                    let event: Value = serde_json::from_slice(&body).unwrap();
                    seen.lock()
                        .unwrap()
                        .push(event["data"]["id"].as_str().unwrap().to_owned());
                    let ok = b"HTTP/1.1 204 No Content\r\n\r\n";
                    socket.get_mut().write_all(ok).await.unwrap();
                }
            });
        }
    });
    // Twenty deliveries queued while no worker runs, then one run sends them all.
    let app = TestApp::with(settings()).await;
    let hook = create_hook(&app, detractor_hook(&url)).await;
    for n in 1..=20 {
        answer(&app, n, 2).await;
    }
    let _worker = worker::spawn(app.state.clone());
    wait_deliveries(&app, &hook, |d| {
        d.len() == 20 && d.iter().all(|d| d["status"] == "delivered")
    })
    .await;
    assert_eq!(connections.load(Ordering::SeqCst), 1);
    let expected: Vec<String> = (1..=20).map(answer_id).collect();
    assert_eq!(*order.lock().unwrap(), expected);
    server.abort();
}

#[tokio::test]
async fn a_delivery_the_receiver_refuses_does_not_hold_the_others() {
    // 400 for the first request only: about that delivery, not the receiver's health.
    let receiver = Receiver::start(|n| (if n == 1 { 400 } else { 200 }, 0)).await;
    let app = TestApp::with(settings()).await;
    let hook = create_hook(&app, detractor_hook(&receiver.url)).await;
    for n in 1..=5 {
        answer(&app, n, 2).await;
    }
    let _worker = worker::spawn(app.state.clone());
    let list = wait_deliveries(&app, &hook, |d| {
        d.iter().filter(|d| d["status"] == "delivered").count() == 4
    })
    .await;
    let refused = list.iter().find(|d| d["status"] == "pending").unwrap();
    assert_eq!(refused["answerId"], answer_id(1));
    assert_eq!(refused["lastStatus"], 400);
    assert_eq!(receiver.received().len(), 5);
    let (_, shown) = call(
        &app,
        "GET",
        &format!("/v1/hooks/{}", hook["id"]),
        Value::Null,
    )
    .await;
    assert_eq!(shown["heldUntil"], Value::Null);
}

/// A detractor hook to `receiver`, `count` detractors' deliveries, and the worker running
/// until the first attempt is recorded (the receiver refuses it: the hook is then held): the
/// app, the hook, its delivery log then, and the worker.
async fn held_after_the_first(
    receiver: &Receiver,
    count: u32,
) -> (TestApp, Value, Vec<Value>, tokio::task::JoinHandle<()>) {
    let app = TestApp::with(settings()).await;
    let hook = create_hook(&app, detractor_hook(&receiver.url)).await;
    for n in 1..=count {
        answer(&app, n, 2).await;
    }
    let worker = worker::spawn(app.state.clone());
    let list = wait_deliveries(&app, &hook, |d| d.iter().any(|d| d["attempts"] == 1)).await;
    (app, hook, list, worker)
}

#[tokio::test]
async fn a_receiver_that_is_down_is_probed_not_hammered_and_its_backlog_given_up_after_a_day() {
    use std::sync::atomic::AtomicBool;
    let up = Arc::new(AtomicBool::new(false));
    let state = up.clone();
    let receiver = Receiver::start(move |_| {
        (
            if state.load(Ordering::SeqCst) {
                200
            } else {
                503
            },
            0,
        )
    })
    .await;
    let (app, hook, list, _worker) = held_after_the_first(&receiver, 10).await;
    // One attempt, then every delivery of the hook waits for the hold to end.
    let probe = list.iter().find(|d| d["attempts"] == 1).unwrap().clone();
    assert_eq!(probe["answerId"], answer_id(1));
    let held = probe["nextAttemptAt"].clone();
    assert!(list
        .iter()
        .all(|d| d["status"] == "pending" && d["nextAttemptAt"] == held));
    // Each is shown as tried next when the hold ends.
    let (_, shown) = call(
        &app,
        "GET",
        &format!("/v1/hooks/{}", hook["id"]),
        Value::Null,
    )
    .await;
    assert_eq!(held, shown["heldUntil"]);
    // Answers that arrive meanwhile wait too: the worker looks (it is signalled) and sends
    // nothing.
    for n in 11..=14 {
        answer(&app, n, 2).await;
    }
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(receiver.received().len(), 1);
    let list = deliveries(&app, &hook).await;
    assert_eq!(list.len(), 14);
    assert!(list.iter().all(|d| d["nextAttemptAt"] == held));

    // When the hold ends, the oldest probes again (its webhook-id), and the next hold is
    // twice as long (60 s ± 10 %).
    app.advance(34_000);
    app.state.wake_hooks();
    let got = receiver.wait_for(2).await;
    assert_eq!(got[1].header("webhook-id"), got[0].header("webhook-id"));
    let list = wait_deliveries(&app, &hook, |d| d.iter().any(|d| d["attempts"] == 2)).await;
    assert_eq!(list.iter().filter(|d| d["attempts"] != 0).count(), 1);
    app.advance(50_000);
    app.state.wake_hooks();
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(receiver.received().len(), 2);

    // Back up: at the next probe everything goes, in the order it was queued.
    up.store(true, Ordering::SeqCst);
    app.advance(20_000);
    app.state.wake_hooks();
    wait_deliveries(&app, &hook, |d| {
        d.iter().all(|d| d["status"] == "delivered")
    })
    .await;
    let got = receiver.received();
    assert_eq!(got.len(), 16);
    let order: Vec<String> = got[2..]
        .iter()
        .map(|r| r.json()["data"]["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(order, (1..=14).map(answer_id).collect::<Vec<_>>());

    // Down again for more than a day: the untried backlog is given up, visibly.
    up.store(false, Ordering::SeqCst);
    for n in 21..=23 {
        answer(&app, n, 2).await;
    }
    wait_deliveries(&app, &hook, |d| {
        d.iter()
            .any(|d| d["attempts"] == 1 && d["status"] == "pending")
    })
    .await;
    app.advance(25 * 3_600_000 + 60_000);
    app.state.wake_hooks();
    let list = wait_deliveries(&app, &hook, |d| d.iter().all(|d| d["status"] != "pending")).await;
    let untried: Vec<&Value> = list.iter().filter(|d| d["attempts"] == 0).collect();
    assert!(!untried.is_empty());
    assert!(untried.iter().all(|d| d["status"] == "failed"
        && d["lastResponse"] == "not sent: its receiver failed for a day"));
}

#[tokio::test]
async fn a_delivery_retried_by_hand_is_the_next_one_attempted() {
    let receiver = Receiver::start(|_| (503, 0)).await;
    // The oldest probes and fails; the hook is held with all three waiting.
    let (app, hook, list, _worker) = held_after_the_first(&receiver, 3).await;
    assert_eq!(
        receiver.wait_for(1).await[0].json()["data"]["id"],
        answer_id(1)
    );
    // Retried later than the others were queued, each is still the one attempted next: the
    // probe itself, then one never tried.
    for (sent, n, attempts) in [(2, 1, 2), (3, 3, 1)] {
        app.advance(1_000);
        let delivery = list.iter().find(|d| d["answerId"] == answer_id(n)).unwrap();
        let (status, body) = call(
            &app,
            "POST",
            &format!(
                "/v1/hooks/{}/deliveries/{}/retry",
                hook["id"], delivery["id"]
            ),
            Value::Null,
        )
        .await;
        assert_eq!(status, StatusCode::ACCEPTED, "{body}");
        let got = receiver.wait_for(sent).await;
        let last = &got[sent - 1];
        assert_eq!(last.json()["data"]["id"], answer_id(n));
        assert_eq!(last.header("webhook-id"), delivery["webhookId"]);
        // Recorded before the next retry: a failure recorded after it would hold the hook again.
        wait_deliveries(&app, &hook, |d| {
            d.iter()
                .any(|d| d["answerId"] == answer_id(n) && d["attempts"] == attempts)
        })
        .await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        receiver.received().len(),
        3,
        "held again after each failure"
    );

    // So is a test, which is how the team checks that a failing receiver is fixed.
    let (status, test) = call(
        &app,
        "POST",
        &format!("/v1/hooks/{}/test", hook["id"]),
        Value::Null,
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{test}");
    let got = receiver.wait_for(4).await;
    assert_eq!(got[3].header("webhook-id"), test["webhookId"]);
}

#[tokio::test]
async fn pending_deliveries_survive_a_restart() {
    // No worker: the deliveries are queued and wait, as when the collector is killed.
    let app = TestApp::with(settings()).await;
    let receiver = Receiver::ok().await;
    let hook = create_hook(&app, detractor_hook(&receiver.url)).await;
    answer(&app, 1, 1).await;
    answer(&app, 2, 5).await;
    let list = deliveries(&app, &hook).await;
    assert_eq!(list.len(), 2);
    assert!(list
        .iter()
        .all(|d| d["status"] == "pending" && d["attempts"] == 0));

    let app = app.reopen().await;
    let _worker = worker::spawn(app.state.clone());
    wait_deliveries(&app, &hook, |d| {
        d.iter().all(|d| d["status"] == "delivered")
    })
    .await;
    assert_sent_under_their_ids(&receiver.wait_for(2).await, &list);
}

#[tokio::test]
async fn deliveries_still_in_the_queue_survive_a_restart() {
    // No worker and no look at the log: the deliveries stay in the answers' queue, as when
    // the collector is killed right after the answers; the next start makes them deliveries.
    let app = TestApp::with(settings()).await;
    let receiver = Receiver::ok().await;
    let hook = create_hook(&app, detractor_hook(&receiver.url)).await;
    for n in 1..=3 {
        answer(&app, n, 2).await;
    }
    let app = app.reopen().await;
    if let Database::Sqlite(path) = &app.db {
        // Moved by the start itself, before any look of the worker or the log.
        let queued: i64 = rusqlite::Connection::open(path)
            .unwrap()
            .query_row("SELECT count(*) FROM hook_queue", [], |row| row.get(0))
            .unwrap();
        assert_eq!(queued, 0);
    }
    let _worker = worker::spawn(app.state.clone());
    let list = wait_deliveries(&app, &hook, |d| {
        d.len() == 3 && d.iter().all(|d| d["status"] == "delivered")
    })
    .await;
    assert_sent_under_their_ids(&receiver.wait_for(3).await, &list);
}

/// Every delivery of `list` reached the receiver once, under the `webhook-id` the log shows.
fn assert_sent_under_their_ids(got: &[Received], list: &[Value]) {
    let mut ids: Vec<&str> = got.iter().map(|r| r.header("webhook-id")).collect();
    let mut expected: Vec<&str> = list
        .iter()
        .map(|d| d["webhookId"].as_str().unwrap())
        .collect();
    ids.sort();
    expected.sort();
    assert_eq!(ids, expected);
}

#[tokio::test]
async fn a_burst_larger_than_one_move_is_queued_whole_in_order() {
    // 40 answers to three hooks: 120 queued deliveries, more than one batch of the move from
    // the answers' queue to the deliveries (16).
    let app = TestApp::with(settings()).await;
    let receiver = Receiver::ok().await;
    let mut hooks = Vec::new();
    for _ in 0..3 {
        hooks.push(create_hook(&app, detractor_hook(&receiver.url)).await);
    }
    for n in 1..=40 {
        answer(&app, n, 3).await;
    }
    for hook in &hooks {
        let list = deliveries(&app, hook).await;
        assert_eq!(list.len(), 40);
        // The log lists the newest first: the answers in the order they were queued.
        let answers: Vec<String> = list
            .iter()
            .rev()
            .map(|d| d["answerId"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(answers, (1..=40).map(answer_id).collect::<Vec<_>>());
        assert!(list.iter().all(|d| d["status"] == "pending"));
    }
}

#[tokio::test]
async fn deleting_a_user_takes_their_deliveries_still_in_the_queue() {
    let app = TestApp::with(settings()).await;
    let receiver = Receiver::ok().await;
    let hook = create_hook(&app, detractor_hook(&receiver.url)).await;
    answer(&app, 1, 1).await;
    let (status, body) = call(&app, "DELETE", "/v1/users/u_42", Value::Null).await;
    assert_eq!((status, body), (StatusCode::OK, json!({ "deleted": 1 })));
    assert!(deliveries(&app, &hook).await.is_empty());
    // A hook deleted with deliveries still queued leaves nothing behind either.
    answer(&app, 2, 1).await;
    let (status, _) = call(
        &app,
        "DELETE",
        &format!("/v1/hooks/{}", hook["id"]),
        Value::Null,
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let other = create_hook(&app, detractor_hook(&receiver.url)).await;
    answer(&app, 3, 1).await;
    let list = deliveries(&app, &other).await;
    assert_eq!(list.len(), 1, "{list:?}");
    assert_eq!(list[0]["answerId"], answer_id(3));
}

#[tokio::test]
async fn hooks_are_created_listed_changed_tested_retried_and_deleted() {
    let (app, _worker) = collector(settings()).await;
    let receiver = Receiver::start(|n| (if n == 1 { 503 } else { 200 }, 0)).await;
    let hook = create_hook(
        &app,
        json!({ "name": "CRM", "url": receiver.url, "format": "webhook",
                "filter": { "survey": "nps", "minScore": 0, "maxScore": 6,
                            "where": ["user.properties.plan:pro"] } }),
    )
    .await;
    let id = hook["id"].as_i64().unwrap();
    assert_eq!(hook["events"], json!(["response.completed"]));
    assert_eq!(hook["paused"], false);
    assert_eq!(
        hook["filter"],
        json!({ "survey": "nps", "minScore": 0, "maxScore": 6, "where": ["user.properties.plan:pro"] })
    );

    // The secret is shown once.
    let (status, listed) = call(&app, "GET", "/v1/hooks", Value::Null).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(listed["hooks"].as_array().unwrap().len(), 1);
    assert!(!listed.to_string().contains("whsec_"), "{listed}");
    let (_, shown) = call(&app, "GET", &format!("/v1/hooks/{id}"), Value::Null).await;
    assert_eq!(shown["secret"], Value::Null);
    assert!(shown.get("secret").is_none());

    let (status, rotated) = call(
        &app,
        "POST",
        &format!("/v1/hooks/{id}/rotate-secret"),
        Value::Null,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let secret = rotated["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("whsec_") && secret != hook["secret"]);

    let (status, changed) = call(
        &app,
        "PATCH",
        &format!("/v1/hooks/{id}"),
        json!({ "name": "CRM (detractors)", "events": ["response.completed", "decline.created"], "paused": true }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!(changed["name"], "CRM (detractors)");
    assert_eq!(changed["paused"], true);
    assert_eq!(changed["filter"], hook["filter"]);

    // A paused hook queues nothing, and sends no test.
    answer(&app, 1, 3).await;
    let (status, refused) = call(&app, "POST", &format!("/v1/hooks/{id}/test"), Value::Null).await;
    assert_eq!(status, StatusCode::CONFLICT, "{refused}");
    assert_eq!(refused["field"], "paused");
    assert!(deliveries(&app, &hook).await.is_empty());
    call(
        &app,
        "PATCH",
        &format!("/v1/hooks/{id}"),
        json!({ "paused": false }),
    )
    .await;

    // A test delivery: a realistic sample, signed with the new secret; the receiver fails it
    // once, and a retry by hand sends it again at once.
    let (status, test) = call(&app, "POST", &format!("/v1/hooks/{id}/test"), Value::Null).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{test}");
    assert_eq!(test["event"], "response.completed");
    assert_eq!(test["test"], true);
    let list = after_first_attempt(&app, &hook).await;
    assert_eq!(list[0]["lastStatus"], 503);
    let request = receiver.received().remove(0);
    assert_eq!(
        request.header("webhook-signature"),
        expected_signature(&secret, &request)
    );
    let sample = request.json();
    assert_eq!(sample["data"]["sample"], true);
    assert_eq!(sample["data"]["category"], "detractor");
    assert!(sample["data"]["comment"].as_str().unwrap().len() > 20);

    let (status, retried) = call(
        &app,
        "POST",
        &format!("/v1/hooks/{id}/deliveries/{}/retry", test["id"]),
        Value::Null,
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{retried}");
    let list = wait_deliveries(&app, &hook, |d| {
        d.first().is_some_and(|d| d["status"] == "delivered")
    })
    .await;
    assert_eq!(list[0]["attempts"], 2);

    // A test of another event carries an answer at that event's stage.
    let (status, test) = call(
        &app,
        "POST",
        &format!("/v1/hooks/{id}/test"),
        json!({ "event": "decline.created" }),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{test}");
    let decline = receiver.wait_for(3).await[2].json();
    assert_eq!(decline["type"], "decline.created");
    assert_eq!(decline["data"]["type"], "decline");
    assert_eq!(decline["data"]["score"], Value::Null);
    assert_eq!(decline["data"]["complete"], false);
    assert_eq!(decline["data"]["sample"], true);

    let (status, _) = call(&app, "DELETE", &format!("/v1/hooks/{id}"), Value::Null).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    for (method, path) in [
        ("GET", format!("/v1/hooks/{id}")),
        ("DELETE", format!("/v1/hooks/{id}")),
        ("GET", format!("/v1/hooks/{id}/deliveries")),
        ("POST", format!("/v1/hooks/{id}/test")),
        ("POST", format!("/v1/hooks/{id}/rotate-secret")),
        ("GET", "/v1/hooks/nope".to_owned()),
    ] {
        let (status, body) = call(&app, method, &path, Value::Null).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{method} {path}: {body}");
        assert_eq!(body["field"], "id");
    }
}

#[tokio::test]
async fn bad_hooks_are_refused_naming_the_field() {
    let app = TestApp::with(settings()).await;
    let good = json!({ "name": "x", "url": "http://127.0.0.1:9/", "format": "webhook" });
    let with = |key: &str, value: Value| {
        let mut hook = good.clone();
        hook[key] = value;
        hook
    };
    let without = |key: &str| {
        let mut hook = good.clone();
        hook.as_object_mut().unwrap().remove(key);
        hook
    };
    for (hook, field) in [
        (json!([]), "body"),
        (without("name"), "name"),
        (with("name", json!("")), "name"),
        (with("name", json!("x".repeat(101))), "name"),
        (without("url"), "url"),
        (with("url", json!("not a url")), "url"),
        (with("url", json!(42)), "url"),
        (without("format"), "format"),
        (with("format", json!("teams")), "format"),
        (with("events", json!([])), "events"),
        (with("events", json!(["response.deleted"])), "events"),
        (
            with("events", json!(["decline.created", "decline.created"])),
            "events",
        ),
        (with("filter", json!({ "minScore": -1 })), "filter.minScore"),
        (
            with("filter", json!({ "categories": ["happy"] })),
            "filter.categories",
        ),
        (
            with("filter", json!({ "where": ["plan:pro"] })),
            "filter.where",
        ),
        (with("filter", json!({ "score": 3 })), "filter.score"),
        (with("secret", json!("whsec_mine")), "secret"),
    ] {
        let (status, body) = call(&app, "POST", "/v1/hooks", hook.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{hook}: {body}");
        assert_eq!(body["field"], field, "{hook}: {body}");
    }
    let hook = create_hook(&app, with("format", json!("slack"))).await;
    let id = hook["id"].as_i64().unwrap();
    for (change, field) in [
        (json!({}), "body"),
        (json!({ "format": "webhook" }), "format"),
        (json!({ "paused": "yes" }), "paused"),
        (json!({ "url": "gopher://example.com/" }), "url"),
        (
            json!({ "filter": { "hasComment": 1 } }),
            "filter.hasComment",
        ),
        (json!({ "secret": "x" }), "secret"),
    ] {
        let (status, body) = call(&app, "PATCH", &format!("/v1/hooks/{id}"), change.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{change}: {body}");
        assert_eq!(body["field"], field, "{change}: {body}");
    }
    let (status, body) = call(
        &app,
        "POST",
        &format!("/v1/hooks/{id}/rotate-secret"),
        Value::Null,
    )
    .await;
    assert_eq!(
        (status, body["field"].clone()),
        (StatusCode::BAD_REQUEST, json!("format"))
    );
    let (status, body) = call(
        &app,
        "GET",
        &format!("/v1/hooks/{id}/deliveries?limit=0"),
        Value::Null,
    )
    .await;
    assert_eq!(
        (status, body["field"].clone()),
        (StatusCode::BAD_REQUEST, json!("limit"))
    );
    let (status, body) = call(
        &app,
        "POST",
        &format!("/v1/hooks/{id}/deliveries/99/retry"),
        Value::Null,
    )
    .await;
    assert_eq!(
        (status, body["field"].clone()),
        (StatusCode::NOT_FOUND, json!("deliveryId"))
    );
}
