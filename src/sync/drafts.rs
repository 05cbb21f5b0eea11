//! Drafts per conversation and composer mode, saved as the operator types (debounced).
//!
//! Pure: [`Drafts::set`] records an edit at `now`; [`Drafts::should_flush`] says when to write
//! to storage (after `debounce_ms` of quiet, or at most every `max_wait_ms` while typing);
//! each draft is stored under its own key ([`Drafts::stored_name`], the text as it is), so two
//! tabs never overwrite each other's drafts of other conversations or modes; [`Drafts::take_dirty`]
//! says which keys to write, [`Drafts::adopt`] takes in what another tab wrote. An empty draft is
//! deleted. [`Drafts::from_stored`] reads the single-key list earlier versions wrote.

use serde::Serialize;

use super::outbox::SendKind;
use crate::api::ConversationId;

/// Quiet time before a save (ms).
pub const DEFAULT_DEBOUNCE_MS: u64 = 400;
/// Longest time an edit stays unsaved while the operator keeps typing (ms).
pub const DEFAULT_MAX_WAIT_MS: u64 = 2_000;

#[derive(Serialize)]
struct Entry {
    conversation: ConversationId,
    mode: SendKind,
    text: String,
}

/// The stored list, read through [`serde_json::Value`] with the derive's rules (see
/// [`super::json`]): the entries that can be read, and how many could not (skipped, so that one
/// damaged entry never costs the others). `None` when the text is no list at all.
fn read_entries(json: &str) -> Option<(Vec<Entry>, usize)> {
    let value = serde_json::from_str::<serde_json::Value>(json).ok()?;
    let stored = value.as_array()?;
    let entries: Vec<Entry> = stored
        .iter()
        .filter_map(|v| {
            let o = super::json::object(v)?;
            Some(Entry {
                conversation: ConversationId(super::json::u64_field(o, "conversation")?),
                mode: SendKind::from_value(o.get("mode")?)?,
                text: super::json::str_field(o, "text")?.to_owned(),
            })
        })
        .collect();
    let skipped = stored.len() - entries.len();
    Some((entries, skipped))
}

/// A draft's key.
type DraftKey = (ConversationId, SendKind);

/// All drafts of one widget.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Drafts {
    /// Sorted by key, one entry per key: a few drafts, so a sorted list rather than an ordered
    /// map (whose insertion and removal code for this key type the wasm would carry).
    entries: Vec<(DraftKey, String)>,
    /// The keys edited since the last save.
    dirty: Vec<DraftKey>,
    first_dirty_at: Option<u64>,
    last_edit_at: Option<u64>,
    debounce_ms: u64,
    max_wait_ms: u64,
}

impl Default for Drafts {
    fn default() -> Self {
        Self::new(DEFAULT_DEBOUNCE_MS, DEFAULT_MAX_WAIT_MS)
    }
}

impl Drafts {
    /// Empty drafts with the given debounce.
    #[must_use]
    pub fn new(debounce_ms: u64, max_wait_ms: u64) -> Self {
        Self {
            entries: Vec::new(),
            dirty: Vec::new(),
            first_dirty_at: None,
            last_edit_at: None,
            debounce_ms,
            max_wait_ms: max_wait_ms.max(debounce_ms),
        }
    }

    /// Where `key` is in [`Self::entries`] (`Ok`), or where it would go (`Err`).
    fn find(&self, key: DraftKey) -> Result<usize, usize> {
        self.entries.binary_search_by(|(k, _)| k.cmp(&key))
    }

    /// The draft text (empty when none).
    #[must_use]
    pub fn get(&self, conversation: ConversationId, mode: SendKind) -> &str {
        self.find((conversation, mode))
            .ok()
            .and_then(|i| self.entries.get(i))
            .map_or("", |(_, text)| text.as_str())
    }

    /// `true` when the conversation has a draft in any mode (the row's draft marker).
    #[must_use]
    pub fn has_draft(&self, conversation: ConversationId) -> bool {
        self.entries.iter().any(|((c, _), _)| *c == conversation)
    }

    /// Records an edit. A blank text deletes the draft.
    pub fn set(&mut self, conversation: ConversationId, mode: SendKind, text: &str, now: u64) {
        let key = (conversation, mode);
        if self.put(key, text) {
            if !self.dirty.contains(&key) {
                self.dirty.push(key);
            }
            self.first_dirty_at.get_or_insert(now);
            self.last_edit_at = Some(now);
        }
    }

    /// Takes in a draft another tab stored (`None`: it removed it), unless this tab has unsaved
    /// edits of the same draft (they are newer, and will be stored). Returns whether it changed.
    pub fn adopt(
        &mut self,
        conversation: ConversationId,
        mode: SendKind,
        text: Option<&str>,
    ) -> bool {
        let key = (conversation, mode);
        !self.dirty.contains(&key) && self.put(key, text.unwrap_or(""))
    }

