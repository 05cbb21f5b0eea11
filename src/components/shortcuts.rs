//! The `?` overlay listing the keyboard shortcuts.

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
        use_effect_with((), move |_| {
            if let Some(b) = close_ref.cast::<web_sys::HtmlElement>() {
                let _ = b.focus();
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
