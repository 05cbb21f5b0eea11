//! The queue: items in order per conversation, one in flight at a time, each attempt's request
//! ([`SendJob`]), its outcome, and reconciling an unknown outcome against `get`.

use serde::Serialize;

use crate::api::{ApiError, Client, Conversation, ConversationId, Transport};
use crate::sync::json;

/// How far the server clock may be behind the send's start when no prior `last_message_date`
/// was observed (seconds).
pub const CLOCK_SKEW_SECS: i64 = 30;

use super::item::{LocalId, OutboxItem, SendKind, SendState};
use crate::i18n::{Key, Locale, error_text, uncheckable_text};

/// A request to make: the caller calls the matching client function.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SendJob {
    /// The item.
    pub local_id: LocalId,
    /// The conversation.
    pub conversation: ConversationId,
    /// `send_message`, `send_file_message` or `send_note`.
    pub kind: SendKind,
    /// The text or URL.
    pub text: String,
}

impl SendJob {
    /// Makes the request: `send_message`, `send_file_message` or `send_note`. Call it once per
    /// [`Outbox::begin`]; hand the result to [`Outbox::on_success`] / [`Outbox::on_error`].
    ///
    /// # Errors
    /// The client's [`ApiError`].
    pub async fn send<T: Transport>(&self, client: &Client<T>) -> Result<Conversation, ApiError> {
        match self.kind {
            SendKind::Reply => client.send_message(self.conversation, &self.text).await,
            SendKind::File => {
                client
                    .send_file_message(self.conversation, &self.text)
                    .await
            }
            SendKind::Note => client.send_note(self.conversation, &self.text).await,
        }
    }
}

/// The outbox of one widget.
///
/// Stored with its `Serialize` derive and read back by [`Outbox::from_stored`], written by hand
/// over [`serde_json::Value`] (the derive's format and rules, see [`crate::sync::json`]), so the
/// wasm needs no serde-derived deserializer for it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Outbox {
    items: Vec<OutboxItem>,
    next_id: u64,
}

impl Outbox {
    /// Reads a stored outbox, keeping every item that can be read: an unreadable item (written
    /// by another version, or damaged) is skipped and counted, never the reason to lose the
    /// others. `None` when the text is no outbox at all.
    #[must_use]
    pub fn from_stored(json: &str) -> Option<(Self, usize)> {
        Self::from_value(&serde_json::from_str::<serde_json::Value>(json).ok()?)
    }

    fn from_value(v: &serde_json::Value) -> Option<(Self, usize)> {
        let o = json::object(v)?;
        let stored = o.get("items")?.as_array()?;
        let items: Vec<OutboxItem> = stored.iter().filter_map(OutboxItem::from_value).collect();
        let skipped = stored.len() - items.len();
        // A missing or unreadable counter is rebuilt from the items by `restored`.
        let next_id = json::u64_field(o, "next_id").unwrap_or(0);
        Some((Self { items, next_id }, skipped))
    }
}

impl Outbox {
    /// An empty outbox.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// A deserialised outbox after a reload: items that were sending become `NeedsReconcile`
    /// (they may have gone out), and ids stay unique.
    #[must_use]
    pub fn restored(mut self, locale: Locale) -> Self {
        let max = self.items.iter().map(|i| i.local_id.0).max().unwrap_or(0);
        self.next_id = self.next_id.max(max);
        for item in &mut self.items {
            if item.state == SendState::Sending {
                item.state = SendState::NeedsReconcile {
                    reason: Key::OutboxReloaded.text(locale).to_owned(),
                };
            }
        }
        self
    }

    /// All items, oldest first.
    #[must_use]
    pub fn items(&self) -> &[OutboxItem] {
        &self.items
    }

    /// One item.
    #[must_use]
    pub fn item(&self, id: LocalId) -> Option<&OutboxItem> {
        self.items.iter().find(|i| i.local_id == id)
    }

    fn item_mut(&mut self, id: LocalId) -> Option<&mut OutboxItem> {
        self.items.iter_mut().find(|i| i.local_id == id)
    }

    /// A conversation's items, oldest first.
    pub fn for_conversation(&self, id: ConversationId) -> impl Iterator<Item = &OutboxItem> {
        self.items.iter().filter(move |i| i.conversation == id)
    }

    /// Queues a send. Nothing typed is lost: the item stays until sent-and-seen or discarded.
    pub fn enqueue(
        &mut self,
        conversation: ConversationId,
        kind: SendKind,
        text: impl Into<String>,
        now_ms: u64,
    ) -> LocalId {
        self.next_id += 1;
        let local_id = LocalId(self.next_id);
        self.items.push(OutboxItem {
            local_id,
            conversation,
            kind,
            text: text.into(),
            state: SendState::Queued,
            created_at: now_ms,
            started_at: None,
            baseline_date: None,
            baseline_text: None,
        });
        local_id
    }

    /// Items that may start now: per conversation, the first queued item when no earlier item
    /// of that conversation is sending or reconciling.
    #[must_use]
    pub fn ready(&self) -> Vec<LocalId> {
        let mut busy: Vec<ConversationId> = Vec::new();
        let mut out = Vec::new();
        for item in &self.items {
            if busy.contains(&item.conversation) {
                continue;
            }
            match item.state {
                SendState::Sending | SendState::NeedsReconcile { .. } => {
                    busy.push(item.conversation);
                }
                SendState::Queued => {
                    out.push(item.local_id);
                    busy.push(item.conversation);
                }
                _ => {}
            }
        }
        out
    }

