//! The push channel (`events-url`, the gateway's `GET /gateway/events`): one tab per origin,
//! account and operator holds the Web Lock `bi-events:{namespace}` and reads the stream; it
//! passes every event, and every heartbeat as `live`, to the other tabs over the
//! `BroadcastChannel` of the same name. When that tab closes or unmounts the browser gives the
//! lock to a waiting tab, which opens the stream itself (the same hand-over as the send queue's,
//! `owner`). Without Web Locks every tab reads its own stream.
//!
//! While the stream is up a `changed` event polls the lists, and the conversation when it is
//! the open one, at once; polling itself drops to a safety net
//! ([`SAFETY_NET_POLL_MS`]). When the stream breaks, polling goes back to its interval (and
//! polls at once: changes may have been missed) and the freshness label says so; the stream is
//! opened again with a growing, jittered delay and `Last-Event-ID`, so the gateway replays what
//! was missed or answers `resync`.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::JsCast;

use super::clock::mono_ms;
use super::machine::{ChannelListener, Resource, Session};
use super::owner::WebLock;
use super::reducers::{PushState, SyncAction};

pub(super) mod link;
use crate::api::transport::EventStream;
use crate::api::{ApiError, ListName};
use crate::state::events::HostEvent;
use crate::sync::push::{
    IDLE_TIMEOUT_MS, Liveness, MISCONFIGURED_RETRY_MS, PUSH_REFRESH_GAP_MS, PushEvent, Reconnect,
    SAFETY_NET_POLL_MS, SseItem, SseParser, TabMessage,
};
use link::PushLink;

impl Session {
    /// Joins the push channel when an events URL is configured.
    pub(super) fn start_push(self: &Rc<Self>) {
        if !self.client.has_events() {
            // A session without it may replace one with it (an option change).
            self.dispatch
                .sync
                .dispatch(SyncAction::Push(PushState::Off));
            return;
        }
        let name = format!("bi-events:{}", self.ns);
        let mut listener = None;
        let channel = web_sys::BroadcastChannel::new(&name).ok();
        if let Some(channel) = &channel {
            let weak = Rc::downgrade(self);
            let heard = ChannelListener::new(move |e: web_sys::MessageEvent| {
                let message = e.data().as_string().and_then(|s| TabMessage::decode(&s));
                if let (Some(this), Some(message)) = (weak.upgrade(), message) {
                    this.on_tab_message(message);
                }
            });
            channel.set_onmessage(Some(heard.as_ref().unchecked_ref()));
            listener = Some(heard);
        }
        let weak = Rc::downgrade(self);
        let on_granted: Rc<dyn Fn()> = Rc::new(move || {
            if let Some(this) = weak.upgrade() {
                this.hold_stream();
            }
        });
        let lock = WebLock::request(&name, on_granted);
        let without_locks = lock.is_none();
        let seed = (js_sys::Math::random() * 1e15) as u64;
        *self.push.borrow_mut() = Some(PushLink {
            channel,
            _listener: listener,
            lock,
            holding: Cell::new(false),
            up: Cell::new(false),
            heard: Cell::new(Liveness::default()),
            shown: Cell::new(PushState::Connecting),
            last_id: RefCell::new(None),
            reconnect: RefCell::new(Reconnect::new(seed)),
            wake: Cell::new(false),
            auth_blocked: Cell::new(false),
            reported: Cell::new(false),
            nudge_timer: RefCell::new(None),
        });
        self.dispatch
            .sync
            .dispatch(SyncAction::Push(PushState::Connecting));
        if without_locks {
            self.hold_stream();
        } else {
            // The holder said `live` before this tab joined: ask instead of waiting for the
            // next heartbeat.
            self.tell_tabs(TabMessage::Ask);
        }
    }

    /// Leaves the push channel: the stream (aborted with the session's reads) and the lock go,
    /// and the other tabs hear that this one no longer holds the stream.
    pub(super) fn stop_push(&self) {
        let Some(link) = self.push.borrow_mut().take() else {
            return;
        };
        if link.holding.get() {
            if let Some(channel) = &link.channel {
                let _ = channel.post_message(&TabMessage::Down.encode().into());
            }
        }
        if let Some(lock) = &link.lock {
            lock.release();
        }
        if let Some(channel) = &link.channel {
            channel.set_onmessage(None);
            channel.close();
        }
    }

    fn with_link<R>(&self, f: impl FnOnce(&PushLink) -> R) -> Option<R> {
        self.push.borrow().as_ref().map(f)
    }

    /// The intervals the list and open-conversation schedulers poll at now: the configured ones,
    /// or the safety net while the stream is up.
    pub(super) fn poll_intervals(&self) -> (u64, u64) {
        if self.with_link(|l| l.shown.get()) == Some(PushState::Live) {
            (SAFETY_NET_POLL_MS, SAFETY_NET_POLL_MS)
        } else {
            let poll = self.config.borrow().poll_config();
            (poll.visible_interval_ms, poll.hidden_interval_ms)
        }
    }

