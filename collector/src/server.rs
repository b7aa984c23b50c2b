//! The collector's TCP edge: accepts connections and serves the router over HTTP/1.1 with
//! timeouts, a cap on open connections and a bounded graceful shutdown.
//!
//! What bounds each way a client can hold a connection:
//! - nothing sent, or a request head sent slowly: `header_timeout`, hyper's header read timer,
//!   which starts when the connection is ready for a request (just accepted, or done with its
//!   previous response) and stops when the head is complete. Over HTTP/1.1 it therefore also
//!   closes an idle keep-alive connection.
//! - a body sent slowly: `Settings::body_timeout`, applied by the router (a `408`).
//! - no byte moving for `idle_timeout` while no request is being handled, or while a response
//!   waits for the client to read it: the connection's watchdog (see [`Activity`]).
//! - more clients than `max_connections`: they wait in the kernel's listen queue.
//!
//! HTTP/2 is not offered: hyper has no header timeout for it, browsers only speak it over TLS,
//! and the collector serves plain HTTP (a proxy in front terminates TLS).

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::{Frame, Incoming, SizeHint};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tokio::time::Instant;
use tower::ServiceExt;

/// How long a client may take and how many may be connected at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// Time a connection has to deliver a complete request head, counted from when it is ready
    /// for one (just accepted, or done with its previous response).
    pub header_timeout: Duration,
    /// A connection with no byte moving for this long is closed if no request is being handled
    /// on it or if its response is waiting for the client to read it.
    pub idle_timeout: Duration,
    /// Most connections open at once; while at the cap no new connection is accepted.
    pub max_connections: usize,
    /// How long a shutdown waits for requests in flight before it drops them.
    pub shutdown_timeout: Duration,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        ConnectionLimits {
            header_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(30),
            max_connections: 512,
            shutdown_timeout: Duration::from_secs(5),
        }
    }
}

/// First pause after an accept error that is not about one connection (out of file
/// descriptors, say); it doubles on each further error up to [`ACCEPT_BACKOFF_MAX`].
const ACCEPT_BACKOFF_MIN: Duration = Duration::from_millis(10);
/// Longest pause between accept attempts while accepting fails.
const ACCEPT_BACKOFF_MAX: Duration = Duration::from_secs(1);

/// Serves `router` on `listener` until `shutdown` resolves, then stops accepting, lets the
/// requests in flight finish for at most `limits.shutdown_timeout`, and returns.
///
/// Each request carries `ConnectInfo<SocketAddr>` with the client's address.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()>,
) {
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let graceful = GracefulShutdown::new();
    let mut backoff = ACCEPT_BACKOFF_MIN;
    tokio::pin!(shutdown);

    loop {
        // At the cap, wait for a connection to end before accepting the next: the waiting
        // clients stay in the listen queue instead of taking file descriptors.
        let slot = tokio::select! {
            biased;
            () = &mut shutdown => break,
            slot = slots.clone().acquire_owned() => slot.expect("the semaphore is never closed"),
        };
        let accepted = tokio::select! {
            biased;
            () = &mut shutdown => break,
            accepted = listener.accept() => accepted,
        };
        let (stream, remote) = match accepted {
            Ok(accepted) => {
                backoff = ACCEPT_BACKOFF_MIN;
                accepted
            }
            // The client gave up before it was accepted: nothing to wait for.
            Err(error) if is_connection_error(&error) => continue,
            // Out of file descriptors or memory: retrying at once would spin, exiting would
            // drop every open connection. Pause, then try again.
            Err(error) => {
                tracing::warn!(%error, retry_in = ?backoff, "cannot accept a connection");
                tokio::select! {
                    biased;
                    () = &mut shutdown => break,
                    () = tokio::time::sleep(backoff) => {}
                }
                backoff = (backoff * 2).min(ACCEPT_BACKOFF_MAX);
                continue;
            }
        };
        // Without TCP_NODELAY a small file sent as headers then body waits for the client's
        // delayed ACK (about 40 ms on Linux) before its body leaves: every script of the
        // widget served from `--pkg` would pay it.
        let _ = stream.set_nodelay(true);

        let activity = Arc::new(Activity::new());
        let io = TokioIo::new(ActivityIo {
            stream,
            activity: activity.clone(),
        });
        let service = {
            let (router, activity) = (router.clone(), activity.clone());
            service_fn(move |request| {
                let handling = Handling::start(activity.clone());
                handle(router.clone(), handling, remote, request)
            })
        };
        let connection = graceful.watch(http.serve_connection(io, service));
        let idle_timeout = limits.idle_timeout;
        tokio::spawn(async move {
            tokio::select! {
                result = connection => {
                    if let Err(error) = result {
                        tracing::debug!(%error, %remote, "connection closed");
                    }
                }
                () = activity.stalled(idle_timeout) => {
                    tracing::debug!(%remote, "closed a connection idle for {idle_timeout:?}");
                }
            }
            drop(slot);
        });
    }

    // Closes the listening socket: new clients are refused rather than left waiting.
    drop(listener);
    let open = graceful.count();
    tracing::info!(
        open_connections = open,
        "shutting down: waiting up to {:?} for requests in flight",
        limits.shutdown_timeout
    );
    if tokio::time::timeout(limits.shutdown_timeout, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!(
            "requests still in flight after {:?}: dropping them",
            limits.shutdown_timeout
        );
    }
}

