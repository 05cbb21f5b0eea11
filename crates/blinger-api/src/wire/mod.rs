//! Decoding what the server sends into strict domain types.
//!
//! The decoder walks a `serde_json::Value` by hand, so it can be tolerant where the real world is
//! messy and precise about where it failed:
//!
//! - unknown fields are ignored; unknown enum values are kept as `Other(..)`;
//! - `null` is accepted anywhere (missing optional data); numbers may arrive as strings (`"12"`)
//!   and booleans as `0`/`1`/`"1"`/`"true"`;
//! - `error` may be a string or a `{field: message}` object; an error envelope under HTTP 200 is
//!   an error;
//! - a list element that fails to decode is skipped and reported in [`Listed::skipped`], the rest
//!   of the list is kept;
//! - every failure names the path of the bad field (`data[3].operator_user_id`).
//!
//! Secrets in the payload (a conversation's `token`, `toBlingerUser.extra_field_secret_key`, an
//! operator's `conversations_token`) are never read, so they never reach a domain value.
//! Nesting deeper than `serde_json`'s recursion limit (128) is rejected by the parser, so hostile
//! input cannot overflow the stack.

mod cache;
mod conversation;
mod directory;
mod envelope;
mod fields;
mod listed;
mod message;

pub use cache::{ElementCache, decode_conversations_cached};
pub use conversation::{Channel, Conversation, Status};
pub use directory::{Group, Operator};
pub use envelope::{decode_conversation, parse_envelope, parse_retry_after};
pub use fields::{is_hex_color, is_http_url};
pub use listed::{DecodeIssue, Listed};
pub use message::{HistoryMessage, MessageKind};

use envelope::decode_list;

use crate::error::ApiError;
use crate::response::HttpResponse;

/// Decodes a list of conversations (`unassigned`, `unread`, `not-answered`).
///
/// # Errors
/// See [`parse_envelope`]; bad elements are skipped, not errors.
pub fn decode_conversations(resp: &HttpResponse) -> Result<Listed<Conversation>, ApiError> {
    decode_list(resp)
}

/// Decodes `operators/all`.
///
/// # Errors
/// See [`parse_envelope`].
pub fn decode_operators(resp: &HttpResponse) -> Result<Listed<Operator>, ApiError> {
    decode_list(resp)
}

/// Decodes `operators/groups`.
///
/// # Errors
/// See [`parse_envelope`].
pub fn decode_groups(resp: &HttpResponse) -> Result<Listed<Group>, ApiError> {
    decode_list(resp)
}

/// Decodes the sandbox's history extension.
///
/// # Errors
/// See [`parse_envelope`].
pub fn decode_history(resp: &HttpResponse) -> Result<Listed<HistoryMessage>, ApiError> {
    decode_list(resp)
}

/// Runs every decoder over one response; for fuzzing and hostile-input tests. Never panics.
pub fn decode_all(resp: &HttpResponse) {
    let _ = decode_conversation(resp);
    let _ = decode_conversations(resp);
    let _ = decode_operators(resp);
    let _ = decode_groups(resp);
    let _ = decode_history(resp);
}

/// The fuzz target's framing of raw bytes as a response: the first byte picks the HTTP status
/// (`b'0'..` → 200, 400, 401, 403, 404, 429, 500, 503, cycling), the rest is the body (lossy
/// UTF-8). Shared with the corpus replay test so both read seed files the same way.
#[must_use]
pub fn fuzz_input(bytes: &[u8]) -> (u16, String) {
    const STATUSES: [u16; 8] = [200, 400, 401, 403, 404, 429, 500, 503];
    match bytes.split_first() {
        Some((first, rest)) => {
            let status = STATUSES
                .get(usize::from(*first % 8))
                .copied()
                .unwrap_or(200);
            (status, String::from_utf8_lossy(rest).into_owned())
        }
        None => (200, String::new()),
    }
}
