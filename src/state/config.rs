//! What a mounted widget is configured with: the API client's configuration plus the UI settings.

use std::rc::Rc;

use crate::api::ClientConfig;
use crate::i18n::Locale;

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
        WidgetConfig {
            client,
            locale: Locale::En,
            theme: Theme::Auto,
            send_key: SendKey::Enter,
            poll_interval_ms: 5_000,
            hidden_poll_interval_ms: 60_000,
            undo_ms: 5_000,
        }
    }
}

/// A shared configuration, compared by identity (a new configuration is a new handle).
#[derive(Clone, Debug)]
pub struct ConfigHandle(pub Rc<WidgetConfig>);

impl PartialEq for ConfigHandle {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl std::ops::Deref for ConfigHandle {
    type Target = WidgetConfig;
    fn deref(&self) -> &WidgetConfig {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_settings_leniently() {
        assert_eq!(Theme::parse(" Dark "), Theme::Dark);
        assert_eq!(Theme::parse("neon"), Theme::Auto);
        assert_eq!(SendKey::parse("ctrl-enter"), SendKey::CtrlEnter);
        assert_eq!(SendKey::parse("enter"), SendKey::Enter);
        assert_eq!(SendKey::parse(""), SendKey::Enter);
    }
}
