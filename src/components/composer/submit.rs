//! What the composer does: validate a file URL, save the draft on input, send on Enter or Send
//! (asking first when the conversation changed), and the confirmation's two answers.

use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlInputElement, HtmlTextAreaElement, KeyboardEvent};
use yew::prelude::*;

use crate::api::{ConversationId, UserId};
use crate::i18n::Key;
use crate::state::SessionHandle;
use crate::state::{Drift, OpenAction, OpenState, SendKey};
use crate::sync::outbox::SendKind;

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

/// What a send from the composer needs: the field, the mode, the state it clears.
pub(super) struct Submit {
    pub(super) session: SessionHandle,
    pub(super) id: ConversationId,
    pub(super) mode: UseStateHandle<SendKind>,
    pub(super) text: UseStateHandle<String>,
    pub(super) error: UseStateHandle<Option<Key>>,
    pub(super) confirm: UseStateHandle<Vec<Drift>>,
    pub(super) open: UseReducerHandle<OpenState>,
    pub(super) me: Option<UserId>,
    pub(super) input_ref: NodeRef,
}

impl Submit {
    /// Validates what is in the field, asks first when the conversation changed (unless
    /// `force`: the operator confirmed), then hands it to the session and clears the draft.
    pub(super) fn run(&self, force: bool) {
        let mode = *self.mode;
        // What is in the field is what the operator typed, even if a render is still pending.
        let value = field_value(&self.input_ref)
            .unwrap_or_else(|| (*self.text).clone())
            .trim()
            .to_owned();
        let invalid = if value.is_empty() {
            Some(if mode == SendKind::File {
                Key::FileUrlEmpty
            } else {
                Key::EmptyMessage
            })
        } else if mode == SendKind::File {
            validate_file_url(&value).err()
        } else {
            None
        };
        if let Some(k) = invalid {
            self.error.set(Some(k));
            return;
        }
        if force {
            self.open.dispatch(OpenAction::Acknowledge);
        } else {
            let drift = self.open.drift(self.me);
            if !drift.is_empty() {
                self.confirm.set(drift);
                return;
            }
        }
        if let crate::state::SendStart::Queued(_) = self.session.send(self.id, mode, value) {
            self.session.clear_draft(self.id, mode);
            self.text.set(String::new());
            self.error.set(None);
            self.confirm.set(Vec::new());
        }
        focus(&self.input_ref);
    }
}

/// Typing: the draft is saved and a shown error goes away.
pub(super) fn on_input(
    session: &SessionHandle,
    id: ConversationId,
    mode: &UseStateHandle<SendKind>,
    text: &UseStateHandle<String>,
    error: &UseStateHandle<Option<Key>>,
) -> Callback<InputEvent> {
    let (session, mode, text, error) = (session.clone(), mode.clone(), text.clone(), error.clone());
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
}

/// Enter (or Ctrl/⌘+Enter) sends; never while an IME is composing.
pub(super) fn on_keydown(send_key: SendKey, do_send: Callback<bool>) -> Callback<KeyboardEvent> {
    Callback::from(move |e: KeyboardEvent| {
        // 229: Safari's composing key code.
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
}

/// Send anyway (the operator saw what changed) and Review (back to the field).
pub(super) fn confirm_callbacks(
    do_send: &Callback<bool>,
    confirm: &UseStateHandle<Vec<Drift>>,
    open: &UseReducerHandle<OpenState>,
) -> (Callback<MouseEvent>, Callback<MouseEvent>) {
    let onconfirm = {
        let do_send = do_send.clone();
        Callback::from(move |_: MouseEvent| do_send.emit(true))
    };
    let oncancel = {
        let (confirm, open) = (confirm.clone(), open.clone());
        Callback::from(move |_: MouseEvent| {
            open.dispatch(OpenAction::Acknowledge);
            confirm.set(Vec::new());
        })
    };
    (onconfirm, oncancel)
}

pub(super) fn field_value(node: &NodeRef) -> Option<String> {
    node.cast::<HtmlTextAreaElement>()
        .map(|t| t.value())
        .or_else(|| node.cast::<HtmlInputElement>().map(|i| i.value()))
}

pub(super) fn focus(node: &NodeRef) {
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
