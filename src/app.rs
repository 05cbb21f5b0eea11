//! The standalone shell: the connection screen and the full-page suite served by Trunk.
//!
//! On start the app asks for `app-config.json` beside itself. A deployment (or `make run`) that
//! ships one is connected at once; the file may hold the API address, operator and history URL,
//! never a token (a same-origin proxy adds that). Without it, the operator sees the connection
//! screen. The token typed there is kept in memory only; "remember" keeps the address and the
//! operator, never the token.

use serde::Deserialize;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use std::rc::Rc;

use crate::api::{ClientConfig, OperatorId, Token, TokenSource};
use crate::components::{Inbox, use_unique_id};
use crate::i18n::{Key, Locale};
use crate::state::{ConfigHandle, WidgetConfig};

/// Where the app keeps the remembered address and operator (never the token).
const REMEMBER_KEY: &str = "bi:v1:connection";

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
#[derive(Debug, Deserialize)]
struct AppConfigFile {
    base_url: String,
    #[serde(default)]
    operator_id: Option<u64>,
    #[serde(default)]
    history_url: Option<String>,
}

/// Parses `app-config.json`; `None` when it is absent, malformed or unsafe.
pub fn parse_app_config(body: &str) -> Option<ConnectionSettings> {
    let file: AppConfigFile = serde_json::from_str(body).ok()?;
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
    let locale = use_memo((), |_| browser_locale());
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
        Callback::from(move |_| phase.set(Phase::Form(remembered_form())))
    };
    let locale = *locale;
    match &*phase {
        Phase::Probing => html! {
            <main class="bi-connect" aria-busy="true"><p class="bi-loading">{ Key::Loading.text(locale) }</p></main>
        },
        Phase::Form(initial) => html! {
            <ConnectionScreen initial={initial.clone()} {locale} {onconnect} />
        },
        Phase::Connected(settings) => html! {
            <main class="bi-app">
                <header class="bi-app__bar">
                    <span class="bi-app__title">{ Key::AppTitle.text(locale) }</span>
                    <span class="bi-app__server">{ Key::ConnectedAs.text(locale) }{" "}{ settings.base_url.clone() }</span>
                    <button type="button" class="bi-button" onclick={ondisconnect}>{ Key::Disconnect.text(locale) }</button>
                </header>
                <Connected settings={settings.clone()} {locale} />
            </main>
        },
    }
}

/// Props of [`Connected`].
#[derive(Properties, PartialEq)]
struct ConnectedProps {
    settings: ConnectionSettings,
    locale: Locale,
}

/// The suite, full page, for validated settings.
#[component]
fn Connected(props: &ConnectedProps) -> Html {
    let config = use_memo((props.settings.clone(), props.locale), |(s, locale)| {
        let token = s
            .token
            .clone()
            .map_or(TokenSource::None, |t| TokenSource::Fixed(Token::new(t)));
        let client = ClientConfig::new(s.base_url.clone(), token)
            .with_operator(s.operator_id.map(OperatorId))
            .with_history_url(s.history_url.clone());
        let mut config = WidgetConfig::new(client);
        config.locale = *locale;
        ConfigHandle(Rc::new(config))
    });
    html! { <Inbox config={(*config).clone()} /> }
}

/// Mounts the standalone app into `<body>`.
pub fn run() {
    yew::Renderer::<App>::new().render();
}

#[cfg(test)]
mod tests {
    use super::*;

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
