//! Which addresses a hook may reach. A hook URL is `http` or `https` with a host; without
//! `--allow-private-hooks`, none of the addresses the collector would connect to may be private,
//! loopback, link-local, unique-local, unspecified, multicast or otherwise not on the public
//! internet, however it is spelled (`2130706433`, `0x7f.1`, `[::ffff:127.0.0.1]`). The check
//! runs when a hook is created or its URL changed, and again at each delivery after DNS, and
//! the delivery connects to the checked address itself: a name that resolved to a public
//! address a moment ago cannot be switched to a private one in between.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use axum::http::Uri;

/// Most characters in a hook URL.
pub const MAX_URL_CHARS: usize = 2048;

/// A hook URL, read for connecting.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// `https` rather than `http`.
    pub https: bool,
    /// The host: an address (in any spelling, read here) or a name to resolve.
    pub host: Host,
    /// The port, the scheme's when the URL has none.
    pub port: u16,
    /// The request's `Host` header: the host as written, and the port when the URL has one.
    pub authority: String,
    /// The path and query (`/` when the URL has none).
    pub path: String,
}

/// The host of a [`Target`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Host {
    /// An address.
    Ip(IpAddr),
    /// A DNS name, lowercase, without a trailing dot.
    Name(String),
}

/// Reads a hook URL, or says what is wrong with it.
pub fn parse(url: &str) -> Result<Target, String> {
    if url.chars().count() > MAX_URL_CHARS {
        return Err(format!("url has at most {MAX_URL_CHARS} characters"));
    }
    let not_a_url = || "url must be an absolute http:// or https:// URL".to_owned();
    let uri: Uri = url.parse().map_err(|_| not_a_url())?;
    let https = match uri.scheme_str() {
        Some("https") => true,
        Some("http") => false,
        Some(_) => return Err("url must use http or https".into()),
        None => return Err(not_a_url()),
    };
    let authority = uri.authority().ok_or_else(not_a_url)?;
    if authority.as_str().contains('@') {
        return Err("url must not contain a user name or password".into());
    }
    if url.contains('#') {
        return Err("url must not have a fragment".into());
    }
    let written = authority.host();
    let host = match written.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        Some(inner) => {
            Host::Ip(IpAddr::V6(inner.parse().map_err(|_| {
                format!("url's host {written} is not an IPv6 address")
            })?))
        }
        None => read_host(written)?,
    };
    Ok(Target {
        https,
        host,
        port: uri.port_u16().unwrap_or(if https { 443 } else { 80 }),
        authority: authority.as_str().to_owned(),
        path: uri.path_and_query().map_or("/", |p| p.as_str()).to_owned(),
    })
}

/// A host that is not in brackets: an IPv4 address in any spelling `inet_aton` accepts (one to
/// four dot-separated numbers, each decimal, octal with a leading `0` or hex with `0x`), or a
/// DNS name. As in the WHATWG URL standard, a host whose last label is a number must be an
/// address, so `1.2.3.4.5` is refused rather than looked up.
fn read_host(written: &str) -> Result<Host, String> {
    let host = written.to_ascii_lowercase();
    let host = host.strip_suffix('.').unwrap_or(&host);
    if let Some(ip) = loose_ipv4(host) {
        return Ok(Host::Ip(IpAddr::V4(ip)));
    }
    let last = host.rsplit('.').next().unwrap_or_default();
    if number(last).is_some() || last.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("url's host {written} is not a valid address"));
    }
    let label_ok = |label: &str| {
        !label.is_empty()
            && label.len() <= 63
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    if host.is_empty() || host.len() > 253 || !host.split('.').all(label_ok) {
        return Err(format!("url's host {written} is not a valid host name"));
    }
    Ok(Host::Name(host.to_owned()))
}

/// One part of a loose IPv4 address: decimal, octal (leading `0`) or hex (`0x`).
fn number(part: &str) -> Option<u64> {
    let (digits, radix) = if let Some(hex) = part.strip_prefix("0x") {
        (hex, 16)
    } else if part.len() > 1 && part.starts_with('0') {
        (&part[1..], 8)
    } else {
        (part, 10)
    };
    if digits.is_empty() || digits.len() > 12 || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u64::from_str_radix(digits, radix).ok()
}

/// An IPv4 address as `inet_aton` reads it: `a.b.c.d`, `a.b.c` (c fills 16 bits), `a.b`
/// (b fills 24 bits) or `a` (32 bits).
fn loose_ipv4(host: &str) -> Option<Ipv4Addr> {
    let parts: Vec<u64> = host.split('.').map(number).collect::<Option<_>>()?;
    let (last, leading) = parts.split_last()?;
    if leading.len() > 3 || leading.iter().any(|&part| part > 255) {
        return None;
    }
    let last_bits = 8 * (4 - leading.len() as u32);
    if *last >= 1u64 << last_bits {
        return None;
    }
    let value = leading
        .iter()
        .enumerate()
        .fold(*last, |value, (at, &part)| {
            value | part << (24 - 8 * at as u32)
        });
    Some(Ipv4Addr::from(value as u32))
}

