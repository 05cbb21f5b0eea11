//! One outbox item and its parts: what is sent ([`SendKind`]), its local id, where it is
//! ([`SendState`]), and how each is read back from storage.

use serde::{Deserialize, Serialize};

use crate::api::ConversationId;
use crate::api::MessageKind;
use crate::i18n::Key;
use crate::sync::json;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen::JsCast;

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

/// A local id of an outbox item: random, so two tabs (or two widgets) writing one stored outbox
/// never pick the same id. At most 2^53 − 1, so it is exact as a JavaScript number (host events
/// carry it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct LocalId(pub u64);

impl LocalId {
    /// The largest id (`Number.MAX_SAFE_INTEGER`).
    pub const MAX: u64 = (1 << 53) - 1;

    /// A fresh random id, never 0.
    #[must_use]
    pub fn random() -> Self {
        Self((random_u64() % Self::MAX).saturating_add(1))
    }
}

/// 64 random bits: the browser's `crypto.getRandomValues` when there is one, else
/// `Math.random` (two draws); natively std's per-process random hasher keys over a counter
/// and the clock.
#[cfg(target_arch = "wasm32")]
fn random_u64() -> u64 {
    let mut bytes = [0u8; 8];
    let crypto = js_sys::Reflect::get(&js_sys::global(), &"crypto".into())
        .ok()
        .filter(|c| !c.is_undefined());
    let filled = crypto.is_some_and(|c| {
        let array = js_sys::Uint8Array::new_with_length(8);
        let get = js_sys::Reflect::get(&c, &"getRandomValues".into())
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
        let ok = get.is_some_and(|f| f.call1(&c, &array).is_ok());
        array.copy_to(&mut bytes);
        ok
    });
    if filled {
        u64::from_le_bytes(bytes)
    } else {
        let draw = || (js_sys::Math::random() * 4_294_967_296.0) as u64;
        (draw() << 32) ^ draw()
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn random_u64() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    h.finish()
}

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
    /// The outcome is unknown; checks (a `get`, and the history when configured) must decide.
    NeedsReconcile {
        /// Why (the error's user message).
        reason: String,
        /// Checks made so far that did not show it (the next waits longer:
        /// [`RECONCILE_BACKOFF_MS`](super::RECONCILE_BACKOFF_MS)).
        #[serde(default)]
        checks: u32,
        /// The operator's Retry of an unconfirmed item: one last check, then it goes out again
        /// unless the check shows it arrived after all.
        #[serde(default)]
        then_retry: bool,
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
    /// Revision: every change adds one, so of two stored copies (two tabs) the later wins.
    #[serde(default)]
    pub rev: u64,
    /// Not before this (monotonic ms, this page only): the next check of an unknown outcome.
    #[serde(skip)]
    pub check_after: Option<u64>,
    /// Its latest state is not in shared storage (a write failed): only this tab knows it, so
    /// only this tab drives it.
    #[serde(skip)]
    pub local_only: bool,
}

impl OutboxItem {
    /// Whether a history message says what this item says, as the same kind (a file by its
    /// URL). Dates and authors are the caller's to compare.
    #[must_use]
    pub fn same_content(&self, h: &crate::api::HistoryMessage) -> bool {
        if h.kind != self.kind.message_kind() {
            return false;
        }
        let text = Some(self.text.trim());
        match self.kind {
            SendKind::File => {
                h.file_url.as_deref().map(str::trim) == text
                    || h.text.as_deref().map(str::trim) == text
            }
            SendKind::Reply | SendKind::Note => h.text.as_deref().map(str::trim) == text,
        }
    }
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
            "NeedsReconcile" => {
                let checks = fields
                    .and_then(|o| json::optional(o, "checks", serde_json::Value::as_u64))
                    .flatten()
                    .unwrap_or(0);
                let then_retry = fields
                    .and_then(|o| json::optional(o, "then_retry", serde_json::Value::as_bool))
                    .flatten()
                    .unwrap_or(false);
                text("reason").map(|reason| Self::NeedsReconcile {
                    reason,
                    checks: u32::try_from(checks).unwrap_or(u32::MAX),
                    then_retry,
                })
            }
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
    /// Reads one stored item (the `Serialize` derive's form); `None` when it is not one.
    #[must_use]
    pub fn from_value(v: &serde_json::Value) -> Option<Self> {
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
            rev: json::optional(o, "rev", serde_json::Value::as_u64)?.unwrap_or(0),
            check_after: None,
            local_only: false,
        })
    }
}
