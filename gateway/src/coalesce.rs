//! Coalescing identical GETs: requests with the same path and query (after the policy) that
//! arrive while one is in flight, or within the window after it was answered, share its answer,
//! so N browsers polling the same list cost Blinger about one request per window. Errors are
//! shared only while in flight, never kept. An action on a conversation drops what is kept for
//! it and for the lists.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::sync::OnceCell;

use crate::upstream::Outcome;

/// What identifies a GET.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Key {
    /// Endpoint path.
    pub path: &'static str,
    /// Query after the policy.
    pub query: String,
}

/// What a kept answer is about, for invalidation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Tags {
    /// The conversation it shows (`get`).
    pub conversation: Option<u64>,
    /// Whether it is a list of conversations.
    pub list: bool,
}

struct Slot {
    cell: Arc<OnceCell<Outcome>>,
    tags: Tags,
}

impl Slot {
    fn usable(&self, window: Duration) -> bool {
        match self.cell.get() {
            None => true,
            Some(Ok(answer)) => answer.at.elapsed() < window,
            Some(Err(_)) => false,
        }
    }
}

/// Slots kept before stale ones are swept.
const SWEEP_AT: usize = 512;

/// The shared GETs.
pub struct Coalescer {
    window: Duration,
    slots: Mutex<HashMap<Key, Slot>>,
}

impl std::fmt::Debug for Coalescer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Coalescer")
            .field("window", &self.window)
            .finish_non_exhaustive()
    }
}

impl Coalescer {
    /// Answers are kept for `window` after they arrive (zero: shared only while in flight).
    #[must_use]
    pub fn new(window: Duration) -> Self {
        Self {
            window,
            slots: Mutex::new(HashMap::new()),
        }
    }

    /// The answer for `key`: a shared one, or `fetch`'s. The flag says whether it was shared.
    pub async fn get<F, Fut>(&self, key: Key, tags: Tags, fetch: F) -> (Outcome, bool)
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Outcome>,
    {
        let cell = {
            let mut slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
            match slots.get(&key) {
                Some(slot) if slot.usable(self.window) => slot.cell.clone(),
                _ => {
                    if slots.len() >= SWEEP_AT {
                        let window = self.window;
                        slots.retain(|_, s| s.usable(window));
                    }
                    let cell = Arc::new(OnceCell::new());
                    slots.insert(
                        key,
                        Slot {
                            cell: cell.clone(),
                            tags,
                        },
                    );
                    cell
                }
            }
        };
        let mut ran = false;
        let outcome = cell
            .get_or_init(|| {
                ran = true;
                fetch()
            })
            .await
            .clone();
        (outcome, !ran)
    }

    /// Drops what is kept for `conversation` and every list (after an action or a webhook).
    pub fn invalidate(&self, conversation: Option<u64>) {
        let mut slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
        slots.retain(|_, s| {
            !(s.tags.list || (conversation.is_some() && s.tags.conversation == conversation))
        });
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::restriction)] // tests unwrap, index and panic
    use std::sync::atomic::{AtomicUsize, Ordering};

    use axum::body::Bytes;
    use axum::http::StatusCode;

    use super::*;
    use crate::upstream::Answer;

    fn answer() -> Outcome {
        Ok(Arc::new(Answer::new(
            StatusCode::OK,
            Bytes::from_static(b"{}"),
            Some(200),
            None,
        )))
    }

    fn key(q: &str) -> Key {
        Key {
            path: "/api/conversations/get",
            query: q.to_owned(),
        }
    }

    #[tokio::test]
    async fn concurrent_and_recent_gets_share_and_actions_invalidate() {
        let c = Coalescer::new(Duration::from_secs(60));
        let calls = AtomicUsize::new(0);
        let fetch = || async {
            calls.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(20)).await;
            answer()
        };
        let tags = Tags {
            conversation: Some(1),
            list: false,
        };
        let (a, b) = tokio::join!(
            c.get(key("conversation_id=1"), tags, fetch),
            c.get(key("conversation_id=1"), tags, fetch)
        );
        assert!(a.0.is_ok() && b.0.is_ok());
        assert!(a.1 != b.1, "one fetched, one shared");
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        assert!(c.get(key("conversation_id=1"), tags, fetch).await.1);
        let _ = c.get(key("conversation_id=2"), tags, fetch).await;
        assert_eq!(calls.load(Ordering::SeqCst), 2);
        c.invalidate(Some(1));
        assert!(!c.get(key("conversation_id=1"), tags, fetch).await.1);
        assert_eq!(calls.load(Ordering::SeqCst), 3);
    }
}
