//! Conversation actions (take, close, unassign, assign): the 5 s undo window of Close and
//! Unassign, and what the answer changes.

use std::rc::Rc;

use super::machine::Session;
use crate::api::{ConversationId, GroupId, OperatorId};
use crate::state::events::HostEvent;
use crate::state::open::{ActionKind, ActionState, OpenAction};

impl Session {
    /// Runs a header action on the open conversation; Close and Unassign wait for Undo first.
    pub fn act(
        self: &Rc<Self>,
        kind: ActionKind,
        operator: Option<OperatorId>,
        group: Option<GroupId>,
    ) {
        let Some(id) = self.open_id.get() else { return };
        if kind.has_undo() && self.config.undo_ms > 0 {
            let until = js_sys::Date::now() + f64::from(self.config.undo_ms);
            self.dispatch
                .open
                .dispatch(OpenAction::Action(ActionState::Scheduled { kind, until }));
            let this = Rc::clone(self);
            let timer = gloo_timers::callback::Timeout::new(self.config.undo_ms, move || {
                this.undo.borrow_mut().take();
                this.call_action(id, kind, operator, group);
            });
            *self.undo.borrow_mut() = Some(timer);
        } else {
            self.call_action(id, kind, operator, group);
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

    pub(super) fn call_action(
        self: &Rc<Self>,
        id: ConversationId,
        kind: ActionKind,
        operator: Option<OperatorId>,
        group: Option<GroupId>,
    ) {
        self.dispatch
            .open
            .dispatch(OpenAction::Action(ActionState::Pending(kind)));
        let this = Rc::clone(self);
        wasm_bindgen_futures::spawn_local(async move {
            let result = match (kind, operator, group) {
                (ActionKind::Take, _, _) => this.client.start(id).await,
                (ActionKind::Close, _, _) => this.client.close(id).await,
                (ActionKind::Unassign, _, _) => this.client.unassign(id).await,
                (ActionKind::AssignOperator, Some(op), _) => {
                    this.client.assign_operator(id, op).await
                }
                (ActionKind::AssignGroup, _, Some(g)) => this.client.assign_group(id, g).await,
                _ => return,
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
                    match kind {
                        ActionKind::Close => this.emit(HostEvent::Closed(id)),
                        ActionKind::Take
                        | ActionKind::AssignOperator
                        | ActionKind::AssignGroup
                        | ActionKind::Unassign => this.emit(HostEvent::Assigned {
                            conversation: id,
                            operator,
                            group,
                            status: c.status.as_str().to_owned(),
                        }),
                    }
                }
                Err(e) => {
                    this.note_error(&e);
                    this.emit(HostEvent::Error(e.user_message()));
                    this.dispatch
                        .open
                        .dispatch(OpenAction::Action(ActionState::Failed {
                            kind,
                            message: e.user_message(),
                        }));
                }
            }
            this.refresh();
        });
    }

    // ---- sends ---------------------------------------------------------------------------------
}
