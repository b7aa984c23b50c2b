//! The request of one delivery attempt: a `POST` over HTTP/1.1 (TLS with the Mozilla roots for
//! `https`), to an address that [`address::resolve`] checked, on a
//! [`Connection`] that the worker keeps for the rest of its run on that hook. Redirects are
//! answers like any other (not 2xx: not delivered), never followed. Only the status and the
//! first [`KEPT_RESPONSE_BYTES`] of the body are kept.

use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};

use axum::body::Bytes;
use axum::http::header::{CONTENT_TYPE, HOST, USER_AGENT};
use axum::http::Request;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio::time::{timeout_at, Instant};
use tokio_rustls::rustls::pki_types::ServerName;
use tokio_rustls::rustls::{ClientConfig, RootCertStore};
use tokio_rustls::TlsConnector;

use super::address::{self, Host, Target};

/// How much of a receiver's answer is kept with the attempt.
pub const KEPT_RESPONSE_BYTES: usize = 512;

/// Most bytes of an answer read to keep its connection for the next request; a longer answer
/// closes it.
const MAX_DRAINED_BYTES: usize = 64 * 1024;

/// What a receiver answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reply {
    /// The HTTP status.
    pub status: u16,
    /// The first [`KEPT_RESPONSE_BYTES`] of the body.
    pub body: Vec<u8>,
    /// Whether the whole answer was read in time, so the connection may carry another.
    pub reusable: bool,
}

