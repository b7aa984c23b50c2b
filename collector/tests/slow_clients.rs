//! The real binary against clients that are slow, idle or too many, over real TCP: each is cut
//! off by its timeout, the server keeps answering real requests, and SIGTERM always ends it.

mod common;

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// Time allowed beyond a timeout for the server to act on it (a loaded machine, a debug build).
const SLACK: Duration = Duration::from_secs(3);

/// A running collector on a free port over a fresh database; killed when dropped.
struct Server {
    child: Child,
    addr: String,
    db: PathBuf,
}

impl Server {
    /// Starts the binary with `args` after `--addr 127.0.0.1:0 --rate-limit 0 --db …`.
    fn start(args: &[&str]) -> Server {
        Self::start_with(args, |_| {})
    }

    fn start_with(args: &[&str], adjust: impl FnOnce(&mut Command)) -> Server {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let db = std::env::temp_dir().join(format!(
            "nps-collector-slow-{}-{}.sqlite3",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let (child, addr) = common::process::serve(&db, args, |command| {
            command.stderr(Stdio::null());
            adjust(command);
        });
        Server { child, addr, db }
    }

    fn connect(&self) -> TcpStream {
        TcpStream::connect(&self.addr).unwrap()
    }

    fn is_running(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }

    #[cfg(unix)]
    fn terminate(&self) {
        // SAFETY: `kill` with a valid signal number has no memory effects on this process.
        let sent = unsafe { libc::kill(self.child.id() as libc::pid_t, libc::SIGTERM) };
        assert_eq!(sent, 0, "{}", std::io::Error::last_os_error());
    }

    /// Waits for the process to exit, polling until `deadline`.
    fn exit_by(&mut self, deadline: Instant) -> Option<ExitStatus> {
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Some(status);
            }
            if Instant::now() >= deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", self.db.display()));
        }
    }
}

/// What the server did with a connection that the test stopped writing to or trickled into.
#[derive(Debug, PartialEq)]
enum Outcome {
    /// Closed, after sending these bytes (maybe none).
    Closed(Vec<u8>),
    /// Still open at the deadline.
    Open,
}

/// Reads until the server closes the connection or `deadline` passes; between reads, sends the
/// next byte of `trickle` (one each `every`), if any.
fn watch(stream: &mut TcpStream, trickle: &[u8], every: Duration, deadline: Instant) -> Outcome {
    let mut received = Vec::new();
    let mut trickle = trickle.iter();
    loop {
        let now = Instant::now();
        if now >= deadline {
            return Outcome::Open;
        }
        stream
            .set_read_timeout(Some(every.min(deadline - now)))
            .unwrap();
        let mut buffer = [0; 4096];
        match stream.read(&mut buffer) {
            Ok(0) => return Outcome::Closed(received),
            Ok(n) => received.extend_from_slice(&buffer[..n]),
            Err(error) if matches!(error.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                if let Some(byte) = trickle.next() {
                    if stream.write_all(&[*byte]).is_err() {
                        return Outcome::Closed(received);
                    }
                }
            }
            Err(_) => return Outcome::Closed(received),
        }
    }
}

/// Asserts that the server closed the connection between `at_least` and `at_most` after
/// `started`, and returns what it sent before.
fn assert_closed(
    outcome: Outcome,
    started: Instant,
    at_least: Duration,
    at_most: Duration,
) -> Vec<u8> {
    let elapsed = started.elapsed();
    let Outcome::Closed(received) = outcome else {
        panic!("still open after {elapsed:?}");
    };
    assert!(
        elapsed >= at_least && elapsed <= at_most,
        "closed after {elapsed:?}, expected {at_least:?}..{at_most:?}"
    );
    received
}

/// The sample answer of the API tests, as a body.
fn answer_body() -> String {
    common::valid().to_string()
}

