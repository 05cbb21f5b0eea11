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

use std::collections::HashMap;

use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::error::ApiError;
use super::ids::{ConversationId, GroupId, OperatorId, UserId};
use super::transport::HttpResponse;

/// Longest server message kept in an error (a hostile server could send megabytes).
const MAX_MESSAGE_CHARS: usize = 500;

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

/// An operator (for the assignment picker).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Operator {
    /// `id`: what a request's `operator_id` means.
    pub id: OperatorId,
    /// `user_id`: what a conversation's `operator_user_id` holds.
    pub user_id: UserId,
    /// `invite_email` (the API has no display name).
    pub email: String,
}

/// An operator group.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Group {
    /// `id`
    pub id: GroupId,
    /// `title`
    pub title: String,
    /// `color`, only when it is a valid `#rgb` / `#rrggbb`.
    pub color: Option<String>,
    /// `priority` (0 when absent).
    pub priority: i64,
    /// `is_default`
    pub is_default: bool,
}

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

/// One list element that could not be decoded and was skipped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeIssue {
    /// Position in the list.
    pub index: usize,
    /// Path of the bad field, e.g. `data[3].id`.
    pub path: String,
    /// What was wrong.
    pub message: String,
}

/// A decoded list: the elements that decoded, and a report of those that did not.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listed<T> {
    /// Decoded elements, in server order.
    pub items: Vec<T>,
    /// Skipped elements.
    pub skipped: Vec<DecodeIssue>,
}

impl<T> Listed<T> {
    /// Keeps a decoded element, or reports the one at `index` that did not decode.
    fn push(&mut self, index: usize, decoded: Result<T, FieldError>) {
        match decoded {
            Ok(item) => self.items.push(item),
            Err(e) => self.skipped.push(DecodeIssue {
                index,
                path: e.path,
                message: e.message,
            }),
        }
    }
}

impl<T> Default for Listed<T> {
    fn default() -> Self {
        Self {
            items: Vec::new(),
            skipped: Vec::new(),
        }
    }
}

/// A field that failed to decode.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct FieldError {
    pub(crate) path: String,
    pub(crate) message: String,
}

impl FieldError {
    fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            message: message.into(),
        }
    }
}

impl From<FieldError> for ApiError {
    fn from(e: FieldError) -> Self {
        Self::Decode {
            path: e.path,
            message: e.message,
        }
    }
}

/// `true` for `http://…` / `https://…` URLs (any case) with a host.
#[must_use]
pub fn is_http_url(s: &str) -> bool {
    super::config::is_absolute_http(s.trim())
}

/// `true` for `#rgb` / `#rrggbb`.
#[must_use]
pub fn is_hex_color(s: &str) -> bool {
    s.strip_prefix('#').is_some_and(|hex| {
        (hex.len() == 3 || hex.len() == 6) && hex.chars().all(|c| c.is_ascii_hexdigit())
    })
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn as_u64(v: &Value) -> Option<u64> {
    match v {
        Value::Number(n) => n.as_u64().or_else(|| {
            n.as_f64()
                .filter(|f| f.is_finite() && f.fract() == 0.0 && *f >= 0.0 && *f < 1.8e19)
                .map(|f| f as u64)
        }),
        Value::String(s) => s.trim().parse::<u64>().ok(),
        _ => None,
    }
}

fn as_i64(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64().or_else(|| {
            n.as_f64()
                .filter(|f| f.is_finite() && f.fract() == 0.0 && f.abs() < 9.2e18)
                .map(|f| f as i64)
        }),
        Value::String(s) => s.trim().parse::<i64>().ok(),
        _ => None,
    }
}

fn as_bool(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::Number(n) => match n.as_u64() {
            Some(0) => Some(false),
            Some(1) => Some(true),
            _ => None,
        },
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "1" | "true" | "yes" => Some(true),
            "0" | "false" | "no" | "" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// An object being decoded, with its path for error messages.
struct Obj<'a> {
    map: &'a Map<String, Value>,
    path: &'a str,
}

impl<'a> Obj<'a> {
    fn of(v: &'a Value, path: &'a str) -> Result<Self, FieldError> {
        match v {
            Value::Object(map) => Ok(Self { map, path }),
            other => Err(FieldError::new(
                path,
                format!("expected an object, found {}", type_name(other)),
            )),
        }
    }

