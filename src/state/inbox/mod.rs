//! The inbox store: the three API lists, the merged "Needs attention" view, what the operator sees
//! (frozen while they are working in the list), and the selection.
//!
//! A reducer with an [`InboxAction`] enum, tested natively. The Yew root holds one per mounted
//! widget, so two widgets never share it.

use std::collections::HashMap;
use std::rc::Rc;

use yew::Reducible;

use super::view::View;
use crate::api::{
    ApiError, Conversation, ConversationId, ListName, Listed, PerList, Status, UserId,
};
use crate::sync::diff::positions;

/// How rows are ordered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SortOrder {
    /// Latest activity first (the API's order).
    #[default]
    Latest,
    /// Clients waiting for an answer first, longest wait first.
    WaitingLongest,
}

/// One API list as last fetched.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ListState {
    /// The conversations (`None` until the first answer).
    pub items: Option<Rc<Vec<Conversation>>>,
    /// The last error, while it lasts (the items are kept: stale, not lost).
    pub error: Option<ApiError>,
    /// Elements of the last answer that could not be read and were skipped.
    pub skipped: usize,
}

/// The inbox state of one widget.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct InboxState {
    lists: PerList<ListState>,
    /// The view shown.
    pub view: View,
    /// The row order.
    pub sort: SortOrder,
    /// The rows on screen, in order. Frozen while the operator works in the list.
    pub shown: Rc<Vec<Conversation>>,
    /// Newer rows held back while the operator works in the list ("N updates").
    pub pending: Option<Rc<Vec<Conversation>>>,
    /// The operator's focus or pointer is in the list: do not move rows under it.
    pub engaged: bool,
    /// The selected (open) conversation.
    pub selected: Option<ConversationId>,
    /// My user id (the `operator_user_id` of conversations assigned to me), once known.
    pub me: Option<UserId>,
    /// Figures every render asks for, computed once per change (see [`InboxState::derive`]).
    derived: Derived,
    /// `shown` was placed from a view whose lists had all answered: only such rows are frozen.
    shown_complete: bool,
}

/// What [`InboxState`] computes from its lists once per change instead of on every render.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct Derived {
    attention: Option<usize>,
    unread_total: u64,
    pending: usize,
}

/// What can happen to the inbox.
#[derive(Clone, Debug, PartialEq)]
pub enum InboxAction {
    /// A list answered.
    Loaded(ListName, Listed<Conversation>),
    /// A list failed (its items are kept).
    Failed(ListName, ApiError),
    /// The operator picked a view.
    SetView(View),
    /// The operator picked a sort order.
    SetSort(SortOrder),
    /// Focus or pointer entered (`true`) or left (`false`) the list.
    Engage(bool),
    /// The operator asked to see the held-back updates.
    ApplyUpdates,
    /// A conversation was opened (or closed with `None`).
    Select(Option<ConversationId>),
    /// An action of ours changed a conversation: show it at once, before the next poll.
    Patched(Box<Conversation>),
    /// My user id became known.
    Me(Option<UserId>),
}

impl InboxState {
    /// An empty inbox showing `view`.
    pub fn with_view(view: View) -> Self {
        InboxState {
            view,
            ..InboxState::default()
        }
    }

    /// One API list.
    pub fn list(&self, kind: ListName) -> &ListState {
        self.lists.get(kind)
    }

    /// `true` until every list has answered (or failed) once.
    pub fn is_loading(&self) -> bool {
        self.lists
            .iter()
            .any(|l| l.items.is_none() && l.error.is_none())
    }

    /// The first error among the lists, if any.
    pub fn error(&self) -> Option<&ApiError> {
        self.lists.iter().find_map(|l| l.error.as_ref())
    }

    /// Elements skipped across the lists (unreadable server data).
    pub fn skipped(&self) -> usize {
        self.lists.iter().map(|l| l.skipped).sum()
    }

    /// How many conversations a view holds now (live, not frozen).
    pub fn count(&self, view: View) -> Option<usize> {
        match view {
            View::Attention => self.derived.attention,
            View::Unassigned => self.items(ListName::Unassigned).map(|v| v.len()),
            View::Unread => self.items(ListName::Unread).map(|v| v.len()),
            View::NotAnswered => self.items(ListName::NotAnswered).map(|v| v.len()),
        }
    }

    /// The sum of `unread_count` over every conversation the inbox knows.
    pub fn unread_total(&self) -> u64 {
        self.derived.unread_total
    }

    /// The freshest copy of a conversation the lists have.
    pub fn find(&self, id: ConversationId) -> Option<&Conversation> {
        self.all_items()
            .filter(|c| c.id == id)
            .max_by_key(|c| c.date_updated.unwrap_or(i64::MIN))
    }

    /// How many conversations the held-back update would add, remove or move: what the
    /// "N updates" bar counts. (Content changes are already shown in place.)
    pub fn pending_count(&self) -> usize {
        self.derived.pending
    }

