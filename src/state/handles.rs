//! What the root component hands to the components below it, compared by identity: the session,
//! the host's `before-send` hook, and a request to focus the composer.

use std::rc::Rc;

use super::session::{SendRequest, Session};
use crate::sync::outbox::SendKind;

/// A shared value compared by identity (`Rc::ptr_eq`), never by content: the stores replace a
/// value only when it changed, so comparing pointers is both right and cheap for props.
pub struct ByPtr<T: ?Sized>(pub Rc<T>);

impl<T: ?Sized> Clone for ByPtr<T> {
    fn clone(&self) -> Self {
        Self(Rc::clone(&self.0))
    }
}

impl<T: ?Sized> PartialEq for ByPtr<T> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl<T: ?Sized> std::ops::Deref for ByPtr<T> {
    type Target = Rc<T>;
    fn deref(&self) -> &Rc<T> {
        &self.0
    }
}

impl<T: ?Sized> std::fmt::Debug for ByPtr<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ByPtr({:p})", Rc::as_ptr(&self.0).cast::<()>())
    }
}

impl<T: ?Sized> From<Rc<T>> for ByPtr<T> {
    fn from(rc: Rc<T>) -> Self {
        Self(rc)
    }
}

/// The session shared with the components below the root.
pub type SessionHandle = ByPtr<Session>;

/// The host's `before-send` hook.
pub type BeforeSendHook = ByPtr<dyn Fn(&SendRequest) -> bool>;

/// A request from outside (the JS API, the keyboard) to focus the composer in a mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ComposerRequest {
    /// The mode to switch to.
    pub mode: SendKind,
    /// Increases with each request so the same mode can be asked twice.
    pub serial: u32,
}
