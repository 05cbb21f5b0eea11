//! Which Blinger endpoints the gateway forwards and the per-operator policy applied to each
//! (GATEWAY.md, "The API it serves"): an operator acts only as themselves, `assign-operator`
//! may name the assignee, a supervisor may name anyone, `disable_webhook` never passes.

use axum::http::Method;
use blinger_api::{ConversationId, MessageKind, OperatorId};

use crate::auth::Caller;
use crate::error::GatewayError;
use crate::request::{Params, value_id, value_text};

/// What `operator_id` means on an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OperatorRule {
    /// The operator the action is done as: absent → the caller; another → 403.
    ActsAsCaller,
    /// The assignee (`assign-operator`): anyone; absent → the caller.
    Assignee,
    /// Not read by Blinger: never added; another → 403.
    CheckOnly,
}

/// What a successful call changes, for the cache and the history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// A read.
    Read,
    /// Changes one conversation.
    Action,
    /// Adds a message of this kind to one conversation.
    Send(SendKind),
}

/// The history kind a send adds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendKind {
    /// `send-message`
    Message,
    /// `send-file-message`
    File,
    /// `send-note`
    Note,
}

impl SendKind {
    /// The history kind.
    #[must_use]
    pub fn kind(self) -> MessageKind {
        match self {
            Self::Message => MessageKind::Message,
            Self::File => MessageKind::File,
            Self::Note => MessageKind::Note,
        }
    }

    /// The parameter that carries the content.
    #[must_use]
    pub fn content_field(self) -> &'static str {
        match self {
            Self::File => "file_url",
            Self::Message => "text",
            Self::Note => blinger_api::assumptions::NOTE_TEXT_FIELD,
        }
    }
}

/// One forwarded endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Endpoint {
    /// The path, as Blinger spells it (also the metrics label).
    pub path: &'static str,
    /// GET reads the query; POST the body.
    pub method: EndpointMethod,
    /// What `operator_id` means.
    pub operator: OperatorRule,
    /// What it changes.
    pub effect: Effect,
}

/// GET or POST (a `Method` is not `Copy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndpointMethod {
    /// A read; parameters in the query.
    Get,
    /// An action; parameters in the body.
    Post,
}

impl EndpointMethod {
    /// The HTTP method.
    #[must_use]
    pub fn method(self) -> Method {
        match self {
            Self::Get => Method::GET,
            Self::Post => Method::POST,
        }
    }
}

const fn post(path: &'static str, operator: OperatorRule, effect: Effect) -> Endpoint {
    Endpoint {
        path,
        method: EndpointMethod::Post,
        operator,
        effect,
    }
}

const fn get(path: &'static str, operator: OperatorRule) -> Endpoint {
    Endpoint {
        path,
        method: EndpointMethod::Get,
        operator,
        effect: Effect::Read,
    }
}

use Effect::Action;
use OperatorRule::{ActsAsCaller, Assignee, CheckOnly};

/// Every endpoint the gateway forwards (blinger-api.md's tables); nothing else reaches Blinger.
pub const ENDPOINTS: &[Endpoint] = &[
    post("/api/conversations/start", ActsAsCaller, Action),
    post("/api/conversations/close", ActsAsCaller, Action),
    post("/api/conversations/unassign", ActsAsCaller, Action),
    post("/api/conversations/assign-operator", Assignee, Action),
    post("/api/conversations/assign-group", ActsAsCaller, Action),
    post(
        "/api/conversations/send-message",
        ActsAsCaller,
        Effect::Send(SendKind::Message),
    ),
    post(
        "/api/conversations/send-file-message",
        ActsAsCaller,
        Effect::Send(SendKind::File),
    ),
    post(
        "/api/conversations/send-note",
        ActsAsCaller,
        Effect::Send(SendKind::Note),
    ),
    get("/api/conversations/unassigned", CheckOnly),
    get("/api/conversations/unread", ActsAsCaller),
    get("/api/conversations/not-answered", ActsAsCaller),
    get("/api/conversations/get", CheckOnly),
    get("/api/operators/all", CheckOnly),
    get("/api/operators/groups", CheckOnly),
];

/// The endpoint at `path`, if the gateway forwards it.
#[must_use]
pub fn endpoint(path: &str) -> Option<&'static Endpoint> {
    ENDPOINTS.iter().find(|e| e.path == path)
}

impl Endpoint {
    /// Whether the answer is a list of conversations (invalidated by any action).
    #[must_use]
    pub fn is_conversation_list(&self) -> bool {
        matches!(
            self.path,
            "/api/conversations/unassigned"
                | "/api/conversations/unread"
                | "/api/conversations/not-answered"
        )
    }
}

