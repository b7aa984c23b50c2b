//! Collector processes (the real `nps-collector` binary) on one database, and the small HTTP
//! client the multi-collector tests talk to them with: one request per connection, a failure
//! to connect or a cut answer is an `Err`, as a browser's `fetch` sees it.

use std::process::Child;
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The admin token every node knows (from `NPS_ADMIN_TOKEN`).
pub const TOKEN: &str = "npsa_nodes_test_token_0123456789abcdef";

/// A collector process; killed (SIGKILL) when dropped.
pub struct Node {
    child: Child,
    /// `127.0.0.1:PORT`.
    pub addr: String,
}

impl Node {
    /// Starts `nps-collector serve` on a free port over `db`, with `extra` flags; returns once
    /// it listens.
    pub fn start(db: &str, extra: &[&str]) -> Node {
        let (child, addr) = super::process::serve(db, extra, |command| {
            command.env("NPS_ADMIN_TOKEN", TOKEN);
        });
        Node { child, addr }
    }

    /// Kills it at once (SIGKILL): nothing it holds in memory is saved.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        self.kill();
    }
}

/// An HTTP answer: status, `Retry-After` if any, JSON body (`null` when empty or not JSON).
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub retry_after: Option<String>,
    pub body: Value,
}

/// Sends one request to `addr` (as the admin when `admin`), on a connection of its own.
pub async fn request(
    addr: &str,
    method: &str,
    path: &str,
    body: Option<&Value>,
    admin: bool,
) -> std::io::Result<Reply> {
    let body = body.map(Value::to_string).unwrap_or_default();
    let auth = if admin {
        format!("Authorization: Bearer {TOKEN}\r\n")
    } else {
        String::new()
    };
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n{auth}\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    let exchange = async {
        let mut stream = TcpStream::connect(addr).await?;
        stream.write_all(head.as_bytes()).await?;
        stream.write_all(body.as_bytes()).await?;
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).await?;
        Ok::<_, std::io::Error>(raw)
    };
    let raw = tokio::time::timeout(Duration::from_secs(30), exchange)
        .await
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "no answer in 30 s"))??;
    let text = String::from_utf8_lossy(&raw);
    let cut = || std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "cut answer");
    let (head, body) = text.split_once("\r\n\r\n").ok_or_else(cut)?;
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(cut)?;
    let retry_after = head.lines().find_map(|line| {
        line.to_ascii_lowercase()
            .strip_prefix("retry-after:")
            .map(|v| v.trim().to_owned())
    });
    // Chunked answers are not asked for (no streaming endpoint is used here).
    Ok(Reply {
        status,
        retry_after,
        body: serde_json::from_str(body).unwrap_or(Value::Null),
    })
}

/// POSTs `body` to `/v1/responses` as the widget's outbox does: again after a network error, a
/// `5xx` or a `429` (on the next of `addrs`, as a load balancer would send it, after a short
/// wait), until it is answered otherwise. The final status and how many tries failed, each
/// with its status (`None`: no answer).
pub async fn deliver(addrs: &[&str], first: usize, body: &Value) -> (u16, Vec<Option<u16>>) {
    let mut failed = Vec::new();
    for attempt in 0.. {
        let addr = addrs[(first + attempt) % addrs.len()];
        match request(addr, "POST", "/v1/responses", Some(body), false).await {
            Ok(reply) if reply.status < 500 && reply.status != 429 => {
                return (reply.status, failed)
            }
            Ok(reply) => failed.push(Some(reply.status)),
            Err(_) => failed.push(None),
        }
        assert!(attempt < 600, "{body} not stored after {failed:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    unreachable!()
}

/// Waits until `n` hook deliveries are recorded as delivered.
pub async fn wait_delivered(db: &str, n: i64) {
    let (client, connection) = tokio_postgres::connect(db, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    let start = Instant::now();
    loop {
        let delivered: i64 = client
            .query_one(
                "SELECT count(*) FROM hook_deliveries WHERE status = 'delivered'",
                &[],
            )
            .await
            .unwrap()
            .get(0);
        if delivered >= n {
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(90),
            "{delivered} of {n} delivered"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
