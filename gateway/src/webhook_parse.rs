//! Reading a Blinger webhook payload into history entries. Pure and total: any JSON gives an
//! answer (unknown events, missing or mistyped fields are tolerated; nothing panics). Names and
//! fields Blinger does not show, and the kind rules, are in [`crate::assumptions`].

use blinger_api::MessageKind;
use serde_json::Value;

use crate::store::{KeyedMessage, NewMessage};

/// What an event is, for the history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    /// A client wrote (message or comment).
    Incoming,
    /// An operator wrote (message or comment).
    Outgoing,
    /// `on_conversation_closed`: `messages[]` is a backfill.
    Closed,
    /// Assigned, unassigned, new client: changes the conversation, adds no message.
    Other,
}

/// The event names the gateway knows (`webhook` member).
pub const KNOWN_EVENTS: &[(&str, EventKind)] = &[
    ("on_conversation_unassigned", EventKind::Other),
    ("on_conversation_assigned", EventKind::Other),
    ("on_conversation_closed", EventKind::Closed),
    ("on_incoming_message", EventKind::Incoming),
    ("on_outgoing_message", EventKind::Outgoing),
    ("on_incoming_comment", EventKind::Incoming),
    ("on_outgoing_comment", EventKind::Outgoing),
    ("on_new_client", EventKind::Other),
];

/// The kind of a known event name.
#[must_use]
pub fn event_kind(name: &str) -> Option<EventKind> {
    KNOWN_EVENTS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, k)| *k)
}

/// The `webhook` member, if it is a string.
#[must_use]
pub fn event_name(payload: &Value) -> Option<&str> {
    payload.get("webhook").and_then(Value::as_str)
}

/// What a payload adds.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Parsed {
    /// The conversation it is about.
    pub conversation_id: Option<u64>,
    /// History entries, with their dedupe keys.
    pub messages: Vec<KeyedMessage>,
}