    fn at(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_owned()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    /// The value, treating `null` as absent.
    fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    fn opt_u64(&self, key: &str) -> Result<Option<u64>, FieldError> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => as_u64(v).map(Some).ok_or_else(|| {
                FieldError::new(
                    self.at(key),
                    format!("expected a non-negative integer, found {}", type_name(v)),
                )
            }),
        }
    }

    fn req_u64(&self, key: &str) -> Result<u64, FieldError> {
        self.opt_u64(key)?
            .ok_or_else(|| FieldError::new(self.at(key), "missing"))
    }

    fn opt_i64(&self, key: &str) -> Result<Option<i64>, FieldError> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => as_i64(v).map(Some).ok_or_else(|| {
                FieldError::new(
                    self.at(key),
                    format!("expected an integer, found {}", type_name(v)),
                )
            }),
        }
    }

    fn req_i64(&self, key: &str) -> Result<i64, FieldError> {
        self.opt_i64(key)?
            .ok_or_else(|| FieldError::new(self.at(key), "missing"))
    }

    fn bool(&self, key: &str) -> Result<bool, FieldError> {
        match self.get(key) {
            None => Ok(false),
            Some(v) => as_bool(v).ok_or_else(|| {
                FieldError::new(
                    self.at(key),
                    format!("expected a boolean, found {}", type_name(v)),
                )
            }),
        }
    }

    fn opt_string(&self, key: &str) -> Result<Option<String>, FieldError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(Value::Number(n)) => Ok(Some(n.to_string())),
            Some(Value::Bool(b)) => Ok(Some(b.to_string())),
            Some(v) => Err(FieldError::new(
                self.at(key),
                format!("expected a string, found {}", type_name(v)),
            )),
        }
    }

    /// A string that is kept only when it is an `http(s)` URL; other strings become `None`.
    fn opt_http_url(&self, key: &str) -> Result<Option<String>, FieldError> {
        Ok(self
            .opt_string(key)?
            .map(|s| s.trim().to_owned())
            .filter(|s| is_http_url(s)))
    }

    fn nonzero_id(&self, key: &str) -> Result<Option<u64>, FieldError> {
        // assumptions::ZERO_ID_MEANS_NONE
        Ok(self.opt_u64(key)?.filter(|v| *v != 0))
    }
}

fn non_blank(s: Option<String>) -> Option<String> {
    s.filter(|s| !s.trim().is_empty())
}

/// Something decodable from one JSON value at a path.
pub(crate) trait FromWire: Sized {
    /// The members of the object `from_wire` reads (empty: it may read any). A list element is
    /// parsed keeping only these ([`Only`]); the rest is checked, not kept.
    const KEYS: &'static [&'static str] = &[];

    fn from_wire(v: &Value, path: &str) -> Result<Self, FieldError>;
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

impl FromWire for Operator {
    fn from_wire(v: &Value, path: &str) -> Result<Self, FieldError> {
        let o = Obj::of(v, path)?;
        Ok(Self {
            id: OperatorId(o.req_u64("id")?),
            user_id: UserId(o.req_u64("user_id")?),
            email: o.opt_string("invite_email")?.unwrap_or_default(),
        })
    }
}

