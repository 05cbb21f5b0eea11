//! Fault injection (`--faults`): make the next N requests to a path fail, slow down, or answer
//! garbage; and count requests per path. Control endpoints answer loopback peers only.

use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::body::ApiRequest;
use crate::error::{ApiError, ApiResult, ok};

/// The body a fault answers with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum FaultBody {
    /// The normal error envelope.
    #[default]
    Json,
    /// The first half of a valid envelope.
    Truncated,
    /// An HTML error page (`text/html`).
    Html,
    /// No body at all.
    Empty,
    /// `{"status":200,"data":[{"id":"x"` with a JSON content type.
    Malformed,
}

/// One armed fault, as posted to `POST /sandbox/faults`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultSpec {
    /// Exact request path (canonical: without `/proxy`).
    pub path: String,
    /// How many requests it hits.
    #[serde(default = "one")]
    pub count: u32,
    /// Status to answer with; absent = pass through (a pure delay), or 200 for `malformed`.
    #[serde(default)]
    pub status: Option<u16>,
    /// Delay before anything else.
    #[serde(default)]
    pub delay_ms: u64,
    /// Body kind; absent = `json` when a status is given.
    #[serde(default)]
    pub body: Option<FaultBody>,
    /// `Retry-After` seconds.
    #[serde(default)]
    pub retry_after: Option<u64>,
    /// Run the real handler first (its effect stays), then replace its answer.
    #[serde(default)]
    pub apply: bool,
    /// The `error` text of a `json` (or `truncated`) envelope; default `Injected fault (N)`.
    /// Lets tests put hostile server error strings in front of the client.
    #[serde(default)]
    pub error: Option<String>,
}

fn one() -> u32 {
    1
}

impl FaultSpec {
    fn validate(&self) -> Result<(), ApiError> {
        let mut errors = BTreeMap::new();
        if !self.path.starts_with('/') || self.path.len() > 512 {
            errors.insert(
                "path".to_owned(),
                "path must be an absolute path like /api/conversations/get".to_owned(),
            );
        }
        if self.count == 0 || self.count > 100_000 {
            errors.insert(
                "count".to_owned(),
                "count must be between 1 and 100000".to_owned(),
            );
        }
        if let Some(s) = self.status
            && !(200..=599).contains(&s)
        {
            errors.insert(
                "status".to_owned(),
                "status must be between 200 and 599".to_owned(),
            );
        }
        if self.delay_ms > 120_000 {
            errors.insert(
                "delay_ms".to_owned(),
                "delay_ms must be at most 120000".to_owned(),
            );
        }
        if self.error.as_ref().is_some_and(|e| e.len() > 10_000) {
            errors.insert(
                "error".to_owned(),
                "error must be at most 10000 bytes".to_owned(),
            );
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(ApiError::Fields(errors))
        }
    }

    /// Whether the response is replaced (otherwise the fault is only a delay).
    fn replaces_response(&self) -> bool {
        self.status.is_some() || self.body.is_some()
    }

    /// The replacement response.
    pub fn response(&self) -> Response {
        let kind = self.body.unwrap_or_default();
        let status = self.status.unwrap_or(match kind {
            FaultBody::Malformed => 200,
            _ => 503,
        });
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
        let message = self
            .error
            .clone()
            .unwrap_or_else(|| format!("Injected fault ({})", status.as_u16()));
        let envelope = json!({"status": status.as_u16(), "error": message}).to_string();
        let (content_type, body): (Option<&str>, String) = match kind {
            FaultBody::Json => (Some("application/json"), envelope),
            FaultBody::Truncated => {
                let half = envelope.len() / 2;
                (
                    Some("application/json"),
                    envelope.get(..half).unwrap_or("").to_owned(),
                )
            }
            FaultBody::Html => (
                Some("text/html; charset=utf-8"),
                format!(
                    "<!DOCTYPE html><html><head><title>{0} Error</title></head><body><h1>{0} Error</h1><p>nginx</p></body></html>",
                    status.as_u16()
                ),
            ),
            FaultBody::Empty => (None, String::new()),
            FaultBody::Malformed => (
                Some("application/json"),
                r#"{"status":200,"data":[{"id":"x""#.to_owned(),
            ),
        };
        let mut response = Response::new(Body::from(body));
        *response.status_mut() = status;
        if let Some(ct) = content_type {
            response
                .headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static(ct));
        }
        if let Some(secs) = self.retry_after
            && let Ok(v) = HeaderValue::from_str(&secs.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
        response
    }
}

#[derive(Debug, Clone, Serialize)]
struct Armed {
    #[serde(flatten)]
    spec: FaultSpec,
    remaining: u32,
}

