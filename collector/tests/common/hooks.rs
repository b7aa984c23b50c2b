//! Hooks' test kit: collectors whose hooks may send to loopback, real HTTP receivers on free
//! loopback ports that record what they get, the admin calls on hooks, answers at each stage
//! of their life, and the Standard Webhooks signature computed independently (the hmac crate).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Request, StatusCode};
use axum::Router;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::{Hmac, Mac};
use nps_collector::hooks::worker;
use nps_collector::Settings;
use serde_json::{json, Value};
use sha2::Sha256;
use tokio::task::JoinHandle;

use super::{valid, TestApp};

/// Settings for collectors whose hooks send to loopback receivers.
pub fn settings() -> Settings {
    Settings {
        rate_limit: 0,
        allow_private_hooks: true,
        hook_timeout: Duration::from_millis(400),
        public_url: Some("https://nps.example.com".into()),
        ..Settings::default()
    }
}

/// A collector with `settings` and its hook worker running.
pub async fn collector(settings: Settings) -> (TestApp, JoinHandle<()>) {
    let app = TestApp::with(settings).await;
    let worker = worker::spawn(app.state.clone());
    (app, worker)
}

/// A request as a receiver got it.
#[derive(Clone, Debug)]
pub struct Received {
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Received {
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap()
    }
}

/// An HTTP server on a free loopback port that records every request and answers the `n`th
/// (from 1) with the status and after the delay (ms) that `answer(n)` says.
pub struct Receiver {
    pub url: String,
    pub got: Arc<Mutex<Vec<Received>>>,
    /// The most requests it was answering at once.
    pub most_at_once: Arc<AtomicUsize>,
    server: JoinHandle<()>,
}

