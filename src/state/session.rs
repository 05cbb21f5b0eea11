//! The session of one mounted widget: the API client, the poll schedulers, the outbox and the
//! drafts, driven by one 250 ms tick. It owns the mutable machinery; what components render lives
//! in the reducers it dispatches to ([`InboxState`], [`OpenState`], [`SendsState`], [`SyncState`]).
//!
//! Dropping the session's [`Session::shutdown`] aborts every request it started; the root
//! component calls it on unmount, so nothing is left running.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeSet, HashMap};
use std::rc::Rc;

use yew::{Callback, Reducible, UseReducerDispatcher};

use super::config::ConfigHandle;
use super::events::HostEvent;
use super::inbox::{InboxAction, InboxState, ListKind, PerList};
use super::open::{ActionKind, ActionState, OpenAction, OpenState};
use crate::api::{
    AbortScope, ApiError, Conversation, ConversationId, Group, GroupId, ListMemo, Operator,
    OperatorId, Polled, UserId, WebClient,
};
use crate::sync::drafts::{DEFAULT_DEBOUNCE_MS, DEFAULT_MAX_WAIT_MS, Drafts};
use crate::sync::outbox::{LocalId, Outbox, SendKind};
use crate::sync::scheduler::{PollConfig, PollScheduler, PollState, Verdict};
use crate::sync::storage::{Persisted, keys, namespace};

/// What is polled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Resource {
    List(ListKind),
    Open,
    Directory,
}

/// One poll scheduler per [`Resource`].
struct Schedulers {
    lists: PerList<PollScheduler>,
    open: PollScheduler,
    directory: PollScheduler,
}

impl Schedulers {
    fn get_mut(&mut self, r: Resource) -> &mut PollScheduler {
        match r {
            Resource::List(kind) => self.lists.get_mut(kind),
            Resource::Open => &mut self.open,
            Resource::Directory => &mut self.directory,
        }
    }

    fn iter_mut(&mut self) -> impl Iterator<Item = &mut PollScheduler> {
        self.lists
            .iter_mut()
            .chain([&mut self.open, &mut self.directory])
    }
}

/// The outbox and drafts as components see them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SendsState {
    /// The outbox.
    pub outbox: Rc<Outbox>,
    /// Conversations that have a draft.
    pub drafted: Rc<BTreeSet<ConversationId>>,
    /// Storage is unavailable: drafts and unsent messages live only in this tab.
    pub storage_degraded: bool,
}

/// What can happen to [`SendsState`].
#[derive(Clone, Debug, PartialEq)]
pub enum SendsAction {
    /// A new outbox.
    Outbox(Outbox),
    /// The set of conversations with drafts.
    Drafted(BTreeSet<ConversationId>),
    /// Storage degraded.
    Degraded(bool),
}

impl Reducible for SendsState {
    type Action = SendsAction;
    fn reduce(self: Rc<Self>, action: SendsAction) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            SendsAction::Outbox(o) if *self.outbox != o => next.outbox = Rc::new(o),
            SendsAction::Drafted(d) if *self.drafted != d => next.drafted = Rc::new(d),
            SendsAction::Degraded(d) if self.storage_degraded != d => next.storage_degraded = d,
            _ => return self,
        }
        Rc::new(next)
    }
}

/// Freshness and connection state for the banners and the "updated N s ago" label.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SyncState {
    /// The lists' combined poll state (the worst of the three).
    pub lists: Option<PollState>,
    /// When every list last succeeded (ms since the epoch), the oldest of the three.
    pub updated_at: Option<u64>,
    /// `navigator.onLine` is false.
    pub offline: bool,
    /// Operators, for the assignment menu and the header.
    pub operators: Rc<Vec<Operator>>,
    /// Groups, for the assignment menu and the header.
    pub groups: Rc<Vec<Group>>,
    /// My user id, once known.
    pub me: Option<UserId>,
}

/// What can happen to [`SyncState`].
#[derive(Clone, Debug, PartialEq)]
pub enum SyncAction {
    /// New poll state of the lists.
    Lists(Option<PollState>, Option<u64>),
    /// Online / offline.
    Offline(bool),
    /// Operators and groups.
    Directory(Vec<Operator>, Vec<Group>),
    /// My user id.
    Me(Option<UserId>),
}

