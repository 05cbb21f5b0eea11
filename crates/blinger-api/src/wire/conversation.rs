//! A conversation (`data` of `get`, every action and every list element), its channel and status.

use serde_json::Value;

use super::fields::{FieldError, FromWire, Obj, non_blank};
use crate::ids::{ConversationId, GroupId, UserId};

/// The messenger or channel a conversation comes from (`application`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Channel {
    /// Telegram (`telegrambot`, `telegram`)
    Telegram,
    /// WhatsApp
    WhatsApp,
    /// Facebook / Messenger
    Facebook,
    /// Viber
    Viber,
    /// VK
    Vk,
    /// Twitter
    Twitter,
    /// WeChat
    WeChat,
    /// LINE
    Line,
    /// Skype
    Skype,
    /// E-mail
    Email,
    /// Blinger LiveChat (the website widget)
    LiveChat,
    /// Anything else, kept as the server spelled it (empty when absent).
    Other(String),
}

impl Channel {
    /// Reads an `application` value such as `"telegrambot"` or `"livechat"`.
    #[must_use]
    pub fn from_application(app: &str) -> Self {
        let lower = app.trim().to_ascii_lowercase();
        let key = lower.strip_suffix("bot").unwrap_or(&lower);
        let key = key.trim_end_matches(['_', '-']);
        match key {
            "telegram" | "tg" => Self::Telegram,
            "whatsapp" | "wa" => Self::WhatsApp,
            "facebook" | "fb" | "messenger" | "fbmessenger" => Self::Facebook,
            "viber" => Self::Viber,
            "vk" | "vkontakte" => Self::Vk,
            "twitter" | "x" => Self::Twitter,
            "wechat" => Self::WeChat,
            "line" => Self::Line,
            "skype" => Self::Skype,
            "email" | "e-mail" | "mail" | "imap" | "smtp" => Self::Email,
            "livechat" | "live-chat" | "live_chat" | "webchat" => Self::LiveChat,
            _ => Self::Other(app.to_owned()),
        }
    }

    /// A human label ("Telegram", "LiveChat", or the raw value for `Other`).
    #[must_use]
    pub fn label(&self) -> &str {
        match self {
            Self::Telegram => "Telegram",
            Self::WhatsApp => "WhatsApp",
            Self::Facebook => "Facebook",
            Self::Viber => "Viber",
            Self::Vk => "VK",
            Self::Twitter => "Twitter",
            Self::WeChat => "WeChat",
            Self::Line => "LINE",
            Self::Skype => "Skype",
            Self::Email => "E-mail",
            Self::LiveChat => "LiveChat",
            Self::Other(s) => s,
        }
    }
}

/// A conversation's `status`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Status {
    /// Waiting in the unassigned queue.
    Unassigned,
    /// In an operator's inbox.
    Inbox,
    /// Closed.
    Closed,
    /// Anything else, kept as spelled (empty when absent).
    Other(String),
}

impl Status {
    /// Reads a `status` value.
    #[must_use]
    pub fn parse(s: &str) -> Self {
        match s.trim().to_ascii_lowercase().as_str() {
            "unassigned" => Self::Unassigned,
            "inbox" => Self::Inbox,
            "closed" => Self::Closed,
            _ => Self::Other(s.to_owned()),
        }
    }

    /// The wire spelling (`unassigned` / `inbox` / `closed` / the raw value).
    #[must_use]
    pub fn as_str(&self) -> &str {
        match self {
            Self::Unassigned => "unassigned",
            Self::Inbox => "inbox",
            Self::Closed => "closed",
            Self::Other(s) => s,
        }
    }
}

