//! Browser tests of presentational components with fixture-based state (no server needed).
#![cfg(target_arch = "wasm32")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::cell::RefCell;
use std::rc::Rc;

use blinger_inbox::api::wire::decode_conversation;
use blinger_inbox::api::{ConversationId, HttpResponse};
use blinger_inbox::components::conversation_row::{ConversationRow, ConversationRowProps};
use blinger_inbox::i18n::Locale;
use common::*;
use wasm_bindgen_test::*;
use yew::{AttrValue, Callback};

wasm_bindgen_test_configure!(run_in_browser);

const FIXTURE: &str = include_str!("../src/api/fixtures/conversation-start-200.json");

fn fixture() -> blinger_inbox::api::Conversation {
    decode_conversation(&HttpResponse::new(200, FIXTURE)).unwrap()
}

fn mount(props: ConversationRowProps) -> web_sys::Element {
    let root = fresh_root();
    let list = gloo_utils_document().create_element("ul").unwrap();
    root.append_child(&list).unwrap();
    yew::Renderer::<ConversationRow>::with_root_and_props(list, props).render();
    root
}

fn props(
    c: blinger_inbox::api::Conversation,
    locale: Locale,
    opened: Rc<RefCell<Vec<ConversationId>>>,
) -> ConversationRowProps {
    ConversationRowProps {
        conversation: Rc::new(c),
        selected: false,
        tab_stop: true,
        has_draft: true,
        mine: false,
        assignee: Some(AttrValue::from("user1@gmail.com")),
        group: Some(AttrValue::from("Default")),
        locale,
        now: 1_560_107_366 + 300,
        onopen: Callback::from(move |id| opened.borrow_mut().push(id)),
    }
}

#[wasm_bindgen_test]
async fn the_documented_conversation_renders_as_a_row() {
    let opened = Rc::new(RefCell::new(Vec::new()));
    let root = mount(props(fixture(), Locale::En, opened.clone()));
    settle().await;
    let row = by_testid(&root, "inbox-row").unwrap();
    assert_eq!(
        row.get_attribute("data-conversation-id").as_deref(),
        Some("2")
    );
    assert_eq!(row.get_attribute("role").as_deref(), Some("option"));
    let shown = text(&row);
    for part in [
        "LiveChat client #5",
        "124124",
        "LiveChat",
        "user1@gmail.com",
        "Default",
        "Draft",
    ] {
        assert!(shown.contains(part), "{part:?} in {shown:?}");
    }
    // The conversation's secret token is never rendered.
    assert!(!root.outer_html().contains("A0N_JeEemP"));
    click(&row);
    assert_eq!(*opened.borrow(), vec![ConversationId(2)]);
}

#[wasm_bindgen_test]
async fn russian_labels_come_from_the_catalog() {
    let mut c = fixture();
    c.unread_count = 3;
    let root = mount(props(c, Locale::Ru, Rc::new(RefCell::new(Vec::new()))));
    settle().await;
    let row = by_testid(&root, "inbox-row").unwrap();
    assert!(text(&row).contains("Черновик"), "{}", text(&row));
    let badge = row.query_selector(".bi-badge").unwrap().unwrap();
    assert_eq!(text(&badge), "3");
    assert!(
        badge
            .get_attribute("aria-label")
            .unwrap()
            .contains("непрочитанных")
    );
}

#[wasm_bindgen_test]
async fn hostile_names_and_previews_stay_text() {
    let mut c = fixture();
    c.client_name = "<img src=x onerror=alert(1)>\u{202e}evil".into();
    c.last_message = Some("<script>alert(2)</script>".into());
    let root = mount(props(c, Locale::En, Rc::new(RefCell::new(Vec::new()))));
    settle().await;
    assert!(root.query_selector("img, script").unwrap().is_none());
    let row = by_testid(&root, "inbox-row").unwrap();
    assert!(text(&row).contains("<img src=x onerror=alert(1)>"));
    assert!(text(&row).contains("<script>alert(2)</script>"));
    let name = row.query_selector(".bi-row__name").unwrap().unwrap();
    assert_eq!(
        name.get_attribute("dir").as_deref(),
        Some("auto"),
        "bidi text is isolated"
    );
}
