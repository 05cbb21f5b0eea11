//! The component suite, one component per file. Components render state and dispatch actions;
//! they hold no business logic of their own.

pub mod composer;
pub mod conversation_row;
pub mod conversation_view;
pub mod feedback;
pub mod freshness;
mod ids;
pub mod inbox;
pub mod inbox_list;
pub mod shortcuts;
pub mod time;
pub mod timeline;

pub use ids::use_unique_id;
pub use inbox::{Inbox, InboxProps, ListsSnapshot};
