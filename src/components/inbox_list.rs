//! The inbox list: view switches with counts, sort, freshness and refresh, the connection banner,
//! the "N updates" bar and the rows (a listbox with roving focus).

use std::collections::{BTreeSet, HashMap};
use std::rc::Rc;

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use super::conversation_row::ConversationRow;
use super::feedback::{Banner, EmptyState, Skeleton};
use super::freshness::Freshness;
use super::inbox::SessionHandle;
use crate::api::{Conversation, ConversationId, Group, GroupId, Operator, UserId};
use crate::i18n::{Key, Locale};
use crate::state::session::{SendsState, SyncState};
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

fn view_label(view: View) -> Key {
    match view {
        View::Attention => Key::ViewAttention,
        View::Unassigned => Key::ViewUnassigned,
        View::Unread => Key::ViewUnread,
        View::NotAnswered => Key::ViewNotAnswered,
    }
}

fn empty_text(view: View) -> Key {
    match view {
        View::Attention => Key::EmptyAttention,
        View::Unassigned => Key::EmptyUnassigned,
        View::Unread => Key::EmptyUnread,
        View::NotAnswered => Key::EmptyNotAnswered,
    }
}

/// The list pane.
#[component]
pub fn InboxList(props: &InboxListProps) -> Html {
    let session = use_context::<SessionHandle>();
    let locale = session
        .as_ref()
        .map(|s| s.config.locale)
        .unwrap_or_default();
    let t = |k: Key| k.text(locale);
    let state = &props.state;

    // One Callback for the rows for the component's lifetime, forwarding to the latest `onopen`:
    // the parent builds a new `onopen` on each of its renders, and a prop whose identity changes
    // re-renders every row (1000 rows re-rendered by a poll that changed nothing).
    let latest_onopen = use_mut_ref(|| props.onopen.clone());
    *latest_onopen.borrow_mut() = props.onopen.clone();
    let row_onopen = {
        let latest = latest_onopen.clone();
        use_callback((), move |id: ConversationId, _| {
            let onopen = latest.borrow().clone();
            onopen.emit(id);
        })
    };

    let tabs = View::ALL.into_iter().map(|view| {
        let selected = state.view == view;
        let count = state.count(view);
        let onclick = props.onview.reform(move |_| view);
        html! {
            <button type="button" role="tab" class={classes!("bi-tab", selected.then_some("bi-tab--selected"))}
                aria-selected={if selected { "true" } else { "false" }}
                data-testid={view.testid()} {onclick}>
                <span>{ t(view_label(view)) }</span>
                if let Some(n) = count {
                    <span class="bi-tab__count" aria-label={format!("{n} {}", t(Key::ConversationsWord))}>{ n }</span>
                }
            </button>
        }
    });

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
        let session = session.clone();
        Callback::from(move |_| {
            if let Some(s) = &session {
                s.refresh();
            }
        })
    };
    let onapply = {
        let state = state.clone();
        Callback::from(move |_| state.dispatch(InboxAction::ApplyUpdates))
    };
    let engage = |on: bool| {
        let state = state.clone();
        Callback::from(move |_: FocusEvent| state.dispatch(InboxAction::Engage(on)))
    };
    let hover = |on: bool| {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| state.dispatch(InboxAction::Engage(on)))
    };

    let banner = connection_banner(&props.sync, locale);
    let pending = state.pending_count();
    let cursor = state.selected.or_else(|| state.shown.first().map(|c| c.id));

    let body = if state.shown.is_empty() && state.is_loading() {
        html! { <Skeleton rows={6} label={t(Key::Loading)} /> }
    } else if state.shown.is_empty() {
        if state.error().is_some() && state.count(state.view).is_none() {
            html! {}
        } else {
            html! { <EmptyState title={t(empty_text(state.view))} /> }
        }
    } else {
        html! {
            <ul class="bi-list" role="listbox" aria-label={t(view_label(state.view))} data-testid="inbox-list"
                onfocusin={engage(true)} onfocusout={engage(false)}
                onmouseenter={hover(true)} onmouseleave={hover(false)}>
                <Rows rows={state.shown.clone()} view={state.view} selected={state.selected} {cursor}
                    drafted={props.sends.drafted.clone()} me={props.sync.me}
                    operators={props.sync.operators.clone()} groups={props.sync.groups.clone()}
                    {locale} onopen={row_onopen} />
            </ul>
        }
    };

    html! {
        <div class="bi-inbox">
            <div class="bi-tabs" role="tablist" aria-label={t(Key::ViewsLabel)}>{ for tabs }</div>
            <div class="bi-toolbar">
                <label class="bi-sort">
                    <span class="bi-visually-hidden">{ t(Key::SortLabel) }</span>
                    <select onchange={onsort} data-testid="inbox-sort" aria-label={t(Key::SortLabel)}>
                        <option value="latest" selected={state.sort == SortOrder::Latest}>{ t(Key::SortLatest) }</option>
                        <option value="waiting" selected={state.sort == SortOrder::WaitingLongest}>{ t(Key::SortWaiting) }</option>
                    </select>
                </label>
                <Freshness updated_at={props.sync.updated_at} {locale} />
                <button type="button" class="bi-button bi-button--small" onclick={onrefresh} data-testid="inbox-refresh">
                    { t(Key::Refresh) }
                </button>
            </div>
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

/// Props of [`Rows`]: everything compared cheaply (`Rc`s by pointer), so that a render of the
/// list pane for anything else (freshness after each poll, the tabs' counts, a send state)
/// does not even visit the rows.
#[derive(Properties)]
struct RowsProps {
    rows: Rc<Vec<Conversation>>,
    view: View,
    selected: Option<ConversationId>,
    cursor: Option<ConversationId>,
    drafted: Rc<BTreeSet<ConversationId>>,
    me: Option<UserId>,
    operators: Rc<Vec<Operator>>,
    groups: Rc<Vec<Group>>,
    locale: Locale,
    onopen: Callback<ConversationId>,
}

impl PartialEq for RowsProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.rows, &other.rows)
            && self.view == other.view
            && self.selected == other.selected
            && self.cursor == other.cursor
            && Rc::ptr_eq(&self.drafted, &other.drafted)
            && self.me == other.me
            && Rc::ptr_eq(&self.operators, &other.operators)
            && Rc::ptr_eq(&self.groups, &other.groups)
            && self.locale == other.locale
            && self.onopen == other.onopen
    }
}

