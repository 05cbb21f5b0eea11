//! `GET /gateway/conversations/{id}/messages`: the history in the sandbox's format (what the
//! widget's `history-url` reads), for any valid token. A conversation never seen is `data: []`.

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::auth::Caller;
use crate::error::{GatewayError, ok};
use crate::state::Shared;

/// The handler.
pub async fn messages(
    State(state): State<Shared>,
    _caller: Caller,
    path: Result<Path<String>, PathRejection>,
) -> Response {
    let id = path.map(|Path(id)| id).unwrap_or_default();
    let Some(id) = id.trim().parse::<u64>().ok().filter(|id| *id > 0) else {
        return GatewayError::BadRequest("conversation_id must be a positive integer".to_owned())
            .into_response();
    };
    match state.store.history(id).await {
        Ok(list) => ok(Value::Array(list.iter().map(|m| m.to_wire()).collect())),
        Err(e) => {
            (state.log)(&format!("history: {e}"));
            GatewayError::Store.into_response()
        }
    }
}
