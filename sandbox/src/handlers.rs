//! The API endpoints (`/api/...`) and the token-checked sandbox extensions (`/sandbox/...`):
//! each takes its fields through [`Authenticated`] (so it only runs for the account token),
//! validates them, calls the database and fires the webhook; plus the simulator's step, the
//! 404/405 fallbacks and the `/` hint.

use std::sync::PoisonError;

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde_json::json;

use crate::auth::Authenticated;
use crate::body::{ApiRequest, Fields};
use crate::db::{ActionError, CustomerMessage, Transition};
use crate::error::{ApiError, ApiResult, ok};
use crate::model::{Conversation, Message, MessageKind, Operator};
use crate::state::{AppState, Shared};
use crate::webhooks::{Event, payload};

fn fire(
    state: &AppState,
    disabled: bool,
    event: Event,
    conversation: &Conversation,
    operator: Option<&Operator>,
    message: Option<&Message>,
) {
    let Some(webhooks) = state.webhooks.as_ref().filter(|_| !disabled) else {
        return;
    };
    let messages = if event == Event::Closed {
        state.db.messages(conversation.id).unwrap_or_default()
    } else {
        Vec::new()
    };
    webhooks.fire(payload(event, conversation, operator, &messages, message));
}

fn transition(state: &AppState, mut f: Fields, transition: Transition) -> ApiResult {
    let conversation_id = f.required_int("conversation_id");
    let operator_id = if transition == Transition::AssignOperator {
        Some(f.required_int("operator_id"))
    } else {
        f.int("operator_id")
    };
    let disabled = f.flag("disable_webhook");
    f.finish()?;
    let operator = state.db.operator_or_owner(operator_id)?;
    let conversation = state
        .db
        .transition(conversation_id, &operator, transition)?;
    let event = match transition {
        Transition::Start | Transition::AssignOperator => Event::Assigned,
        Transition::Close => Event::Closed,
        Transition::Unassign => Event::Unassigned,
    };
    let op = (event == Event::Assigned).then_some(&operator);
    fire(state, disabled, event, &conversation, op, None);
    Ok(ok(conversation))
}

/// `POST /api/conversations/start`.
pub async fn start(State(state): State<Shared>, Authenticated(f): Authenticated) -> ApiResult {
    transition(&state, f, Transition::Start)
}

/// `POST /api/conversations/assign-operator`.
pub async fn assign_operator(
    State(state): State<Shared>,
    Authenticated(f): Authenticated,
) -> ApiResult {
    transition(&state, f, Transition::AssignOperator)
}

/// `POST /api/conversations/close`.
pub async fn close(State(state): State<Shared>, Authenticated(f): Authenticated) -> ApiResult {
    transition(&state, f, Transition::Close)
}

/// `POST /api/conversations/unassign`.
pub async fn unassign(State(state): State<Shared>, Authenticated(f): Authenticated) -> ApiResult {
    transition(&state, f, Transition::Unassign)
}

/// `POST /api/conversations/assign-group`.
pub async fn assign_group(
    State(state): State<Shared>,
    Authenticated(mut f): Authenticated,
) -> ApiResult {
    let conversation_id = f.required_int("conversation_id");
    let group_id = f.required_int("group_id");
    let operator_id = f.int("operator_id");
    let _ = f.flag("disable_webhook");
    f.finish()?;
    if let Some(id) = operator_id {
        state.db.operator(id)?;
    }
    Ok(ok(state.db.assign_group(conversation_id, group_id)?))
}

/// Whether `s` is an absolute http(s) URL we are willing to store.
pub fn is_http_url(s: &str) -> bool {
    if s.len() > 2048 || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    match reqwest::Url::parse(s) {
        Ok(url) => {
            matches!(url.scheme(), "http" | "https")
                && url.host_str().is_some_and(|h| !h.is_empty())
        }
        Err(_) => false,
    }
}

fn send(state: &AppState, mut f: Fields, kind: MessageKind) -> ApiResult {
    let conversation_id = f.required_int("conversation_id");
    let content = match kind {
        MessageKind::File => {
            let url = f.required_text("file_url");
            if !url.is_empty() && !is_http_url(&url) {
                f.reject("file_url", "file_url must be an absolute http or https URL");
            }
            url
        }
        _ => f.required_text("text"),
    };
    let operator_id = f.int("operator_id");
    let disabled = f.flag("disable_webhook");
    f.finish()?;
    let operator = state.db.operator_or_owner(operator_id)?;
    let (conversation, message) =
        state
            .db
            .operator_send(conversation_id, &operator, kind, &content)?;
    if kind != MessageKind::Note {
        fire(
            state,
            disabled,
            Event::OutgoingMessage,
            &conversation,
            Some(&operator),
            Some(&message),
        );
    }
    Ok(ok(conversation))
}

/// `POST /api/conversations/send-message`.
pub async fn send_message(
    State(state): State<Shared>,
    Authenticated(f): Authenticated,
) -> ApiResult {
    send(&state, f, MessageKind::Message)
}

/// `POST /api/conversations/send-file-message`.
pub async fn send_file_message(
    State(state): State<Shared>,
    Authenticated(f): Authenticated,
) -> ApiResult {
    send(&state, f, MessageKind::File)
}

/// `POST /api/conversations/send-note`.
pub async fn send_note(State(state): State<Shared>, Authenticated(f): Authenticated) -> ApiResult {
    send(&state, f, MessageKind::Note)
}

