//! Pure synchronisation logic: poll scheduling (interval, backoff, visibility), snapshot diffing,
//! the outbox of sends and their reconciliation, drafts, and the timeline merge.
//!
//! Time and storage are injected, so all of it is tested natively without waiting.
