//! `GET /gateway/events`: the push channel (GATEWAY.md, second step). Server-Sent Events over one
//! long-lived response, authenticated by the same `Authentication` JWT as every other request
//! (the widget reads it with `fetch` streaming, since `EventSource` cannot send that header).
//!
//! What a client reads, in order:
//! - `event: ready` with the stream's position as `id` and `retry:` (how long to wait before a
//!   reconnect), data `{}`;
//! - after a `Last-Event-ID` still in the replay window: every change after it, then live ones;
//!   after one that cannot be served without a gap (another epoch — the gateway restarted — or
//!   older than the window): `event: resync` (refetch everything), then live ones;
//! - `event: changed`, data `{"conversation_id":N,"seq":S}`, `id: EPOCH-S`, for every change;
//! - `event: resync` when this client fell more than the per-stream buffer behind (it skips
//!   ahead; the others are never slowed);
//! - a comment line every [`EVENT_HEARTBEAT`].
//!
//! The stream ends when the token expires (the client reconnects with a fresh one and its
//! `Last-Event-ID`) and when the gateway shuts down.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::stream::{self, Stream};
use tokio::sync::{broadcast, watch};
use tokio::time::Instant;

use crate::assumptions::{EVENT_HEARTBEAT, EVENT_RETRY_MS};
use crate::auth::{Caller, unix_now};
use crate::error::GatewayError;
use crate::events::{Broadcast, Change, EventId, Start, Subscription};
use crate::listeners::ListenerGuard;
use crate::metrics::{Metrics, StreamGuard};
use crate::state::Shared;

/// The handler.
pub async fn events(State(state): State<Shared>, caller: Caller, headers: HeaderMap) -> Response {
    // Within the JWT leeway a token past its `exp` still verifies; a stream for it would end at
    // once, with a 200 the client could not tell from a working stream.
    let remaining = caller.expires.saturating_sub(unix_now());
    if remaining == 0 {
        return GatewayError::Unauthorized("Token expired").into_response();
    }
    let last = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(EventId::parse);
    if let Some(id) = last {
        caught_up(&state.broadcast, id).await;
    }
    let subscription = state.broadcast.subscribe(last);
    let now = Instant::now();
    let deadline = now
        .checked_add(Duration::from_secs(remaining))
        .unwrap_or_else(|| now + FAR_FUTURE);
    let feed = Feed {
        epoch: subscription.at.epoch,
        pending: first_events(&subscription, last),
        last_seq: subscription.at.seq,
        rx: subscription.rx,
        deadline,
        stop: state.stop_streams.clone(),
        metrics: state.metrics.clone(),
        _open: state.metrics.stream_opened(),
        _listening: state.listeners.join(caller.operator.get()),
    };
    let mut response = Sse::new(feed.into_stream())
        .keep_alive(KeepAlive::new().interval(EVENT_HEARTBEAT))
        .into_response();
    let h = response.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    // nginx and its kin buffer responses unless told not to.
    h.insert("x-accel-buffering", HeaderValue::from_static("no"));
    response
}

/// Waits (briefly) until this replica's log has reached `id`. Behind a load balancer a stream
/// may come back to a replica whose relay is a few milliseconds behind the one it left; without
/// the wait its id would look like one from the future and cost the client a full resync.
async fn caught_up(log: &Broadcast, id: EventId) {
    for _ in 0..CATCH_UP_CHECKS {
        let at = log.position();
        if at.epoch != id.epoch || at.seq >= id.seq {
            return;
        }
        tokio::time::sleep(CATCH_UP_STEP).await;
    }
}

/// [`caught_up`] looks this often, this many times (one second in all).
const CATCH_UP_STEP: Duration = Duration::from_millis(20);
const CATCH_UP_CHECKS: u32 = 50;

/// A deadline for a token whose `exp` is beyond what an `Instant` can hold.
const FAR_FUTURE: Duration = Duration::from_secs(10 * 365 * 86_400);

/// What one stream writes, before the live changes.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Out {
    /// Its id is where a reconnect must resume if nothing after it arrives: the stream's position
    /// when nothing is replayed, the client's own id while a replay follows, none before a
    /// resync (the client keeps the id that could not be served, so a reconnect resyncs again).
    Ready(Option<EventId>),
    Changed(EventId, u64),
    Resync(EventId),
}

