//! The queue: items in order per conversation, one in flight at a time, each attempt's request
//! ([`SendJob`]), its outcome, merging the copies other tabs store, and pruning what was sent.
//! Checking an unknown outcome is in [`super::reconcile`].

use serde::Serialize;

use super::item::{LocalId, OutboxItem, SendKind, SendState};
use crate::api::Transport;
use crate::api::{ApiError, Client, Conversation, ConversationId};
use crate::i18n::{Key, Locale, error_text};
use crate::sync::json;

/// At most this many sent items are kept (the newest); older ones go.
pub const MAX_SENT_KEPT: usize = 50;

/// Sent items older than this go (ms): a day.
pub const SENT_MAX_AGE_MS: u64 = 24 * 60 * 60 * 1000;

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
/// Stored one item per key (see `state::session::sends`), each with its `Serialize` derive, and
/// read back by [`OutboxItem::from_value`]: two tabs never overwrite each other's items, and of
/// two copies of one item the higher [`rev`](OutboxItem::rev) wins ([`Outbox::merge`]).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Outbox {
    pub(super) items: Vec<OutboxItem>,
}

impl Outbox {
    /// Reads a stored outbox of the single-key form earlier versions wrote (`{"items": […]}`),
    /// keeping every item that can be read: an unreadable item (written by another version, or
    /// damaged) is skipped and counted, never the reason to lose the others. `None` when the
    /// text is no outbox at all.
    #[must_use]
    pub fn from_stored(json: &str) -> Option<(Self, usize)> {
        let v = serde_json::from_str::<serde_json::Value>(json).ok()?;
        let stored = json::object(&v)?.get("items")?.as_array()?;
        let items: Vec<OutboxItem> = stored.iter().filter_map(OutboxItem::from_value).collect();
        let skipped = stored.len() - items.len();
        Some((Self { items }, skipped))
    }

    /// An empty outbox.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// An outbox of items read from storage after a reload (or from a tab that went away):
    /// items that were sending become `NeedsReconcile` (their POST may have left), checked at
    /// once, never posted again blindly.
    #[must_use]
    pub fn restored(mut self, locale: Locale) -> Self {
        self.adopt_sending(locale);
        self
    }

