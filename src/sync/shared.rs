//! How a widget's outbox and drafts lie in storage, shared by the tabs of an origin: one key per
//! outbox item (`outbox:{local id}`, its serde JSON with a revision) and per draft
//! (`draft:{conversation}:{mode}`, the text), so that no tab's write overwrites another tab's
//! items or drafts. Reading migrates the single keys earlier versions wrote.

use crate::sync::drafts::{DEFAULT_DEBOUNCE_MS, DEFAULT_MAX_WAIT_MS, Drafts};
use crate::sync::outbox::{LocalId, Outbox, OutboxItem};
use crate::sync::storage::{Persisted, keys};

/// The storage name of an outbox item.
pub fn item_name(id: LocalId) -> String {
    format!("{}{}", keys::OUTBOX_ITEM, id.0)
}

/// The item a storage name names ([`item_name`]'s inverse).
#[must_use]
pub fn parse_item_name(name: &str) -> Option<LocalId> {
    name.strip_prefix(keys::OUTBOX_ITEM)?
        .parse()
        .ok()
        .map(LocalId)
}

/// One stored item read back.
#[must_use]
pub fn read_item(json: &str) -> Option<OutboxItem> {
    OutboxItem::from_value(&serde_json::from_str(json).ok()?)
}

/// Every outbox item in storage (and those of the single key earlier versions wrote, moved to
/// their own keys), with the count of unreadable ones (skipped, the rest kept).
#[must_use]
pub fn read_outbox(storage: &Persisted) -> (Outbox, usize) {
    let mut outbox = Outbox::new();
    let mut unreadable = 0;
    for name in storage.names(keys::OUTBOX_ITEM) {
        match storage.get(&name).as_deref().and_then(read_item) {
            Some(item) if parse_item_name(&name) == Some(item.local_id) => {
                outbox.merge(item);
            }
            _ => unreadable += 1,
        }
    }
    if let Some(json) = storage.get(keys::OUTBOX) {
        match Outbox::from_stored(&json) {
            Some((legacy, skipped)) => {
                unreadable += skipped;
                let mut moved = true;
                for item in legacy.items() {
                    if let Ok(json) = serde_json::to_string(item) {
                        moved &= storage.set(&item_name(item.local_id), &json).is_ok();
                    }
                    outbox.merge(item.clone());
                }
                if moved {
                    let _ = storage.remove(keys::OUTBOX);
                }
            }
            None => unreadable += 1,
        }
    }
    (outbox, unreadable)
}

/// What this operator's storage holds from earlier pages and the other tabs: the outbox, the
/// drafts, and how many stored items could not be read (skipped; the others are kept). Items
/// another tab is sending stay "sending" here: only the queue's owner takes them over.
#[must_use]
pub fn restore(storage: &Persisted) -> (Outbox, Drafts, usize) {
    let (outbox, mut unreadable) = read_outbox(storage);
    let mut drafts = Drafts::new(DEFAULT_DEBOUNCE_MS, DEFAULT_MAX_WAIT_MS);
    for name in storage.names(keys::DRAFT) {
        match (Drafts::parse_name(&name), storage.get(&name)) {
            (Some((conversation, mode)), Some(text)) => {
                drafts.adopt(conversation, mode, Some(&text));
            }
            _ => unreadable += 1,
        }
    }
    if let Some(json) = storage.get(keys::DRAFTS) {
        let (legacy, skipped) =
            Drafts::from_stored(&json, DEFAULT_DEBOUNCE_MS, DEFAULT_MAX_WAIT_MS);
        unreadable += skipped;
        let mut moved = true;
        for (conversation, mode, text) in legacy.entries() {
            if drafts.get(conversation, mode).is_empty() {
                drafts.adopt(conversation, mode, Some(text));
                moved &= storage
                    .set(&Drafts::stored_name(conversation, mode), text)
                    .is_ok();
            }
        }
        if moved {
            let _ = storage.remove(keys::DRAFTS);
        }
    }
    (outbox, drafts, unreadable)
}
