//! [`App`]: the standalone app's root. It looks for `app-config.json` first and connects at
//! once if there is one; otherwise it shows the [`ConnectionScreen`], filled in with what was
//! remembered. It holds the settings and keeps them (and the remembered connection) in the app's
//! store (`store.rs`).

use std::rc::Rc;

use yew::prelude::*;

use super::config_file::fetch_app_config;
use super::connect::{ConnectionForm, ConnectionSettings};
use super::connected::{Connected, set_title};
use super::connection_screen::ConnectionScreen;
use super::settings::Settings;
use super::sign_in::SignIn;
use super::store::AppStore;
use crate::i18n::{Key, Locale};

/// Where the standalone app is in its start-up.
#[derive(Clone, PartialEq, Debug)]
enum Phase {
    /// Looking for `app-config.json`.
    Probing,
    /// Showing the connection screen.
    Form(ConnectionForm),
    /// Served by a gateway with `--dev-login`: "Sign in as operator …".
    SignIn(ConnectionSettings),
    /// Connected.
    Connected(ConnectionSettings),
}

fn browser_locale() -> Locale {
    web_sys::window()
        .and_then(|w| w.navigator().language())
        .map(|tag| Locale::from_tag(&tag))
        .unwrap_or_default()
}

/// The standalone app.
#[component]
pub fn App() -> Html {
    let store = use_memo((), |()| AppStore::browser());
    let phase = use_state(|| Phase::Probing);
    let settings = use_state(|| store.settings());
    let browser = use_memo((), |()| browser_locale());
    {
        let (phase, store) = (phase.clone(), Rc::clone(&store));
        use_effect_with((), move |()| {
            wasm_bindgen_futures::spawn_local(async move {
                match fetch_app_config().await {
                    Some(settings)
                        if settings.dev_login.is_some() && settings.operator_id.is_none() =>
                    {
                        phase.set(Phase::SignIn(settings));
                    }
                    Some(settings) => phase.set(Phase::Connected(settings)),
                    None => phase.set(Phase::Form(store.remembered_form())),
                }
            });
        });
    }
    let onconnect = {
        let (phase, store) = (phase.clone(), Rc::clone(&store));
        Callback::from(move |(settings, keep): (ConnectionSettings, bool)| {
            store.remember(&settings, keep);
            phase.set(Phase::Connected(settings));
        })
    };
    let ondisconnect = {
        let (phase, store) = (phase.clone(), Rc::clone(&store));
        Callback::from(move |_| {
            set_title(None);
            match &*phase {
                // Signed in through the dev login: sign out, back to the list.
                Phase::Connected(s) if s.dev_login.is_some() => {
                    phase.set(Phase::SignIn(ConnectionSettings {
                        operator_id: None,
                        ..s.clone()
                    }))
                }
                _ => phase.set(Phase::Form(store.remembered_form())),
            }
        })
    };
    let onsignin = {
        let phase = phase.clone();
        Callback::from(move |operator: u64| {
            if let Phase::SignIn(s) = &*phase {
                phase.set(Phase::Connected(ConnectionSettings {
                    operator_id: Some(operator),
                    ..s.clone()
                }));
            }
        })
    };
    let onsettings = {
        let settings = settings.clone();
        Callback::from(move |next: Settings| {
            store.save_settings(next);
            settings.set(next);
        })
    };
    let locale = settings.locale.unwrap_or(*browser);
    match &*phase {
        Phase::Probing => html! {
            <main class="bi-connect" aria-busy="true"><p class="bi-loading">{ Key::Loading.text(locale) }</p></main>
        },
        Phase::Form(initial) => html! {
            <ConnectionScreen initial={initial.clone()} {locale} {onconnect} />
        },
        Phase::SignIn(s) => html! {
            <SignIn dev_login={s.dev_login.clone().unwrap_or_default()} {locale} {onsignin} />
        },
        Phase::Connected(connection) => html! {
            <Connected settings={connection.clone()} prefs={*settings} {locale} {onsettings} {ondisconnect} />
        },
    }
}
