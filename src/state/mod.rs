//! Yew-facing stores: reducers with an `Action` enum and a session per mounted root.
//! There are no globals: two widgets on one page never share state.

pub mod by_ptr;
pub mod config;
pub mod events;
pub mod handles;
pub mod inbox;
pub mod open;
pub mod session;
pub mod view;

pub use by_ptr::ByPtr;
pub use config::{ConfigHandle, SendKey, Theme, WidgetConfig};
pub use events::HostEvent;
pub use handles::{BeforeSendHook, ComposerRequest, SessionHandle};
pub use inbox::{InboxAction, InboxState, SortOrder};
pub use open::{Action, ActionKind, ActionState, Drift, OpenAction, OpenState};
pub use session::{
    Approval, BeforeSend, Dispatchers, SendRequest, SendStart, SendsState, Session, SyncState,
    drop_handover,
};
pub use view::View;

/// A client's conversation for the reducer tests: unassigned, one unread, the client spoke last
/// at `updated`.
#[cfg(test)]
pub(crate) fn sample_conversation(id: u64, updated: i64) -> crate::api::Conversation {
    use crate::api::{Channel, Conversation, ConversationId, Status};
    Conversation {
        id: ConversationId(id),
        client_name: format!("Client {id}"),
        channel: Channel::LiveChat,
        last_message: Some(format!("m{updated}")),
        last_message_date: Some(updated),
        unread_count: 1,
        status: Status::Unassigned,
        operator_user_id: None,
        group_id: None,
        date_created: Some(0),
        date_updated: Some(updated),
        waiting_operator_response: true,
        is_operator_last_message: false,
        is_inner_message: false,
        is_new_conversation: false,
        unassigned_date: None,
        avatar_url: None,
        to_user_name: None,
        conversation_type: None,
        comment_post_title: None,
        comment_post_url: None,
    }
}