/// A conversation, as the widget uses it. Secrets of the wire object are not kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conversation {
    /// `id`
    pub id: ConversationId,
    /// Display name: `from_user_custom_name` ▸ `from_user_name` ▸ `"Client #<id>"`.
    pub client_name: String,
    /// From `application`.
    pub channel: Channel,
    /// `last_message` (a file's URL for file messages, a note's text for notes).
    pub last_message: Option<String>,
    /// `last_message_date`, Unix seconds.
    pub last_message_date: Option<i64>,
    /// `unread_count` (0 when absent).
    pub unread_count: u32,
    /// `status`
    pub status: Status,
    /// `operator_user_id`: the assignee's **user** id (0/null = nobody).
    pub operator_user_id: Option<UserId>,
    /// `group_id` (0/null = none).
    pub group_id: Option<GroupId>,
    /// `date_created`, Unix seconds.
    pub date_created: Option<i64>,
    /// `date_updated`, Unix seconds.
    pub date_updated: Option<i64>,
    /// `waiting_operator_response`
    pub waiting_operator_response: bool,
    /// `is_operator_last_message`
    pub is_operator_last_message: bool,
    /// `is_inner_message`: the last message is an internal note.
    pub is_inner_message: bool,
    /// `is_new_conversation`
    pub is_new_conversation: bool,
    /// `unassigned_date`, Unix seconds.
    pub unassigned_date: Option<i64>,
    /// `from_user_avatar`, only when it is an `http(s)` URL.
    pub avatar_url: Option<String>,
    /// `to_user_name`: the company's channel account.
    pub to_user_name: Option<String>,
    /// `type` (`"message"`; probably `"comment"` for post comments).
    pub conversation_type: Option<String>,
    /// `comment_post_title`
    pub comment_post_title: Option<String>,
    /// `comment_post_url`, only when it is an `http(s)` URL.
    pub comment_post_url: Option<String>,
}

impl FromWire for Conversation {
    const KEYS: &'static [&'static str] = &[
        "id",
        "from_user_custom_name",
        "from_user_name",
        "application",
        "status",
        "unread_count",
        "last_message",
        "last_message_date",
        "operator_user_id",
        "group_id",
        "date_created",
        "date_updated",
        "waiting_operator_response",
        "is_operator_last_message",
        "is_inner_message",
        "is_new_conversation",
        "unassigned_date",
        "from_user_avatar",
        "to_user_name",
        "type",
        "comment_post_title",
        "comment_post_url",
    ];

    fn from_wire(v: &Value, path: &str) -> Result<Self, FieldError> {
        let o = Obj::of(v, path)?;
        let id = ConversationId(o.req_u64("id")?);
        let client_name = non_blank(o.opt_string("from_user_custom_name")?)
            .or(non_blank(o.opt_string("from_user_name")?))
            .unwrap_or_else(|| format!("Client #{id}"));
        let channel = match o.opt_string("application")? {
            Some(app) => Channel::from_application(&app),
            None => Channel::Other(String::new()),
        };
        let status = match o.opt_string("status")? {
            Some(s) => Status::parse(&s),
            None => Status::Other(String::new()),
        };
        let unread = o.opt_u64("unread_count")?.unwrap_or(0);
        Ok(Self {
            id,
            client_name,
            channel,
            last_message: o.opt_string("last_message")?,
            last_message_date: o.opt_i64("last_message_date")?,
            unread_count: u32::try_from(unread).unwrap_or(u32::MAX),
            status,
            operator_user_id: o.nonzero_id("operator_user_id")?.map(UserId),
            group_id: o.nonzero_id("group_id")?.map(GroupId),
            date_created: o.opt_i64("date_created")?,
            date_updated: o.opt_i64("date_updated")?,
            waiting_operator_response: o.bool("waiting_operator_response")?,
            is_operator_last_message: o.bool("is_operator_last_message")?,
            is_inner_message: o.bool("is_inner_message")?,
            is_new_conversation: o.bool("is_new_conversation")?,
            unassigned_date: o.opt_i64("unassigned_date")?,
            avatar_url: o.opt_http_url("from_user_avatar")?,
            to_user_name: o.opt_string("to_user_name")?,
            conversation_type: o.opt_string("type")?,
            comment_post_title: o.opt_string("comment_post_title")?,
            comment_post_url: o.opt_http_url("comment_post_url")?,
        })
    }
}
