//! The response envelope (`{"status", "data", "error"}`): HTTP and envelope errors into
//! [`ApiError`], `data` out of a successful answer, and the plain one-value and list decoders.

use serde_json::Value;

use super::conversation::Conversation;
use super::fields::{FromWire, as_u64, clip, type_name, value_text};
use super::listed::Listed;
use crate::error::ApiError;
use crate::response::HttpResponse;

/// Parses a `Retry-After` header (whole seconds only).
#[must_use]
pub fn parse_retry_after(v: Option<&str>) -> Option<u64> {
    // assumptions::RETRY_AFTER_SECONDS_ONLY
    v.and_then(|s| s.trim().parse::<u64>().ok())
}

/// The error for an HTTP (or envelope) status and the envelope's `error` value.
pub(crate) fn error_for(status: u16, error: Option<&Value>, retry_after: Option<u64>) -> ApiError {
    let (message, fields) = match error {
        None => (None, Vec::new()),
        Some(Value::Object(map)) => (
            None,
            map.iter()
                .map(|(k, v)| (clip(k), value_text(v)))
                .collect::<Vec<_>>(),
        ),
        Some(v) => (Some(value_text(v)), Vec::new()),
    };
    match status {
        401 => ApiError::Unauthorized {
            message: message.unwrap_or_else(|| {
                fields
                    .iter()
                    .map(|(k, v)| format!("{k}: {v}"))
                    .collect::<Vec<_>>()
                    .join("; ")
            }),
        },
        403 => ApiError::Forbidden,
        404 => ApiError::NotFound,
        408 => ApiError::Timeout,
        429 => ApiError::RateLimited {
            retry_after_secs: retry_after,
        },
        400..=499 => ApiError::Validation { message, fields },
        _ => ApiError::Server { status },
    }
}

/// The envelope's own `status` (a number, or a number in a string), when it is one.
pub(crate) fn envelope_status(v: &Value) -> Option<u16> {
    as_u64(v).and_then(|s| u16::try_from(s).ok())
}

/// Reads a response's envelope and returns its `data`, or the [`ApiError`] it carries.
///
/// # Errors
/// The HTTP/envelope error, or [`ApiError::Decode`] when a 2xx body is not a readable envelope.
pub fn parse_envelope(resp: &HttpResponse) -> Result<Value, ApiError> {
    let retry_after = parse_retry_after(resp.header("retry-after"));
    let parsed: Result<Value, serde_json::Error> = serde_json::from_str(&resp.body);
    let obj = parsed.as_ref().ok().and_then(Value::as_object);
    let body_status = obj.and_then(|o| o.get("status")).and_then(envelope_status);
    let body_error = obj.and_then(|o| o.get("error")).filter(|v| !v.is_null());

    if !(200..300).contains(&resp.status) {
        return Err(error_for(resp.status, body_error, retry_after));
    }
    // assumptions::ENVELOPE_STATUS_WINS_UNDER_2XX
    if let Some(err) = body_error {
        let status = body_status.filter(|s| *s >= 400).unwrap_or(400);
        return Err(error_for(status, Some(err), retry_after));
    }
    if let Some(status) = body_status.filter(|s| *s >= 400) {
        return Err(error_for(status, None, retry_after));
    }
    match parsed {
        Err(e) => Err(ApiError::Decode {
            path: String::new(),
            message: if resp.body.trim().is_empty() {
                "empty body".to_owned()
            } else {
                format!("not JSON ({e})")
            },
        }),
        // Taken out in place (`remove` would add the ordered map's removal code to the wasm).
        Ok(Value::Object(mut map)) => match map.get_mut("data").map(Value::take) {
            Some(Value::Null) | None => Err(ApiError::Decode {
                path: "data".to_owned(),
                message: "missing".to_owned(),
            }),
            Some(data) => Ok(data),
        },
        Ok(other) => Err(ApiError::Decode {
            path: String::new(),
            message: format!("expected an object, found {}", type_name(&other)),
        }),
    }
}

pub(crate) fn decode_one<T: FromWire>(resp: &HttpResponse) -> Result<T, ApiError> {
    let data = parse_envelope(resp)?;
    T::from_wire(&data, "data").map_err(ApiError::from)
}

pub(crate) fn decode_list<T: FromWire>(resp: &HttpResponse) -> Result<Listed<T>, ApiError> {
    let data = parse_envelope(resp)?;
    let Value::Array(elements) = data else {
        return Err(ApiError::Decode {
            path: "data".to_owned(),
            message: format!("expected a list, found {}", type_name(&data)),
        });
    };
    let mut out = Listed {
        items: Vec::with_capacity(elements.len()),
        skipped: Vec::new(),
    };
    for (index, element) in elements.iter().enumerate() {
        out.push(index, T::from_wire(element, &format!("data[{index}]")));
    }
    Ok(out)
}

/// Decodes a response carrying one conversation (actions, `get`).
///
/// # Errors
/// See [`parse_envelope`]; [`ApiError::Decode`] with the bad field's path.
pub fn decode_conversation(resp: &HttpResponse) -> Result<Conversation, ApiError> {
    decode_one(resp)
}
