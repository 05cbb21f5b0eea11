//! The hook for the second step's push channel: every change to a conversation (a webhook, an
//! action or send through the gateway) is announced here with a sequence number. Nothing
//! subscribes yet; the event stream (`GET /gateway/events`) will, and a Postgres backend can put
//! LISTEN/NOTIFY behind the same trait, without touching the handlers.

use std::sync::atomic::{AtomicU64, Ordering};

use tokio::sync::broadcast;

/// One change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Change {
    /// The conversation that changed.
    pub conversation_id: u64,
    /// Increases by one per change.
    pub seq: u64,
}

/// Where changes are announced.
pub trait ChangeSink: Send + Sync + 'static {
    /// `conversation_id` changed.
    fn changed(&self, conversation_id: u64);
}

/// The in-process announcer: a broadcast channel (lagging receivers see `Lagged`, which the
/// stream will turn into `event: resync`).
#[derive(Debug)]
pub struct Broadcast {
    seq: AtomicU64,
    tx: broadcast::Sender<Change>,
}

impl Default for Broadcast {
    fn default() -> Self {
        let (tx, _) = broadcast::channel(1024);
        Self {
            seq: AtomicU64::new(0),
            tx,
        }
    }
}

impl Broadcast {
    /// A receiver of every change from now on.
    #[must_use]
    pub fn subscribe(&self) -> broadcast::Receiver<Change> {
        self.tx.subscribe()
    }

    /// The last sequence number given out.
    #[must_use]
    pub fn last_seq(&self) -> u64 {
        self.seq.load(Ordering::SeqCst)
    }
}

impl ChangeSink for Broadcast {
    fn changed(&self, conversation_id: u64) {
        let seq = self.seq.fetch_add(1, Ordering::SeqCst).saturating_add(1);
        // No receiver is not an error: nobody listens yet.
        let _ = self.tx.send(Change {
            conversation_id,
            seq,
        });
    }
}
