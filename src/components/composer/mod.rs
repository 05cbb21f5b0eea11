//! The composer: Reply · File URL · Internal note. The mode never resets by itself; note mode
//! is unmistakable (colour, label, "Add note"); drafts are kept per conversation and mode; Enter
//! or Ctrl/⌘+Enter sends (IME-safe); a file URL is validated; before sending into a conversation
//! that changed since the operator looked, the change is shown and the operator asked.
//!
//! The component is here; `hooks` keeps the draft and focus in step with the mode, `submit` holds
//! what happens on input, Enter and Send, `view` the pieces it renders.

use yew::prelude::*;

use crate::api::{Conversation, Status, UserId};
use crate::i18n::Key;
use crate::state::{ComposerRequest, ConfigHandle, SessionHandle};
use crate::state::{Drift, OpenState};
use crate::sync::outbox::SendKind;

mod hooks;
mod submit;
mod view;

use crate::state::session::reducers::Restored;
use hooks::{use_draft_of, use_focus_on_switch, use_restored};
pub use submit::validate_file_url;
use submit::{Submit, confirm_callbacks, on_input, on_keydown};
use view::{Field, closed_view, drift_confirm, mode_tab, submit_bar};

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
    /// The last discarded message, back in its draft: shown when it is this conversation's.
    #[prop_or_default]
    pub restored: Option<Restored>,
}

/// The composer.
#[component]
pub fn Composer(props: &ComposerProps) -> Html {
    let config = use_context::<ConfigHandle>();
    let Some(session) = use_context::<SessionHandle>() else {
        return html! {};
    };
    let config = config.unwrap_or_else(|| session.config());
    let locale = config.locale;
    let t = |k: Key| k.text(locale);
    let id = props.conversation.id;
    let mode = use_state(|| SendKind::Reply);
    let text = use_state(|| session.draft(id, SendKind::Reply));
    let error = use_state(|| None::<Key>);
    let confirm = use_state(Vec::<Drift>::new);
    let input_ref = use_node_ref();

    use_draft_of(&session, id, &mode, &text, &error, &confirm);
    use_restored(&session, id, props.restored, &mode, &text);
    let focus_pending = use_focus_on_switch(&mode, &input_ref, props.request);

    let closed = props.conversation.status == Status::Closed;
    let do_send = {
        let send = Submit {
            session: session.clone(),
            id,
            mode: mode.clone(),
            text: text.clone(),
            error: error.clone(),
            confirm: confirm.clone(),
            open: props.open.clone(),
            me: props.me,
            input_ref: input_ref.clone(),
        };
        Callback::from(move |force: bool| send.run(force))
    };
    let onsubmit = {
        let do_send = do_send.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            do_send.emit(false);
        })
    };
    let oninput = on_input(&session, id, &mode, &text, &error);
    let send_key = config.send_key;
    let onkeydown = on_keydown(send_key, do_send.clone());
    let set_mode = |m: SendKind| {
        let mode = mode.clone();
        let focus_pending = focus_pending.clone();
        Callback::from(move |_: MouseEvent| {
            *focus_pending.borrow_mut() = true;
            mode.set(m);
        })
    };

    if closed {
        return closed_view(&session, locale);
    }

    let note = *mode == SendKind::Note;
    let (placeholder, button, label) = mode.composer_keys();
    let error_id = format!("bi-composer-error-{id}");
    let field = Field {
        node: input_ref.clone(),
        value: (*text).to_string().into(),
        placeholder: t(placeholder),
        label: t(label),
        error_id: error.is_some().then(|| error_id.clone()),
    };
    let input = field.view(*mode == SendKind::File, oninput, onkeydown);
    let (onconfirm, oncancel) = confirm_callbacks(&do_send, &confirm, &props.open);
    html! {
        <form class={classes!("bi-composer", note.then_some("bi-composer--note"))} novalidate=true {onsubmit} data-testid="composer" data-mode={SendKind::mode_name(*mode)}>
            <div class="bi-modes" role="radiogroup" aria-label={t(Key::ComposerModes)}>
                { for SendKind::ALL.iter().copied().map(|m| mode_tab(m, *mode, set_mode(m), locale)) }
            </div>
            if note {
                <p class="bi-composer__notebanner">{ t(Key::NoteBanner) }</p>
            }
            if !confirm.is_empty() { { drift_confirm(&confirm, onconfirm, oncancel, locale) } }
            { input }
            if let Some(k) = *error {
                <p class="bi-field__error" id={error_id} role="alert">{ t(k) }</p>
            }
            { submit_bar(send_key, props.degraded, note, button, locale) }
        </form>
    }
}
