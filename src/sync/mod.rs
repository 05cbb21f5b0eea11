//! Pure synchronisation logic: poll scheduling (interval, backoff, visibility), snapshot diffing,
//! the outbox of sends and their reconciliation, drafts, and the timeline merge.
//!
//! Time and storage are injected, so all of it is tested natively without waiting. Nothing here
//! touches the DOM except the `localStorage` adapter in [`storage`] (wasm32 only).
#![deny(missing_docs)]

pub mod diff;
pub mod drafts;
pub(crate) mod json;
pub mod outbox;
pub mod push;
pub mod scheduler;
pub mod shared;
pub mod storage;
pub mod timeline;

pub use diff::{Change, dedupe, diff, same_content};
pub use drafts::Drafts;
pub use outbox::{LocalId, Outbox, OutboxItem, SendJob, SendKind, SendState};
pub use scheduler::{
    MAX_RETRY_AFTER_SECS, PollConfig, PollScheduler, PollState, RequestTicket, Rng, Verdict,
    retry_after_ms,
};
pub use storage::{KvStorage, MemoryStorage, Persisted, StorageError, namespace};
pub use timeline::{EntrySource, EntryState, ObservedMessage, TimelineEntry, merge};

/// The composer's mode is the kind of thing it sends.
pub type ComposerMode = SendKind;
