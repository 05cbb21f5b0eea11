//! The HTTP surroundings: security headers on every answer (the sandbox's), CORS for an exact
//! allow-list of origins, and the static app.

use std::path::Path;

use axum::Router;
use axum::http::{HeaderName, HeaderValue, Method, header};
use tower_http::CompressionLevel;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{NotForContentType, Predicate, SizeAbove};
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::services::ServeDir;
use tower_http::set_header::{SetResponseHeader, SetResponseHeaderLayer};

use crate::assumptions::{CONTENT_SECURITY_POLICY, GZIP_MIN_BYTES};

/// CORS for exact origins (never `*`), allowing the `Authentication` and `Last-Event-ID` headers.
///
/// # Errors
/// For `*` or a value that is not a header value.
pub fn cors_layer(origins: &[String]) -> Result<CorsLayer, String> {
    let mut list = Vec::with_capacity(origins.len());
    for origin in origins {
        if origin == "*" {
            return Err("--allow-origin must be an exact origin, not *".to_owned());
        }
        let value = HeaderValue::from_str(origin.trim_end_matches('/'))
            .map_err(|_| format!("--allow-origin: invalid origin {origin:?}"))?;
        list.push(value);
    }
    Ok(CorsLayer::new()
        .allow_origin(AllowOrigin::list(list))
        .allow_methods([Method::GET, Method::POST, Method::OPTIONS])
        .allow_headers([
            HeaderName::from_static("authentication"),
            header::CONTENT_TYPE,
            // The event stream's resume point (`GET /gateway/events`).
            HeaderName::from_static("last-event-id"),
        ])
        .expose_headers([header::RETRY_AFTER])
        .max_age(std::time::Duration::from_secs(600)))
}

/// gzip for the gateway's own answers (the history, errors) to browsers that accept it:
/// tower-http's default predicate with [`GZIP_MIN_BYTES`] as its floor (the one `forward` uses);
/// never `text/event-stream`, images or gRPC; never an answer that already has a
/// `Content-Encoding` (the precompressed static files, Blinger's answers compressed once in
/// `forward`). The fastest level: these are compressed per request.
pub fn compression() -> CompressionLayer<impl Predicate> {
    let predicate = SizeAbove::new(u16::try_from(GZIP_MIN_BYTES).unwrap_or(u16::MAX))
        .and(NotForContentType::GRPC)
        .and(NotForContentType::IMAGES)
        .and(NotForContentType::SSE);
    CompressionLayer::new()
        .gzip(true)
        .quality(CompressionLevel::Fastest)
        .compress_when(predicate)
}

/// Adds the security headers to every answer.
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
