//! The rows of the inbox list: a Yew component owning the `<ul>` (a listbox), whose rows are
//! built, updated and moved by keyed direct-DOM code ([`RowDom`]), with clicks and keys
//! delegated to the `<ul>`. The rows' roving tab stop is kept here and nowhere else.

use std::collections::{BTreeSet, HashMap};
use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::{Element, KeyboardEvent};
use yew::prelude::*;

use super::conversation_row::{Row, RowInput};
use super::row_template::Templates;
use crate::api::{Conversation, ConversationId, Group, GroupId, Operator, UserId};
use crate::i18n::{Key, Locale};
use crate::state::View;

/// Props of [`RowList`]: everything compared cheaply (`Rc`s by pointer), so that a render of
/// the list pane for anything else (freshness after each poll, the tabs' counts, a send state)
/// does not even visit the rows.
#[derive(Properties, Clone)]
pub struct RowListProps {
    /// The rows, in order.
    pub rows: Rc<Vec<Conversation>>,
    /// The view they belong to (a new view starts again with one screenful).
    pub view: View,
    /// The open conversation.
    pub selected: Option<ConversationId>,
    /// The list's tab stop.
    pub cursor: Option<ConversationId>,
    /// Conversations with an unsent draft.
    pub drafted: Rc<BTreeSet<ConversationId>>,
    /// The signed-in operator.
    pub me: Option<UserId>,
    /// Operators (for the assignees' e-mails).
    pub operators: Rc<Vec<Operator>>,
    /// Groups (for their titles).
    pub groups: Rc<Vec<Group>>,
    /// Language.
    pub locale: Locale,
    /// The list's accessible name.
    pub label: AttrValue,
    /// A row was opened (click, Enter or Space).
    pub onopen: Callback<ConversationId>,
    /// The pointer or the focus entered (`true`) or left (`false`) the list.
    pub onengage: Callback<bool>,
}

impl PartialEq for RowListProps {
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
            && self.label == other.label
            && self.onopen == other.onopen
            && self.onengage == other.onengage
    }
}

/// Rows rendered in the first task after a list arrives (more than a tall screen shows)...
const FIRST_ROWS: usize = 40;
/// ...then this many more per task, so 1000 rows never block input for long.
const MORE_ROWS: usize = 250;

/// The list of rows (a listbox with roving focus). Yew renders the `<ul>`; its rows are keyed
/// and kept by [`RowDom`] with direct DOM calls (see `conversation_row.rs` for why), after each
/// render. A long list is rendered progressively: the first screenful at once, the rest in
/// chunks in the following tasks (every row ends up in the DOM: find-in-page, screen readers and
/// j/k see the whole list). Rows already on screen are never taken away by the chunking.
#[component]
pub fn RowList(props: &RowListProps) -> Html {
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

    let list = use_node_ref();
    let dom = use_mut_ref(RowDom::default);
    {
        let list = list.clone();
        let dom = dom.clone();
        let (props, now) = (props.clone(), *now);
        // After every render (this component renders only when its props, its clock or its
        // progress changed).
        use_effect(move || {
            if let Some(ul) = list.cast::<Element>() {
                dom.borrow_mut().sync(&ul, &props, limit, now);
            }
        });
    }

    let onclick = {
        let onopen = props.onopen.clone();
        Callback::from(move |e: MouseEvent| {
            if let Some(id) = row_of(e.target()) {
                onopen.emit(id);
            }
        })
    };
    let onkeydown = {
        let onopen = props.onopen.clone();
        Callback::from(move |e: KeyboardEvent| {
            // On the row itself (it is the focusable element), like a button.
            let on_row = e
                .target()
                .and_then(|t| t.dyn_into::<Element>().ok())
                .is_some_and(|t| t.get_attribute("data-testid").as_deref() == Some("inbox-row"));
            if on_row && (e.key() == "Enter" || e.key() == " ") {
                if let Some(id) = row_of(e.target()) {
                    e.prevent_default();
                    onopen.emit(id);
                }
            }
        })
    };
    let engage = |on: bool| props.onengage.reform(move |_: FocusEvent| on);
    let hover = |on: bool| props.onengage.reform(move |_: MouseEvent| on);
    html! {
        <ul ref={list} class="bi-list" role="listbox" aria-label={props.label.clone()} data-testid="inbox-list"
            {onclick} {onkeydown}
            onfocusin={engage(true)} onfocusout={engage(false)}
            onmouseenter={hover(true)} onmouseleave={hover(false)} />
    }
}

/// The conversation of the row an event happened in (a row: not whatever else up the tree
/// carries the attribute, such as the conversation view or a host page's element).
fn row_of(target: Option<web_sys::EventTarget>) -> Option<ConversationId> {
    let target = target?.dyn_into::<Element>().ok()?;
    let row = target.closest("li[data-testid=\"inbox-row\"]").ok()??;
    let id = row.get_attribute("data-conversation-id")?.parse().ok()?;
    Some(ConversationId(id))
}

