//! The outbox: what the operator sent, and whether it got there.
//!
//! ```text
//! Queued ──begin──▶ Sending ──ok──────────────────────────────▶ Sent
//!                      │ ──definite rejection (4xx)───────────▶ Failed{server's message}
//!                      └──unknown (timeout, 5xx, network…)──▶ NeedsReconcile
//! NeedsReconcile ──get: last_message matches, date not older──▶ Sent
//!                └─get: no match / get failed───────────────▶ Unconfirmed
//! Failed | Unconfirmed ──retry (the operator only)──▶ Queued     any ──discard──▶ (gone)
//! ```
//!
//! The API has no idempotency key, so nothing is ever resent automatically. Per conversation,
//! items go out in order: a later item waits while an earlier one is sending or reconciling.
//! The whole outbox is `serde`-serialisable so it survives a reload; [`Outbox::restored`] turns
//! items that were in flight at unload into `NeedsReconcile`.

mod item;
mod queue;

pub use item::{LocalId, OutboxItem, SendKind, SendState};
pub use queue::{CLOCK_SKEW_SECS, Outbox, SendJob};
