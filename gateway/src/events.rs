//! The change log behind the push channel: every change to a conversation (a webhook, an action
//! or send through the gateway) is announced here with a sequence number, kept in a bounded
//! replay window, and broadcast to the event streams ([`crate::stream`]).
//!
//! An event id is `EPOCH-SEQ`: `EPOCH` names this log (the process start, in microseconds), `SEQ`
//! counts its changes from 1. A stream that comes back with `Last-Event-ID` gets exactly the
//! changes after it when they are still in the window; an id from another epoch (the gateway
//! restarted) or one older than the window cannot be served without a gap, so that stream is told
//! to resync instead.
//!
//! With one process the log numbers its changes itself ([`Broadcast`] is the [`ChangeSink`]).
//! With several replicas on Postgres the database numbers them (one epoch for the database) and
//! every replica's relay feeds them in with [`Broadcast::publish`]
//! ([`crate::store::postgres::changes`]); the streams read the same [`Broadcast`] either way.

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
#[async_trait::async_trait]
pub trait ChangeSink: Send + Sync + 'static {
    /// `conversation_id` changed. An error says the change was not announced (the streams'
    /// safety-net polling still finds it).
    async fn changed(&self, conversation_id: u64) -> Result<(), String>;
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

    /// A log that continues one kept elsewhere: `epoch`, the last `seq`, and the most recent
    /// changes (oldest first) for replay.
    #[must_use]
    pub fn resumed(epoch: u64, seq: u64, recent: &[Change], window: usize, buffer: usize) -> Self {
        let b = Self::with_epoch(epoch, window, buffer);
        {
            let mut log = b.lock();
            log.seq = recent.first().map_or(seq, |c| c.seq.saturating_sub(1));
            for c in recent {
                if c.seq > log.seq {
                    b.push(&mut log, *c);
                }
            }
            log.seq = log.seq.max(seq);
        }
        b
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

    /// Adds a change numbered elsewhere (the shared log), in order; one at or before the
    /// position is a repeat and is dropped. Returns whether it was added.
    pub fn publish(&self, change: Change) -> bool {
        let mut log = self.lock();
        if change.seq <= log.seq {
            return false;
        }
        self.push(&mut log, change);
        true
    }

    /// Numbers a change of this process's own log and adds it.
    pub fn announce(&self, conversation_id: u64) -> Change {
        let mut log = self.lock();
        let change = Change {
            conversation_id,
            seq: log.seq.saturating_add(1),
        };
        self.push(&mut log, change);
        change
    }

    fn push(&self, log: &mut Log, change: Change) {
        if change.seq > log.seq.saturating_add(1) {
            // A hole: no id before it can be replayed without a gap any more.
            log.window.clear();
        }
        log.seq = change.seq;
        if log.window.len() >= self.capacity {
            log.window.pop_front();
        }
        log.window.push_back(change);
        // Sent under the lock: subscribers see changes in seq order, and a subscription made
        // between two changes gets each exactly once (replay or live). No receiver is fine.
        let _ = self.tx.send(change);
    }
}

#[async_trait::async_trait]
impl ChangeSink for Broadcast {
    async fn changed(&self, conversation_id: u64) -> Result<(), String> {
        self.announce(conversation_id);
        Ok(())
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
            b.announce(c);
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
            b.announce(c);
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

    #[test]
    fn a_shared_log_resumes_drops_repeats_and_a_hole_ends_replay_before_it() {
        let recent = [4, 5, 6].map(|seq| Change {
            conversation_id: seq * 10,
            seq,
        });
        let b = Broadcast::resumed(3, 6, &recent, 10, 8);
        assert_eq!(b.position(), EventId { epoch: 3, seq: 6 });
        assert_eq!(
            seqs(&b.subscribe(Some(EventId { epoch: 3, seq: 3 })).start),
            vec![4, 5, 6]
        );
        assert_eq!(
            b.subscribe(Some(EventId { epoch: 3, seq: 2 })).start,
            Start::Resync,
            "before what the database still keeps"
        );
        // Numbered elsewhere: a repeat is dropped, the next is added.
        assert!(!b.publish(Change {
            conversation_id: 1,
            seq: 6
        }));
        assert!(b.publish(Change {
            conversation_id: 1,
            seq: 7
        }));
        // A hole (the relay lost more than the table keeps): no id before it replays.
        assert!(b.publish(Change {
            conversation_id: 1,
            seq: 20
        }));
        assert_eq!(
            b.subscribe(Some(EventId { epoch: 3, seq: 7 })).start,
            Start::Resync
        );
        assert_eq!(
            seqs(&b.subscribe(Some(EventId { epoch: 3, seq: 19 })).start),
            vec![20]
        );
        // Nothing recent (a fresh database, or everything pruned): the position still holds.
        let empty = Broadcast::resumed(3, 40, &[], 10, 8);
        assert_eq!(empty.position().seq, 40);
        assert_eq!(
            seqs(&empty.subscribe(Some(EventId { epoch: 3, seq: 40 })).start),
            Vec::<u64>::new()
        );
    }

    #[tokio::test]
    async fn live_changes_follow_the_replay_without_gap_and_a_slow_receiver_lags() {
        let b = Broadcast::with_epoch(1, 100, 2);
        b.announce(1);
        let mut s = b.subscribe(Some(EventId { epoch: 1, seq: 0 }));
        assert_eq!(seqs(&s.start), vec![1]);
        b.announce(2);
        assert_eq!(s.rx.recv().await.unwrap().seq, 2);
        for c in 3..=6 {
            b.announce(c);
        }
        assert!(matches!(
            s.rx.recv().await,
            Err(broadcast::error::RecvError::Lagged(_))
        ));
    }
}
