//! The open conversation: the latest copy from `get`, its history, client messages observed by
//! polling, and the state of the header actions (pending, scheduled with Undo, failed).

use std::rc::Rc;

use yew::Reducible;

use crate::api::{
    ApiError, Conversation, ConversationId, GroupId, HistoryMessage, Listed, MessageKind,
    OperatorId, Status, UserId,
};
use crate::sync::timeline::ObservedMessage;

/// A header action.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ActionKind {
    /// Take it into my inbox (`start`).
    Take,
    /// Close it.
    Close,
    /// Back to the unassigned queue.
    Unassign,
    /// Give it to an operator.
    AssignOperator,
    /// Give it to a group.
    AssignGroup,
}

/// A header action with exactly the data it needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Take it into my inbox (`start`).
    Take,
    /// Close it.
    Close,
    /// Back to the unassigned queue.
    Unassign,
    /// Give it to this operator.
    AssignOperator(OperatorId),
    /// Give it to this group.
    AssignGroup(GroupId),
}

impl Action {
    /// Which kind of action it is (what the header shows as pending or failed).
    pub fn kind(self) -> ActionKind {
        match self {
            Action::Take => ActionKind::Take,
            Action::Close => ActionKind::Close,
            Action::Unassign => ActionKind::Unassign,
            Action::AssignOperator(_) => ActionKind::AssignOperator,
            Action::AssignGroup(_) => ActionKind::AssignGroup,
        }
    }
}

impl ActionKind {
    /// Whether the action waits a few seconds with an Undo before the call is made.
    pub fn has_undo(self) -> bool {
        matches!(self, ActionKind::Close | ActionKind::Unassign)
    }
}

/// Where the header actions are.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum ActionState {
    /// Nothing going on.
    #[default]
    Idle,
    /// Waiting for the Undo window to pass (`until` in ms of the page clock).
    Scheduled {
        /// Which action.
        kind: ActionKind,
        /// When the call will be made.
        until: f64,
    },
    /// The call is in flight.
    Pending(ActionKind),
    /// The call failed.
    Failed {
        /// Which action.
        kind: ActionKind,
        /// What the server said, in user words.
        message: String,
    },
}

/// What changed since the operator last looked, for the before-send check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Drift {
    /// The client wrote again.
    NewClientMessage,
    /// Another operator took it.
    TakenByOther,
    /// It was closed.
    Closed,
}

/// The open conversation's store.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OpenState {
    /// Which conversation (`None`: nothing open).
    pub id: Option<ConversationId>,
    /// Its latest copy.
    pub conversation: Option<Conversation>,
    /// The copy the operator has acknowledged (opened, or confirmed after a change).
    pub acknowledged: Option<Conversation>,
    /// The newest client message of the history the operator has seen (when it first showed,
    /// or acknowledged since): the history is polled apart from the conversation, so it can
    /// show the client writing again before `get` does.
    pub acknowledged_history: Option<i64>,
    /// Its history, when a history URL is configured and it answered.
    pub history: Option<Rc<Vec<HistoryMessage>>>,
    /// The last history error.
    pub history_error: Option<ApiError>,
    /// Client messages observed by polling.
    pub observed: Rc<Vec<ObservedMessage>>,
    /// The last `get` error, while it lasts.
    pub error: Option<ApiError>,
    /// The header actions.
    pub action: ActionState,
}

/// What can happen to the open conversation.
#[derive(Clone, Debug, PartialEq)]
pub enum OpenAction {
    /// Open `id`, showing `known` (from a list) until `get` answers.
    Open(ConversationId, Option<Conversation>),
    /// Nothing open.
    CloseView,
    /// `get` (or an action) answered.
    Fetched(Conversation),
    /// `get` failed.
    FetchFailed(ConversationId, ApiError),
    /// The history answered.
    History(ConversationId, Listed<HistoryMessage>),
    /// The history failed.
    HistoryFailed(ConversationId, ApiError),
    /// The operator saw the current state (so the before-send check starts again from here).
    Acknowledge,
    /// Our own send went through: what the server has now is what we know.
    OwnSend(Conversation),
    /// A header action changed state.
    Action(ActionState),
}

impl OpenState {
    /// What changed since the operator acknowledged the conversation.
    pub fn drift(&self, me: Option<UserId>) -> Vec<Drift> {
        let (Some(now), Some(seen)) = (&self.conversation, &self.acknowledged) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        // Seen: the acknowledged copy's last message, or a later client message the history
        // showed and the operator acknowledged.
        let seen_at = seen
            .last_message_date
            .unwrap_or(0)
            .max(self.acknowledged_history.unwrap_or(0));
        let newer = now.last_message_date.unwrap_or(0) > seen_at;
        // A client message the history shows later counts only if it is newer than what was
        // seen: a history that fills in (a gateway still receiving its backfill) brings older
        // messages, which are no news.
        let in_history = match (self.newest_client_message(), self.acknowledged_history) {
            (Some(at), Some(seen_history)) => {
                at > seen_history.max(seen.last_message_date.unwrap_or(0))
            }
            _ => false,
        };
        if (newer && !now.is_operator_last_message && !now.is_inner_message) || in_history {
            out.push(Drift::NewClientMessage);
        }
        if now.operator_user_id != seen.operator_user_id
            && now.operator_user_id.is_some()
            && now.operator_user_id != me
        {
            out.push(Drift::TakenByOther);
        }
        if now.status == Status::Closed && seen.status != Status::Closed {
            out.push(Drift::Closed);
        }
        out
    }
}

