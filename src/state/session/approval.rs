//! What waits on someone: the host's say before a send ([`SendRequest`], [`Approval`]), what
//! became of the operator's send ([`SendStart`]), and a Close or Unassign waiting out its Undo
//! window ([`PendingUndo`]).

use std::rc::Rc;

use crate::api::ConversationId;
use crate::state::open::Action;
use crate::sync::outbox::{LocalId, SendKind};

/// A request to send, as the `before-send` hook sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SendRequest {
    /// The conversation.
    pub conversation: ConversationId,
    /// Reply, file or note.
    pub kind: SendKind,
    /// The text or URL.
    pub text: String,
}

/// Asked before every send; `false` cancels it (the text stays in the composer).
pub type BeforeSend = Rc<dyn Fn(&SendRequest) -> Approval>;

/// A Close or Unassign waiting for its Undo window to pass.
pub(super) struct PendingUndo {
    /// Fires the call (dropped: cancelled).
    pub(super) _timer: gloo_timers::callback::Timeout,
    pub(super) conversation: ConversationId,
    pub(super) action: Action,
    /// When the call goes, on the monotonic clock (ms).
    pub(super) due_mono: u64,
    /// When the call goes, as the banner shows it (`Date` ms).
    pub(super) until: f64,
}

/// The host's answer to a send: at once, or later (a Promise); `false` cancels.
pub enum Approval {
    /// Decided now.
    Now(bool),
    /// Decided when this resolves (already bounded by a timeout that answers `false`).
    Later(crate::api::LocalBoxFuture<'static, bool>),
}

impl std::fmt::Debug for Approval {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Now(b) => write!(f, "Now({b})"),
            Self::Later(_) => f.write_str("Later(..)"),
        }
    }
}

/// What became of a send the operator asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SendStart {
    /// Queued under this id (the composer clears).
    Queued(LocalId),
    /// The host cancelled it (the text stays).
    Cancelled,
    /// The host decides later; the text stays until it approves (then the draft is cleared and
    /// the composer told), and stays for good if it declines.
    AwaitingHost,
}