fn first_events(s: &Subscription, last: Option<EventId>) -> VecDeque<Out> {
    match &s.start {
        Start::Replay(changes) if changes.is_empty() => VecDeque::from([Out::Ready(Some(s.at))]),
        Start::Replay(changes) => {
            let mut out = VecDeque::from([Out::Ready(last.or(Some(s.at)))]);
            out.extend(changes.iter().map(|c| changed(s.at.epoch, *c)));
            out
        }
        Start::Resync => VecDeque::from([Out::Ready(None), Out::Resync(s.at)]),
    }
}

fn changed(epoch: u64, c: Change) -> Out {
    Out::Changed(EventId { epoch, seq: c.seq }, c.conversation_id)
}

impl Out {
    fn event(&self) -> (&'static str, Event) {
        match self {
            Self::Ready(id) => {
                let event = Event::default()
                    .event("ready")
                    .retry(Duration::from_millis(EVENT_RETRY_MS))
                    .data("{}");
                let event = match id {
                    Some(id) => event.id(id.to_string()),
                    None => event,
                };
                ("ready", event)
            }
            Self::Changed(id, conversation) => (
                "changed",
                Event::default()
                    .event("changed")
                    .id(id.to_string())
                    .data(format!(
                        "{{\"conversation_id\":{conversation},\"seq\":{}}}",
                        id.seq
                    )),
            ),
            Self::Resync(id) => (
                "resync",
                Event::default()
                    .event("resync")
                    .id(id.to_string())
                    .data("{}"),
            ),
        }
    }
}

struct Feed {
    epoch: u64,
    pending: VecDeque<Out>,
    /// The seq of the last change written (live changes at or below it are skipped).
    last_seq: u64,
    rx: broadcast::Receiver<Change>,
    deadline: Instant,
    stop: watch::Receiver<bool>,
    metrics: std::sync::Arc<Metrics>,
    _open: StreamGuard,
    _listening: ListenerGuard,
}

impl Feed {
    fn into_stream(self) -> impl Stream<Item = Result<Event, Infallible>> + Send {
        stream::unfold(self, |mut feed| async move {
            let out = feed.next().await?;
            let (name, event) = out.event();
            feed.metrics.event_sent(name);
            Some((Ok(event), feed))
        })
    }

