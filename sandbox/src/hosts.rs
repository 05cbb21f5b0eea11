//! Which `Host` names the server answers: the defence against DNS rebinding.
//!
//! A page on `http://evil.example:8787` whose name the attacker re-points at `127.0.0.1` is, for
//! the browser, same-origin with itself: its requests reach this server with `Origin` and `Host`
//! both `evil.example:8787`, so comparing the two (what `/proxy` does) proves nothing. What the
//! attacker cannot choose is a name this server was told about, so every request (the API, `/proxy`,
//! the `/sandbox/...` control endpoints and the static app alike) must name one in `Host`:
//!
//! - `localhost` or any IP address (`127.0.0.1`, `[::1]`, the listen address, a LAN address when
//!   bound to `0.0.0.0`) with the port the server really listens on (the one it printed). An IP
//!   literal cannot be rebound: a page whose origin is an address of this machine is this server's.
//! - a `--public-host` value: `HOST` matches that name on any port, `HOST:PORT` only with that port
//!   written out (what a browser sends for a reverse proxy or a second test name).
//!
//! Anything else is answered 421 Misdirected Request with the usual error envelope. A request with
//! no `Host` at all (no browser sends one) is answered: it names nothing that could be misdirected.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;

/// A `Host` value split into its lower-case name (IPv6 in brackets, no trailing dot) and port.
#[derive(Debug, Clone, PartialEq, Eq)]
struct HostPort {
    name: String,
    port: Option<u16>,
}

/// Parses `name`, `name:port`, `[v6]` or `[v6]:port`; `None` for anything else (user info, paths,
/// spaces, an empty name or port).
fn parse(value: &str) -> Option<HostPort> {
    if value.is_empty()
        || value
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "@/\\?#%".contains(c))
    {
        return None;
    }
    let (name, port) = if value.starts_with('[') {
        let (inside, rest) = value.split_once(']')?;
        let port = match rest {
            "" => None,
            _ => Some(rest.strip_prefix(':')?),
        };
        (format!("{inside}]"), port)
    } else {
        match value.split_once(':') {
            Some((name, port)) => (name.to_owned(), Some(port)),
            None => (value.to_owned(), None),
        }
    };
    let port = match port {
        None => None,
        Some(p) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => Some(p.parse().ok()?),
        Some(_) => return None,
    };
    let mut name = name.to_ascii_lowercase();
    if name.ends_with('.') {
        name.pop();
    }
    if name.is_empty() || (name.contains(':') && !name.starts_with('[')) {
        return None;
    }
    Some(HostPort { name, port })
}

/// Whether `name` (as [`parse`] leaves it) is an IP literal.
fn is_ip(name: &str) -> bool {
    let bare = name
        .strip_prefix('[')
        .and_then(|n| n.strip_suffix(']'))
        .unwrap_or(name);
    bare.parse::<IpAddr>().is_ok()
}

/// The names the server answers (see the module documentation).
#[derive(Debug, Clone)]
pub struct HostAllowList {
    port: u16,
    public: Vec<HostPort>,
}

impl HostAllowList {
    /// For a server bound to `bound` (the real address, after binding) with these `--public-host`
    /// values; `Err` names the first value that is not `HOST[:PORT]`.
    pub fn new(bound: SocketAddr, public_hosts: &[String]) -> Result<Self, String> {
        let public = public_hosts
            .iter()
            .map(|h| {
                parse(h.trim()).ok_or_else(|| {
                    format!(
                        "--public-host must be HOST or HOST:PORT (no scheme, no path), got {h:?}"
                    )
                })
            })
            .collect::<Result<_, _>>()?;
        Ok(Self {
            port: bound.port(),
            public,
        })
    }

