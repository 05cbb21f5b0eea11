//! Checking an unknown outcome: what the checks learn ([`Evidence`]), when they are made
//! ([`RECONCILE_BACKOFF_MS`]), and when the evidence shows a send as ours — never when it could be
//! the client's words or another of our sends with the same words.

use super::item::{LocalId, OutboxItem, SendKind, SendState};
use super::queue::Outbox;
use crate::api::{ApiError, Conversation, HistoryMessage, OperatorId};
use crate::i18n::{Key, Locale, uncheckable_text};

/// How far the server clock may be behind the send's start when no prior `last_message_date`
/// was observed (seconds).
pub const CLOCK_SKEW_SECS: i64 = 30;

/// The waits between the checks of an unknown outcome (ms): a send that commits late still
/// shows up before Retry is the operator's only way. The first check is at once; after the
/// last wait the item is unconfirmed.
pub const RECONCILE_BACKOFF_MS: [u64; 4] = [1_000, 3_000, 10_000, 30_000];

/// What a check of an unknown outcome learnt.
#[derive(Clone, Copy, Debug)]
pub struct Evidence<'a> {
    /// The conversation now (`get`).
    pub conversation: &'a Conversation,
    /// Its history, when a history URL is configured and answered.
    pub history: Option<&'a [HistoryMessage]>,
    /// The operator this widget acts as, when known.
    pub me: Option<OperatorId>,
}

impl Outbox {
    /// The operator's Retry: a failed item is queued again at the end; an unconfirmed one is
    /// checked once more first (it may have arrived since) and goes out only if it did not.
    /// Returns `false` for items in any other state.
    pub fn retry(&mut self, id: LocalId, locale: Locale) -> bool {
        let Some(pos) = self.items.iter().position(|i| i.local_id == id) else {
            return false;
        };
        if !self
            .items
            .get(pos)
            .is_some_and(|i| i.state.needs_operator())
        {
            return false;
        }
        let mut item = self.items.remove(pos);
        if matches!(item.state, SendState::Unconfirmed { .. }) {
            item.set(SendState::NeedsReconcile {
                reason: Key::OutboxNotConfirmed.text(locale).to_owned(),
                checks: RECONCILE_BACKOFF_MS.len() as u32,
                then_retry: true,
            });
        } else {
            item.set(SendState::Queued);
            item.started_at = None;
        }
        self.items.push(item);
        true
    }

    /// One check of an unknown outcome: Sent when the evidence shows this send (and could not be
    /// another of ours, or the client's words); else it waits for the next check
    /// ([`RECONCILE_BACKOFF_MS`]), and after the last one it is Unconfirmed (or, for the
    /// operator's Retry, Queued to go out again). `now` is monotonic ms. Returns the new state.
    pub fn reconcile(
        &mut self,
        id: LocalId,
        evidence: &Evidence<'_>,
        now: u64,
        locale: Locale,
    ) -> Option<SendState> {
        let rivals = {
            let item = self.item(id)?;
            self.items()
                .iter()
                .filter(|o| o.local_id != id && o.state.is_sent() && o.is_twin_of(item))
                .count()
        };
        let item = self.item_mut(id)?;
        let SendState::NeedsReconcile {
            reason,
            checks,
            then_retry,
        } = item.state.clone()
        else {
            return Some(item.state.clone());
        };
        if shows_send(item, evidence, rivals) {
            item.set(SendState::Sent {
                server_time: evidence.conversation.last_message_date,
            });
        } else if then_retry {
            item.set(SendState::Queued);
            item.started_at = None;
        } else if let Some(wait) = RECONCILE_BACKOFF_MS.get(checks as usize) {
            item.check_later(reason, checks + 1, now.saturating_add(*wait));
        } else {
            item.set(SendState::Unconfirmed {
                reason: Key::OutboxNotConfirmed.text(locale).to_owned(),
            });
        }
        Some(item.state.clone())
    }

    /// A check could not be made (the `get` failed): it waits for the next one like a check
    /// that did not show the send; after the last, Unconfirmed (a Retry's check stays
    /// Unconfirmed: it must not go out unchecked).
    pub fn reconcile_failed(&mut self, id: LocalId, error: &ApiError, now: u64, locale: Locale) {
        let Some(item) = self.item_mut(id) else {
            return;
        };
        let SendState::NeedsReconcile {
            reason,
            checks,
            then_retry,
        } = item.state.clone()
        else {
            return;
        };
        match RECONCILE_BACKOFF_MS.get(checks as usize) {
            Some(wait) if !then_retry => {
                item.check_later(reason, checks + 1, now.saturating_add(*wait));
            }
            _ => item.set(SendState::Unconfirmed {
                reason: uncheckable_text(error, locale),
            }),
        }
    }
}

impl OutboxItem {
    /// Not shown yet: checked again at `at` (monotonic ms), one revision later.
    fn check_later(&mut self, reason: String, checks: u32, at: u64) {
        self.set(SendState::NeedsReconcile {
            reason,
            checks,
            then_retry: false,
        });
        self.check_after = Some(at);
    }

    /// Another send of the same words in the same conversation and kind, started around the
    /// same time: the evidence of one cannot tell it from the other.
    fn is_twin_of(&self, other: &OutboxItem) -> bool {
        let window_ms = CLOCK_SKEW_SECS as u64 * 1000;
        self.conversation == other.conversation
            && self.kind == other.kind
            && self.text.trim() == other.text.trim()
            && match (self.started_at, other.started_at) {
                (Some(a), Some(b)) => a.abs_diff(b) <= window_ms.max(120_000),
                _ => true,
            }
    }
}

/// Whether the evidence shows this send. Either source may confirm it:
/// - the history: a message of this kind with these words, by this operator (when both are
///   known), dated from the attempt on (less the clock skew), one more of them than the
///   `rivals` (other sent items of ours with the same words) could account for;
/// - the conversation: its last message has these words, is dated after the baseline (or from
///   the attempt on), and is an operator's (`is_operator_last_message`) for a reply or file, a
///   note (`is_inner_message`) for a note — the client writing the same words never confirms
///   it; with rivals it is ambiguous and does not confirm.
fn shows_send(item: &OutboxItem, evidence: &Evidence<'_>, rivals: usize) -> bool {
    let started_secs = item.started_at.map_or(0, |ms| (ms / 1000) as i64);
    if let Some(history) = evidence.history {
        let matches = history
            .iter()
            .filter(|h| h.conversation_id == item.conversation && item.same_content(h))
            .filter(|h| h.date_created >= started_secs - CLOCK_SKEW_SECS)
            .filter(|h| match (h.operator_id, evidence.me) {
                (Some(by), Some(me)) => by == me,
                _ => true,
            })
            .count();
        if matches > rivals {
            return true;
        }
    }
    rivals == 0 && conversation_shows(item, evidence.conversation, started_secs)
}

fn conversation_shows(item: &OutboxItem, c: &Conversation, started_secs: i64) -> bool {
    let Some(last) = c.last_message.as_deref() else {
        return false;
    };
    if last.trim() != item.text.trim() {
        return false;
    }
    let by_us = match item.kind {
        SendKind::Note => c.is_inner_message,
        SendKind::Reply | SendKind::File => c.is_operator_last_message && !c.is_inner_message,
    };
    if !by_us {
        return false;
    }
    let Some(date) = c.last_message_date else {
        return false;
    };
    match item.baseline_date {
        Some(base) => {
            date > base
                || (date == base
                    && item.baseline_text.as_deref().map(str::trim) != Some(item.text.trim()))
        }
        None => date >= started_secs - CLOCK_SKEW_SECS,
    }
}
