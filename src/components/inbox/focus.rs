//! Where keyboard focus goes in the inbox: j/k over the rows (the rows' tab stop itself belongs
//! to [`super::super::row_list`]), back to a row, and to the next conversation after a Close.

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};
use yew::prelude::*;

use crate::api::ConversationId;
use crate::state::{InboxState, OpenState, SessionHandle};

fn rows(root: &Element) -> Vec<HtmlElement> {
    let Ok(list) = root.query_selector_all("[data-testid=\"inbox-row\"]") else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into::<HtmlElement>().ok())
        .collect()
}

/// j/k: roving focus over the rows.
pub(super) fn move_cursor(root: &Element, step: i32) {
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
        crate::components::row_list::give_tab_stop(row);
        let _ = row.focus();
    }
}

/// Focuses the row of `id` (or the first row).
pub(super) fn focus_row(root: &Element, id: Option<ConversationId>) {
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

/// After `closed` was closed: the conversation after it in `order` (the rows as they were while
/// it was still listed) that is still in `rows`, wrapping around; else any other row.
fn next_after_close(
    order: &[ConversationId],
    rows: &[ConversationId],
    closed: ConversationId,
) -> Option<ConversationId> {
    let listed = |id: &ConversationId| *id != closed && rows.contains(id);
    order
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
        .or_else(|| rows.iter().copied().find(|id| *id != closed))
}

/// The conversation view's Back (focus returns to its row) and what follows a Close (the next
/// conversation of the list opens and its row takes focus).
#[hook]
pub(super) fn use_back_and_next(
    session: &SessionHandle,
    open: &UseReducerHandle<OpenState>,
    inbox: &UseReducerHandle<InboxState>,
    root_ref: &NodeRef,
) -> (Callback<()>, Callback<ConversationId>) {
    // The row order the last time it still held the open conversation: once a Close succeeds
    // the list drops the closed row at once, so "the next one" must be found in this order.
    let order_with_open = use_mut_ref(Vec::<ConversationId>::new);
    if let Some(id) = open.id {
        if inbox.shown.iter().any(|c| c.id == id) {
            *order_with_open.borrow_mut() = inbox.shown.iter().map(|c| c.id).collect();
        }
    }
    let onback = {
        let (session, root_ref, open) = (session.clone(), root_ref.clone(), open.clone());
        Callback::from(move |()| {
            let id = open.id;
            session.open(None);
            if let Some(root) = root_ref.cast::<Element>() {
                focus_row(&root, id);
            }
        })
    };
    let onclosed_next = {
        let (session, inbox, root_ref) = (session.clone(), inbox.clone(), root_ref.clone());
        Callback::from(move |closed: ConversationId| {
            let rows: Vec<ConversationId> = inbox.shown.iter().map(|c| c.id).collect();
            let next = next_after_close(&order_with_open.borrow(), &rows, closed);
            session.open(next);
            if let (Some(root), Some(next)) = (root_ref.cast::<Element>(), next) {
                focus_row(&root, Some(next));
            }
        })
    };
    (onback, onclosed_next)
}
