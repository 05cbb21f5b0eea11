//! The session itself: its fields, how it starts and stops, and the 250 ms tick that drives the
//! poll schedulers, the outbox and the draft store.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use yew::{Callback, UseReducerDispatcher};

use super::reducers::{SendsState, SyncAction, SyncState};
use crate::api::{AbortScope, Conversation, ConversationId, ListMemo, Operator, UserId, WebClient};
use crate::api::{ListName, PerList};
use crate::i18n::Key;
use crate::state::config::ConfigHandle;
use crate::state::events::HostEvent;
use crate::state::inbox::{InboxAction, InboxState};
use crate::state::open::OpenState;
use crate::sync::drafts::Drafts;
use crate::sync::outbox::{LocalId, Outbox};
use crate::sync::scheduler::{PollConfig, PollScheduler};
use crate::sync::storage::{Persisted, namespace};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;

use super::approval::{BeforeSend, SendRequest};
use super::clock::{browser_online, mono_ms, page_visible};
use super::owner::QueueOwner;
use crate::sync::shared::restore;

/// What is polled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Resource {
    List(ListName),
    Open,
    Directory,
}

/// One poll scheduler per [`Resource`].
pub(super) struct Schedulers {
    pub(super) lists: PerList<PollScheduler>,
    pub(super) open: PollScheduler,
    pub(super) directory: PollScheduler,
}

impl Schedulers {
    pub(super) fn get_mut(&mut self, r: Resource) -> &mut PollScheduler {
        match r {
            Resource::List(kind) => self.lists.get_mut(kind),
            Resource::Open => &mut self.open,
            Resource::Directory => &mut self.directory,
        }
    }

    pub(super) fn iter_mut(&mut self) -> impl Iterator<Item = &mut PollScheduler> {
        self.lists
            .iter_mut()
            .chain([&mut self.open, &mut self.directory])
    }
}

/// The dispatchers a session writes to.
#[derive(Clone)]
pub struct Dispatchers {
    /// The inbox lists.
    pub inbox: UseReducerDispatcher<InboxState>,
    /// The open conversation.
    pub open: UseReducerDispatcher<OpenState>,
    /// Outbox and drafts.
    pub sends: UseReducerDispatcher<SendsState>,
    /// Freshness and directory.
    pub sync: UseReducerDispatcher<SyncState>,
}

/// The `storage` event listener a session registers.
pub(super) type StorageListener = Closure<dyn FnMut(web_sys::StorageEvent)>;

/// The `BroadcastChannel` listener a session registers.
pub(super) type ChannelListener = Closure<dyn FnMut(web_sys::MessageEvent)>;