    /// The next thing to write; `None` ends the stream.
    async fn next(&mut self) -> Option<Out> {
        if *self.stop.borrow() || Instant::now() >= self.deadline {
            return None;
        }
        if let Some(out) = self.pending.pop_front() {
            if let Out::Changed(id, _) = &out {
                self.last_seq = self.last_seq.max(id.seq);
            }
            return Some(out);
        }
        loop {
            tokio::select! {
                biased;
                _ = self.stop.changed() => return None,
                () = tokio::time::sleep_until(self.deadline) => return None,
                received = self.rx.recv() => match received {
                    Ok(change) if change.seq <= self.last_seq => {}
                    Ok(change) if change.seq > self.last_seq.saturating_add(1) => {
                        // The log skipped numbers (a replica that lost the database for longer
                        // than the log keeps): what fell in the hole is covered by a refetch.
                        self.last_seq = change.seq;
                        return Some(Out::Resync(EventId { epoch: self.epoch, seq: change.seq }));
                    }
                    Ok(change) => {
                        self.last_seq = change.seq;
                        return Some(changed(self.epoch, change));
                    }
                    Err(broadcast::error::RecvError::Lagged(_)) => {
                        // Skip ahead: what was missed is covered by the client's refetch.
                        let skipped = self.rx.len();
                        for _ in 0..skipped {
                            if let Ok(c) = self.rx.try_recv() {
                                self.last_seq = self.last_seq.max(c.seq);
                            }
                        }
                        return Some(Out::Resync(EventId { epoch: self.epoch, seq: self.last_seq }));
                    }
                    Err(broadcast::error::RecvError::Closed) => return None,
                },
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::restriction)] // tests unwrap, index and panic
    use std::sync::Arc;

    use super::*;
    use crate::events::Broadcast;

    fn feed(b: &Broadcast, last: Option<EventId>, stop: watch::Receiver<bool>) -> Feed {
        let s = b.subscribe(last);
        let metrics = Arc::new(Metrics::new());
        Feed {
            epoch: s.at.epoch,
            pending: first_events(&s, last),
            last_seq: s.at.seq,
            rx: s.rx,
            deadline: Instant::now() + Duration::from_secs(60),
            stop,
            _open: metrics.stream_opened(),
            _listening: Arc::new(crate::listeners::Listeners::default()).join(2),
            metrics,
        }
    }

    #[tokio::test]
    async fn an_id_a_little_ahead_waits_for_the_log_instead_of_resyncing() {
        let b = std::sync::Arc::new(Broadcast::with_epoch(9, 100, 16));
        b.announce(1);
        let later = b.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(100)).await;
            later.announce(2);
        });
        let ahead = EventId { epoch: 9, seq: 2 };
        let started = tokio::time::Instant::now();
        caught_up(&b, ahead).await;
        assert!(started.elapsed() >= Duration::from_millis(90));
        assert_eq!(b.subscribe(Some(ahead)).start, Start::Replay(Vec::new()));
        // Another epoch, or an id that never comes: no wait, or at most a second.
        let started = tokio::time::Instant::now();
        caught_up(&b, EventId { epoch: 8, seq: 50 }).await;
        assert!(started.elapsed() < Duration::from_millis(50));
        let started = tokio::time::Instant::now();
        caught_up(&b, EventId { epoch: 9, seq: 50 }).await;
        assert!(started.elapsed() < Duration::from_millis(1500));
        assert_eq!(
            b.subscribe(Some(EventId { epoch: 9, seq: 50 })).start,
            Start::Resync
        );
    }

    #[tokio::test]
    async fn a_slow_stream_gets_resync_then_the_live_changes() {
        let b = Broadcast::with_epoch(9, 100, 2);
        let (_stop, stop_rx) = watch::channel(false);
        let mut f = feed(&b, None, stop_rx);
        assert_eq!(
            f.next().await,
            Some(Out::Ready(Some(EventId { epoch: 9, seq: 0 })))
        );
        for c in 1..=5 {
            b.announce(c);
        }
        assert_eq!(
            f.next().await,
            Some(Out::Resync(EventId { epoch: 9, seq: 5 }))
        );
        b.announce(6);
        assert_eq!(
            f.next().await,
            Some(Out::Changed(EventId { epoch: 9, seq: 6 }, 6))
        );
    }

    #[tokio::test]
    async fn a_hole_in_the_shared_log_is_a_resync_then_the_changes_after_it() {
        let b = Broadcast::with_epoch(9, 100, 16);
        let (_stop, stop_rx) = watch::channel(false);
        let mut f = feed(&b, None, stop_rx);
        assert_eq!(
            f.next().await,
            Some(Out::Ready(Some(EventId { epoch: 9, seq: 0 })))
        );
        let change = |seq| Change {
            conversation_id: 4,
            seq,
        };
        b.publish(change(1));
        b.publish(change(5)); // 2–4 never reached this replica
        b.publish(change(6));
        assert_eq!(
            f.next().await,
            Some(Out::Changed(EventId { epoch: 9, seq: 1 }, 4))
        );
        assert_eq!(
            f.next().await,
            Some(Out::Resync(EventId { epoch: 9, seq: 5 }))
        );
        assert_eq!(
            f.next().await,
            Some(Out::Changed(EventId { epoch: 9, seq: 6 }, 4))
        );
    }

    #[tokio::test]
    async fn an_id_that_cannot_be_served_gets_a_ready_without_id_then_resync() {
        let b = Broadcast::with_epoch(9, 100, 16);
        b.announce(1);
        let (_stop, stop_rx) = watch::channel(false);
        let mut f = feed(&b, Some(EventId { epoch: 8, seq: 1 }), stop_rx);
        assert_eq!(f.next().await, Some(Out::Ready(None)));
        assert_eq!(
            f.next().await,
            Some(Out::Resync(EventId { epoch: 9, seq: 1 }))
        );
    }

    #[tokio::test]
    async fn replayed_changes_are_not_repeated_live_and_stop_ends_the_feed() {
        let b = Broadcast::with_epoch(9, 100, 16);
        b.announce(1);
        b.announce(2);
        let (stop, stop_rx) = watch::channel(false);
        let mut f = feed(&b, Some(EventId { epoch: 9, seq: 1 }), stop_rx);
        assert_eq!(
            f.next().await,
            Some(Out::Ready(Some(EventId { epoch: 9, seq: 1 })))
        );
        assert_eq!(
            f.next().await,
            Some(Out::Changed(EventId { epoch: 9, seq: 2 }, 2))
        );
        b.announce(3);
        assert_eq!(
            f.next().await,
            Some(Out::Changed(EventId { epoch: 9, seq: 3 }, 3))
        );
        stop.send(true).unwrap();
        assert_eq!(f.next().await, None);
    }
}