/// Runs one request through the router, marked as being handled on its connection until its
/// response body has been sent or dropped.
async fn handle(
    router: Router,
    handling: Handling,
    remote: SocketAddr,
    mut request: Request<Incoming>,
) -> Result<Response<HandledBody>, std::convert::Infallible> {
    request.extensions_mut().insert(ConnectInfo(remote));
    let response = router.oneshot(request).await?;
    Ok(response.map(|body| HandledBody { body, handling }))
}

/// Whether an accept error concerns only the connection being accepted.
fn is_connection_error(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    )
}

/// What is happening on one connection, for its idle watchdog: when a byte last moved, how
/// many requests are being handled, and whether a write waits for the client to read.
struct Activity {
    /// Origin of `last_moved_ms`.
    opened: Instant,
    /// Milliseconds from `opened` to the last byte read or written, or the last request started
    /// or finished.
    last_moved_ms: AtomicU64,
    /// Requests whose response has not been sent in full yet.
    handling: AtomicUsize,
    /// Whether the last write could not proceed because the client is not reading.
    write_blocked: AtomicBool,
}

impl Activity {
    fn new() -> Self {
        Activity {
            opened: Instant::now(),
            last_moved_ms: AtomicU64::new(0),
            handling: AtomicUsize::new(0),
            write_blocked: AtomicBool::new(false),
        }
    }

    fn moved(&self) {
        let ms = self.opened.elapsed().as_millis() as u64;
        self.last_moved_ms.store(ms, Ordering::Relaxed);
    }

    fn last_moved(&self) -> Instant {
        self.opened + Duration::from_millis(self.last_moved_ms.load(Ordering::Relaxed))
    }

    /// Whether nothing is being done for the client: no request is handled, or the response
    /// being sent waits for the client to read it.
    fn waiting_for_client(&self) -> bool {
        self.handling.load(Ordering::Relaxed) == 0 || self.write_blocked.load(Ordering::Relaxed)
    }

    /// Resolves once no byte has moved for `timeout` while the connection waits for its client.
    async fn stalled(&self, timeout: Duration) {
        loop {
            let deadline = self.last_moved() + timeout;
            if Instant::now() < deadline {
                tokio::time::sleep_until(deadline).await;
            } else if self.waiting_for_client() {
                return;
            } else {
                // A handler is at work (or producing its response slowly): look again later.
                tokio::time::sleep(timeout / 4).await;
            }
        }
    }
}

/// One request being handled on a connection, from its head to the end of its response.
struct Handling(Arc<Activity>);

impl Handling {
    fn start(activity: Arc<Activity>) -> Self {
        activity.handling.fetch_add(1, Ordering::Relaxed);
        activity.moved();
        Handling(activity)
    }
}

impl Drop for Handling {
    fn drop(&mut self) {
        self.0.handling.fetch_sub(1, Ordering::Relaxed);
        self.0.moved();
    }
}

