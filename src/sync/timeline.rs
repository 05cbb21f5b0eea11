//! The conversation timeline: history (when configured) + what this widget sent + client
//! messages observed by polling, merged into one ordered list with unique ids.
//!
//! Order: settled entries by server time (Unix seconds), entries without a time after them, and
//! pending items (queued, sending, failed, unconfirmed) last in the order the operator sent
//! them. A local send disappears once the history shows it; an observed client message
//! disappears once the history holds it.

use std::collections::HashSet;

use crate::api::{Conversation, ConversationId, HistoryMessage, MessageKind, OperatorId};

use super::outbox::{OutboxItem, SendKind, SendState};

/// Tolerance when matching a local send or observed message against history (seconds).
pub const MATCH_WINDOW_SECS: i64 = 120;

/// A client message learnt from a poll (`last_message` changed and was the client's).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObservedMessage {
    /// The conversation.
    pub conversation: ConversationId,
    /// The text.
    pub text: String,
    /// Its `last_message_date`.
    pub at: i64,
}

impl ObservedMessage {
    /// The client's last message of `c`, if the last message is the client's and dated.
    #[must_use]
    pub fn from_conversation(c: &Conversation) -> Option<Self> {
        if c.is_operator_last_message || c.is_inner_message {
            return None;
        }
        Some(Self {
            conversation: c.id,
            text: c.last_message.clone()?,
            at: c.last_message_date?,
        })
    }
}

/// Where an entry came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EntrySource {
    /// The history URL.
    History {
        /// The message id.
        id: u64,
    },
    /// This widget's outbox.
    Local {
        /// The outbox id.
        local_id: super::outbox::LocalId,
    },
    /// A poll saw it as `last_message`.
    Observed,
}

/// The delivery state shown on an entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EntryState {
    /// On the server.
    Sent,
    /// Being sent (or queued, or being checked).
    Sending,
    /// Refused by the server.
    Failed {
        /// The server's message.
        message: String,
    },
    /// May not have arrived.
    Unconfirmed {
        /// Why.
        reason: String,
    },
}

impl EntryState {
    /// The `data-state` test-hook value.
    #[must_use]
    pub const fn hook(&self) -> &'static str {
        match self {
            Self::Sent => "sent",
            Self::Sending => "sending",
            Self::Failed { .. } => "failed",
            Self::Unconfirmed { .. } => "unconfirmed",
        }
    }

    /// `true` for everything but `Sent`.
    #[must_use]
    pub const fn is_pending(&self) -> bool {
        !matches!(self, Self::Sent)
    }
}

/// One line of the timeline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimelineEntry {
    /// Unique within one merge (`h…` history, `l…` local, `o…` observed); stable across merges.
    pub id: String,
    /// Client / message / file / note.
    pub kind: MessageKind,
    /// The text (for files: the URL when no text).
    pub text: Option<String>,
    /// The file URL (`http(s)` only).
    pub file_url: Option<String>,
    /// Who wrote it (the client's name, when known).
    pub author: Option<String>,
    /// The operator who wrote it (history only).
    pub operator_id: Option<OperatorId>,
    /// Server time (Unix seconds), when known.
    pub at: Option<i64>,
    /// Delivery state.
    pub state: EntryState,
    /// Where it came from.
    pub source: EntrySource,
}

fn entry_state(s: &SendState) -> EntryState {
    match s {
        SendState::Sent { .. } => EntryState::Sent,
        SendState::Queued | SendState::Sending | SendState::NeedsReconcile { .. } => {
            EntryState::Sending
        }
        SendState::Failed { message } => EntryState::Failed {
            message: message.clone(),
        },
        SendState::Unconfirmed { reason } => EntryState::Unconfirmed {
            reason: reason.clone(),
        },
    }
}

fn history_matches_local(h: &HistoryMessage, item: &OutboxItem) -> bool {
    if !item.same_content(h) {
        return false;
    }
    let earliest = match &item.state {
        SendState::Sent {
            server_time: Some(t),
        } => t - MATCH_WINDOW_SECS,
        _ => item
            .started_at
            .map_or(i64::MIN, |ms| (ms / 1000) as i64 - MATCH_WINDOW_SECS),
    };
    h.date_created >= earliest
}

/// A unique id for an observed message (stable for the same text and time).
fn observed_id(o: &ObservedMessage) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in o.text.bytes() {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("o{}-{}-{hash:x}", o.conversation, o.at)
}

