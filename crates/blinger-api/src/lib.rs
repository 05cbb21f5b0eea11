//! # blinger-api
//!
//! Blinger's conversations API as data, for any Rust program that talks to it: typed ids
//! ([`ids`]), the wire types and their tolerant decoding ([`wire`]), every way a call fails
//! ([`ApiError`]), and every point where the documentation is silent, in one place
//! ([`assumptions`]). It sends nothing: callers bring their own HTTP client and hand the answer
//! over as an [`HttpResponse`].
//!
//! The widget (`blinger-inbox`) adds its browser transport and client on top; a server (the
//! gateway) decodes Blinger's answers with the same types.
#![deny(missing_docs)]

pub mod assumptions;
pub mod error;
pub mod ids;
pub mod lists;
pub mod response;
pub mod secrets;
pub mod url;
pub mod wire;

pub use error::ApiError;
pub use ids::{ConversationId, GroupId, OperatorId, UserId};
pub use lists::{ListName, PerList};
pub use response::HttpResponse;
pub use wire::{
    Channel, Conversation, DecodeIssue, Group, HistoryMessage, Listed, MessageKind, Operator,
    Status,
};