    /// Every tick: whether the stream counts as up (this tab's own, or as heard from the tab
    /// holding it), and the pace of polling to match.
    pub(super) fn push_tick(self: &Rc<Self>, now: u64) {
        let Some((state, before)) = self.with_link(|l| {
            let state = if l.holding.get() {
                if l.up.get() {
                    PushState::Live
                } else if l.shown.get() == PushState::Connecting {
                    PushState::Connecting
                } else {
                    PushState::Down
                }
            } else {
                let heard = l.heard.get();
                if heard.is_live(now) {
                    PushState::Live
                } else if heard.heard() {
                    PushState::Down
                } else {
                    l.shown.get()
                }
            };
            (state, l.shown.replace(state))
        }) else {
            return;
        };
        if state == before {
            return;
        }
        let (visible, hidden) = self.poll_intervals();
        {
            let mut schedulers = self.schedulers.borrow_mut();
            let super::machine::Schedulers { lists, open, .. } = &mut *schedulers;
            for s in lists.iter_mut().chain([open]) {
                s.set_intervals(visible, hidden);
                if before == PushState::Live {
                    // Changes may have been missed while the stream went quiet.
                    s.poke(now);
                }
            }
        }
        self.dispatch.sync.dispatch(SyncAction::Push(state));
    }

    /// A new token, or back online: a stream waiting to reconnect tries now.
    pub(super) fn wake_push(&self) {
        self.with_link(|l| {
            l.auth_blocked.set(false);
            l.wake.set(true);
        });
    }

    /// The lock is this session's: read the stream until the session stops.
    fn hold_stream(self: &Rc<Self>) {
        if self.stopped.get() || self.with_link(|l| l.holding.replace(true)) != Some(false) {
            return;
        }
        let this = Rc::clone(self);
        wasm_bindgen_futures::spawn_local(async move { this.read_stream().await });
    }

    async fn read_stream(self: Rc<Self>) {
        loop {
            if self.stopped.get() {
                return;
            }
            let blocked = self.with_link(|l| l.auth_blocked.get()).unwrap_or(true);
            if blocked || !self.online.get() || mono_ms() < self.hold_until.get() {
                self.nap(1_000).await;
                continue;
            }
            let last = self.with_link(|l| l.last_id.borrow().clone()).flatten();
            let delay = match self.client.events(last.as_deref()).await {
                Ok(stream) => match self.pump(stream, last.is_some()).await {
                    Some(delay) => delay,
                    None => return,
                },
                Err(ApiError::Aborted) => return,
                Err(e) => self.refused(&e),
            };
            self.stream_down();
            self.nap(delay).await;
        }
    }

    /// What a failed connection means: when to try again (ms).
    fn refused(&self, error: &ApiError) -> u64 {
        self.note_error(error);
        if error.is_unauthorized() {
            self.with_link(|l| l.auth_blocked.set(true));
            return 0;
        }
        let misconfigured = matches!(
            error,
            ApiError::NotFound
                | ApiError::Forbidden
                | ApiError::Validation { .. }
                | ApiError::Decode { .. }
        );
        if misconfigured {
            if self.with_link(|l| l.reported.replace(true)) == Some(false) {
                self.emit(HostEvent::Error(format!(
                    "blinger-inbox: the events URL cannot be used ({error}); polling goes on and the stream is tried again every {} minutes",
                    MISCONFIGURED_RETRY_MS / 60_000
                )));
            }
            return MISCONFIGURED_RETRY_MS;
        }
        self.with_link(|l| l.reconnect.borrow_mut().next_delay())
            .unwrap_or(MISCONFIGURED_RETRY_MS)
    }

    /// Reads one connection until it ends. `Some(ms)`: connect again after that long; `None`:
    /// the session stopped.
    async fn pump(self: &Rc<Self>, mut stream: EventStream, resumed: bool) -> Option<u64> {
        let mut parser = SseParser::new();
        let mut items = Vec::new();
        loop {
            let chunk = stream.next_chunk(IDLE_TIMEOUT_MS).await;
            if self.stopped.get() {
                return None;
            }
            let bytes = match chunk {
                Ok(Some(bytes)) => bytes,
                Err(crate::api::TransportError::Aborted) => return None,
                // Ended by the server (the token's expiry, a restart), broken or silent.
                Ok(None) | Err(_) => break,
            };
            if parser.feed(&bytes, &mut items).is_err() {
                break;
            }
            for item in items.drain(..) {
                self.on_item(item, resumed);
            }
            let id = parser.last_event_id().map(str::to_owned);
            if id.is_some() {
                self.with_link(|l| *l.last_id.borrow_mut() = id);
            }
        }
        self.with_link(|l| l.reconnect.borrow_mut().next_delay())
    }