impl Receiver {
    pub async fn start(answer: impl Fn(usize) -> (u16, u64) + Send + Sync + 'static) -> Receiver {
        let got = Arc::new(Mutex::new(Vec::new()));
        let answer = Arc::new(answer);
        let (at_once, most_at_once) =
            (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let record = got.clone();
        let most = most_at_once.clone();
        let router = Router::new().fallback(move |headers: HeaderMap, body: Bytes| {
            let (record, answer) = (record.clone(), answer.clone());
            let (at_once, most) = (at_once.clone(), most.clone());
            async move {
                most.fetch_max(at_once.fetch_add(1, Ordering::SeqCst) + 1, Ordering::SeqCst);
                // Counted out when the request ends, answered or dropped (its sender gone).
                let _answering = Answering(at_once);
                let n = {
                    let mut got = record.lock().unwrap();
                    got.push(Received { headers, body });
                    got.len()
                };
                let (status, delay) = answer(n);
                tokio::time::sleep(Duration::from_millis(delay)).await;
                (StatusCode::from_u16(status).unwrap(), format!("answer {n}"))
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hooks/nps", listener.local_addr().unwrap());
        let server = tokio::spawn(async move {
            axum::serve(listener, router).await.unwrap();
        });
        Receiver {
            url,
            got,
            most_at_once,
            server,
        }
    }

    /// A receiver that answers `200` at once.
    pub async fn ok() -> Receiver {
        Receiver::start(|_| (200, 0)).await
    }

    pub fn received(&self) -> Vec<Received> {
        self.got.lock().unwrap().clone()
    }

    /// Waits until `n` requests have arrived.
    pub async fn wait_for(&self, n: usize) -> Vec<Received> {
        let start = Instant::now();
        loop {
            let got = self.received();
            if got.len() >= n {
                return got;
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "{} of {n} requests arrived",
                got.len()
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

/// One request being answered, counted in the receiver's requests at once until dropped.
struct Answering(Arc<AtomicUsize>);

impl Drop for Answering {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// A bare HTTP server on a free loopback port that answers every request with `head` (the
/// status line, headers and the start of a body) and then holds the connection for `stall` ms;
/// counts the requests.
pub async fn raw_receiver(head: String, stall: u64) -> (String, Arc<AtomicUsize>, JoinHandle<()>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hooks/nps", listener.local_addr().unwrap());
    let count = Arc::new(AtomicUsize::new(0));
    let counted = count.clone();
    let server = tokio::spawn(async move {
        loop {
            let (mut socket, _) = listener.accept().await.unwrap();
            let (counted, head) = (counted.clone(), head.clone());
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut buffer = [0u8; 4096];
                // The head, then as many bytes as it says the body has.
                loop {
                    let n = socket.read(&mut buffer).await.unwrap_or(0);
                    if n == 0 {
                        return;
                    }
                    request.extend_from_slice(&buffer[..n]);
                    let text = String::from_utf8_lossy(&request).to_lowercase();
                    if let Some(end) = text.find("\r\n\r\n") {
                        let length: usize = text
                            .lines()
                            .find_map(|line| line.strip_prefix("content-length:"))
                            .map_or(0, |v| v.trim().parse().unwrap());
                        if request.len() >= end + 4 + length {
                            break;
                        }
                    }
                }
                counted.fetch_add(1, Ordering::SeqCst);
                let _ = socket.write_all(head.as_bytes()).await;
                tokio::time::sleep(Duration::from_millis(stall)).await;
            });
        }
    });
    (url, count, server)
}

/// Sends `method path` with a JSON `body` (none when `Null`) as the admin.
pub async fn call(app: &TestApp, method: &str, path: &str, body: Value) -> (StatusCode, Value) {
    let request = Request::builder().method(method).uri(path);
    let request = if body.is_null() {
        request.body(Body::empty())
    } else {
        request
            .header("content-type", "application/json")
            .body(Body::from(body.to_string()))
    };
    let (status, _, value) = app.send(request.unwrap()).await;
    (status, value)
}

/// Creates a hook; its JSON (with the secret).
pub async fn create_hook(app: &TestApp, hook: Value) -> Value {
    let (status, body) = call(app, "POST", "/v1/hooks", hook).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body
}

pub async fn deliveries(app: &TestApp, hook: &Value) -> Vec<Value> {
    let (status, body) = call(
        app,
        "GET",
        &format!("/v1/hooks/{}/deliveries", hook["id"]),
        Value::Null,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["deliveries"].as_array().unwrap().clone()
}

/// The hook's deliveries once the first one has been tried once.
pub async fn after_first_attempt(app: &TestApp, hook: &Value) -> Vec<Value> {
    wait_deliveries(app, hook, |d| d.first().is_some_and(|d| d["attempts"] == 1)).await
}

/// Waits until the hook's deliveries (newest first) satisfy `done`.
pub async fn wait_deliveries(
    app: &TestApp,
    hook: &Value,
    done: impl Fn(&[Value]) -> bool,
) -> Vec<Value> {
    let start = Instant::now();
    loop {
        let list = deliveries(app, hook).await;
        if done(&list) {
            return list;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "deliveries never got there: {list:#?}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

pub fn answer_id(n: u32) -> String {
    format!("00000000-0000-4000-8000-{n:012x}")
}

/// A body of answer `n` at `stage` (`display`, `scored`, `complete`, `decline`) with `score`.
pub fn body(n: u32, stage: &str, score: i64) -> Value {
    let mut body = valid();
    body["id"] = json!(answer_id(n));
    let category = match score {
        0..=6 => "detractor",
        7..=8 => "passive",
        _ => "promoter",
    };
    let fields = body.as_object_mut().unwrap();
    match stage {
        "display" | "decline" => {
            for key in ["score", "category", "comment", "complete", "answeredAt"] {
                fields.remove(key);
            }
            fields.insert("type".into(), json!(stage));
        }
        "scored" | "complete" => {
            fields.insert("score".into(), json!(score));
            fields.insert("category".into(), json!(category));
            fields.insert("complete".into(), json!(stage == "complete"));
            if stage == "complete" {
                fields.insert("comment".into(), json!("Exports time out on big reports"));
            }
        }
        other => panic!("unknown stage {other}"),
    }
    body
}

pub async fn post(app: &TestApp, body: &Value) {
    let (status, answer) = app.post(body).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{answer}");
}

/// An answer's whole life: display, score, final answer, and a replay of the final body.
pub async fn answer(app: &TestApp, n: u32, score: i64) {
    for stage in ["display", "scored", "complete", "complete"] {
        post(app, &body(n, stage, score)).await;
    }
}

/// The Standard Webhooks signature of a request, computed here from its raw body and headers
/// with the hmac crate (not the collector's code).
pub fn expected_signature(secret: &str, request: &Received) -> String {
    let key = STANDARD
        .decode(secret.strip_prefix("whsec_").unwrap())
        .unwrap();
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
    mac.update(request.header("webhook-id").as_bytes());
    mac.update(b".");
    mac.update(request.header("webhook-timestamp").as_bytes());
    mac.update(b".");
    mac.update(&request.body);
    format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
}

pub fn detractor_hook(url: &str) -> Value {
    json!({
        "name": "Detractors to the support desk", "url": url, "format": "webhook",
        "events": ["response.completed"], "filter": { "categories": ["detractor"] }
    })
}