    /// Recomputes [`Derived`] (from [`refresh_rows`](Self::refresh_rows)).
    fn derive(&mut self) {
        let loaded = ListName::ALL.iter().any(|k| self.items(*k).is_some());
        let merged = merged_refs(self.all_items());
        self.derived = Derived {
            attention: loaded.then_some(merged.len()),
            unread_total: merged.iter().map(|c| u64::from(c.unread_count)).sum(),
            pending: self.compute_pending(),
        };
    }

    fn compute_pending(&self) -> usize {
        let Some(pending) = &self.pending else {
            return 0;
        };
        let old = positions(&self.shown);
        let new = positions(pending);
        let appeared = pending.iter().filter(|c| !old.contains_key(&c.id)).count();
        let gone = self
            .shown
            .iter()
            .filter(|c| !new.contains_key(&c.id))
            .count();
        // Rows kept: the fewest moves is those outside the longest run already in order.
        let positions: Vec<usize> = pending
            .iter()
            .filter_map(|c| old.get(&c.id).copied())
            .collect();
        appeared + gone + positions.len() - longest_increasing(&positions)
    }

    fn items(&self, kind: ListName) -> Option<&Rc<Vec<Conversation>>> {
        self.lists.get(kind).items.as_ref()
    }

    fn all_items(&self) -> impl Iterator<Item = &Conversation> {
        ListName::ALL
            .into_iter()
            .filter_map(|k| self.items(k))
            .flat_map(|v| v.iter())
    }

    /// The rows the current view and sort call for, from the live lists.
    fn computed_rows(&self) -> Vec<Conversation> {
        let mut rows: Vec<Conversation> = match self.view {
            View::Attention => merged(self.all_items()),
            View::Unassigned => self.listed(ListName::Unassigned),
            View::Unread => self.listed(ListName::Unread),
            View::NotAnswered => self.listed(ListName::NotAnswered),
        };
        sort_rows(&mut rows, self.sort);
        rows
    }

    /// Whether every list the current view draws from has answered at least once (with data or
    /// with an error: a list that keeps failing must not keep the rows unfrozen forever). Until
    /// then the rows are still arriving: they are not shown (they would reorder as the other
    /// lists arrive), nor frozen under a resting pointer with the rest held back as "updates".
    pub fn view_loaded(&self) -> bool {
        let answered = |k: ListName| {
            let list = self.lists.get(k);
            list.items.is_some() || list.error.is_some()
        };
        match self.view {
            View::Attention => ListName::ALL.into_iter().all(answered),
            View::Unassigned => answered(ListName::Unassigned),
            View::Unread => answered(ListName::Unread),
            View::NotAnswered => answered(ListName::NotAnswered),
        }
    }

    fn listed(&self, kind: ListName) -> Vec<Conversation> {
        self.items(kind)
            .map(|v| merged(v.iter()))
            .unwrap_or_default()
    }

    /// Recomputes the rows; holds them back if they would move under the operator.
    /// Every change of the lists or the rows goes through here, so this is where [`Derived`] is
    /// recomputed (selection, engagement alone and errors leave it as it is).
    fn refresh_rows(&mut self, force: bool) {
        self.place_rows(force);
        self.derive();
    }

    fn place_rows(&mut self, force: bool) {
        let rows = self.computed_rows();
        if *self.shown == rows {
            self.pending = None;
            self.shown_complete = self.view_loaded();
            return;
        }
        if force
            || !self.engaged
            || self.shown.is_empty()
            || !self.shown_complete
            || same_order(&self.shown, &rows)
        {
            self.shown = Rc::new(rows);
            self.pending = None;
            self.shown_complete = self.view_loaded();
            return;
        }
        // Keep the order on screen, but let each row show its freshest content (badges, preview).
        let fresh = positions(&rows);
        let updated: Vec<Conversation> = self
            .shown
            .iter()
            .map(|c| {
                fresh
                    .get(&c.id)
                    .and_then(|&i| rows.get(i))
                    .unwrap_or(c)
                    .clone()
            })
            .collect();
        if *self.shown != updated {
            self.shown = Rc::new(updated);
        }
        self.pending = Some(Rc::new(rows));
    }
}

/// Length of the longest strictly increasing subsequence (patience sorting, O(n log n)).
fn longest_increasing(values: &[usize]) -> usize {
    let mut tails: Vec<usize> = Vec::new();
    for &v in values {
        let at = tails.partition_point(|&t| t < v);
        if let Some(slot) = tails.get_mut(at) {
            *slot = v;
        } else {
            tails.push(v);
        }
    }
    tails.len()
}

fn same_order(a: &[Conversation], b: &[Conversation]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.id == y.id)
}

/// Deduplicates by id (the newest `date_updated` wins), keeping first-seen order, and drops
/// conversations that are closed (a list can be a poll behind an action of ours).
fn merged<'a>(items: impl Iterator<Item = &'a Conversation>) -> Vec<Conversation> {
    merged_refs(items).into_iter().cloned().collect()
}

