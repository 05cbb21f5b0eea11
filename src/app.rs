//! The standalone shell: the connection screen and the full-page suite served by Trunk.
//!
//! On start the app asks for `app-config.json` beside itself. A deployment (or `make run`) that
//! ships one is connected at once; the file may hold the API address, operator and history URL,
//! never a token (a same-origin proxy adds that). Without it, the operator sees the connection
//! screen. The token typed there is kept in memory only; "remember" keeps the address and the
//! operator, never the token.
//!
//! Connected, the bar has the settings (theme, send key, language, alerts; kept on this device,
//! never a secret) and the tab title shows the unread total from the `unread-changed` event.
//! Alerts are opt-in: choosing a rule asks the browser's permission from that click; new client
//! messages (found by diffing list snapshots, [`notify`]) then raise a desktop notification while
//! the tab is in the background, and a short tone if the operator ticked it.

pub mod alerts;
pub mod notify;

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use std::rc::Rc;

use self::alerts::Permission;
use self::notify::NotifyRule;
use crate::api::{ClientConfig, Conversation, ConversationId, OperatorId, Token, TokenSource};
use crate::components::{Inbox, ListsSnapshot, use_unique_id};
use crate::i18n::{Key, Locale};
use crate::state::SessionHandle;
use crate::state::{ConfigHandle, HostEvent, SendKey, Theme, WidgetConfig};

/// Where the app keeps the remembered address and operator (never the token).
const REMEMBER_KEY: &str = "bi:v1:connection";
/// Where the app keeps its settings (no secrets).
const SETTINGS_KEY: &str = "bi:v1:settings";

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
            "send_key": match self.send_key { SendKey::Enter => "enter", SendKey::CtrlEnter => "ctrl-enter" },
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
        let text = |k: &str| {
            v.get(k)
                .and_then(|x| x.as_str())
                .unwrap_or_default()
                .to_owned()
        };
        Settings {
            theme: Theme::parse(&text("theme")),
            send_key: SendKey::parse(&text("send_key")),
            locale: v
                .get("locale")
                .and_then(|x| x.as_str())
                .map(Locale::from_tag),
            notify: NotifyRule::parse(&text("notify")),
            sound: v.get("sound").and_then(|x| x.as_bool()).unwrap_or(false),
        }
    }
}

fn load_settings() -> Settings {
    local_storage()
        .and_then(|s| s.get_item(SETTINGS_KEY).ok().flatten())
        .map(|json| Settings::from_json(&json))
        .unwrap_or_default()
}

fn save_settings(settings: Settings) {
    if let Some(storage) = local_storage() {
        // A convenience: in privacy mode the settings last for this tab only.
        let _ = storage.set_item(SETTINGS_KEY, &settings.to_json());
    }
}

/// A validated way to reach the API.
#[derive(Clone, PartialEq, Eq)]
pub struct ConnectionSettings {
    /// Absolute http(s) URL or a same-origin path such as `/proxy`, without a trailing slash.
    pub base_url: String,
    /// The operator the widget acts as; `None` = the account owner.
    pub operator_id: Option<u64>,
    /// The account token; `None` when a same-origin proxy adds it.
    pub token: Option<String>,
    /// Template of the message-history URL (`{id}` = conversation id), if the server has one.
    pub history_url: Option<String>,
}

impl std::fmt::Debug for ConnectionSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectionSettings")
            .field("base_url", &self.base_url)
            .field("operator_id", &self.operator_id)
            .field("token", &self.token.as_ref().map(|_| "***"))
            .field("history_url", &self.history_url)
            .finish()
    }
}

/// What the operator typed on the connection screen.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConnectionForm {
    /// The API address as typed.
    pub base_url: String,
    /// The operator id as typed.
    pub operator_id: String,
    /// The token as typed.
    pub token: String,
    /// Whether to remember the address and operator on this device.
    pub remember: bool,
}

/// A field of the connection form.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    /// The API address.
    BaseUrl,
    /// The operator id.
    OperatorId,
    /// The token.
    Token,
}

