//! [`SignIn`]: "Sign in as operator …" for an app served by a blinger-gateway with
//! `--dev-login` (the demo's production shape). The list is the gateway's `GET` of its dev-login
//! endpoint (Blinger's `/api/operators/all`, secrets stripped); picking one connects as that
//! operator, with [`dev_token_provider`] as the token source: it `POST`s `{"operator_id":N}` and
//! hands the JWT to the widget, which asks again after a 401 (an expired token). The JWT lives
//! in memory only. A real deployment replaces this with its own login, which mints the same JWT.

use std::rc::Rc;

use yew::prelude::*;

use crate::api::wire::{Operator, decode_operators};
use crate::api::{
    ApiError, FetchTransport, HttpRequest, HttpResponse, Method, Token, TokenProvider, Transport,
};
use crate::components::use_unique_id;
use crate::i18n::{Key, Locale, error_text};

/// The budget of one dev-login request (ms), as for any request of the widget.
const BUDGET_MS: u32 = crate::api::DEFAULT_TIMEOUT_MS;

/// One request to the dev login through the widget's own transport (its timeout aborts the
/// fetch), answered in time or an [`ApiError`].
async fn call(method: Method, url: &str, body: Option<String>) -> Result<HttpResponse, ApiError> {
    let headers = body
        .is_some()
        .then(|| ("content-type".to_owned(), "application/json".to_owned()))
        .into_iter()
        .collect();
    let request = HttpRequest {
        method,
        url: url.to_owned(),
        headers,
        body,
        timeout_ms: BUDGET_MS,
        abort: None,
        memo: None,
    };
    Ok(FetchTransport.send(request).await?)
}

/// The operators one may sign in as.
async fn operators(url: &str) -> Result<Vec<Operator>, ApiError> {
    let response = call(Method::Get, url, None).await?;
    decode_operators(&response).map(|listed| listed.items)
}

/// A token for `operator` from the dev login at `url`.
async fn mint(url: &str, operator: u64) -> Result<Token, String> {
    let body = serde_json::json!({ "operator_id": operator }).to_string();
    let response = call(Method::Post, url, Some(body))
        .await
        .map_err(|e| error_text(&e, Locale::En))?;
    if response.status != 200 {
        return Err(format!("the dev login answered {}", response.status));
    }
    serde_json::from_str::<serde_json::Value>(&response.body)
        .ok()
        .and_then(|v| v.get("token").and_then(|t| t.as_str()).map(Token::new))
        .filter(|t| !t.is_empty())
        .ok_or_else(|| "the dev login answered no token".to_owned())
}

/// The widget's token source when signed in as `operator` through the dev login at `url`.
#[must_use]
pub fn dev_token_provider(url: String, operator: u64) -> TokenProvider {
    let url = Rc::new(url);
    Rc::new(move || {
        let url = Rc::clone(&url);
        Box::pin(async move { mint(&url, operator).await })
    })
}

/// Props of [`SignIn`].
#[derive(Properties, PartialEq)]
pub(super) struct SignInProps {
    /// The dev-login endpoint (same origin).
    pub(super) dev_login: String,
    pub(super) locale: Locale,
    /// Called with the operator picked.
    pub(super) onsignin: Callback<u64>,
}

#[derive(Clone, PartialEq)]
enum Load {
    Loading,
    Loaded(Rc<Vec<Operator>>),
    Failed(String),
}

/// "Sign in as operator …": the list, with its loading, empty and error states.
#[component]
pub(super) fn SignIn(props: &SignInProps) -> Html {
    let load = use_state(|| Load::Loading);
    let attempt = use_state(|| 0_u32);
    let id = use_unique_id();
    let locale = props.locale;
    let t = |k: Key| k.text(locale);
    {
        let load = load.clone();
        use_effect_with((props.dev_login.clone(), *attempt), move |(url, _)| {
            load.set(Load::Loading);
            let url = url.clone();
            wasm_bindgen_futures::spawn_local(async move {
                load.set(match operators(&url).await {
                    Ok(list) => Load::Loaded(Rc::new(list)),
                    Err(e) => Load::Failed(error_text(&e, locale)),
                });
            });
        });
    }
    let retry = {
        let attempt = attempt.clone();
        Callback::from(move |_: MouseEvent| attempt.set(attempt.wrapping_add(1)))
    };
    let body = match &*load {
        Load::Loading => {
            html! { <p class="bi-loading" role="status" data-testid="loading">{ t(Key::Loading) }</p> }
        }
        Load::Failed(why) => html! {
            <div role="alert" data-testid="sign-in-error">
                <p class="bi-field__error">{ t(Key::SignInFailed) }{" "}{ why.clone() }</p>
                <button type="button" class="bi-button" onclick={retry}>{ t(Key::Retry) }</button>
            </div>
        },
        Load::Loaded(list) if list.is_empty() => html! {
            <p role="status" data-testid="empty-state">{ t(Key::SignInNone) }</p>
        },
        Load::Loaded(list) => {
            let items = list.iter().map(|o| {
                let operator = o.id.0;
                let onclick = props.onsignin.reform(move |_: MouseEvent| operator);
                html! {
                    <li>
                        <button type="button" class="bi-button bi-signin__operator" {onclick}
                            data-testid="sign-in-operator" data-operator-id={operator.to_string()}>
                            { Key::SignInAs.fill(locale, &o.email) }
                            <span class="bi-signin__id">{ Key::SignInOperatorId.fill(locale, &operator.to_string()) }</span>
                        </button>
                    </li>
                }
            });
            html! { <ul class="bi-signin__list" aria-labelledby={format!("{id}-title")}>{ for items }</ul> }
        }
    };
    html! {
        <main class="bi-connect" aria-labelledby={format!("{id}-title")}>
            <section class="bi-connect__card" data-testid="sign-in" aria-busy={(*load == Load::Loading).then_some("true")}>
                <h1 id={format!("{id}-title")}>{ t(Key::SignInHeading) }</h1>
                <p class="bi-connect__intro">{ t(Key::SignInIntro) }</p>
                { body }
            </section>
        </main>
    }
}