/// Why `ip` is not an address on the public internet; `None` when it is one.
pub fn not_public(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(ip) => not_public_v4(ip),
        IpAddr::V6(ip) => not_public_v6(ip),
    }
}

fn not_public_v4(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, c, _] = ip.octets();
    Some(match (a, b, c) {
        (0, _, _) => "unspecified",
        (127, _, _) => "loopback",
        (10, _, _) | (172, 16..=31, _) | (192, 168, _) => "private",
        (100, 64..=127, _) => "shared (carrier-grade NAT)",
        (169, 254, _) => "link-local",
        (224..=239, _, _) => "multicast",
        (240..=255, _, _) => "reserved",
        (192, 0, 0) | (192, 0, 2) | (198, 51, 100) | (203, 0, 113) | (198, 18..=19, _) => {
            "reserved"
        }
        _ => return None,
    })
}

fn not_public_v6(ip: Ipv6Addr) -> Option<&'static str> {
    let segments = ip.segments();
    let embedded_v4 = |high: u16, low: u16| Ipv4Addr::from((high as u32) << 16 | low as u32);
    if ip.is_unspecified() {
        return Some("unspecified");
    }
    if ip.is_loopback() {
        return Some("loopback");
    }
    // IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible (::a.b.c.d) addresses reach the IPv4
    // address inside them.
    if segments[..5] == [0; 5] && (segments[5] == 0xffff || segments[5] == 0) {
        return not_public_v4(embedded_v4(segments[6], segments[7]));
    }
    Some(match segments[0] {
        // NAT64 (64:ff9b::/96) reaches the IPv4 address in its last 32 bits; its local-use
        // prefix (64:ff9b:1::/48) is a network's own.
        0x64 if segments[1] == 0xff9b && segments[2..6] == [0; 4] => {
            return not_public_v4(embedded_v4(segments[6], segments[7]));
        }
        0x64 if segments[1] == 0xff9b && segments[2] == 1 => "private",
        // 6to4 (2002::/16) reaches the IPv4 address in bits 16 to 48.
        0x2002 => return not_public_v4(embedded_v4(segments[1], segments[2])),
        // Teredo hides an IPv4 address; documentation addresses lead nowhere.
        0x2001 if segments[1] == 0 => "tunnelled (Teredo)",
        0x2001 if segments[1] == 0xdb8 => "reserved",
        0x0100 if segments[1..4] == [0; 3] => "reserved",
        s if s & 0xfe00 == 0xfc00 => "unique-local",
        s if s & 0xffc0 == 0xfe80 => "link-local",
        s if s & 0xffc0 == 0xfec0 => "site-local",
        s if s & 0xff00 == 0xff00 => "multicast",
        _ => return None,
    })
}

/// Refuses `ip` unless it is public (or `allow_private`), saying which address of `host` it is.
fn check(host: &str, ip: IpAddr, allow_private: bool) -> Result<(), String> {
    match not_public(ip) {
        Some(why) if !allow_private => {
            // Of the reasons, only this one is said with "an" ("a unique-local address").
            let a = if why == "unspecified" { "an" } else { "a" };
            Err(if host == ip.to_string() {
                format!("url's host {ip} is {a} {why} address (see --allow-private-hooks)")
            } else {
                format!("url's host {host} is {ip}, {a} {why} address (see --allow-private-hooks)")
            })
        }
        _ => Ok(()),
    }
}