/// Validates an API address: an absolute http(s) URL without credentials, or a same-origin path.
pub fn validate_base_url(raw: &str) -> Result<String, Key> {
    let url = raw.trim().trim_end_matches('/');
    if url.is_empty() {
        return Err(if raw.trim().is_empty() {
            Key::ErrBaseUrlEmpty
        } else {
            // "/" alone: the page's own origin.
            return Ok(String::new());
        });
    }
    if url.starts_with('/') && !url.starts_with("//") {
        return Ok(url.to_owned());
    }
    let lower = url.to_ascii_lowercase();
    let rest = if let Some(rest) = lower.strip_prefix("https://") {
        rest
    } else if let Some(rest) = lower.strip_prefix("http://") {
        rest
    } else {
        return Err(Key::ErrBaseUrlScheme);
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains('@') {
        return Err(Key::ErrBaseUrlCredentials);
    }
    if authority.is_empty() || url.contains(char::is_whitespace) {
        return Err(Key::ErrBaseUrlScheme);
    }
    Ok(url.to_owned())
}

impl ConnectionForm {
    /// Checks every field; on failure returns each bad field with its message.
    pub fn validate(&self) -> Result<ConnectionSettings, Vec<(Field, Key)>> {
        let mut errors = Vec::new();
        let base_url = validate_base_url(&self.base_url)
            .map_err(|e| errors.push((Field::BaseUrl, e)))
            .ok();
        let operator = self.operator_id.trim();
        let operator_id = if operator.is_empty() {
            None
        } else {
            match operator.parse::<u64>() {
                Ok(n) if n > 0 => Some(n),
                _ => {
                    errors.push((Field::OperatorId, Key::ErrOperatorId));
                    None
                }
            }
        };
        let token = self.token.trim();
        if token.contains(char::is_whitespace) {
            errors.push((Field::Token, Key::ErrTokenSpaces));
        }
        match base_url {
            Some(base_url) if errors.is_empty() => Ok(ConnectionSettings {
                base_url,
                operator_id,
                token: (!token.is_empty()).then(|| token.to_owned()),
                history_url: None,
            }),
            _ => Err(errors),
        }
    }
}

/// The shape of `app-config.json`. A `token` key, if someone put one there, is ignored.
#[derive(Debug)]
struct AppConfigFile {
    base_url: String,
    operator_id: Option<u64>,
    history_url: Option<String>,
}

impl AppConfigFile {
    /// Read through [`serde_json::Value`] with the rules a serde derive had (size: see
    /// `sync::json`): `base_url` required, the others may be missing or `null`.
    fn parse(body: &str) -> Option<Self> {
        use crate::sync::json;
        let value = serde_json::from_str::<serde_json::Value>(body).ok()?;
        let o = json::object(&value)?;
        Some(Self {
            base_url: json::str_field(o, "base_url")?.to_owned(),
            operator_id: json::optional(o, "operator_id", serde_json::Value::as_u64)?,
            history_url: json::optional(o, "history_url", serde_json::Value::as_str)?
                .map(str::to_owned),
        })
    }
}

/// Parses `app-config.json`; `None` when it is absent, malformed or unsafe.
pub fn parse_app_config(body: &str) -> Option<ConnectionSettings> {
    let file = AppConfigFile::parse(body)?;
    let base_url = validate_base_url(&file.base_url).ok()?;
    let history_url = file
        .history_url
        .filter(|h| h.contains("{id}") && (h.starts_with('/') || validate_base_url(h).is_ok()));
    Some(ConnectionSettings {
        base_url,
        operator_id: file.operator_id.filter(|&n| n > 0),
        token: None,
        history_url,
    })
}

/// Props of [`ConnectionScreen`].
#[derive(Properties, PartialEq)]
pub struct ConnectionScreenProps {
    /// Values to start from (e.g. what was remembered).
    #[prop_or_default]
    pub initial: ConnectionForm,
    /// The language of the labels.
    #[prop_or_default]
    pub locale: Locale,
    /// Called with valid settings and whether to remember them.
    pub onconnect: Callback<(ConnectionSettings, bool)>,
}

/// The first screen of the standalone app: where the operator says which API to use.
#[component]
pub fn ConnectionScreen(props: &ConnectionScreenProps) -> Html {
    let form = use_state(|| props.initial.clone());
    let errors = use_state(Vec::<(Field, Key)>::new);
    let id = use_unique_id();
    let refs = [use_node_ref(), use_node_ref(), use_node_ref()];
    let locale = props.locale;
    let t = |k: Key| k.text(locale);

    let input = |field: Field| {
        let form = form.clone();
        Callback::from(move |e: InputEvent| {
            let value = e.target_unchecked_into::<HtmlInputElement>().value();
            let mut next = (*form).clone();
            match field {
                Field::BaseUrl => next.base_url = value,
                Field::OperatorId => next.operator_id = value,
                Field::Token => next.token = value,
            }
            form.set(next);
        })
    };
    let onremember = {
        let form = form.clone();
        Callback::from(move |e: Event| {
            let mut next = (*form).clone();
            next.remember = e.target_unchecked_into::<HtmlInputElement>().checked();
            form.set(next);
        })
    };
    let onsubmit = {
        let form = form.clone();
        let errors = errors.clone();
        let onconnect = props.onconnect.clone();
        let refs = refs.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            match form.validate() {
                Ok(settings) => {
                    errors.set(Vec::new());
                    onconnect.emit((settings, form.remember));
                }
                Err(list) => {
                    // Predictable focus: the first field that needs fixing.
                    let first = list.first().map(|(f, _)| *f);
                    let target = match first {
                        Some(Field::BaseUrl) => refs.first(),
                        Some(Field::OperatorId) => refs.get(1),
                        Some(Field::Token) => refs.get(2),
                        None => None,
                    };
                    if let Some(el) = target.and_then(|r| r.cast::<HtmlInputElement>()) {
                        let _ = el.focus();
                    }
                    errors.set(list);
                }
            }
        })
    };

    let error_of = |field: Field| errors.iter().find(|(f, _)| *f == field).map(|(_, k)| *k);
    let row = |field: Field,
               name: &str,
               label: Key,
               hint: Key,
               kind: &'static str,
               value: String,
               node: NodeRef| {
        let field_id = format!("{id}-{name}");
        let hint_id = format!("{field_id}-hint");
        let err_id = format!("{field_id}-error");
        let err = error_of(field);
        let described = if err.is_some() {
            format!("{err_id} {hint_id}")
        } else {
            hint_id.clone()
        };
        html! {
            <div class={classes!("bi-field", err.is_some().then_some("bi-field--invalid"))}>
                <label for={field_id.clone()}>{ t(label) }</label>
                <input id={field_id} type={kind} {value} ref={node}
                    name={name.to_owned()}
                    autocomplete="off" spellcheck="false"
                    data-testid={format!("connect-{name}")}
                    aria-invalid={err.is_some().then_some("true")}
                    aria-describedby={described}
                    oninput={input(field)} />
                <p class="bi-field__hint" id={hint_id}>{ t(hint) }</p>
                if let Some(err) = err {
                    <p class="bi-field__error" id={err_id} role="alert">{ t(err) }</p>
                }
            </div>
        }
    };
    let [url_ref, op_ref, token_ref] = refs;
    html! {
        <main class="bi-connect" aria-labelledby={format!("{id}-title")}>
            <form class="bi-connect__card" novalidate=true {onsubmit} data-testid="connect-form">
                <h1 id={format!("{id}-title")}>{ t(Key::ConnectHeading) }</h1>
                <p class="bi-connect__intro">{ t(Key::ConnectIntro) }</p>
                if !errors.is_empty() {
                    <p class="bi-connect__summary" role="status">{ t(Key::ConnectErrorsHeading) }</p>
                }
                { row(Field::BaseUrl, "base-url", Key::ConnectBaseUrl, Key::ConnectBaseUrlHint, "url", form.base_url.clone(), url_ref) }
                { row(Field::OperatorId, "operator-id", Key::ConnectOperator, Key::ConnectOperatorHint, "text", form.operator_id.clone(), op_ref) }
                { row(Field::Token, "token", Key::ConnectToken, Key::ConnectTokenHint, "password", form.token.clone(), token_ref) }
                <label class="bi-check">
                    <input type="checkbox" checked={form.remember} onchange={onremember} data-testid="connect-remember" />
                    { t(Key::ConnectRemember) }
                </label>
                <button type="submit" class="bi-button bi-button--primary" data-testid="connect-submit">
                    { t(Key::ConnectSubmit) }
                </button>
            </form>
        </main>
    }
}

