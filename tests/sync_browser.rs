//! Browser tests of the storage adapter: real `localStorage`, and a thrown quota exception
//! turning into a degraded (memory-only) store that keeps the data for this tab.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::restriction)] // tests unwrap, index and panic

use blinger_inbox::api::OperatorId;
use blinger_inbox::sync::storage::{LocalStorage, keys};
use blinger_inbox::sync::{KvStorage, Persisted, StorageError, namespace};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn local_storage_round_trips() {
    let ls = LocalStorage::open().unwrap();
    ls.set("bi-test:key", "välue ✓").unwrap();
    assert_eq!(ls.get("bi-test:key").unwrap().as_deref(), Some("välue ✓"));
    ls.remove("bi-test:key").unwrap();
    assert_eq!(ls.get("bi-test:key").unwrap(), None);
}

#[wasm_bindgen_test]
fn persisted_uses_local_storage_under_its_namespace() {
    let ns = namespace("https://storage.test", Some(OperatorId(5)));
    let p = Persisted::browser(ns.clone());
    assert!(!p.is_degraded());
    p.set(keys::DRAFTS, "[]").unwrap();
    let raw = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    assert_eq!(
        raw.get_item(&format!("{ns}:drafts")).unwrap().as_deref(),
        Some("[]")
    );
    // A second widget on the page (same base URL and operator) sees it; another operator not.
    assert_eq!(
        Persisted::browser(ns.clone()).get(keys::DRAFTS).as_deref(),
        Some("[]")
    );
    let other = Persisted::browser(namespace("https://storage.test", Some(OperatorId(6))));
    assert_eq!(other.get(keys::DRAFTS), None);
    p.remove(keys::DRAFTS).unwrap();
    assert_eq!(raw.get_item(&format!("{ns}:drafts")).unwrap(), None);
}

#[wasm_bindgen_test]
fn quota_exceeded_is_reported_and_kept_in_memory() {
    let ls = LocalStorage::open().unwrap();
    let huge = "x".repeat(12 * 1024 * 1024);
    match ls.set("bi-test:huge", &huge) {
        Err(StorageError::WriteFailed(message)) => assert!(!message.is_empty()),
        other => panic!("expected a quota error, got {other:?}"),
    }
    let p = Persisted::browser("bi-test-quota".to_owned());
    assert!(!p.is_degraded());
    assert!(
        p.set(keys::OUTBOX, &huge).is_err(),
        "the writer learns that it failed"
    );
    assert!(
        p.is_degraded(),
        "the UI must be able to say data is kept only in this tab"
    );
    assert_eq!(
        p.get(keys::OUTBOX).map(|v| v.len()),
        Some(huge.len()),
        "kept in memory"
    );
    p.set(keys::OUTBOX, "small").unwrap();
    assert!(!p.is_degraded(), "used again once a write fits");
    p.remove(keys::OUTBOX).unwrap();
}
