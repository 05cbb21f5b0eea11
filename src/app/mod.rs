//! The standalone app: the full-page suite that Trunk builds (`src/bin/app.rs`), one file per job.
//!
//! - [`shell`]: the root, [`App`]: `app-config.json` (`config_file`) connects at once; without
//!   it the [`ConnectionScreen`] asks where to connect ([`connect`]: the form and its validation).
//!   The token typed there is kept in memory only.
//! - `store`: what stays on this device (the [`Settings`]; the address and operator if the
//!   operator ticked "remember"; never the token), in the project's one storage
//!   ([`crate::sync::storage::Persisted`]).
//! - `sign_in`: behind a blinger-gateway with `--dev-login` (`dev_login` in `app-config.json`),
//!   "Sign in as operator …" from the gateway's list; the widget's token then comes from it.
//! - `connected`: the suite once connected: the bar with the [`SettingsPanel`], the inbox, the
//!   unread total in the tab title, and the opt-in alerts: new client messages (found by diffing
//!   list snapshots, [`notify`]) raise a desktop notification while the tab is in the background,
//!   and a short tone if ticked ([`alerts`]: the browser side).

pub mod alerts;
mod config_file;
pub mod connect;
mod connected;
mod connection_screen;
pub mod notify;
pub mod settings;
mod settings_panel;
pub mod shell;
mod sign_in;
mod store;

pub use config_file::parse_app_config;
pub use connect::{ConnectionForm, ConnectionSettings, Field, validate_base_url};
pub use connection_screen::{ConnectionScreen, ConnectionScreenProps};
pub use settings::Settings;
pub use settings_panel::{SettingsPanel, SettingsPanelProps};
pub use shell::App;

/// Mounts the standalone app into `<body>`.
pub fn run() {
    yew::Renderer::<App>::new().render();
}
