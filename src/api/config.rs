//! [`ClientConfig`]: where the API is, how to authenticate, and as which operator to act.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use thiserror::Error;

use super::assumptions::HISTORY_ID_PLACEHOLDER;
use super::ids::OperatorId;
use super::url::{has_bad_chars, is_absolute_http};

/// The account's API token. Its `Debug` and `Display` print `Token(***)`; it is never serialised
/// and only ever leaves this crate in the `Authentication` header.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    /// Wraps a secret token.
    #[must_use]
    pub fn new(secret: impl Into<String>) -> Self {
        Self(secret.into())
    }

    /// The raw secret, for the `Authentication` header only.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }

    /// `true` when the token is empty (nothing to send).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(***)")
    }
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(***)")
    }
}

/// A boxed, non-`Send` future (what wasm futures are).
pub type LocalBoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + 'a>>;

/// How a token provider's own failure begins (a throw, a rejection, a wrong answer, no answer in
/// time): the session reports these to the host as `error`, besides asking for a new token.
pub const PROVIDER_FAILED: &str = "tokenProvider";

/// An async function that yields a (fresh) token; called again after a 401.
pub type TokenProvider = Rc<dyn Fn() -> LocalBoxFuture<'static, Result<Token, String>>>;

/// Where the token comes from.
#[derive(Clone, Default)]
pub enum TokenSource {
    /// No token: a same-origin proxy adds the `Authentication` header.
    #[default]
    None,
    /// A fixed token (e.g. `element.token = …`).
    Fixed(Token),
    /// An async provider (e.g. the host's `tokenProvider`), asked once and again after a 401.
    Provider(TokenProvider),
}

impl fmt::Debug for TokenSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::None => f.write_str("None"),
            Self::Fixed(t) => write!(f, "Fixed({t:?})"),
            Self::Provider(_) => f.write_str("Provider(..)"),
        }
    }
}

impl TokenSource {
    /// The same source: none for both, the same fixed token, or the very same provider.
    #[must_use]
    pub fn same_as(&self, other: &Self) -> bool {
        match (self, other) {
            (Self::None, Self::None) => true,
            (Self::Fixed(a), Self::Fixed(b)) => a == b,
            (Self::Provider(a), Self::Provider(b)) => Rc::ptr_eq(a, b),
            _ => false,
        }
    }
}

/// A configuration that cannot work.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum ConfigError {
    /// The base URL is neither an absolute `http(s)://host…` URL nor a same-origin path (`/proxy`).
    #[error(
        "base URL `{0}` must start with http:// or https:// (or be a same-origin path like /proxy)"
    )]
    BaseUrl(String),
    /// The history URL template is not usable.
    #[error("history URL `{0}` must contain {{id}} and be a path or an http(s) URL")]
    HistoryUrl(String),
    /// The events URL is not usable.
    #[error("events URL `{0}` must be a path or an http(s) URL")]
    EventsUrl(String),
    /// The timeout is zero.
    #[error("the request timeout must be more than 0 ms")]
    Timeout,
}

/// Everything a [`Client`](super::Client) needs. Passed in at mount; never global.
#[derive(Clone, Debug)]
pub struct ClientConfig {
    /// Absolute `http(s)` URL (`https://app.blinger.io`) or a same-origin path (`/proxy`),
    /// without a trailing `/` once validated.
    pub base_url: String,
    /// Where the token comes from.
    pub token: TokenSource,
    /// The operator to act as (`operator_id` of requests); `None` = the account owner.
    pub operator_id: Option<OperatorId>,
    /// Per-request timeout in milliseconds (default 15 000).
    pub timeout_ms: u32,
    /// Optional history URL template with `{id}`: absolute, or a path relative to `base_url`.
    pub history_url: Option<String>,
    /// Optional address of the gateway's event stream (`/gateway/events`): absolute, or a path
    /// relative to `base_url`. The token goes with it only when it lies under `base_url`.
    pub events_url: Option<String>,
}

/// Default per-request timeout.
pub const DEFAULT_TIMEOUT_MS: u32 = 15_000;

impl ClientConfig {
    /// A configuration with the default timeout, no operator and no history URL.
    #[must_use]
    pub fn new(base_url: impl Into<String>, token: TokenSource) -> Self {
        Self {
            base_url: base_url.into(),
            token,
            operator_id: None,
            timeout_ms: DEFAULT_TIMEOUT_MS,
            history_url: None,
            events_url: None,
        }
    }

    /// Sets the operator to act as.
    #[must_use]
    pub fn with_operator(mut self, operator_id: Option<OperatorId>) -> Self {
        self.operator_id = operator_id;
        self
    }

    /// Sets the per-request timeout.
    #[must_use]
    pub fn with_timeout_ms(mut self, timeout_ms: u32) -> Self {
        self.timeout_ms = timeout_ms;
        self
    }

    /// Sets the history URL template (must contain `{id}`).
    #[must_use]
    pub fn with_history_url(mut self, template: Option<String>) -> Self {
        self.history_url = template;
        self
    }

    /// Sets the event stream's address (`/gateway/events`).
    #[must_use]
    pub fn with_events_url(mut self, url: Option<String>) -> Self {
        self.events_url = url;
        self
    }

