//! The open conversation: header (client, channel, status, operator, group, actions; in
//! `header`), the timeline and the composer.

mod header;

use yew::prelude::*;

use crate::api::{ApiError, ConversationId, Status};
use crate::components::composer::Composer;
use crate::components::feedback::{Banner, BannerKind};
use crate::components::timeline::Timeline;
use crate::i18n::{Key, Locale, error_text};
use crate::state::session::{SendsState, SyncState};
use crate::state::{ActionKind, ActionState, OpenState};
use crate::state::{ComposerRequest, ConfigHandle, SessionHandle};
use header::{action_feedback, toolbar, who};

/// Props of [`ConversationView`].
#[derive(Properties, PartialEq)]
pub struct ConversationViewProps {
    /// The open conversation's store.
    pub open: UseReducerHandle<OpenState>,
    /// Outbox and drafts.
    pub sends: UseReducerHandle<SendsState>,
    /// Directory and my id.
    pub sync: UseReducerHandle<SyncState>,
    /// A keyboard request to focus the composer in a mode.
    #[prop_or_default]
    pub composer_request: Option<ComposerRequest>,
    /// Back to the list (narrow layout, Escape).
    pub onback: Callback<()>,
    /// The conversation was closed: move on to the next.
    pub onclosed_next: Callback<ConversationId>,
}

/// The conversation pane.
#[component]
pub fn ConversationView(props: &ConversationViewProps) -> Html {
    let config = use_context::<ConfigHandle>();
    let Some(session) = use_context::<SessionHandle>() else {
        return html! {};
    };
    let locale = config.unwrap_or_else(|| session.config()).locale;
    let open = &props.open;
    let Some(id) = open.id else { return html! {} };
    use_next_after_close(open, id, &props.onclosed_next);
    let Some(c) = open.conversation.clone() else {
        return not_loaded(open.error.as_ref(), locale);
    };
    let sync = &props.sync;
    let mine = sync.me.is_some() && c.operator_user_id == sync.me;
    let onback = props.onback.reform(|_: MouseEvent| ());
    html! {
        <div class="bi-conversation" data-testid="conversation-view" data-conversation-id={id.to_string()}>
            <header class="bi-header">
                <button type="button" class="bi-button bi-button--small bi-back" onclick={onback} aria-label={Key::BackToList.text(locale)}>{ "←" }</button>
                { who(&c, sync, mine, locale) }
                { toolbar(&session, open, sync, &c, mine, locale) }
            </header>
            { action_feedback(&session, open, locale) }
            if let Some(e) = &open.error {
                <Banner kind={BannerKind::Error} title={Key::StaleConversation.text(locale)} message={error_text(e, locale)} />
            }
            <Timeline {id} open={open.clone()} sends={props.sends.clone()} operators={sync.operators.clone()} {locale} />
            <Composer conversation={c.clone()} open={open.clone()} me={sync.me} request={props.composer_request}
                degraded={props.sends.storage_degraded} restored={props.sends.restored} />
        </div>
    }
}

/// Close succeeded (the status turned closed while a Close was pending): move on to the next.
#[hook]
fn use_next_after_close(
    open: &UseReducerHandle<OpenState>,
    id: ConversationId,
    onclosed_next: &Callback<ConversationId>,
) {
    let onclosed_next = onclosed_next.clone();
    let closed = open
        .conversation
        .as_ref()
        .is_some_and(|c| c.status == Status::Closed);
    let was_closing = use_mut_ref(|| false);
    let closing = matches!(open.action, ActionState::Pending(ActionKind::Close));
    use_effect_with((closing, closed), move |(closing, closed)| {
        if *closing {
            *was_closing.borrow_mut() = true;
        } else if *was_closing.borrow() {
            *was_closing.borrow_mut() = false;
            if *closed {
                onclosed_next.emit(id);
            }
        }
    });
}

/// Before the conversation's first answer: loading, or why it cannot be loaded.
fn not_loaded(error: Option<&ApiError>, locale: Locale) -> Html {
    match error {
        Some(e) => html! {
            <div class="bi-conversation" data-testid="conversation-view">
                <Banner kind={BannerKind::Error} title={Key::ConversationLoadFailed.text(locale)} message={error_text(e, locale)} />
            </div>
        },
        None => html! {
            <div class="bi-conversation" data-testid="conversation-view" aria-busy="true">
                <p class="bi-muted">{ Key::Loading.text(locale) }</p>
            </div>
        },
    }
}