    /// Taking the queue over from a tab that went away: its items that were sending (and are
    /// in shared storage) become `NeedsReconcile`. Returns them.
    pub fn adopt_sending(&mut self, locale: Locale) -> Vec<LocalId> {
        let mut adopted = Vec::new();
        for item in self.items.iter_mut().filter(|i| !i.local_only) {
            if item.state == SendState::Sending {
                item.adopt(locale);
                adopted.push(item.local_id);
            }
        }
        adopted
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

    pub(super) fn item_mut(&mut self, id: LocalId) -> Option<&mut OutboxItem> {
        self.items.iter_mut().find(|i| i.local_id == id)
    }

    /// A conversation's items, oldest first.
    pub fn for_conversation(&self, id: ConversationId) -> impl Iterator<Item = &OutboxItem> {
        self.items.iter().filter(move |i| i.conversation == id)
    }

    /// Queues a send under a fresh random id. Nothing typed is lost: the item stays until
    /// sent-and-seen or discarded.
    pub fn enqueue(
        &mut self,
        conversation: ConversationId,
        kind: SendKind,
        text: impl Into<String>,
        now_ms: u64,
    ) -> LocalId {
        let mut local_id = LocalId::random();
        while self.item(local_id).is_some() {
            local_id = LocalId::random();
        }
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
            rev: 1,
            check_after: None,
            local_only: false,
        });
        local_id
    }

    /// Takes in a stored copy of an item (another tab wrote it, or it was read at start): a new
    /// item is added, a known one replaced when the copy's revision is higher. Returns whether
    /// anything changed.
    pub fn merge(&mut self, mut copy: OutboxItem) -> bool {
        match self.item_mut(copy.local_id) {
            Some(mine) if copy.rev > mine.rev => {
                copy.check_after = mine.check_after;
                *mine = copy;
                true
            }
            Some(_) => false,
            None => {
                self.items.push(copy);
                self.items.sort_by_key(|i| (i.created_at, i.local_id));
                true
            }
        }
    }

    /// Another tab removed an item from storage (sent and pruned, or discarded there). Removed
    /// here too unless only this tab knows its latest state. Returns whether it was removed.
    pub fn forget(&mut self, id: LocalId) -> bool {
        let before = self.items.len();
        self.items.retain(|i| i.local_id != id || i.local_only);
        before != self.items.len()
    }

    /// Marks whether the item's latest state is in shared storage.
    pub fn set_local_only(&mut self, id: LocalId, local_only: bool) {
        if let Some(item) = self.item_mut(id) {
            item.local_only = local_only;
        }
    }

    /// Items that may start now: per conversation, the first queued item when no earlier item
    /// of that conversation is sending or waiting for its first check.
    #[must_use]
    pub fn ready(&self) -> Vec<LocalId> {
        let mut busy: Vec<ConversationId> = Vec::new();
        let mut out = Vec::new();
        for item in &self.items {
            if busy.contains(&item.conversation) {
                continue;
            }
            match item.state {
                // Until its first check, an unknown outcome holds the conversation's later items
                // back (it is most likely there, and they go after it); once a check did not
                // show it, they go on while it is checked again in the background.
                SendState::Sending | SendState::NeedsReconcile { checks: 0, .. } => {
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
        item.rev += 1;
        Some(SendJob {
            local_id: item.local_id,
            conversation: item.conversation,
            kind: item.kind,
            text: item.text.clone(),
        })
    }

    /// Sending → Queued again: the record that the POST is about to leave could not be written,
    /// so it did not leave (nothing may go out that a reload could post a second time).
    pub fn unbegin(&mut self, id: LocalId) {
        if let Some(item) = self.item_mut(id) {
            if item.state == SendState::Sending {
                item.state = SendState::Queued;
                item.started_at = None;
                item.rev += 1;
            }
        }
    }

    /// Sending → Sent (the server answered with the conversation).
    pub fn on_success(&mut self, id: LocalId, conversation: &Conversation) {
        if let Some(item) = self.item_mut(id) {
            if item.state == SendState::Sending {
                item.set(SendState::Sent {
                    server_time: conversation.last_message_date,
                });
            }
        }
    }

    /// Sending → Failed (definite rejection) or NeedsReconcile (unknown outcome).
    pub fn on_error(&mut self, id: LocalId, error: &ApiError, locale: Locale) {
        if let Some(item) = self.item_mut(id) {
            if item.state != SendState::Sending {
                return;
            }
            item.set(if error.is_definite_rejection() {
                SendState::Failed {
                    message: error_text(error, locale),
                }
            } else {
                SendState::NeedsReconcile {
                    reason: error_text(error, locale),
                    checks: 0,
                    then_retry: false,
                }
            });
        }
    }

    /// Items whose next check is due at `now` (monotonic ms).
    #[must_use]
    pub fn needs_reconcile(&self, now: u64) -> Vec<(LocalId, ConversationId)> {
        self.items
            .iter()
            .filter(|i| matches!(i.state, SendState::NeedsReconcile { .. }))
            .filter(|i| i.check_after.is_none_or(|at| at <= now))
            .map(|i| (i.local_id, i.conversation))
            .collect()
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

    /// The sent items to drop: older than `max_age_ms` (wall ms), or beyond the newest
    /// [`MAX_SENT_KEPT`]. Items still in progress or waiting for the operator always stay.
    #[must_use]
    pub fn prunable(&self, now_ms: u64, max_age_ms: u64) -> Vec<LocalId> {
        let sent: Vec<&OutboxItem> = self.items.iter().filter(|i| i.state.is_sent()).collect();
        let excess = sent.len().saturating_sub(MAX_SENT_KEPT);
        sent.iter()
            .enumerate()
            .filter(|(n, i)| *n < excess || now_ms.saturating_sub(i.created_at) > max_age_ms)
            .map(|(_, i)| i.local_id)
            .collect()
    }

    /// Drops what [`prunable`](Self::prunable) names.
    pub fn prune_sent(&mut self, now_ms: u64, max_age_ms: u64) -> Vec<LocalId> {
        let gone = self.prunable(now_ms, max_age_ms);
        self.items.retain(|i| !gone.contains(&i.local_id));
        gone
    }
}

impl OutboxItem {
    /// A new state, one revision later.
    pub(super) fn set(&mut self, state: SendState) {
        self.state = state;
        self.check_after = None;
        self.rev += 1;
    }

    /// Taken over from a page that went away: if it was sending, its POST may have left.
    fn adopt(&mut self, locale: Locale) {
        if self.state == SendState::Sending {
            self.set(SendState::NeedsReconcile {
                reason: Key::OutboxReloaded.text(locale).to_owned(),
                checks: 0,
                then_retry: false,
            });
        }
    }
}
