//! [`SettingsPanel`]: the app's settings in a disclosure in the bar: theme, send key, language,
//! which new client messages alert the operator, and whether alerts play a tone.

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::alerts::Permission;
use super::notify::NotifyRule;
use super::settings::Settings;
use crate::components::use_unique_id;
use crate::i18n::{Key, Locale};
use crate::state::{SendKey, Theme};

/// Props of [`SettingsPanel`].
#[derive(Properties, PartialEq)]
pub struct SettingsPanelProps {
    /// The current settings.
    pub settings: Settings,
    /// The language of the labels.
    pub locale: Locale,
    /// The browser's notification permission, as last seen.
    pub permission: Permission,
    /// Called with the new settings after each change.
    pub onchange: Callback<Settings>,
    /// Called from the operator's own change of the alert settings (a user gesture), so the
    /// browser's permission prompt and the audio context may start there.
    pub onoptin: Callback<Settings>,
}

/// One `<select>` of the panel: its name, label, choices, and how a choice changes the settings.
struct Choice {
    name: &'static str,
    label: Key,
    value: &'static str,
    options: &'static [(&'static str, Key)],
    apply: fn(Settings, &str) -> Settings,
    /// Whether a change is an opt-in to alerts (see [`SettingsPanelProps::onoptin`]).
    optin: bool,
}

fn choices(s: Settings) -> [Choice; 4] {
    [
        Choice {
            name: "theme",
            label: Key::SettingsTheme,
            value: s.theme.as_str(),
            options: &[
                ("auto", Key::ThemeAuto),
                ("light", Key::ThemeLight),
                ("dark", Key::ThemeDark),
            ],
            apply: |s, v| Settings {
                theme: Theme::parse(v),
                ..s
            },
            optin: false,
        },
        Choice {
            name: "send-key",
            label: Key::SettingsSendKey,
            value: s.send_key.as_str(),
            options: &[
                ("enter", Key::SendKeyEnter),
                ("ctrl-enter", Key::SendKeyCtrlEnter),
            ],
            apply: |s, v| Settings {
                send_key: SendKey::parse(v),
                ..s
            },
            optin: false,
        },
        Choice {
            name: "language",
            label: Key::SettingsLanguage,
            value: s.locale.map_or("auto", Locale::tag),
            options: &[
                ("auto", Key::LanguageAuto),
                ("en", Key::LanguageEnglish),
                ("ru", Key::LanguageRussian),
            ],
            apply: |s, v| Settings {
                locale: (v != "auto").then(|| Locale::from_tag(v)),
                ..s
            },
            optin: false,
        },
        Choice {
            name: "notify",
            label: Key::SettingsNotify,
            value: s.notify.as_str(),
            options: &[
                ("off", Key::NotifyOff),
                ("mine", Key::NotifyMine),
                ("unassigned", Key::NotifyMineUnassigned),
            ],
            apply: |s, v| Settings {
                notify: NotifyRule::parse(v),
                ..s
            },
            optin: true,
        },
    ]
}

/// What the panel says about alerts the browser will not show.
fn alert_status(notify: NotifyRule, permission: Permission) -> Option<Key> {
    match (notify, permission) {
        (NotifyRule::Off, _) => None,
        (_, Permission::Denied) => Some(Key::NotifyBlocked),
        (_, Permission::Unsupported) => Some(Key::NotifyUnsupported),
        _ => None,
    }
}

/// The app's settings, in a disclosure in the bar.
#[component]
pub fn SettingsPanel(props: &SettingsPanelProps) -> Html {
    let id = use_unique_id();
    let locale = props.locale;
    let t = |k: Key| k.text(locale);
    let s = props.settings;
    // Hands `next` on, first as an opt-in when it came from an alert setting.
    let emit = |optin: bool| {
        let (onchange, onoptin) = (props.onchange.clone(), props.onoptin.clone());
        move |next: Settings| {
            if optin {
                onoptin.emit(next);
            }
            onchange.emit(next);
        }
    };
    let selects = choices(s).into_iter().map(|c| {
        let emit = emit(c.optin);
        let onchange = Callback::from(move |e: Event| {
            emit((c.apply)(s, &e.target_unchecked_into::<HtmlSelectElement>().value()));
        });
        let field_id = format!("{id}-{}", c.name);
        html! {
            <div class="bi-field">
                <label for={field_id.clone()}>{ t(c.label) }</label>
                <select id={field_id} class="bi-select" data-testid={format!("settings-{}", c.name)} {onchange}>
                    { for c.options.iter().map(|&(v, k)| html! {
                        <option value={v} selected={v == c.value}>{ t(k) }</option>
                    }) }
                </select>
            </div>
        }
    });
    let onsound = {
        let emit = emit(true);
        Callback::from(move |e: Event| {
            let sound = e.target_unchecked_into::<HtmlInputElement>().checked();
            emit(Settings { sound, ..s });
        })
    };
    let status = alert_status(s.notify, props.permission);
    html! {
        <details class="bi-settings" data-testid="settings">
            <summary class="bi-button">{ t(Key::Settings) }</summary>
            <div class="bi-settings__panel">
                { for selects }
                <label class="bi-check">
                    <input type="checkbox" checked={s.sound} disabled={s.notify == NotifyRule::Off}
                        data-testid="settings-sound" onchange={onsound} />
                    { t(Key::NotifySound) }
                </label>
                <p class="bi-field__hint">{ t(Key::NotifyHint) }</p>
                if let Some(status) = status {
                    <p class="bi-field__error" role="status" data-testid="settings-notify-status">{ t(status) }</p>
                }
            </div>
        </details>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_choice_applies_its_own_options_and_shows_the_current_one() {
        let s = Settings::default();
        for c in choices(s) {
            assert!(c.options.iter().any(|(v, _)| *v == c.value), "{}", c.name);
            for (v, _) in c.options {
                let next = (c.apply)(s, v);
                let shown = choices(next)
                    .into_iter()
                    .find(|n| n.name == c.name)
                    .map(|n| n.value);
                assert_eq!(shown, Some(*v), "{} {v}", c.name);
            }
        }
    }

    #[test]
    fn says_when_the_browser_will_not_alert() {
        assert_eq!(alert_status(NotifyRule::Off, Permission::Denied), None);
        assert_eq!(
            alert_status(NotifyRule::Mine, Permission::Denied),
            Some(Key::NotifyBlocked)
        );
        assert_eq!(
            alert_status(NotifyRule::Mine, Permission::Unsupported),
            Some(Key::NotifyUnsupported)
        );
        assert_eq!(alert_status(NotifyRule::Mine, Permission::Granted), None);
    }
}
