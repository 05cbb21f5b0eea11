//! Conversation actions (take, close, unassign, assign): the 5 s undo window of Close and
//! Unassign, and what the answer changes.

use std::rc::Rc;

use super::machine::Session;
use crate::api::ConversationId;
use crate::i18n::error_text;
use crate::state::events::HostEvent;
use crate::state::open::{Action, ActionState, OpenAction};

impl Session {
    /// Runs a header action on the open conversation; Close and Unassign wait for Undo first.
    pub fn act(self: &Rc<Self>, action: Action) {
        let Some(id) = self.open_id.get() else { return };
        let kind = action.kind();
        if kind.has_undo() && self.config.undo_ms > 0 {
            let until = js_sys::Date::now() + f64::from(self.config.undo_ms);
            self.dispatch
                .open
                .dispatch(OpenAction::Action(ActionState::Scheduled { kind, until }));
            let this = Rc::clone(self);
            let timer = gloo_timers::callback::Timeout::new(self.config.undo_ms, move || {
                this.undo.borrow_mut().take();
                this.call_action(id, action);
            });
            *self.undo.borrow_mut() = Some(timer);
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
        wasm_bindgen_futures::spawn_local(async move {
            let result = match action {
                Action::Take => this.client.start(id).await,
                Action::Close => this.client.close(id).await,
                Action::Unassign => this.client.unassign(id).await,
                Action::AssignOperator(op) => this.client.assign_operator(id, op).await,
                Action::AssignGroup(g) => this.client.assign_group(id, g).await,
            };
            if this.stopped.get() {
                return;
            }
            match result {
                Ok(c) => {
                    this.known.borrow_mut().insert(id, c.clone());
                    this.patch(&c);
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
                    this.note_error(&e);
                    let message = error_text(&e, this.config.locale);
                    this.emit(HostEvent::Error(message.clone()));
                    this.dispatch
                        .open
                        .dispatch(OpenAction::Action(ActionState::Failed { kind, message }));
                }
            }
            this.refresh();
        });
    }
}
