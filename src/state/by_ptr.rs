//! [`ByPtr`]: the one way a shared value is compared by identity in props and memos.

use std::rc::Rc;

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
