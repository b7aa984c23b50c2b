//! `nps-loadgen`: posts valid, unique answers to a collector from N keep-alive HTTP/1.1
//! connections for a fixed time, as fast as it answers or at a fixed total rate (`--rate`),
//! then prints one JSON object: throughput, status counts and latency percentiles. It runs on one thread so that it takes at most one core from the
//! server it measures.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const USAGE: &str = "\
usage: nps-loadgen --url http://HOST:PORT/v1/responses [--connections N] [--duration SECONDS]
                   [--warmup SECONDS] [--seed N] [--rate ANSWERS_PER_SECOND]
                   [--latencies FILE]
Prints a JSON report on stdout; with --latencies, also writes every measured request's
latency (microseconds, one per line) to FILE, for pooling several runs. Only loopback
addresses are accepted.";

struct Options {
    host: String,
    addr: String,
    path: String,
    connections: usize,
    duration: Duration,
    warmup: Duration,
    seed: u64,
    /// Time between two requests of one connection, when a total rate is set.
    interval: Option<Duration>,
    /// Where to write every measured latency, if anywhere.
    latencies: Option<String>,
}

fn parse() -> Result<Options, String> {
    let mut url = None;
    let mut connections = 32;
    let mut duration: f64 = 10.0;
    let mut warmup: f64 = 1.0;
    let mut rate: f64 = 0.0;
    let mut latencies = None;
    let mut seed = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(1, |d| d.as_nanos() as u64);
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--url" => url = Some(value()?),
            "--connections" => connections = value()?.parse().map_err(|_| "bad --connections")?,
            "--duration" => duration = value()?.parse().map_err(|_| "bad --duration")?,
            "--warmup" => warmup = value()?.parse().map_err(|_| "bad --warmup")?,
            "--seed" => seed = value()?.parse().map_err(|_| "bad --seed")?,
            "--rate" => rate = value()?.parse().map_err(|_| "bad --rate")?,
            "--latencies" => latencies = Some(value()?),
            "-h" | "--help" => return Err(String::new()),
            _ => return Err(format!("unknown argument {flag:?}")),
        }
    }
    let url = url.ok_or("--url is required")?;
    let rest = url
        .strip_prefix("http://")
        .ok_or("only http:// URLs are supported")?;
    let (host, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/v1/responses"),
    };
    let name = host.rsplit_once(':').map_or(host, |(name, _)| name);
    if !(name == "localhost" || name.starts_with("127.") || name == "[::1]") {
        return Err("the target must be a loopback address".into());
    }
    if connections == 0
        || !duration.is_finite()
        || duration <= 0.0
        || !warmup.is_finite()
        || warmup < 0.0
        || !rate.is_finite()
        || rate < 0.0
    {
        return Err("--connections and --duration must be positive, --warmup not negative".into());
    }
    let addr = if host.contains(':') {
        host.to_owned()
    } else {
        format!("{host}:80")
    };
    Ok(Options {
        host: host.to_owned(),
        addr: addr.replace("localhost", "127.0.0.1"),
        path: path.to_owned(),
        connections,
        duration: Duration::from_secs_f64(duration),
        warmup: Duration::from_secs_f64(warmup),
        seed,
        interval: (rate > 0.0).then(|| Duration::from_secs_f64(connections as f64 / rate)),
        latencies,
    })
}

/// splitmix64: a fast, well-mixed generator; each connection has its own stream.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// A random (version 4) UUID.
    fn uuid(&mut self) -> String {
        let (a, b) = (self.next(), self.next());
        let a = (a & !0xf000) | 0x4000; // version 4
        let b = (b & !(0xc << 60)) | (0x8 << 60); // RFC 4122 variant
        format!(
            "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0xffff,
            b >> 48,
            b & 0xffff_ffff_ffff
        )
    }
}

const COMMENTS: [&str; 6] = [
    "Fast and simple, the reports save me an hour every week.",
    "The export to CSV keeps timing out on large accounts.",
    "Pricing is hard to understand for teams of our size.",
    "Love the dashboards. Would like dark mode in the editor too.",
    "Support answered within minutes, thank you!",
    "Onboarding took longer than expected; the docs on SSO are thin.",
];
const TRIGGERS: [&str; 4] = [
    "load",
    "event:report_exported",
    "url:/billing/*",
    "pageViews:3",
];
const PAGES: [&str; 4] = [
    "https://app.example.com/reports",
    "https://app.example.com/billing/invoices",
    "https://app.example.com/dashboard",
    "https://app.example.com/settings/team",
];
const PLANS: [&str; 3] = ["free", "pro", "enterprise"];
const LANGUAGES: [&str; 5] = ["en", "de", "fr", "es", "ja"];