impl Reducible for SyncState {
    type Action = SyncAction;
    fn reduce(self: Rc<Self>, action: SyncAction) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            SyncAction::Lists(state, at) => {
                if self.lists == state && self.updated_at == at {
                    return self;
                }
                next.lists = state;
                next.updated_at = at;
            }
            SyncAction::Offline(o) if self.offline != o => next.offline = o,
            SyncAction::Directory(ops, groups) => {
                if *self.operators == ops && *self.groups == groups {
                    return self;
                }
                next.operators = Rc::new(ops);
                next.groups = Rc::new(groups);
            }
            SyncAction::Me(me) if self.me != me => next.me = me,
            _ => return self,
        }
        Rc::new(next)
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

/// Milliseconds since the epoch.
pub fn now_ms() -> u64 {
    let now = js_sys::Date::now();
    if now.is_finite() && now > 0.0 {
        now as u64
    } else {
        0
    }
}

fn page_visible() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .is_none_or(|d| d.visibility_state() != web_sys::VisibilityState::Hidden)
}

fn browser_online() -> bool {
    web_sys::window().is_none_or(|w| w.navigator().on_line())
}

/// A request to send, as the `before-send` hook sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SendRequest {
    /// The conversation.
    pub conversation: ConversationId,
    /// Reply, file or note.
    pub kind: SendKind,
    /// The text or URL.
    pub text: String,
}

/// Asked before every send; `false` cancels it (the text stays in the composer).
pub type BeforeSend = Rc<dyn Fn(&SendRequest) -> bool>;

