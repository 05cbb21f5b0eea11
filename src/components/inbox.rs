//! The root of the suite: owns one [`Session`] and its stores, lays out the list and the open
//! conversation, and handles the widget-scoped keyboard shortcuts.

use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, KeyboardEvent};
use yew::prelude::*;

use super::conversation_view::ConversationView;
use super::feedback::{Banner, BannerKind};
use super::inbox_list::InboxList;
use super::shortcuts::ShortcutsOverlay;
use crate::api::ConversationId;
use crate::i18n::Key;
use crate::state::{
    Action, BeforeSendHook, ByPtr, ComposerRequest, ConfigHandle, Dispatchers, HostEvent,
    InboxAction, InboxState, OpenState, SendsState, Session, SessionHandle, SyncState, View,
};
use crate::sync::outbox::SendKind;

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

/// The three API lists, concatenated (a conversation may appear twice), and my user id.
#[derive(Clone, Debug, PartialEq)]
pub struct ListsSnapshot {
    /// Unassigned, unread and not-answered, as last fetched.
    pub conversations: Rc<Vec<crate::api::Conversation>>,
    /// My user id (`operator_user_id` of my conversations), once known.
    pub me: Option<crate::api::UserId>,
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
    let session = {
        let onevent = props.onevent.clone();
        let hook = props.before_send.clone().map(|h| h.0);
        use_memo(props.config.clone(), move |config| {
            Session::new(config.clone(), dispatchers, onevent, hook).map(ByPtr)
        })
    };
    {
        let session = (*session).clone();
        let onsession = props.onsession.clone();
        // A new configuration is a new session: keep the open conversation open in it.
        let reopen = open.id;
        use_effect_with(session.clone().ok(), move |_| {
            let ticker = session.as_ref().ok().map(|s| {
                let s = Rc::clone(&s.0);
                if reopen.is_some() {
                    s.open(reopen);
                }
                s.tick();
                s.emit(HostEvent::Ready);
                gloo_timers::callback::Interval::new(250, move || s.tick())
            });
            let savers = session
                .as_ref()
                .ok()
                .map(|s| save_drafts_on_hide(Rc::clone(&s.0)));
            onsession.emit(session.as_ref().ok().cloned());
            move || {
                drop(ticker);
                drop(savers);
                if let Ok(s) = &session {
                    s.shutdown();
                }
                onsession.emit(None);
            }
        });
    }
    let session = match &*session {
        Ok(s) => s.clone(),
        Err(message) => {
            return html! {
                <div class="bi-root" data-theme={props.config.theme.as_str()}>
                    <Banner kind={BannerKind::Error} title={Key::ConfigInvalid.text(locale)} message={message.clone()} />
                </div>
            };
        }
    };
    {
        let session = session.clone();
        // Also re-run when loading completes: the last list to answer may not change the total,
        // and the host must still hear it once.
        use_effect_with(
            (inbox.unread_total(), inbox.is_loading()),
            move |(total, loading)| {
                if !loading {
                    session.report_unread(*total);
                }
            },
        );
    }
    {
        let lists: Option<Vec<_>> = crate::api::ListName::ALL
            .iter()
            .map(|k| inbox.list(*k).items.clone().map(ByPtr))
            .collect();
        let onlists = props.onlists.clone();
        use_effect_with((lists, inbox.me), move |(lists, me)| {
            if let Some(lists) = lists {
                let conversations = lists.iter().flat_map(|l| l.0.iter().cloned()).collect();
                onlists.emit(ListsSnapshot {
                    conversations: Rc::new(conversations),
                    me: *me,
                });
            }
        });
    }

    let onkeydown = {
        let session = session.clone();
        let open = open.clone();
        let overlay = overlay.clone();
        let composer_request = composer_request.clone();
        let root_ref = root_ref.clone();
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
    };

