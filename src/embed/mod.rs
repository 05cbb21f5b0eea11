//! The integration surface: the JS API (`mount(element, options)` → [`Handle`]) behind the
//! `<blinger-inbox>` custom element and the npm module, and the host events it emits.
//!
//! The custom element itself is a few lines of hand-written JS (`www/pkg/index.js`) over this
//! API: it maps attributes to options and `token` / `tokenProvider` properties to
//! [`Handle::set_token`] / [`Handle::set_token_provider`]; the logic stays here.
//!
//! - [`options`]: the options and their validation (plain Rust, tested natively).
//! - [`token`]: the widget's token source (none / fixed / async provider), swappable at any time.
//! - [`mount`](mount::mount): the shadow root, its stylesheet and the widget configuration.
//! - [`handle`]: the [`Handle`] JS gets back (`select`, `update`, `destroy`, …).
//! - `events`: the host events and `before-send`; `input`: reading JS values into options.

mod events;
pub mod handle;
mod input;
pub mod mount;
pub mod options;
pub mod token;

pub use handle::Handle;
pub use mount::mount;
pub use options::{Options, RawValue};