/// [`merged`] without copying the conversations (counts and totals on every render).
fn merged_refs<'a>(items: impl Iterator<Item = &'a Conversation>) -> Vec<&'a Conversation> {
    let mut index: HashMap<ConversationId, usize> = HashMap::new();
    let mut out: Vec<&Conversation> = Vec::new();
    for c in items {
        match index.get(&c.id).and_then(|&i| out.get_mut(i)) {
            Some(existing) => {
                if c.date_updated.unwrap_or(i64::MIN) > existing.date_updated.unwrap_or(i64::MIN) {
                    *existing = c;
                }
            }
            None => {
                index.insert(c.id, out.len());
                out.push(c);
            }
        }
    }
    out.retain(|c| c.status != Status::Closed);
    out
}

/// Sorts rows. Latest: newest activity first. Waiting longest: clients waiting for an answer
/// first, the oldest unanswered message first; then everyone else by latest activity.
pub fn sort_rows(rows: &mut [Conversation], order: SortOrder) {
    // One `sort_by` for both orders: each call site is its own copy of the sort in the wasm.
    rows.sort_by(|a, b| compare_rows(order, a, b));
}

fn compare_rows(order: SortOrder, a: &Conversation, b: &Conversation) -> std::cmp::Ordering {
    let activity = |c: &Conversation| c.date_updated.or(c.last_message_date).unwrap_or(i64::MIN);
    match order {
        SortOrder::Latest => activity(b).cmp(&activity(a)).then(b.id.cmp(&a.id)),
        SortOrder::WaitingLongest => {
            let waiting = |c: &Conversation| !c.is_operator_last_message;
            let since =
                |c: &Conversation| c.last_message_date.or(c.date_updated).unwrap_or(i64::MAX);
            waiting(b)
                .cmp(&waiting(a))
                .then_with(|| {
                    if waiting(a) {
                        since(a).cmp(&since(b))
                    } else {
                        activity(b).cmp(&activity(a))
                    }
                })
                .then(a.id.cmp(&b.id))
        }
    }
}

impl Reducible for InboxState {
    type Action = InboxAction;

    fn reduce(self: Rc<Self>, action: InboxAction) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            InboxAction::Loaded(kind, listed) => {
                let entry = next.lists.get_mut(kind);
                let same = entry.items.as_deref() == Some(&listed.items)
                    && entry.error.is_none()
                    && entry.skipped == listed.skipped.len();
                if same {
                    // A poll that changes nothing changes no state, so nothing re-renders.
                    return self;
                }
                entry.items = Some(Rc::new(listed.items));
                entry.error = None;
                entry.skipped = listed.skipped.len();
                next.refresh_rows(false);
            }
            InboxAction::Failed(kind, error) => {
                let entry = next.lists.get_mut(kind);
                if entry.error.as_ref() == Some(&error) {
                    return self;
                }
                entry.error = Some(error);
            }
            InboxAction::SetView(view) => {
                if next.view == view {
                    return self;
                }
                next.view = view;
                next.refresh_rows(true);
            }
            InboxAction::SetSort(sort) => {
                if next.sort == sort {
                    return self;
                }
                next.sort = sort;
                next.refresh_rows(true);
            }
            InboxAction::Engage(engaged) => {
                if next.engaged == engaged {
                    return self;
                }
                next.engaged = engaged;
                if !engaged && next.pending.is_some() {
                    next.refresh_rows(true);
                }
            }
            InboxAction::ApplyUpdates => next.refresh_rows(true),
            InboxAction::Select(id) => {
                if next.selected == id {
                    return self;
                }
                next.selected = id;
            }
            InboxAction::Patched(conversation) => {
                let conversation = *conversation;
                for kind in ListName::ALL {
                    let entry = next.lists.get_mut(kind);
                    let Some(items) = &entry.items else { continue };
                    let belongs = belongs_in(kind, &conversation, next.me);
                    let mut list: Vec<Conversation> = items
                        .iter()
                        .filter(|c| c.id != conversation.id)
                        .cloned()
                        .collect();
                    if belongs {
                        list.insert(0, conversation.clone());
                    }
                    entry.items = Some(Rc::new(list));
                }
                next.refresh_rows(false);
            }
            InboxAction::Me(me) => {
                if next.me == me {
                    return self;
                }
                next.me = me;
            }
        }
        Rc::new(next)
    }
}

/// Whether a conversation belongs in an API list, by the contract's reading (see
/// `api::assumptions`). Used only to patch lists optimistically after our own actions; the next
/// poll is the truth.
fn belongs_in(kind: ListName, c: &Conversation, me: Option<UserId>) -> bool {
    let mine = me.is_some() && c.operator_user_id == me;
    match kind {
        ListName::Unassigned => c.status == Status::Unassigned,
        ListName::Unread => c.status == Status::Inbox && mine && c.unread_count > 0,
        ListName::NotAnswered => c.status == Status::Inbox && mine && !c.is_operator_last_message,
    }
}

#[cfg(test)]
mod tests;
