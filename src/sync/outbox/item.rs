//! One outbox item and its parts: what is sent ([`SendKind`]), its local id, where it is
//! ([`SendState`]), and how each is read back from storage.

use serde::{Deserialize, Serialize};

use crate::api::ConversationId;
use crate::api::MessageKind;
use crate::i18n::Key;
use crate::sync::json;

macro_rules! send_kinds {
    ($($(#[$attr:meta])* $kind:ident: mode $mode:literal, shown as $shown:ident,
        words ($placeholder:ident, $button:ident, $label:ident);)*) => {
        /// What a composer sends: a reply, a file by URL, or an internal note. Also the composer
        /// mode. Every form of a kind is declared beside it, in [`send_kinds!`].
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum SendKind {
            $($(#[$attr])* $kind,)*
        }

        impl SendKind {
            /// Every kind, in the composer's tab order.
            pub const ALL: &'static [SendKind] = &[$(SendKind::$kind),*];

            /// The history message kind it shows up as.
            #[must_use]
            pub const fn message_kind(self) -> MessageKind {
                match self {
                    $(SendKind::$kind => MessageKind::$shown,)*
                }
            }

            /// The composer mode's name (`data-mode` of the composer and its tab's test id
            /// suffix).
            #[must_use]
            pub const fn mode_name(self) -> &'static str {
                match self {
                    $(SendKind::$kind => $mode,)*
                }
            }

            /// The composer's words in this mode: placeholder, submit button, mode tab.
            #[must_use]
            pub const fn composer_keys(self) -> (Key, Key, Key) {
                match self {
                    $(SendKind::$kind => (Key::$placeholder, Key::$button, Key::$label),)*
                }
            }

            /// The name it is stored under (serde's unit-variant form).
            #[must_use]
            pub const fn stored_name(self) -> &'static str {
                match self {
                    $(SendKind::$kind => stringify!($kind),)*
                }
            }
        }
    };
}

send_kinds! {
    /// A text reply to the client.
    Reply: mode "reply", shown as Message, words (ReplyPlaceholder, Send, ModeReply);
    /// A file, by `http(s)` URL.
    File: mode "file", shown as File, words (FilePlaceholder, SendFile, ModeFile);
    /// An internal note.
    Note: mode "note", shown as Note, words (NotePlaceholder, AddNote, ModeNote);
}

impl SendKind {
    /// The `data-kind` test-hook value of the timeline entry, the history's `kind` and the host
    /// events' `kind` (`message` / `file` / `note`).
    #[must_use]
    pub fn timeline_kind(self) -> &'static str {
        match self.message_kind() {
            MessageKind::Message => "message",
            MessageKind::File => "file",
            MessageKind::Note => "note",
            MessageKind::Client => "client",
            MessageKind::Other(_) => "other",
        }
    }
}

/// A local id of an outbox item, unique within one outbox.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct LocalId(pub u64);

impl std::fmt::Display for LocalId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "local-{}", self.0)
    }
}

/// Where an item is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SendState {
    /// Waiting to go out.
    Queued,
    /// The request is in flight.
    Sending,
    /// The outcome is unknown; a `get` must decide.
    NeedsReconcile {
        /// Why (the error's user message).
        reason: String,
    },
    /// The server has it.
    Sent {
        /// The server's `last_message_date` after the send, when known (Unix seconds).
        server_time: Option<i64>,
    },
    /// The server refused it; the operator may retry or discard.
    Failed {
        /// The server's message, in user words.
        message: String,
    },
    /// It may or may not have arrived; the operator may retry or discard.
    Unconfirmed {
        /// Why it is unknown.
        reason: String,
    },
}

impl SendState {
    /// The `data-state` test-hook value: `sending` / `sent` / `failed` / `unconfirmed`.
    #[must_use]
    pub const fn hook(&self) -> &'static str {
        match self {
            Self::Queued | Self::Sending | Self::NeedsReconcile { .. } => "sending",
            Self::Sent { .. } => "sent",
            Self::Failed { .. } => "failed",
            Self::Unconfirmed { .. } => "unconfirmed",
        }
    }

    /// `true` for `Sent`.
    #[must_use]
    pub const fn is_sent(&self) -> bool {
        matches!(self, Self::Sent { .. })
    }

    /// `true` while the widget is still working on it (queued, sending, reconciling).
    #[must_use]
    pub const fn is_in_progress(&self) -> bool {
        matches!(
            self,
            Self::Queued | Self::Sending | Self::NeedsReconcile { .. }
        )
    }

    /// `true` when the operator must act (retry or discard).
    #[must_use]
    pub const fn needs_operator(&self) -> bool {
        matches!(self, Self::Failed { .. } | Self::Unconfirmed { .. })
    }
}

/// One thing the operator sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxItem {
    /// Local id.
    pub local_id: LocalId,
    /// The conversation.
    pub conversation: ConversationId,
    /// Reply, file or note.
    pub kind: SendKind,
    /// The text (the URL for a file).
    pub text: String,
    /// Where it is.
    pub state: SendState,
    /// When the operator pressed send (Unix ms, `Date.now()`).
    pub created_at: u64,
    /// When the last attempt started (Unix ms, `Date.now()`: compared with server seconds).
    pub started_at: Option<u64>,
    /// The conversation's `last_message_date` seen before the last attempt.
    pub baseline_date: Option<i64>,
    /// The conversation's `last_message` seen before the last attempt.
    pub baseline_text: Option<String>,
}

impl SendKind {
    /// The stored form (`"Reply"`, …) read back.
    pub(crate) fn from_value(v: &serde_json::Value) -> Option<Self> {
        let (name, content) = json::variant(v)?;
        if !json::is_unit(content) {
            return None;
        }
        Self::ALL.iter().copied().find(|k| k.stored_name() == name)
    }
}

impl SendState {
    pub(super) fn from_value(v: &serde_json::Value) -> Option<Self> {
        let (name, content) = json::variant(v)?;
        let unit = json::is_unit(content);
        let fields = content.and_then(json::object);
        let text = |key: &str| {
            fields
                .and_then(|o| json::str_field(o, key))
                .map(str::to_owned)
        };
        match name {
            "Queued" if unit => Some(Self::Queued),
            "Sending" if unit => Some(Self::Sending),
            "NeedsReconcile" => text("reason").map(|reason| Self::NeedsReconcile { reason }),
            "Sent" => fields
                .and_then(|o| json::optional(o, "server_time", serde_json::Value::as_i64))
                .map(|server_time| Self::Sent { server_time }),
            "Failed" => text("message").map(|message| Self::Failed { message }),
            "Unconfirmed" => text("reason").map(|reason| Self::Unconfirmed { reason }),
            _ => None,
        }
    }
}

impl OutboxItem {
    pub(super) fn from_value(v: &serde_json::Value) -> Option<Self> {
        let o = json::object(v)?;
        Some(Self {
            local_id: LocalId(json::u64_field(o, "local_id")?),
            conversation: ConversationId(json::u64_field(o, "conversation")?),
            kind: SendKind::from_value(o.get("kind")?)?,
            text: json::str_field(o, "text")?.to_owned(),
            state: SendState::from_value(o.get("state")?)?,
            created_at: json::u64_field(o, "created_at")?,
            started_at: json::optional(o, "started_at", serde_json::Value::as_u64)?,
            baseline_date: json::optional(o, "baseline_date", serde_json::Value::as_i64)?,
            baseline_text: json::optional(o, "baseline_text", serde_json::Value::as_str)?
                .map(str::to_owned),
        })
    }
}
