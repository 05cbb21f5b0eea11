//! What the control endpoints (`/sandbox/faults`, `/sandbox/requests`, `/sandbox/fixtures`; no
//! token) take besides a loopback peer: a page on another site must not drive them through the
//! operator's browser. Such a page can send "simple" requests (a form POST, `fetch` with
//! `mode: "no-cors"` and a `text/plain` body) to `127.0.0.1` without any preflight, and its peer
//! address is loopback. So:
//!
//! - a POST must say `Content-Type: application/json`, which no simple request can: a browser
//!   preflights it, and the preflight passes only for a `--cors-origin` (415 otherwise);
//! - an `Origin`, when sent, must be this server's own or a `--cors-origin`; without one,
//!   `Sec-Fetch-Site: cross-site` is refused too (403).
//!
//! Tools (curl, the Node side of the e2e suite, the Rust tests) send no `Origin` and pass.
//! `/sandbox/customer-message` needs neither rule: it takes the account token in the
//! `Authentication` header, which no simple request can carry either.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::body::ApiRequest;
use crate::error::ApiError;
use crate::web::{is_cross_origin, is_json};

/// The origins trusted besides the server's own (the `--cors-origin` list).
#[derive(Debug, Clone, Default)]
pub struct ControlGuard {
    cors_origins: Vec<String>,
}

impl ControlGuard {
    /// Trusts these exact origins (a trailing `/` is ignored, as by CORS).
    pub fn new(cors_origins: &[String]) -> Self {
        Self {
            cors_origins: cors_origins
                .iter()
                .map(|o| o.trim_end_matches('/').to_owned())
                .collect(),
        }
    }

    fn origin_allowed(&self, headers: &HeaderMap) -> bool {
        let listed = headers.get(header::ORIGIN).is_some_and(|origin| {
            self.cors_origins
                .iter()
                .any(|o| o.as_bytes() == origin.as_bytes())
        });
        listed || !is_cross_origin(headers)
    }

    /// `Err` with the refusal for a request that must not reach a control endpoint.
    pub fn check(&self, method: &Method, headers: &HeaderMap) -> Result<(), ApiError> {
        if !self.origin_allowed(headers) {
            return Err(ApiError::Message(
                StatusCode::FORBIDDEN,
                "The sandbox control endpoints only answer this server's own pages, a --cors-origin or tools that send no Origin".to_owned(),
            ));
        }
        if *method == Method::POST && !is_json(headers) {
            return Err(ApiError::Message(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "The sandbox control endpoints take Content-Type: application/json".to_owned(),
            ));
        }
        Ok(())
    }
}

/// Middleware for the control routes: refuses what [`ControlGuard::check`] refuses. The body is
/// read (and an oversize one drained) first, so the client has finished sending when it reads
/// the answer, and an oversize body is a 413 before it is a 415, as everywhere (size before
/// decoding).
pub async fn guard_control(
    State(guard): State<Arc<ControlGuard>>,
    req: Request,
    next: Next,
) -> Response {
    let Err(refusal) = guard.check(req.method(), req.headers()) else {
        return next.run(req).await;
    };
    let read = ApiRequest::read(req).await;
    match (refusal.status(), read.body) {
        (StatusCode::UNSUPPORTED_MEDIA_TYPE, Err(too_large)) => too_large.into_response(),
        _ => refusal.into_response(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::restriction)] // tests unwrap, index and panic
    use axum::http::HeaderValue;

    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, HeaderValue::from_static("127.0.0.1:8787"));
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn json_from_this_server_a_cors_origin_or_a_tool() {
        let guard = ControlGuard::new(&["http://127.0.0.1:8799/".to_owned()]);
        let status = |method: Method, pairs: &[(&'static str, &'static str)]| {
            guard
                .check(&method, &headers(pairs))
                .err()
                .map(|e| e.status().as_u16())
        };
        let json = ("content-type", "application/json; charset=utf-8");
        assert_eq!(status(Method::POST, &[json]), None);
        assert_eq!(
            status(Method::POST, &[("content-type", "Application/JSON")]),
            None
        );
        assert_eq!(
            status(Method::POST, &[json, ("origin", "http://127.0.0.1:8787")]),
            None
        );
        assert_eq!(
            status(
                Method::POST,
                &[
                    json,
                    ("origin", "http://127.0.0.1:8799"),
                    ("sec-fetch-site", "cross-site")
                ]
            ),
            None
        );
        for simple in [
            "text/plain",
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ] {
            assert_eq!(
                status(Method::POST, &[("content-type", simple)]),
                Some(415),
                "{simple}"
            );
        }
        assert_eq!(status(Method::POST, &[]), Some(415));
        assert_eq!(status(Method::DELETE, &[]), None);
        assert_eq!(status(Method::GET, &[]), None);
        for (name, value) in [
            ("origin", "http://evil.example"),
            ("origin", "null"),
            ("sec-fetch-site", "cross-site"),
        ] {
            assert_eq!(status(Method::POST, &[json, (name, value)]), Some(403));
            assert_eq!(status(Method::DELETE, &[(name, value)]), Some(403));
        }
    }
}