/// The head of a `POST /v1/responses` of `length` bytes, with `extra` header lines.
fn post_head(length: usize, extra: &str) -> String {
    format!(
        "POST /v1/responses HTTP/1.1\r\nHost: collector\r\nContent-Type: application/json\r\n\
         Content-Length: {length}\r\n{extra}\r\n"
    )
}

/// Sends a whole answer on a new connection and returns the response (read until the server
/// closes), or what went wrong.
fn post_answer(addr: &str, timeout: Duration) -> std::io::Result<String> {
    let body = answer_body();
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(timeout))?;
    let request = post_head(body.len(), "Connection: close\r\n") + &body;
    stream.write_all(request.as_bytes())?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    Ok(response)
}

fn seconds(s: f64) -> Duration {
    Duration::from_secs_f64(s)
}

#[test]
fn a_silent_connection_is_closed_by_the_header_timeout() {
    let server = Server::start(&["--header-timeout", "1s", "--idle-timeout", "60s"]);
    let mut stream = server.connect();
    let started = Instant::now();
    let outcome = watch(
        &mut stream,
        b"",
        seconds(0.1),
        started + seconds(1.0) + SLACK,
    );
    let sent = assert_closed(outcome, started, seconds(0.9), seconds(1.0) + SLACK);
    assert!(sent.is_empty(), "{}", String::from_utf8_lossy(&sent));
}

