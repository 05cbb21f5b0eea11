//! The root of the suite: owns one session and its stores, lays out the list and the open
//! conversation, and routes the widget-scoped keyboard shortcuts. Its lifecycle (the session,
//! drafts saved on hide, host reports) is in `lifecycle`, the shortcuts in `keys`, and where
//! focus goes in `focus`.

mod focus;
mod keys;
mod lifecycle;

use yew::prelude::*;

use super::conversation_view::ConversationView;
use super::feedback::{Banner, BannerKind};
use super::inbox_list::InboxList;
use super::shortcuts::ShortcutsOverlay;
use crate::api::ConversationId;
use crate::i18n::Key;
use crate::state::{
    BeforeSendHook, ComposerRequest, ConfigHandle, Dispatchers, HostEvent, InboxAction, InboxState,
    OpenState, SendsState, SessionHandle, SyncState, View,
};
use focus::use_back_and_next;
use keys::Shortcuts;
pub use lifecycle::ListsSnapshot;
use lifecycle::{use_host_reports, use_session};

/// Props of [`Inbox`].
#[derive(Properties, PartialEq)]
pub struct InboxProps {
    /// The widget's configuration.
    pub config: ConfigHandle,
    /// Receives every host event.
    #[prop_or_default]
    pub onevent: Callback<HostEvent>,
    /// Asked before every send; `false` cancels.
    #[prop_or_default]
    pub before_send: Option<BeforeSendHook>,
    /// The view to start with.
    #[prop_or_default]
    pub initial_view: View,
    /// Receives the session once it exists (the JS API drives it).
    #[prop_or_default]
    pub onsession: Callback<Option<SessionHandle>>,
    /// Receives the lists whenever they change, once all three have answered (the standalone
    /// app diffs them for its opt-in notifications).
    #[prop_or_default]
    pub onlists: Callback<ListsSnapshot>,
}

/// The whole inbox: list, conversation, composer.
#[component]
pub fn Inbox(props: &InboxProps) -> Html {
    let initial_view = props.initial_view;
    let inbox = use_reducer(move || InboxState::with_view(initial_view));
    let open = use_reducer(OpenState::default);
    let sends = use_reducer(SendsState::default);
    let sync = use_reducer(SyncState::default);
    let overlay = use_state(|| false);
    let composer_request = use_state(|| None::<ComposerRequest>);
    let root_ref = use_node_ref();
    let locale = props.config.locale;

    let dispatchers = Dispatchers {
        inbox: inbox.dispatcher(),
        open: open.dispatcher(),
        sends: sends.dispatcher(),
        sync: sync.dispatcher(),
    };
    let session = use_session(
        &props.config,
        dispatchers,
        props.onevent.clone(),
        props.before_send.clone(),
        props.onsession.clone(),
        open.id,
    );
    let session = match &*session {
        Ok(s) => s.clone(),
        Err(message) => return config_error(&props.config, message),
    };
    use_host_reports(&session, &inbox, &props.onlists);

    let onkeydown = Shortcuts {
        session: session.clone(),
        open: open.clone(),
        overlay: overlay.clone(),
        composer_request: composer_request.clone(),
        root_ref: root_ref.clone(),
    }
    .callback();

    let onopen = {
        let session = session.clone();
        Callback::from(move |id: ConversationId| session.open(Some(id)))
    };
    let onview = {
        let inbox = inbox.clone();
        Callback::from(move |v: View| inbox.dispatch(InboxAction::SetView(v)))
    };
    let (onback, onclosed_next) = use_back_and_next(&session, &open, &inbox, &root_ref);

    let has_open = open.id.is_some();
    html! {
        <ContextProvider<ConfigHandle> context={props.config.clone()}>
        <ContextProvider<SessionHandle> context={session.clone()}>
            <div class={classes!("bi-root", has_open.then_some("bi-root--open"))}
                data-theme={props.config.theme.as_str()}
                lang={locale.tag()}
                ref={root_ref}
                {onkeydown}>
                <section class="bi-pane bi-pane--list" aria-label={Key::InboxLabel.text(locale)}>
                    <InboxList state={inbox.clone()} sync={sync.clone()} sends={sends.clone()} {onopen} {onview} />
                </section>
                <section class="bi-pane bi-pane--conversation" aria-label={Key::ConversationLabel.text(locale)}>
                    if has_open {
                        <ConversationView open={open.clone()} sends={sends.clone()} sync={sync.clone()}
                            composer_request={*composer_request} {onback} {onclosed_next} />
                    } else {
                        <div class="bi-placeholder">
                            <p>{ Key::PickConversation.text(locale) }</p>
                            <p class="bi-muted">{ Key::ShortcutHint.text(locale) }</p>
                        </div>
                    }
                </section>
                if *overlay {
                    <ShortcutsOverlay {locale} onclose={{ let o = overlay.clone(); Callback::from(move |_| o.set(false)) }} />
                }
            </div>
        </ContextProvider<SessionHandle>>
        </ContextProvider<ConfigHandle>>
    }
}

/// A configuration that cannot work: said plainly, in place of the inbox.
fn config_error(config: &ConfigHandle, message: &str) -> Html {
    html! {
        <div class="bi-root" data-theme={config.theme.as_str()}>
            <Banner kind={BannerKind::Error} title={Key::ConfigInvalid.text(config.locale)} message={message.to_owned()} />
        </div>
    }
}
