//! The session of one mounted widget: the API client, the poll schedulers, the outbox and the
//! drafts, driven by one 250 ms tick. It owns the mutable machinery; what components render lives
//! in the reducers it dispatches to ([`InboxState`](super::InboxState),
//! [`OpenState`](super::OpenState), [`SendsState`], [`SyncState`]).
//!
//! [`Session::shutdown`] aborts every request it started; the root component calls it on
//! unmount, so nothing is left running. An option change is applied to the running session, or,
//! when it binds the session (address, operator…), the old one hands its work to the new one
//! (`handover`).
//!
//! One file per job: [`machine`] (fields, start, stop, the tick), `polling`, `actions`, `sends`,
//! `drafts`, `stored` (what is kept in storage and shared with other tabs; each an `impl Session`
//! block), `owner` (the one tab per origin that posts the queue, and the Web Lock it and `push`
//! use), `push` (the gateway's event stream, one tab per origin), and [`reducers`].

mod actions;
mod approval;
mod clock;
mod drafts;
mod handover;
pub mod machine;
mod owner;
mod polling;
mod push;
pub mod reducers;
mod sends;
mod stored;

pub use approval::{Approval, BeforeSend, SendRequest, SendStart};
pub use clock::{mono_ms, now_ms};
pub use handover::{Handover, drop_handover};
pub use machine::{Dispatchers, Session};
pub use reducers::{PushState, SendsAction, SendsState, SyncAction, SyncState};
