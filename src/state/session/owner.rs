//! One owner of the send queue per origin, account and operator: the tab holding the Web Lock
//! `bi-queue:{namespace}` (`navigator.locks`) posts every shared outbox item; the others only
//! write new items to storage and show what the owner does with them (storage events). When the
//! owner tab closes or unmounts, the browser gives the lock to a waiting tab, which takes over
//! what was left ([`Session::take_over`](super::Session)).
//!
//! Where Web Locks is missing (an insecure context, an old browser) a lease in storage stands
//! in: [`keys::OWNER`] holds `{tab id} {until}`, renewed every tick while held, taken when it has
//! run out, and read back before every send so two tabs never both post.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;

use crate::sync::storage::{Persisted, keys};

/// How long a lease lasts (ms): renewed every tick, so only a tab that stopped ticking loses it.
const LEASE_MS: u64 = 10_000;

/// A Web Lock (`navigator.locks.request`) held until [`release`](Self::release): one tab (or
/// session) of an origin at a time. A request still waiting when it is released is withdrawn
/// (its `AbortSignal`), so a replaced session's request can never be granted later and then
/// hold the lock for nobody.
pub(super) struct WebLock {
    held: Rc<Cell<bool>>,
    /// Resolves the lock callback's promise: the lock is released.
    release: Rc<RefCell<Option<js_sys::Function>>>,
    /// Withdraws the request while it waits.
    withdraw: Option<web_sys::AbortController>,
    /// The lock callback (kept alive while the request waits).
    _granted: Closure<dyn FnMut(wasm_bindgen::JsValue) -> js_sys::Promise>,
}

impl WebLock {
    /// Asks for the lock `name`; `on_granted` runs when it is this caller's (at once, or when
    /// the holder before it goes away). `None` where the browser has no Web Locks.
    pub(super) fn request(name: &str, on_granted: Rc<dyn Fn()>) -> Option<Self> {
        let locks = lock_manager()?;
        let request = js_sys::Reflect::get(&locks, &"request".into())
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok())?;
        let held = Rc::new(Cell::new(false));
        let release: Rc<RefCell<Option<js_sys::Function>>> = Rc::new(RefCell::new(None));
        let (h, r) = (Rc::clone(&held), Rc::clone(&release));
        let granted =
            Closure::<dyn FnMut(wasm_bindgen::JsValue) -> js_sys::Promise>::new(move |_lock| {
                let mut store = |resolve: js_sys::Function, _reject: js_sys::Function| {
                    *r.borrow_mut() = Some(resolve);
                };
                let promise = js_sys::Promise::new(&mut store);
                h.set(true);
                on_granted();
                promise
            });
        let withdraw = web_sys::AbortController::new().ok();
        let options = js_sys::Object::new();
        if let Some(c) = &withdraw {
            let _ = js_sys::Reflect::set(&options, &"signal".into(), &c.signal());
        }
        let name = wasm_bindgen::JsValue::from_str(name);
        if let Ok(p) = request.call3(&locks, &name, &options, granted.as_ref()) {
            // A rejected request (withdrawn, or refused by the lock manager) leaves this caller
            // without the lock.
            if let Ok(p) = p.dyn_into::<js_sys::Promise>() {
                let ignore = Closure::<dyn FnMut(wasm_bindgen::JsValue)>::new(|_| {});
                let _ = p.catch(&ignore);
                ignore.forget();
            }
        }
        Some(Self {
            held,
            release,
            withdraw,
            _granted: granted,
        })
    }

    /// Whether the lock is this caller's now.
    pub(super) fn held(&self) -> bool {
        self.held.get()
    }

    /// Lets the lock go (the next waiting tab gets it), or withdraws the request still waiting.
    pub(super) fn release(&self) {
        if let Some(resolve) = self.release.borrow_mut().take() {
            let _ = resolve.call0(&wasm_bindgen::JsValue::UNDEFINED);
        } else if let Some(c) = &self.withdraw {
            c.abort();
        }
        self.held.set(false);
    }
}

/// This tab's claim on the send queue.
pub(super) struct QueueOwner {
    /// The Web Lock `bi-queue:{namespace}`, where the browser has Web Locks.
    lock: Option<WebLock>,
    /// The storage lease's state (without Web Locks).
    leased: Cell<bool>,
    /// `Some(tab id)` when the storage lease stands in for Web Locks.
    lease_tab: Option<String>,
}

impl std::fmt::Debug for QueueOwner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QueueOwner")
            .field("held", &self.held())
            .finish_non_exhaustive()
    }
}

fn lock_manager() -> Option<wasm_bindgen::JsValue> {
    let navigator = web_sys::window()?.navigator();
    let locks = js_sys::Reflect::get(&navigator, &"locks".into()).ok()?;
    (!locks.is_undefined() && !locks.is_null()).then_some(locks)
}

impl QueueOwner {
    /// Asks for the queue of `namespace`; `on_granted` runs when this tab becomes the owner
    /// (at once, or when the owner before it goes away).
    pub(super) fn claim(namespace: &str, on_granted: Rc<dyn Fn()>) -> Self {
        match WebLock::request(&format!("bi-queue:{namespace}"), on_granted) {
            Some(lock) => Self {
                lock: Some(lock),
                leased: Cell::new(false),
                lease_tab: None,
            },
            None => Self {
                lock: None,
                leased: Cell::new(false),
                lease_tab: Some(format!("{:x}", crate::sync::outbox::LocalId::random().0)),
            },
        }
    }

    fn held(&self) -> bool {
        self.lock.as_ref().map_or(self.leased.get(), WebLock::held)
    }

    /// Whether this tab owns the queue now. With the storage lease, the lease is read (and
    /// taken or renewed) first; `true` when it is ours.
    pub(super) fn check(&self, storage: &Persisted, now_ms: u64) -> bool {
        let Some(tab) = &self.lease_tab else {
            return self.held();
        };
        let current = storage.get(keys::OWNER);
        let (holder, until) = current
            .as_deref()
            .and_then(|v| v.split_once(' '))
            .map_or(("", 0), |(t, u)| (t, u.parse::<u64>().unwrap_or(0)));
        let mine = holder == tab.as_str();
        if mine || until < now_ms {
            let renewed = format!("{tab} {}", now_ms + LEASE_MS);
            let wrote = storage.set(keys::OWNER, &renewed).is_ok();
            // Read back: of two tabs writing at once, the one whose write stayed owns it.
            let ours = wrote && storage.get(keys::OWNER).as_deref() == Some(renewed.as_str());
            self.leased.set(ours);
        } else {
            self.leased.set(false);
        }
        self.leased.get()
    }

    /// Gives the queue up (unmount): the next tab waiting gets it.
    pub(super) fn release(&self, storage: &Persisted) {
        if let Some(lock) = &self.lock {
            lock.release();
        }
        if let Some(tab) = &self.lease_tab {
            if self.leased.get()
                && storage
                    .get(keys::OWNER)
                    .is_some_and(|v| v.split_once(' ').is_some_and(|(t, _)| t == tab))
            {
                let _ = storage.remove(keys::OWNER);
            }
        }
        self.leased.set(false);
    }
}
