//! The component suite: one file per component, plus the direct-DOM inbox rows
//! (`conversation_row`, `row_template`) and small shared helpers (`ids`, `time`). Components render
//! state and call the session; they hold no business logic of their own.

pub mod composer;
pub mod conversation_row;
pub mod conversation_view;
pub mod feedback;
pub mod freshness;
mod ids;
pub mod inbox;
pub mod inbox_list;
pub mod row_list;
pub mod row_template;
pub mod shortcuts;
pub mod time;
pub mod timeline;

pub use ids::use_unique_id;
pub use inbox::{Inbox, InboxProps, ListsSnapshot};
