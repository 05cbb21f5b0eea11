//! The inbox list: view switches with counts, sort, freshness and refresh, the connection banner,
//! the "N updates" bar and the rows (a listbox with roving focus).

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use super::feedback::{Banner, BannerKind, EmptyState, Skeleton};
use super::freshness::Freshness;
pub use super::row_list::{RowList, RowListProps};
use crate::api::ConversationId;
use crate::i18n::{Key, Locale, error_text};
use crate::state::session::{SendsState, SyncState};
use crate::state::{ConfigHandle, SessionHandle};
use crate::state::{InboxAction, InboxState, SortOrder, View};
use crate::sync::scheduler::PollState;

/// Props of [`InboxList`].
#[derive(Properties, PartialEq)]
pub struct InboxListProps {
    /// The inbox store.
    pub state: UseReducerHandle<InboxState>,
    /// Freshness and directory.
    pub sync: UseReducerHandle<SyncState>,
    /// Outbox and drafts (for the draft markers).
    pub sends: UseReducerHandle<SendsState>,
    /// A row was opened.
    pub onopen: Callback<ConversationId>,
    /// A view was picked.
    pub onview: Callback<View>,
}

/// The list pane.
#[component]
pub fn InboxList(props: &InboxListProps) -> Html {
    let config = use_context::<ConfigHandle>();
    let session = use_context::<SessionHandle>();
    let locale = config
        .or_else(|| session.as_ref().map(|s| s.config()))
        .map(|c| c.locale)
        .unwrap_or_default();
    let t = |k: Key| k.text(locale);
    let state = &props.state;
    let row_onopen = use_latest_onopen(&props.onopen);

    let onapply = {
        let state = state.clone();
        Callback::from(move |_| state.dispatch(InboxAction::ApplyUpdates))
    };
    // Stable for the component's lifetime (the dispatcher outlives each state handle), so the
    // rows' props compare equal across renders.
    let onengage = {
        let state = state.clone();
        use_callback((), move |on: bool, _| {
            state.dispatch(InboxAction::Engage(on))
        })
    };

    let banner = connection_banner(&props.sync, locale);
    let pending = state.pending_count();
    let cursor = state.selected.or_else(|| state.shown.first().map(|c| c.id));

    let body = if !state.view_loaded() {
        html! { <Skeleton rows={6} label={t(Key::Loading)} /> }
    } else if state.shown.is_empty() {
        if state.error().is_some() && state.count(state.view).is_none() {
            html! {}
        } else {
            html! { <EmptyState title={t(state.view.empty_text())} /> }
        }
    } else {
        html! {
            <RowList rows={state.shown.clone()} view={state.view} selected={state.selected} {cursor}
                drafted={props.sends.drafted.clone()} me={props.sync.me}
                operators={props.sync.operators.clone()} groups={props.sync.groups.clone()}
                {locale} label={t(state.view.label())} onopen={row_onopen} {onengage} />
        }
    };

    html! {
        <div class="bi-inbox">
            { view_tabs(state, &props.onview, locale) }
            { toolbar(state, session.as_ref(), (props.sync.updated_at, props.sync.push), locale) }
            { banner }
            if state.skipped() > 0 {
                <p class="bi-notice" role="status">{ format!("{} {}", state.skipped(), t(Key::SkippedRows)) }</p>
            }
            if pending > 0 {
                <button type="button" class="bi-updates" onclick={onapply} data-testid="inbox-updates">
                    { format!("{pending} {}", t(Key::UpdatesBar)) }
                </button>
            }
            { body }
        </div>
    }
}

/// One Callback for the rows for the component's lifetime, forwarding to the latest `onopen`:
/// the parent builds a new `onopen` on each of its renders, and a prop whose identity changes
/// re-renders every row (1000 rows re-rendered by a poll that changed nothing).
#[hook]
fn use_latest_onopen(onopen: &Callback<ConversationId>) -> Callback<ConversationId> {
    let latest_onopen = use_mut_ref(|| onopen.clone());
    *latest_onopen.borrow_mut() = onopen.clone();
    use_callback((), move |id: ConversationId, _| {
        let onopen = latest_onopen.borrow().clone();
        onopen.emit(id);
    })
}

/// The view switches, each with its count.
fn view_tabs(
    state: &UseReducerHandle<InboxState>,
    onview: &Callback<View>,
    locale: Locale,
) -> Html {
    let t = |k: Key| k.text(locale);
    let tabs = View::ALL.iter().copied().map(|view| {
        let selected = state.view == view;
        let count = state.count(view);
        let onclick = onview.reform(move |_| view);
        html! {
            <button type="button" role="tab" class={classes!("bi-tab", selected.then_some("bi-tab--selected"))}
                aria-selected={if selected { "true" } else { "false" }}
                data-testid={view.testid()} {onclick}>
                <span>{ t(view.label()) }</span>
                if let Some(n) = count {
                    <span class="bi-tab__count" aria-label={format!("{n} {}", t(Key::ConversationsWord))}>{ n }</span>
                }
            </button>
        }
    });

    html! {
        <div class="bi-tabs" role="tablist" aria-label={t(Key::ViewsLabel)}>{ for tabs }</div>
    }
}

/// Sort, freshness and Refresh.
fn toolbar(
    state: &UseReducerHandle<InboxState>,
    session: Option<&SessionHandle>,
    (updated_at, push): (Option<u64>, crate::state::session::PushState),
    locale: Locale,
) -> Html {
    let t = |k: Key| k.text(locale);
    let onsort = {
        let state = state.clone();
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<HtmlSelectElement>().value();
            let sort = if value == "waiting" {
                SortOrder::WaitingLongest
            } else {
                SortOrder::Latest
            };
            state.dispatch(InboxAction::SetSort(sort));
        })
    };
    let onrefresh = {
        let session = session.cloned();
        Callback::from(move |_| {
            if let Some(s) = &session {
                s.refresh();
            }
        })
    };
    html! {
    <div class="bi-toolbar">
        <label class="bi-sort">
            <span class="bi-visually-hidden">{ t(Key::SortLabel) }</span>
            <select onchange={onsort} data-testid="inbox-sort" aria-label={t(Key::SortLabel)}>
                <option value="latest" selected={state.sort == SortOrder::Latest}>{ t(Key::SortLatest) }</option>
                <option value="waiting" selected={state.sort == SortOrder::WaitingLongest}>{ t(Key::SortWaiting) }</option>
            </select>
        </label>
        <Freshness updated_at={updated_at} {locale} {push} />
        <button type="button" class="bi-button bi-button--small" onclick={onrefresh} data-testid="inbox-refresh">
            { t(Key::Refresh) }
        </button>
    </div>
    }
}

fn connection_banner(sync: &SyncState, locale: Locale) -> Html {
    let t = |k: Key| k.text(locale);
    if sync.offline {
        return html! { <Banner kind={BannerKind::Offline} title={t(Key::OfflineTitle)} message={t(Key::OfflineText)} /> };
    }
    match &sync.lists {
        Some(PollState::Stopped { error }) => html! {
            <Banner kind={BannerKind::Auth} title={t(Key::AuthTitle)} message={error_text(error, locale)} />
        },
        Some(PollState::Backoff {
            retry_at, error, ..
        }) => {
            let secs = retry_at
                .saturating_sub(crate::state::session::mono_ms())
                .div_ceil(1000);
            html! {
                <Banner kind={BannerKind::Error} title={t(Key::BackoffTitle)}
                    message={format!("{} {} {secs}{}.", error_text(error, locale), t(Key::NextTry), t(Key::UnitSeconds))} />
            }
        }
        _ => html! {},
    }
}