    /// Whether a request whose `Host` header is `value` is answered.
    pub fn allows(&self, value: &str) -> bool {
        let Some(host) = parse(value) else {
            return false;
        };
        // No port written = the scheme's default; the sandbox speaks plain HTTP.
        let port = host.port.unwrap_or(80);
        if port == self.port && (host.name == "localhost" || is_ip(&host.name)) {
            return true;
        }
        self.public
            .iter()
            .any(|p| p.name == host.name && p.port.is_none_or(|want| host.port == Some(want)))
    }

    /// The 421 a refused request gets.
    fn refusal(&self, value: &str) -> ApiError {
        ApiError::Message(
            StatusCode::MISDIRECTED_REQUEST,
            format!(
                "This server does not answer for Host {value:?}: use localhost or an IP address with port {}, or start it with --public-host",
                self.port
            ),
        )
    }
}

/// Middleware: refuses (421) a request whose `Host` is not allowed.
pub async fn check_host(
    State(hosts): State<Arc<HostAllowList>>,
    req: Request,
    next: Next,
) -> Response {
    let value = match req.headers().get(header::HOST) {
        Some(v) => Some(String::from_utf8_lossy(v.as_bytes()).into_owned()),
        None => req.uri().authority().map(|a| a.as_str().to_owned()),
    };
    match value {
        Some(v) if !hosts.allows(&v) => hosts.refusal(&v).into_response(),
        _ => next.run(req).await,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::restriction)] // tests unwrap, index and panic
    use super::*;

    fn list(port: u16, public: &[&str]) -> HostAllowList {
        let public: Vec<String> = public.iter().map(|s| (*s).to_owned()).collect();
        HostAllowList::new(SocketAddr::from(([127, 0, 0, 1], port)), &public).unwrap()
    }

    #[test]
    fn parses_names_ports_and_brackets() {
        let hp = |name: &str, port: Option<u16>| {
            Some(HostPort {
                name: name.to_owned(),
                port,
            })
        };
        assert_eq!(parse("LocalHost:8787"), hp("localhost", Some(8787)));
        assert_eq!(parse("example.test."), hp("example.test", None));
        assert_eq!(parse("[::1]:80"), hp("[::1]", Some(80)));
        assert_eq!(parse("[::1]"), hp("[::1]", None));
        for bad in [
            "",
            ":80",
            "a:",
            "a:b",
            "a:99999",
            "a b",
            "evil@127.0.0.1",
            "a/b",
            "::1",
            "[::1]x",
            "[::1]:",
            "a:+1",
            "a%2e",
        ] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn loopback_names_and_ip_literals_on_the_bound_port() {
        let hosts = list(8787, &[]);
        for ok in [
            "127.0.0.1:8787",
            "localhost:8787",
            "LOCALHOST:8787",
            "localhost.:8787",
            "[::1]:8787",
            "[::ffff:127.0.0.1]:8787",
            "192.168.1.20:8787",
        ] {
            assert!(hosts.allows(ok), "{ok}");
        }
        for refused in [
            "evil.example:8787",
            "localhost:8788",
            "127.0.0.1",
            "127.0.0.1.nip.io:8787",
            "localhost.evil.example:8787",
            "evil@localhost:8787",
        ] {
            assert!(!hosts.allows(refused), "{refused}");
        }
        // Bound on port 80, a Host without a port means that port.
        assert!(list(80, &[]).allows("localhost"));
    }

    #[test]
    fn public_hosts_with_and_without_a_port() {
        let hosts = list(8787, &["inbox.test", "Pinned.Test:9000"]);
        assert!(hosts.allows("inbox.test"));
        assert!(hosts.allows("inbox.test:1234"));
        assert!(hosts.allows("pinned.test:9000"));
        assert!(!hosts.allows("pinned.test"));
        assert!(!hosts.allows("pinned.test:8787"));
        assert!(!hosts.allows("sub.inbox.test"));
        let bound = SocketAddr::from(([127, 0, 0, 1], 1));
        for bad in ["http://x.test", "x.test/a", "", "x.test:"] {
            assert!(
                HostAllowList::new(bound, &[bad.to_owned()]).is_err(),
                "{bad}"
            );
        }
    }
}