/// An RFC 3339 timestamp, formatted by the widget's own core (the same text the widget sends).
fn rfc3339(ms: u64) -> String {
    nps_widget::core::time::format_timestamp(ms as i64)
}

/// One answer as the widget sends it: 15 % dismissals, 30 % a score alone (the first of the
/// two posts), 55 % a score with its comment.
fn body(rng: &mut Rng, now_ms: u64) -> String {
    let user = rng.below(200_000);
    let shown = now_ms - rng.below(60_000);
    let answered = shown + 1_000 + rng.below(20_000);
    let plan = PLANS[rng.below(3) as usize];
    let mut answer = json!({
        "id": rng.uuid(),
        "kind": "nps",
        "user": {
            "id": format!("u_{user}"),
            "email": format!("user{user}@example.com"),
            "createdAt": "2025-01-15T00:00:00Z",
            "properties": { "plan": plan, "seats": 1 + rng.below(200) },
        },
        "account": { "id": format!("acct_{}", user / 20), "name": "Acme Inc", "properties": { "region": "eu" } },
        "language": LANGUAGES[rng.below(5) as usize],
        "trigger": TRIGGERS[rng.below(4) as usize],
        "page": PAGES[rng.below(4) as usize],
        "shownAt": rfc3339(shown),
        "widgetVersion": "0.1.0",
    });
    let kind = rng.below(100);
    let fields = answer.as_object_mut().expect("an object");
    if kind < 15 {
        fields.insert("type".into(), "decline".into());
    } else {
        let score = rng.below(11);
        let category = match score {
            0..=6 => "detractor",
            7..=8 => "passive",
            _ => "promoter",
        };
        let complete = kind >= 45;
        fields.insert("type".into(), "response".into());
        fields.insert("score".into(), score.into());
        fields.insert("category".into(), category.into());
        fields.insert("complete".into(), complete.into());
        let comment = complete.then(|| COMMENTS[rng.below(6) as usize]);
        fields.insert("comment".into(), comment.into());
        fields.insert("answeredAt".into(), rfc3339(answered).into());
    }
    answer.to_string()
}

#[derive(Default)]
struct Tally {
    /// Latency of each answered request after the warm-up, in microseconds.
    latencies: Vec<u32>,
    /// Count per HTTP status (index = status), after the warm-up.
    statuses: Vec<u64>,
    /// Connection or protocol failures.
    errors: u64,
    first_error: Option<String>,
    /// Every 202, the warm-up and the requests finishing after the end included: the rows the
    /// collector must hold afterwards.
    accepted_total: u64,
}

fn status_of(head: &[u8]) -> Option<usize> {
    let line = std::str::from_utf8(head.get(9..12)?).ok()?;
    line.parse().ok()
}

fn content_length(head: &[u8]) -> Option<usize> {
    let text = std::str::from_utf8(head).ok()?;
    text.split("\r\n").find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.eq_ignore_ascii_case("content-length")
            .then(|| value.trim().parse().ok())?
    })
}