impl FromWire for Group {
    fn from_wire(v: &Value, path: &str) -> Result<Self, FieldError> {
        let o = Obj::of(v, path)?;
        Ok(Self {
            id: GroupId(o.req_u64("id")?),
            title: o.opt_string("title")?.unwrap_or_default(),
            color: o
                .opt_string("color")?
                .map(|c| c.trim().to_owned())
                .filter(|c| is_hex_color(c)),
            priority: o.opt_i64("priority")?.unwrap_or(0),
            is_default: o.bool("is_default")?,
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

fn clip(s: &str) -> String {
    if s.chars().count() <= MAX_MESSAGE_CHARS {
        s.to_owned()
    } else {
        let mut out: String = s.chars().take(MAX_MESSAGE_CHARS).collect();
        out.push('…');
        out
    }
}

fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => clip(s),
        other => clip(&other.to_string()),
    }
}

/// Parses a `Retry-After` header (whole seconds only).
#[must_use]
pub fn parse_retry_after(v: Option<&str>) -> Option<u64> {
    // assumptions::RETRY_AFTER_SECONDS_ONLY
    v.and_then(|s| s.trim().parse::<u64>().ok())
}

/// The error for an HTTP (or envelope) status and the envelope's `error` value.
fn error_for(status: u16, error: Option<&Value>, retry_after: Option<u64>) -> ApiError {
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
fn envelope_status(v: &Value) -> Option<u16> {
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

fn decode_one<T: FromWire>(resp: &HttpResponse) -> Result<T, ApiError> {
    let data = parse_envelope(resp)?;
    T::from_wire(&data, "data").map_err(ApiError::from)
}

fn decode_list<T: FromWire>(resp: &HttpResponse) -> Result<Listed<T>, ApiError> {
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

/// Decoded list elements by their exact JSON text, kept from one answer of a list to the next.
/// Decoding is a pure function of an element's text, so an element whose bytes did not change
/// is not decoded again: when 10 of 1000 conversations changed, 10 are.
#[derive(Debug)]
pub struct ElementCache<T> {
    by_text: TextMap<T>,
}

/// Element texts are ~1 KB each and a list answer has up to 1000: SipHash (std's default)
/// spent 5 ms of a first render hashing them; foldhash (hashbrown's default hasher) a fraction.
type TextMap<T> = HashMap<Box<str>, T, foldhash::fast::RandomState>;

impl<T> Default for ElementCache<T> {
    fn default() -> Self {
        Self {
            by_text: TextMap::default(),
        }
    }
}

impl<T> ElementCache<T> {
    /// How many decoded elements it holds (those of the last answer).
    #[must_use]
    pub fn len(&self) -> usize {
        self.by_text.len()
    }

    /// `true` when it holds nothing.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.by_text.is_empty()
    }
}

/// The elements of a plain successful list answer as raw JSON slices, or `None` for anything
/// else (an error, an error envelope, no `data` array, a repeated member…), which the general
/// path then decodes exactly as always.
fn raw_elements(resp: &HttpResponse) -> Option<Vec<&RawValue>> {
    if !(200..300).contains(&resp.status) {
        return None;
    }
    // A derived struct also reads a JSON array (as its fields in order): `[[], null, null]`
    // would pass for an envelope with an empty `data`. Only an object is an envelope.
    if !resp.body.trim_start().starts_with('{') {
        return None;
    }
    // One pass over the answer: the envelope and its elements' extents together.
    let top: RawEnvelope<'_> = serde_json::from_str(&resp.body).ok()?;
    if top.error.is_some_and(|e| e.get() != "null") {
        return None;
    }
    if let Some(status) = top.status {
        let status = serde_json::from_str::<Value>(status.get()).ok()?;
        if envelope_status(&status).is_some_and(|s| s >= 400) {
            return None;
        }
    }
    top.data
}

/// A list answer's envelope with its elements left as raw JSON.
#[derive(serde::Deserialize)]
struct RawEnvelope<'a> {
    #[serde(borrow)]
    data: Option<Vec<&'a RawValue>>,
    #[serde(borrow)]
    status: Option<&'a RawValue>,
    #[serde(borrow)]
    error: Option<&'a RawValue>,
}

fn decode_list_cached<T: FromWire + Clone>(
    resp: &HttpResponse,
    cache: &mut ElementCache<T>,
) -> Result<Listed<T>, ApiError> {
    let Some(elements) = raw_elements(resp) else {
        return decode_list(resp);
    };
    let mut next = TextMap::with_capacity_and_hasher(elements.len(), Default::default());
    let mut out = Listed {
        items: Vec::with_capacity(elements.len()),
        skipped: Vec::new(),
    };
    for (index, raw) in elements.iter().enumerate() {
        let text = raw.get();
        let known = if cache.by_text.is_empty() {
            None
        } else {
            cache.by_text.remove(text)
        };
        let item = match known {
            Some(item) => Ok(item),
            None => match parse_element(text, T::KEYS) {
                Ok(v) => T::from_wire(&v, &format!("data[{index}]")),
                // (e.g. a number out of range) the general path reports it as it always did
                Err(_) => return decode_list(resp),
            },
        };
        if let Ok(item) = &item {
            next.insert(text.into(), item.clone());
        }
        out.push(index, item);
    }
    cache.by_text = next;
    Ok(out)
}

/// One list element's JSON as a `Value`, keeping only the members in `keys` (all when empty).
/// An error for anything `Value` parsing would refuse, and for an element that is not an
/// object when `keys` is not empty (the caller's general path then decodes the answer).
fn parse_element(text: &str, keys: &'static [&'static str]) -> serde_json::Result<Value> {
    if keys.is_empty() {
        return serde_json::from_str(text);
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let value = serde::de::DeserializeSeed::deserialize(Only(keys), &mut de)?;
    de.end()?;
    Ok(value)
}

/// Reads a JSON object keeping only the members named in `.0`, each as the `Value` full parsing
/// would give (a repeated member: the last one, as in a `Value`). The other members (the
/// nested `toBlingerUser`, …) are not kept, but checked as strictly as `Value` parsing checks
/// them ([`Checked`]): an element that full parsing refuses is refused here too.
struct Only(&'static [&'static str]);

impl<'de> serde::de::DeserializeSeed<'de> for Only {
    type Value = Value;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Only {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        let mut map = Map::new();
        while let Some(key) = access.next_key_seed(KnownKey(self.0))? {
            match key {
                Some(key) => {
                    map.insert(key.to_owned(), access.next_value()?);
                }
                None => access.next_value::<Checked>().map(drop)?,
            }
        }
        Ok(Value::Object(map))
    }
}

/// A member's name: which of the wanted ones it is, if any (no copy of it is made).
struct KnownKey(&'static [&'static str]);

impl<'de> serde::de::DeserializeSeed<'de> for KnownKey {
    type Value = Option<&'static str>;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl serde::de::Visitor<'_> for KnownKey {
    type Value = Option<&'static str>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a member name")
    }

    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(self.0.iter().find(|k| **k == v).copied())
    }
}

