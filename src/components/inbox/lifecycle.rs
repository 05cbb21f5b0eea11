//! The root's lifecycle: one [`Session`] per session key (started, ticked every 250 ms,
//! reconfigured when other options change, handing its work over to the next one when the key
//! changes, shut down on unmount, the open conversation kept open across it), the
//! drafts saved when the page is hidden, and what the host hears of the lists.

use std::rc::Rc;

use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::api::ConversationId;
use crate::state::{
    BeforeSendHook, ByPtr, ConfigHandle, Dispatchers, HostEvent, InboxState, Session,
    SessionHandle, drop_handover,
};

/// The three API lists, concatenated (a conversation may appear twice), and my user id.
#[derive(Clone, Debug, PartialEq)]
pub struct ListsSnapshot {
    /// Unassigned, unread and not-answered, as last fetched.
    pub conversations: Rc<Vec<crate::api::Conversation>>,
    /// My user id (`operator_user_id` of my conversations), once known.
    pub me: Option<crate::api::UserId>,
}

/// The session for `config`, or why the configuration cannot work. Options that do not bind the
/// session are applied to it; a change of its key is a new session, to which the old one hands
/// its work (sends in flight, a scheduled action) and in which `reopen` (the open conversation)
/// is opened. Unmounting shuts the session down.
#[hook]
pub(super) fn use_session(
    config: &ConfigHandle,
    dispatchers: Dispatchers,
    onevent: Callback<HostEvent>,
    before_send: Option<BeforeSendHook>,
    onsession: Callback<Option<SessionHandle>>,
    reopen: Option<ConversationId>,
) -> Rc<Result<SessionHandle, String>> {
    let session = {
        let hook = before_send.map(|h| h.0);
        let config = config.clone();
        let dispatchers = dispatchers.clone();
        use_memo(config.session_key(), move |_| {
            Session::new(config, dispatchers, onevent, hook).map(ByPtr)
        })
    };
    // The session of the latest render: an effect cleanup that finds another one there was
    // replaced (hand over), one that finds itself was unmounted (shut down).
    let latest = use_mut_ref(|| None::<SessionHandle>);
    *latest.borrow_mut() = (*session).clone().ok();
    {
        let session = (*session).clone();
        use_effect_with(config.clone(), move |config| {
            if let Ok(s) = &session {
                if s.config() != *config {
                    s.reconfigure(config.clone());
                }
            }
        });
    }
    {
        let session = (*session).clone();
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
                    let next = latest.borrow().clone();
                    match next {
                        Some(next) if next != *s => next.adopt(s, s.retire()),
                        Some(_) => s.shutdown(),
                        None => drop_handover(&dispatchers, s.retire()),
                    }
                }
                onsession.emit(None);
            }
        });
    }
    session
}

/// Tells the host the unread total when it changes, and hands the lists to `onlists`.
#[hook]
pub(super) fn use_host_reports(
    session: &SessionHandle,
    inbox: &UseReducerHandle<InboxState>,
    onlists: &Callback<ListsSnapshot>,
) {
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
    let lists: Option<Vec<_>> = crate::api::ListName::ALL
        .iter()
        .map(|k| inbox.list(*k).items.clone().map(ByPtr))
        .collect();
    let onlists = onlists.clone();
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
