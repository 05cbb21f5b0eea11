//! SQLite storage: the [`Db`] handle and its schema migrations (`store.rs`), row-level SQL
//! (`rows.rs`), read queries (`reads.rs`), the conversation lifecycle (`lifecycle.rs`) and
//! creating conversations (`create.rs`).
//!
//! This file only declares the parts and re-exports what the rest of the crate uses, so callers
//! write `crate::db::Db` whatever file an item lives in.

mod create;
mod lifecycle;
mod reads;
mod rows;
mod store;

pub use create::{BulkSpec, NewConversation, create_conversation};
pub use lifecycle::{CustomerMessage, Transition};
pub use rows::{conversation_in, insert_message, messages_in};
pub use store::{ActionError, Db};