fn id_of(v: Option<&Value>) -> Option<u64> {
    match v? {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
    .filter(|id| *id > 0)
}

fn int_of(v: Option<&Value>) -> Option<i64> {
    match v? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn text_of(v: Option<&Value>) -> Option<String> {
    v.and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

fn truthy(v: Option<&Value>) -> bool {
    match v {
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => n.as_i64().is_some_and(|n| n != 0),
        Some(Value::String(s)) => matches!(s.trim(), "1" | "true"),
        _ => false,
    }
}

/// FNV-1a, 64 bit: a stable hash (the keys are stored, so it must not change between builds,
/// which `std`'s hasher does not promise).
fn fnv1a(parts: &[&str]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.bytes().chain(std::iter::once(0xff)) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

fn kind_of(m: &Value, event: EventKind, operator: Option<u64>) -> MessageKind {
    let declared = m.get("type").and_then(Value::as_str).unwrap_or("");
    if truthy(m.get("is_inner")) || declared == "note" {
        return MessageKind::Note;
    }
    let from_client = match event {
        EventKind::Incoming => true,
        EventKind::Outgoing => false,
        EventKind::Closed | EventKind::Other => {
            declared == "client"
                || (operator.is_none()
                    && id_of(m.get("from_user_id")).is_none()
                    && id_of(m.get("from_blinger_user_id")).is_some())
        }
    };
    if from_client {
        return MessageKind::Client;
    }
    let has_text = text_of(m.get("text")).is_some();
    if declared == "file" || (!has_text && text_of(m.get("file_url")).is_some()) {
        MessageKind::File
    } else {
        MessageKind::Message
    }
}

/// One message object of a payload.
fn message(
    m: &Value,
    event: EventKind,
    payload: &Value,
    conversation: Option<u64>,
    received_at: i64,
) -> Option<KeyedMessage> {
    let conversation_id = id_of(m.get("conversation_id")).or(conversation)?;
    let mut operator_id = id_of(m.get("operator_id"));
    if operator_id.is_none() && event == EventKind::Outgoing {
        operator_id = id_of(payload.get("operator").and_then(|o| o.get("id")));
    }
    let kind = kind_of(m, event, operator_id);
    if kind == MessageKind::Client {
        operator_id = None;
    }
    let (text, file_url) = match kind {
        MessageKind::File => (None, text_of(m.get("file_url")).or(text_of(m.get("text")))),
        _ => (text_of(m.get("text")), text_of(m.get("file_url"))),
    };
    let from_user_name = match kind {
        MessageKind::Client => text_of(m.get("from_user_name")).or_else(|| {
            text_of(
                payload
                    .get("conversation")
                    .and_then(|c| c.get("from_user_name")),
            )
        }),
        _ => None,
    };
    let date_created = int_of(m.get("date_created")).unwrap_or(received_at);
    let key = match id_of(m.get("id")) {
        Some(id) => format!("id:{id}"),
        None => format!(
            "hash:{:016x}",
            fnv1a(&[
                kind.as_str(),
                text.as_deref().unwrap_or(""),
                file_url.as_deref().unwrap_or(""),
                &operator_id.map(|o| o.to_string()).unwrap_or_default(),
                &date_created.to_string(),
            ])
        ),
    };
    Some(KeyedMessage {
        message: NewMessage {
            conversation_id,
            kind,
            text,
            file_url,
            operator_id,
            from_user_name,
            date_created,
        },
        key,
    })
}

/// Reads a payload of a known event.
#[must_use]
pub fn parse(payload: &Value, event: EventKind, received_at: i64) -> Parsed {
    let conversation_id = id_of(payload.get("conversation").and_then(|c| c.get("id")));
    let objects: Vec<&Value> = match event {
        EventKind::Closed => payload
            .get("messages")
            .and_then(Value::as_array)
            .map(|a| a.iter().collect())
            .unwrap_or_default(),
        EventKind::Incoming | EventKind::Outgoing => payload
            .get("message")
            .or_else(|| payload.get("comment"))
            .into_iter()
            .collect(),
        EventKind::Other => Vec::new(),
    };
    let messages = objects
        .into_iter()
        .filter(|m| m.is_object())
        .filter_map(|m| message(m, event, payload, conversation_id, received_at))
        .collect();
    Parsed {
        conversation_id,
        messages,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::restriction)] // tests unwrap, index and panic
    use super::*;
    use serde_json::json;

    #[test]
    fn sandbox_shaped_events() {
        let p = json!({
            "webhook": "on_outgoing_message",
            "conversation": {"id": 4, "from_user_name": "Ann", "token": "x"},
            "operator": {"id": 2, "name": "A", "email": "a@x"},
            "message": {"id": 90, "conversation_id": 4, "type": "file", "text": null,
                        "file_url": "https://x/y.png", "operator_id": null, "date_created": 1000}
        });
        let parsed = parse(&p, event_kind(event_name(&p).unwrap()).unwrap(), 5);
        let m = &parsed.messages[0];
        assert_eq!(m.key, "id:90");
        assert_eq!(m.message.kind, MessageKind::File);
        assert_eq!(m.message.operator_id, Some(2));
        assert_eq!(m.message.file_url.as_deref(), Some("https://x/y.png"));

        let closed = json!({
            "webhook": "on_conversation_closed",
            "conversation": {"id": 4, "from_user_name": "Ann"},
            "messages": [
                {"id": 1, "type": "client", "text": "hi", "from_blinger_user_id": 9, "date_created": 1},
                {"id": 2, "type": "note", "is_inner": true, "text": "n", "operator_id": 3, "date_created": 2},
                {"text": "no id", "from_user_id": 1001, "date_created": 3},
                "garbage", 7
            ]
        });
        let parsed = parse(&closed, EventKind::Closed, 5);
        let kinds: Vec<_> = parsed
            .messages
            .iter()
            .map(|m| m.message.kind.clone())
            .collect();
        assert_eq!(
            kinds,
            [MessageKind::Client, MessageKind::Note, MessageKind::Message]
        );
        assert_eq!(
            parsed.messages[0].message.from_user_name.as_deref(),
            Some("Ann")
        );
        assert!(parsed.messages[2].key.starts_with("hash:"));
        assert_eq!(parsed.conversation_id, Some(4));
    }

    #[test]
    fn anything_else_is_tolerated() {
        for p in [
            json!(null),
            json!([]),
            json!({"message": 5}),
            json!({"messages": {"a": 1}}),
        ] {
            for k in [
                EventKind::Incoming,
                EventKind::Outgoing,
                EventKind::Closed,
                EventKind::Other,
            ] {
                assert!(parse(&p, k, 0).messages.is_empty());
            }
        }
        assert!(event_kind("on_something_new").is_none());
    }
}
