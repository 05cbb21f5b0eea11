//! The Blinger API client: configuration, transport, one function per endpoint, wire types that
//! tolerate what real servers send, and a typed error with words a user understands.
//!
//! Nothing in here knows about Yew or the DOM, so it is tested natively with `cargo test`.
//!
//! ```text
//! ClientConfig ──validated──▶ Client<T: Transport> ──HttpRequest──▶ FetchTransport (browser)
//!                                  │                                 or a fake (host tests)
//!                                  └── wire::decode_* ──▶ Conversation / Listed<…> / ApiError
//! ```
//!
//! Every `[ASSUMED]` point of the API contract lives in [`assumptions`].
#![deny(missing_docs)]

pub mod client;
pub mod config;
pub mod transport;

// The API's types, their decoding and the contract's assumptions live in the `blinger-api` crate
// (no transport, no Yew), shared with servers; they are re-exported here under their old paths.
pub use blinger_api::{assumptions, error, ids, lists, url, wire};
pub use lists::{ListName, PerList};

pub use client::{AbortScope, Client, ListMemo, Polled, WebClient};
pub use config::{
    ClientConfig, ConfigError, DEFAULT_TIMEOUT_MS, LocalBoxFuture, PROVIDER_FAILED, Token,
    TokenProvider, TokenSource,
};
pub use error::ApiError;
pub use ids::{ConversationId, GroupId, OperatorId, UserId};
pub use transport::{
    AbortFlag, BodyMemo, FetchTransport, HttpRequest, HttpResponse, Method, Transport,
    TransportError,
};
pub use wire::{
    Channel, Conversation, DecodeIssue, Group, HistoryMessage, Listed, MessageKind, Operator,
    Status,
};
