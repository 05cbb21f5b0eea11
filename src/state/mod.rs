//! Yew-facing stores: reducers with an `Action` enum and a session per mounted root.
//! There are no globals: two widgets on one page never share state.

pub mod config;
pub mod events;
pub mod inbox;
pub mod open;
pub mod session;

pub use config::{ConfigHandle, SendKey, Theme, WidgetConfig};
pub use events::HostEvent;
pub use inbox::{InboxAction, InboxState, ListKind, SortOrder, View};
pub use open::{ActionKind, ActionState, Drift, OpenAction, OpenState};
pub use session::{BeforeSend, Dispatchers, SendRequest, SendsState, Session, SyncState};
