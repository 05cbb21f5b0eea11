//! The change log behind the push channel: every change to a conversation (a webhook, an action
//! or send through the gateway) is announced here with a sequence number, kept in a bounded
//! replay window, and broadcast to the event streams ([`crate::stream`]).
//!
//! An event id is `EPOCH-SEQ`: `EPOCH` names this log (the process start, in microseconds), `SEQ`
//! counts its changes from 1. A stream that comes back with `Last-Event-ID` gets exactly the
//! changes after it when they are still in the window; an id from another epoch (the gateway
//! restarted) or one older than the window cannot be served without a gap, so that stream is told
//! to resync instead. A Postgres backend can put LISTEN/NOTIFY behind [`ChangeSink`] without
//! touching the handlers.

use std::collections::VecDeque;
use std::fmt;
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

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

/// A position in a change log, spelled `EPOCH-SEQ` on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventId {
    /// Which log.
    pub epoch: u64,
    /// The last change seen (0: none yet).
    pub seq: u64,
}

impl EventId {
    /// Reads `EPOCH-SEQ`; `None` for anything else.
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        let (epoch, seq) = text.trim().split_once('-')?;
        let digits =
            |s: &str| !s.is_empty() && s.len() <= 20 && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(epoch) || !digits(seq) {
            return None;
        }
        Some(Self {
            epoch: epoch.parse().ok()?,
            seq: seq.parse().ok()?,
        })
    }
}

impl fmt::Display for EventId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.epoch, self.seq)
    }
}

/// How a new subscription starts.
#[derive(Debug, PartialEq, Eq)]
pub enum Start {
    /// These changes happened after the given id (possibly none); send them first.
    Replay(Vec<Change>),
    /// The given id cannot be served without a gap: the client must refetch everything.
    Resync,
}

/// A stream's start and its live feed.
#[derive(Debug)]
pub struct Subscription {
    /// What comes before the live changes.
    pub start: Start,
    /// The position after `start` (the `id` of the stream's first event).
    pub at: EventId,
    /// Every change after `at`.
    pub rx: broadcast::Receiver<Change>,
}

struct Log {
    seq: u64,
    window: VecDeque<Change>,
}

/// The in-process change log: a replay window and a broadcast channel whose bounded buffer is
/// each stream's (a receiver that falls behind sees `Lagged`, which the stream turns into
/// `event: resync`; it never slows the sender or the other streams).
pub struct Broadcast {
    epoch: u64,
    capacity: usize,
    log: Mutex<Log>,
    tx: broadcast::Sender<Change>,
}

impl fmt::Debug for Broadcast {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Broadcast")
            .field("epoch", &self.epoch)
            .field("capacity", &self.capacity)
            .finish_non_exhaustive()
    }
}

impl Default for Broadcast {
    fn default() -> Self {
        Self::new(
            crate::assumptions::EVENT_REPLAY_WINDOW,
            crate::assumptions::EVENT_STREAM_BUFFER,
        )
    }
}