/// One mounted widget's machinery.
pub struct Session {
    /// The configuration.
    pub config: ConfigHandle,
    client: WebClient,
    scope: RefCell<Option<AbortScope>>,
    schedulers: RefCell<Schedulers>,
    /// When each list last answered successfully.
    list_success: RefCell<PerList<Option<u64>>>,
    /// Whether each list has answered (or failed) at least once.
    list_answered: RefCell<PerList<bool>>,
    /// One per list: what it last answered, so an identical answer is not decoded again and a
    /// changed one decodes only its changed conversations.
    memos: PerList<ListMemo>,
    known: RefCell<HashMap<ConversationId, Conversation>>,
    open_id: Cell<Option<ConversationId>>,
    outbox: RefCell<Outbox>,
    /// Messages whose conversation is being fetched to reconcile them (a handful at most).
    reconciling: RefCell<Vec<LocalId>>,
    drafts: RefCell<Drafts>,
    storage: Persisted,
    visible: Cell<bool>,
    online: Cell<bool>,
    me: Cell<Option<UserId>>,
    operators: RefCell<Vec<Operator>>,
    undo: RefCell<Option<gloo_timers::callback::Timeout>>,
    dispatch: Dispatchers,
    events: Callback<HostEvent>,
    before_send: Option<BeforeSend>,
    last_unread: Cell<Option<u64>>,
    stopped: Cell<bool>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("config", &self.config)
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
        let client = WebClient::web(config.client.clone()).map_err(|e| e.to_string())?;
        let (client, scope) = client.scoped();
        let storage = Persisted::browser(namespace(
            &config.client.base_url,
            config.client.operator_id,
        ));
        let outbox = storage
            .get(keys::OUTBOX)
            .and_then(|json| serde_json::from_str::<Outbox>(&json).ok())
            .map(Outbox::restored)
            .unwrap_or_default();
        let drafts = storage
            .get(keys::DRAFTS)
            .map(|json| Drafts::from_json(&json, DEFAULT_DEBOUNCE_MS, DEFAULT_MAX_WAIT_MS))
            .unwrap_or_else(|| Drafts::new(DEFAULT_DEBOUNCE_MS, DEFAULT_MAX_WAIT_MS));
        let poll = PollConfig {
            visible_interval_ms: config.poll_interval_ms.max(1_000),
            hidden_interval_ms: config.hidden_poll_interval_ms.max(config.poll_interval_ms),
            ..PollConfig::default()
        };
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
            config,
            client,
            scope: RefCell::new(Some(scope)),
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
            visible: Cell::new(true),
            online: Cell::new(browser_online()),
            me: Cell::new(None),
            operators: RefCell::new(Vec::new()),
            undo: RefCell::new(None),
            dispatch,
            events,
            before_send,
            last_unread: Cell::new(None),
            stopped: Cell::new(false),
        });
        session.publish_sends();
        session
            .dispatch
            .sync
            .dispatch(SyncAction::Offline(!session.online.get()));
        Ok(session)
    }

    /// Aborts every request and stops all work. Called on unmount.
    pub fn shutdown(&self) {
        self.stopped.set(true);
        self.undo.borrow_mut().take();
        if let Some(scope) = self.scope.borrow_mut().take() {
            scope.abort();
        }
        self.flush_drafts(true);
    }

    /// The host-event callback.
    pub fn emit(&self, event: HostEvent) {
        self.events.emit(event);
    }

    fn with_scheduler<R>(&self, r: Resource, f: impl FnOnce(&mut PollScheduler) -> R) -> R {
        f(self.schedulers.borrow_mut().get_mut(r))
    }

    /// Everything due now: polls, sends, reconciles, draft saves. Called every 250 ms.
    pub fn tick(self: &Rc<Self>) {
        if self.stopped.get() {
            return;
        }
        let now = now_ms();
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
        for kind in ListKind::ALL {
            if let Some(ticket) = self.with_scheduler(Resource::List(kind), |s| s.begin(now)) {
                self.spawn_list(kind, ticket);
            }
        }
        if let Some(id) = self.open_id.get() {
            if let Some(ticket) = self.with_scheduler(Resource::Open, |s| s.begin(now)) {
                self.spawn_open(id, ticket);
            }
        }
        if let Some(ticket) = self.with_scheduler(Resource::Directory, |s| s.begin(now)) {
            self.spawn_directory(ticket);
        }
        self.drive_outbox();
        self.flush_drafts(false);
    }

    /// `online` / `offline` from the browser.
    pub fn set_online(self: &Rc<Self>, online: bool) {
        self.online.set(online);
        self.dispatch.sync.dispatch(SyncAction::Offline(!online));
        if online {
            let now = now_ms();
            for s in self.schedulers.borrow_mut().iter_mut() {
                s.online(now);
            }
        }
    }

    /// Polls everything now (manual refresh, `refresh()` of the JS API, after an action).
    pub fn refresh(&self) {
        let now = now_ms();
        for s in self.schedulers.borrow_mut().iter_mut() {
            s.poke(now);
        }
    }

    /// Switches the inbox view (the JS API's `setView`).
    pub fn set_view(&self, view: super::inbox::View) {
        self.dispatch.inbox.dispatch(InboxAction::SetView(view));
    }

    /// A new token arrived (after `auth-required`): polling starts again.
    pub fn token_changed(&self) {
        // The host may switch tokens without a 401 first: ask the token source again.
        self.client.forget_token();
        let now = now_ms();
        for s in self.schedulers.borrow_mut().iter_mut() {
            s.token_changed(now);
        }
    }

    fn publish_lists(&self) {
        let schedulers = self.schedulers.borrow();
        let states: Vec<PollState> = schedulers.lists.iter().map(PollScheduler::state).collect();
        let rank = |s: &PollState| match s {
            PollState::Stopped { .. } => 3,
            PollState::Backoff { .. } => 2,
            PollState::Idle => 1,
            PollState::Ok { .. } => 0,
        };
        // Among equals the oldest success: it moves only once all three lists have answered
        // again, like `updated_at`, so a poll cycle changes this state (and renders) once.
        let oldest = |s: &PollState| match s {
            PollState::Ok { last_success_at } => std::cmp::Reverse(*last_success_at),
            _ => std::cmp::Reverse(0),
        };
        let worst = states.iter().max_by_key(|s| (rank(s), oldest(s))).cloned();
        let success = self.list_success.borrow();
        // Only once every list has answered.
        let updated_at = success
            .iter()
            .try_fold(u64::MAX, |oldest, at| at.map(|at| oldest.min(at)));
        self.dispatch
            .sync
            .dispatch(SyncAction::Lists(worst, updated_at));
    }

    fn note_error(&self, error: &ApiError) {
        if error.is_unauthorized() {
            self.client.forget_token();
            self.emit(HostEvent::AuthRequired);
        }
    }

    fn spawn_list(self: &Rc<Self>, kind: ListKind, ticket: crate::sync::scheduler::RequestTicket) {
        let this = Rc::clone(self);
        wasm_bindgen_futures::spawn_local(async move {
            let memo = this.memos.get(kind).clone();
            let result = this.client.poll_list(kind.api(), &memo).await;
            if this.stopped.get() {
                return;
            }
            let now = now_ms();
            let verdict = this.with_scheduler(Resource::List(kind), |s| {
                s.finish(ticket, result.as_ref().map(|_| ()), now)
            });
            if verdict == Verdict::Stale {
                return;
            }
            *this.list_answered.borrow_mut().get_mut(kind) = true;
            match result {
                // The same bytes as the last answer, which the inbox already shows: only the
                // freshness moves (no decoding, no state change, no render of the rows).
                Ok(Polled::Same) => {
                    *this.list_success.borrow_mut().get_mut(kind) = Some(now);
                }
                Ok(Polled::New(listed)) => {
                    *this.list_success.borrow_mut().get_mut(kind) = Some(now);
                    let learnt = {
                        let mut known = this.known.borrow_mut();
                        let before = known.len();
                        for c in &listed.items {
                            // Newer, or as new but different: an unchanged conversation is not
                            // copied again (a poll of 1000 used to copy all 1000).
                            let newer = known.get(&c.id).is_none_or(|k| {
                                let (mine, theirs) =
                                    (c.date_updated.unwrap_or(0), k.date_updated.unwrap_or(0));
                                mine > theirs || (mine == theirs && k != c)
                            });
                            if newer {
                                known.insert(c.id, c.clone());
                            }
                        }
                        known.len() != before
                    };
                    if learnt {
                        // Drafts restored from storage get their row markers once their
                        // conversations are known (after a reload, that is the first list).
                        this.publish_drafted();
                    }
                    if matches!(kind, ListKind::Unread | ListKind::NotAnswered)
                        && this.me.get().is_none()
                    {
                        // These lists are filtered by my operator, so their assignee is me.
                        if let Some(me) = listed.items.iter().find_map(|c| c.operator_user_id) {
                            this.set_me(Some(me));
                        }
                    }
                    if !listed.skipped.is_empty() {
                        this.emit(HostEvent::Error(format!(
                            "{} conversation(s) in the server's answer could not be read and are not shown.",
                            listed.skipped.len()
                        )));
                    }
                    this.dispatch
                        .inbox
                        .dispatch(InboxAction::Loaded(kind, listed));
                }
                Err(e) => {
                    this.note_error(&e);
                    this.dispatch.inbox.dispatch(InboxAction::Failed(kind, e));
                }
            }
            this.publish_lists();
        });
    }

    /// Shows our own change to a conversation at once. The lists are patched by guesswork (see
    /// `api::assumptions`), so the next answer of each list is decoded and believed even if its
    /// bytes did not change.
    fn patch(&self, c: &Conversation) {
        for memo in self.memos.iter() {
            memo.disarm();
        }
        self.dispatch
            .inbox
            .dispatch(InboxAction::Patched(Box::new(c.clone())));
    }

    fn set_me(&self, me: Option<UserId>) {
        if self.me.get() != me {
            self.me.set(me);
            self.dispatch.inbox.dispatch(InboxAction::Me(me));
            self.dispatch.sync.dispatch(SyncAction::Me(me));
        }
    }

    fn spawn_directory(self: &Rc<Self>, ticket: crate::sync::scheduler::RequestTicket) {
        let this = Rc::clone(self);
        wasm_bindgen_futures::spawn_local(async move {
            let ops = this.client.operators().await;
            let groups = this.client.groups().await;
            if this.stopped.get() {
                return;
            }
            let outcome = match (&ops, &groups) {
                (Err(e), _) | (_, Err(e)) => Err(e.clone()),
                _ => Ok(()),
            };
            let now = now_ms();
            this.with_scheduler(Resource::Directory, |s| {
                s.finish(ticket, outcome.as_ref().map(|_| ()), now)
            });
            if let (Ok(ops), Ok(groups)) = (ops, groups) {
                if let Some(op) = this.config.client.operator_id {
                    if let Some(found) = ops.items.iter().find(|o| o.id == op) {
                        this.set_me(Some(found.user_id));
                    }
                }
                *this.operators.borrow_mut() = ops.items.clone();
                this.dispatch
                    .sync
                    .dispatch(SyncAction::Directory(ops.items, groups.items));
            }
        });
    }

    /// Opens a conversation (or none).
    pub fn open(self: &Rc<Self>, id: Option<ConversationId>) {
        if self.open_id.get() == id {
            return;
        }
        self.undo.borrow_mut().take();
        self.open_id.set(id);
        self.dispatch.inbox.dispatch(InboxAction::Select(id));
        match id {
            Some(id) => {
                let known = self.known.borrow().get(&id).cloned();
                self.dispatch.open.dispatch(OpenAction::Open(id, known));
                let now = now_ms();
                // A new resource: the previous conversation's answer in flight becomes stale.
                if let Some(ticket) = self.with_scheduler(Resource::Open, |s| s.restart(now)) {
                    self.spawn_open(id, ticket);
                }
                self.emit(HostEvent::ConversationSelected(id));
            }
            None => self.dispatch.open.dispatch(OpenAction::CloseView),
        }
    }

    fn spawn_open(
        self: &Rc<Self>,
        id: ConversationId,
        ticket: crate::sync::scheduler::RequestTicket,
    ) {
        let this = Rc::clone(self);
        wasm_bindgen_futures::spawn_local(async move {
            let got = this.client.get(id).await;
            let history = if got.is_ok() {
                this.client.history(id).await
            } else {
                Ok(None)
            };
            if this.stopped.get() || this.open_id.get() != Some(id) {
                return;
            }
            let now = now_ms();
            let verdict = this.with_scheduler(Resource::Open, |s| {
                s.finish(ticket, got.as_ref().map(|_| ()), now)
            });
            if verdict == Verdict::Stale {
                return;
            }
            match got {
                Ok(c) => {
                    this.known.borrow_mut().insert(id, c.clone());
                    this.dispatch.open.dispatch(OpenAction::Fetched(c));
                }
                Err(e) => {
                    this.note_error(&e);
                    this.dispatch.open.dispatch(OpenAction::FetchFailed(id, e));
                }
            }
            match history {
                Ok(Some(listed)) => this.dispatch.open.dispatch(OpenAction::History(id, listed)),
                Ok(None) => {}
                Err(e) => this
                    .dispatch
                    .open
                    .dispatch(OpenAction::HistoryFailed(id, e)),
            }
        });
    }

    // ---- actions -------------------------------------------------------------------------------

    /// Runs a header action on the open conversation; Close and Unassign wait for Undo first.
    pub fn act(
        self: &Rc<Self>,
        kind: ActionKind,
        operator: Option<OperatorId>,
        group: Option<GroupId>,
    ) {
        let Some(id) = self.open_id.get() else { return };
        if kind.has_undo() && self.config.undo_ms > 0 {
            let until = js_sys::Date::now() + f64::from(self.config.undo_ms);
            self.dispatch
                .open
                .dispatch(OpenAction::Action(ActionState::Scheduled { kind, until }));
            let this = Rc::clone(self);
            let timer = gloo_timers::callback::Timeout::new(self.config.undo_ms, move || {
                this.undo.borrow_mut().take();
                this.call_action(id, kind, operator, group);
            });
            *self.undo.borrow_mut() = Some(timer);
        } else {
            self.call_action(id, kind, operator, group);
        }
    }

    /// Cancels a scheduled Close or Unassign.
    pub fn undo(&self) {
        if self.undo.borrow_mut().take().is_some() {
            self.dispatch
                .open
                .dispatch(OpenAction::Action(ActionState::Idle));
        }
    }

    /// Hides a failed action's error (the operator's Dismiss).
    pub fn dismiss_action_error(&self) {
        self.dispatch
            .open
            .dispatch(OpenAction::Action(ActionState::Idle));
    }

    fn call_action(
        self: &Rc<Self>,
        id: ConversationId,
        kind: ActionKind,
        operator: Option<OperatorId>,
        group: Option<GroupId>,
    ) {
        self.dispatch
            .open
            .dispatch(OpenAction::Action(ActionState::Pending(kind)));
        let this = Rc::clone(self);
        wasm_bindgen_futures::spawn_local(async move {
            let result = match (kind, operator, group) {
                (ActionKind::Take, _, _) => this.client.start(id).await,
                (ActionKind::Close, _, _) => this.client.close(id).await,
                (ActionKind::Unassign, _, _) => this.client.unassign(id).await,
                (ActionKind::AssignOperator, Some(op), _) => {
                    this.client.assign_operator(id, op).await
                }
                (ActionKind::AssignGroup, _, Some(g)) => this.client.assign_group(id, g).await,
                _ => return,
            };
            if this.stopped.get() {
                return;
            }
            match result {
                Ok(c) => {
                    this.known.borrow_mut().insert(id, c.clone());
                    this.patch(&c);
                    this.dispatch.open.dispatch(OpenAction::Fetched(c.clone()));
                    this.dispatch.open.dispatch(OpenAction::Acknowledge);
                    this.dispatch
                        .open
                        .dispatch(OpenAction::Action(ActionState::Idle));
                    match kind {
                        ActionKind::Close => this.emit(HostEvent::Closed(id)),
                        ActionKind::Take
                        | ActionKind::AssignOperator
                        | ActionKind::AssignGroup
                        | ActionKind::Unassign => this.emit(HostEvent::Assigned {
                            conversation: id,
                            operator,
                            group,
                            status: c.status.as_str().to_owned(),
                        }),
                    }
                }
                Err(e) => {
                    this.note_error(&e);
                    this.emit(HostEvent::Error(e.user_message()));
                    this.dispatch
                        .open
                        .dispatch(OpenAction::Action(ActionState::Failed {
                            kind,
                            message: e.user_message(),
                        }));
                }
            }
            this.refresh();
        });
    }

    // ---- sends ---------------------------------------------------------------------------------

    /// Queues a send. Returns `None` when the host's `before-send` cancelled it.
    pub fn send(
        self: &Rc<Self>,
        conversation: ConversationId,
        kind: SendKind,
        text: String,
    ) -> Option<LocalId> {
        let request = SendRequest {
            conversation,
            kind,
            text,
        };
        if let Some(hook) = &self.before_send {
            if !hook(&request) {
                return None;
            }
        }
        let id = self
            .outbox
            .borrow_mut()
            .enqueue(conversation, kind, request.text, now_ms());
        self.persist_outbox();
        self.drive_outbox();
        Some(id)
    }

    /// The operator's Retry of a failed or unconfirmed item.
    pub fn retry(self: &Rc<Self>, id: LocalId) {
        if self.outbox.borrow_mut().retry(id) {
            self.persist_outbox();
            self.drive_outbox();
        }
    }

    /// The operator's Discard. Returns the item (its text goes back to the composer).
    pub fn discard(&self, id: LocalId) -> Option<crate::sync::outbox::OutboxItem> {
        let item = self.outbox.borrow_mut().discard(id);
        self.persist_outbox();
        item
    }

    fn persist_outbox(&self) {
        let outbox = self.outbox.borrow().clone();
        if let Ok(json) = serde_json::to_string(&outbox) {
            self.storage.set(keys::OUTBOX, &json);
        }
        self.dispatch.sends.dispatch(SendsAction::Outbox(outbox));
        self.dispatch
            .sends
            .dispatch(SendsAction::Degraded(self.storage.is_degraded()));
    }

    /// Shows the outbox and drafts restored at start-up (no write: storage already holds them).
    fn publish_sends(&self) {
        let outbox = self.outbox.borrow().clone();
        self.dispatch.sends.dispatch(SendsAction::Outbox(outbox));
        self.dispatch
            .sends
            .dispatch(SendsAction::Degraded(self.storage.is_degraded()));
        self.publish_drafted();
    }

    fn drive_outbox(self: &Rc<Self>) {
        if self.stopped.get() {
            return;
        }
        let ready = self.outbox.borrow().ready();
        for local in ready {
            let seen = {
                let outbox = self.outbox.borrow();
                outbox
                    .item(local)
                    .and_then(|i| self.known.borrow().get(&i.conversation).cloned())
            };
            let job = self
                .outbox
                .borrow_mut()
                .begin(local, seen.as_ref(), now_ms());
            let Some(job) = job else { continue };
            self.persist_outbox();
            let this = Rc::clone(self);
            wasm_bindgen_futures::spawn_local(async move {
                let result = match job.kind {
                    SendKind::Reply => this.client.send_message(job.conversation, &job.text).await,
                    SendKind::File => {
                        this.client
                            .send_file_message(job.conversation, &job.text)
                            .await
                    }
                    SendKind::Note => this.client.send_note(job.conversation, &job.text).await,
                };
                match result {
                    Ok(c) => {
                        this.outbox.borrow_mut().on_success(job.local_id, &c);
                        this.known.borrow_mut().insert(c.id, c.clone());
                        this.patch(&c);
                        this.dispatch.open.dispatch(OpenAction::OwnSend(c));
                        this.emit(match job.kind {
                            SendKind::Note => HostEvent::NoteAdded {
                                conversation: job.conversation,
                                local_id: job.local_id.0,
                            },
                            kind => HostEvent::MessageSent {
                                conversation: job.conversation,
                                local_id: job.local_id.0,
                                kind,
                            },
                        });
                    }
                    Err(e) => {
                        this.note_error(&e);
                        this.outbox.borrow_mut().on_error(job.local_id, &e);
                        if e.is_definite_rejection() {
                            this.emit(HostEvent::MessageFailed {
                                conversation: job.conversation,
                                local_id: job.local_id.0,
                                message: e.user_message(),
                            });
                        }
                    }
                }
                this.persist_outbox();
                this.reconcile_pending();
                this.refresh();
                this.drive_outbox();
            });
        }
        self.reconcile_pending();
    }

    fn reconcile_pending(self: &Rc<Self>) {
        let wanted = self.outbox.borrow().needs_reconcile();
        for (local, conversation) in wanted {
            if self.reconciling.borrow().contains(&local) {
                continue;
            }
            self.reconciling.borrow_mut().push(local);
            let this = Rc::clone(self);
            wasm_bindgen_futures::spawn_local(async move {
                let got = this.client.get(conversation).await;
                this.reconciling.borrow_mut().retain(|l| *l != local);
                if this.stopped.get() {
                    return;
                }
                let state = match &got {
                    Ok(c) => this.outbox.borrow_mut().reconcile(local, c),
                    Err(e) => {
                        this.outbox.borrow_mut().reconcile_failed(local, e);
                        None
                    }
                };
                if let Ok(c) = got {
                    this.known.borrow_mut().insert(c.id, c.clone());
                    this.dispatch.open.dispatch(OpenAction::Fetched(c));
                }
                if let Some(state) = state {
                    if !state.is_sent() {
                        let message = match &state {
                            crate::sync::outbox::SendState::Unconfirmed { reason } => {
                                reason.clone()
                            }
                            _ => String::new(),
                        };
                        this.emit(HostEvent::MessageFailed {
                            conversation,
                            local_id: local.0,
                            message,
                        });
                    }
                }
                this.persist_outbox();
                this.drive_outbox();
            });
        }
    }

    // ---- drafts --------------------------------------------------------------------------------

    /// The draft of a conversation in a composer mode.
    pub fn draft(&self, conversation: ConversationId, mode: SendKind) -> String {
        self.drafts.borrow().get(conversation, mode).to_owned()
    }

    /// Records what the operator typed (saved debounced).
    pub fn set_draft(&self, conversation: ConversationId, mode: SendKind, text: &str) {
        let had = self.drafts.borrow().has_draft(conversation);
        self.drafts
            .borrow_mut()
            .set(conversation, mode, text, now_ms());
        if had != self.drafts.borrow().has_draft(conversation) {
            self.publish_drafted();
        }
    }

    /// Writes pending draft changes to storage now (the page is being hidden or unloaded: the
    /// debounce would lose the last keystrokes).
    pub fn save_drafts(&self) {
        self.flush_drafts(true);
    }

    /// Clears a draft after it was sent.
    pub fn clear_draft(&self, conversation: ConversationId, mode: SendKind) {
        self.drafts.borrow_mut().clear(conversation, mode, now_ms());
        self.flush_drafts(true);
        self.publish_drafted();
    }

    fn publish_drafted(&self) {
        let drafts = self.drafts.borrow();
        // Inserted one by one: collecting into a set sorts first, another copy of the sort.
        let mut ids = BTreeSet::new();
        for id in self.known.borrow().keys() {
            if drafts.has_draft(*id) {
                ids.insert(*id);
            }
        }
        self.dispatch.sends.dispatch(SendsAction::Drafted(ids));
    }

    fn flush_drafts(&self, force: bool) {
        let due = {
            let drafts = self.drafts.borrow();
            drafts.is_dirty() && (force || drafts.should_flush(now_ms()))
        };
        if due {
            let json = self.drafts.borrow().to_json();
            self.storage.set(keys::DRAFTS, &json);
            self.drafts.borrow_mut().mark_flushed();
            self.dispatch
                .sends
                .dispatch(SendsAction::Degraded(self.storage.is_degraded()));
        }
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
