//! The composer: Reply · File URL · Internal note. The mode never resets by itself; note mode
//! is unmistakable (colour, label, "Add note"); drafts are kept per conversation and mode; Enter
//! or Ctrl/⌘+Enter sends (IME-safe); a file URL is validated; before sending into a conversation
//! that changed since the operator looked, the change is shown and the operator asked.

use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlInputElement, HtmlTextAreaElement, KeyboardEvent};
use yew::prelude::*;

use crate::api::{Conversation, Status, UserId};
use crate::i18n::Key;
use crate::state::{Action, Drift, OpenAction, OpenState, SendKey};
use crate::state::{ComposerRequest, SessionHandle};
use crate::sync::outbox::SendKind;

/// Props of [`Composer`].
#[derive(Properties, PartialEq)]
pub struct ComposerProps {
    /// The conversation written to.
    pub conversation: Conversation,
    /// The open conversation's store (for the before-send check).
    pub open: UseReducerHandle<OpenState>,
    /// My user id.
    pub me: Option<UserId>,
    /// A keyboard request to switch mode and focus.
    #[prop_or_default]
    pub request: Option<ComposerRequest>,
    /// Storage is unavailable (drafts live only in this tab).
    #[prop_or_default]
    pub degraded: bool,
}

/// Checks a file URL: absolute http(s) with a host.
pub fn validate_file_url(url: &str) -> Result<(), Key> {
    let url = url.trim();
    if url.is_empty() {
        Err(Key::FileUrlEmpty)
    } else if !crate::api::wire::is_http_url(url) || url.contains(char::is_whitespace) {
        Err(Key::FileUrlInvalid)
    } else {
        Ok(())
    }
}

fn drift_text(d: Drift) -> Key {
    match d {
        Drift::NewClientMessage => Key::DriftNewMessage,
        Drift::TakenByOther => Key::DriftTaken,
        Drift::Closed => Key::DriftClosed,
    }
}

