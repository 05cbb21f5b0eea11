//! Sending: the `before-send` hook, the outbox's queue driven one item at a time per
//! conversation, reconciling unknown outcomes against `get`, and persisting the outbox.

use std::rc::Rc;

use super::machine::{SendRequest, Session, now_ms};
use super::reducers::SendsAction;
use crate::api::ConversationId;
use crate::i18n::error_text;
use crate::state::events::HostEvent;
use crate::state::open::OpenAction;
use crate::sync::outbox::{LocalId, SendKind};
use crate::sync::storage::keys;

impl Session {
    /// Queues a send. Returns `None` when the host's `before-send` cancelled it.
    pub fn send(
        self: &Rc<Self>,
        conversation: ConversationId,
        kind: SendKind,
        text: String,
    ) -> Option<LocalId> {
        let request = SendRequest {
            conversation,
            kind,
            text,
        };
        if let Some(hook) = &self.before_send {
            if !hook(&request) {
                return None;
            }
        }
        let id = self
            .outbox
            .borrow_mut()
            .enqueue(conversation, kind, request.text, now_ms());
        self.persist_outbox();
        self.drive_outbox();
        Some(id)
    }

    /// The operator's Retry of a failed or unconfirmed item.
    pub fn retry(self: &Rc<Self>, id: LocalId) {
        if self.outbox.borrow_mut().retry(id) {
            self.persist_outbox();
            self.drive_outbox();
        }
    }

    /// The operator's Discard. Returns the item (its text goes back to the composer).
    pub fn discard(&self, id: LocalId) -> Option<crate::sync::outbox::OutboxItem> {
        let item = self.outbox.borrow_mut().discard(id);
        self.persist_outbox();
        item
    }

    pub(super) fn persist_outbox(&self) {
        let outbox = self.outbox.borrow().clone();
        if let Ok(json) = serde_json::to_string(&outbox) {
            self.storage.set(keys::OUTBOX, &json);
        }
        self.dispatch.sends.dispatch(SendsAction::Outbox(outbox));
        self.dispatch
            .sends
            .dispatch(SendsAction::Degraded(self.storage.is_degraded()));
    }

    /// Shows the outbox and drafts restored at start-up (no write: storage already holds them).
    pub(super) fn publish_sends(&self) {
        let outbox = self.outbox.borrow().clone();
        self.dispatch.sends.dispatch(SendsAction::Outbox(outbox));
        self.dispatch
            .sends
            .dispatch(SendsAction::Degraded(self.storage.is_degraded()));
        self.publish_drafted();
    }

    pub(super) fn drive_outbox(self: &Rc<Self>) {
        if self.stopped.get() {
            return;
        }
        let ready = self.outbox.borrow().ready();
        for local in ready {
            let seen = {
                let outbox = self.outbox.borrow();
                outbox
                    .item(local)
                    .and_then(|i| self.known.borrow().get(&i.conversation).cloned())
            };
            let job = self
                .outbox
                .borrow_mut()
                .begin(local, seen.as_ref(), now_ms());
            let Some(job) = job else { continue };
            self.persist_outbox();
            let this = Rc::clone(self);
            wasm_bindgen_futures::spawn_local(async move {
                let result = job.send(&this.client).await;
                match result {
                    Ok(c) => {
                        this.outbox.borrow_mut().on_success(job.local_id, &c);
                        this.known.borrow_mut().insert(c.id, c.clone());
                        this.patch(&c);
                        this.dispatch.open.dispatch(OpenAction::OwnSend(c));
                        this.emit(match job.kind {
                            SendKind::Note => HostEvent::NoteAdded {
                                conversation: job.conversation,
                                local_id: job.local_id.0,
                            },
                            kind => HostEvent::MessageSent {
                                conversation: job.conversation,
                                local_id: job.local_id.0,
                                kind,
                            },
                        });
                    }
                    Err(e) => {
                        this.note_error(&e);
                        this.outbox
                            .borrow_mut()
                            .on_error(job.local_id, &e, this.config.locale);
                        if e.is_definite_rejection() {
                            this.emit(HostEvent::MessageFailed {
                                conversation: job.conversation,
                                local_id: job.local_id.0,
                                message: error_text(&e, this.config.locale),
                            });
                        }
                    }
                }
                this.persist_outbox();
                this.reconcile_pending();
                this.refresh();
                this.drive_outbox();
            });
        }
        self.reconcile_pending();
    }

    pub(super) fn reconcile_pending(self: &Rc<Self>) {
        let wanted = self.outbox.borrow().needs_reconcile();
        for (local, conversation) in wanted {
            if self.reconciling.borrow().contains(&local) {
                continue;
            }
            self.reconciling.borrow_mut().push(local);
            let this = Rc::clone(self);
            wasm_bindgen_futures::spawn_local(async move {
                let got = this.client.get(conversation).await;
                this.reconciling.borrow_mut().retain(|l| *l != local);
                if this.stopped.get() {
                    return;
                }
                let state = match &got {
                    Ok(c) => this
                        .outbox
                        .borrow_mut()
                        .reconcile(local, c, this.config.locale),
                    Err(e) => {
                        this.outbox
                            .borrow_mut()
                            .reconcile_failed(local, e, this.config.locale);
                        None
                    }
                };
                if let Ok(c) = got {
                    this.known.borrow_mut().insert(c.id, c.clone());
                    this.dispatch.open.dispatch(OpenAction::Fetched(c));
                }
                if let Some(state) = state {
                    if !state.is_sent() {
                        let message = match &state {
                            crate::sync::outbox::SendState::Unconfirmed { reason } => {
                                reason.clone()
                            }
                            _ => String::new(),
                        };
                        this.emit(HostEvent::MessageFailed {
                            conversation,
                            local_id: local.0,
                            message,
                        });
                    }
                }
                this.persist_outbox();
                this.drive_outbox();
            });
        }
    }

    // ---- drafts --------------------------------------------------------------------------------
}
