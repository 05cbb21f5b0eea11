//! The host's say before a send ([`Approval`]) and what became of the operator's send
//! ([`SendStart`]).

use crate::sync::outbox::LocalId;

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
