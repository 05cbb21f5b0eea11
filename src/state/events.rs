//! What happens inside a widget that its host may want to know. The embed layer turns each into
//! a bubbling, composed `CustomEvent` named by [`HostEvent::name`].

use serde::Serialize;

use crate::api::{ConversationId, GroupId, OperatorId};
use crate::sync::outbox::SendKind;

/// An event for the host page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HostEvent {
    /// The widget rendered and started polling.
    Ready,
    /// The operator opened a conversation.
    ConversationSelected(ConversationId),
    /// A reply or file reached the server.
    MessageSent {
        /// The conversation.
        conversation: ConversationId,
        /// The outbox id.
        local_id: u64,
        /// Reply or file.
        kind: SendKind,
    },
    /// A send failed or could not be confirmed.
    MessageFailed {
        /// The conversation.
        conversation: ConversationId,
        /// The outbox id.
        local_id: u64,
        /// Why, in user words.
        message: String,
    },
    /// An internal note was added.
    NoteAdded {
        /// The conversation.
        conversation: ConversationId,
        /// The outbox id.
        local_id: u64,
    },
    /// Taken, assigned to an operator or group, or unassigned.
    Assigned {
        /// The conversation.
        conversation: ConversationId,
        /// The operator it was given to, if any.
        operator: Option<OperatorId>,
        /// The group it was given to, if any.
        group: Option<GroupId>,
        /// Its status afterwards.
        status: String,
    },
    /// Closed.
    Closed(ConversationId),
    /// The total of unread messages changed.
    UnreadChanged(u64),
    /// Something went wrong that the operator was told about.
    Error(String),
    /// The token was refused: set a new one (`element.token` or `tokenProvider`).
    AuthRequired,
}

/// The `detail` of an event, as JSON-like data.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Detail<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    conversation_id: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    local_id: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    kind: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    operator_id: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    group_id: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    unread: Option<u64>,
}

impl HostEvent {
    /// The DOM event name.
    pub fn name(&self) -> &'static str {
        match self {
            HostEvent::Ready => "ready",
            HostEvent::ConversationSelected(_) => "conversation-selected",
            HostEvent::MessageSent { .. } => "message-sent",
            HostEvent::MessageFailed { .. } => "message-failed",
            HostEvent::NoteAdded { .. } => "note-added",
            HostEvent::Assigned { .. } => "assigned",
            HostEvent::Closed(_) => "closed",
            HostEvent::UnreadChanged(_) => "unread-changed",
            HostEvent::Error(_) => "error",
            HostEvent::AuthRequired => "auth-required",
        }
    }

    /// The event's `detail` as a JSON string (never holds the token).
    pub fn detail_json(&self) -> String {
        let mut d = Detail {
            conversation_id: None,
            local_id: None,
            kind: None,
            message: None,
            operator_id: None,
            group_id: None,
            status: None,
            unread: None,
        };
        match self {
            HostEvent::Ready | HostEvent::AuthRequired => {}
            HostEvent::ConversationSelected(id) | HostEvent::Closed(id) => {
                d.conversation_id = Some(id.0)
            }
            HostEvent::MessageSent {
                conversation,
                local_id,
                kind,
            } => {
                d.conversation_id = Some(conversation.0);
                d.local_id = Some(*local_id);
                d.kind = Some(kind.timeline_kind());
            }
            HostEvent::MessageFailed {
                conversation,
                local_id,
                message,
            } => {
                d.conversation_id = Some(conversation.0);
                d.local_id = Some(*local_id);
                d.message = Some(message);
            }
            HostEvent::NoteAdded {
                conversation,
                local_id,
            } => {
                d.conversation_id = Some(conversation.0);
                d.local_id = Some(*local_id);
                d.kind = Some(SendKind::Note.timeline_kind());
            }
            HostEvent::Assigned {
                conversation,
                operator,
                group,
                status,
            } => {
                d.conversation_id = Some(conversation.0);
                d.operator_id = operator.map(|o| o.0);
                d.group_id = group.map(|g| g.0);
                d.status = Some(status);
            }
            HostEvent::UnreadChanged(n) => d.unread = Some(*n),
            HostEvent::Error(message) => d.message = Some(message),
        }
        serde_json::to_string(&d).unwrap_or_else(|_| "{}".to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn details_are_camel_case_json() {
        let e = HostEvent::MessageSent {
            conversation: ConversationId(4),
            local_id: 2,
            kind: SendKind::File,
        };
        assert_eq!(e.name(), "message-sent");
        assert_eq!(
            e.detail_json(),
            r#"{"conversationId":4,"localId":2,"kind":"file"}"#
        );
        assert_eq!(HostEvent::UnreadChanged(3).detail_json(), r#"{"unread":3}"#);
    }
}
