//! Browser tests of presentational components with fixture-based state (no server needed).
#![cfg(target_arch = "wasm32")]
#![allow(clippy::restriction)] // tests unwrap, index and panic

mod common;

use std::cell::RefCell;
use std::rc::Rc;

use blinger_inbox::api::wire::decode_conversation;
use blinger_inbox::api::{
    Conversation, ConversationId, Group, GroupId, HttpResponse, Operator, OperatorId, UserId,
};
use blinger_inbox::components::inbox_list::{RowList, RowListProps};
use blinger_inbox::i18n::Locale;
use blinger_inbox::state::View;
use common::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use yew::{AppHandle, Callback};

wasm_bindgen_test_configure!(run_in_browser);

const FIXTURE: &str = include_str!("../crates/blinger-api/fixtures/conversation-start-200.json");

fn fixture() -> Conversation {
    decode_conversation(&HttpResponse::new(200, FIXTURE)).unwrap()
}

/// The documented conversation (assigned to user 1, group 1) as conversation `id`.
fn numbered(id: u64, name: &str) -> Conversation {
    let mut c = fixture();
    c.id = ConversationId(id);
    c.client_name = name.into();
    c
}

struct Mounted {
    root: web_sys::Element,
    app: AppHandle<RowList>,
}

fn mount(props: RowListProps) -> Mounted {
    let root = fresh_root();
    let app = yew::Renderer::<RowList>::with_root_and_props(root.clone(), props).render();
    Mounted { root, app }
}

fn props(
    rows: Vec<Conversation>,
    locale: Locale,
    opened: Rc<RefCell<Vec<ConversationId>>>,
) -> RowListProps {
    let cursor = rows.first().map(|c| c.id);
    RowListProps {
        drafted: Rc::new(rows.iter().map(|c| c.id).collect()),
        rows: Rc::new(rows),
        view: View::Attention,
        selected: None,
        cursor,
        me: None,
        operators: Rc::new(vec![Operator {
            id: OperatorId(1),
            user_id: UserId(1),
            email: "user1@gmail.com".into(),
        }]),
        groups: Rc::new(vec![Group {
            id: GroupId(1),
            title: "Default".into(),
            color: None,
            priority: 0,
            is_default: true,
        }]),
        locale,
        label: "Needs attention".into(),
        onopen: Callback::from(move |id| opened.borrow_mut().push(id)),
        onengage: Callback::noop(),
    }
}

fn ids(root: &web_sys::Element) -> Vec<String> {
    all_by_testid(root, "inbox-row")
        .iter()
        .filter_map(|r| r.get_attribute("data-conversation-id"))
        .collect()
}