/// The TLS settings of every delivery: rustls's safe defaults, the Mozilla root certificates.
fn tls() -> Result<Arc<ClientConfig>, String> {
    static CONFIG: OnceLock<Result<Arc<ClientConfig>, String>> = OnceLock::new();
    CONFIG
        .get_or_init(|| {
            let roots = RootCertStore::from_iter(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
            let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
            let mut config = ClientConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .map_err(|error| format!("TLS is not available: {error}"))?
                .with_root_certificates(roots)
                .with_no_client_auth();
            config.alpn_protocols = vec![b"http/1.1".to_vec()];
            Ok(Arc::new(config))
        })
        .clone()
}

/// A connection to a hook's receiver, for one worker run: consecutive deliveries to the same
/// hook reuse it (HTTP/1.1 keep-alive), which spares a TCP and TLS handshake per delivery;
/// it is opened again when the receiver closed it, and dropped (closed) with the run.
pub struct Connection {
    sender: Option<http1::SendRequest<Full<Bytes>>>,
    /// The task that drives the connection; aborted on drop.
    driver: Option<tokio::task::JoinHandle<()>>,
}

impl Drop for Connection {
    fn drop(&mut self) {
        if let Some(driver) = self.driver.take() {
            driver.abort();
        }
    }
}

impl Connection {
    /// No connection yet: the first [`post`](Connection::post) opens one.
    pub fn new() -> Connection {
        Connection {
            sender: None,
            driver: None,
        }
    }

    /// Whether a connection is open that the next [`post`](Connection::post) may use.
    pub fn is_open(&self) -> bool {
        self.sender
            .as_ref()
            .is_some_and(|sender| !sender.is_closed())
    }

    /// POSTs `body` with `headers` to `target`, on the open connection if the receiver kept
    /// it, else on a new one to the first address of `target` that the guard allows (resolved
    /// now, see [`address::resolve`]) and that accepts it. A kept connection that fails without
    /// an answer (the receiver closed it while idle) is replaced once by a new one. An error
    /// says why no answer came; after one, the connection is closed. The answer's body is read
    /// until `deadline` at most: an answer whose status came in time counts even if its body
    /// is slow (the caller bounds the rest of the exchange).
    pub async fn post(
        &mut self,
        target: &Target,
        allow_private: bool,
        headers: &[(&'static str, String)],
        body: Vec<u8>,
        deadline: Instant,
    ) -> Result<Reply, String> {
        let reused = self.is_open();
        // Shared, not copied, by a second try.
        let body = Bytes::from(body);
        let mut result = self
            .send(target, allow_private, headers, body.clone(), deadline)
            .await;
        if reused && result.is_err() {
            // Receivers drop a repeat by its webhook-id, should the first have arrived.
            result = self
                .send(target, allow_private, headers, body, deadline)
                .await;
        }
        result
    }

    async fn send(
        &mut self,
        target: &Target,
        allow_private: bool,
        headers: &[(&'static str, String)],
        body: Bytes,
        deadline: Instant,
    ) -> Result<Reply, String> {
        if !self.is_open() {
            let addrs = address::resolve(target, allow_private).await?;
            self.open(target, &addrs).await?;
        }
        let Some(sender) = self.sender.as_mut() else {
            return Err("no connection".into());
        };
        let result = exchange(sender, target, headers, body, deadline).await;
        if !result.as_ref().is_ok_and(|reply| reply.reusable) {
            *self = Connection::new();
        }
        result
    }

    async fn open(&mut self, target: &Target, addrs: &[SocketAddr]) -> Result<(), String> {
        *self = Connection::new();
        let stream = connect(addrs).await?;
        if !target.https {
            return self.handshake(stream).await;
        }
        let name = match &target.host {
            Host::Ip(ip) => ServerName::IpAddress((*ip).into()),
            Host::Name(name) => ServerName::try_from(name.clone())
                .map_err(|_| format!("{name} is not a name TLS can check"))?,
        };
        let stream = TlsConnector::from(tls()?)
            .connect(name, stream)
            .await
            .map_err(|error| format!("TLS failed: {error}"))?;
        self.handshake(stream).await
    }

    async fn handshake<S>(&mut self, io: S) -> Result<(), String>
    where
        S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        let (sender, connection) = http1::handshake(TokioIo::new(io))
            .await
            .map_err(|error| format!("HTTP failed: {error}"))?;
        self.sender = Some(sender);
        self.driver = Some(tokio::spawn(async move {
            // Its end (closed by the receiver, or an error) shows as a closed sender.
            let _ = connection.await;
        }));
        Ok(())
    }
}

impl Default for Connection {
    fn default() -> Self {
        Connection::new()
    }
}

async fn connect(addrs: &[SocketAddr]) -> Result<TcpStream, String> {
    let mut last = String::from("no address to connect to");
    for addr in addrs {
        match TcpStream::connect(addr).await {
            Ok(stream) => {
                let _ = stream.set_nodelay(true);
                return Ok(stream);
            }
            Err(error) => last = format!("cannot connect to {addr}: {error}"),
        }
    }
    Err(last)
}

/// Sends the request on `sender` and reads the answer's status and first bytes.
async fn exchange(
    sender: &mut http1::SendRequest<Full<Bytes>>,
    target: &Target,
    headers: &[(&'static str, String)],
    body: Bytes,
    deadline: Instant,
) -> Result<Reply, String> {
    sender
        .ready()
        .await
        .map_err(|error| format!("HTTP failed: {error}"))?;
    let mut request = Request::post(&target.path)
        .header(HOST, &target.authority)
        .header(CONTENT_TYPE, "application/json")
        .header(
            USER_AGENT,
            concat!("nps-collector/", env!("CARGO_PKG_VERSION")),
        );
    for (name, value) in headers {
        request = request.header(*name, value);
    }
    let request = request
        .body(Full::new(body))
        .map_err(|error| format!("cannot write the request: {error}"))?;
    let response = sender
        .send_request(request)
        .await
        .map_err(|error| format!("HTTP failed: {error}"))?;
    let status = response.status().as_u16();
    let mut body = response.into_body();
    let mut kept = Vec::new();
    let mut read = 0;
    loop {
        match timeout_at(deadline, body.frame()).await {
            Ok(Some(Ok(frame))) => {
                if let Some(data) = frame.data_ref() {
                    let room = KEPT_RESPONSE_BYTES - kept.len();
                    kept.extend_from_slice(&data[..data.len().min(room)]);
                    read += data.len();
                }
                if read > MAX_DRAINED_BYTES {
                    return Ok(Reply {
                        status,
                        body: kept,
                        reusable: false,
                    });
                }
            }
            // The whole body was read: the connection can carry the next request.
            Ok(None) => break,
            // The status is what counts; a body cut short or too slow does not undo it, but
            // the connection is not reused with a body left unread.
            Ok(Some(Err(_))) | Err(_) => {
                return Ok(Reply {
                    status,
                    body: kept,
                    reusable: false,
                })
            }
        }
    }
    Ok(Reply {
        status,
        body: kept,
        reusable: true,
    })
}