/// One mounted widget's machinery.
pub struct Session {
    /// The configuration in force (options outside its [`SessionKey`](crate::state::config::SessionKey)
    /// change while the session runs: see [`Session::reconfigure`]).
    pub(super) config: RefCell<ConfigHandle>,
    /// The storage namespace (origin + account + operator).
    pub(super) ns: String,
    /// Reads: the lists, the open conversation, the directory, reconcile checks. Aborted when
    /// the session stops or is replaced.
    pub(super) client: WebClient,
    pub(super) scope: RefCell<Option<AbortScope>>,
    /// Writes: sends and actions. A replaced session lets them finish (and records what became
    /// of them); only unmounting aborts them.
    pub(super) sender: WebClient,
    pub(super) send_scope: RefCell<Option<AbortScope>>,
    /// Sends and actions in flight.
    pub(super) posting: Cell<u32>,
    /// Replaced by a new session, finishing its sends (see `handover`).
    pub(super) retiring: Cell<bool>,
    /// The session that replaced this one (an approval that arrives late is queued there).
    pub(super) successor: RefCell<std::rc::Weak<Session>>,
    pub(super) schedulers: RefCell<Schedulers>,
    /// When each list last answered successfully.
    pub(super) list_success: RefCell<PerList<Option<u64>>>,
    /// Whether each list has answered (or failed) at least once.
    pub(super) list_answered: RefCell<PerList<bool>>,
    /// One per list: what it last answered, so an identical answer is not decoded again and a
    /// changed one decodes only its changed conversations.
    pub(super) memos: PerList<ListMemo>,
    pub(super) known: RefCell<HashMap<ConversationId, Conversation>>,
    pub(super) open_id: Cell<Option<ConversationId>>,
    pub(super) outbox: RefCell<Outbox>,
    /// Messages whose conversation is being fetched to reconcile them (a handful at most).
    pub(super) reconciling: RefCell<Vec<LocalId>>,
    pub(super) drafts: RefCell<Drafts>,
    pub(super) storage: Persisted,
    /// A failed storage write was reported (again only after a write succeeds).
    pub(super) storage_reported: Cell<bool>,
    /// A failing tokenProvider was reported (again after a new token).
    pub(super) provider_reported: Cell<bool>,
    /// Sends waiting for the host's asynchronous approval (a second press of Send for the same
    /// text is not a second send).
    pub(super) approvals: RefCell<Vec<SendRequest>>,
    /// Discards so far (each one's text back in a draft).
    pub(super) restores: Cell<u64>,
    /// This tab's claim on the shared send queue (set once the session exists).
    pub(super) owner: RefCell<Option<QueueOwner>>,
    /// The `storage` event listener (other tabs' writes), removed on shutdown.
    pub(super) storage_listener: RefCell<Option<StorageListener>>,
    /// Announces this widget's writes to the other widgets of its namespace, and hears theirs.
    pub(super) channel: RefCell<Option<web_sys::BroadcastChannel>>,
    pub(super) channel_listener: RefCell<Option<ChannelListener>>,
    pub(super) visible: Cell<bool>,
    pub(super) online: Cell<bool>,
    /// No request before this (monotonic ms): the host's last `Retry-After`, capped.
    pub(super) hold_until: Cell<u64>,
    pub(super) me: Cell<Option<UserId>>,
    pub(super) operators: RefCell<Vec<Operator>>,
    pub(super) undo: RefCell<Option<super::approval::PendingUndo>>,
    pub(super) dispatch: Dispatchers,
    pub(super) events: Callback<HostEvent>,
    pub(super) before_send: Option<BeforeSend>,
    pub(super) last_unread: Cell<Option<u64>>,
    pub(super) stopped: Cell<bool>,
    /// The push channel, when an events URL is configured (see `push`).
    pub(super) push: RefCell<Option<super::push::link::PushLink>>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("config", &*self.config.borrow())
            .finish_non_exhaustive()
    }
}

impl PartialEq for Session {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other)
    }
}

