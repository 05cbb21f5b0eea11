//! Polling: the three lists, the directory (operators and groups) and the open conversation,
//! and what their answers change in the stores.

use std::rc::Rc;

use super::clock::{mono_ms, now_ms};
use super::machine::{Resource, Session};
use super::reducers::SyncAction;
use crate::api::ListName;
use crate::api::{ApiError, Conversation, ConversationId, Polled, UserId};
use crate::state::events::HostEvent;
use crate::state::inbox::InboxAction;
use crate::state::open::OpenAction;
use crate::sync::scheduler::{PollScheduler, PollState, Verdict, retry_after_ms};

impl Session {
    /// Starts every poll that is due at `now`.
    pub(super) fn start_due_polls(self: &Rc<Self>, now: u64) {
        for kind in ListName::ALL {
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
    }

    /// Polls everything now (manual refresh, `refresh()` of the JS API, after an action).
    pub fn refresh(&self) {
        let now = mono_ms();
        for s in self.schedulers.borrow_mut().iter_mut() {
            s.poke(now);
        }
    }

    /// A new token arrived (after `auth-required`): polling starts again.
    pub fn token_changed(&self) {
        // The host may switch tokens without a 401 first: ask the token source again.
        self.client.forget_token();
        self.provider_reported.set(false);
        let now = mono_ms();
        for s in self.schedulers.borrow_mut().iter_mut() {
            s.token_changed(now);
        }
        self.wake_push();
    }

    pub(super) fn publish_lists(&self) {
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

    pub(super) fn note_error(&self, error: &ApiError) {
        if let Some(secs) = error.retry_after_secs() {
            // The server asked this host to wait: every poll, send and check waits (capped).
            let until = mono_ms().saturating_add(retry_after_ms(secs));
            self.hold_until.set(self.hold_until.get().max(until));
            for s in self.schedulers.borrow_mut().iter_mut() {
                s.hold_until(until);
            }
        }
        if error.is_unauthorized() {
            self.client.forget_token();
            // The host's own tokenProvider failed (threw, rejected, never answered): the host
            // developer hears it as `error` too, once per failure streak.
            if let ApiError::Unauthorized { message } = error {
                if message.starts_with(crate::api::PROVIDER_FAILED)
                    && !self.provider_reported.replace(true)
                {
                    self.emit(HostEvent::Error(message.clone()));
                }
            }
            self.emit(HostEvent::AuthRequired);
        }
    }

    pub(super) fn spawn_list(
        self: &Rc<Self>,
        kind: ListName,
        ticket: crate::sync::scheduler::RequestTicket,
    ) {
        let this = Rc::clone(self);
        wasm_bindgen_futures::spawn_local(async move {
            let memo = this.memos.get(kind).clone();
            let result = this.client.poll_list(kind, &memo).await;
            if this.stopped.get() {
                return;
            }
            let verdict = this.with_scheduler(Resource::List(kind), |s| {
                s.finish(ticket, result.as_ref().map(|_| ()), mono_ms())
            });
            // Shown as "updated N s ago": the wall clock.
            let now = now_ms();
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
                    if matches!(kind, ListName::Unread | ListName::NotAnswered)
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
            this.arm_nudge_timer();
        });
    }

    /// Shows our own change to a conversation at once. The lists are patched by guesswork (see
    /// `api::assumptions`), so the next answer of each list is decoded and believed even if its
    /// bytes did not change.
    pub(super) fn patch(&self, c: &Conversation) {
        for memo in self.memos.iter() {
            memo.disarm();
        }
        self.dispatch
            .inbox
            .dispatch(InboxAction::Patched(Box::new(c.clone())));
    }

    pub(super) fn set_me(&self, me: Option<UserId>) {
        if self.me.get() != me {
            self.me.set(me);
            self.dispatch.inbox.dispatch(InboxAction::Me(me));
            self.dispatch.sync.dispatch(SyncAction::Me(me));
        }
    }

    pub(super) fn spawn_directory(self: &Rc<Self>, ticket: crate::sync::scheduler::RequestTicket) {
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
            let now = mono_ms();
            this.with_scheduler(Resource::Directory, |s| {
                s.finish(ticket, outcome.as_ref().map(|_| ()), now)
            });
            if let (Ok(ops), Ok(groups)) = (ops, groups) {
                if let Some(op) = this.operator_id() {
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
        // A scheduled Close/Unassign of another conversation is cancelled (one handed over
        // from a replaced session for this one stays).
        let other = self
            .undo
            .borrow()
            .as_ref()
            .is_some_and(|u| Some(u.conversation) != id);
        if other {
            self.undo.borrow_mut().take();
        }
        self.open_id.set(id);
        self.dispatch.inbox.dispatch(InboxAction::Select(id));
        match id {
            Some(id) => {
                let known = self.known.borrow().get(&id).cloned();
                self.dispatch.open.dispatch(OpenAction::Open(id, known));
                let now = mono_ms();
                // A new resource: the previous conversation's answer in flight becomes stale.
                if let Some(ticket) = self.with_scheduler(Resource::Open, |s| s.restart(now)) {
                    self.spawn_open(id, ticket);
                }
                self.emit(HostEvent::ConversationSelected(id));
            }
            None => self.dispatch.open.dispatch(OpenAction::CloseView),
        }
    }

    pub(super) fn spawn_open(
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
            if this.stopped.get() {
                return;
            }
            // The in-flight marker is always finished (another conversation opened meanwhile
            // made this ticket stale, and a stale answer changes nothing).
            let verdict = this.with_scheduler(Resource::Open, |s| {
                s.finish(ticket, got.as_ref().map(|_| ()), mono_ms())
            });
            this.arm_nudge_timer();
            if verdict == Verdict::Stale || this.open_id.get() != Some(id) {
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
}