/// Rows rendered in the first task after a list arrives (more than a tall screen shows)...
const FIRST_ROWS: usize = 40;
/// ...then this many more per task, so 1000 rows never block input for long.
const MORE_ROWS: usize = 250;

/// The rows of the list (children of its `<ul>`). A long list is rendered progressively: the
/// first screenful at once, the rest in chunks in the following tasks (every row ends up in
/// the DOM: find-in-page, screen readers and j/k see the whole list). Rows already on screen
/// are never taken away by the chunking.
#[component]
fn Rows(props: &RowsProps) -> Html {
    let now = use_state(clock_now);
    {
        let now = now.clone();
        use_effect_with((), move |_| {
            let interval =
                gloo_timers::callback::Interval::new(30_000, move || now.set(clock_now()));
            move || drop(interval)
        });
    }
    // (view, how many rows to render): back to one screenful when the view changes.
    let progress = use_mut_ref(|| (props.view, FIRST_ROWS));
    let limit = {
        let mut p = progress.borrow_mut();
        if p.0 != props.view {
            *p = (props.view, FIRST_ROWS);
        }
        p.1
    };
    let total = props.rows.len();
    {
        let progress = progress.clone();
        let rerender = use_force_update();
        use_effect_with((limit, total), move |&(limit, total)| {
            let more = (limit < total).then(|| {
                gloo_timers::callback::Timeout::new(0, move || {
                    progress.borrow_mut().1 = limit.saturating_add(MORE_ROWS);
                    rerender.force_update();
                })
            });
            move || drop(more)
        });
    }

    // E-mails and titles as shared strings, once per render rather than a copy per row.
    let emails: HashMap<UserId, AttrValue> = props
        .operators
        .iter()
        .map(|o| (o.user_id, AttrValue::from(o.email.clone())))
        .collect();
    let titles: HashMap<GroupId, AttrValue> = props
        .groups
        .iter()
        .map(|g| (g.id, AttrValue::from(g.title.clone())))
        .collect();
    // One `Rc` per shown conversation, kept while it is unchanged: an unchanged row gets the
    // same props (no copy of the conversation, no re-render), and nothing older is retained.
    let shared = use_mut_ref(HashMap::<ConversationId, Rc<Conversation>>::new);
    let mut shared = shared.borrow_mut();
    let mut kept = HashMap::with_capacity(limit.min(total));
    // The first `limit` rows, and every row already on screen (a long list arriving after a short
    // one must not take rows away, and their focus, for a few frames).
    let shown = props
        .rows
        .iter()
        .enumerate()
        .filter(|(i, c)| *i < limit || shared.contains_key(&c.id))
        .map(|(_, c)| c)
        .collect::<Vec<_>>();
    let rows = shown.into_iter().map(|c| {
        let id = c.id;
        let conversation = match shared.remove(&id) {
            Some(rc) if *rc == *c => rc,
            _ => Rc::new(c.clone()),
        };
        kept.insert(id, Rc::clone(&conversation));
        html! {
            <ConversationRow key={id.0} {conversation}
                selected={props.selected == Some(id)}
                tab_stop={props.cursor == Some(id)}
                has_draft={props.drafted.contains(&id)}
                mine={props.me.is_some() && c.operator_user_id == props.me}
                assignee={c.operator_user_id.and_then(|u| emails.get(&u).cloned())}
                group={c.group_id.and_then(|g| titles.get(&g).cloned())}
                locale={props.locale}
                now={*now}
                onopen={props.onopen.clone()} />
        }
    });
    let html = html! { { for rows } };
    *shared = kept;
    html
}

/// Unix seconds, rounded down to 30 s so the rows' relative times change together.
fn clock_now() -> i64 {
    let secs = (crate::state::session::now_ms() / 1000) as i64;
    secs - secs.rem_euclid(30)
}

fn connection_banner(sync: &SyncState, locale: Locale) -> Html {
    let t = |k: Key| k.text(locale);
    if sync.offline {
        return html! { <Banner kind="offline" title={t(Key::OfflineTitle)} message={t(Key::OfflineText)} /> };
    }
    match &sync.lists {
        Some(PollState::Stopped { error }) => html! {
            <Banner kind="auth" title={t(Key::AuthTitle)} message={error.user_message()} />
        },
        Some(PollState::Backoff {
            retry_at, error, ..
        }) => {
            let secs = retry_at
                .saturating_sub(crate::state::session::now_ms())
                .div_ceil(1000);
            html! {
                <Banner kind="error" title={t(Key::BackoffTitle)}
                    message={format!("{} {} {secs} s.", error.user_message(), t(Key::NextTry))} />
            }
        }
        _ => html! {},
    }
}