/// `GET /api/conversations/unassigned`.
pub async fn list_unassigned(State(state): State<Shared>, _: Authenticated) -> ApiResult {
    Ok(ok(state.db.list_unassigned()?))
}

fn list_operator(state: &AppState, mut f: Fields) -> Result<Operator, ApiError> {
    let operator_id = f.int("operator_id");
    f.finish()?;
    Ok(state.db.operator_or_owner(operator_id)?)
}

/// `GET /api/conversations/unread?operator_id=`.
pub async fn list_unread(
    State(state): State<Shared>,
    Authenticated(f): Authenticated,
) -> ApiResult {
    let operator = list_operator(&state, f)?;
    Ok(ok(state.db.list_unread(operator.user_id)?))
}

/// `GET /api/conversations/not-answered?operator_id=`.
pub async fn list_not_answered(
    State(state): State<Shared>,
    Authenticated(f): Authenticated,
) -> ApiResult {
    let operator = list_operator(&state, f)?;
    Ok(ok(state.db.list_not_answered(operator.user_id)?))
}

/// `GET /api/conversations/get?conversation_id=`.
pub async fn get(State(state): State<Shared>, Authenticated(mut f): Authenticated) -> ApiResult {
    let id = f.required_int("conversation_id");
    f.finish()?;
    Ok(ok(state.db.conversation(id)?))
}

/// `GET /api/operators/all`.
pub async fn operators_all(State(state): State<Shared>, _: Authenticated) -> ApiResult {
    Ok(ok(state.db.operators()?))
}

/// `GET /api/operators/groups`.
pub async fn operators_groups(State(state): State<Shared>, _: Authenticated) -> ApiResult {
    Ok(ok(state.db.groups()?))
}

/// `GET /sandbox/conversations/{id}/messages`.
pub async fn messages(
    State(state): State<Shared>,
    path: Result<Path<String>, PathRejection>,
    _: Authenticated,
) -> ApiResult {
    let id = path.map(|Path(id)| id).unwrap_or_default();
    let id: i64 = id
        .trim()
        .parse()
        .map_err(|_| ApiError::field("conversation_id", "conversation_id must be an integer"))?;
    Ok(ok(state.db.messages(id)?))
}

/// `POST /sandbox/customer-message`.
pub async fn customer_message(
    State(state): State<Shared>,
    Authenticated(mut f): Authenticated,
) -> ApiResult {
    let input = CustomerMessage {
        text: f.required_text("text"),
        conversation_id: f.int("conversation_id"),
        from_user_name: f.string("from_user_name").filter(|s| !s.trim().is_empty()),
        application: f.string("application").filter(|s| !s.trim().is_empty()),
    };
    let disabled = f.flag("disable_webhook");
    f.finish()?;
    let (conversation, message) = client_writes(&state, &input)?;
    fire(
        &state,
        disabled,
        Event::IncomingMessage,
        &conversation,
        None,
        Some(&message),
    );
    Ok(ok(conversation))
}

/// Stores a client message (shared by the endpoint and the simulator).
pub fn client_writes(
    state: &AppState,
    input: &CustomerMessage,
) -> Result<(Conversation, Message), ActionError> {
    let mut rng = state.rng.lock().unwrap_or_else(PoisonError::into_inner);
    state.db.customer_message(input, &mut rng)
}

/// The simulator's step: a random client writes (sometimes a new one).
pub fn simulate_once(state: &AppState) -> Result<(), ActionError> {
    let open = state.db.open_conversation_ids()?;
    let (new, pick, text, name, application) = {
        let mut rng = state.rng.lock().unwrap_or_else(PoisonError::into_inner);
        let new = open.is_empty() || rng.chance(25);
        let pick = rng.pick(&open).copied();
        let text = rng
            .pick(crate::seed::CLIENT_TEXTS)
            .copied()
            .unwrap_or("Hello?");
        let name = rng
            .pick(crate::seed::CLIENT_NAMES)
            .copied()
            .unwrap_or("Simulated client")
            .to_owned();
        let application = rng
            .pick(crate::channels::APPLICATIONS)
            .copied()
            .unwrap_or("livechat");
        (new, pick, text, name, application)
    };
    let input = CustomerMessage {
        conversation_id: if new { None } else { pick },
        text: text.to_owned(),
        from_user_name: Some(name),
        application: Some(application.to_owned()),
    };
    let (conversation, message) = client_writes(state, &input)?;
    fire(
        state,
        false,
        Event::IncomingMessage,
        &conversation,
        None,
        Some(&message),
    );
    Ok(())
}

/// Unknown route.
pub async fn not_found(_drained: ApiRequest) -> ApiError {
    ApiError::NotFound
}

/// Known route, wrong method.
pub async fn method_not_allowed(_drained: ApiRequest) -> ApiError {
    ApiError::MethodNotAllowed
}

/// `/` without `--static`: a hint.
pub async fn root_hint() -> axum::response::Response {
    (
        StatusCode::OK,
        axum::Json(json!({
            "status": 200,
            "data": {
                "name": "blinger-sandbox",
                "hint": "A local Blinger API. Call /api/... with the header `Authentication: <token>`; start with --static DIR to serve an app here. See sandbox/README.md.",
            }
        })),
    )
        .into_response()
}
