//! The two reducers the session owns besides the inbox and the open conversation: the outbox and
//! drafts as components see them ([`SendsState`]) and freshness / connection ([`SyncState`]).

use std::collections::BTreeSet;
use std::rc::Rc;

use yew::Reducible;

use crate::api::{ConversationId, Group, Operator, UserId};
use crate::sync::outbox::Outbox;
use crate::sync::scheduler::PollState;

/// The outbox and drafts as components see them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SendsState {
    /// The outbox.
    pub outbox: Rc<Outbox>,
    /// Conversations that have a draft.
    pub drafted: Rc<BTreeSet<ConversationId>>,
    /// Storage is unavailable: drafts and unsent messages live only in this tab.
    pub storage_degraded: bool,
    /// The last discarded message, put back into its draft (the composer shows it).
    pub restored: Option<Restored>,
}

/// A discarded message's text went back into the draft of its conversation and mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Restored {
    /// The conversation.
    pub conversation: ConversationId,
    /// The composer mode it was sent in.
    pub kind: crate::sync::outbox::SendKind,
    /// Counts discards, so the same conversation and mode twice is two changes.
    pub serial: u64,
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
    /// A discarded message is back in its draft.
    Restored(Restored),
}

impl Reducible for SendsState {
    type Action = SendsAction;
    fn reduce(self: Rc<Self>, action: SendsAction) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            SendsAction::Outbox(o) if *self.outbox != o => next.outbox = Rc::new(o),
            SendsAction::Drafted(d) if *self.drafted != d => next.drafted = Rc::new(d),
            SendsAction::Degraded(d) if self.storage_degraded != d => next.storage_degraded = d,
            SendsAction::Restored(r) => next.restored = Some(r),
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
    /// The push channel (`events-url`).
    pub push: PushState,
}

/// The push channel as the freshness label shows it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PushState {
    /// No `events-url`: polling only.
    #[default]
    Off,
    /// Not up yet (first connect).
    Connecting,
    /// Up: changes arrive as they happen; polling is a slow safety net.
    Live,
    /// Broken (reconnecting): polling at the normal interval.
    Down,
}

impl PushState {
    /// The freshness label's `data-push` value.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Off => "off",
            Self::Connecting => "connecting",
            Self::Live => "live",
            Self::Down => "down",
        }
    }
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
    /// The push channel's state.
    Push(PushState),
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
            SyncAction::Push(p) if self.push != p => next.push = p,
            _ => return self,
        }
        Rc::new(next)
    }
}
