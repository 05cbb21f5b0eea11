//! What the root component hands to the components below it: the session and the host's
//! `before-send` hook (compared by identity), and a request to focus the composer.

use super::by_ptr::ByPtr;
use super::session::{Approval, SendRequest, Session};
use crate::sync::outbox::SendKind;

/// The session shared with the components below the root.
pub type SessionHandle = ByPtr<Session>;

/// The host's `before-send` hook.
pub type BeforeSendHook = ByPtr<dyn Fn(&SendRequest) -> Approval>;

/// A request from outside (the JS API, the keyboard) to focus the composer in a mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ComposerRequest {
    /// The mode to switch to.
    pub mode: SendKind,
    /// Increases with each request so the same mode can be asked twice.
    pub serial: u32,
}
