//! What a session keeps of the push channel (see the parent module).

use std::cell::{Cell, RefCell};

use super::super::owner::WebLock;
use super::super::reducers::PushState;
use crate::sync::push::{Liveness, Reconnect};

/// A session's part in the push channel.
pub(in crate::state::session) struct PushLink {
    pub(super) channel: Option<web_sys::BroadcastChannel>,
    pub(super) _listener: Option<wasm_bindgen::prelude::Closure<dyn FnMut(web_sys::MessageEvent)>>,
    /// `None` without Web Locks (this tab reads its own stream).
    pub(super) lock: Option<WebLock>,
    /// This session reads the stream.
    pub(super) holding: Cell<bool>,
    /// The stream this session reads is up (between `ready` and its end).
    pub(super) up: Cell<bool>,
    /// What this session heard from the tab holding the stream.
    pub(super) heard: Cell<Liveness>,
    /// What the freshness label shows (and the pace polling keeps).
    pub(super) shown: Cell<PushState>,
    /// The last event's id, for `Last-Event-ID` on the next connection.
    pub(super) last_id: RefCell<Option<String>>,
    pub(super) reconnect: RefCell<Reconnect>,
    /// Set by a new token or coming online: a wait before reconnecting ends early.
    pub(super) wake: Cell<bool>,
    /// The stream was refused for the token: wait for a new one.
    pub(super) auth_blocked: Cell<bool>,
    /// A misconfigured events URL was reported to the host (once per session).
    pub(super) reported: Cell<bool>,
    /// Starts a poll that a nudge put off by its gap when it is due (the tick is 250 ms apart).
    pub(super) nudge_timer: RefCell<Option<gloo_timers::callback::Timeout>>,
}
