//! [`ConnectionScreen`]: the first screen of the standalone app, where the operator says which
//! API to use. Every bad field is marked and explained at once; focus goes to the first one.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::connect::{ConnectionForm, ConnectionSettings, Field};
use crate::components::use_unique_id;
use crate::i18n::{Key, Locale};

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

/// The form's fields in order, with their name, label, hint and input type.
const FIELDS: [(Field, &str, Key, Key, &str); 3] = [
    (
        Field::BaseUrl,
        "base-url",
        Key::ConnectBaseUrl,
        Key::ConnectBaseUrlHint,
        "url",
    ),
    (
        Field::OperatorId,
        "operator-id",
        Key::ConnectOperator,
        Key::ConnectOperatorHint,
        "text",
    ),
    (
        Field::Token,
        "token",
        Key::ConnectToken,
        Key::ConnectTokenHint,
        "password",
    ),
];

/// The first screen of the standalone app: where the operator says which API to use.
#[component]
pub fn ConnectionScreen(props: &ConnectionScreenProps) -> Html {
    let form = use_state(|| props.initial.clone());
    let errors = use_state(Vec::<(Field, Key)>::new);
    let id = use_unique_id();
    let refs = [use_node_ref(), use_node_ref(), use_node_ref()];
    let locale = props.locale;
    let t = |k: Key| k.text(locale);

    let onremember = {
        let form = form.clone();
        Callback::from(move |e: Event| {
            let mut next = (*form).clone();
            next.remember = e.target_unchecked_into::<HtmlInputElement>().checked();
            form.set(next);
        })
    };
    let onsubmit = {
        let (form, errors, refs) = (form.clone(), errors.clone(), refs.clone());
        let onconnect = props.onconnect.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            match form.validate() {
                Ok(settings) => {
                    errors.set(Vec::new());
                    onconnect.emit((settings, form.remember));
                }
                Err(list) => {
                    focus_first_error(&list, &refs);
                    errors.set(list);
                }
            }
        })
    };
    let fields = FIELDS
        .iter()
        .zip(refs)
        .map(|(&(field, name, label, hint, kind), node)| {
            let value = form.value(field).to_owned();
            let form = form.clone();
            let oninput = Callback::from(move |value: String| {
                let mut next = (*form).clone();
                next.set(field, value);
                form.set(next);
            });
            let error = errors.iter().find(|(f, _)| *f == field).map(|(_, k)| *k);
            html! {
                <FormField id={format!("{id}-{name}")} {name} {label} {hint} {kind} {locale}
                    {value} {node} {error} {oninput} />
            }
        });
    html! {
        <main class="bi-connect" aria-labelledby={format!("{id}-title")}>
            <form class="bi-connect__card" novalidate=true {onsubmit} data-testid="connect-form">
                <h1 id={format!("{id}-title")}>{ t(Key::ConnectHeading) }</h1>
                <p class="bi-connect__intro">{ t(Key::ConnectIntro) }</p>
                if !errors.is_empty() {
                    <p class="bi-connect__summary" role="status">{ t(Key::ConnectErrorsHeading) }</p>
                }
                { for fields }
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

/// Predictable focus: the first field that needs fixing.
fn focus_first_error(errors: &[(Field, Key)], refs: &[NodeRef; 3]) {
    let Some((field, _)) = errors.first() else {
        return;
    };
    let index = FIELDS.iter().position(|(f, ..)| f == field);
    if let Some(el) = index
        .and_then(|i| refs.get(i))
        .and_then(NodeRef::cast::<HtmlInputElement>)
    {
        let _ = el.focus();
    }
}

/// Props of [`FormField`].
#[derive(Properties, PartialEq)]
struct FormFieldProps {
    /// The input's id; the hint and the error derive theirs from it.
    id: String,
    /// The input's name (also in its `data-testid`, `connect-{name}`).
    name: &'static str,
    label: Key,
    hint: Key,
    /// The input's `type`.
    kind: &'static str,
    locale: Locale,
    value: String,
    node: NodeRef,
    /// What is wrong with the value, if anything.
    error: Option<Key>,
    /// Called with the new value on each input.
    oninput: Callback<String>,
}

/// One labelled input of the connection form, with its hint and, when invalid, its error.
#[component]
fn FormField(props: &FormFieldProps) -> Html {
    let t = |k: Key| k.text(props.locale);
    let hint_id = format!("{}-hint", props.id);
    let err_id = format!("{}-error", props.id);
    let described = if props.error.is_some() {
        format!("{err_id} {hint_id}")
    } else {
        hint_id.clone()
    };
    let oninput = props
        .oninput
        .reform(|e: InputEvent| e.target_unchecked_into::<HtmlInputElement>().value());
    html! {
        <div class={classes!("bi-field", props.error.is_some().then_some("bi-field--invalid"))}>
            <label for={props.id.clone()}>{ t(props.label) }</label>
            <input id={props.id.clone()} type={props.kind} value={props.value.clone()}
                ref={props.node.clone()}
                name={props.name}
                autocomplete="off" spellcheck="false"
                data-testid={format!("connect-{}", props.name)}
                aria-invalid={props.error.is_some().then_some("true")}
                aria-describedby={described}
                {oninput} />
            <p class="bi-field__hint" id={hint_id}>{ t(props.hint) }</p>
            if let Some(err) = props.error {
                <p class="bi-field__error" id={err_id} role="alert">{ t(err) }</p>
            }
        </div>
    }
}