    /// Queued → Sending. `seen` is the conversation as last observed (its `last_message` and
    /// `last_message_date` are the baseline for a later reconcile). `None` when the item is not
    /// queued or must wait for an earlier one.
    pub fn begin(
        &mut self,
        id: LocalId,
        seen: Option<&Conversation>,
        now_ms: u64,
    ) -> Option<SendJob> {
        if !self.ready().contains(&id) {
            return None;
        }
        let item = self.item_mut(id)?;
        item.state = SendState::Sending;
        item.started_at = Some(now_ms);
        item.baseline_date = seen.and_then(|c| c.last_message_date);
        item.baseline_text = seen.and_then(|c| c.last_message.clone());
        Some(SendJob {
            local_id: item.local_id,
            conversation: item.conversation,
            kind: item.kind,
            text: item.text.clone(),
        })
    }

    /// Sending → Sent (the server answered with the conversation).
    pub fn on_success(&mut self, id: LocalId, conversation: &Conversation) {
        if let Some(item) = self.item_mut(id) {
            if item.state == SendState::Sending {
                item.state = SendState::Sent {
                    server_time: conversation.last_message_date,
                };
            }
        }
    }

    /// Sending → Failed (definite rejection) or NeedsReconcile (unknown outcome).
    pub fn on_error(&mut self, id: LocalId, error: &ApiError, locale: Locale) {
        if let Some(item) = self.item_mut(id) {
            if item.state != SendState::Sending {
                return;
            }
            item.state = if error.is_definite_rejection() {
                SendState::Failed {
                    message: error_text(error, locale),
                }
            } else {
                SendState::NeedsReconcile {
                    reason: error_text(error, locale),
                }
            };
        }
    }

    /// Items waiting for a `get` of their conversation.
    #[must_use]
    pub fn needs_reconcile(&self) -> Vec<(LocalId, ConversationId)> {
        self.items
            .iter()
            .filter(|i| matches!(i.state, SendState::NeedsReconcile { .. }))
            .map(|i| (i.local_id, i.conversation))
            .collect()
    }

    /// NeedsReconcile → Sent when `conversation` (from `get`) shows this send as its last
    /// message, else Unconfirmed. Returns the new state.
    pub fn reconcile(
        &mut self,
        id: LocalId,
        conversation: &Conversation,
        locale: Locale,
    ) -> Option<SendState> {
        let item = self.item_mut(id)?;
        if !matches!(item.state, SendState::NeedsReconcile { .. }) {
            return Some(item.state.clone());
        }
        item.state = if shows_send(item, conversation) {
            SendState::Sent {
                server_time: conversation.last_message_date,
            }
        } else {
            SendState::Unconfirmed {
                reason: Key::OutboxNotConfirmed.text(locale).to_owned(),
            }
        };
        Some(item.state.clone())
    }

    /// NeedsReconcile → Unconfirmed when the `get` itself failed.
    pub fn reconcile_failed(&mut self, id: LocalId, error: &ApiError, locale: Locale) {
        if let Some(item) = self.item_mut(id) {
            if matches!(item.state, SendState::NeedsReconcile { .. }) {
                item.state = SendState::Unconfirmed {
                    reason: uncheckable_text(error, locale),
                };
            }
        }
    }

    /// Failed/Unconfirmed → Queued, moved to the end of the queue (the operator's Retry).
    /// Returns `false` for items in any other state.
    pub fn retry(&mut self, id: LocalId) -> bool {
        let Some(pos) = self.items.iter().position(|i| i.local_id == id) else {
            return false;
        };
        if !self
            .items
            .get(pos)
            .is_some_and(|i| i.state.needs_operator())
        {
            return false;
        }
        let mut item = self.items.remove(pos);
        item.state = SendState::Queued;
        item.started_at = None;
        self.items.push(item);
        true
    }

    /// Removes an item (the operator's Discard, or a sent item now shown by history).
    /// Refuses an item that is in flight.
    pub fn discard(&mut self, id: LocalId) -> Option<OutboxItem> {
        let pos = self.items.iter().position(|i| i.local_id == id)?;
        if self
            .items
            .get(pos)
            .is_some_and(|i| i.state == SendState::Sending)
        {
            return None;
        }
        Some(self.items.remove(pos))
    }

    /// Drops sent items older than `max_age_ms` (keeps the persisted outbox small).
    pub fn prune_sent(&mut self, now_ms: u64, max_age_ms: u64) {
        self.items
            .retain(|i| !(i.state.is_sent() && now_ms.saturating_sub(i.created_at) > max_age_ms));
    }
}

/// `true` when `c.last_message` is this item's text (URL for files) and its date is not older
/// than the send (compared with the date observed before sending when there was one).
fn shows_send(item: &OutboxItem, c: &Conversation) -> bool {
    let Some(last) = c.last_message.as_deref() else {
        return false;
    };
    if last.trim() != item.text.trim() {
        return false;
    }
    let Some(date) = c.last_message_date else {
        return false;
    };
    match item.baseline_date {
        Some(base) => {
            date > base
                || (date == base
                    && item.baseline_text.as_deref().map(str::trim) != Some(item.text.trim()))
        }
        None => {
            let started_secs = item.started_at.map_or(0, |ms| (ms / 1000) as i64);
            date >= started_secs - CLOCK_SKEW_SECS
        }
    }
}
