//! # blinger-inbox
//!
//! An operator inbox for the [Blinger](https://blinger.io) conversations API, written with Yew and
//! compiled to WebAssembly. One crate ships three ways: the `<blinger-inbox>` custom element, the
//! `blinger-inbox` npm module (`mount(el, options)`), and a standalone app served by Trunk.
//!
//! The layers point one way, and each can be read on its own:
//!
//! - [`api`]: the Blinger client: configuration, transport, one function per endpoint, tolerant
//!   wire types and a typed [`api::ApiError`]. No Yew in here.
//! - [`sync`]: pure logic tested natively: poll scheduling, snapshot diffing, the outbox, drafts and
//!   the timeline merge. No DOM in here.
//! - [`state`]: Yew-facing stores (reducers + context per mounted root; two widgets share nothing).
//! - [`components`]: one component per file; they render state and dispatch actions.
//! - [`embed`]: the custom element, the JS API and the host events.
//! - [`app`]: the standalone shell (connection screen).

pub mod api;
pub mod app;
pub mod components;
#[cfg(feature = "embed")]
pub mod embed;
pub mod i18n;
pub mod state;
pub mod sync;