#[wasm_bindgen_test]
async fn the_documented_conversation_renders_as_a_row() {
    let opened = Rc::new(RefCell::new(Vec::new()));
    let Mounted { root, .. } = mount(props(vec![fixture()], Locale::En, opened.clone()));
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
    let Mounted { root, .. } = mount(props(
        vec![c],
        Locale::Ru,
        Rc::new(RefCell::new(Vec::new())),
    ));
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
    let Mounted { root, .. } = mount(props(
        vec![c],
        Locale::En,
        Rc::new(RefCell::new(Vec::new())),
    ));
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

#[wasm_bindgen_test]
async fn rows_are_keyed_updated_in_place_and_moved() {
    let opened = Rc::new(RefCell::new(Vec::new()));
    let rows: Vec<_> = (1..=5)
        .map(|i| numbered(i, &format!("Client {i}")))
        .collect();
    let mut m = mount(props(rows.clone(), Locale::En, opened.clone()));
    settle().await;
    assert_eq!(ids(&m.root), ["1", "2", "3", "4", "5"]);
    let before = all_by_testid(&m.root, "inbox-row");
    let list = by_testid(&m.root, "inbox-list").unwrap();
    assert_eq!(list.get_attribute("role").as_deref(), Some("listbox"));
    assert_eq!(
        list.get_attribute("aria-label").as_deref(),
        Some("Needs attention")
    );
    assert_eq!(before[0].get_attribute("tabindex").as_deref(), Some("0"));
    assert_eq!(before[1].get_attribute("tabindex").as_deref(), Some("-1"));

    // 4 got a new message (it moves to the top, its text changes), 2 is gone, 6 is new, 1 is
    // selected and is the tab stop.
    let mut four = rows[3].clone();
    four.last_message = Some("a new message".into());
    four.unread_count = 2;
    let next = vec![
        four,
        rows[0].clone(),
        numbered(6, "Client 6"),
        rows[2].clone(),
        rows[4].clone(),
    ];
    let mut p = props(next, Locale::En, opened.clone());
    p.selected = Some(ConversationId(1));
    p.cursor = Some(ConversationId(1));
    m.app.update(p);
    settle().await;
    assert_eq!(ids(&m.root), ["4", "1", "6", "3", "5"]);
    let after = all_by_testid(&m.root, "inbox-row");
    // The same elements (focus and hover stay), updated in place.
    assert!(after[0].is_same_node(Some(&before[3])));
    assert!(after[1].is_same_node(Some(&before[0])));
    assert!(after[3].is_same_node(Some(&before[2])));
    assert!(!before[1].is_connected(), "the row that left is removed");
    assert!(
        text(&after[0]).contains("a new message"),
        "{}",
        text(&after[0])
    );
    assert_eq!(
        text(&after[0].query_selector(".bi-badge").unwrap().unwrap()),
        "2"
    );
    assert!(after[0].class_list().contains("bi-row--unread"));
    assert_eq!(
        after[1].get_attribute("aria-selected").as_deref(),
        Some("true")
    );
    assert!(after[1].class_list().contains("bi-row--selected"));
    assert_eq!(after[1].get_attribute("tabindex").as_deref(), Some("0"));
    assert_eq!(after[0].get_attribute("tabindex").as_deref(), Some("-1"));
    assert!(text(&after[2]).contains("Client 6"));

    // Clicks anywhere in a row, and Enter or Space on it, open it (delegated to the list).
    click(&after[2].query_selector(".bi-row__name").unwrap().unwrap());
    for key in ["Enter", " ", "x"] {
        let event = key_down(&after[4], key);
        assert_eq!(event.default_prevented(), key != "x", "{key:?}");
    }
    // A click on the list outside any row opens nothing, even inside an element that carries
    // a conversation id (the conversation view does; a host page might).
    m.root.set_attribute("data-conversation-id", "99").unwrap();
    click(&list);
    assert_eq!(
        *opened.borrow(),
        vec![ConversationId(6), ConversationId(5), ConversationId(5)]
    );
}

#[wasm_bindgen_test]
async fn the_tab_stop_is_rewritten_when_the_cursor_moves() {
    let rows: Vec<_> = (1..=3)
        .map(|i| numbered(i, &format!("Client {i}")))
        .collect();
    let mut m = mount(props(
        rows.clone(),
        Locale::En,
        Rc::new(RefCell::new(Vec::new())),
    ));
    settle().await;
    // j/k move the tab stop in the DOM (src/components/inbox.rs): 1 → 2.
    let r = all_by_testid(&m.root, "inbox-row");
    r[0].set_attribute("tabindex", "-1").unwrap();
    r[1].set_attribute("tabindex", "0").unwrap();
    // Then 3 is opened: it alone is the tab stop.
    let mut p = props(rows, Locale::En, Rc::new(RefCell::new(Vec::new())));
    p.cursor = Some(ConversationId(3));
    p.selected = Some(ConversationId(3));
    m.app.update(p);
    settle().await;
    let stops: Vec<_> = all_by_testid(&m.root, "inbox-row")
        .iter()
        .map(|r| r.get_attribute("tabindex").unwrap())
        .collect();
    assert_eq!(stops, ["-1", "-1", "0"]);
    let focusable = all_by_testid(&m.root, "inbox-row")[2]
        .clone()
        .dyn_into::<web_sys::HtmlElement>()
        .unwrap();
    assert_eq!(focusable.tab_index(), 0);
}

#[wasm_bindgen_test]
async fn the_directory_and_drafts_change_only_their_spans() {
    let meta_texts = |root: &web_sys::Element| -> Vec<String> {
        let meta = root.query_selector(".bi-row__meta").unwrap().unwrap();
        let kids = meta.children();
        (0..kids.length())
            .map(|i| {
                let k = kids.item(i).unwrap();
                format!("{}={}", k.class_name(), text(&k))
            })
            .collect()
    };
    // The documented conversation with what is known so far: the operators, the groups, a
    // draft in it, and who I am.
    let stage = |operators: bool, groups: bool, draft: bool, me: Option<UserId>| {
        let mut p = props(
            vec![fixture()],
            Locale::En,
            Rc::new(RefCell::new(Vec::new())),
        );
        if !operators {
            p.operators = Rc::new(Vec::new());
        }
        if !groups {
            p.groups = Rc::new(Vec::new());
        }
        if !draft {
            p.drafted = Rc::new(Default::default());
        }
        p.me = me;
        p
    };
    // Before the directory has arrived: no assignee, no group, no draft.
    let mut m = mount(stage(false, false, false, None));
    settle().await;
    assert_eq!(meta_texts(&m.root), ["bi-chip=LiveChat"]);
    let row = by_testid(&m.root, "inbox-row").unwrap();
    let meta = row.query_selector(".bi-row__meta").unwrap().unwrap();

    // The groups arrive, then a draft is written, then the operators arrive.
    m.app.update(stage(false, true, false, None));
    settle().await;
    assert_eq!(
        meta_texts(&m.root),
        ["bi-chip=LiveChat", "bi-row__group=Default"]
    );
    m.app.update(stage(false, true, true, None));
    settle().await;
    assert_eq!(
        meta_texts(&m.root),
        [
            "bi-chip=LiveChat",
            "bi-row__group=Default",
            "bi-row__draft=Draft"
        ]
    );
    m.app.update(stage(true, true, true, None));
    settle().await;
    assert_eq!(
        meta_texts(&m.root),
        [
            "bi-chip=LiveChat",
            "bi-row__assignee=user1@gmail.com",
            "bi-row__group=Default",
            "bi-row__draft=Draft"
        ]
    );
    // It is me: the assignee says so; then the draft is sent and the group is gone.
    m.app.update(stage(true, false, false, Some(UserId(1))));
    settle().await;
    assert_eq!(
        meta_texts(&m.root),
        ["bi-chip=LiveChat", "bi-row__assignee=Me"]
    );
    assert!(
        meta.is_connected(),
        "the rest of the row was not rebuilt for these"
    );
    assert!(
        by_testid(&m.root, "inbox-row")
            .unwrap()
            .is_same_node(Some(&row))
    );
}
