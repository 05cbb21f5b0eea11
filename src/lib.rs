//! # blinger-inbox
//!
//! An operator inbox for the [Blinger](https://blinger.io) conversations API, written with Yew and
//! compiled to WebAssembly. One crate ships three ways: the `<blinger-inbox>` custom element, the
//! `blinger-inbox` npm module (`mount(el, options)`), and a standalone app served by Trunk.
//!
//! The layers point one way (a file imports only from its own layer or those below; checked by
//! `scripts/check-structure.py`, which also fails on any import cycle between files); see
//! ARCHITECTURE.md for where each concept lives:
//!
//! - [`api`]: the Blinger client (configuration, the browser transport, one method per
//!   endpoint) over the `blinger-api` crate's wire types, ids, [`api::ApiError`] and the
//!   contract's assumptions, re-exported here. No Yew in here. [`i18n`] sits beside it.
//! - [`sync`]: logic tested natively: poll scheduling, snapshot diffing, the outbox, drafts and
//!   the timeline merge. No DOM access (only the `localStorage` adapter in `sync::storage`);
//!   its states name the `data-*` test-hook values they show as.
//! - [`state`]: Yew-facing stores (reducers + a session per mounted root; two widgets share
//!   nothing).
//! - [`components`]: render state and call the session; one file per component, larger ones as
//!   a folder of their parts.
//! - [`embed`]: the custom element, the JS API and the host events.
//! - [`app`]: the standalone shell (connection screen, settings, alerts).

pub mod api;
pub mod app;
pub mod components;
#[cfg(feature = "embed")]
pub mod embed;
pub mod i18n;
pub mod state;
pub mod sync;
