//! One row of the inbox list, built and updated with direct DOM calls.
//!
//! The list shows up to 1000 rows, so a row is not a Yew component: it is a clone of a prepared
//! template ([`super::row_template`]: one call for its fixed skeleton) plus ~20 calls for what
//! differs. Every text goes in through `textContent` (never markup), so server data stays text.
//! The list ([`super::row_list`]) keys the rows and decides when one is built, updated or moved;
//! events are delegated to the list's `<ul>`.

use wasm_bindgen::prelude::*;
use web_sys::{Element, Node};
use yew::AttrValue;

use super::row_template::Templates;
use super::time;
use crate::api::Conversation;
use crate::i18n::{Key, Locale};

#[wasm_bindgen]
extern "C" {
    // Setters taking a JavaScript value: a text `Intl` made goes to the DOM as it is (web-sys'
    // setters take `&str`, which would copy it into wasm and back).
    type Settable;
    #[wasm_bindgen(method, setter = textContent)]
    fn set_text_content(this: &Settable, text: &JsValue);
    #[wasm_bindgen(method, setter = title)]
    fn set_title(this: &Settable, title: &JsValue);
}

fn set_text(element: &Element, text: &JsValue) {
    element.unchecked_ref::<Settable>().set_text_content(text);
}

/// What one row shows.
#[derive(Clone, Copy)]
pub struct RowInput<'a> {
    /// The conversation.
    pub conversation: &'a Conversation,
    /// It is the open one.
    pub selected: bool,
    /// It is the list's tab stop (roving focus).
    pub tab_stop: bool,
    /// The operator has an unsent draft in it.
    pub has_draft: bool,
    /// The assignee as shown: "Me" (`Key::AssignedToMe`), an e-mail, or absent (nobody, or
    /// not in the directory yet).
    pub assignee: Option<&'a AttrValue>,
    /// The group's title, when known.
    pub group: Option<&'a AttrValue>,
    /// Language.
    pub locale: Locale,
    /// The clock for relative times (Unix seconds, advanced every 30 s by the list).
    pub now: i64,
}

/// What a row's content was built from (its `<li>`'s attributes are tracked separately).
struct Built {
    conversation: Conversation,
    has_draft: bool,
    assignee: Option<AttrValue>,
    group: Option<AttrValue>,
    locale: Locale,
}

impl Built {
    fn of(input: &RowInput<'_>) -> Self {
        Self {
            conversation: input.conversation.clone(),
            has_draft: input.has_draft,
            assignee: input.assignee.cloned(),
            group: input.group.cloned(),
            locale: input.locale,
        }
    }

    /// Which of the three parts show something different for `input`.
    fn changed(&self, input: &RowInput<'_>) -> [bool; 3] {
        let (a, b) = (&self.conversation, input.conversation);
        if self.locale != input.locale {
            return [true; 3];
        }
        let activity = activity(a) != activity(b);
        [
            a.client_name != b.client_name || activity,
            a.last_message != b.last_message
                || a.is_inner_message != b.is_inner_message
                || a.is_operator_last_message != b.is_operator_last_message
                || a.unread_count != b.unread_count,
            a.channel != b.channel || waits(a) != waits(b) || activity,
        ]
    }

    /// What the optional spans at the end of the meta part show.
    fn tail(&self) -> Tail<'_> {
        tail(
            self.assignee.as_ref(),
            self.group.as_ref(),
            self.has_draft,
            self.locale,
        )
    }
}

/// The optional spans at the end of a row's meta part, in order: the assignee, the group and
/// the draft marker (what they show, or absent). They change on their own (the directory
/// arriving, a draft), so each is added, changed or removed alone.
type Tail<'a> = [Option<&'a str>; 3];

fn tail<'a>(
    assignee: Option<&'a AttrValue>,
    group: Option<&'a AttrValue>,
    has_draft: bool,
    locale: Locale,
) -> Tail<'a> {
    [
        assignee.map(AttrValue::as_str),
        group.map(AttrValue::as_str),
        has_draft.then(|| Key::DraftTag.text(locale)),
    ]
}

fn tail_of<'a>(input: &RowInput<'a>) -> Tail<'a> {
    tail(input.assignee, input.group, input.has_draft, input.locale)
}

/// A text that follows the clock (the relative time, the client's wait): its element and what
/// it shows now.
struct Ticking {
    element: Element,
    text: JsValue,
}

impl Ticking {
    fn set(&mut self, text: JsValue) {
        if self.text != text {
            set_text(&self.element, &text);
            self.text = text;
        }
    }
}

/// One row on screen.
pub struct Row {
    li: Element,
    /// Its three parts, in order.
    parts: [Element; 3],
    built: Built,
    selected: bool,
    tab_stop: bool,
    unread: bool,
    now: i64,
    time: Option<Ticking>,
    waiting: Option<Ticking>,
    /// The spans of [`Tail`], when shown.
    tail: [Option<Element>; 3],
}