/// Where the standalone app is in its start-up.
#[derive(Clone, PartialEq, Debug)]
enum Phase {
    /// Looking for `app-config.json`.
    Probing,
    /// Showing the connection screen.
    Form(ConnectionForm),
    /// Connected.
    Connected(ConnectionSettings),
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn remembered_form() -> ConnectionForm {
    let stored = local_storage().and_then(|s| s.get_item(REMEMBER_KEY).ok().flatten());
    let mut form = ConnectionForm {
        base_url: "http://127.0.0.1:8787".into(),
        ..Default::default()
    };
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

fn remember(settings: &ConnectionSettings, keep: bool) {
    let Some(storage) = local_storage() else {
        return;
    };
    // Storage may throw (quota, privacy mode): remembering is a convenience, not a requirement.
    let _ = if keep {
        let value = serde_json::json!({ "base_url": settings.base_url, "operator_id": settings.operator_id });
        storage.set_item(REMEMBER_KEY, &value.to_string())
    } else {
        storage.remove_item(REMEMBER_KEY)
    };
}

async fn fetch_app_config() -> Option<ConnectionSettings> {
    let response = gloo_net::http::Request::get("app-config.json")
        .send()
        .await
        .ok()?;
    if !response.ok() {
        return None;
    }
    parse_app_config(&response.text().await.ok()?)
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
    let phase = use_state(|| Phase::Probing);
    let settings = use_state(load_settings);
    let browser = use_memo((), |_| browser_locale());
    {
        let phase = phase.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                match fetch_app_config().await {
                    Some(settings) => phase.set(Phase::Connected(settings)),
                    None => phase.set(Phase::Form(remembered_form())),
                }
            });
        });
    }
    let onconnect = {
        let phase = phase.clone();
        Callback::from(move |(settings, keep): (ConnectionSettings, bool)| {
            remember(&settings, keep);
            phase.set(Phase::Connected(settings));
        })
    };
    let ondisconnect = {
        let phase = phase.clone();
        Callback::from(move |_| {
            set_title(None);
            phase.set(Phase::Form(remembered_form()))
        })
    };
    let onsettings = {
        let settings = settings.clone();
        Callback::from(move |next: Settings| {
            save_settings(next);
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
        Phase::Connected(connection) => html! {
            <Connected settings={connection.clone()} prefs={*settings} {locale} {onsettings} {ondisconnect} />
        },
    }
}

/// `(N) Blinger inbox` while N messages are unread.
fn set_title(unread: Option<u64>) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let base = Key::AppTitle.text(Locale::En);
    let title = match unread {
        Some(n) if n > 0 => format!("({n}) {base}"),
        _ => base.to_owned(),
    };
    document.set_title(&title);
}

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

