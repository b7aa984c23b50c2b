//! The collector's TCP edge: accepts connections and serves the router over HTTP/1.1 with
//! timeouts, a cap on open connections and a bounded graceful shutdown.

use std::time::Duration;

/// How long a client may take and how many may be connected at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// Time a connection has to deliver a complete request head, counted from when it is ready
    /// for one (just accepted, or done with its previous response).
    pub header_timeout: Duration,
    /// A connection with no request being handled and no byte moving for this long is closed.
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