impl Session {
    /// Starts a session. Fails when the configuration cannot work.
    pub fn new(
        config: ConfigHandle,
        dispatch: Dispatchers,
        events: Callback<HostEvent>,
        before_send: Option<BeforeSend>,
    ) -> Result<Rc<Self>, String> {
        let web = WebClient::web(config.client.clone()).map_err(|e| e.to_string())?;
        let (client, scope) = web.scoped();
        let (sender, send_scope) = web.scoped();
        let ns = namespace(&config.client.base_url, config.client.operator_id);
        let storage = Persisted::browser(ns.clone());
        let (outbox, drafts, unreadable) = restore(&storage);
        if unreadable > 0 {
            events.emit(HostEvent::Error(
                Key::StoredUnreadable.fill(config.locale, &unreadable.to_string()),
            ));
        }
        let poll = config.poll_config();
        let seed = (js_sys::Math::random() * 1e15) as u64;
        let mut list_seed = seed;
        let lists = PerList::from_fn(|_| {
            let scheduler = PollScheduler::new(poll, list_seed);
            list_seed = list_seed.wrapping_add(1);
            scheduler
        });
        let directory = PollConfig {
            visible_interval_ms: 300_000,
            hidden_interval_ms: 900_000,
            ..poll
        };
        let schedulers = Schedulers {
            lists,
            open: PollScheduler::new(poll, seed.wrapping_add(7)),
            directory: PollScheduler::new(directory, seed.wrapping_add(9)),
        };
        let session = Rc::new(Session {
            config: RefCell::new(config),
            ns: ns.clone(),
            client,
            scope: RefCell::new(Some(scope)),
            sender,
            send_scope: RefCell::new(Some(send_scope)),
            posting: Cell::new(0),
            retiring: Cell::new(false),
            successor: RefCell::new(std::rc::Weak::new()),
            schedulers: RefCell::new(schedulers),
            list_success: RefCell::new(PerList::default()),
            list_answered: RefCell::new(PerList::default()),
            memos: PerList::from_fn(|_| ListMemo::new()),
            known: RefCell::new(HashMap::new()),
            open_id: Cell::new(None),
            outbox: RefCell::new(outbox),
            reconciling: RefCell::new(Vec::new()),
            drafts: RefCell::new(drafts),
            storage,
            storage_reported: Cell::new(false),
            restores: Cell::new(0),
            approvals: RefCell::new(Vec::new()),
            provider_reported: Cell::new(false),
            owner: RefCell::new(None),
            storage_listener: RefCell::new(None),
            channel: RefCell::new(None),
            channel_listener: RefCell::new(None),
            visible: Cell::new(true),
            online: Cell::new(browser_online()),
            hold_until: Cell::new(0),
            me: Cell::new(None),
            operators: RefCell::new(Vec::new()),
            undo: RefCell::new(None),
            dispatch,
            events,
            before_send,
            last_unread: Cell::new(None),
            stopped: Cell::new(false),
            push: RefCell::new(None),
        });
        session.publish_outbox();
        session.publish_drafted();
        session
            .dispatch
            .sync
            .dispatch(SyncAction::Offline(!session.online.get()));
        session.share(&ns);
        session.start_push();
        Ok(session)
    }

    /// Joins the other tabs of this origin: listens to their storage writes and asks for the
    /// send queue (granted at once when no other tab holds it).
    fn share(self: &Rc<Self>, ns: &str) {
        let weak = Rc::downgrade(self);
        let on_granted: Rc<dyn Fn()> = Rc::new(move || {
            if let Some(this) = weak.upgrade() {
                this.take_over();
            }
        });
        *self.owner.borrow_mut() = Some(QueueOwner::claim(ns, on_granted));
        let weak = Rc::downgrade(self);
        let listener =
            Closure::<dyn FnMut(web_sys::StorageEvent)>::new(move |e: web_sys::StorageEvent| {
                if let Some(this) = weak.upgrade() {
                    this.on_storage(e.key());
                }
            });
        if let Some(w) = web_sys::window() {
            let _ =
                w.add_event_listener_with_callback("storage", listener.as_ref().unchecked_ref());
        }
        *self.storage_listener.borrow_mut() = Some(listener);
        if let Ok(channel) = web_sys::BroadcastChannel::new(&format!("bi-sync:{ns}")) {
            let weak = Rc::downgrade(self);
            let heard = ChannelListener::new(move |e: web_sys::MessageEvent| {
                if let (Some(this), Some(name)) = (weak.upgrade(), e.data().as_string()) {
                    this.on_announced(&name);
                }
            });
            channel.set_onmessage(Some(heard.as_ref().unchecked_ref()));
            *self.channel.borrow_mut() = Some(channel);
            *self.channel_listener.borrow_mut() = Some(heard);
        }
    }