    /// The drafts edited since the last save, with their text (`None`: deleted), and marks them
    /// saved.
    pub fn take_dirty(&mut self) -> Vec<(ConversationId, SendKind, Option<String>)> {
        let keys = std::mem::take(&mut self.dirty);
        self.mark_flushed();
        keys.into_iter()
            .map(|(c, m)| {
                let text = self.get(c, m);
                (c, m, (!text.is_empty()).then(|| text.to_owned()))
            })
            .collect()
    }

    /// The storage name of one draft: `draft:{conversation}:{mode}`.
    #[must_use]
    pub fn stored_name(conversation: ConversationId, mode: SendKind) -> String {
        format!(
            "{}{}:{}",
            super::storage::keys::DRAFT,
            conversation.0,
            mode.mode_name()
        )
    }

    /// The draft a storage name names ([`stored_name`](Self::stored_name)'s inverse).
    #[must_use]
    pub fn parse_name(name: &str) -> Option<(ConversationId, SendKind)> {
        let rest = name.strip_prefix(super::storage::keys::DRAFT)?;
        let (id, mode) = rest.split_once(':')?;
        let mode = SendKind::ALL
            .iter()
            .copied()
            .find(|k| k.mode_name() == mode)?;
        Some((ConversationId(id.parse().ok()?), mode))
    }

    /// Sets one entry; returns whether it changed.
    fn put(&mut self, key: DraftKey, text: &str) -> bool {
        match self.find(key) {
            Ok(i) if text.trim().is_empty() => {
                self.entries.remove(i);
                true
            }
            Err(_) if text.trim().is_empty() => false,
            Ok(i) => match self.entries.get_mut(i) {
                Some((_, old)) if old.as_str() != text => {
                    text.clone_into(old);
                    true
                }
                _ => false,
            },
            Err(i) => {
                self.entries.insert(i, (key, text.to_owned()));
                true
            }
        }
    }

    /// Deletes a draft (after its send was queued).
    pub fn clear(&mut self, conversation: ConversationId, mode: SendKind, now: u64) {
        self.set(conversation, mode, "", now);
    }

    /// `true` when there are unsaved edits.
    #[must_use]
    pub fn is_dirty(&self) -> bool {
        self.first_dirty_at.is_some()
    }

    /// `true` when unsaved edits should be written now.
    #[must_use]
    pub fn should_flush(&self, now: u64) -> bool {
        match (self.first_dirty_at, self.last_edit_at) {
            (Some(first), Some(last)) => {
                now.saturating_sub(last) >= self.debounce_ms
                    || now.saturating_sub(first) >= self.max_wait_ms
            }
            _ => false,
        }
    }

    /// When a flush will be due, if anything is unsaved.
    #[must_use]
    pub fn flush_due_at(&self) -> Option<u64> {
        match (self.first_dirty_at, self.last_edit_at) {
            (Some(first), Some(last)) => {
                Some((last + self.debounce_ms).min(first + self.max_wait_ms))
            }
            _ => None,
        }
    }

    /// Marks everything saved.
    pub fn mark_flushed(&mut self) {
        self.dirty.clear();
        self.first_dirty_at = None;
        self.last_edit_at = None;
    }

    /// The stored form.
    #[must_use]
    pub fn to_json(&self) -> String {
        let entries: Vec<Entry> = self
            .entries
            .iter()
            .map(|((conversation, mode), text)| Entry {
                conversation: *conversation,
                mode: *mode,
                text: text.clone(),
            })
            .collect();
        serde_json::to_string(&entries).unwrap_or_else(|_| "[]".to_owned())
    }

    /// Reads the stored form, keeping every entry that can be read, and counts the entries
    /// skipped (the whole text counts as one when it is not a list of drafts). Unreadable input
    /// gives empty drafts, never an error the operator could do anything about.
    #[must_use]
    pub fn from_stored(json: &str, debounce_ms: u64, max_wait_ms: u64) -> (Self, usize) {
        let mut drafts = Self::new(debounce_ms, max_wait_ms);
        let Some((entries, skipped)) = read_entries(json) else {
            return (drafts, 1);
        };
        for e in entries {
            if !e.text.trim().is_empty() {
                let key = (e.conversation, e.mode);
                match drafts.find(key) {
                    Ok(i) => {
                        if let Some((_, text)) = drafts.entries.get_mut(i) {
                            *text = e.text;
                        }
                    }
                    Err(i) => drafts.entries.insert(i, (key, e.text)),
                }
            }
        }
        (drafts, skipped)
    }

    /// Every draft: conversation, mode, text.
    pub fn entries(&self) -> impl Iterator<Item = (ConversationId, SendKind, &str)> {
        self.entries.iter().map(|((c, m), t)| (*c, *m, t.as_str()))
    }

    /// Number of drafts.
    #[must_use]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// `true` when there are none.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}