impl OpenState {
    /// What acknowledging the history shown now records: its newest client message (0 when it
    /// has none), or `None` while no history is shown.
    fn history_seen(&self) -> Option<i64> {
        self.history
            .is_some()
            .then(|| self.newest_client_message().unwrap_or(0))
    }

    /// When the client last wrote, according to the history shown.
    fn newest_client_message(&self) -> Option<i64> {
        self.history
            .as_deref()?
            .iter()
            .filter(|m| m.kind == MessageKind::Client)
            .map(|m| m.date_created)
            .max()
    }
}

impl OpenState {
    /// The state after `get` answered with `c`; `None` when nothing changes.
    fn with_fetched(&self, c: Conversation) -> Option<OpenState> {
        let mut next = self.clone();
        if self.id != Some(c.id) {
            return None;
        }
        if self.conversation.as_ref() == Some(&c) && self.error.is_none() {
            return None;
        }
        if let Some(old) = &self.conversation {
            let newer = c.last_message_date.unwrap_or(0) > old.last_message_date.unwrap_or(0);
            if newer && self.history.is_none() {
                if let Some(seen) = ObservedMessage::from_conversation(&c) {
                    let mut observed = (*next.observed).clone();
                    observed.push(seen);
                    next.observed = Rc::new(observed);
                }
            }
        }
        if next.acknowledged.is_none() {
            next.acknowledged = Some(c.clone());
        }
        next.conversation = Some(c);
        next.error = None;
        Some(next)
    }

    /// The state after the history answered with `items`; `None` when nothing changes.
    fn with_history(&self, id: ConversationId, items: Vec<HistoryMessage>) -> Option<OpenState> {
        let mut next = self.clone();
        if self.id != Some(id) {
            return None;
        }
        if self.history.as_deref() == Some(&items) && self.history_error.is_none() {
            return None;
        }
        next.history = Some(Rc::new(items));
        next.history_error = None;
        if next.acknowledged_history.is_none() {
            // What the timeline shows when it first appears has been seen.
            next.acknowledged_history = next.history_seen();
        }
        // History now covers what polling observed.
        next.observed = Rc::new(Vec::new());
        Some(next)
    }
}

impl Reducible for OpenState {
    type Action = OpenAction;