    /// Aborts every request and stops all work: nothing it started writes to storage or tells
    /// anyone anything afterwards (an item it was sending stays "sending" in storage, and the
    /// next owner checks it). Called on unmount (`destroy()`).
    pub fn shutdown(&self) {
        if !self.stopped.get() {
            self.flush_drafts(true);
        }
        self.stopped.set(true);
        self.retiring.set(false);
        self.undo.borrow_mut().take();
        if let Some(scope) = self.scope.borrow_mut().take() {
            scope.abort();
        }
        if let Some(scope) = self.send_scope.borrow_mut().take() {
            scope.abort();
        }
        self.stop_listening();
        self.let_go();
    }

    /// Stops hearing other tabs and widgets (storage events, the channel).
    pub(super) fn stop_listening(&self) {
        if let Some(listener) = self.storage_listener.borrow_mut().take() {
            if let Some(w) = web_sys::window() {
                let _ = w.remove_event_listener_with_callback(
                    "storage",
                    listener.as_ref().unchecked_ref(),
                );
            }
        }
        if let Some(channel) = self.channel.borrow().as_ref() {
            channel.set_onmessage(None);
        }
        self.channel_listener.borrow_mut().take();
        self.stop_push();
    }

    /// Closes the channel and gives the send queue up (to the next tab or session).
    pub(super) fn let_go(&self) {
        if let Some(channel) = self.channel.borrow_mut().take() {
            channel.close();
        }
        if let Some(owner) = self.owner.borrow_mut().take() {
            owner.release(&self.storage);
        }
    }

    /// The configuration in force.
    #[must_use]
    pub fn config(&self) -> ConfigHandle {
        self.config.borrow().clone()
    }

    /// The language of what the session says (errors, reasons).
    pub(super) fn locale(&self) -> crate::i18n::Locale {
        self.config.borrow().locale
    }

    /// The operator this session acts as.
    pub(super) fn operator_id(&self) -> Option<crate::api::OperatorId> {
        self.config.borrow().client.operator_id
    }

    /// The host-event callback.
    pub fn emit(&self, event: HostEvent) {
        self.events.emit(event);
    }

    pub(super) fn with_scheduler<R>(
        &self,
        r: Resource,
        f: impl FnOnce(&mut PollScheduler) -> R,
    ) -> R {
        f(self.schedulers.borrow_mut().get_mut(r))
    }

    /// Everything due now: polls, sends, reconciles, draft saves. Called every 250 ms.
    pub fn tick(self: &Rc<Self>) {
        if self.stopped.get() {
            return;
        }
        let now = mono_ms();
        let visible = page_visible();
        if visible != self.visible.get() {
            self.visible.set(visible);
            for s in self.schedulers.borrow_mut().iter_mut() {
                s.set_visible(visible, now);
            }
        }
        let online = browser_online();
        if online != self.online.get() {
            self.set_online(online);
        }
        self.push_tick(now);
        self.start_due_polls(now);
        self.drive_outbox();
        self.flush_drafts(false);
    }

    /// `online` / `offline` from the browser.
    pub fn set_online(self: &Rc<Self>, online: bool) {
        self.online.set(online);
        self.dispatch.sync.dispatch(SyncAction::Offline(!online));
        if online {
            let now = mono_ms();
            for s in self.schedulers.borrow_mut().iter_mut() {
                s.online(now);
            }
            // Sends held while offline go now.
            self.drive_outbox();
            self.wake_push();
        }
    }

    /// Switches the inbox view (the JS API's `setView`).
    pub fn set_view(&self, view: crate::state::View) {
        self.dispatch.inbox.dispatch(InboxAction::SetView(view));
    }

    /// The total unread count changed: tell the host (once per change, and only once every
    /// list has answered, so a host's badge does not flicker through partial sums at start).
    pub fn report_unread(&self, total: u64) {
        if !self.list_answered.borrow().iter().all(|answered| *answered) {
            return;
        }
        if self.last_unread.get() != Some(total) {
            self.last_unread.set(Some(total));
            self.emit(HostEvent::UnreadChanged(total));
        }
    }
}