/// A response body that keeps its request counted as being handled until it is dropped.
struct HandledBody {
    body: Body,
    #[allow(dead_code)] // Held for its `Drop`.
    handling: Handling,
}

impl hyper::body::Body for HandledBody {
    type Data = <Body as hyper::body::Body>::Data;
    type Error = <Body as hyper::body::Body>::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        Pin::new(&mut self.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

/// A TCP stream that records its traffic in an [`Activity`].
struct ActivityIo {
    stream: TcpStream,
    activity: Arc<Activity>,
}

impl ActivityIo {
    fn wrote(&self, poll: &Poll<io::Result<usize>>) {
        match poll {
            Poll::Ready(Ok(written)) if *written > 0 => {
                self.activity.write_blocked.store(false, Ordering::Relaxed);
                self.activity.moved();
            }
            Poll::Pending => self.activity.write_blocked.store(true, Ordering::Relaxed),
            Poll::Ready(_) => {}
        }
    }
}

impl AsyncRead for ActivityIo {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let poll = Pin::new(&mut self.stream).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.activity.moved();
        }
        poll
    }
}

impl AsyncWrite for ActivityIo {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let poll = Pin::new(&mut self.stream).poll_write(cx, buf);
        self.wrote(&poll);
        poll
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let poll = Pin::new(&mut self.stream).poll_write_vectored(cx, bufs);
        self.wrote(&poll);
        poll
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

/// Resolves on Ctrl-C or, on Unix, SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
    tracing::info!("shutdown requested");
}

/// Raises the soft limit on open files to the hard limit, so that `max_connections` sockets fit
/// beside the database's files; returns the soft limit now in force. Safe for this process: it
/// never uses `select(2)`, the one interface that breaks past 1,024 descriptors.
#[cfg(unix)]
// `rlim_t` is `u64` on most targets but narrower on some 32-bit ones.
#[allow(clippy::unnecessary_cast)]
pub fn raise_open_file_limit() -> io::Result<u64> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `getrlimit` only writes the `rlimit` it is given.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } != 0 {
        return Err(io::Error::last_os_error());
    }
    let mut wanted = limit.rlim_max;
    // macOS reports an unlimited hard limit but refuses a soft limit above OPEN_MAX.
    if cfg!(target_os = "macos") {
        wanted = wanted.min(10_240);
    }
    if limit.rlim_cur >= wanted {
        return Ok(limit.rlim_cur as u64);
    }
    let raised = libc::rlimit {
        rlim_cur: wanted,
        rlim_max: limit.rlim_max,
    };
    // SAFETY: `setrlimit` only reads the `rlimit` it is given.
    if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raised) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(wanted as u64)
}

/// Where the open-file limit cannot be read or raised: nothing to do.
#[cfg(not(unix))]
pub fn raise_open_file_limit() -> io::Result<u64> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "no RLIMIT_NOFILE",
    ))
}

#[cfg(test)]
mod tests {
    use std::io::{Read, Write};

    use axum::routing::get;

    use super::*;

    #[tokio::test]
    async fn handlers_see_the_client_address_and_serve_returns_after_shutdown() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let who = |ConnectInfo(client): ConnectInfo<SocketAddr>| async move { client.to_string() };
        let router = Router::new().route("/who", get(who));
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let shutdown = async {
            let _ = stopped.await;
        };
        let server = tokio::spawn(serve(
            listener,
            router,
            ConnectionLimits::default(),
            shutdown,
        ));

        let (client, response) = tokio::task::spawn_blocking(move || {
            let mut stream = std::net::TcpStream::connect(addr).unwrap();
            let request = "GET /who HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
            stream.write_all(request.as_bytes()).unwrap();
            let mut response = String::new();
            stream.read_to_string(&mut response).unwrap();
            (stream.local_addr().unwrap(), response)
        })
        .await
        .unwrap();
        assert!(response.starts_with("HTTP/1.1 200 "), "{response}");
        assert!(
            response.ends_with(&format!("\r\n\r\n{client}")),
            "{response}"
        );

        stop.send(()).unwrap();
        // Nothing is in flight: it returns without waiting for the shutdown timeout.
        let started = Instant::now();
        server.await.unwrap();
        assert!(started.elapsed() < Duration::from_secs(1));
    }
}
