//! Drafts per conversation and composer mode: read, written on every keystroke, saved to storage
//! debounced (and at once before the page goes away).

use std::collections::BTreeSet;

use super::clock::now_ms;
use super::machine::Session;
use super::reducers::SendsAction;
use crate::api::ConversationId;
use crate::sync::drafts::Drafts;
use crate::sync::outbox::SendKind;

impl Session {
    /// The draft of a conversation in a composer mode.
    pub fn draft(&self, conversation: ConversationId, mode: SendKind) -> String {
        self.drafts.borrow().get(conversation, mode).to_owned()
    }

    /// Records what the operator typed (saved debounced).
    pub fn set_draft(&self, conversation: ConversationId, mode: SendKind, text: &str) {
        let had = self.drafts.borrow().has_draft(conversation);
        self.drafts
            .borrow_mut()
            .set(conversation, mode, text, now_ms());
        if had != self.drafts.borrow().has_draft(conversation) {
            self.publish_drafted();
        }
    }

    /// Writes pending draft changes to storage now (the page is being hidden or unloaded: the
    /// debounce would lose the last keystrokes).
    pub fn save_drafts(&self) {
        self.flush_drafts(true);
    }

    /// Clears a draft after it was sent.
    pub fn clear_draft(&self, conversation: ConversationId, mode: SendKind) {
        self.drafts.borrow_mut().clear(conversation, mode, now_ms());
        self.flush_drafts(true);
        self.publish_drafted();
    }

    pub(super) fn publish_drafted(&self) {
        let drafts = self.drafts.borrow();
        // Inserted one by one: collecting into a set sorts first, another copy of the sort.
        let mut ids = BTreeSet::new();
        for id in self.known.borrow().keys() {
            if drafts.has_draft(*id) {
                ids.insert(*id);
            }
        }
        self.dispatch.sends.dispatch(SendsAction::Drafted(ids));
    }

    pub(super) fn flush_drafts(&self, force: bool) {
        let due = {
            let drafts = self.drafts.borrow();
            drafts.is_dirty() && (force || drafts.should_flush(now_ms()))
        };
        if !due {
            return;
        }
        let dirty = self.drafts.borrow_mut().take_dirty();
        for (conversation, mode, text) in dirty {
            let name = Drafts::stored_name(conversation, mode);
            match text {
                Some(text) => {
                    self.write(&name, &text);
                }
                None => {
                    self.remove_key(&name);
                }
            }
        }
        self.dispatch
            .sends
            .dispatch(SendsAction::Degraded(self.storage.is_degraded()));
    }
}
