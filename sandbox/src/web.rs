//! The HTTP surroundings of the API: CORS, security headers, the static app and the same-origin
//! `/proxy` that adds the token server-side.

use std::net::SocketAddr;
use std::path::Path;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use blinger_api::secrets::strip_secrets;
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::services::ServeDir;
use tower_http::set_header::{SetResponseHeader, SetResponseHeaderLayer};

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

/// The built app directory: `index.html` for directories, MIME types by extension, and the
/// precompressed `FILE.br` / `FILE.gz` beside a file (scripts/build-app.sh writes them) to a
/// browser that accepts that encoding, with `Content-Encoding` set. `Vary: Accept-Encoding` on
/// every answer, so that a shared cache never hands brotli to a client that did not ask for it.
pub fn static_service(dir: &Path) -> SetResponseHeader<ServeDir, HeaderValue> {
    SetResponseHeader::appending(
        ServeDir::new(dir).precompressed_br().precompressed_gzip(),
        header::VARY,
        HeaderValue::from_static("accept-encoding"),
    )
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

/// Whether the message says `application/json` (parameters such as `charset` allowed).
pub fn is_json(headers: &HeaderMap) -> bool {
    headers.get(header::CONTENT_TYPE).is_some_and(|v| {
        let value = String::from_utf8_lossy(v.as_bytes());
        let essence = value.split(';').next().unwrap_or("").trim();
        essence.eq_ignore_ascii_case("application/json")
    })
}

/// A proxied answer as the browser may see it: Blinger (and so the sandbox) sends the account's
/// secrets (a conversation's `token`, the channel's `extra_field_secret_key`, every operator's
/// `conversations_token`, …); they are removed at any depth by the rule every proxy shares
/// ([`strip_secrets`]). Status and the other headers stay; `Content-Length` follows the new body.
/// Answers that are not JSON, or JSON that does not parse (an injected `truncated` or `malformed`
/// fault: the client must see exactly that), pass unchanged, as do answers without a secret.
async fn without_secrets(response: Response) -> Response {
    if !is_json(response.headers()) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(collected) = body.collect().await else {
        return ApiError::Internal.into_response();
    };
    let bytes = collected.to_bytes();
    let mut value = match serde_json::from_slice::<Value>(&bytes) {
        Ok(value) => value,
        Err(_) => return Response::from_parts(parts, Body::from(bytes)),
    };
    if strip_secrets(&mut value) == 0 {
        return Response::from_parts(parts, Body::from(bytes));
    }
    // Never the original when this fails: it holds the secrets.
    let Ok(body) = serde_json::to_vec(&value).map(Bytes::from) else {
        return ApiError::Internal.into_response();
    };
    parts
        .headers
        .insert(header::CONTENT_LENGTH, HeaderValue::from(body.len()));
    Response::from_parts(parts, Body::from(body))
}

/// Paths the proxy forwards (below `/proxy`).
fn proxied(rest: &str) -> bool {
    rest.starts_with("/api/") || rest.starts_with("/sandbox/conversations/")
}

/// `/proxy/<rest>`: handled like `/<rest>` with the server's token, same-origin only, and
/// answered without the account's secrets.
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
        Ok(response) => without_secrets(response).await,
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
