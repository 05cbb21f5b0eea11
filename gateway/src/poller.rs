//! Push without webhooks: when no webhook secret is configured, Blinger tells the gateway
//! nothing, so the gateway polls the lists itself — once per interval for all connected browsers,
//! not once per tab — and announces every conversation whose list entry appeared, changed or
//! left as a change, like a webhook would (GATEWAY.md, "Second step").
//!
//! It polls only while event streams are open: `unassigned` once, and `unread` and
//! `not-answered` for each operator with an open stream (the lists their widgets show). Requests
//! go through the coalescer and the upstream limiter like the browsers' own (so a widget's poll
//! and the poller's share one upstream request, and `--upstream-concurrency` holds). The first
//! answer of a list is its baseline; a failed answer keeps the last baseline, so an outage is not
//! a burst of false changes.

use std::collections::{HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::assumptions::POLLER_BASELINE_GRACE as BASELINE_GRACE;
use crate::coalesce::{Key, Tags};
use crate::forward::shared_get;
use crate::state::Shared;

/// The lists the poller watches, keyed as the coalescer keys the browsers' GETs of them.
fn watched(operators: &[u64]) -> Vec<Key> {
    let mut lists = vec![Key {
        path: "/api/conversations/unassigned",
        query: String::new(),
    }];
    for op in operators {
        for path in [
            "/api/conversations/unread",
            "/api/conversations/not-answered",
        ] {
            lists.push(Key {
                path,
                query: format!("operator_id={op}"),
            });
        }
    }
    lists
}

/// A list's entries: conversation id → a hash of the whole entry.
type Snapshot = HashMap<u64, u64>;

/// The entries of a list answer (`{"status":200,"data":[…]}`); `None` unless it is one.
fn snapshot(body: &[u8]) -> Option<Snapshot> {
    let v: Value = serde_json::from_slice(body).ok()?;
    if v.get("status").and_then(Value::as_i64) != Some(200) {
        return None;
    }
    let items = v.get("data")?.as_array()?;
    let mut out = Snapshot::with_capacity(items.len());
    for item in items {
        let Some(id) = item.get("id").and_then(Value::as_u64) else {
            continue;
        };
        let mut h = DefaultHasher::new();
        item.to_string().hash(&mut h);
        out.insert(id, h.finish());
    }
    Some(out)
}

/// The conversations whose entry appeared, changed or left between two snapshots.
fn diff(old: &Snapshot, new: &Snapshot) -> HashSet<u64> {
    let mut changed: HashSet<u64> = new
        .iter()
        .filter(|(id, h)| old.get(id) != Some(h))
        .map(|(id, _)| *id)
        .collect();
    changed.extend(old.keys().filter(|id| !new.contains_key(id)));
    changed
}

/// The poller's memory across rounds: each list's last snapshot, and when it was last watched.
/// A list whose operator went away (a reconnect after the token expired, a reload) keeps its
/// snapshot for [`BASELINE_GRACE`], so what changed while they were away is announced when they
/// are back instead of becoming the new baseline unannounced.
#[derive(Debug, Default)]
pub struct Poller {
    baselines: HashMap<Key, (Snapshot, Instant)>,
}

impl Poller {
    /// One round: fetches every watched list, announces what changed since the last round.
    /// Returns how many conversations were announced. Nothing while no stream is open.
    pub async fn round(&mut self, state: &Shared) -> usize {
        let operators = state.listeners.operators();
        if operators.is_empty() {
            return 0;
        }
        let lists = watched(&operators);
        let now = Instant::now();
        self.baselines
            .retain(|w, (_, seen)| lists.contains(w) || now.duration_since(*seen) < BASELINE_GRACE);
        let mut changed = HashSet::new();
        for list in lists {
            let tags = Tags {
                conversation: None,
                list: true,
            };
            let outcome = shared_get(state, list.path, list.query.clone(), tags).await;
            let Some(new) = outcome.ok().and_then(|a| snapshot(&a.body)) else {
                continue;
            };
            if let Some((old, _)) = self.baselines.get(&list) {
                changed.extend(diff(old, &new));
            }
            self.baselines.insert(list, (new, Instant::now()));
        }
        let mut ids: Vec<u64> = changed.into_iter().collect();
        ids.sort_unstable();
        for id in &ids {
            state.changed(Some(*id));
        }
        ids.len()
    }
}

/// A round every `interval` and whenever a stream opens, until `stop`.
pub fn spawn(state: Shared, interval: Duration, mut stop: watch::Receiver<bool>) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut poller = Poller::default();
        loop {
            poller.round(&state).await;
            tokio::select! {
                () = tokio::time::sleep(interval) => {}
                () = state.listeners.joined.notified() => {}
                _ = stop.changed() => break,
            }
        }
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::restriction)] // tests unwrap, index and panic
    use super::*;

    fn snap(items: &str) -> Snapshot {
        snapshot(format!("{{\"status\":200,\"data\":{items}}}").as_bytes()).unwrap()
    }

    #[test]
    fn new_changed_and_gone_entries_are_changes_and_equal_ones_are_not() {
        let old = snap(r#"[{"id":1,"x":1},{"id":2,"x":1},{"id":3,"x":1}]"#);
        let new = snap(r#"[{"id":1,"x":1},{"id":2,"x":2},{"id":4,"x":1}]"#);
        let mut d: Vec<u64> = diff(&old, &new).into_iter().collect();
        d.sort_unstable();
        assert_eq!(d, vec![2, 3, 4]);
        assert!(diff(&new, &new).is_empty());
    }

    #[test]
    fn only_a_200_envelope_with_a_list_is_a_snapshot() {
        assert!(snapshot(br#"{"status":500,"error":"x"}"#).is_none());
        assert!(snapshot(br#"{"status":200,"data":{}}"#).is_none());
        assert!(snapshot(b"not json").is_none());
        assert_eq!(snap(r#"[{"id":"7"},{"no":1},{"id":5}]"#).len(), 1);
    }

    #[test]
    fn one_unassigned_list_and_two_per_operator_are_watched() {
        assert_eq!(watched(&[]).len(), 1);
        assert_eq!(watched(&[2, 9]).len(), 5);
        assert!(watched(&[2]).iter().any(|w| w.query == "operator_id=2"));
    }
}
