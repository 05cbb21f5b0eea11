//! The prepared elements inbox rows are cloned from: one skeleton per list and language with
//! every text that is the same in each row already in it.

use web_sys::{Document, Element, Node};

use crate::i18n::{Key, Locale};

/// The prepared elements rows are cloned from, with everything that is the same in every row
/// of one language already in them (one set per list and language).
pub struct Templates {
    pub(super) locale: Locale,
    /// A whole row in its default state (not selected, not the tab stop, read).
    pub(super) li: Element,
    /// The row's three parts (name and time; preview and badge; channel, wait, assignee, group,
    /// draft), each rebuilt on its own when what it shows changes.
    pub(super) top: Element,
    pub(super) middle: Element,
    pub(super) meta: Element,
    pub(super) time: Node,
    pub(super) note_tag: Node,
    pub(super) you_tag: Node,
    pub(super) badge: Node,
    pub(super) waiting: Node,
    pub(super) assignee: Node,
    pub(super) group: Node,
    pub(super) draft: Node,
}

impl Templates {
    /// Builds the templates in `doc`. `None` only if the DOM refuses to create elements.
    pub fn new(doc: &Document, locale: Locale) -> Option<Self> {
        let t = |k: Key| k.text(locale);
        let el = |tag: &str, class: &str, text: Option<&str>| -> Option<Element> {
            let e = doc.create_element(tag).ok()?;
            e.set_class_name(class);
            if text.is_some() {
                e.set_text_content(text);
            }
            Some(e)
        };
        let with = |e: Element, name: &str, value: &str| -> Option<Element> {
            e.set_attribute(name, value).ok()?;
            Some(e)
        };
        let top = el("div", "bi-row__top", None)?;
        let name = with(el("span", "bi-row__name", None)?, "dir", "auto")?;
        top.append_child(&name).ok()?;
        let middle = el("div", "bi-row__middle", None)?;
        let preview = with(el("span", "bi-row__preview", None)?, "dir", "auto")?;
        middle.append_child(&preview).ok()?;
        let meta = el("div", "bi-row__meta", None)?;
        let chip = el("span", "bi-chip", None)?;
        meta.append_child(&chip).ok()?;
        let li = el("li", "bi-row", None)?;
        for (name, value) in [
            ("role", "option"),
            ("aria-selected", "false"),
            ("tabindex", "-1"),
            ("data-testid", "inbox-row"),
        ] {
            li.set_attribute(name, value).ok()?;
        }
        for part in [&top, &middle, &meta] {
            li.append_child(&part.clone_node_with_deep(true).ok()?)
                .ok()?;
        }
        let waiting = el("span", "bi-row__waiting", None)?;
        Some(Self {
            locale,
            li,
            top,
            middle,
            meta,
            time: el("time", "bi-row__time", None)?.into(),
            note_tag: el("span", "bi-row__tag", Some(t(Key::NoteTag)))?.into(),
            you_tag: el("span", "bi-row__tag", Some(t(Key::YouTag)))?.into(),
            badge: el("span", "bi-badge", None)?.into(),
            waiting: with(waiting, "title", t(Key::WaitingTitle))?.into(),
            assignee: with(el("span", "bi-row__assignee", None)?, "dir", "auto")?.into(),
            group: with(el("span", "bi-row__group", None)?, "dir", "auto")?.into(),
            draft: el("span", "bi-row__draft", Some(t(Key::DraftTag)))?.into(),
        })
    }

    /// The language the templates' texts are in.
    pub fn locale(&self) -> Locale {
        self.locale
    }
}
