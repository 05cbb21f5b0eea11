//! The outbox: what the operator sent, and whether it got there.
//!
//! ```text
//! Queued ──begin──▶ Sending ──ok──────────────────────────────▶ Sent
//!                      │ ──definite rejection (4xx)───────────▶ Failed{server's message}
//!                      └──unknown (timeout, 5xx, network…)──▶ NeedsReconcile
//! NeedsReconcile ──check (get + history) shows it as ours──────▶ Sent
//!                ├─not shown: checked again after 1, 3, 10, 30 s
//!                └─still not shown / check failed───────────▶ Unconfirmed
//! Failed ──retry (the operator only)──▶ Queued
//! Unconfirmed ──retry──▶ NeedsReconcile(one check) ──not shown──▶ Queued   any ──discard──▶ gone
//! ```
//!
//! The API has no idempotency key, so nothing is ever resent automatically. Per conversation,
//! items go out in order: a later item waits while an earlier one is sending or reconciling.
//! Items are stored one per key with a revision, so tabs merge instead of overwriting;
//! [`Outbox::restored`] turns items that were in flight at unload into `NeedsReconcile`.

mod item;
mod queue;
mod reconcile;

pub use item::{LocalId, OutboxItem, SendKind, SendState};
pub use queue::{MAX_SENT_KEPT, Outbox, SENT_MAX_AGE_MS, SendJob};
pub use reconcile::{CLOCK_SKEW_SECS, Evidence, RECONCILE_BACKOFF_MS};