/// Armed faults and request counters.
#[derive(Debug, Default)]
pub struct Faults {
    armed: Mutex<Vec<Armed>>,
    /// At most [`MAX_COUNTED_PATHS`] paths plus [`OTHER_PATHS`] (see [`Faults::count`]).
    counts: Mutex<BTreeMap<String, u64>>,
}

/// How many distinct paths `/sandbox/requests` counts one by one (until its `DELETE`).
pub const MAX_COUNTED_PATHS: usize = 1000;

/// Longest path counted under its own name (the longest path a fault may name).
pub const MAX_COUNTED_PATH_LEN: usize = 512;

/// The one key every other request is counted under once the map is full, or when its path is
/// too long. Not a path (no leading `/`), so it cannot collide with one.
pub const OTHER_PATHS: &str = "(other)";

/// Paths of the control endpoints (neither counted nor faultable).
const CONTROL_PATHS: &[&str] = &["/sandbox/faults", "/sandbox/requests", "/sandbox/fixtures"];

impl Faults {
    /// Arms a fault.
    pub fn arm(&self, spec: FaultSpec) {
        let remaining = spec.count;
        self.armed
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(Armed { spec, remaining });
    }

    /// Takes one use of the first fault armed for `path`.
    pub fn take(&self, path: &str) -> Option<FaultSpec> {
        let mut armed = self.armed.lock().unwrap_or_else(PoisonError::into_inner);
        let index = armed
            .iter()
            .position(|a| a.spec.path == path && a.remaining > 0)?;
        let entry = armed.get_mut(index)?;
        entry.remaining -= 1;
        let spec = entry.spec.clone();
        if entry.remaining == 0 {
            armed.remove(index);
        }
        Some(spec)
    }

    /// Counts a request to `path`. The map is bounded (every request to a random 404 path used to
    /// add a key): a path already counted keeps counting exactly, a new one gets its own key while
    /// fewer than [`MAX_COUNTED_PATHS`] are counted, and everything else goes to the saturating
    /// [`OTHER_PATHS`] bucket. A bucket rather than evicting the oldest: the counts a test reads
    /// (usually of paths it used early) never silently restart.
    fn count(&self, path: &str) {
        let mut counts = self.counts.lock().unwrap_or_else(PoisonError::into_inner);
        let own_key = path.len() <= MAX_COUNTED_PATH_LEN
            && (counts.contains_key(path) || counts.len() < MAX_COUNTED_PATHS);
        let key = if own_key { path } else { OTHER_PATHS };
        let n = counts.entry(key.to_owned()).or_insert(0);
        *n = n.saturating_add(1);
    }
}

/// Whether a peer may use the control endpoints.
pub fn is_loopback(peer: Option<SocketAddr>) -> bool {
    match peer.map(|p| p.ip()) {
        Some(IpAddr::V4(ip)) => ip.is_loopback(),
        Some(IpAddr::V6(ip)) => {
            ip.is_loopback() || ip.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
        None => false,
    }
}

/// Middleware: counts the request and applies an armed fault for its path.
pub async fn fault_layer(State(faults): State<Arc<Faults>>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    if req.method() == Method::OPTIONS || CONTROL_PATHS.contains(&path.as_str()) {
        return next.run(req).await;
    }
    faults.count(&path);
    let Some(spec) = faults.take(&path) else {
        return next.run(req).await;
    };
    if spec.apply {
        // The request takes effect first: a client that gives up during the delay (its
        // timeout) must still find the action done, as with a real server whose answer is lost.
        let real = next.run(req).await;
        if spec.delay_ms > 0 {
            tokio::time::sleep(Duration::from_millis(spec.delay_ms)).await;
        }
        return if spec.replaces_response() {
            spec.response()
        } else {
            real
        };
    }
    if spec.delay_ms > 0 {
        tokio::time::sleep(Duration::from_millis(spec.delay_ms)).await;
    }
    if !spec.replaces_response() {
        return next.run(req).await;
    }
    spec.response()
}

/// The connecting peer's address, when the server recorded it.
#[derive(Debug, Clone, Copy)]
pub struct Peer(pub Option<SocketAddr>);

impl<S: Send + Sync> FromRequestParts<S> for Peer {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|ConnectInfo(addr)| *addr),
        ))
    }
}

pub(crate) fn forbid_remote(peer: Option<SocketAddr>) -> Result<(), ApiError> {
    if is_loopback(peer) {
        Ok(())
    } else {
        Err(ApiError::Message(
            StatusCode::FORBIDDEN,
            "The fault-injection endpoints answer loopback clients only".to_owned(),
        ))
    }
}

