//! The pieces the composer renders: the mode tabs, the field, the drift confirmation, the submit
//! bar, and the closed state.

use web_sys::KeyboardEvent;
use yew::prelude::*;

use crate::i18n::{Key, Locale};
use crate::state::SessionHandle;
use crate::state::{Action, Drift, SendKey};
use crate::sync::outbox::SendKind;

fn drift_text(d: Drift) -> Key {
    match d {
        Drift::NewClientMessage => Key::DriftNewMessage,
        Drift::TakenByOther => Key::DriftTaken,
        Drift::Closed => Key::DriftClosed,
    }
}

/// A closed conversation takes no message: it offers Reopen.
pub(super) fn closed_view(session: &SessionHandle, locale: Locale) -> Html {
    let ontake = {
        let session = session.clone();
        Callback::from(move |_: MouseEvent| session.act(Action::Take))
    };
    html! {
        <div class="bi-composer bi-composer--disabled" data-testid="composer">
            <p>{ Key::ComposerClosed.text(locale) }</p>
            <button type="button" class="bi-button" onclick={ontake}>{ Key::Reopen.text(locale) }</button>
        </div>
    }
}

/// The hint for the send key (and that drafts stay in this tab) and the submit button.
pub(super) fn submit_bar(
    send_key: SendKey,
    degraded: bool,
    note: bool,
    button: Key,
    locale: Locale,
) -> Html {
    let t = |k: Key| k.text(locale);
    let hint = match send_key {
        SendKey::Enter => t(Key::HintEnter),
        SendKey::CtrlEnter => t(Key::HintCtrlEnter),
    };
    html! {
        <div class="bi-composer__bar">
            <span class="bi-muted bi-composer__hint">{ hint }
                if degraded { { " · " }{ t(Key::DraftsLocalOnly) } }
            </span>
            <button type="submit" class={classes!("bi-button", "bi-button--primary", note.then_some("bi-button--note"))} data-testid="composer-send">
                { t(button) }
            </button>
        </div>
    }
}

/// One tab of the mode bar (a radio).
pub(super) fn mode_tab(
    m: SendKind,
    current: SendKind,
    onclick: Callback<MouseEvent>,
    locale: Locale,
) -> Html {
    let selected = current == m;
    let testid = format!("composer-mode-{}", m.mode_name());
    html! {
        <button type="button" role="radio" aria-checked={if selected { "true" } else { "false" }}
            class={classes!("bi-mode", selected.then_some("bi-mode--selected"), (m == SendKind::Note).then_some("bi-mode--note"))}
            data-testid={testid} {onclick}>{ m.composer_keys().2.text(locale) }</button>
    }
}

/// The field: a URL input in File mode, a textarea otherwise.
pub(super) struct Field {
    pub(super) node: NodeRef,
    pub(super) value: AttrValue,
    pub(super) placeholder: &'static str,
    pub(super) label: &'static str,
    /// The error's element id while one is shown.
    pub(super) error_id: Option<String>,
}

impl Field {
    pub(super) fn view(
        self,
        url: bool,
        oninput: Callback<InputEvent>,
        onkeydown: Callback<KeyboardEvent>,
    ) -> Html {
        let invalid = self.error_id.is_some().then_some("true");
        if url {
            html! {
                <input type="url" class="bi-composer__input" ref={self.node} value={self.value}
                    placeholder={self.placeholder} aria-label={self.label} data-testid="composer-input"
                    aria-invalid={invalid} aria-describedby={self.error_id}
                    {oninput} {onkeydown} autocomplete="off" spellcheck="false" />
            }
        } else {
            html! {
                <textarea class="bi-composer__input" ref={self.node} value={self.value} rows="3"
                    placeholder={self.placeholder} aria-label={self.label} data-testid="composer-input"
                    aria-invalid={invalid} aria-describedby={self.error_id}
                    {oninput} {onkeydown} dir="auto" />
            }
        }
    }
}

/// What changed since the operator looked, with Send anyway / Review.
pub(super) fn drift_confirm(
    drift: &[Drift],
    onconfirm: Callback<MouseEvent>,
    oncancel: Callback<MouseEvent>,
    locale: Locale,
) -> Html {
    let t = |k: Key| k.text(locale);
    html! {
        <div class="bi-confirm" role="alertdialog" aria-label={t(Key::ConfirmTitle)} data-testid="composer-confirm">
            <strong>{ t(Key::ConfirmTitle) }</strong>
            <ul>{ for drift.iter().map(|d| html! { <li>{ t(drift_text(*d)) }</li> }) }</ul>
            <button type="button" class="bi-button bi-button--primary" onclick={onconfirm} data-testid="composer-confirm-send">{ t(Key::SendAnyway) }</button>
            <button type="button" class="bi-button" onclick={oncancel}>{ t(Key::Review) }</button>
        </div>
    }
}