    fn on_item(self: &Rc<Self>, item: SseItem, resumed: bool) {
        match item {
            SseItem::Retry(ms) => {
                self.with_link(|l| l.reconnect.borrow_mut().set_base(ms));
            }
            SseItem::Comment => {
                if self.with_link(|l| l.up.get()) == Some(true) {
                    self.tell_tabs(TabMessage::Live);
                }
            }
            SseItem::Event(event) => match PushEvent::read(&event) {
                PushEvent::Ready => {
                    self.with_link(|l| {
                        l.up.set(true);
                        l.reconnect.borrow_mut().connected();
                    });
                    self.tell_tabs(TabMessage::Live);
                    // A first connection may have missed what changed since the last poll; a
                    // resumed one hears it replayed (or a `resync`).
                    if !resumed {
                        self.pushed(TabMessage::Resync);
                    }
                }
                PushEvent::Changed(id) => {
                    self.tell_tabs(TabMessage::Changed(id));
                    self.pushed(TabMessage::Changed(id));
                }
                PushEvent::Resync => {
                    self.tell_tabs(TabMessage::Resync);
                    self.pushed(TabMessage::Resync);
                }
                PushEvent::Other => {}
            },
        }
    }

    fn tell_tabs(&self, message: TabMessage) {
        self.with_link(|l| {
            if let Some(channel) = &l.channel {
                let _ = channel.post_message(&message.encode().into());
            }
        });
    }

    /// The stream this session read ended.
    fn stream_down(&self) {
        let was_up = self.with_link(|l| l.up.replace(false)) == Some(true);
        if was_up {
            self.tell_tabs(TabMessage::Down);
        }
        // "Connecting" becomes "down" after the first failed attempt.
        self.with_link(|l| {
            if l.shown.get() == PushState::Connecting {
                l.shown.set(PushState::Down);
                self.dispatch
                    .sync
                    .dispatch(SyncAction::Push(PushState::Down));
            }
        });
    }

    /// A message of the tab holding the stream.
    fn on_tab_message(self: &Rc<Self>, message: TabMessage) {
        if self.stopped.get() {
            return;
        }
        let now = mono_ms();
        if message == TabMessage::Ask {
            let answer = self.with_link(|l| {
                l.holding.get().then(|| {
                    if l.up.get() {
                        TabMessage::Live
                    } else {
                        TabMessage::Down
                    }
                })
            });
            if let Some(answer) = answer.flatten() {
                self.tell_tabs(answer);
            }
            return;
        }
        self.with_link(|l| {
            let mut heard = l.heard.get();
            heard.hear(message, now);
            l.heard.set(heard);
        });
        if matches!(message, TabMessage::Changed(_) | TabMessage::Resync) {
            self.pushed(message);
        }
    }

    /// A change announced (here, or by the tab holding the stream): poll what it touches now.
    fn pushed(self: &Rc<Self>, message: TabMessage) {
        let now = mono_ms();
        {
            let mut schedulers = self.schedulers.borrow_mut();
            for kind in ListName::ALL {
                schedulers
                    .get_mut(Resource::List(kind))
                    .nudge(now, PUSH_REFRESH_GAP_MS);
            }
            let open = self.open_id.get();
            let touches_open = match message {
                TabMessage::Changed(id) => open == Some(id),
                TabMessage::Resync => open.is_some(),
                TabMessage::Live | TabMessage::Down | TabMessage::Ask => false,
            };
            if touches_open {
                schedulers
                    .get_mut(Resource::Open)
                    .nudge(now, PUSH_REFRESH_GAP_MS);
            }
        }
        // Now, not at the next tick: this is the latency a push is for.
        self.start_due_polls(now);
        self.arm_nudge_timer();
    }

    /// A poll a nudge put off (by its gap after the last answer) starts when it is due, not at
    /// the next tick. Called after a push and after each answer of a list or the conversation.
    pub(super) fn arm_nudge_timer(self: &Rc<Self>) {
        if self.push.borrow().is_none() {
            return;
        }
        let now = mono_ms();
        let soonest = {
            let mut schedulers = self.schedulers.borrow_mut();
            let super::machine::Schedulers { lists, open, .. } = &mut *schedulers;
            let open_due = self.open_id.get().and_then(|_| open.delay(now));
            lists
                .iter()
                .filter_map(|s| s.delay(now))
                .chain(open_due)
                .filter(|d| *d > 0)
                .min()
        };
        let Some(wait) = soonest.filter(|d| *d <= 2 * PUSH_REFRESH_GAP_MS) else {
            return;
        };
        let weak = Rc::downgrade(self);
        let timer =
            gloo_timers::callback::Timeout::new(u32::try_from(wait).unwrap_or(0), move || {
                if let Some(this) = weak.upgrade() {
                    if !this.stopped.get() {
                        this.start_due_polls(mono_ms());
                    }
                }
            });
        self.with_link(|l| *l.nudge_timer.borrow_mut() = Some(timer));
    }

    /// Waits `ms`, in steps, ending early when the session stops or [`wake_push`] is called.
    async fn nap(&self, ms: u64) {
        let until = mono_ms().saturating_add(ms);
        self.with_link(|l| l.wake.set(false));
        while !self.stopped.get() && mono_ms() < until {
            if self.with_link(|l| l.wake.replace(false)).unwrap_or(true) {
                return;
            }
            let step = until.saturating_sub(mono_ms()).min(1_000);
            gloo_timers::future::TimeoutFuture::new(u32::try_from(step).unwrap_or(1_000)).await;
        }
    }
}