/// The addresses to connect to for `target`: the host's own, or those its name resolves to
/// now, keeping only public ones unless `allow_private`. An error when none is left or the
/// name does not resolve.
pub async fn resolve(target: &Target, allow_private: bool) -> Result<Vec<SocketAddr>, String> {
    let name = match &target.host {
        Host::Ip(ip) => {
            check(&ip.to_string(), *ip, allow_private)?;
            return Ok(vec![SocketAddr::new(*ip, target.port)]);
        }
        Host::Name(name) => name,
    };
    let resolved: Vec<SocketAddr> = tokio::net::lookup_host((name.as_str(), target.port))
        .await
        .map_err(|error| format!("url's host {name} does not resolve: {error}"))?
        .collect();
    let mut refused = None;
    let allowed: Vec<SocketAddr> = resolved
        .into_iter()
        .filter(|addr| match check(name, addr.ip(), allow_private) {
            Ok(()) => true,
            Err(why) => {
                refused.get_or_insert(why);
                false
            }
        })
        .collect();
    if allowed.is_empty() {
        return Err(refused.unwrap_or_else(|| format!("url's host {name} has no address")));
    }
    Ok(allowed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn every_spelling_of_an_address_is_read() {
        for (url, expected) in [
            ("http://127.0.0.1/", "127.0.0.1"),
            ("http://2130706433/", "127.0.0.1"),
            ("http://0x7f.1/", "127.0.0.1"),
            ("http://0x7F000001/", "127.0.0.1"),
            ("http://017700000001/", "127.0.0.1"),
            ("http://0177.0.0.01/", "127.0.0.1"),
            ("http://127.1/", "127.0.0.1"),
            ("http://127.0.1/", "127.0.0.1"),
            ("http://127.0.0.1./", "127.0.0.1"),
            ("http://10.0.0.1:8080/x", "10.0.0.1"),
            ("http://[::1]/", "::1"),
            ("http://[::ffff:127.0.0.1]/", "::ffff:127.0.0.1"),
            ("http://[::ffff:7f00:1]/", "::ffff:127.0.0.1"),
            ("https://93.184.215.14/", "93.184.215.14"),
        ] {
            let target = parse(url).unwrap_or_else(|e| panic!("{url}: {e}"));
            assert_eq!(target.host, Host::Ip(ip(expected)), "{url}");
        }
    }

    #[test]
    fn urls_are_read_for_connecting() {
        let target = parse("https://Hooks.Slack.com/services/T0/B0/x?y=1").unwrap();
        assert_eq!(
            target,
            Target {
                https: true,
                host: Host::Name("hooks.slack.com".into()),
                port: 443,
                authority: "Hooks.Slack.com".into(),
                path: "/services/T0/B0/x?y=1".into(),
            }
        );
        let target = parse("http://127.0.0.1:9000").unwrap();
        assert_eq!((target.port, target.path.as_str()), (9000, "/"));
        assert_eq!(target.authority, "127.0.0.1:9000");
        for bad in [
            "",
            "hooks.slack.com/x",
            "/relative",
            "ftp://example.com/",
            "file:///etc/passwd",
            "gopher://example.com/",
            "http://user:pass@example.com/",
            "http://example.com/#frag",
            "http://1.2.3.4.5/",
            "http://256.1.1.1/",
            "http://0x1ffffffff/",
            "http://example.0x7f/",
            "http://example.123/",
            "http://[fe80::1%25eth0]/",
            "http://exa mple.com/",
            "http://%31%32%37.0.0.1/",
        ] {
            assert!(parse(bad).is_err(), "{bad:?} was accepted");
        }
        assert!(parse(&format!(
            "https://example.com/{}",
            "a".repeat(MAX_URL_CHARS)
        ))
        .is_err());
    }

    #[test]
    fn only_public_addresses_pass() {
        for private in [
            "0.0.0.0",
            "0.1.2.3",
            "127.0.0.1",
            "127.255.0.9",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "100.64.0.1",
            "169.254.169.254",
            "224.0.0.1",
            "239.255.255.250",
            "255.255.255.255",
            "240.0.0.1",
            "198.18.0.1",
            "::",
            "::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "::ffff:169.254.169.254",
            "::127.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "64:ff9b:1::1",
            "2002:7f00:1::",
            "2001:0:4136:e378:8000:63bf:3fff:fdd2",
            "2001:db8::1",
            "fe80::1",
            "febf::1",
            "fec0::1",
            "fc00::1",
            "fd12:3456::1",
            "ff02::1",
        ] {
            assert!(not_public(ip(private)).is_some(), "{private} passed");
        }
        for public in [
            "93.184.215.14",
            "8.8.8.8",
            "172.32.0.1",
            "100.128.0.1",
            "2606:4700:4700::1111",
            "::ffff:8.8.8.8",
            "64:ff9b::808:808",
            "2002:808:808::",
        ] {
            assert_eq!(not_public(ip(public)), None, "{public} refused");
        }
        assert_eq!(not_public(ip("127.0.0.1")), Some("loopback"));
        assert_eq!(not_public(ip("::ffff:192.168.0.1")), Some("private"));
        assert_eq!(
            check("0.0.0.0", ip("0.0.0.0"), false).unwrap_err(),
            "url's host 0.0.0.0 is an unspecified address (see --allow-private-hooks)"
        );
        assert_eq!(
            check("fd00::1", ip("fd00::1"), false).unwrap_err(),
            "url's host fd00::1 is a unique-local address (see --allow-private-hooks)"
        );
        assert_eq!(
            check("nodes.internal", ip("10.0.0.7"), false).unwrap_err(),
            "url's host nodes.internal is 10.0.0.7, a private address (see --allow-private-hooks)"
        );
    }

    #[tokio::test]
    async fn resolving_keeps_public_addresses_unless_private_ones_are_allowed() {
        for url in [
            "http://2130706433:8080/",
            "http://0x7f.1/",
            "http://[::ffff:127.0.0.1]/",
            "http://localhost/",
            "http://[::]/",
        ] {
            let target = parse(url).unwrap();
            let error = resolve(&target, false).await.expect_err(url);
            assert!(error.contains("--allow-private-hooks"), "{url}: {error}");
        }
        let target = parse("http://0x7f.1:9/").unwrap();
        assert_eq!(
            resolve(&target, true).await.unwrap(),
            ["127.0.0.1:9".parse::<SocketAddr>().unwrap()]
        );
        let target = parse("http://localhost:9/").unwrap();
        let addrs = resolve(&target, true).await.unwrap();
        assert!(addrs.iter().all(|a| a.ip().is_loopback()), "{addrs:?}");
    }
}
