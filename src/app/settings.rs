//! The standalone app's [`Settings`] (theme, send key, language, alerts) and their stored JSON
//! form. They hold no secret.

use super::notify::NotifyRule;
use crate::i18n::Locale;
use crate::state::{SendKey, Theme};

/// The standalone app's settings, kept on this device.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Settings {
    /// Colour theme.
    pub theme: Theme,
    /// The composer's send key.
    pub send_key: SendKey,
    /// Language; `None` follows the browser.
    pub locale: Option<Locale>,
    /// Which new client messages alert the operator.
    pub notify: NotifyRule,
    /// Whether alerts also play a tone.
    pub sound: bool,
}

impl Settings {
    /// The stored form.
    pub fn to_json(self) -> String {
        serde_json::json!({
            "theme": self.theme.as_str(),
            "send_key": self.send_key.as_str(),
            "locale": self.locale.map(Locale::tag),
            "notify": self.notify.as_str(),
            "sound": self.sound,
        })
        .to_string()
    }

    /// Reads the stored form leniently (anything unreadable is the default).
    pub fn from_json(json: &str) -> Settings {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(json) else {
            return Settings::default();
        };
        let str_of = |k: &str| v.get(k).and_then(serde_json::Value::as_str);
        let text = |k: &str| str_of(k).unwrap_or_default();
        Settings {
            theme: Theme::parse(text("theme")),
            send_key: SendKey::parse(text("send_key")),
            locale: str_of("locale").map(Locale::from_tag),
            notify: NotifyRule::parse(text("notify")),
            sound: v.get("sound").and_then(|x| x.as_bool()).unwrap_or(false),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_round_trip_and_tolerate_junk() {
        let s = Settings {
            theme: Theme::Dark,
            send_key: SendKey::CtrlEnter,
            locale: Some(Locale::Ru),
            notify: NotifyRule::MineAndUnassigned,
            sound: true,
        };
        assert_eq!(Settings::from_json(&s.to_json()), s);
        assert_eq!(Settings::from_json("<html>"), Settings::default());
        assert_eq!(
            Settings::from_json(r#"{"theme":7,"notify":"all"}"#),
            Settings::default()
        );
        // Alerts are opt-in: nothing stored means off.
        assert_eq!(Settings::default().notify, NotifyRule::Off);
        assert!(!Settings::default().to_json().contains("token"));
    }

    #[test]
    fn reads_the_stored_form_written_so_far() {
        let stored = r#"{"theme":"light","send_key":"ctrl-enter","locale":null,"notify":"mine","sound":false}"#;
        let s = Settings::from_json(stored);
        assert_eq!(
            s,
            Settings {
                theme: Theme::Light,
                send_key: SendKey::CtrlEnter,
                locale: None,
                notify: NotifyRule::Mine,
                sound: false,
            }
        );
        assert_eq!(Settings::from_json(&s.to_json()), s);
    }
}