/// `operator_id` and `disable_webhook` are the policy's; the rest passes unchanged.
const OPERATOR_FIELD: &str = "operator_id";
const DISABLE_WEBHOOK_FIELD: &str = "disable_webhook";

/// Checks every `operator_id` in `params` against the caller.
///
/// # Errors
/// 403 when one names an operator the caller may not act as.
pub fn check_operator(
    caller: &Caller,
    params: &Params,
    rule: OperatorRule,
) -> Result<(), GatewayError> {
    for value in params.values(OPERATOR_FIELD) {
        if value_text(value).is_none() {
            continue; // blank = absent
        }
        let allowed = match value_id(value) {
            Some(id) => rule == Assignee || caller.may_act_as(OperatorId(id)),
            None => false,
        };
        if !allowed {
            return Err(GatewayError::Forbidden(format!(
                "This token acts only as operator {}",
                caller.operator
            )));
        }
    }
    Ok(())
}

/// Applies the policy to the parameters that Blinger reads: checks `operator_id`, adds the
/// caller's where the endpoint acts as someone, drops `disable_webhook`. Returns the operator the
/// call acts as (for the history), if the endpoint names one.
///
/// # Errors
/// 403 (see [`check_operator`]).
pub fn apply(
    caller: &Caller,
    endpoint: &Endpoint,
    params: &mut Params,
) -> Result<Option<OperatorId>, GatewayError> {
    check_operator(caller, params, endpoint.operator)?;
    params.remove(DISABLE_WEBHOOK_FIELD);
    let named = params.values(OPERATOR_FIELD).filter_map(value_id).last();
    match endpoint.operator {
        CheckOnly => {
            if let Some(id) = named {
                params.set_int(OPERATOR_FIELD, id);
            } else {
                params.remove(OPERATOR_FIELD);
            }
            Ok(named.map(OperatorId))
        }
        ActsAsCaller | Assignee => {
            let id = named.unwrap_or(caller.operator.get());
            params.set_int(OPERATOR_FIELD, id);
            Ok(Some(OperatorId(id)))
        }
    }
}

/// The conversation a call is about (`conversation_id`), if any.
#[must_use]
pub fn conversation_of(params: &Params) -> Option<ConversationId> {
    params
        .values("conversation_id")
        .filter_map(value_id)
        .last()
        .map(ConversationId)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::restriction)] // tests unwrap, index and panic
    use super::*;
    use crate::auth::Role;

    fn caller(id: u64, role: Role) -> Caller {
        Caller {
            operator: OperatorId(id),
            role,
            expires: u64::MAX,
        }
    }

    fn run(path: &str, query: &str, c: Caller) -> Result<String, GatewayError> {
        let mut p = Params::from_query(Some(query));
        apply(&c, endpoint(path).unwrap(), &mut p)?;
        Ok(p.to_form())
    }

    #[test]
    fn operators_act_as_themselves() {
        let op = caller(2, Role::Operator);
        let send = "/api/conversations/send-message";
        assert_eq!(
            run(send, "conversation_id=1&text=x", op).unwrap(),
            "conversation_id=1&text=x&operator_id=2"
        );
        assert_eq!(
            run(send, "operator_id=2&text=x", op).unwrap(),
            "text=x&operator_id=2"
        );
        assert!(matches!(
            run(send, "operator_id=3", op),
            Err(GatewayError::Forbidden(_))
        ));
        assert!(matches!(
            run(send, "operator_id=2&operator_id=3", op),
            Err(GatewayError::Forbidden(_))
        ));
        assert!(matches!(
            run(send, "operator_id=x", op),
            Err(GatewayError::Forbidden(_))
        ));
        assert_eq!(
            run(send, "operator_id=&disable_webhook=1", op).unwrap(),
            "operator_id=2"
        );
    }

    #[test]
    fn hand_over_supervisors_and_check_only() {
        let op = caller(2, Role::Operator);
        let assign = "/api/conversations/assign-operator";
        assert_eq!(run(assign, "operator_id=3", op).unwrap(), "operator_id=3");
        assert_eq!(run(assign, "", op).unwrap(), "operator_id=2");
        let sup = caller(1, Role::Supervisor);
        assert_eq!(
            run("/api/conversations/unread", "operator_id=4", sup).unwrap(),
            "operator_id=4"
        );
        assert_eq!(
            run("/api/conversations/unread", "", op).unwrap(),
            "operator_id=2"
        );
        assert_eq!(run("/api/conversations/unassigned", "", op).unwrap(), "");
        assert!(run("/api/conversations/unassigned", "operator_id=3", op).is_err());
        assert!(endpoint("/api/conversations/delete-everything").is_none());
    }
}
