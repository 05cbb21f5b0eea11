//! Conversation actions (take, close, unassign, assign): the 5 s undo window of Close and
//! Unassign, and what the answer changes.

use std::rc::Rc;

use super::handover::Posting;
use super::machine::Session;
use crate::api::ConversationId;
use crate::i18n::error_text;
use crate::state::events::HostEvent;
use crate::state::open::{Action, ActionState, OpenAction};

impl Session {
    /// Runs a header action on the open conversation; Close and Unassign wait for Undo first.
    pub fn act(self: &Rc<Self>, action: Action) {
        let Some(id) = self.open_id.get() else { return };
        let undo_ms = self.config.borrow().undo_ms;
        if action.kind().has_undo() && undo_ms > 0 {
            let until = js_sys::Date::now() + f64::from(undo_ms);
            self.schedule(id, action, u64::from(undo_ms), until);
        } else {
            self.call_action(id, action);
        }
    }

    /// Cancels a scheduled Close or Unassign.
    pub fn undo(&self) {
        if self.undo.borrow_mut().take().is_some() {
            self.dispatch
                .open
                .dispatch(OpenAction::Action(ActionState::Idle));
        }
    }

    /// Hides a failed action's error (the operator's Dismiss).
    pub fn dismiss_action_error(&self) {
        self.dispatch
            .open
            .dispatch(OpenAction::Action(ActionState::Idle));
    }

    pub(super) fn call_action(self: &Rc<Self>, id: ConversationId, action: Action) {
        let kind = action.kind();
        self.dispatch
            .open
            .dispatch(OpenAction::Action(ActionState::Pending(kind)));
        let this = Rc::clone(self);
        let posting = Posting::start(self);
        wasm_bindgen_futures::spawn_local(async move {
            let result = match action {
                Action::Take => this.sender.start(id).await,
                Action::Close => this.sender.close(id).await,
                Action::Unassign => this.sender.unassign(id).await,
                Action::AssignOperator(op) => this.sender.assign_operator(id, op).await,
                Action::AssignGroup(g) => this.sender.assign_group(id, g).await,
            };
            let _posting = posting;
            // Replaced by a new session (an option changed): the answer is still shown and told;
            // unmounted: nothing more.
            let handed_over = this.stopped.get();
            if handed_over && !this.retiring.get() {
                return;
            }
            match result {
                Ok(c) => {
                    if !handed_over {
                        this.known.borrow_mut().insert(id, c.clone());
                        this.patch(&c);
                    }
                    this.dispatch.open.dispatch(OpenAction::Fetched(c.clone()));
                    this.dispatch.open.dispatch(OpenAction::Acknowledge);
                    this.dispatch
                        .open
                        .dispatch(OpenAction::Action(ActionState::Idle));
                    let (operator, group) = match action {
                        Action::AssignOperator(op) => (Some(op), None),
                        Action::AssignGroup(g) => (None, Some(g)),
                        Action::Take | Action::Close | Action::Unassign => (None, None),
                    };
                    match action {
                        Action::Close => this.emit(HostEvent::Closed(id)),
                        _ => this.emit(HostEvent::Assigned {
                            conversation: id,
                            operator,
                            group,
                            status: c.status.as_str().to_owned(),
                        }),
                    }
                }
                Err(e) => {
                    if !handed_over {
                        this.note_error(&e);
                    }
                    let message = error_text(&e, this.locale());
                    this.emit(HostEvent::Error(message.clone()));
                    this.dispatch
                        .open
                        .dispatch(OpenAction::Action(ActionState::Failed { kind, message }));
                }
            }
            if !handed_over {
                this.refresh();
            }
        });
    }
}
