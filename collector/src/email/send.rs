//! Sending survey emails over SMTP (`lettre`): `smtp://host[:port]` in plain text (port 25),
//! `smtp://host?tls=required` with STARTTLS (port 587), `smtps://host` over TLS (port 465),
//! with `user:password@` for authentication, which is refused without TLS (`smtps://` or
//! `tls=required`) unless the server is on this machine (a loopback address or `localhost`):
//! the password would cross the network in plain text. A message the server answers with a
//! temporary failure (4xx), or that meets a connection or TLS error, is tried again after each
//! of the delays; a permanent failure (5xx) is not.

use std::time::Duration;

use lettre::message::header::{Header, HeaderName, HeaderValue};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// Delays before the second and third tries of a message, in milliseconds (`email`'s default).
pub const RETRY_DELAYS_MS: [u64; 2] = [1000, 4000];

/// Longest wait for one SMTP command's answer.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(60);

/// An SMTP server to send through.
pub struct Sender {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    delays: Vec<Duration>,
}

/// Why a message was not sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// The server's or the connection's error, as said.
    pub message: String,
    /// How many times it was tried.
    pub tries: usize,
    /// Whether the server refused it for good (5xx), rather than for now or not at all.
    pub permanent: bool,
}

impl Sender {
    /// A sender through the server of `url` (see the module's forms), trying each message
    /// again after each of `delays`.
    pub fn new(url: &str, delays: Vec<Duration>) -> Result<Self, String> {
        check_url(url)?;
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|error| format!("--smtp: {error}"))?
            .timeout(Some(COMMAND_TIMEOUT))
            .build();
        Ok(Sender { transport, delays })
    }

    /// Sends `message`: `Ok` once the server has accepted it, else the last failure.
    pub async fn send(&self, message: &Message) -> Result<(), Failure> {
        let mut tries = 0;
        loop {
            tries += 1;
            let error = match self.transport.send(message.clone()).await {
                Ok(_) => return Ok(()),
                Err(error) => error,
            };
            let failure = Failure {
                message: error.to_string(),
                tries,
                permanent: error.is_permanent(),
            };
            match self.delays.get(tries - 1) {
                Some(delay) if !error.is_permanent() => {
                    tracing::warn!(%error, tries, "an email was not accepted; trying again");
                    tokio::time::sleep(*delay).await;
                }
                _ => return Err(failure),
            }
        }
    }
}

/// Refuses a server `url` that would log in without TLS to another machine: `user:password@`
/// with `smtp://` and no `tls=required` (`tls=opportunistic` falls back to plain text when the
/// server offers no STARTTLS), unless the host is a loopback address or `localhost`.
pub fn check_url(url: &str) -> Result<(), String> {
    let parsed = url::Url::parse(url).map_err(|error| format!("--smtp: {error}"))?;
    let logs_in = !parsed.username().is_empty() || parsed.password().is_some();
    let tls = parsed.scheme() == "smtps"
        || parsed
            .query_pairs()
            .any(|(key, value)| key == "tls" && value == "required");
    let local = match parsed.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        // An smtp: URL's IPv4 address is a name to the URL parser.
        Some(url::Host::Domain(name)) => {
            name.eq_ignore_ascii_case("localhost")
                || name
                    .parse::<std::net::Ipv4Addr>()
                    .is_ok_and(|ip| ip.is_loopback())
        }
        None => false,
    };
    if logs_in && !tls && !local {
        return Err("--smtp: a user name and password are sent only over TLS: say \
                    smtp://user:password@host?tls=required (STARTTLS) or smtps://user:password@host"
            .into());
    }
    Ok(())
}

/// `List-Unsubscribe: <URL>` (RFC 2369).
#[derive(Clone, Debug)]
pub struct ListUnsubscribe(pub String);

impl Header for ListUnsubscribe {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe")
    }

    fn parse(text: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(ListUnsubscribe(
            text.trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .into(),
        ))
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), format!("<{}>", self.0))
    }
}

/// `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058): mail clients may
/// unsubscribe with one POST to the `List-Unsubscribe` address.
#[derive(Clone, Debug)]
pub struct ListUnsubscribePost;

impl Header for ListUnsubscribePost {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe-Post")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(ListUnsubscribePost)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "List-Unsubscribe=One-Click".into())
    }
}

/// `Auto-Submitted: auto-generated` (RFC 3834): no vacation replies to a campaign.
#[derive(Clone, Debug)]
pub struct AutoSubmitted;

impl Header for AutoSubmitted {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Auto-Submitted")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(AutoSubmitted)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "auto-generated".into())
    }
}

#[cfg(test)]
mod tests {
    use super::check_url;

    #[test]
    fn a_password_goes_only_over_tls_or_to_this_machine() {
        for url in [
            "smtp://mail.example.com",
            "smtp://mail.example.com:2525",
            "smtp://user:secret@mail.example.com?tls=required",
            "smtps://user:secret@mail.example.com",
            "smtp://user:secret@127.0.0.1:2525",
            "smtp://user:secret@127.8.0.1",
            "smtp://user:secret@[::1]:25",
            "smtp://user:secret@LocalHost",
        ] {
            assert_eq!(check_url(url), Ok(()), "{url}");
        }
        for url in [
            "smtp://user:secret@mail.example.com",
            "smtp://user:secret@mail.example.com:587?tls=opportunistic",
            "smtp://user@mail.example.com",
            "smtp://user:secret@10.0.0.1",
            "smtp://user:secret@[2001:db8::1]",
            "smtp://user:secret@localhost.example.com",
        ] {
            let error = check_url(url).unwrap_err();
            assert!(error.starts_with("--smtp: "), "{url}: {error}");
            assert!(error.contains("tls=required"), "{url}: {error}");
        }
    }
}
