//! The request of one delivery attempt: a `POST` over HTTP/1.1 (TLS with the Mozilla roots for
//! `https`), to an address that [`address::resolve`](super::address::resolve) checked, on a
//! connection of its own. Redirects are answers like any other (not 2xx: not delivered), never
//! followed. Only the status and the first [`KEPT_RESPONSE_BYTES`] of the body are read.

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

use super::address::{Host, Target};

/// How much of a receiver's answer is kept with the attempt.
pub const KEPT_RESPONSE_BYTES: usize = 512;

/// What a receiver answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reply {
    /// The HTTP status.
    pub status: u16,
    /// The first [`KEPT_RESPONSE_BYTES`] of the body.
    pub body: Vec<u8>,
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

/// POSTs `body` with `headers` to `target` over a connection to the first of `addrs` that
/// accepts one. An error says why no answer came. The answer's body is read until `deadline`
/// at most: an answer whose status came in time counts even if its body is slow (the caller
/// bounds the rest of the exchange).
pub async fn post(
    target: &Target,
    addrs: &[SocketAddr],
    headers: &[(&'static str, String)],
    body: Vec<u8>,
    deadline: Instant,
) -> Result<Reply, String> {
    let stream = connect(addrs).await?;
    if !target.https {
        return exchange(stream, target, headers, body, deadline).await;
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
    exchange(stream, target, headers, body, deadline).await
}

async fn connect(addrs: &[SocketAddr]) -> Result<TcpStream, String> {
    let mut last = String::from("no address to connect to");
    for addr in addrs {
        match TcpStream::connect(addr).await {
            Ok(stream) => return Ok(stream),
            Err(error) => last = format!("cannot connect to {addr}: {error}"),
        }
    }
    Err(last)
}

/// Sends the request on `io` and reads the answer's status and first bytes.
async fn exchange<S>(
    io: S,
    target: &Target,
    headers: &[(&'static str, String)],
    body: Vec<u8>,
    deadline: Instant,
) -> Result<Reply, String>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let (mut sender, connection) = http1::handshake(TokioIo::new(io))
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
        .body(Full::new(Bytes::from(body)))
        .map_err(|error| format!("cannot write the request: {error}"))?;
    let exchange = async {
        let response = sender
            .send_request(request)
            .await
            .map_err(|error| format!("HTTP failed: {error}"))?;
        let status = response.status().as_u16();
        let mut body = response.into_body();
        let mut kept = Vec::new();
        while kept.len() < KEPT_RESPONSE_BYTES {
            match timeout_at(deadline, body.frame()).await.ok().flatten() {
                Some(Ok(frame)) => {
                    if let Some(data) = frame.data_ref() {
                        let room = KEPT_RESPONSE_BYTES - kept.len();
                        kept.extend_from_slice(&data[..data.len().min(room)]);
                    }
                }
                // The status is what counts; a body cut short does not undo it.
                Some(Err(_)) | None => break,
            }
        }
        Ok(Reply { status, body: kept })
    };
    // The connection is driven alongside the exchange and dropped (closed) after it.
    tokio::pin!(exchange, connection);
    tokio::select! {
        biased;
        reply = &mut exchange => reply,
        ended = &mut connection => match ended {
            Err(error) => Err(format!("HTTP failed: {error}")),
            Ok(()) => exchange.await,
        },
    }
}
