//! Drafts (debounced save, per conversation and mode) and storage with a memory fallback.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::restriction)] // tests unwrap, index and panic

use std::cell::Cell;
use std::rc::Rc;

use blinger_inbox::api::{ConversationId, OperatorId};
use blinger_inbox::sync::drafts::Drafts;
use blinger_inbox::sync::storage::keys;
use blinger_inbox::sync::{KvStorage, MemoryStorage, Persisted, SendKind, StorageError, namespace};

const C1: ConversationId = ConversationId(1);

#[test]
fn drafts_per_conversation_and_mode() {
    let mut d = Drafts::new(400, 2_000);
    d.set(C1, SendKind::Reply, "reply text", 0);
    d.set(C1, SendKind::Note, "note text", 0);
    d.set(ConversationId(2), SendKind::File, "https://x", 0);
    assert_eq!(d.get(C1, SendKind::Reply), "reply text");
    assert_eq!(d.get(C1, SendKind::Note), "note text");
    assert_eq!(d.get(C1, SendKind::File), "");
    assert!(d.has_draft(C1));
    d.set(C1, SendKind::Reply, "   ", 10);
    d.clear(C1, SendKind::Note, 10);
    assert!(!d.has_draft(C1), "empty drafts are deleted");
    assert_eq!(d.len(), 1);
}

#[test]
fn debounced_flush() {
    let mut d = Drafts::new(400, 2_000);
    assert!(!d.should_flush(0));
    d.set(C1, SendKind::Reply, "h", 0);
    assert!(!d.should_flush(399));
    assert!(d.should_flush(400));
    // Typing continuously: flushed at most every max_wait.
    let mut d = Drafts::new(400, 2_000);
    let mut t = 0;
    let mut text = String::new();
    while t < 1_999 {
        text.push('x');
        d.set(C1, SendKind::Reply, &text, t);
        assert!(!d.should_flush(t));
        t += 100;
    }
    d.set(C1, SendKind::Reply, "final", 2_000);
    assert!(d.should_flush(2_000));
    assert_eq!(d.flush_due_at(), Some(2_000));
    d.mark_flushed();
    assert!(!d.should_flush(10_000));
    assert!(!d.is_dirty());
    // Setting the same text again is not an edit.
    d.set(C1, SendKind::Reply, "final", 10_000);
    assert!(!d.is_dirty());
}

#[test]
fn drafts_round_trip_and_tolerate_garbage() {
    let mut d = Drafts::default();
    d.set(C1, SendKind::Reply, "привет 👋 مرحبا", 0);
    d.set(ConversationId(9), SendKind::Note, "n", 0);
    let back = Drafts::from_stored(&d.to_json(), 400, 2_000).0;
    assert_eq!(back.get(C1, SendKind::Reply), "привет 👋 مرحبا");
    assert_eq!(back.get(ConversationId(9), SendKind::Note), "n");
    for garbage in [
        "",
        "{",
        "null",
        "[1,2]",
        "{\"a\":1}",
        "[{\"conversation\":1,\"mode\":\"Bogus\",\"text\":\"x\"}]",
    ] {
        assert!(
            Drafts::from_stored(garbage, 400, 2_000).0.is_empty(),
            "{garbage}"
        );
    }
}

#[test]
fn namespaces_differ_per_base_url_and_operator() {
    let a = namespace("https://a.test", Some(OperatorId(1)));
    assert_eq!(a, namespace("https://a.test/", Some(OperatorId(1))));
    assert_ne!(a, namespace("https://a.test", Some(OperatorId(2))));
    assert_ne!(a, namespace("https://b.test", Some(OperatorId(1))));
    assert_ne!(a, namespace("https://a.test", None));
    assert!(a.starts_with("bi:v1:"));
}

struct Flaky {
    inner: MemoryStorage,
    fail_writes: Rc<Cell<bool>>,
    fail_reads: Rc<Cell<bool>>,
}

impl KvStorage for Flaky {
    fn get(&self, key: &str) -> Result<Option<String>, StorageError> {
        if self.fail_reads.get() {
            return Err(StorageError::Unavailable("SecurityError".into()));
        }
        self.inner.get(key)
    }
    fn set(&self, key: &str, value: &str) -> Result<(), StorageError> {
        if self.fail_writes.get() {
            return Err(StorageError::WriteFailed("QuotaExceededError".into()));
        }
        self.inner.set(key, value)
    }
    fn remove(&self, key: &str) -> Result<(), StorageError> {
        self.inner.remove(key)
    }
    fn keys(&self, prefix: &str) -> Result<Vec<String>, StorageError> {
        self.inner.keys(prefix)
    }
}

#[test]
fn persisted_falls_back_to_memory_and_says_so() {
    let fail_writes = Rc::new(Cell::new(false));
    let fail_reads = Rc::new(Cell::new(false));
    let p = Persisted::new(
        Some(Box::new(Flaky {
            inner: MemoryStorage::new(),
            fail_writes: Rc::clone(&fail_writes),
            fail_reads: Rc::clone(&fail_reads),
        })),
        namespace("https://a.test", None),
    );
    assert!(!p.is_degraded());
    p.set(keys::DRAFTS, "v1").unwrap();
    assert_eq!(p.get(keys::DRAFTS).as_deref(), Some("v1"));
    fail_writes.set(true);
    assert!(
        p.set(keys::DRAFTS, "v2").is_err(),
        "the caller learns of it"
    );
    assert!(p.is_degraded());
    assert_eq!(p.get(keys::DRAFTS).as_deref(), Some("v2"), "kept in memory");
    fail_writes.set(false);
    p.set(keys::DRAFTS, "v3").unwrap();
    assert!(
        !p.is_degraded(),
        "a full store that has room again is used again"
    );
    assert_eq!(p.get(keys::DRAFTS).as_deref(), Some("v3"));
    p.remove(keys::DRAFTS).unwrap();
    assert_eq!(p.get(keys::DRAFTS), None);

    let p2 = Persisted::new(
        Some(Box::new(Flaky {
            inner: MemoryStorage::new(),
            fail_writes: Rc::new(Cell::new(false)),
            fail_reads: Rc::new(Cell::new(true)),
        })),
        "ns".into(),
    );
    assert_eq!(p2.get(keys::OUTBOX), None);
    assert!(p2.is_degraded());

    let mem = Persisted::memory_only("ns".into());
    assert!(mem.is_degraded());
    assert!(
        mem.set(keys::OUTBOX, "[]").is_err(),
        "memory only: nothing shared"
    );
    assert_eq!(mem.get(keys::OUTBOX).as_deref(), Some("[]"));
    assert_eq!(mem.key(keys::OUTBOX), "ns:outbox");
    assert!(
        Persisted::browser("ns".into()).is_degraded(),
        "no localStorage off the browser"
    );
}