/// Sends one request on `stream` and reads the whole answer; returns its status.
async fn exchange(
    stream: &mut TcpStream,
    request: &[u8],
    buf: &mut Vec<u8>,
) -> Result<usize, String> {
    stream.write_all(request).await.map_err(|e| e.to_string())?;
    buf.clear();
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head_len = end + 4;
            let status = status_of(&buf[..head_len]).ok_or("bad status line")?;
            let length = content_length(&buf[..head_len]).ok_or("no content-length")?;
            while buf.len() < head_len + length {
                let n = stream.read(&mut chunk).await.map_err(|e| e.to_string())?;
                if n == 0 {
                    return Err("connection closed mid-body".into());
                }
                buf.extend_from_slice(&chunk[..n]);
            }
            return Ok(status);
        }
        let n = stream.read(&mut chunk).await.map_err(|e| e.to_string())?;
        if n == 0 {
            return Err("connection closed".into());
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

async fn client(options: std::rc::Rc<Options>, index: usize, start: Instant) -> Tally {
    let mut rng = Rng(options.seed ^ (index as u64).wrapping_mul(0x2545_f491_4f6c_dd1d));
    let measure_from = start + options.warmup;
    let end = measure_from + options.duration;
    let mut tally = Tally {
        statuses: vec![0; 600],
        ..Tally::default()
    };
    let mut buf = Vec::with_capacity(8192);
    let mut stream = None;
    // With a rate, connection `index` sends at start + (index / connections + k) × interval.
    let mut next_send = options
        .interval
        .map(|interval| start + interval.mul_f64(index as f64 / options.connections as f64));
    while Instant::now() < end {
        if let (Some(at), Some(interval)) = (next_send, options.interval) {
            tokio::time::sleep_until(at.into()).await;
            next_send = Some(at + interval);
        }
        let now_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as u64);
        let body = body(&mut rng, now_ms);
        let request = format!(
            "POST {} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{}",
            options.path,
            options.host,
            body.len(),
            body
        );
        if stream.is_none() {
            match TcpStream::connect(&options.addr).await {
                Ok(s) => {
                    let _ = s.set_nodelay(true);
                    stream = Some(s);
                }
                Err(error) => {
                    tally.errors += 1;
                    tally.first_error.get_or_insert(error.to_string());
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            }
        }
        let Some(s) = stream.as_mut() else { continue };
        let sent = Instant::now();
        let result = exchange(s, request.as_bytes(), &mut buf).await;
        let done = Instant::now();
        let counted = sent >= measure_from && done <= end;
        match result {
            Ok(status) => {
                if status == 202 {
                    tally.accepted_total += 1;
                }
                if counted {
                    tally.statuses[status.min(599)] += 1;
                    let micros = done.duration_since(sent).as_micros();
                    tally.latencies.push(micros.min(u32::MAX as u128) as u32);
                }
            }
            Err(error) => {
                stream = None;
                if counted {
                    tally.errors += 1;
                    tally.first_error.get_or_insert(error);
                }
            }
        }
    }
    tally
}

fn percentile(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    f64::from(sorted[rank.clamp(1, sorted.len()) - 1]) / 1000.0
}

fn round(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn main() {
    let options = match parse() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("nps-loadgen: {message}\n{USAGE}");
            std::process::exit(2);
        }
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let options = std::rc::Rc::new(options);
    let local = tokio::task::LocalSet::new();
    let report = local.block_on(&runtime, async {
        let start = Instant::now();
        let handles: Vec<_> = (0..options.connections)
            .map(|i| tokio::task::spawn_local(client(options.clone(), i, start)))
            .collect();
        let mut total = Tally {
            statuses: vec![0; 600],
            ..Tally::default()
        };
        for handle in handles {
            let tally = handle.await.expect("a client task");
            total.latencies.extend(tally.latencies);
            for (sum, n) in total.statuses.iter_mut().zip(tally.statuses) {
                *sum += n;
            }
            total.errors += tally.errors;
            total.accepted_total += tally.accepted_total;
            if total.first_error.is_none() {
                total.first_error = tally.first_error;
            }
        }
        total
    });
    let mut latencies = report.latencies;
    latencies.sort_unstable();
    if let Some(path) = &options.latencies {
        let text: String = latencies.iter().map(|l| format!("{l}\n")).collect();
        if let Err(error) = std::fs::write(path, text) {
            eprintln!("nps-loadgen: cannot write {path}: {error}");
            std::process::exit(1);
        }
    }
    let seconds = options.duration.as_secs_f64();
    let accepted = report.statuses[202];
    let statuses: serde_json::Map<String, Value> = report
        .statuses
        .iter()
        .enumerate()
        .filter(|(_, n)| **n > 0)
        .map(|(status, n)| (status.to_string(), json!(n)))
        .collect();
    let mean = if latencies.is_empty() {
        0.0
    } else {
        latencies.iter().map(|&l| f64::from(l)).sum::<f64>() / latencies.len() as f64 / 1000.0
    };
    let out = json!({
        "connections": options.connections,
        "rate": options.interval.map(|i| round(options.connections as f64 / i.as_secs_f64())),
        "duration_s": seconds,
        "warmup_s": options.warmup.as_secs_f64(),
        "requests": latencies.len(),
        "accepted_202": accepted,
        "accepted_202_total": report.accepted_total,
        "statuses": statuses,
        "errors": report.errors,
        "first_error": report.first_error,
        "answers_per_s": round(accepted as f64 / seconds),
        "latency_ms": {
            "p50": percentile(&latencies, 50.0),
            "p90": percentile(&latencies, 90.0),
            "p99": percentile(&latencies, 99.0),
            "p999": percentile(&latencies, 99.9),
            "max": percentile(&latencies, 100.0),
            "mean": round(mean),
        },
    });
    println!("{out}");
}