/// The app's settings, in a disclosure in the bar.
#[component]
pub fn SettingsPanel(props: &SettingsPanelProps) -> Html {
    let id = use_unique_id();
    let locale = props.locale;
    let t = |k: Key| k.text(locale);
    let s = props.settings;
    let select = |name: &str,
                  label: Key,
                  value: &str,
                  options: Vec<(&str, Key)>,
                  apply: fn(Settings, &str) -> Settings,
                  optin: bool| {
        let field_id = format!("{id}-{name}");
        let onchange = {
            let onchange = props.onchange.clone();
            let onoptin = props.onoptin.clone();
            Callback::from(move |e: Event| {
                let v = e.target_unchecked_into::<HtmlSelectElement>().value();
                let next = apply(s, &v);
                if optin {
                    onoptin.emit(next);
                }
                onchange.emit(next);
            })
        };
        html! {
            <div class="bi-field">
                <label for={field_id.clone()}>{ t(label) }</label>
                <select id={field_id} class="bi-select" data-testid={format!("settings-{name}")} {onchange}>
                    { for options.into_iter().map(|(v, k)| html! {
                        <option value={v.to_owned()} selected={v == value}>{ t(k) }</option>
                    }) }
                </select>
            </div>
        }
    };
    let onsound = {
        let onchange = props.onchange.clone();
        let onoptin = props.onoptin.clone();
        Callback::from(move |e: Event| {
            let next = Settings {
                sound: e.target_unchecked_into::<HtmlInputElement>().checked(),
                ..s
            };
            onoptin.emit(next);
            onchange.emit(next);
        })
    };
    let send_key = match s.send_key {
        SendKey::Enter => "enter",
        SendKey::CtrlEnter => "ctrl-enter",
    };
    let language = s.locale.map_or("auto", Locale::tag);
    let status = match (s.notify, props.permission) {
        (NotifyRule::Off, _) => None,
        (_, Permission::Denied) => Some(Key::NotifyBlocked),
        (_, Permission::Unsupported) => Some(Key::NotifyUnsupported),
        _ => None,
    };
    html! {
        <details class="bi-settings" data-testid="settings">
            <summary class="bi-button">{ t(Key::Settings) }</summary>
            <div class="bi-settings__panel">
                { select("theme", Key::SettingsTheme, s.theme.as_str(),
                    vec![("auto", Key::ThemeAuto), ("light", Key::ThemeLight), ("dark", Key::ThemeDark)],
                    |s, v| Settings { theme: Theme::parse(v), ..s }, false) }
                { select("send-key", Key::SettingsSendKey, send_key,
                    vec![("enter", Key::SendKeyEnter), ("ctrl-enter", Key::SendKeyCtrlEnter)],
                    |s, v| Settings { send_key: SendKey::parse(v), ..s }, false) }
                { select("language", Key::SettingsLanguage, language,
                    vec![("auto", Key::LanguageAuto), ("en", Key::LanguageEnglish), ("ru", Key::LanguageRussian)],
                    |s, v| Settings { locale: (v != "auto").then(|| Locale::from_tag(v)), ..s }, false) }
                { select("notify", Key::SettingsNotify, s.notify.as_str(),
                    vec![("off", Key::NotifyOff), ("mine", Key::NotifyMine), ("unassigned", Key::NotifyMineUnassigned)],
                    |s, v| Settings { notify: NotifyRule::parse(v), ..s }, true) }
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

/// Props of [`Connected`].
#[derive(Properties, PartialEq)]
struct ConnectedProps {
    settings: ConnectionSettings,
    prefs: Settings,
    locale: Locale,
    onsettings: Callback<Settings>,
    ondisconnect: Callback<MouseEvent>,
}

/// The suite, full page, for validated settings, with the bar, the settings and the alerts.
#[component]
fn Connected(props: &ConnectedProps) -> Html {
    let prefs = props.prefs;
    let locale = props.locale;
    let config = use_memo(
        (props.settings.clone(), locale, prefs.theme, prefs.send_key),
        |(s, locale, theme, send_key)| {
            let token = s
                .token
                .clone()
                .map_or(TokenSource::None, |t| TokenSource::Fixed(Token::new(t)));
            let client = ClientConfig::new(s.base_url.clone(), token)
                .with_operator(s.operator_id.map(OperatorId))
                .with_history_url(s.history_url.clone());
            let mut config = WidgetConfig::new(client);
            config.locale = *locale;
            config.theme = *theme;
            config.send_key = *send_key;
            ConfigHandle(Rc::new(config))
        },
    );
    let permission = use_state(alerts::permission);
    // Made from the operator's opt-in gesture, so the tone may play later.
    let audio = use_mut_ref(|| None::<web_sys::AudioContext>);
    let session = use_mut_ref(|| None::<SessionHandle>);
    let previous = use_mut_ref(|| None::<Rc<Vec<Conversation>>>);
    // The latest settings for the alert callback, without re-rendering the inbox.
    let current = use_mut_ref(|| prefs);
    *current.borrow_mut() = prefs;

    let onoptin = {
        let permission = permission.clone();
        let audio = audio.clone();
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
    let onevent = Callback::from(|event: HostEvent| {
        if let HostEvent::UnreadChanged(n) = event {
            set_title(Some(n));
        }
    });
    let onsession = {
        let session = session.clone();
        Callback::from(move |s: Option<SessionHandle>| *session.borrow_mut() = s)
    };
    let onlists = {
        let previous = previous.clone();
        let current = current.clone();
        let audio = audio.clone();
        let session = session.clone();
        Callback::from(move |snapshot: ListsSnapshot| {
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
        })
    };
    html! {
        <main class="bi-app" data-theme={prefs.theme.as_str()} lang={locale.tag()}>
            <header class="bi-app__bar">
                <span class="bi-app__title">{ Key::AppTitle.text(locale) }</span>
                <span class="bi-app__server">{ Key::ConnectedAs.text(locale) }{" "}{ props.settings.base_url.clone() }</span>
                <SettingsPanel settings={prefs} {locale} permission={*permission}
                    onchange={props.onsettings.clone()} {onoptin} />
                <button type="button" class="bi-button" onclick={props.ondisconnect.clone()}>{ Key::Disconnect.text(locale) }</button>
            </header>
            <Inbox config={(*config).clone()} {onevent} {onsession} {onlists} />
        </main>
    }
}

/// Mounts the standalone app into `<body>`.
pub fn run() {
    yew::Renderer::<App>::new().render();
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The derive `AppConfigFile` had before it was read by hand.
    #[derive(serde::Deserialize)]
    struct DerivedAppConfigFile {
        base_url: String,
        #[serde(default)]
        operator_id: Option<u64>,
        #[serde(default)]
        history_url: Option<String>,
    }

    #[test]
    fn app_config_reader_matches_the_derive() {
        for body in [
            r#"{"base_url":"/p"}"#,
            r#"{"base_url":"/p","operator_id":3,"history_url":"/h/{id}","token":"t"}"#,
            r#"{"base_url":"/p","operator_id":null,"history_url":null}"#,
            r#"{"base_url":"/p","operator_id":-3}"#,
            r#"{"base_url":"/p","operator_id":"3"}"#,
            r#"{"base_url":"/p","history_url":5}"#,
            r#"{"base_url":null}"#,
            r#"{"operator_id":3}"#,
            "",
        ] {
            let derived = serde_json::from_str::<DerivedAppConfigFile>(body)
                .ok()
                .map(|f| (f.base_url, f.operator_id, f.history_url));
            let read =
                AppConfigFile::parse(body).map(|f| (f.base_url, f.operator_id, f.history_url));
            assert_eq!(read, derived, "{body}");
        }
        // The one difference: serde's derive also took a struct as an array of its fields in
        // order; nobody writes app-config.json that way and it is not read any more.
        assert!(serde_json::from_str::<DerivedAppConfigFile>(r#"["/p"]"#).is_ok());
        assert!(AppConfigFile::parse(r#"["/p"]"#).is_none());
    }

    fn form(url: &str, op: &str, token: &str) -> ConnectionForm {
        ConnectionForm {
            base_url: url.into(),
            operator_id: op.into(),
            token: token.into(),
            remember: false,
        }
    }

    #[test]
    fn accepts_http_https_and_same_origin_paths() {
        assert_eq!(
            validate_base_url(" https://app.blinger.io/ "),
            Ok("https://app.blinger.io".into())
        );
        assert_eq!(
            validate_base_url("http://127.0.0.1:8787"),
            Ok("http://127.0.0.1:8787".into())
        );
        assert_eq!(validate_base_url("/proxy/"), Ok("/proxy".into()));
    }

    #[test]
    fn rejects_other_schemes_credentials_and_protocol_relative() {
        assert_eq!(validate_base_url(""), Err(Key::ErrBaseUrlEmpty));
        assert_eq!(
            validate_base_url("javascript:alert(1)"),
            Err(Key::ErrBaseUrlScheme)
        );
        assert_eq!(validate_base_url("ftp://x"), Err(Key::ErrBaseUrlScheme));
        assert_eq!(
            validate_base_url("//evil.example"),
            Err(Key::ErrBaseUrlScheme)
        );
        assert_eq!(validate_base_url("https://"), Err(Key::ErrBaseUrlScheme));
        assert_eq!(
            validate_base_url("https://tok@app.blinger.io"),
            Err(Key::ErrBaseUrlCredentials)
        );
    }

    #[test]
    fn form_reports_every_bad_field() {
        let errs = form("ftp://x", "-3", "a b").validate().unwrap_err();
        assert_eq!(
            errs,
            vec![
                (Field::BaseUrl, Key::ErrBaseUrlScheme),
                (Field::OperatorId, Key::ErrOperatorId),
                (Field::Token, Key::ErrTokenSpaces)
            ]
        );
        assert_eq!(
            form("/p", "0", "").validate().unwrap_err(),
            vec![(Field::OperatorId, Key::ErrOperatorId)]
        );
    }

    #[test]
    fn valid_form_trims_and_keeps_optional_parts_optional() {
        let s = form("https://x.test/", " 7 ", " tok ").validate().unwrap();
        assert_eq!(s.base_url, "https://x.test");
        assert_eq!(s.operator_id, Some(7));
        assert_eq!(s.token.as_deref(), Some("tok"));
        let s = form("/proxy", "", "").validate().unwrap();
        assert_eq!((s.operator_id, s.token), (None, None));
    }

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
    fn debug_never_shows_the_token() {
        let s = form("/p", "", "secret-token").validate().unwrap();
        assert!(!format!("{s:?}").contains("secret-token"));
    }

    #[test]
    fn app_config_never_carries_a_token() {
        let s = parse_app_config(
            r#"{"base_url":"/proxy","operator_id":1,"token":"nope","history_url":"/sandbox/conversations/{id}/messages"}"#,
        )
        .unwrap();
        assert_eq!(s.token, None);
        assert_eq!(
            s.history_url.as_deref(),
            Some("/sandbox/conversations/{id}/messages")
        );
        assert!(parse_app_config("<html>").is_none());
        assert!(parse_app_config(r#"{"base_url":"javascript:1"}"#).is_none());
        let s = parse_app_config(r#"{"base_url":"/p","history_url":"javascript:{id}"}"#).unwrap();
        assert_eq!(s.history_url, None);
    }
}
