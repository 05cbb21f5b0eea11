//! The HTTP surroundings of the API: CORS, security headers, the static app and the same-origin
//! `/proxy` that adds the token server-side.

use std::net::SocketAddr;
use std::path::Path;

use axum::Router;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use tower::ServiceExt;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::assumptions::CONTENT_SECURITY_POLICY;
use crate::error::ApiError;

/// CORS for an exact allow-list of origins (never `*`, never a reflected origin).
pub fn cors_layer(origins: &[String]) -> Result<CorsLayer, String> {
    let mut list = Vec::with_capacity(origins.len());
    for origin in origins {
        let value = HeaderValue::from_str(origin.trim_end_matches('/'))
            .map_err(|_| format!("invalid --cors-origin {origin:?}"))?;
        if origin == "*" {
            return Err("--cors-origin must be an exact origin, not *".to_owned());
        }
        list.push(value);
    }
    Ok(CorsLayer::new()
        .allow_origin(AllowOrigin::list(list))
        .allow_methods([Method::GET, Method::POST, Method::DELETE, Method::OPTIONS])
        .allow_headers([
            HeaderName::from_static("authentication"),
            header::CONTENT_TYPE,
        ])
        .expose_headers([header::RETRY_AFTER])
        .max_age(std::time::Duration::from_secs(600)))
}

/// Adds the security headers to every response.
pub fn with_security_headers(router: Router) -> Router {
    router
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
}

/// The built app directory (index.html for directories, MIME types by extension).
pub fn static_service(dir: &Path) -> ServeDir {
    ServeDir::new(dir)
}

/// What the proxy needs: the API router to hand requests to and the token to add.
#[derive(Clone)]
pub struct ProxyState {
    pub inner: Router,
    pub token: HeaderValue,
}

/// True when the request names another site as its origin.
pub fn is_cross_origin(headers: &HeaderMap) -> bool {
    if headers
        .get("sec-fetch-site")
        .is_some_and(|v| v.as_bytes() == b"cross-site")
    {
        return true;
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return false;
    };
    let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else {
        return true;
    };
    let origin = origin.as_bytes();
    origin != format!("http://{host}").as_bytes() && origin != format!("https://{host}").as_bytes()
}

/// Paths the proxy forwards (below `/proxy`).
fn proxied(rest: &str) -> bool {
    rest.starts_with("/api/") || rest.starts_with("/sandbox/conversations/")
}

/// `/proxy/<rest>`: handled like `/<rest>` with the server's token, same-origin only.
pub async fn proxy(State(state): State<ProxyState>, req: Request) -> Response {
    let rest = req
        .uri()
        .path()
        .strip_prefix("/proxy")
        .unwrap_or("")
        .to_owned();
    if !proxied(&rest) {
        return ApiError::NotFound.into_response();
    }
    if is_cross_origin(req.headers()) {
        return ApiError::Message(
            StatusCode::FORBIDDEN,
            "The proxy only answers same-origin requests".to_owned(),
        )
        .into_response();
    }
    let target = match req.uri().query() {
        Some(q) => format!("{rest}?{q}"),
        None => rest,
    };
    let Ok(uri) = target.parse::<Uri>() else {
        return ApiError::NotFound.into_response();
    };
    // A fresh request: the outer router's extensions (its path parameters) must not leak into
    // the inner routing; only the peer address travels along.
    let connect = req.extensions().get::<ConnectInfo<SocketAddr>>().copied();
    let (parts, body) = req.into_parts();
    let mut forwarded = Request::new(body);
    *forwarded.method_mut() = parts.method;
    *forwarded.uri_mut() = uri;
    *forwarded.headers_mut() = parts.headers;
    forwarded.headers_mut().insert(
        HeaderName::from_static("authentication"),
        state.token.clone(),
    );
    if let Some(connect) = connect {
        forwarded.extensions_mut().insert(connect);
    }
    match state.inner.oneshot(forwarded).await {
        Ok(response) => response,
        Err(never) => match never {},
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn cross_origin_detection() {
        assert!(!is_cross_origin(&headers(&[("host", "127.0.0.1:8787")])));
        assert!(!is_cross_origin(&headers(&[
            ("host", "127.0.0.1:8787"),
            ("origin", "http://127.0.0.1:8787")
        ])));
        assert!(is_cross_origin(&headers(&[
            ("host", "127.0.0.1:8787"),
            ("origin", "http://evil.test")
        ])));
        assert!(is_cross_origin(&headers(&[
            ("host", "127.0.0.1:8787"),
            ("origin", "null")
        ])));
        assert!(is_cross_origin(&headers(&[
            ("host", "a"),
            ("sec-fetch-site", "cross-site")
        ])));
        assert!(cors_layer(&["*".to_owned()]).is_err());
    }
}
