//! A session across option changes. Options outside its
//! [`SessionKey`](crate::state::config::SessionKey) (language, theme, send key, poll intervals,
//! the Undo window) are applied to the running session ([`Session::reconfigure`]): nothing in
//! flight notices. A change of the key (address, operator, token source, history URL, request
//! budget) needs a new session, and the old one hands its work over instead of dropping it
//! ([`Session::retire`], [`Session::adopt`]): its reads stop at once, but sends and actions in
//! flight finish and what became of them is written to storage (where the new session of the
//! same namespace reads it) and told to the host; a scheduled Close or Unassign moves to the new
//! session with the time left on its Undo window; a `before-send` approval that arrives late is
//! queued in the new session. The send queue's ownership is given up once the last send ends.

use std::rc::Rc;

use super::approval::PendingUndo;
use super::clock::mono_ms;
use super::machine::Session;
use crate::api::ConversationId;
use crate::state::config::ConfigHandle;
use crate::state::open::{Action, ActionState, OpenAction};

/// What a replaced session hands to the one that replaces it.
#[derive(Debug, Default)]
pub struct Handover {
    /// The scheduled action: its conversation, the action, the ms left and the banner's time.
    undo: Option<(ConversationId, Action, u64, f64)>,
}

/// One send or action in flight. When the last one of a retiring session ends, the session lets
/// go of the send queue and its channel.
pub(super) struct Posting(Rc<Session>);

impl Posting {
    pub(super) fn start(session: &Rc<Session>) -> Self {
        session.posting.set(session.posting.get().saturating_add(1));
        Posting(Rc::clone(session))
    }
}

impl Drop for Posting {
    fn drop(&mut self) {
        let left = self.0.posting.get().saturating_sub(1);
        self.0.posting.set(left);
        if left == 0 && self.0.retiring.replace(false) {
            self.0.send_scope.borrow_mut().take();
            self.0.let_go();
        }
    }
}

impl Session {
    /// Applies options that do not bind the session: the language of what it says from now
    /// on, the poll intervals (from the next poll), the Undo window of the next action.
    pub fn reconfigure(&self, config: ConfigHandle) {
        *self.config.borrow_mut() = config;
        // The configured intervals, or the push channel's safety net while its stream is up.
        let (visible, hidden) = self.poll_intervals();
        let mut schedulers = self.schedulers.borrow_mut();
        let super::machine::Schedulers { lists, open, .. } = &mut *schedulers;
        for s in lists.iter_mut().chain([open]) {
            s.set_intervals(visible, hidden);
        }
    }

    /// Replaced by a new session: stops polling and hearing other tabs at once; sends and
    /// actions in flight finish (see the module). Returns what the new session takes over.
    pub fn retire(&self) -> Handover {
        if self.stopped.get() {
            return Handover::default();
        }
        self.flush_drafts(true);
        self.stopped.set(true);
        if let Some(scope) = self.scope.borrow_mut().take() {
            scope.abort();
        }
        self.stop_listening();
        let undo = self.undo.borrow_mut().take().map(|u| {
            let left = u.due_mono.saturating_sub(mono_ms());
            (u.conversation, u.action, left, u.until)
        });
        if self.posting.get() == 0 {
            self.send_scope.borrow_mut().take();
            self.let_go();
        } else {
            self.retiring.set(true);
        }
        Handover { undo }
    }

    /// Takes over what `previous` handed over (without a new session, see [`drop_handover`]).
    pub fn adopt(self: &Rc<Self>, previous: &Session, handover: Handover) {
        *previous.successor.borrow_mut() = Rc::downgrade(self);
        if let Some((conversation, action, left, until)) = handover.undo {
            self.schedule(conversation, action, left, until);
        }
    }

    /// The same namespace (origin, account, operator): drafts and sends are shared.
    pub(super) fn same_namespace(&self, other: &Session) -> bool {
        self.ns == other.ns
    }

    /// Schedules `action` on `conversation` to run in `left` ms unless Undo comes first.
    pub(super) fn schedule(
        self: &Rc<Self>,
        conversation: ConversationId,
        action: Action,
        left: u64,
        until: f64,
    ) {
        let kind = action.kind();
        self.dispatch
            .open
            .dispatch(OpenAction::Action(ActionState::Scheduled { kind, until }));
        let this = Rc::clone(self);
        let wait = u32::try_from(left).unwrap_or(u32::MAX);
        let timer = gloo_timers::callback::Timeout::new(wait, move || {
            this.undo.borrow_mut().take();
            this.call_action(conversation, action);
        });
        *self.undo.borrow_mut() = Some(PendingUndo {
            _timer: timer,
            conversation,
            action,
            due_mono: mono_ms().saturating_add(left),
            until,
        });
    }
}

/// A replaced session whose configuration has no session now: its scheduled action cannot go
/// anywhere, so its banner is cleared (the action was not carried out).
pub fn drop_handover(dispatch: &super::Dispatchers, handover: Handover) {
    if handover.undo.is_some() {
        dispatch
            .open
            .dispatch(OpenAction::Action(ActionState::Idle));
    }
}
