//! [`Connected`]: the suite, full page, once the app knows where to connect: the bar (address,
//! settings, disconnect), the inbox, the unread total in the tab title, and the opt-in alerts for
//! new client messages ([`use_alerts`]).

use std::rc::Rc;

use yew::prelude::*;

use super::alerts::{self, Permission};
use super::connect::ConnectionSettings;
use super::notify::{self, NotifyRule};
use super::settings::Settings;
use super::settings_panel::SettingsPanel;
use super::sign_in::dev_token_provider;
use crate::api::{ClientConfig, Conversation, ConversationId, OperatorId, Token, TokenSource};
use crate::components::{Inbox, ListsSnapshot};
use crate::i18n::{Key, Locale};
use crate::state::SessionHandle;
use crate::state::{ConfigHandle, HostEvent, SendKey, Theme, WidgetConfig};

/// Props of [`Connected`].
#[derive(Properties, PartialEq)]
pub(super) struct ConnectedProps {
    pub(super) settings: ConnectionSettings,
    pub(super) prefs: Settings,
    pub(super) locale: Locale,
    pub(super) onsettings: Callback<Settings>,
    pub(super) ondisconnect: Callback<MouseEvent>,
}

/// The widget configuration for a connection and the app's settings.
fn widget_config(
    s: &ConnectionSettings,
    locale: Locale,
    theme: Theme,
    send_key: SendKey,
) -> ConfigHandle {
    let token = match (&s.dev_login, s.operator_id, &s.token) {
        (Some(url), Some(operator), _) => {
            TokenSource::Provider(dev_token_provider(url.clone(), operator))
        }
        (_, _, Some(t)) => TokenSource::Fixed(Token::new(t.clone())),
        _ => TokenSource::None,
    };
    let client = ClientConfig::new(s.base_url.clone(), token)
        .with_operator(s.operator_id.map(OperatorId))
        .with_history_url(s.history_url.clone())
        .with_events_url(s.events_url.clone());
    WidgetConfig::new(client)
        .with_ui(locale, theme, send_key)
        .into_handle()
}

/// The API address as the bar shows it: the one set, or this page's origin for "/" (the app
/// served by the API's own server, e.g. blinger-gateway's `--static`).
fn api_address(s: &ConnectionSettings) -> String {
    if s.base_url == "/" {
        web_sys::window()
            .and_then(|w| w.location().origin().ok())
            .unwrap_or_else(|| s.base_url.clone())
    } else {
        s.base_url.clone()
    }
}

/// Where the app is connected, as the bar says it: the address (this page's origin for a
/// same-origin API), and the operator when signed in through the dev login.
fn server_name(s: &ConnectionSettings, locale: Locale) -> String {
    let address = api_address(s);
    match (s.dev_login.is_some(), s.operator_id) {
        (true, Some(op)) => format!(
            "{address} · {}",
            Key::SignInOperatorId.fill(locale, &op.to_string())
        ),
        _ => address,
    }
}

/// The suite, full page, for validated settings, with the bar, the settings and the alerts.
#[component]
pub(super) fn Connected(props: &ConnectedProps) -> Html {
    let prefs = props.prefs;
    let locale = props.locale;
    let config = use_memo(
        (props.settings.clone(), locale, prefs.theme, prefs.send_key),
        |(s, locale, theme, send_key)| widget_config(s, *locale, *theme, *send_key),
    );
    let alerts = use_alerts(prefs, locale);
    let onevent = Callback::from(|event: HostEvent| {
        if let HostEvent::UnreadChanged(n) = event {
            set_title(Some(n));
        }
    });
    html! {
        <main class="bi-app" data-theme={prefs.theme.as_str()} lang={locale.tag()}>
            <header class="bi-app__bar">
                <span class="bi-app__title">{ Key::AppTitle.text(locale) }</span>
                <span class="bi-app__server">{ Key::ConnectedAs.text(locale) }{" "}{ server_name(&props.settings, locale) }</span>
                <SettingsPanel settings={prefs} {locale} permission={alerts.permission}
                    onchange={props.onsettings.clone()} onoptin={alerts.onoptin} />
                <button type="button" class="bi-button" onclick={props.ondisconnect.clone()}>{ if props.settings.dev_login.is_some() { Key::SignOut } else { Key::Disconnect }.text(locale) }</button>
            </header>
            <Inbox config={(*config).clone()} {onevent} onsession={alerts.onsession} onlists={alerts.onlists} />
        </main>
    }
}

/// What [`use_alerts`] gives the bar and the inbox.
struct Alerts {
    /// The browser's notification permission, as last seen.
    permission: Permission,
    /// For the settings panel: the operator opted in (a user gesture).
    onoptin: Callback<Settings>,
    /// For the inbox: its session, so a notification's click can open the conversation.
    onsession: Callback<Option<SessionHandle>>,
    /// For the inbox: each list snapshot, diffed with the previous one for new client messages.
    onlists: Callback<ListsSnapshot>,
}

/// The opt-in alerts: the permission asked from the operator's own change of the settings, a
/// desktop notification while the tab is in the background, and a tone if ticked.
#[hook]
fn use_alerts(prefs: Settings, locale: Locale) -> Alerts {
    let permission = use_state(alerts::permission);
    // Made from the operator's opt-in gesture, so the tone may play later.
    let audio = use_mut_ref(|| None::<web_sys::AudioContext>);
    let session = use_mut_ref(|| None::<SessionHandle>);
    let previous = use_mut_ref(|| None::<Rc<Vec<Conversation>>>);
    // The latest settings for the alert callback, without re-rendering the inbox.
    let current = use_mut_ref(|| prefs);
    *current.borrow_mut() = prefs;

    let onoptin = {
        let (permission, audio) = (permission.clone(), audio.clone());
        Callback::from(move |next: Settings| {
            if next.notify != NotifyRule::Off {
                let permission = permission.clone();
                alerts::request(move |p| permission.set(p));
                if next.sound && audio.borrow().is_none() {
                    *audio.borrow_mut() = alerts::audio_context();
                }
            }
        })
    };
    let onsession = {
        let session = session.clone();
        Callback::from(move |s: Option<SessionHandle>| *session.borrow_mut() = s)
    };
    let onlists = Callback::from(move |snapshot: ListsSnapshot| {
        let prefs = *current.borrow();
        let old = previous
            .borrow_mut()
            .replace(Rc::clone(&snapshot.conversations));
        let found = notify::alerts(
            old.as_deref().map(Vec::as_slice),
            &snapshot.conversations,
            snapshot.me,
            prefs.notify,
        );
        if found.is_empty() {
            return;
        }
        if alerts::page_in_background() {
            let session = session.clone();
            alerts::notify(&found, locale, move |id| {
                if let Some(s) = session.borrow().as_ref() {
                    s.open(Some(ConversationId(id)));
                }
            });
        }
        if prefs.sound {
            alerts::chime(audio.borrow().as_ref());
        }
    });
    Alerts {
        permission: *permission,
        onoptin,
        onsession,
        onlists,
    }
}

/// `(N) Blinger inbox` while N messages are unread; the plain title for `None` or 0.
pub(super) fn set_title(unread: Option<u64>) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    document.set_title(&title(unread));
}

fn title(unread: Option<u64>) -> String {
    let base = Key::AppTitle.text(Locale::En);
    match unread {
        Some(n) if n > 0 => format!("({n}) {base}"),
        _ => base.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_title_counts_unread_messages() {
        let base = Key::AppTitle.text(Locale::En);
        assert_eq!(title(None), base);
        assert_eq!(title(Some(0)), base);
        assert_eq!(title(Some(3)), format!("(3) {base}"));
    }
}