impl Row {
    /// Builds a row. `None` only if the DOM refuses a call.
    pub fn new(templates: &Templates, input: &RowInput<'_>) -> Option<Self> {
        let li = templates
            .li
            .clone_node_with_deep(true)
            .ok()?
            .unchecked_into::<Element>();
        li.set_attribute("data-conversation-id", &input.conversation.id.to_string())
            .ok()?;
        let top = li.first_element_child()?;
        let middle = top.next_element_sibling()?;
        let meta = middle.next_element_sibling()?;
        let mut row = Self {
            li,
            built: Built::of(input),
            // What the template says.
            selected: false,
            tab_stop: false,
            unread: false,
            now: input.now,
            time: fill_top(templates, input, &top)?,
            waiting: None,
            tail: [None, None, None],
            parts: [top, middle, meta],
        };
        let [_, middle, meta] = &row.parts;
        fill_middle(templates, input, middle)?;
        row.waiting = fill_meta(templates, input, meta)?;
        sync_tail(templates, meta, &mut row.tail, [None; 3], tail_of(input))?;
        row.set_state(input.selected, input.tab_stop);
        Some(row)
    }

    /// The row's element.
    pub fn element(&self) -> &Element {
        &self.li
    }

    /// Brings the row up to date with as few DOM calls as the change needs: none when nothing
    /// changed, the parts that show something else, two attributes for a selection, two texts
    /// for a clock tick. The `<li>` itself is kept (focus and hover stay on it).
    pub fn update(&mut self, templates: &Templates, input: &RowInput<'_>) -> Option<()> {
        let [top, middle, meta] = self.built.changed(input);
        let tail = tail_of(input);
        if top || middle || meta || self.built.tail() != tail {
            if top {
                let part = replace(&self.parts[0], &templates.top)?;
                self.time = fill_top(templates, input, &part)?;
                self.parts[0] = part;
            }
            if middle {
                let part = replace(&self.parts[1], &templates.middle)?;
                fill_middle(templates, input, &part)?;
                self.parts[1] = part;
            }
            let mut shown = self.built.tail();
            if meta {
                let part = replace(&self.parts[2], &templates.meta)?;
                self.waiting = fill_meta(templates, input, &part)?;
                self.parts[2] = part;
                (self.tail, shown) = ([None, None, None], [None; 3]);
            }
            sync_tail(templates, &self.parts[2], &mut self.tail, shown, tail)?;
            self.built = Built::of(input);
        }
        // (After a rebuild too: a part not rebuilt may still show the old clock.)
        if self.now != input.now {
            self.now = input.now;
            if let (Some(t), Some(text)) = (&mut self.time, relative_text(input)) {
                t.set(text);
            }
            if let (Some(w), Some(text)) = (&mut self.waiting, waiting_text(input)) {
                w.set(text);
            }
        }
        self.set_state(input.selected, input.tab_stop);
        Some(())
    }

    /// The row no longer has `tabindex="0"` (the list took it away in the DOM).
    pub fn forget_tab_stop(&mut self) {
        self.tab_stop = false;
    }

    fn set_state(&mut self, selected: bool, tab_stop: bool) {
        let unread = self.built.conversation.unread_count > 0;
        if selected != self.selected || unread != self.unread {
            self.li.set_class_name(row_class(selected, unread));
            if selected != self.selected {
                let _ = self
                    .li
                    .set_attribute("aria-selected", if selected { "true" } else { "false" });
            }
            self.selected = selected;
            self.unread = unread;
        }
        if tab_stop != self.tab_stop {
            let _ = self
                .li
                .set_attribute("tabindex", if tab_stop { "0" } else { "-1" });
            self.tab_stop = tab_stop;
        }
    }
}

/// Puts a fresh clone of `template` where `old` is; the clone.
fn replace(old: &Element, template: &Element) -> Option<Element> {
    let part = template
        .clone_node_with_deep(true)
        .ok()?
        .unchecked_into::<Element>();
    old.replace_with_with_node_1(&part).ok()?;
    Some(part)
}

/// The name and the time of the last activity (ticking).
fn fill_top(templates: &Templates, input: &RowInput<'_>, top: &Element) -> Option<Option<Ticking>> {
    let c = input.conversation;
    top.first_element_child()?
        .set_text_content(Some(&c.client_name));
    let (Some(text), Some(at)) = (relative_text(input), activity(c)) else {
        return Some(None);
    };
    let time = add(&templates.time, top)?;
    set_text(&time, &text);
    time.unchecked_ref::<Settable>()
        .set_title(&time::full_js(input.locale, at));
    Some(Some(Ticking {
        element: time,
        text,
    }))
}