/// Merges the three sources of one conversation (items of other conversations are ignored).
#[must_use]
pub fn merge(
    conversation: ConversationId,
    history: &[HistoryMessage],
    outbox: &[OutboxItem],
    observed: &[ObservedMessage],
) -> Vec<TimelineEntry> {
    let history: Vec<&HistoryMessage> = history
        .iter()
        .filter(|h| h.conversation_id == conversation)
        .collect();
    let mut merged = Merged::default();
    for h in &history {
        merged.settle(Some(h.date_created), 0, from_history(h));
    }
    for o in observed.iter().filter(|o| o.conversation == conversation) {
        let in_history = history.iter().any(|h| {
            h.kind == MessageKind::Client
                && h.text.as_deref().map(str::trim) == Some(o.text.trim())
                && (h.date_created - o.at).abs() <= MATCH_WINDOW_SECS
        });
        if !in_history {
            merged.settle(Some(o.at), 1, from_observed(o));
        }
    }
    // Each history message absorbs at most one local send (a few: a list, not another set type).
    let mut absorbed: Vec<u64> = Vec::new();
    for item in outbox.iter().filter(|i| i.conversation == conversation) {
        if item.state.is_sent() && !merged.has(&local_id(item)) {
            if let Some(h) = history
                .iter()
                .find(|h| !absorbed.contains(&h.id) && history_matches_local(h, item))
            {
                absorbed.push(h.id);
                merged.seen_ids.insert(local_id(item));
                continue;
            }
        }
        let entry = from_local(item);
        if entry.state.is_pending() {
            merged.pend(entry);
        } else {
            merged.settle(entry.at, 2, entry);
        }
    }
    merged.finish()
}

/// The entries gathered so far: each id once; settled ones sorted at the end, pending ones last.
#[derive(Default)]
struct Merged {
    seen_ids: HashSet<String>,
    settled: Vec<(Option<i64>, u8, TimelineEntry)>,
    pending: Vec<TimelineEntry>,
}

impl Merged {
    fn has(&self, id: &str) -> bool {
        self.seen_ids.contains(id)
    }

    /// A settled entry at `at`; `source_rank` orders equal times (history, observed, local).
    fn settle(&mut self, at: Option<i64>, source_rank: u8, entry: TimelineEntry) {
        if self.seen_ids.insert(entry.id.clone()) {
            self.settled.push((at, source_rank, entry));
        }
    }

    fn pend(&mut self, entry: TimelineEntry) {
        if self.seen_ids.insert(entry.id.clone()) {
            self.pending.push(entry);
        }
    }

    /// Dated entries by time, undated sent ones after them (stable within equal keys), then
    /// the pending ones.
    fn finish(mut self) -> Vec<TimelineEntry> {
        self.settled.sort_by(|(ta, sa, a), (tb, sb, b)| {
            let ka = (ta.is_none(), ta.unwrap_or(0), *sa);
            let kb = (tb.is_none(), tb.unwrap_or(0), *sb);
            ka.cmp(&kb)
                .then_with(|| history_order(a).cmp(&history_order(b)))
        });
        let mut out: Vec<TimelineEntry> = self.settled.into_iter().map(|(_, _, e)| e).collect();
        out.extend(self.pending);
        out
    }
}

fn local_id(item: &OutboxItem) -> String {
    format!("l{}", item.local_id.0)
}

fn from_history(h: &HistoryMessage) -> TimelineEntry {
    TimelineEntry {
        id: format!("h{}", h.id),
        kind: h.kind.clone(),
        text: h.text.clone(),
        file_url: h.file_url.clone(),
        author: h.from_user_name.clone(),
        operator_id: h.operator_id,
        at: Some(h.date_created),
        state: EntryState::Sent,
        source: EntrySource::History { id: h.id },
    }
}

fn from_observed(o: &ObservedMessage) -> TimelineEntry {
    TimelineEntry {
        id: observed_id(o),
        kind: MessageKind::Client,
        text: Some(o.text.clone()),
        file_url: None,
        author: None,
        operator_id: None,
        at: Some(o.at),
        state: EntryState::Sent,
        source: EntrySource::Observed,
    }
}

fn from_local(item: &OutboxItem) -> TimelineEntry {
    let at = match item.state {
        SendState::Sent { server_time } => server_time,
        _ => None,
    };
    let is_file = item.kind == SendKind::File;
    TimelineEntry {
        id: local_id(item),
        kind: SendKind::message_kind(item.kind),
        text: Some(item.text.clone()),
        file_url: if is_file && crate::api::wire::is_http_url(&item.text) {
            Some(item.text.trim().to_owned())
        } else {
            None
        },
        author: None,
        operator_id: None,
        at,
        state: entry_state(&item.state),
        source: EntrySource::Local {
            local_id: item.local_id,
        },
    }
}

fn history_order(e: &TimelineEntry) -> u64 {
    match e.source {
        EntrySource::History { id } => id,
        EntrySource::Local { local_id } => local_id.0,
        EntrySource::Observed => 0,
    }
}
