//! The `?` overlay listing the keyboard shortcuts.

use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::i18n::{Key, Locale};

/// Props of [`ShortcutsOverlay`].
#[derive(Properties, PartialEq)]
pub struct ShortcutsOverlayProps {
    /// Language.
    pub locale: Locale,
    /// Closed.
    pub onclose: Callback<()>,
}

/// The shortcut help dialog.
#[component]
pub fn ShortcutsOverlay(props: &ShortcutsOverlayProps) -> Html {
    let t = |k: Key| k.text(props.locale);
    let close_ref = use_node_ref();
    {
        let close_ref = close_ref.clone();
        // Focus moves into the dialog and, when it closes, back to where it was (the row or
        // button the operator pressed `?` on), never to the page's body.
        use_effect_with((), move |_| {
            let previous = close_ref.cast::<web_sys::HtmlElement>().and_then(|b| {
                let root = b.get_root_node();
                let active = root
                    .dyn_ref::<web_sys::Document>()
                    .and_then(web_sys::Document::active_element)
                    .or_else(|| {
                        root.dyn_ref::<web_sys::ShadowRoot>()
                            .and_then(web_sys::ShadowRoot::active_element)
                    });
                let _ = b.focus();
                active.and_then(|a| a.dyn_into::<web_sys::HtmlElement>().ok())
            });
            move || {
                if let Some(p) = previous.filter(|p| p.is_connected()) {
                    let _ = p.focus();
                }
            }
        });
    }
    let keys = [
        ("j / k", Key::KeyMove),
        ("Enter", Key::KeyOpen),
        ("r", Key::KeyReply),
        ("n", Key::KeyNote),
        ("f", Key::KeyFile),
        ("a", Key::KeyTake),
        ("c", Key::KeyClose),
        ("Esc", Key::KeyBack),
        ("?", Key::KeyHelp),
    ];
    let onclose = props.onclose.reform(|_: MouseEvent| ());
    html! {
        <div class="bi-overlay" role="dialog" aria-modal="true" aria-labelledby="bi-shortcuts-title" data-testid="shortcuts">
            <div class="bi-overlay__card">
                <h2 id="bi-shortcuts-title">{ t(Key::ShortcutsTitle) }</h2>
                <dl class="bi-keys">
                    { for keys.iter().map(|(k, d)| html! { <><dt><kbd>{ *k }</kbd></dt><dd>{ t(*d) }</dd></> }) }
                </dl>
                <button type="button" class="bi-button" ref={close_ref} onclick={onclose}>{ t(Key::CloseDialog) }</button>
            </div>
        </div>
    }
}
