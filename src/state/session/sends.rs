//! Sending: the `before-send` hook, the outbox's queue driven one item at a time per
//! conversation by the tab that owns it ([`owner`](super::owner)), the record that a POST is
//! about to leave written before it leaves, and unknown outcomes checked against `get` and the
//! history with backoff.

use std::rc::Rc;

use super::approval::SendRequest;
use super::approval::{Approval, SendStart};
use super::clock::{mono_ms, now_ms};
use super::handover::Posting;
use super::machine::Session;
use super::reducers::{Restored, SendsAction};
use crate::api::ConversationId;
use crate::i18n::error_text;
use crate::state::events::HostEvent;
use crate::state::open::OpenAction;
use crate::sync::outbox::{Evidence, LocalId, OutboxItem, SendKind, SendState};

impl Session {
    /// Queues a send once the host's `before-send` approves it (at once, or when its Promise
    /// resolves `true`; `false`, a rejection or no answer in time cancel and keep the text).
    ///
    /// The item is written to storage before anything else; if the write fails it stays in
    /// this tab (which then sends it itself) and the failure is reported.
    pub fn send(
        self: &Rc<Self>,
        conversation: ConversationId,
        kind: SendKind,
        text: String,
    ) -> SendStart {
        let request = SendRequest {
            conversation,
            kind,
            text,
        };
        if self.approvals.borrow().contains(&request) {
            return SendStart::AwaitingHost;
        }
        let approval = match &self.before_send {
            Some(hook) => hook(&request),
            None => Approval::Now(true),
        };
        match approval {
            Approval::Now(true) => SendStart::Queued(self.enqueue(request)),
            Approval::Now(false) => SendStart::Cancelled,
            Approval::Later(answer) => {
                self.approvals.borrow_mut().push(request.clone());
                let this = Rc::clone(self);
                wasm_bindgen_futures::spawn_local(async move {
                    let approved = answer.await;
                    this.approvals.borrow_mut().retain(|r| *r != request);
                    // Replaced meanwhile by a session of the same namespace: it is queued there
                    // (unmounted, or another operator's: not sent, the text stays in its draft).
                    let target = if this.stopped.get() {
                        match this.successor.borrow().upgrade() {
                            Some(next) if next.same_namespace(&this) => next,
                            _ => return,
                        }
                    } else {
                        Rc::clone(&this)
                    };
                    if !approved || target.stopped.get() {
                        return;
                    }
                    let (conversation, kind) = (request.conversation, request.kind);
                    let sent = request.text.clone();
                    target.enqueue(request);
                    // What the operator typed since stays; the approved text leaves the draft.
                    if target.draft(conversation, kind).trim() == sent.trim() {
                        target.clear_draft(conversation, kind);
                        target.tell_composer(conversation, kind);
                    }
                });
                SendStart::AwaitingHost
            }
        }
    }

    fn enqueue(self: &Rc<Self>, request: SendRequest) -> LocalId {
        let id = self.outbox.borrow_mut().enqueue(
            request.conversation,
            request.kind,
            request.text,
            now_ms(),
        );
        self.store_item(id);
        self.publish_outbox();
        self.drive_outbox();
        id
    }

    /// The draft of a conversation and mode changed outside the composer: it shows it again.
    fn tell_composer(&self, conversation: ConversationId, kind: SendKind) {
        let serial = self.restores.get() + 1;
        self.restores.set(serial);
        self.dispatch
            .sends
            .dispatch(SendsAction::Restored(Restored {
                conversation,
                kind,
                serial,
            }));
    }

    /// The operator's Retry of a failed or unconfirmed item (an unconfirmed one is checked
    /// once more before it goes out again).
    pub fn retry(self: &Rc<Self>, id: LocalId) {
        if self.outbox.borrow_mut().retry(id, self.locale()) {
            self.store_item(id);
            self.publish_outbox();
            self.drive_outbox();
        }
    }

    /// The operator's Discard. The text is not lost: it goes back into the draft of its
    /// conversation and mode (after what is already typed there), and the composer shows it.
    pub fn discard(&self, id: LocalId) -> Option<OutboxItem> {
        let item = self.outbox.borrow_mut().discard(id)?;
        let typed = self.draft(item.conversation, item.kind);
        let text = if typed.trim().is_empty() {
            item.text.clone()
        } else {
            format!("{typed}\n{}", item.text)
        };
        self.set_draft(item.conversation, item.kind, &text);
        self.save_drafts();
        self.unstore_item(id);
        self.publish_outbox();
        let serial = self.restores.get() + 1;
        self.restores.set(serial);
        self.dispatch
            .sends
            .dispatch(SendsAction::Restored(Restored {
                conversation: item.conversation,
                kind: item.kind,
                serial,
            }));
        Some(item)
    }

    /// `true` while a `Retry-After` holds every request to the host.
    fn held(&self) -> bool {
        mono_ms() < self.hold_until.get()
    }