impl Broadcast {
    /// Keeps the last `window` changes for replay; each stream may fall `buffer` changes behind.
    #[must_use]
    pub fn new(window: usize, buffer: usize) -> Self {
        let epoch = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| u64::try_from(d.as_micros()).unwrap_or(u64::MAX))
            .unwrap_or(1);
        Self::with_epoch(epoch, window, buffer)
    }

    /// As [`Self::new`] with a given epoch (tests).
    #[must_use]
    pub fn with_epoch(epoch: u64, window: usize, buffer: usize) -> Self {
        let (tx, _) = broadcast::channel(buffer.max(1));
        Self {
            epoch,
            capacity: window.max(1),
            log: Mutex::new(Log {
                seq: 0,
                window: VecDeque::new(),
            }),
            tx,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Log> {
        self.log
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The current position (the id of the last change).
    #[must_use]
    pub fn position(&self) -> EventId {
        EventId {
            epoch: self.epoch,
            seq: self.lock().seq,
        }
    }

    /// Subscribes, starting after `last` when given (`Last-Event-ID`), else from now.
    #[must_use]
    pub fn subscribe(&self, last: Option<EventId>) -> Subscription {
        // Under the lock, so that no change falls between the replay and the live feed.
        let log = self.lock();
        let rx = self.tx.subscribe();
        let at = EventId {
            epoch: self.epoch,
            seq: log.seq,
        };
        let start = match last {
            None => Start::Replay(Vec::new()),
            Some(id) if id.epoch != self.epoch || id.seq > log.seq => Start::Resync,
            Some(id) if id.seq == log.seq => Start::Replay(Vec::new()),
            Some(id) => {
                let oldest = log
                    .window
                    .front()
                    .map_or(log.seq.saturating_add(1), |c| c.seq);
                if id.seq.saturating_add(1) < oldest {
                    Start::Resync
                } else {
                    Start::Replay(
                        log.window
                            .iter()
                            .filter(|c| c.seq > id.seq)
                            .copied()
                            .collect(),
                    )
                }
            }
        };
        Subscription { start, at, rx }
    }
}

impl ChangeSink for Broadcast {
    fn changed(&self, conversation_id: u64) {
        let mut log = self.lock();
        log.seq = log.seq.saturating_add(1);
        let change = Change {
            conversation_id,
            seq: log.seq,
        };
        if log.window.len() >= self.capacity {
            log.window.pop_front();
        }
        log.window.push_back(change);
        // Sent under the lock: subscribers see changes in seq order, and a subscription made
        // between two changes gets each exactly once (replay or live). No receiver is fine.
        let _ = self.tx.send(change);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::restriction)] // tests unwrap, index and panic
    use super::*;

    fn seqs(start: &Start) -> Vec<u64> {
        match start {
            Start::Replay(c) => c.iter().map(|c| c.seq).collect(),
            Start::Resync => vec![u64::MAX],
        }
    }

    #[test]
    fn ids_round_trip_and_junk_is_none() {
        let id = EventId { epoch: 17, seq: 4 };
        assert_eq!(EventId::parse(&id.to_string()), Some(id));
        for junk in [
            "",
            "5",
            "-",
            "a-1",
            "1-",
            "1-2-3",
            "1--2",
            "99999999999999999999999-1",
        ] {
            assert_eq!(EventId::parse(junk), None, "{junk:?}");
        }
    }

    #[test]
    fn replay_gives_exactly_the_changes_after_the_id() {
        let b = Broadcast::with_epoch(7, 10, 8);
        for c in 1..=5 {
            b.changed(c);
        }
        let s = b.subscribe(Some(EventId { epoch: 7, seq: 2 }));
        assert_eq!(seqs(&s.start), vec![3, 4, 5]);
        assert_eq!(s.at, EventId { epoch: 7, seq: 5 });
        assert_eq!(
            seqs(&b.subscribe(Some(b.position())).start),
            Vec::<u64>::new()
        );
        assert_eq!(seqs(&b.subscribe(None).start), Vec::<u64>::new());
    }

    #[test]
    fn another_epoch_a_future_id_or_one_past_the_window_resync() {
        let b = Broadcast::with_epoch(7, 3, 8);
        for c in 1..=6 {
            b.changed(c);
        }
        assert_eq!(
            b.subscribe(Some(EventId { epoch: 8, seq: 5 })).start,
            Start::Resync
        );
        assert_eq!(
            b.subscribe(Some(EventId { epoch: 7, seq: 9 })).start,
            Start::Resync
        );
        // The window holds 4, 5, 6: after 3 is servable, after 2 is not.
        assert_eq!(
            seqs(&b.subscribe(Some(EventId { epoch: 7, seq: 3 })).start),
            vec![4, 5, 6]
        );
        assert_eq!(
            b.subscribe(Some(EventId { epoch: 7, seq: 2 })).start,
            Start::Resync
        );
    }

    #[tokio::test]
    async fn live_changes_follow_the_replay_without_gap_and_a_slow_receiver_lags() {
        let b = Broadcast::with_epoch(1, 100, 2);
        b.changed(1);
        let mut s = b.subscribe(Some(EventId { epoch: 1, seq: 0 }));
        assert_eq!(seqs(&s.start), vec![1]);
        b.changed(2);
        assert_eq!(s.rx.recv().await.unwrap().seq, 2);
        for c in 3..=6 {
            b.changed(c);
        }
        assert!(matches!(
            s.rx.recv().await,
            Err(broadcast::error::RecvError::Lagged(_))
        ));
    }
}
