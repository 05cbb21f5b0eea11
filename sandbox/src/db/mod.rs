//! SQLite storage: the [`Db`] handle and its schema migrations ([`store`]), row-level SQL
//! ([`rows`]), read queries ([`reads`]), the conversation lifecycle ([`lifecycle`]) and creating
//! conversations ([`create`]).
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
