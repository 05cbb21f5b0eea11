//! The session of one mounted widget: the API client, the poll schedulers, the outbox and the
//! drafts, driven by one 250 ms tick. It owns the mutable machinery; what components render lives
//! in the reducers it dispatches to ([`InboxState`](super::InboxState),
//! [`OpenState`](super::OpenState), [`SendsState`], [`SyncState`]).
//!
//! [`Session::shutdown`] aborts every request it started; the root component calls it on
//! unmount, so nothing is left running.
//!
//! One file per job: [`machine`] (fields, start, stop, the tick), `polling`, `actions`, `sends`,
//! `drafts`, `stored` (what is kept in storage and shared with other tabs; each an `impl Session`
//! block), `owner` (the one tab per origin that posts the queue), and [`reducers`].

mod actions;
mod approval;
mod drafts;
pub mod machine;
mod owner;
mod polling;
pub mod reducers;
mod sends;
mod stored;

pub use approval::{Approval, SendStart};
pub use machine::{BeforeSend, Dispatchers, SendRequest, Session, now_ms};
pub use reducers::{SendsAction, SendsState, SyncAction, SyncState};
