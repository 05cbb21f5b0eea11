//! Wire shapes: the conversation object of `fixtures/conversation-start-200.json`, operators,
//! groups and the sandbox's message history.

use serde::{Deserialize, Serialize};

/// A conversation exactly as Blinger shows it (every field of the documented example).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Conversation {
    pub id: i64,
    pub user_id: i64,
    pub operator_user_id: Option<i64>,
    pub from_blinger_user_id: i64,
    pub to_blinger_user_id: i64,
    pub from_user_name: Option<String>,
    pub to_user_name: Option<String>,
    pub application: String,
    pub last_message: Option<String>,
    pub unread_count: i64,
    pub status: String,
    pub date_created: i64,
    pub date_updated: i64,
    pub from_user_avatar: Option<String>,
    pub is_outgoing: bool,
    pub token: String,
    pub is_new_conversation: bool,
    pub waiting_operator_response: bool,
    pub group_id: Option<i64>,
    pub is_inner_message: Option<bool>,
    pub is_operator_last_message: bool,
    pub is_group_closed: bool,
    pub close_group: Option<i64>,
    #[serde(rename = "type")]
    pub kind: String,
    pub comment_post_id: Option<String>,
    pub comment_post_url: Option<String>,
    pub comment_post_title: Option<String>,
    pub comment_post_img: Option<String>,
    pub unassigned_date: Option<i64>,
    pub last_message_date: Option<i64>,
    pub from_user_custom_name: Option<String>,
    #[serde(rename = "toBlingerUser")]
    pub to_blinger_user: BlingerUser,
}

/// The company's channel account a conversation arrived on (`toBlingerUser`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BlingerUser {
    pub id: i64,
    pub service_blinger_id: i64,
    pub blinger_user_id: i64,
    pub is_active: bool,
    pub date_updated: i64,
    pub date_created: i64,
    pub tags: Option<String>,
    pub name: Option<String>,
    pub role: String,
    pub avatar: Option<String>,
    pub application: String,
    pub service_user_id: Option<String>,
    pub status: String,
    pub group_id: Option<i64>,
    pub is_comments: Option<bool>,
    pub page_url: Option<String>,
    pub page_title: Option<String>,
    pub extra_fields: Option<String>,
    pub extra_field_secret_key: String,
    pub custom_name: Option<String>,
}

/// An operator as `GET /api/operators/all` shows it; `name` is only used by webhooks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Operator {
    pub id: i64,
    pub user_id: i64,
    pub owner_user_id: i64,
    pub invite_email: String,
    pub conversations_token: String,
    #[serde(skip)]
    pub name: String,
}

/// An operator group as `GET /api/operators/groups` shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Group {
    pub id: i64,
    pub user_id: i64,
    pub title: String,
    pub priority: i64,
    pub color: String,
    pub is_default: bool,
}

/// What kind of entry a history item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MessageKind {
    /// Written by the client.
    Client,
    /// An operator's text reply.
    Message,
    /// An operator's file (by URL).
    File,
    /// An internal note.
    Note,
}

impl MessageKind {
    /// The stored / wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Client => "client",
            Self::Message => "message",
            Self::File => "file",
            Self::Note => "note",
        }
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "client" => Some(Self::Client),
            "message" => Some(Self::Message),
            "file" => Some(Self::File),
            "note" => Some(Self::Note),
            _ => None,
        }
    }
}

/// One entry of `GET /sandbox/conversations/{id}/messages`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    pub id: i64,
    pub conversation_id: i64,
    pub kind: MessageKind,
    pub text: Option<String>,
    pub file_url: Option<String>,
    pub operator_id: Option<i64>,
    pub from_user_name: Option<String>,
    pub date_created: i64,
}
