//! What a mounted widget is configured with: the API client's configuration plus the UI settings,
//! and the one way to build it ([`WidgetConfig::new`] and its `with_…` steps, then
//! [`into_handle`](WidgetConfig::into_handle)) that the embedding API and the standalone app share.

use std::rc::Rc;

use super::by_ptr::ByPtr;
use crate::api::ClientConfig;
use crate::i18n::Locale;
use crate::sync::scheduler::PollConfig;

// The poll defaults are the scheduler's (one definition, in the lower layer).
pub use crate::sync::scheduler::{
    DEFAULT_HIDDEN_INTERVAL_MS as DEFAULT_HIDDEN_POLL_MS,
    DEFAULT_VISIBLE_INTERVAL_MS as DEFAULT_POLL_MS, MIN_VISIBLE_INTERVAL_MS as MIN_POLL_MS,
};
/// How long Close and Unassign wait for an Undo (ms).
pub const DEFAULT_UNDO_MS: u32 = 5_000;

/// Light, dark, or following the system.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Theme {
    /// Follows `prefers-color-scheme`.
    #[default]
    Auto,
    /// Always light.
    Light,
    /// Always dark.
    Dark,
}

impl Theme {
    /// Parses `light` / `dark` / `auto` (anything else: auto).
    pub fn parse(s: &str) -> Theme {
        match s.trim().to_ascii_lowercase().as_str() {
            "light" => Theme::Light,
            "dark" => Theme::Dark,
            _ => Theme::Auto,
        }
    }

    /// The `data-theme` value.
    pub fn as_str(self) -> &'static str {
        match self {
            Theme::Auto => "auto",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }
}

/// Which key sends from the composer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SendKey {
    /// Enter sends, Shift+Enter is a new line.
    #[default]
    Enter,
    /// Ctrl/⌘+Enter sends, Enter is a new line.
    CtrlEnter,
}

impl SendKey {
    /// Parses `enter` / `ctrl-enter` (also `mod-enter`, `cmd-enter`).
    pub fn parse(s: &str) -> SendKey {
        match s.trim().to_ascii_lowercase().as_str() {
            "ctrl-enter" | "mod-enter" | "cmd-enter" | "ctrl+enter" => SendKey::CtrlEnter,
            _ => SendKey::Enter,
        }
    }

    /// The canonical name (`enter` / `ctrl-enter`), as stored and as the `sendKey` option.
    pub fn as_str(self) -> &'static str {
        match self {
            SendKey::Enter => "enter",
            SendKey::CtrlEnter => "ctrl-enter",
        }
    }
}

/// A mounted widget's whole configuration.
#[derive(Clone, Debug)]
pub struct WidgetConfig {
    /// How to reach the API.
    pub client: ClientConfig,
    /// Language of the UI.
    pub locale: Locale,
    /// Colour theme.
    pub theme: Theme,
    /// The composer's send key.
    pub send_key: SendKey,
    /// Poll interval while visible (ms).
    pub poll_interval_ms: u64,
    /// Poll interval while the page is hidden (ms).
    pub hidden_poll_interval_ms: u64,
    /// How long Close and Unassign wait for an Undo (ms).
    pub undo_ms: u32,
}

impl WidgetConfig {
    /// Defaults for everything but the client configuration.
    pub fn new(client: ClientConfig) -> Self {
        let poll = PollConfig::default();
        WidgetConfig {
            client,
            locale: Locale::En,
            theme: Theme::Auto,
            send_key: SendKey::Enter,
            poll_interval_ms: poll.visible_interval_ms,
            hidden_poll_interval_ms: poll.hidden_interval_ms,
            undo_ms: DEFAULT_UNDO_MS,
        }
    }

    /// Sets the language, the theme and the send key.
    #[must_use]
    pub fn with_ui(mut self, locale: Locale, theme: Theme, send_key: SendKey) -> Self {
        self.locale = locale;
        self.theme = theme;
        self.send_key = send_key;
        self
    }

    /// Sets the visible poll interval (`None` keeps the default); the hidden interval is never
    /// shorter than it.
    #[must_use]
    pub fn with_poll_interval(mut self, ms: Option<u64>) -> Self {
        if let Some(ms) = ms {
            self.poll_interval_ms = ms;
            self.hidden_poll_interval_ms = self.hidden_poll_interval_ms.max(ms);
        }
        self
    }

    /// The shared handle the inbox takes.
    #[must_use]
    pub fn into_handle(self) -> ConfigHandle {
        ByPtr(Rc::new(self))
    }
}

/// The configuration shared with the components, compared by identity.
pub type ConfigHandle = ByPtr<WidgetConfig>;

impl WidgetConfig {
    /// What a session is bound to (see [`SessionKey`]).
    #[must_use]
    pub fn session_key(&self) -> SessionKey {
        SessionKey(self.client.clone())
    }

    /// The visible and hidden poll intervals in force: at least the minimum, and the hidden one
    /// never shorter than the visible one.
    #[must_use]
    pub fn poll_config(&self) -> PollConfig {
        let visible = self.poll_interval_ms.max(MIN_POLL_MS);
        PollConfig {
            visible_interval_ms: visible,
            hidden_interval_ms: self.hidden_poll_interval_ms.max(visible),
            ..PollConfig::default()
        }
    }
}

/// The part of a configuration a session cannot change while it runs: which server, which
/// operator, the token source, the history URL and the request budget. Two configurations with
/// equal keys share one session; every other option (language, theme, send key, poll intervals,
/// the Undo window) is applied to the running session, so in-flight sends, a scheduled Close
/// and the drafts are untouched by it.
#[derive(Clone, Debug)]
pub struct SessionKey(pub ClientConfig);

impl PartialEq for SessionKey {
    fn eq(&self, other: &Self) -> bool {
        self.0.same_client(&other.0)
    }
}
