//! Who is listening: the operators with an open event stream, counted per stream (a tab is
//! one), so the poller knows whose lists to watch.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

/// The operators with an open event stream, counted (a tab is one stream).
#[derive(Debug, Default)]
pub struct Listeners {
    counts: Mutex<HashMap<u64, usize>>,
    /// Wakes the poller when a stream opens, so that the operator's lists get their baseline
    /// at once (a change between the client's first fetch and a late baseline would be lost).
    pub joined: tokio::sync::Notify,
}

/// Counts one stream of an operator while it lives.
#[derive(Debug)]
pub struct ListenerGuard {
    listeners: Arc<Listeners>,
    operator: u64,
}

impl Listeners {
    /// One more stream of `operator`.
    #[must_use]
    pub fn join(self: &Arc<Self>, operator: u64) -> ListenerGuard {
        *self.lock().entry(operator).or_insert(0) += 1;
        self.joined.notify_one();
        ListenerGuard {
            listeners: self.clone(),
            operator,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, usize>> {
        self.counts.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The operators with at least one open stream, in order.
    #[must_use]
    pub fn operators(&self) -> Vec<u64> {
        let mut ops: Vec<u64> = self.lock().keys().copied().collect();
        ops.sort_unstable();
        ops
    }
}

impl Drop for ListenerGuard {
    fn drop(&mut self) {
        let mut map = self.listeners.lock();
        if let Some(n) = map.get_mut(&self.operator) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                map.remove(&self.operator);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::restriction)] // tests unwrap, index and panic
    use super::*;

    #[test]
    fn listeners_count_streams_per_operator() {
        let l = Arc::new(Listeners::default());
        let a = l.join(2);
        let b = l.join(2);
        let c = l.join(9);
        assert_eq!(l.operators(), vec![2, 9]);
        drop(a);
        assert_eq!(l.operators(), vec![2, 9]);
        drop(b);
        drop(c);
        assert!(l.operators().is_empty());
    }
}
