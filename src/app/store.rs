//! What the standalone app keeps on this device, through the project's one storage abstraction
//! ([`Persisted`]: `localStorage`, or this tab's memory when it is unavailable): the
//! [`Settings`] and, if the operator asked, the address and operator of the connection form.
//! Never the token.

use super::connect::{ConnectionForm, ConnectionSettings};
use super::settings::Settings;
use crate::sync::storage::{Persisted, keys};

/// The address the connection form starts with when nothing was remembered (the local sandbox).
const DEFAULT_BASE_URL: &str = "http://127.0.0.1:8787";

/// The app's stored settings and remembered connection.
#[derive(Debug)]
pub(crate) struct AppStore {
    storage: Persisted,
}

impl AppStore {
    /// The browser's store (memory outside a browser).
    pub(crate) fn browser() -> Self {
        Self::over(Persisted::browser(keys::APP_NAMESPACE.to_owned()))
    }

    fn over(storage: Persisted) -> Self {
        Self { storage }
    }

    /// The stored settings (the defaults when there are none or they are unreadable).
    pub(crate) fn settings(&self) -> Settings {
        self.storage
            .get(keys::SETTINGS)
            .map(|json| Settings::from_json(&json))
            .unwrap_or_default()
    }

    /// Keeps `settings` (in privacy mode: for this tab only).
    pub(crate) fn save_settings(&self, settings: Settings) {
        // Settings are a convenience: a refused write only means they are not remembered.
        let _ = self.storage.set(keys::SETTINGS, &settings.to_json());
    }

    /// The connection form to start from: the remembered address and operator, if any.
    pub(crate) fn remembered_form(&self) -> ConnectionForm {
        let mut form = ConnectionForm {
            base_url: DEFAULT_BASE_URL.into(),
            ..ConnectionForm::default()
        };
        let stored = self.storage.get(keys::CONNECTION);
        if let Some(v) = stored.and_then(|s| serde_json::from_str::<serde_json::Value>(&s).ok()) {
            if let Some(url) = v.get("base_url").and_then(|u| u.as_str()) {
                form.base_url = url.to_owned();
            }
            if let Some(op) = v.get("operator_id").and_then(|o| o.as_u64()) {
                form.operator_id = op.to_string();
            }
            form.remember = true;
        }
        form
    }

    /// Remembers the address and operator of `settings` (never the token), or forgets them.
    pub(crate) fn remember(&self, settings: &ConnectionSettings, keep: bool) {
        if keep {
            let value = serde_json::json!({
                "base_url": settings.base_url,
                "operator_id": settings.operator_id,
            });
            let _ = self.storage.set(keys::CONNECTION, &value.to_string());
        } else {
            let _ = self.storage.remove(keys::CONNECTION);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::rc::Rc;

    use super::*;
    use crate::state::Theme;
    use crate::sync::storage::{KvStorage, MemoryStorage};

    fn store() -> (AppStore, Rc<MemoryStorage>) {
        let raw = Rc::new(MemoryStorage::new());
        let primary = Box::new(Rc::clone(&raw));
        let store = AppStore::over(Persisted::new(
            Some(primary),
            keys::APP_NAMESPACE.to_owned(),
        ));
        (store, raw)
    }

    fn connection(token: Option<&str>) -> ConnectionSettings {
        ConnectionSettings {
            base_url: "https://x.test".into(),
            operator_id: Some(4),
            token: token.map(str::to_owned),
            history_url: None,
            events_url: None,
            dev_login: None,
        }
    }

    #[test]
    fn reads_what_earlier_versions_stored_under_the_same_keys() {
        let (store, raw) = store();
        assert_eq!(store.settings(), Settings::default());
        assert_eq!(store.remembered_form().base_url, DEFAULT_BASE_URL);
        assert!(!store.remembered_form().remember);
        raw.set("bi:v1:settings", r#"{"theme":"dark"}"#).unwrap();
        raw.set(
            "bi:v1:connection",
            r#"{"base_url":"/proxy","operator_id":7}"#,
        )
        .unwrap();
        assert_eq!(store.settings().theme, Theme::Dark);
        let form = store.remembered_form();
        assert_eq!(
            (
                form.base_url.as_str(),
                form.operator_id.as_str(),
                form.remember
            ),
            ("/proxy", "7", true)
        );
    }

    #[test]
    fn remembers_address_and_operator_but_never_the_token() {
        let (store, raw) = store();
        store.remember(&connection(Some("secret-token")), true);
        let stored = raw.get("bi:v1:connection").unwrap().unwrap();
        assert!(!stored.contains("secret-token"), "{stored}");
        let form = store.remembered_form();
        assert_eq!((form.operator_id.as_str(), form.token.as_str()), ("4", ""));
        store.remember(&connection(None), false);
        assert_eq!(raw.get("bi:v1:connection").unwrap(), None);
        assert!(!store.remembered_form().remember);
    }

    #[test]
    fn saved_settings_load_again() {
        let (store, raw) = store();
        let s = Settings {
            theme: Theme::Light,
            sound: true,
            ..Settings::default()
        };
        store.save_settings(s);
        assert_eq!(store.settings(), s);
        assert_eq!(raw.get("bi:v1:settings").unwrap(), Some(s.to_json()));
    }
}