    /// Whether a client made from `other` talks to the same server, as the same operator, in the
    /// same way: a session bound to one can keep running when the configuration becomes the
    /// other (only options outside the client changed).
    #[must_use]
    pub fn same_client(&self, other: &Self) -> bool {
        self.base_url == other.base_url
            && self.operator_id == other.operator_id
            && self.timeout_ms == other.timeout_ms
            && self.history_url == other.history_url
            && self.events_url == other.events_url
            && self.token.same_as(&other.token)
    }

    /// `path` (which starts with `/`) under the base URL.
    #[must_use]
    pub fn url_for(&self, path: &str) -> String {
        format!("{}{path}", self.base_url.trim_end_matches('/'))
    }

    /// Checks the configuration and normalises it (trailing `/` stripped, blanks trimmed).
    ///
    /// # Errors
    /// [`ConfigError`] naming what is wrong.
    pub fn validated(mut self) -> Result<Self, ConfigError> {
        let base = self.base_url.trim();
        if !is_valid_base(base) {
            return Err(ConfigError::BaseUrl(self.base_url.clone()));
        }
        // `/` (this origin's root) stays `/`: validating again must accept what this gave.
        let trimmed = base.trim_end_matches('/');
        self.base_url = if trimmed.is_empty() { "/" } else { trimmed }.to_owned();
        if self.timeout_ms == 0 {
            return Err(ConfigError::Timeout);
        }
        if let Some(t) = self.history_url.take() {
            let t = t.trim().to_owned();
            if t.is_empty() {
                self.history_url = None;
            } else {
                if !t.contains(HISTORY_ID_PLACEHOLDER) || !url_shape_ok(&t) || has_bad_chars(&t) {
                    return Err(ConfigError::HistoryUrl(t));
                }
                self.history_url = Some(t);
            }
        }
        if let Some(u) = self.events_url.take() {
            let u = u.trim().to_owned();
            if !u.is_empty() {
                if !url_shape_ok(&u) || has_bad_chars(&u) || u.contains('#') {
                    return Err(ConfigError::EventsUrl(u));
                }
                self.events_url = Some(u);
            }
        }
        Ok(self)
    }
}

/// A same-origin path (not protocol-relative) or an absolute http(s) URL.
fn url_shape_ok(s: &str) -> bool {
    !s.contains('\\') && (s.starts_with('/') && !s.starts_with("//") || is_absolute_http(s))
}

fn is_valid_base(s: &str) -> bool {
    // Browsers read `\` as `/` in http(s) URLs, so `/\evil.example` would be protocol-relative.
    if s.contains(['?', '#', '\\']) || has_bad_chars(s) {
        return false;
    }
    if s.starts_with('/') {
        return !s.starts_with("//");
    }
    is_absolute_http(s)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::restriction)]

    use super::*;

    #[test]
    fn a_backslash_never_makes_an_address_protocol_relative() {
        for bad in [
            "/\\evil.example",
            "\\\\evil.example",
            "/proxy\\..\\x",
            "https://ok.example\\@evil",
        ] {
            let r = ClientConfig::new(bad, TokenSource::None).validated();
            assert!(matches!(r, Err(ConfigError::BaseUrl(_))), "{bad}");
            let h = ClientConfig::new("/p", TokenSource::None)
                .with_history_url(Some(format!("{bad}/{{id}}")))
                .validated();
            assert!(matches!(h, Err(ConfigError::HistoryUrl(_))), "{bad}");
            let e = ClientConfig::new("/p", TokenSource::None)
                .with_events_url(Some(format!("{bad}/events")))
                .validated();
            assert!(matches!(e, Err(ConfigError::EventsUrl(_))), "{bad}");
        }
        assert!(
            ClientConfig::new("/proxy", TokenSource::None)
                .validated()
                .is_ok()
        );
    }

    #[test]
    fn an_events_url_is_a_path_or_an_http_url_and_blank_is_none() {
        let events = |u: &str| {
            ClientConfig::new("/", TokenSource::None)
                .with_events_url(Some(u.to_owned()))
                .validated()
                .map(|c| c.events_url)
        };
        assert_eq!(
            events(" /gateway/events "),
            Ok(Some("/gateway/events".to_owned()))
        );
        assert_eq!(
            events("https://gw.example/gateway/events?x=1"),
            Ok(Some("https://gw.example/gateway/events?x=1".to_owned()))
        );
        assert_eq!(events("  "), Ok(None));
        for bad in [
            "javascript:alert(1)",
            "//evil.example/e",
            "gateway/events",
            "/e#x",
        ] {
            assert!(
                matches!(events(bad), Err(ConfigError::EventsUrl(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn the_origin_root_is_a_base_and_validating_twice_accepts_it() {
        for (given, base, api) in [
            ("/", "/", "/api/x"),
            ("//", "//", ""),
            ("/proxy/", "/proxy", "/proxy/api/x"),
            (
                "https://a.example/",
                "https://a.example",
                "https://a.example/api/x",
            ),
        ] {
            let once = ClientConfig::new(given, TokenSource::None).validated();
            if api.is_empty() {
                assert!(once.is_err(), "{given}");
                continue;
            }
            let once = once.unwrap();
            assert_eq!(once.base_url, base);
            assert_eq!(once.url_for("/api/x"), api);
            let twice = once.clone().validated().unwrap();
            assert_eq!(twice.base_url, base, "{given}");
        }
    }
}