    fn reduce(self: Rc<Self>, action: OpenAction) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            OpenAction::Open(id, known) => {
                if self.id == Some(id) {
                    return self;
                }
                next = OpenState {
                    id: Some(id),
                    acknowledged: known.clone(),
                    conversation: known,
                    ..OpenState::default()
                };
            }
            OpenAction::CloseView => next = OpenState::default(),
            OpenAction::Fetched(c) => match self.with_fetched(c) {
                Some(changed) => next = changed,
                None => return self,
            },
            OpenAction::FetchFailed(id, e) => {
                if self.id != Some(id) || self.error.as_ref() == Some(&e) {
                    return self;
                }
                next.error = Some(e);
            }
            OpenAction::History(id, listed) => match self.with_history(id, listed.items) {
                Some(changed) => next = changed,
                None => return self,
            },
            OpenAction::HistoryFailed(id, e) => {
                if self.id != Some(id) || self.history_error.as_ref() == Some(&e) {
                    return self;
                }
                next.history_error = Some(e);
            }
            OpenAction::Acknowledge => {
                let history = next.history_seen();
                if next.acknowledged == next.conversation && next.acknowledged_history == history {
                    return self;
                }
                next.acknowledged = next.conversation.clone();
                next.acknowledged_history = history.or(next.acknowledged_history);
            }
            OpenAction::OwnSend(c) => {
                if self.id != Some(c.id) {
                    return self;
                }
                // Only our own change is acknowledged: a client message that arrived meanwhile
                // still counts as news.
                let drift_before = self.drift(None);
                next.conversation = Some(c.clone());
                if !drift_before.contains(&Drift::NewClientMessage) {
                    next.acknowledged = Some(c);
                    next.acknowledged_history = next.history_seen().or(next.acknowledged_history);
                }
            }
            OpenAction::Action(state) => {
                if self.action == state {
                    return self;
                }
                next.action = state;
            }
        }
        Rc::new(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Conversation 7 in my inbox (user 1001), the client spoke last at `date`.
    fn conv(date: i64) -> Conversation {
        let mut c = crate::state::sample_conversation(7, date);
        c.status = Status::Inbox;
        c.operator_user_id = Some(UserId(1001));
        c.unread_count = 0;
        c
    }

    #[test]
    fn drift_reports_new_client_message_other_operator_and_close() {
        let me = Some(UserId(1001));
        let s = Rc::new(OpenState::default())
            .reduce(OpenAction::Open(ConversationId(7), Some(conv(10))));
        assert!(s.drift(me).is_empty());
        let mut later = conv(20);
        later.operator_user_id = Some(UserId(1002));
        later.status = Status::Closed;
        let s = s.reduce(OpenAction::Fetched(later));
        assert_eq!(
            s.drift(me),
            vec![Drift::NewClientMessage, Drift::TakenByOther, Drift::Closed]
        );
        let s = s.reduce(OpenAction::Acknowledge);
        assert!(s.drift(me).is_empty());
    }

    #[test]
    fn polling_observes_client_messages_without_history() {
        let s = Rc::new(OpenState::default())
            .reduce(OpenAction::Open(ConversationId(7), Some(conv(10))));
        let s = s.reduce(OpenAction::Fetched(conv(20)));
        assert_eq!(s.observed.len(), 1);
        assert_eq!(s.observed[0].text, "m20");
        assert_eq!(s.observed[0].at, 20);
        let same = s.clone().reduce(OpenAction::Fetched(conv(20)));
        assert!(Rc::ptr_eq(&s, &same), "an unchanged poll changes nothing");
    }

    #[test]
    fn answers_for_another_conversation_are_ignored() {
        let s = Rc::new(OpenState::default()).reduce(OpenAction::Open(ConversationId(8), None));
        let after = s.clone().reduce(OpenAction::Fetched(conv(20)));
        assert!(Rc::ptr_eq(&s, &after));
    }

    fn history(client_at: &[i64]) -> Listed<HistoryMessage> {
        Listed {
            items: client_at
                .iter()
                .map(|&at| HistoryMessage {
                    id: at as u64,
                    conversation_id: ConversationId(7),
                    kind: MessageKind::Client,
                    text: Some(format!("m{at}")),
                    file_url: None,
                    operator_id: None,
                    from_user_name: None,
                    date_created: at,
                })
                .collect(),
            skipped: Vec::new(),
        }
    }

    #[test]
    fn a_client_message_in_the_history_is_drift_before_get_shows_it() {
        let s = Rc::new(OpenState::default())
            .reduce(OpenAction::Open(ConversationId(7), Some(conv(10))));
        // What the timeline shows when it first appears is seen, even if newer than the list's copy.
        let s = s.reduce(OpenAction::History(ConversationId(7), history(&[5, 12])));
        assert!(s.drift(None).is_empty());
        // The client writes again: the history shows it first.
        let s = s.reduce(OpenAction::History(
            ConversationId(7),
            history(&[5, 12, 30]),
        ));
        assert_eq!(s.drift(None), vec![Drift::NewClientMessage]);
        // Acknowledged: no question again until the client writes once more, get or not.
        let s = s.reduce(OpenAction::Acknowledge);
        assert!(s.drift(None).is_empty());
        let s = s.reduce(OpenAction::Fetched(conv(30)));
        assert!(s.drift(None).is_empty());
        let s = s.reduce(OpenAction::History(
            ConversationId(7),
            history(&[5, 12, 30, 31]),
        ));
        assert_eq!(s.drift(None), vec![Drift::NewClientMessage]);
    }

    #[test]
    fn a_history_that_fills_in_with_older_messages_is_no_drift() {
        let s = Rc::new(OpenState::default())
            .reduce(OpenAction::Open(ConversationId(7), Some(conv(40))));
        // The first answer has only part of it (the gateway is still receiving webhooks)…
        let s = s.reduce(OpenAction::History(ConversationId(7), history(&[5])));
        assert!(s.drift(None).is_empty());
        // …the rest, all older than the conversation's last message the operator saw, is no news.
        let s = s.reduce(OpenAction::History(
            ConversationId(7),
            history(&[5, 12, 30, 40]),
        ));
        assert!(s.drift(None).is_empty());
        // A message after that is.
        let s = s.reduce(OpenAction::History(
            ConversationId(7),
            history(&[5, 12, 30, 40, 41]),
        ));
        assert_eq!(s.drift(None), vec![Drift::NewClientMessage]);
    }

    #[test]
    fn own_send_is_acknowledged_but_client_news_is_kept() {
        let s = Rc::new(OpenState::default())
            .reduce(OpenAction::Open(ConversationId(7), Some(conv(10))));
        let mut mine = conv(15);
        mine.is_operator_last_message = true;
        let s = s.reduce(OpenAction::OwnSend(mine));
        assert!(s.drift(None).is_empty());
    }
}