    /// Whether this tab may post `item`: it owns the queue, or only this tab knows the item.
    fn drives(&self, item: &OutboxItem, owner: bool) -> bool {
        owner || item.local_only
    }

    pub(super) fn drive_outbox(self: &Rc<Self>) {
        // Offline, or the server asked this host to wait (Retry-After): held, not failed.
        if self.stopped.get() || !self.online.get() || self.held() {
            return;
        }
        let owner = self.is_queue_owner();
        let ready = self.outbox.borrow().ready();
        for local in ready {
            let seen = {
                let outbox = self.outbox.borrow();
                match outbox.item(local) {
                    Some(i) if self.drives(i, owner) => {
                        Some(self.known.borrow().get(&i.conversation).cloned())
                    }
                    _ => None,
                }
            };
            let Some(seen) = seen else { continue };
            let job = self
                .outbox
                .borrow_mut()
                .begin(local, seen.as_ref(), now_ms());
            let Some(job) = job else { continue };
            // Persist before POST: a reload (or the next owner) must find it "sending" and
            // check it, never post it again.
            if !self.store_item(local) && !self.forget_stored(local) {
                // Storage still says "queued" and cannot be changed: posting now could post it
                // twice. It stays queued here and is tried again at the next tick.
                self.outbox.borrow_mut().unbegin(local);
                continue;
            }
            self.publish_outbox();
            let this = Rc::clone(self);
            let posting = Posting::start(self);
            wasm_bindgen_futures::spawn_local(async move {
                let result = job.send(&this.sender).await;
                let _posting = posting;
                // Unmounted: nothing more is written or told; the next owner checks the item.
                // Replaced by a new session: what became of it is written and told, no more.
                let handed_over = this.stopped.get();
                if handed_over && !this.retiring.get() {
                    return;
                }
                match result {
                    Ok(c) => {
                        this.outbox.borrow_mut().on_success(job.local_id, &c);
                        if !handed_over {
                            this.known.borrow_mut().insert(c.id, c.clone());
                            this.patch(&c);
                            this.dispatch.open.dispatch(OpenAction::OwnSend(c));
                        }
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
                        if !handed_over {
                            this.note_error(&e);
                        }
                        this.outbox
                            .borrow_mut()
                            .on_error(job.local_id, &e, this.locale());
                        if e.is_definite_rejection() {
                            this.emit(HostEvent::MessageFailed {
                                conversation: job.conversation,
                                local_id: job.local_id.0,
                                message: error_text(&e, this.locale()),
                            });
                        }
                    }
                }
                this.store_item(job.local_id);
                if handed_over {
                    return;
                }
                this.prune_outbox();
                this.publish_outbox();
                this.reconcile_pending();
                this.refresh();
                this.drive_outbox();
            });
        }
        self.reconcile_pending();
    }

    /// Checks every item whose outcome is unknown and whose next check is due.
    pub(super) fn reconcile_pending(self: &Rc<Self>) {
        if self.stopped.get() || self.held() {
            return;
        }
        let owner = self.is_queue_owner();
        let wanted = self.outbox.borrow().needs_reconcile(mono_ms());
        for (local, conversation) in wanted {
            let drives = self
                .outbox
                .borrow()
                .item(local)
                .is_some_and(|i| self.drives(i, owner));
            if !drives || self.reconciling.borrow().contains(&local) {
                continue;
            }
            self.reconciling.borrow_mut().push(local);
            let this = Rc::clone(self);
            wasm_bindgen_futures::spawn_local(async move {
                let got = this.client.get(conversation).await;
                let history = match &got {
                    Ok(_) => this.client.history(conversation).await.ok().flatten(),
                    Err(_) => None,
                };
                this.reconciling.borrow_mut().retain(|l| *l != local);
                if this.stopped.get() {
                    return;
                }
                let state = match &got {
                    Ok(c) => {
                        let evidence = Evidence {
                            conversation: c,
                            history: history.as_ref().map(|h| h.items.as_slice()),
                            me: this.operator_id(),
                        };
                        this.outbox.borrow_mut().reconcile(
                            local,
                            &evidence,
                            mono_ms(),
                            this.locale(),
                        )
                    }
                    Err(e) => {
                        this.note_error(e);
                        this.outbox.borrow_mut().reconcile_failed(
                            local,
                            e,
                            mono_ms(),
                            this.locale(),
                        );
                        this.outbox.borrow().item(local).map(|i| i.state.clone())
                    }
                };
                if let Ok(c) = got {
                    this.known.borrow_mut().insert(c.id, c.clone());
                    this.dispatch.open.dispatch(OpenAction::Fetched(c));
                }
                if let Some(SendState::Unconfirmed { reason }) = &state {
                    this.emit(HostEvent::MessageFailed {
                        conversation,
                        local_id: local.0,
                        message: reason.clone(),
                    });
                }
                this.store_item(local);
                this.publish_outbox();
                this.drive_outbox();
            });
        }
    }
}
