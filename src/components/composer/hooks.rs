//! The composer's hooks: the draft of the conversation and mode shown, and the focus that follows
//! a mode switch.

use yew::prelude::*;

use super::submit::focus;
use crate::api::ConversationId;
use crate::i18n::Key;
use crate::state::Drift;
use crate::state::session::reducers::Restored;
use crate::state::{ComposerRequest, SessionHandle};
use crate::sync::outbox::SendKind;

/// Another conversation or mode: its draft is loaded, and the error and confirmation go.
#[hook]
pub(super) fn use_draft_of(
    session: &SessionHandle,
    id: ConversationId,
    mode: &UseStateHandle<SendKind>,
    text: &UseStateHandle<String>,
    error: &UseStateHandle<Option<Key>>,
    confirm: &UseStateHandle<Vec<Drift>>,
) {
    let (session, text, error, confirm) = (
        session.clone(),
        text.clone(),
        error.clone(),
        confirm.clone(),
    );
    use_effect_with((id, **mode), move |(id, mode)| {
        text.set(session.draft(*id, *mode));
        error.set(None);
        confirm.set(Vec::new());
    });
}

/// A discarded message of this conversation is back in its draft: the composer switches to its
/// mode and shows it.
#[hook]
pub(super) fn use_restored(
    session: &SessionHandle,
    id: ConversationId,
    restored: Option<Restored>,
    mode: &UseStateHandle<SendKind>,
    text: &UseStateHandle<String>,
) {
    let (session, mode, text) = (session.clone(), mode.clone(), text.clone());
    use_effect_with(restored, move |restored| {
        if let Some(r) = restored.filter(|r| r.conversation == id) {
            mode.set(r.kind);
            text.set(session.draft(id, r.kind));
        }
    });
}

/// Switching to or from File mode replaces the field (a URL input vs a textarea): a focus asked
/// for with the switch (a tab click, or r / n / f from the keyboard) is given after the render,
/// to the field that is then there. Returns the flag a tab click sets.
#[hook]
pub(super) fn use_focus_on_switch(
    mode: &UseStateHandle<SendKind>,
    input_ref: &NodeRef,
    request: Option<ComposerRequest>,
) -> std::rc::Rc<std::cell::RefCell<bool>> {
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
    {
        let mode = mode.clone();
        let focus_pending = focus_pending.clone();
        use_effect_with(request, move |request| {
            if let Some(r) = request {
                *focus_pending.borrow_mut() = true;
                mode.set(r.mode);
            }
        });
    }
    focus_pending
}
