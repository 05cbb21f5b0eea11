//! The integration surface: the JS API (`mount(element, options)` → [`Handle`]) behind the
//! `<blinger-inbox>` custom element and the npm module, and the host events it emits.
//!
//! The custom element itself is a few lines of hand-written JS (`www/pkg/index.js`) over this
//! API: it maps attributes to options and `token` / `tokenProvider` properties to
//! [`Handle::set_token`] / [`Handle::set_token_provider`]; the logic stays here.
//!
//! - [`options`]: the options and their validation (plain Rust, tested natively).
//! - [`token`]: the widget's token source (none / fixed / async provider), swappable at any time.
//! - [`mount`](mount::mount): shadow root, constructable stylesheet, events, `before-send`.

pub mod mount;
pub mod options;
pub mod token;

pub use mount::{Handle, mount};
pub use options::{Options, RawValue};
