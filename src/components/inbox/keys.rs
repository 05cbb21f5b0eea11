//! The widget-scoped keyboard shortcuts (they act only while focus is inside the widget, and
//! never while the operator types in a field).

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, KeyboardEvent};
use yew::prelude::*;

use super::focus::{focus_row, move_cursor};
use crate::state::{Action, ComposerRequest, OpenState, SessionHandle};
use crate::sync::outbox::SendKind;

/// What the shortcuts act on.
pub(super) struct Shortcuts {
    pub(super) session: SessionHandle,
    pub(super) open: UseReducerHandle<OpenState>,
    pub(super) overlay: UseStateHandle<bool>,
    pub(super) composer_request: UseStateHandle<Option<ComposerRequest>>,
    pub(super) root_ref: NodeRef,
}

impl Shortcuts {
    /// The root's `keydown` handler.
    pub(super) fn callback(self) -> Callback<KeyboardEvent> {
        let Shortcuts {
            session,
            open,
            overlay,
            composer_request,
            root_ref,
        } = self;
        Callback::from(move |e: KeyboardEvent| {
            if e.default_prevented() || e.ctrl_key() || e.meta_key() || e.alt_key() {
                return;
            }
            if e.key() == "Escape" && *overlay {
                overlay.set(false);
                e.prevent_default();
                return;
            }
            if is_editable(e.target()) {
                return;
            }
            let Some(root) = root_ref.cast::<Element>() else {
                return;
            };
            let handled = match e.key().as_str() {
                "j" | "k" => {
                    move_cursor(&root, if e.key() == "j" { 1 } else { -1 });
                    true
                }
                "?" => {
                    overlay.set(!*overlay);
                    true
                }
                "r" | "n" | "f" if open.id.is_some() => {
                    let mode = match e.key().as_str() {
                        "n" => SendKind::Note,
                        "f" => SendKind::File,
                        _ => SendKind::Reply,
                    };
                    let serial = composer_request.map_or(1, |r| r.serial.wrapping_add(1));
                    composer_request.set(Some(ComposerRequest { mode, serial }));
                    true
                }
                "c" if open.id.is_some() => {
                    session.act(Action::Close);
                    true
                }
                "a" if open.id.is_some() => {
                    session.act(Action::Take);
                    true
                }
                "Escape" if open.id.is_some() => {
                    let id = open.id;
                    session.open(None);
                    focus_row(&root, id);
                    true
                }
                _ => false,
            };
            if handled {
                e.prevent_default();
            }
        })
    }
}

fn is_editable(target: Option<web_sys::EventTarget>) -> bool {
    let Some(el) = target.and_then(|t| t.dyn_into::<Element>().ok()) else {
        return false;
    };
    let tag = el.tag_name().to_ascii_lowercase();
    matches!(tag.as_str(), "input" | "textarea" | "select")
        || el
            .dyn_ref::<HtmlElement>()
            .is_some_and(|h| h.is_content_editable())
}