/// `POST /sandbox/faults`.
pub async fn post_faults(
    State(faults): State<Arc<Faults>>,
    Peer(peer): Peer,
    req: ApiRequest,
) -> ApiResult {
    forbid_remote(peer)?;
    let body = req.body?;
    let spec: FaultSpec = serde_json::from_slice(&body)
        .map_err(|e| ApiError::bad_request(format!("Invalid fault: {e}")))?;
    spec.validate()?;
    faults.arm(spec.clone());
    Ok(ok(spec))
}

/// `GET /sandbox/faults`.
pub async fn list_faults(State(faults): State<Arc<Faults>>, Peer(peer): Peer) -> ApiResult {
    forbid_remote(peer)?;
    let armed = faults
        .armed
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone();
    Ok(ok(armed))
}

/// `DELETE /sandbox/faults`.
pub async fn clear_faults(State(faults): State<Arc<Faults>>, Peer(peer): Peer) -> ApiResult {
    forbid_remote(peer)?;
    faults
        .armed
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clear();
    Ok(ok(json!({"success": true})))
}

/// `GET /sandbox/requests`: `{path: count}` since start or the last `DELETE`.
pub async fn request_counts(State(faults): State<Arc<Faults>>, Peer(peer): Peer) -> ApiResult {
    forbid_remote(peer)?;
    let counts = faults
        .counts
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone();
    Ok(ok(counts))
}

/// `DELETE /sandbox/requests`.
pub async fn reset_counts(State(faults): State<Arc<Faults>>, Peer(peer): Peer) -> ApiResult {
    forbid_remote(peer)?;
    faults
        .counts
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clear();
    Ok(ok(json!({"success": true})))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_only() {
        assert!(is_loopback(Some("127.0.0.1:5".parse().unwrap())));
        assert!(is_loopback(Some("127.9.9.9:5".parse().unwrap())));
        assert!(is_loopback(Some("[::1]:5".parse().unwrap())));
        assert!(is_loopback(Some("[::ffff:127.0.0.1]:5".parse().unwrap())));
        assert!(!is_loopback(Some("10.0.0.1:5".parse().unwrap())));
        assert!(!is_loopback(Some("192.168.1.2:5".parse().unwrap())));
        assert!(!is_loopback(Some("[::ffff:8.8.8.8]:5".parse().unwrap())));
        assert!(!is_loopback(Some("[2001:db8::1]:5".parse().unwrap())));
        assert!(!is_loopback(None));
    }

    #[test]
    fn take_counts_down() {
        let f = Faults::default();
        f.arm(FaultSpec {
            path: "/a".into(),
            count: 2,
            status: Some(500),
            delay_ms: 0,
            body: None,
            retry_after: None,
            apply: false,
            error: None,
        });
        assert!(f.take("/b").is_none());
        assert!(f.take("/a").is_some());
        assert!(f.take("/a").is_some());
        assert!(f.take("/a").is_none());
    }

    #[test]
    fn counts_stay_bounded_and_exact_for_known_paths() {
        let f = Faults::default();
        let counts = |f: &Faults| f.counts.lock().unwrap().clone();
        f.count("/api/conversations/unread");
        for i in 0..MAX_COUNTED_PATHS + 500 {
            f.count(&format!("/nope/{i}"));
        }
        f.count("/api/conversations/unread");
        f.count(&format!("/{}", "x".repeat(MAX_COUNTED_PATH_LEN)));
        let c = counts(&f);
        assert_eq!(c.len(), MAX_COUNTED_PATHS + 1);
        assert_eq!(c["/api/conversations/unread"], 2);
        assert_eq!(c["/nope/0"], 1);
        assert!(!c.contains_key(&format!("/nope/{}", MAX_COUNTED_PATHS)));
        // /nope/999 on (501 paths) found the map full; then the overlong one.
        assert_eq!(c[OTHER_PATHS], 501 + 1);
        // A long path goes to the bucket even when there is room.
        let g = Faults::default();
        g.count(&format!("/{}", "y".repeat(MAX_COUNTED_PATH_LEN)));
        assert_eq!(counts(&g), BTreeMap::from([(OTHER_PATHS.to_owned(), 1)]));
        // The bucket saturates instead of overflowing.
        g.counts
            .lock()
            .unwrap()
            .insert(OTHER_PATHS.to_owned(), u64::MAX);
        g.count(&"z".repeat(MAX_COUNTED_PATH_LEN + 1));
        assert_eq!(counts(&g)[OTHER_PATHS], u64::MAX);
    }
}