/// Any JSON value, accepted exactly when `Value` would accept it (the same `deserialize_any`
/// path: numbers, strings and nesting depth are checked alike), without keeping anything.
struct Checked;

impl<'de> serde::Deserialize<'de> for Checked {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(Checked)
    }
}

impl<'de> serde::de::Visitor<'de> for Checked {
    type Value = Checked;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<Checked, E> {
        Ok(Checked)
    }

    fn visit_i64<E>(self, _: i64) -> Result<Checked, E> {
        Ok(Checked)
    }

    fn visit_u64<E>(self, _: u64) -> Result<Checked, E> {
        Ok(Checked)
    }

    fn visit_f64<E>(self, _: f64) -> Result<Checked, E> {
        Ok(Checked)
    }

    fn visit_str<E>(self, _: &str) -> Result<Checked, E> {
        Ok(Checked)
    }

    fn visit_unit<E>(self) -> Result<Checked, E> {
        Ok(Checked)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Checked, A::Error> {
        while seq.next_element::<Checked>()?.is_some() {}
        Ok(Checked)
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Checked, A::Error> {
        while map.next_entry::<Checked, Checked>()?.is_some() {}
        Ok(Checked)
    }
}

/// [`decode_conversations`] that decodes only the elements not in `cache` (and leaves the
/// cache holding this answer's). Same result, element for element.
///
/// # Errors
/// As [`decode_conversations`].
pub fn decode_conversations_cached(
    resp: &HttpResponse,
    cache: &mut ElementCache<Conversation>,
) -> Result<Listed<Conversation>, ApiError> {
    decode_list_cached(resp, cache)
}

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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

    use super::*;

    /// The documented conversation, as a list element.
    fn documented() -> Map<String, Value> {
        let v: Value =
            serde_json::from_str(include_str!("fixtures/conversation-start-200.json")).unwrap();
        v["data"].as_object().unwrap().clone()
    }

    fn decoded(element: &Map<String, Value>) -> Conversation {
        Conversation::from_wire(&Value::Object(element.clone()), "").unwrap()
    }

    #[test]
    fn conversations_read_only_the_members_they_list() {
        let full = documented();
        let expected = decoded(&full);
        // Every member outside KEYS can go without changing the conversation...
        for key in full
            .keys()
            .filter(|k| !Conversation::KEYS.contains(&k.as_str()))
        {
            let mut less = full.clone();
            less.remove(key);
            assert_eq!(decoded(&less), expected, "{key} is read: list it in KEYS");
        }
        // ...and the element parsed keeping only KEYS decodes the same.
        let text = Value::Object(full.clone()).to_string();
        let only = parse_element(&text, Conversation::KEYS).unwrap();
        assert_eq!(Conversation::from_wire(&only, "").unwrap(), expected);
        assert!(only.as_object().unwrap().len() <= Conversation::KEYS.len());
    }

    #[test]
    fn a_filtered_element_is_refused_where_a_value_is() {
        let keys = Conversation::KEYS;
        for text in [
            r#"{"id": 1, "extra": 1e400}"#,
            r#"{"id": 1, "extra": "\ud800"}"#,
            r#"{"id": 1, "extra": [1, }"#,
            r#"[1, 2]"#,
            r#""text""#,
        ] {
            assert!(parse_element(text, keys).is_err(), "{text}");
        }
        let deep = format!(
            "{{\"id\": 1, \"extra\": {}1{}}}",
            "[".repeat(200),
            "]".repeat(200)
        );
        assert!(serde_json::from_str::<Value>(&deep).is_err());
        assert!(parse_element(&deep, keys).is_err(), "nesting depth");
        // A repeated member: the last one, as in a Value.
        let v = parse_element(r#"{"id": 1, "id": 2, "x": {"y": [true]}}"#, keys).unwrap();
        assert_eq!(v, serde_json::json!({"id": 2}));
    }
}
