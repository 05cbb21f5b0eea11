//! One row of the inbox list. Takes cheap-to-compare props so an unchanged row does not re-render.

use std::rc::Rc;

use web_sys::KeyboardEvent;
use yew::prelude::*;

use super::time;
use crate::api::{Conversation, ConversationId};
use crate::i18n::{Key, Locale};

/// Props of [`ConversationRow`].
#[derive(Properties)]
pub struct ConversationRowProps {
    /// The conversation (the list keeps one `Rc` per conversation while it is unchanged).
    pub conversation: Rc<Conversation>,
    /// It is the open one.
    pub selected: bool,
    /// It is the list's tab stop (roving focus).
    pub tab_stop: bool,
    /// The operator has an unsent draft in it.
    pub has_draft: bool,
    /// It is assigned to me.
    pub mine: bool,
    /// The assignee's e-mail, when known.
    #[prop_or_default]
    pub assignee: Option<AttrValue>,
    /// The group's title, when known.
    #[prop_or_default]
    pub group: Option<AttrValue>,
    /// Language.
    pub locale: Locale,
    /// The clock for relative times (Unix seconds, advanced every 30 s by the list, so every
    /// row's "5m ago" stays live without a timer per row).
    pub now: i64,
    /// Opened (click, Enter or Space).
    pub onopen: Callback<ConversationId>,
}

impl PartialEq for ConversationRowProps {
    fn eq(&self, other: &Self) -> bool {
        // The list hands an unchanged conversation the same `Rc`: no field-by-field compare then.
        (Rc::ptr_eq(&self.conversation, &other.conversation)
            || self.conversation == other.conversation)
            && self.selected == other.selected
            && self.tab_stop == other.tab_stop
            && self.has_draft == other.has_draft
            && self.mine == other.mine
            && self.assignee == other.assignee
            && self.group == other.group
            && self.locale == other.locale
            && self.now == other.now
            && self.onopen == other.onopen
    }
}

/// A conversation in the list.
#[component]
pub fn ConversationRow(props: &ConversationRowProps) -> Html {
    let c = &props.conversation;
    let t = |k: Key| k.text(props.locale);
    let id = c.id;
    let onclick = props.onopen.reform(move |_: MouseEvent| id);
    let onkeydown = {
        let onopen = props.onopen.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" || e.key() == " " {
                e.prevent_default();
                onopen.emit(id);
            }
        })
    };
    let now = props.now;
    let activity = c.last_message_date.or(c.date_updated);
    // After a note the last message date is the note's: the client's wait is then unknown.
    let waiting =
        (!c.is_operator_last_message && c.waiting_operator_response && !c.is_inner_message)
            .then_some(activity)
            .flatten()
            .map(|since| time::short_duration(props.locale, now - since));
    let preview = c.last_message.clone().unwrap_or_default();
    let preview: String = preview.chars().take(140).collect();
    let assignee = if props.mine {
        Some(AttrValue::from(t(Key::AssignedToMe)))
    } else {
        props.assignee.clone()
    };
    html! {
        <li role="option" class={row_class(props.selected, c.unread_count > 0)}
            aria-selected={if props.selected { "true" } else { "false" }}
            tabindex={if props.tab_stop { "0" } else { "-1" }}
            data-testid="inbox-row" data-conversation-id={id.to_string()}
            {onclick} {onkeydown}>
            <div class="bi-row__top">
                <span class="bi-row__name" dir="auto">{ c.client_name.clone() }</span>
                if let Some(at) = activity {
                    <time class="bi-row__time" title={time::full(props.locale, at)}>{ time::relative(props.locale, now - at) }</time>
                }
            </div>
            <div class="bi-row__middle">
                <span class={if c.is_inner_message { "bi-row__preview bi-row__preview--note" } else { "bi-row__preview" }} dir="auto">
                    if c.is_inner_message { <span class="bi-row__tag">{ t(Key::NoteTag) }</span>{" "} }
                    else if c.is_operator_last_message { <span class="bi-row__tag">{ t(Key::YouTag) }</span>{" "} }
                    { preview }
                </span>
                if c.unread_count > 0 {
                    <span class="bi-badge" aria-label={format!("{} {}", c.unread_count, t(Key::UnreadWord))}>{ c.unread_count }</span>
                }
            </div>
            <div class="bi-row__meta">
                <span class="bi-chip">{ c.channel.label().to_owned() }</span>
                if let Some(w) = waiting {
                    <span class="bi-row__waiting" title={t(Key::WaitingTitle)}>{ format!("{} {w}", t(Key::WaitsPrefix)) }</span>
                }
                if let Some(a) = assignee { <span class="bi-row__assignee" dir="auto">{ a }</span> }
                if let Some(g) = props.group.clone() { <span class="bi-row__group" dir="auto">{ g }</span> }
                if props.has_draft { <span class="bi-row__draft">{ t(Key::DraftTag) }</span> }
            </div>
        </li>
    }
}

/// The row's classes as one static string (a list renders 1000 rows: no `Classes` set each).
fn row_class(selected: bool, unread: bool) -> &'static str {
    match (selected, unread) {
        (false, false) => "bi-row",
        (true, false) => "bi-row bi-row--selected",
        (false, true) => "bi-row bi-row--unread",
        (true, true) => "bi-row bi-row--selected bi-row--unread",
    }
}
