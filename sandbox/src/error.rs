//! The API's answers: the error envelope `{"status": N, "error": <string | {field: message}>}`
//! with its HTTP status, how a storage refusal ([`ActionError`]) becomes one, and the success
//! envelope `{"status": 200, "data": …}`.

use std::collections::BTreeMap;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::json;

use crate::assumptions;
use crate::channels::APPLICATIONS;
use crate::db::ActionError;

/// Everything a request can fail with; each maps to one status and one documented body.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// 401, no `Authentication` header (or an empty one).
    EmptyToken,
    /// 401, a token that is not this account's.
    InvalidToken,
    /// 400 with a `{field: message}` object.
    Fields(BTreeMap<String, String>),
    /// Any status with a plain message.
    Message(StatusCode, String),
    /// 413.
    TooLarge,
    /// 404 for unknown routes.
    NotFound,
    /// 405 for a known route with the wrong method.
    MethodNotAllowed,
    /// 500: a storage failure, never caused by input.
    Internal,
}

impl ApiError {
    /// A 400 with a plain message.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::Message(StatusCode::BAD_REQUEST, message.into())
    }

    /// A 400 with one field error.
    pub fn field(name: &str, message: impl Into<String>) -> Self {
        Self::Fields(BTreeMap::from([(name.to_owned(), message.into())]))
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::EmptyToken | Self::InvalidToken => StatusCode::UNAUTHORIZED,
            Self::Fields(_) => StatusCode::BAD_REQUEST,
            Self::Message(status, _) => *status,
            Self::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The `error` member of the envelope.
    pub fn error_value(&self) -> serde_json::Value {
        match self {
            Self::EmptyToken => json!(assumptions::EMPTY_TOKEN),
            Self::InvalidToken => json!(assumptions::INVALID_TOKEN),
            Self::Fields(map) => json!(map),
            Self::Message(_, message) => json!(message),
            Self::TooLarge => json!(format!(
                "Request body too large (limit {} bytes)",
                assumptions::MAX_BODY_BYTES
            )),
            Self::NotFound => json!("Not found"),
            Self::MethodNotAllowed => json!("Method not allowed"),
            Self::Internal => json!("Internal server error"),
        }
    }

    /// The whole envelope.
    pub fn body(&self) -> serde_json::Value {
        json!({"status": self.status().as_u16(), "error": self.error_value()})
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status(), axum::Json(self.body())).into_response()
    }
}

impl From<rusqlite::Error> for ApiError {
    fn from(_: rusqlite::Error) -> Self {
        Self::Internal
    }
}

/// A storage action's refusal as the API answers it (400 with the documented text; a storage
/// failure is a 500).
impl From<ActionError> for ApiError {
    fn from(e: ActionError) -> Self {
        match e {
            ActionError::ConversationNotFound => {
                Self::bad_request(assumptions::CONVERSATION_NOT_FOUND)
            }
            ActionError::OperatorNotFound => Self::bad_request(assumptions::OPERATOR_NOT_FOUND),
            ActionError::GroupNotFound => Self::bad_request(assumptions::GROUP_NOT_FOUND),
            ActionError::AssignedToAnother => Self::bad_request(assumptions::ASSIGNED_TO_ANOTHER),
            ActionError::ConversationClosed => Self::bad_request(assumptions::CONVERSATION_CLOSED),
            ActionError::UnknownApplication(_) => Self::field(
                "application",
                format!("application must be one of: {}", APPLICATIONS.join(", ")),
            ),
            ActionError::Db(_) => Self::Internal,
        }
    }
}

/// `{"status": 200, "data": data}`.
pub fn ok<T: Serialize>(data: T) -> Response {
    axum::Json(json!({"status": 200, "data": data})).into_response()
}

/// Handler result: an envelope either way.
pub type ApiResult = Result<Response, ApiError>;
