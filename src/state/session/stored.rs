//! What a session keeps in storage and shares with the other tabs of its origin: one key per
//! outbox item and per draft (`sync::shared`), written as they change, merged (never
//! overwritten) when another tab or widget writes them, and a write that fails reported once
//! (notice + `error` event) while the data stays in this tab.
//!
//! Another tab's writes arrive as `storage` events; every write is also announced on a
//! `BroadcastChannel` per namespace, which reaches the other widgets of the same page too (the
//! `storage` event does not fire in the document that wrote).

use std::rc::Rc;

use super::clock::now_ms;
use super::machine::Session;
use super::reducers::SendsAction;
use crate::i18n::Key;
use crate::state::events::HostEvent;
use crate::sync::drafts::Drafts;
use crate::sync::outbox::{LocalId, SENT_MAX_AGE_MS};
use crate::sync::shared::{item_name, parse_item_name, read_item, read_outbox};

impl Session {
    /// Writes an item's latest state to storage. `false` when storage refused: the item is
    /// then this tab's alone (it drives it) and the failure is reported.
    pub(super) fn store_item(&self, id: LocalId) -> bool {
        let json = {
            let outbox = self.outbox.borrow();
            let Some(item) = outbox.item(id) else {
                return true;
            };
            serde_json::to_string(item).ok()
        };
        let stored = json.is_some_and(|json| self.write(&item_name(id), &json));
        self.outbox.borrow_mut().set_local_only(id, !stored);
        stored
    }

    /// Removes an item's stored copy after its write failed (a stale "queued" copy must not
    /// stay behind); `true` when storage no longer holds it. The item becomes this tab's alone.
    pub(super) fn forget_stored(&self, id: LocalId) -> bool {
        let gone = !self.storage.is_shared() || self.remove_key(&item_name(id));
        if gone {
            self.outbox.borrow_mut().set_local_only(id, true);
        }
        gone
    }

    /// Removes an item from storage (discarded or pruned).
    pub(super) fn unstore_item(&self, id: LocalId) {
        if self.storage.is_shared() && !self.remove_key(&item_name(id)) {
            self.storage_failed();
        }
    }

    /// Writes one key; a failure is reported (once until a write succeeds again).
    pub(super) fn write(&self, name: &str, value: &str) -> bool {
        let ok = self.storage.set(name, value).is_ok();
        if ok {
            self.storage_reported.set(false);
            self.announce(name);
        } else {
            self.storage_failed();
        }
        ok
    }

    /// Removes one key; `true` when storage no longer holds it.
    pub(super) fn remove_key(&self, name: &str) -> bool {
        let ok = self.storage.remove(name).is_ok();
        if ok {
            self.announce(name);
        }
        ok
    }

    /// Tells the other widgets of this namespace (this page's and other tabs') that `name`
    /// changed; they read it from storage.
    fn announce(&self, name: &str) {
        if let Some(channel) = self.channel.borrow().as_ref() {
            let _ = channel.post_message(&wasm_bindgen::JsValue::from_str(name));
        }
    }

    fn storage_failed(&self) {
        if self.storage.is_shared() && !self.storage_reported.replace(true) {
            self.emit(HostEvent::Error(
                Key::StorageWriteFailed.text(self.locale()).to_owned(),
            ));
        }
    }

    /// Shows the outbox (and whether storage holds it) to the components.
    pub(super) fn publish_outbox(&self) {
        let outbox = self.outbox.borrow().clone();
        self.dispatch.sends.dispatch(SendsAction::Outbox(outbox));
        self.dispatch
            .sends
            .dispatch(SendsAction::Degraded(self.storage.is_degraded()));
    }

    /// Drops sent items older than a day or beyond the newest few, here and in storage.
    pub(super) fn prune_outbox(&self) {
        let gone = self
            .outbox
            .borrow_mut()
            .prune_sent(now_ms(), SENT_MAX_AGE_MS);
        for id in gone {
            self.unstore_item(id);
        }
    }

    /// Whether this tab owns the shared send queue now.
    pub(super) fn is_queue_owner(&self) -> bool {
        self.owner
            .borrow()
            .as_ref()
            .is_some_and(|o| o.check(&self.storage, now_ms()))
    }

    /// This tab became the queue's owner: what the tab before it left is taken over. Items it
    /// was sending may have gone out, so they are checked, never posted again blindly.
    pub(super) fn take_over(self: &Rc<Self>) {
        if self.stopped.get() {
            return;
        }
        let (stored, _) = read_outbox(&self.storage);
        let adopted = {
            let mut outbox = self.outbox.borrow_mut();
            for item in stored.items() {
                outbox.merge(item.clone());
            }
            outbox.adopt_sending(self.locale())
        };
        for id in adopted {
            self.store_item(id);
        }
        self.prune_outbox();
        self.publish_outbox();
        self.drive_outbox();
    }

    /// Another tab changed a key of this widget's storage (`key` `None`: it cleared storage).
    /// The value is read from storage now, not taken from the event: an event queued before
    /// this tab's own later write of the same key carries the older text, and taking it would
    /// show a draft storage no longer holds (tests/sync_shared.rs, the two-tab drafts property).
    pub(super) fn on_storage(self: &Rc<Self>, key: Option<String>) {
        let Some(key) = key else { return };
        if let Some(name) = self.storage.name_of(&key) {
            let value = self.storage.get(name);
            self.on_changed(name, value);
        }
    }

    /// Another widget of this namespace announced a change of `name` (read from storage).
    pub(super) fn on_announced(self: &Rc<Self>, name: &str) {
        let value = self.storage.get(name);
        self.on_changed(name, value);
    }

    fn on_changed(self: &Rc<Self>, name: &str, value: Option<String>) {
        if self.stopped.get() {
            return;
        }
        if let Some(id) = parse_item_name(name) {
            let changed = match value.as_deref().and_then(read_item) {
                Some(item) if item.local_id == id => self.outbox.borrow_mut().merge(item),
                Some(_) => false,
                None => self.outbox.borrow_mut().forget(id),
            };
            if changed {
                self.publish_outbox();
                self.drive_outbox();
            }
        } else if let Some((conversation, mode)) = Drafts::parse_name(name) {
            if self
                .drafts
                .borrow_mut()
                .adopt(conversation, mode, value.as_deref())
            {
                self.publish_drafted();
            }
        }
    }
}
