//! [`ApiError`]: every way a Blinger call can fail, as a value the UI can show and match on.

use thiserror::Error;

/// Why a Blinger call failed.
///
/// None of the variants ever holds the token: messages come from the server's `error` field,
/// the browser's network error, or the decoder.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum ApiError {
    /// HTTP 401: the token is missing, wrong or expired.
    #[error("unauthorized: {message}")]
    Unauthorized {
        /// The server's `error` text (e.g. "Empty token").
        message: String,
    },
    /// HTTP 403.
    #[error("forbidden")]
    Forbidden,
    /// HTTP 404.
    #[error("not found")]
    NotFound,
    /// HTTP 400 (and any other 4xx without a variant of its own): the server refused the input.
    /// Covers plain messages such as "The conversation was assigned to another operator" and
    /// per-field messages such as `{"invite_email": "…has already been taken."}`.
    #[error("rejected: {}", describe_validation(message.as_deref(), fields))]
    Validation {
        /// The server's message when `error` was a string.
        message: Option<String>,
        /// `(field, message)` pairs when `error` was an object.
        fields: Vec<(String, String)>,
    },
    /// HTTP 429.
    #[error("rate limited (retry after {retry_after_secs:?} s)")]
    RateLimited {
        /// The `Retry-After` header, in seconds, when the server sent one.
        retry_after_secs: Option<u64>,
    },
    /// HTTP 5xx (or any status this client does not understand).
    #[error("server error (HTTP {status})")]
    Server {
        /// The HTTP status.
        status: u16,
    },
    /// No answer within the configured timeout (also HTTP 408).
    #[error("timed out")]
    Timeout,
    /// The request never got an HTTP answer (offline, DNS, CORS, connection reset).
    #[error("network error: {message}")]
    Network {
        /// The browser's description.
        message: String,
    },
    /// The answer could not be read: not JSON, wrong shape, or a field of the wrong type.
    #[error("cannot read the response at `{path}`: {message}")]
    Decode {
        /// Where the bad value is, e.g. `data.operator_user_id` or `data[3].id`.
        path: String,
        /// What was wrong with it.
        message: String,
    },
    /// The request was cancelled (the view that issued it went away).
    #[error("aborted")]
    Aborted,
}

fn describe_validation(message: Option<&str>, fields: &[(String, String)]) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let Some(m) = message {
        if !m.is_empty() {
            parts.push(m.to_owned());
        }
    }
    for (field, msg) in fields {
        parts.push(format!("{field}: {msg}"));
    }
    if parts.is_empty() {
        "the request was not accepted".to_owned()
    } else {
        parts.join("; ")
    }
}

impl ApiError {
    /// The server's own words for a refused request (a 400's message and per-field messages,
    /// `"invite_email: has already been taken."`), when it sent any.
    #[must_use]
    pub fn server_message(&self) -> Option<String> {
        match self {
            Self::Validation { message, fields } => {
                let text = describe_validation(message.as_deref(), fields);
                (!(message.as_deref().unwrap_or("").is_empty() && fields.is_empty()))
                    .then_some(text)
            }
            _ => None,
        }
    }

    /// `true` when the server certainly did not carry the request out: a 4xx other than 408/429
    /// (401, 403, 404, 400 and friends). A send that fails this way is *failed*, not *unconfirmed*.
    #[must_use]
    pub fn is_definite_rejection(&self) -> bool {
        matches!(
            self,
            Self::Unauthorized { .. } | Self::Forbidden | Self::NotFound | Self::Validation { .. }
        )
    }

    /// `true` when a send may or may not have happened (timeout, 5xx, network error, unreadable
    /// answer, 429, cancellation): reconcile against `get`, never resend blindly.
    #[must_use]
    pub fn outcome_unknown(&self) -> bool {
        !self.is_definite_rejection()
    }

    /// `true` for 401: polling should stop until a new token arrives.
    #[must_use]
    pub fn is_unauthorized(&self) -> bool {
        matches!(self, Self::Unauthorized { .. })
    }

    /// The server's `Retry-After`, in seconds, when it sent one.
    #[must_use]
    pub fn retry_after_secs(&self) -> Option<u64> {
        match self {
            Self::RateLimited { retry_after_secs } => *retry_after_secs,
            _ => None,
        }
    }
}