/// The rows on screen, keyed by conversation, in DOM order.
#[derive(Default)]
struct RowDom {
    /// The `<ul>` they live in (a new one starts empty).
    list: Option<Element>,
    templates: Option<Templates>,
    rows: HashMap<ConversationId, Row>,
    order: Vec<ConversationId>,
    cursor: Option<ConversationId>,
}

impl RowDom {
    /// Brings the `<ul>` up to date: builds new rows, updates changed ones, removes the ones
    /// gone and moves the ones whose place changed (`insertBefore` only for those).
    /// `limit`: how many of the first rows to show (progressive rendering); `now`: the clock.
    fn sync(&mut self, ul: &Element, shown: &RowListProps, limit: usize, now: i64) {
        if self.list.as_ref() != Some(ul) {
            *self = Self {
                list: Some(ul.clone()),
                ..Self::default()
            };
        }
        if self.templates.as_ref().map(Templates::locale) != Some(shown.locale) {
            self.templates = ul
                .owner_document()
                .and_then(|doc| Templates::new(&doc, shown.locale));
        }
        let Some(templates) = &self.templates else {
            return;
        };
        let emails: HashMap<UserId, AttrValue> = shown
            .operators
            .iter()
            .map(|o| (o.user_id, AttrValue::from(o.email.clone())))
            .collect();
        let titles: HashMap<GroupId, AttrValue> = shown
            .groups
            .iter()
            .map(|g| (g.id, AttrValue::from(g.title.clone())))
            .collect();
        let mine = AttrValue::from(Key::AssignedToMe.text(shown.locale));
        let mut old = std::mem::take(&mut self.rows);
        if self.cursor != shown.cursor {
            // j/k move the tab stop in the DOM directly, so the rows' idea of it may be stale:
            // take it from whichever rows have it now (one query, not a write per row), and the
            // cursor's row gets it below.
            drop_tab_stops(ul);
            for row in old.values_mut() {
                row.forget_tab_stop();
            }
            self.cursor = shown.cursor;
        }

        let mut order = Vec::with_capacity(limit.min(shown.rows.len()));
        // The first `limit` rows, and every row already on screen (a long list arriving after a
        // short one must not take rows away, and their focus, for a few frames).
        for (i, c) in shown.rows.iter().enumerate() {
            if i >= limit && !old.contains_key(&c.id) {
                continue;
            }
            let assignee = if shown.me.is_some() && c.operator_user_id == shown.me {
                Some(&mine)
            } else {
                c.operator_user_id.and_then(|u| emails.get(&u))
            };
            let input = RowInput {
                conversation: c,
                selected: shown.selected == Some(c.id),
                tab_stop: shown.cursor == Some(c.id),
                has_draft: shown.drafted.contains(&c.id),
                assignee,
                group: c.group_id.and_then(|g| titles.get(&g)),
                locale: shown.locale,
                now,
            };
            let row = match old.remove(&c.id) {
                Some(mut row) => row.update(templates, &input).map(|()| row),
                None => Row::new(templates, &input),
            };
            if let Some(row) = row {
                // (A duplicate id in one list keeps its first row.)
                if self.rows.insert(c.id, row).is_none() {
                    order.push(c.id);
                }
            }
        }
        for row in old.values() {
            row.element().remove();
        }
        self.place(ul, order);
    }

    /// Puts the rows into the order of `next`, moving as few as it takes.
    fn place(&mut self, ul: &Element, next: Vec<ConversationId>) {
        // The rows in the DOM, in DOM order (those just built are not in it yet).
        let mut current = std::mem::take(&mut self.order);
        current.retain(|id| self.rows.contains_key(id));
        let mut moved = std::collections::HashSet::new();
        let mut at = current.iter().peekable();
        for id in &next {
            while at.next_if(|c| moved.contains(*c)).is_some() {}
            if at.next_if(|c| *c == id).is_some() {
                continue;
            }
            let (Some(row), reference) =
                (self.rows.get(id), at.peek().and_then(|c| self.rows.get(*c)))
            else {
                continue;
            };
            let _ = ul.insert_before(row.element(), reference.map(|r| r.element().as_ref()));
            moved.insert(*id);
        }
        self.order = next;
    }
}

/// Unix seconds, rounded down to 30 s so the rows' relative times change together.
fn clock_now() -> i64 {
    let secs = (crate::state::session::now_ms() / 1000) as i64;
    secs - secs.rem_euclid(30)
}

/// Takes the tab stop away from whichever rows of `ul` have it (one query, not a write per row).
fn drop_tab_stops(ul: &Element) {
    if let Ok(stops) = ul.query_selector_all(":scope > [tabindex=\"0\"]") {
        for i in 0..stops.length() {
            if let Some(el) = stops.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
                let _ = el.set_attribute("tabindex", "-1");
            }
        }
    }
}

/// Moves the rows' roving tab stop to `row` (j/k): the one place besides [`RowList`]'s own
/// updates that writes a row's `tabindex`.
pub fn give_tab_stop(row: &web_sys::HtmlElement) {
    if let Some(ul) = row.parent_element() {
        drop_tab_stops(&ul);
    }
    row.set_tab_index(0);
}