/// The preview of the last message (tagged when it is a note or ours) and the unread badge.
fn fill_middle(templates: &Templates, input: &RowInput<'_>, middle: &Element) -> Option<()> {
    let c = input.conversation;
    let preview = middle.first_element_child()?;
    let text = preview_text(c.last_message.as_deref().unwrap_or_default());
    let tag = if c.is_inner_message {
        preview.set_class_name("bi-row__preview bi-row__preview--note");
        Some(&templates.note_tag)
    } else if c.is_operator_last_message {
        Some(&templates.you_tag)
    } else {
        None
    };
    match tag {
        Some(tag) => {
            add(tag, &preview)?;
            preview.append_with_str_1(&format!(" {text}")).ok()?;
        }
        None => preview.set_text_content(Some(text)),
    }
    if c.unread_count > 0 {
        let n = c.unread_count.to_string();
        let badge = add(&templates.badge, middle)?;
        badge.set_text_content(Some(&n));
        let label = format!("{n} {}", Key::UnreadWord.text(input.locale));
        badge.set_attribute("aria-label", &label).ok()?;
    }
    Some(())
}

/// The channel and the client's wait (ticking); then come the spans of [`Tail`].
fn fill_meta(
    templates: &Templates,
    input: &RowInput<'_>,
    meta: &Element,
) -> Option<Option<Ticking>> {
    meta.first_element_child()?
        .set_text_content(Some(input.conversation.channel.label()));
    let waiting = match waiting_text(input) {
        Some(text) => {
            let waiting = add(&templates.waiting, meta)?;
            set_text(&waiting, &text);
            Some(Ticking {
                element: waiting,
                text,
            })
        }
        None => None,
    };
    Some(waiting)
}

/// Adds, changes or removes the spans of [`Tail`] (the meta part shows `shown`, to show `tail`).
fn sync_tail(
    templates: &Templates,
    meta: &Element,
    spans: &mut [Option<Element>; 3],
    shown: Tail<'_>,
    tail: Tail<'_>,
) -> Option<()> {
    let made = [&templates.assignee, &templates.group, &templates.draft];
    // From the last: a new span goes before the next one shown (or at the end).
    let mut next: Option<Element> = None;
    for (((span, was), text), template) in spans.iter_mut().zip(shown).zip(tail).zip(made).rev() {
        match (span.as_ref(), text) {
            (Some(el), Some(text)) if was != Some(text) => el.set_text_content(Some(text)),
            (None, Some(text)) => {
                let el = template
                    .clone_node_with_deep(true)
                    .ok()?
                    .unchecked_into::<Element>();
                el.set_text_content(Some(text));
                meta.insert_before(&el, next.as_ref().map(AsRef::as_ref))
                    .ok()?;
                *span = Some(el);
            }
            (Some(el), None) => {
                el.remove();
                *span = None;
            }
            _ => {}
        }
        if let Some(el) = span {
            next = Some(el.clone());
        }
    }
    Some(())
}

/// When the conversation last changed, as rows show it.
fn activity(c: &Conversation) -> Option<i64> {
    c.last_message_date.or(c.date_updated)
}

/// The client is waiting for an answer (after a note the last message date is the note's: the
/// client's wait is then unknown).
fn waits(c: &Conversation) -> bool {
    !c.is_operator_last_message && c.waiting_operator_response && !c.is_inner_message
}

/// The relative time of the last activity (follows the clock).
fn relative_text(input: &RowInput<'_>) -> Option<JsValue> {
    activity(input.conversation).map(|at| time::relative_js(input.locale, input.now - at).into())
}

/// How long the client has waited for an answer, when they are waiting (follows the clock).
fn waiting_text(input: &RowInput<'_>) -> Option<JsValue> {
    let c = input.conversation;
    let since = activity(c).filter(|_| waits(c))?;
    let w = time::short_duration(input.locale, input.now - since);
    let text = format!("{} {w}", Key::WaitsPrefix.text(input.locale));
    Some(JsValue::from_str(&text))
}

/// The first 140 characters of the last message.
fn preview_text(text: &str) -> &str {
    if text.len() <= 140 {
        // No more characters than bytes: nothing to cut (and nothing to walk through).
        return text;
    }
    match text.char_indices().nth(140) {
        Some((end, _)) => text.get(..end).unwrap_or(text),
        None => text,
    }
}

/// Appends a clone of `template` (with whatever text it has) to `parent`.
fn add(template: &Node, parent: &Element) -> Option<Element> {
    let node = template.clone_node_with_deep(true).ok()?;
    parent.append_child(&node).ok()?;
    Some(node.unchecked_into())
}

/// The row's classes as one static string.
fn row_class(selected: bool, unread: bool) -> &'static str {
    match (selected, unread) {
        (false, false) => "bi-row",
        (true, false) => "bi-row bi-row--selected",
        (false, true) => "bi-row bi-row--unread",
        (true, true) => "bi-row bi-row--selected bi-row--unread",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn previews_are_cut_at_140_characters_not_bytes() {
        assert_eq!(preview_text("short"), "short");
        let long = "я".repeat(200);
        assert_eq!(preview_text(&long).chars().count(), 140);
        assert_eq!(preview_text(&"a".repeat(140)).len(), 140);
    }
}