/// The composer.
#[component]
pub fn Composer(props: &ComposerProps) -> Html {
    let Some(session) = use_context::<SessionHandle>() else {
        return html! {};
    };
    let locale = session.config.locale;
    let t = |k: Key| k.text(locale);
    let id = props.conversation.id;
    let mode = use_state(|| SendKind::Reply);
    let text = use_state(|| session.draft(id, SendKind::Reply));
    let error = use_state(|| None::<Key>);
    let confirm = use_state(Vec::<Drift>::new);
    let input_ref = use_node_ref();

    // Another conversation or mode: load its draft.
    {
        let text = text.clone();
        let session = session.clone();
        let error = error.clone();
        let confirm = confirm.clone();
        use_effect_with((id, *mode), move |(id, mode)| {
            text.set(session.draft(*id, *mode));
            error.set(None);
            confirm.set(Vec::new());
        });
    }
    // Switching to or from File mode replaces the field (a URL input vs a textarea): a focus
    // asked for with the switch is given after the render, to the field that is then there.
    let focus_pending = use_mut_ref(|| false);
    {
        let focus_pending = focus_pending.clone();
        let input_ref = input_ref.clone();
        use_effect(move || {
            if std::mem::take(&mut *focus_pending.borrow_mut()) {
                focus(&input_ref);
            }
        });
    }
    // r / n / f from the keyboard.
    {
        let mode = mode.clone();
        let focus_pending = focus_pending.clone();
        use_effect_with(props.request, move |request| {
            if let Some(r) = request {
                *focus_pending.borrow_mut() = true;
                mode.set(r.mode);
            }
        });
    }

    let closed = props.conversation.status == Status::Closed;
    let do_send = {
        let session = session.clone();
        let mode = mode.clone();
        let text = text.clone();
        let error = error.clone();
        let confirm = confirm.clone();
        let open = props.open.clone();
        let me = props.me;
        let input_ref = input_ref.clone();
        Callback::from(move |force: bool| {
            // What is in the field is what the operator typed, even if a render is still pending.
            let value = field_value(&input_ref)
                .unwrap_or_else(|| (*text).clone())
                .trim()
                .to_owned();
            if value.is_empty() {
                error.set(Some(if *mode == SendKind::File {
                    Key::FileUrlEmpty
                } else {
                    Key::EmptyMessage
                }));
                return;
            }
            if *mode == SendKind::File {
                if let Err(k) = validate_file_url(&value) {
                    error.set(Some(k));
                    return;
                }
            }
            if !force {
                let drift = open.drift(me);
                if !drift.is_empty() {
                    confirm.set(drift);
                    return;
                }
            } else {
                open.dispatch(OpenAction::Acknowledge);
            }
            if session.send(id, *mode, value).is_some() {
                session.clear_draft(id, *mode);
                text.set(String::new());
                error.set(None);
                confirm.set(Vec::new());
            }
            focus(&input_ref);
        })
    };
    let onsubmit = {
        let do_send = do_send.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            do_send.emit(false);
        })
    };
    let oninput = {
        let text = text.clone();
        let session = session.clone();
        let mode = mode.clone();
        let error = error.clone();
        Callback::from(move |e: InputEvent| {
            let target = e.target();
            let value = target
                .as_ref()
                .and_then(|t| {
                    t.dyn_ref::<HtmlTextAreaElement>()
                        .map(HtmlTextAreaElement::value)
                })
                .or_else(|| {
                    target
                        .as_ref()
                        .and_then(|t| t.dyn_ref::<HtmlInputElement>().map(HtmlInputElement::value))
                })
                .unwrap_or_default();
            session.set_draft(id, *mode, &value);
            text.set(value);
            if error.is_some() {
                error.set(None);
            }
        })
    };
    let send_key = session.config.send_key;
    let onkeydown = {
        let do_send = do_send.clone();
        Callback::from(move |e: KeyboardEvent| {
            // Never while an IME is composing (229: Safari's composing key code).
            if e.key() != "Enter" || e.is_composing() || e.key_code() == 229 {
                return;
            }
            let modifier = e.ctrl_key() || e.meta_key();
            let send = match send_key {
                SendKey::Enter => !e.shift_key() && !modifier,
                SendKey::CtrlEnter => modifier,
            };
            if send {
                e.prevent_default();
                do_send.emit(false);
            }
        })
    };
    let set_mode = |m: SendKind| {
        let mode = mode.clone();
        let focus_pending = focus_pending.clone();
        Callback::from(move |_: MouseEvent| {
            *focus_pending.borrow_mut() = true;
            mode.set(m);
        })
    };

    if closed {
        let ontake = {
            let session = session.clone();
            Callback::from(move |_: MouseEvent| session.act(Action::Take))
        };
        return html! {
            <div class="bi-composer bi-composer--disabled" data-testid="composer">
                <p>{ t(Key::ComposerClosed) }</p>
                <button type="button" class="bi-button" onclick={ontake}>{ t(Key::Reopen) }</button>
            </div>
        };
    }

    let note = *mode == SendKind::Note;
    let (placeholder, button, label) = mode.composer_keys();
    let hint = match send_key {
        SendKey::Enter => t(Key::HintEnter),
        SendKey::CtrlEnter => t(Key::HintCtrlEnter),
    };
    let tab = |m: SendKind| {
        let selected = *mode == m;
        let testid = format!("composer-mode-{}", m.mode_name());
        html! {
            <button type="button" role="radio" aria-checked={if selected { "true" } else { "false" }}
                class={classes!("bi-mode", selected.then_some("bi-mode--selected"), (m == SendKind::Note).then_some("bi-mode--note"))}
                data-testid={testid} onclick={set_mode(m)}>{ t(m.composer_keys().2) }</button>
        }
    };
    let error_id = format!("bi-composer-error-{id}");
    let input = if *mode == SendKind::File {
        html! {
            <input type="url" class="bi-composer__input" ref={input_ref.clone()} value={(*text).clone()}
                placeholder={t(placeholder)} aria-label={t(label)} data-testid="composer-input"
                aria-invalid={error.is_some().then_some("true")} aria-describedby={error.is_some().then(|| error_id.clone())}
                oninput={oninput} onkeydown={onkeydown} autocomplete="off" spellcheck="false" />
        }
    } else {
        html! {
            <textarea class="bi-composer__input" ref={input_ref.clone()} value={(*text).clone()} rows="3"
                placeholder={t(placeholder)} aria-label={t(label)} data-testid="composer-input"
                aria-invalid={error.is_some().then_some("true")} aria-describedby={error.is_some().then(|| error_id.clone())}
                oninput={oninput} onkeydown={onkeydown} dir="auto" />
        }
    };
    let onconfirm = {
        let do_send = do_send.clone();
        Callback::from(move |_: MouseEvent| do_send.emit(true))
    };
    let oncancel = {
        let confirm = confirm.clone();
        let open = props.open.clone();
        Callback::from(move |_: MouseEvent| {
            open.dispatch(OpenAction::Acknowledge);
            confirm.set(Vec::new());
        })
    };
    html! {
        <form class={classes!("bi-composer", note.then_some("bi-composer--note"))} novalidate=true {onsubmit} data-testid="composer" data-mode={SendKind::mode_name(*mode)}>
            <div class="bi-modes" role="radiogroup" aria-label={t(Key::ComposerModes)}>
                { for SendKind::ALL.into_iter().map(tab) }
            </div>
            if note {
                <p class="bi-composer__notebanner">{ t(Key::NoteBanner) }</p>
            }
            if !confirm.is_empty() {
                <div class="bi-confirm" role="alertdialog" aria-label={t(Key::ConfirmTitle)} data-testid="composer-confirm">
                    <strong>{ t(Key::ConfirmTitle) }</strong>
                    <ul>{ for confirm.iter().map(|d| html! { <li>{ t(drift_text(*d)) }</li> }) }</ul>
                    <button type="button" class="bi-button bi-button--primary" onclick={onconfirm} data-testid="composer-confirm-send">{ t(Key::SendAnyway) }</button>
                    <button type="button" class="bi-button" onclick={oncancel}>{ t(Key::Review) }</button>
                </div>
            }
            { input }
            if let Some(k) = *error {
                <p class="bi-field__error" id={error_id} role="alert">{ t(k) }</p>
            }
            <div class="bi-composer__bar">
                <span class="bi-muted bi-composer__hint">{ hint }
                    if props.degraded { { " · " }{ t(Key::DraftsLocalOnly) } }
                </span>
                <button type="submit" class={classes!("bi-button", "bi-button--primary", note.then_some("bi-button--note"))} data-testid="composer-send">
                    { t(button) }
                </button>
            </div>
        </form>
    }
}

fn field_value(node: &NodeRef) -> Option<String> {
    node.cast::<HtmlTextAreaElement>()
        .map(|t| t.value())
        .or_else(|| node.cast::<HtmlInputElement>().map(|i| i.value()))
}

fn focus(node: &NodeRef) {
    if let Some(el) = node.cast::<HtmlElement>() {
        let _ = el.focus();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_urls_must_be_http() {
        assert_eq!(validate_file_url(" https://x.test/a.pdf "), Ok(()));
        assert_eq!(validate_file_url(""), Err(Key::FileUrlEmpty));
        assert_eq!(
            validate_file_url("javascript:alert(1)"),
            Err(Key::FileUrlInvalid)
        );
        assert_eq!(
            validate_file_url("ftp://x.test/a"),
            Err(Key::FileUrlInvalid)
        );
        assert_eq!(
            validate_file_url("https://x.test/a b"),
            Err(Key::FileUrlInvalid)
        );
    }
}
