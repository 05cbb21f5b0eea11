//! Snapshot diffing: what changed between two polls of one list.
//!
//! The changes feed the UI ("N updates"), notifications and host events. Robust to reordering
//! and to duplicate ids (the newest `date_updated` wins).

use std::collections::HashMap;

use crate::api::{Conversation, ConversationId, Status, UserId};

/// One change between two snapshots.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// In the new snapshot only.
    Appeared(ConversationId),
    /// In the old snapshot only.
    Disappeared(ConversationId),
    /// The client wrote again (the last message is newer and is the client's).
    NewClientMessage {
        /// The conversation.
        id: ConversationId,
        /// The new `last_message`.
        text: Option<String>,
        /// Its `last_message_date`.
        at: Option<i64>,
    },
    /// Now assigned to an operator who is not "me".
    AssignedElsewhere {
        /// The conversation.
        id: ConversationId,
        /// The new assignee's user id.
        to: UserId,
    },
    /// Now closed (by someone or something else than this widget's own action).
    ClosedElsewhere(ConversationId),
    /// `unread_count` changed.
    UnreadChanged {
        /// The conversation.
        id: ConversationId,
        /// Before.
        from: u32,
        /// After.
        to: u32,
    },
}

fn newer(a: &Conversation, b: &Conversation) -> bool {
    (a.date_updated, a.last_message_date) > (b.date_updated, b.last_message_date)
}

/// Removes duplicate ids, keeping the newest (`date_updated`, then `last_message_date`) copy at
/// the position of the first occurrence.
#[must_use]
pub fn dedupe(list: &[Conversation]) -> Vec<Conversation> {
    let mut pos: HashMap<ConversationId, usize> = HashMap::with_capacity(list.len());
    let mut out: Vec<Conversation> = Vec::with_capacity(list.len());
    for c in list {
        match pos.get(&c.id) {
            Some(&i) => {
                if let Some(slot) = out.get_mut(i) {
                    if newer(c, slot) {
                        *slot = c.clone();
                    }
                }
            }
            None => {
                pos.insert(c.id, out.len());
                out.push(c.clone());
            }
        }
    }
    out
}

/// Where each id is in `list` (the last position of a duplicate id). Every lookup by id uses this
/// one map type: each key and value type of a hash map is another copy of its code in the wasm.
#[must_use]
pub fn positions(list: &[Conversation]) -> HashMap<ConversationId, usize> {
    list.iter().enumerate().map(|(i, c)| (c.id, i)).collect()
}

/// `true` when the two snapshots hold the same conversations with the same content in the same
/// order (after deduplication): a poll that changes nothing should change no state.
#[must_use]
pub fn same_content(a: &[Conversation], b: &[Conversation]) -> bool {
    if a.len() == b.len() && a == b {
        return true;
    }
    dedupe(a) == dedupe(b)
}

fn is_client_message_newer(old: &Conversation, new: &Conversation) -> bool {
    if new.is_operator_last_message || new.is_inner_message {
        return false;
    }
    match (old.last_message_date, new.last_message_date) {
        (Some(o), Some(n)) if n > o => true,
        (None, Some(_)) => true,
        (o, n) if o == n => old.last_message != new.last_message && new.last_message.is_some(),
        _ => false,
    }
}

/// The changes from `old` to `new`. `me` is the current operator's **user** id (for
/// "assigned elsewhere"); `None` = unknown, so any new assignee counts as elsewhere.
///
/// Order: changes of conversations in `new` order, then disappearances in `old` order.
#[must_use]
pub fn diff(old: &[Conversation], new: &[Conversation], me: Option<UserId>) -> Vec<Change> {
    let old = dedupe(old);
    let new = dedupe(new);
    let old_at = positions(&old);
    let new_at = positions(&new);
    let mut changes = Vec::new();
    for n in &new {
        let Some(o) = old_at.get(&n.id).and_then(|&i| old.get(i)) else {
            changes.push(Change::Appeared(n.id));
            continue;
        };
        if o == n {
            continue;
        }
        if is_client_message_newer(o, n) {
            changes.push(Change::NewClientMessage {
                id: n.id,
                text: n.last_message.clone(),
                at: n.last_message_date,
            });
        }
        if n.operator_user_id != o.operator_user_id {
            if let Some(to) = n.operator_user_id {
                if Some(to) != me {
                    changes.push(Change::AssignedElsewhere { id: n.id, to });
                }
            }
        }
        if n.status == Status::Closed && o.status != Status::Closed {
            changes.push(Change::ClosedElsewhere(n.id));
        }
        if n.unread_count != o.unread_count {
            changes.push(Change::UnreadChanged {
                id: n.id,
                from: o.unread_count,
                to: n.unread_count,
            });
        }
    }
    for o in &old {
        if !new_at.contains_key(&o.id) {
            changes.push(Change::Disappeared(o.id));
        }
    }
    changes
}
