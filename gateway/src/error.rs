//! The gateway's own refusals, answered in Blinger's error envelope
//! `{"status": N, "error": "…"}` so the widget reads them like Blinger's.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::assumptions::QUEUE_FULL_RETRY_AFTER_SECS;

/// Why the gateway answers itself instead of Blinger.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GatewayError {
    /// No usable browser token (missing, malformed, wrong signature, expired, wrong `alg`).
    #[error("{0}")]
    Unauthorized(&'static str),
    /// The token is valid but does not allow this request.
    #[error("{0}")]
    Forbidden(String),
    /// Not a path the gateway serves.
    #[error("Not found")]
    NotFound,
    /// A path it serves, another method.
    #[error("Method not allowed")]
    MethodNotAllowed,
    /// Body over the limit.
    #[error("The request body is larger than 1 MiB")]
    TooLarge,
    /// Unreadable request.
    #[error("{0}")]
    BadRequest(String),
    /// Unsupported body type.
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// Blinger could not be reached, or answered something unusable.
    #[error("{0}")]
    BadGateway(String),
    /// Blinger did not answer in time.
    #[error("Blinger did not answer in time")]
    GatewayTimeout,
    /// Too many requests waiting for Blinger.
    #[error("Too many requests are waiting for Blinger; retry shortly")]
    Busy,
    /// The store failed.
    #[error("The gateway's store is unavailable")]
    Store,
}

impl GatewayError {
    /// The HTTP status (also the envelope's `status`).
    #[must_use]
    pub fn status(&self) -> StatusCode {
        match self {
            Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::BadGateway(_) => StatusCode::BAD_GATEWAY,
            Self::GatewayTimeout => StatusCode::GATEWAY_TIMEOUT,
            Self::Busy | Self::Store => StatusCode::SERVICE_UNAVAILABLE,
        }
    }
}

impl IntoResponse for GatewayError {
    fn into_response(self) -> Response {
        let status = self.status();
        let body = json!({"status": status.as_u16(), "error": self.to_string()});
        let mut response = (status, Json(body)).into_response();
        if self == Self::Busy {
            response.headers_mut().insert(
                header::RETRY_AFTER,
                HeaderValue::from(QUEUE_FULL_RETRY_AFTER_SECS),
            );
        }
        response
    }
}

/// An envelope `{"status":200,"data":…}`.
pub fn ok(data: serde_json::Value) -> Response {
    (StatusCode::OK, Json(json!({"status": 200, "data": data}))).into_response()
}