    let onopen = {
        let session = session.clone();
        Callback::from(move |id: ConversationId| session.open(Some(id)))
    };
    let onback = {
        let session = session.clone();
        let root_ref = root_ref.clone();
        let open = open.clone();
        Callback::from(move |_| {
            let id = open.id;
            session.open(None);
            if let Some(root) = root_ref.cast::<Element>() {
                focus_row(&root, id);
            }
        })
    };
    let onview = {
        let inbox = inbox.clone();
        Callback::from(move |v: View| inbox.dispatch(InboxAction::SetView(v)))
    };
    // The row order the last time it still held the open conversation: once a Close succeeds
    // the list drops the closed row at once, so "the next one" must be found in this order.
    let order_with_open = use_mut_ref(Vec::<ConversationId>::new);
    if let Some(id) = open.id {
        if inbox.shown.iter().any(|c| c.id == id) {
            *order_with_open.borrow_mut() = inbox.shown.iter().map(|c| c.id).collect();
        }
    }
    let onclosed_next = {
        // After Close, focus moves to the next conversation of the list.
        let session = session.clone();
        let inbox = inbox.clone();
        let root_ref = root_ref.clone();
        let order_with_open = order_with_open.clone();
        Callback::from(move |closed: ConversationId| {
            let rows = &inbox.shown;
            let listed = |id: &ConversationId| *id != closed && rows.iter().any(|c| c.id == *id);
            let order = order_with_open.borrow().clone();
            let next = order
                .iter()
                .position(|id| *id == closed)
                .and_then(|p| {
                    order
                        .iter()
                        .skip(p + 1)
                        .chain(order.iter().take(p))
                        .find(|id| listed(id))
                        .copied()
                })
                .or_else(|| rows.iter().map(|c| c.id).find(|id| *id != closed));
            session.open(next);
            if let (Some(root), Some(next)) = (root_ref.cast::<Element>(), next) {
                focus_row(&root, Some(next));
            }
        })
    };

    let has_open = open.id.is_some();
    html! {
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
    }
}

/// Window listeners that save the drafts when the page is hidden or unloaded (a reload right
/// after typing would otherwise lose what the debounce had not written yet). Removed on drop.
struct DraftSavers {
    window: web_sys::Window,
    callback: wasm_bindgen::closure::Closure<dyn Fn()>,
}

const DRAFT_SAVE_EVENTS: [&str; 2] = ["pagehide", "visibilitychange"];

fn save_drafts_on_hide(session: Rc<Session>) -> Option<DraftSavers> {
    let window = web_sys::window()?;
    let callback = wasm_bindgen::closure::Closure::<dyn Fn()>::new(move || session.save_drafts());
    for event in DRAFT_SAVE_EVENTS {
        let _ = window.add_event_listener_with_callback(event, callback.as_ref().unchecked_ref());
    }
    Some(DraftSavers { window, callback })
}

impl Drop for DraftSavers {
    fn drop(&mut self) {
        for event in DRAFT_SAVE_EVENTS {
            let _ = self
                .window
                .remove_event_listener_with_callback(event, self.callback.as_ref().unchecked_ref());
        }
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

fn rows(root: &Element) -> Vec<HtmlElement> {
    let Ok(list) = root.query_selector_all("[data-testid=\"inbox-row\"]") else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into::<HtmlElement>().ok())
        .collect()
}

/// j/k: roving focus over the rows.
fn move_cursor(root: &Element, step: i32) {
    let rows = rows(root);
    if rows.is_empty() {
        return;
    }
    let active = root
        .get_root_node()
        .dyn_into::<web_sys::Document>()
        .ok()
        .and_then(|d| d.active_element())
        .or_else(|| {
            root.get_root_node()
                .dyn_into::<web_sys::ShadowRoot>()
                .ok()
                .and_then(|s| s.active_element())
        });
    let current = rows
        .iter()
        .position(|r| active.as_ref().is_some_and(|a| a == r.as_ref() as &Element));
    let current = current.or_else(|| rows.iter().position(|r| r.tab_index() == 0));
    let next = match current {
        None => 0,
        Some(i) => (i as i64 + i64::from(step)).clamp(0, rows.len() as i64 - 1) as usize,
    };
    if let Some(row) = rows.get(next) {
        super::row_list::give_tab_stop(row);
        let _ = row.focus();
    }
}

/// Focuses the row of `id` (or the first row).
pub fn focus_row(root: &Element, id: Option<ConversationId>) {
    let rows = rows(root);
    let wanted = id.map(|id| id.to_string());
    let row = rows
        .iter()
        .find(|r| wanted.is_some() && r.get_attribute("data-conversation-id") == wanted)
        .or_else(|| rows.first());
    if let Some(row) = row {
        let _ = row.focus();
    }
}