#[test]
fn an_idle_connection_is_closed_by_the_idle_timeout() {
    let server = Server::start(&["--header-timeout", "60s", "--idle-timeout", "1s"]);
    // Silent from the start.
    let mut stream = server.connect();
    let started = Instant::now();
    let outcome = watch(
        &mut stream,
        b"",
        seconds(0.1),
        started + seconds(1.0) + SLACK,
    );
    assert_closed(outcome, started, seconds(0.9), seconds(1.0) + SLACK);

    // Idle after one request kept alive.
    let mut stream = server.connect();
    let request = "GET /v1/eligibility?userId=u_1 HTTP/1.1\r\nHost: collector\r\n\r\n";
    stream.write_all(request.as_bytes()).unwrap();
    let started = Instant::now();
    let outcome = watch(
        &mut stream,
        b"",
        seconds(0.1),
        started + seconds(1.0) + SLACK,
    );
    let sent = assert_closed(outcome, started, seconds(0.9), seconds(1.0) + SLACK);
    let sent = String::from_utf8_lossy(&sent);
    assert!(sent.starts_with("HTTP/1.1 200 "), "{sent}");
    assert!(sent.contains(r#""eligible":true"#), "{sent}");
}

#[test]
fn a_header_trickle_is_closed_by_the_header_timeout() {
    let server = Server::start(&["--header-timeout", "1s", "--idle-timeout", "60s"]);
    let mut stream = server.connect();
    let head = "GET /v1/eligibility?userId=u_1 HTTP/1.1\r\nHost: collector\r\n".repeat(20);
    let started = Instant::now();
    let outcome = watch(
        &mut stream,
        head.as_bytes(),
        seconds(0.3),
        started + seconds(1.0) + SLACK,
    );
    assert_closed(outcome, started, seconds(0.9), seconds(1.0) + SLACK);
}

#[test]
fn a_body_trickle_gets_408_within_the_body_timeout() {
    let server = Server::start(&[
        "--body-timeout",
        "1s",
        "--header-timeout",
        "60s",
        "--idle-timeout",
        "60s",
    ]);
    let mut stream = server.connect();
    stream.write_all(post_head(100, "").as_bytes()).unwrap();
    let started = Instant::now();
    let outcome = watch(
        &mut stream,
        &[b' '; 100],
        seconds(0.3),
        started + seconds(1.0) + SLACK,
    );
    let sent = assert_closed(outcome, started, seconds(0.9), seconds(1.0) + SLACK);
    let sent = String::from_utf8_lossy(&sent);
    assert!(sent.starts_with("HTTP/1.1 408 "), "{sent}");
    assert!(sent.contains(r#""field":"body""#), "{sent}");
}

/// Sockets of `pid` (Linux only), to see how many connections it holds.
fn open_sockets(pid: u32) -> Option<usize> {
    let entries = std::fs::read_dir(format!("/proc/{pid}/fd")).ok()?;
    let sockets = entries
        .filter_map(|entry| std::fs::read_link(entry.ok()?.path()).ok())
        .filter(|target| target.to_string_lossy().starts_with("socket:"))
        .count();
    Some(sockets)
}

#[test]
fn idle_sockets_beyond_max_connections_wait_and_a_post_gets_through() {
    let mut server = Server::start(&[
        "--max-connections",
        "8",
        "--header-timeout",
        "1s",
        "--idle-timeout",
        "60s",
    ]);
    let baseline = open_sockets(server.child.id());
    let idle: Vec<TcpStream> = (0..20).map(|_| server.connect()).collect();

    let addr = server.addr.clone();
    let post = std::thread::spawn(move || post_answer(&addr, Duration::from_secs(30)));
    // While the POST waits behind the idle sockets, the server never holds more than 8.
    let mut most = 0;
    while !post.is_finished() {
        if let (Some(baseline), Some(now)) = (baseline, open_sockets(server.child.id())) {
            most = most.max(now.saturating_sub(baseline));
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    let response = post.join().unwrap().unwrap();
    assert!(response.starts_with("HTTP/1.1 202 "), "{response}");
    assert!(most <= 8, "{most} connections open at once");
    assert!(server.is_running());
    drop(idle);
}

#[cfg(unix)]
#[test]
fn out_of_file_descriptors_the_server_backs_off_and_recovers() {
    use std::os::unix::process::CommandExt;

    // About 20 descriptors are taken at start-up (standard streams, the database, the runtime):
    // the rest is too few for 60 connections, so accepting runs into EMFILE.
    let mut server = Server::start_with(&["--header-timeout", "1s"], |command| {
        // SAFETY: only `setrlimit`, which is async-signal-safe, runs in the child before exec.
        unsafe {
            command.pre_exec(|| {
                let limit = libc::rlimit {
                    rlim_cur: 40,
                    rlim_max: 40,
                };
                if libc::setrlimit(libc::RLIMIT_NOFILE, &limit) == 0 {
                    Ok(())
                } else {
                    Err(std::io::Error::last_os_error())
                }
            });
        }
    });
    let idle: Vec<TcpStream> = (0..60).map(|_| server.connect()).collect();
    let response = post_answer(&server.addr, Duration::from_secs(30)).unwrap();
    assert!(response.starts_with("HTTP/1.1 202 "), "{response}");
    assert!(server.is_running());
    drop(idle);
}

/// Opens a POST that the server is busy with: its head sent, `Expect: 100-continue` answered
/// (the handler is reading the body), and the first 10 bytes of its body sent.
fn start_post_in_flight(server: &Server) -> TcpStream {
    let mut stream = server.connect();
    let head = post_head(answer_body().len(), "Expect: 100-continue\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    stream.set_read_timeout(Some(SLACK)).unwrap();
    let mut interim = [0; 25];
    stream.read_exact(&mut interim).unwrap();
    assert_eq!(&interim, b"HTTP/1.1 100 Continue\r\n\r\n");
    stream.write_all(&answer_body().as_bytes()[..10]).unwrap();
    stream
}

#[cfg(unix)]
#[test]
fn sigterm_with_half_sent_requests_exits_within_the_shutdown_timeout() {
    let mut server = Server::start(&[
        "--shutdown-timeout",
        "1s",
        "--header-timeout",
        "60s",
        "--body-timeout",
        "60s",
        "--idle-timeout",
        "60s",
    ]);
    // A head cut off midway, after a request answered on the same connection.
    let mut half_head = server.connect();
    let request = "GET /v1/eligibility?userId=u_1 HTTP/1.1\r\nHost: collector\r\n\r\n";
    half_head.write_all(request.as_bytes()).unwrap();
    half_head.set_read_timeout(Some(SLACK)).unwrap();
    let mut first = [0; 12];
    half_head.read_exact(&mut first).unwrap();
    assert_eq!(&first, b"HTTP/1.1 200");
    half_head
        .write_all(b"POST /v1/responses HTTP/1.1\r\nHost: coll")
        .unwrap();
    // A body cut off midway.
    let _half_body = start_post_in_flight(&server);

    let started = Instant::now();
    server.terminate();
    let status = server.exit_by(started + seconds(1.0) + SLACK);
    let elapsed = started.elapsed();
    assert!(status.is_some(), "still running {elapsed:?} after SIGTERM");
    // It waited for the request in flight, then gave up on it.
    assert!(elapsed >= seconds(0.9), "exited after {elapsed:?}");
}

#[cfg(unix)]
#[test]
fn sigterm_lets_a_request_in_flight_finish() {
    let mut server = Server::start(&["--shutdown-timeout", "10s"]);
    let mut in_flight = start_post_in_flight(&server);
    server.terminate();

    // Once the server stops accepting, new connections are refused.
    let deadline = Instant::now() + SLACK;
    while TcpStream::connect(&server.addr).is_ok() {
        assert!(Instant::now() < deadline, "still accepting after SIGTERM");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(server.is_running(), "exited with a request in flight");

    in_flight
        .write_all(&answer_body().as_bytes()[10..])
        .unwrap();
    let mut response = String::new();
    in_flight.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 202 "), "{response}");
    // Nothing is left in flight: it exits at once, well before the shutdown timeout.
    let status = server.exit_by(Instant::now() + SLACK);
    assert!(status.is_some_and(|status| status.success()), "{status:?}");
}

#[cfg(target_os = "linux")]
#[test]
fn a_client_that_stops_reading_is_closed_by_the_idle_timeout() {
    // Far more than the socket buffers of both ends hold.
    const SIZE: usize = 64 << 20;
    let pkg = std::env::temp_dir().join(format!("nps-collector-slow-pkg-{}", std::process::id()));
    std::fs::create_dir_all(&pkg).unwrap();
    std::fs::write(pkg.join("big.wasm"), vec![0u8; SIZE]).unwrap();
    let server = Server::start(&[
        "--pkg",
        pkg.to_str().unwrap(),
        "--idle-timeout",
        "1s",
        "--header-timeout",
        "60s",
    ]);
    let pid = server.child.id();
    let baseline = open_sockets(pid).unwrap();

    let mut stream = server.connect();
    let request = "GET /nps-widget/big.wasm HTTP/1.1\r\nHost: collector\r\n\r\n";
    stream.write_all(request.as_bytes()).unwrap();
    // The server holds the connection while it sends, then drops it once the unread response
    // has not moved for the idle timeout.
    let deadline = Instant::now() + SLACK;
    while open_sockets(pid).unwrap() == baseline {
        assert!(Instant::now() < deadline, "never accepted");
        std::thread::sleep(Duration::from_millis(20));
    }
    let started = Instant::now();
    while open_sockets(pid).unwrap() > baseline {
        assert!(
            started.elapsed() < seconds(1.0) + SLACK,
            "still open after {:?}",
            started.elapsed()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    // `started` is when this thread saw the connection, a little after the server's last
    // write: only a close far earlier than the idle timeout is wrong.
    assert!(started.elapsed() >= seconds(0.5), "{:?}", started.elapsed());

    let mut received = Vec::new();
    stream.set_read_timeout(Some(SLACK)).unwrap();
    let _ = stream.read_to_end(&mut received);
    let text = String::from_utf8_lossy(&received[..received.len().min(12)]).into_owned();
    assert_eq!(text, "HTTP/1.1 200");
    assert!(received.len() < SIZE, "the whole file arrived");
    let _ = std::fs::remove_dir_all(pkg);
}
