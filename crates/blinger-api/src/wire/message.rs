//! One message of a conversation's history (the history extension's format, see
//! [`crate::assumptions::HISTORY_ID_PLACEHOLDER`]).

use serde_json::Value;

use super::fields::{FieldError, FromWire, Obj};
use crate::ids::{ConversationId, OperatorId};

/// What a history message is.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum MessageKind {
    /// From the client.
    Client,
    /// An operator's reply.
    Message,
    /// A file sent by URL.
    File,
    /// An internal note.
    Note,
    /// Anything else, kept as spelled.
    Other(String),
}

impl MessageKind {
    /// Reads a `kind` value.
    #[must_use]
    pub fn parse(s: &str) -> Self {
        match s.trim().to_ascii_lowercase().as_str() {
            "client" => Self::Client,
            "message" => Self::Message,
            "file" => Self::File,
            "note" => Self::Note,
            _ => Self::Other(s.to_owned()),
        }
    }

    /// The wire spelling (also the `data-kind` test hook value).
    #[must_use]
    pub fn as_str(&self) -> &str {
        match self {
            Self::Client => "client",
            Self::Message => "message",
            Self::File => "file",
            Self::Note => "note",
            Self::Other(s) => s,
        }
    }
}

/// One message of the (sandbox-only) history endpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HistoryMessage {
    /// `id`
    pub id: u64,
    /// `conversation_id`
    pub conversation_id: ConversationId,
    /// `kind`
    pub kind: MessageKind,
    /// `text`
    pub text: Option<String>,
    /// `file_url`, only when it is an `http(s)` URL.
    pub file_url: Option<String>,
    /// `operator_id` of the operator who wrote it.
    pub operator_id: Option<OperatorId>,
    /// `from_user_name`
    pub from_user_name: Option<String>,
    /// `date_created`, Unix seconds.
    pub date_created: i64,
}

impl HistoryMessage {
    /// The history format, as [`decode_history`](super::decode_history) reads it: every member
    /// present (`null` where absent). A server serving a history (the gateway) writes it with this.
    #[must_use]
    pub fn to_wire(&self) -> Value {
        serde_json::json!({
            "id": self.id,
            "conversation_id": self.conversation_id,
            "kind": self.kind.as_str(),
            "text": self.text,
            "file_url": self.file_url,
            "operator_id": self.operator_id,
            "from_user_name": self.from_user_name,
            "date_created": self.date_created,
        })
    }
}

impl FromWire for HistoryMessage {
    fn from_wire(v: &Value, path: &str) -> Result<Self, FieldError> {
        let o = Obj::of(v, path)?;
        Ok(Self {
            id: o.req_u64("id")?,
            conversation_id: ConversationId(o.req_u64("conversation_id")?),
            kind: match o.opt_string("kind")? {
                Some(k) => MessageKind::parse(&k),
                None => MessageKind::Other(String::new()),
            },
            text: o.opt_string("text")?,
            file_url: o.opt_http_url("file_url")?,
            operator_id: o.nonzero_id("operator_id")?.map(OperatorId),
            from_user_name: o.opt_string("from_user_name")?,
            date_created: o.req_i64("date_created")?,
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::restriction)] // tests unwrap, index and panic
    use super::*;
    use crate::HttpResponse;

    #[test]
    fn to_wire_reads_back() {
        let m = HistoryMessage {
            id: 3,
            conversation_id: ConversationId(9),
            kind: MessageKind::File,
            text: None,
            file_url: Some("https://example.com/a.png".to_owned()),
            operator_id: Some(OperatorId(2)),
            from_user_name: None,
            date_created: 1_700_000_000,
        };
        let body = serde_json::json!({"status": 200, "data": [m.to_wire()]}).to_string();
        let listed = super::super::decode_history(&HttpResponse::new(200, body)).unwrap();
        assert_eq!(listed.items, vec![m]);
    }
}
