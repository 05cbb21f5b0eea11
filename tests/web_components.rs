//! Browser tests of the component suite against a real sandbox (started by `scripts/test.sh`;
//! its URL and token are compiled in from `BLINGER_SANDBOX_URL` / `BLINGER_SANDBOX_TOKEN`).
//! Each test mounts a fresh `Inbox` into a fresh element and asserts on what the operator sees
//! and on what the sandbox stored.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::restriction)] // tests unwrap, index and panic

mod common;

use blinger_inbox::api::{ClientConfig, OperatorId, Token, TokenSource};
use blinger_inbox::components::{Inbox, InboxProps};
use blinger_inbox::state::{View, WidgetConfig};
use common::*;
use serde_json::{Value, json};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::Element;
use yew::AppHandle;

wasm_bindgen_test_configure!(run_in_browser);

const URL: &str = env!("BLINGER_SANDBOX_URL");
const TOKEN: &str = env!("BLINGER_SANDBOX_TOKEN");
const HISTORY: &str = "/sandbox/conversations/{id}/messages";

struct Mounted {
    root: Element,
    app: Option<AppHandle<Inbox>>,
}

impl Drop for Mounted {
    fn drop(&mut self) {
        if let Some(app) = self.app.take() {
            app.destroy();
        }
        self.root.remove();
    }
}

fn config(operator: Option<u64>, token: &str, view: View) -> (InboxProps, View) {
    let client = ClientConfig::new(URL, TokenSource::Fixed(Token::new(token)))
        .with_operator(operator.map(OperatorId))
        .with_history_url(Some(HISTORY.into()));
    let mut config = WidgetConfig::new(client);
    config.poll_interval_ms = 1_000;
    config.undo_ms = 300;
    let props = yew::props!(InboxProps {
        config: config.into_handle(),
        initial_view: view,
    });
    (props, view)
}

fn mount_with(operator: Option<u64>, token: &str, view: View) -> Mounted {
    let root = fresh_root();
    let (props, _) = config(operator, token, view);
    let app = yew::Renderer::<Inbox>::with_root_and_props(root.clone(), props).render();
    Mounted {
        root,
        app: Some(app),
    }
}

fn clear_storage() {
    if let Some(s) = web_sys::window().unwrap().local_storage().unwrap() {
        s.clear().unwrap();
    }
}

async fn sandbox(method: &str, path: &str, body: Option<Value>) -> Value {
    let url = format!("{URL}{path}");
    let req = match method {
        "GET" => gloo_net::http::Request::get(&url),
        "DELETE" => gloo_net::http::Request::delete(&url),
        _ => gloo_net::http::Request::post(&url),
    }
    .header("Authentication", TOKEN);
    let resp = match body {
        Some(b) => req.json(&b).unwrap().send().await.unwrap(),
        None => req.send().await.unwrap(),
    };
    resp.json::<Value>().await.unwrap_or(Value::Null)
}

/// A fresh conversation written in by a client; returns its id.
async fn new_conversation(name: &str, text: &str) -> u64 {
    let v = sandbox(
        "POST",
        "/sandbox/customer-message",
        Some(json!({"text": text, "from_user_name": name})),
    )
    .await;
    v["data"]["id"]
        .as_u64()
        .expect("customer-message returns the conversation")
}

async fn messages(id: u64) -> Vec<Value> {
    let v = sandbox(
        "GET",
        &format!("/sandbox/conversations/{id}/messages"),
        None,
    )
    .await;
    v["data"].as_array().cloned().unwrap_or_default()
}

async fn get(id: u64) -> Value {
    sandbox(
        "GET",
        &format!("/api/conversations/get?conversation_id={id}"),
        None,
    )
    .await["data"]
        .clone()
}

fn row(root: &Element, id: u64) -> Option<Element> {
    root.query_selector(&format!(
        "[data-testid=\"inbox-row\"][data-conversation-id=\"{id}\"]"
    ))
    .unwrap()
}

async fn open(root: &Element, id: u64) {
    wait_until("the row to appear", 10_000, || row(root, id).is_some()).await;
    click(&row(root, id).unwrap());
    wait_until("the conversation to open", 10_000, || {
        by_testid(root, "conversation-view")
            .and_then(|v| v.get_attribute("data-conversation-id"))
            .is_some_and(|v| v == id.to_string())
            && by_testid(root, "conversation-status").is_some()
    })
    .await;
}

fn status(root: &Element) -> String {
    by_testid(root, "conversation-status")
        .map(|e| text(&e))
        .unwrap_or_default()
}

fn items(root: &Element) -> Vec<(String, String, String)> {
    all_by_testid(root, "timeline-item")
        .iter()
        .map(|e| {
            (
                e.get_attribute("data-kind").unwrap_or_default(),
                e.get_attribute("data-state").unwrap_or_default(),
                text(e),
            )
        })
        .collect()
}

/// Waits for a timeline condition; on timeout says what the timeline showed.
async fn wait_items(
    root: &Element,
    what: &str,
    pred: impl Fn(&[(String, String, String)]) -> bool,
) {
    wait_items_for(root, what, 10_000.0, pred).await;
}

/// [`wait_items`] with its own time limit (ms).
async fn wait_items_for(
    root: &Element,
    what: &str,
    limit_ms: f64,
    pred: impl Fn(&[(String, String, String)]) -> bool,
) {
    let start = js_sys::Date::now();
    loop {
        let now = items(root);
        if pred(&now) {
            return;
        }
        if js_sys::Date::now() - start > limit_ms {
            panic!("timed out waiting for {what}; timeline: {now:?}");
        }
        yew::platform::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

fn press(root: &Element, key: &str) {
    let target = gloo_utils_document()
        .active_element()
        .filter(|a| root.contains(Some(a)))
        .unwrap_or_else(|| root.clone());
    key_down(&target, key);
}

#[wasm_bindgen_test]
async fn list_shows_the_sandbox_views_with_counts() {
    clear_storage();
    let m = mount_with(None, TOKEN, View::Unassigned);
    wait_until("rows", 10_000, || {
        !all_by_testid(&m.root, "inbox-row").is_empty()
    })
    .await;
    let unassigned = sandbox("GET", "/api/conversations/unassigned", None).await;
    let expected = unassigned["data"].as_array().unwrap().len();
    wait_until("counts", 5_000, || {
        by_testid(&m.root, "inbox-view-unassigned")
            .is_some_and(|t| text(&t).contains(&expected.to_string()))
    })
    .await;
    wait_until("every row", 5_000, || {
        all_by_testid(&m.root, "inbox-row").len() == expected
    })
    .await;
    for testid in [
        "inbox-view-attention",
        "inbox-view-unread",
        "inbox-view-not-answered",
    ] {
        assert!(by_testid(&m.root, testid).is_some(), "{testid}");
    }
    let selected = by_testid(&m.root, "inbox-view-unassigned").unwrap();
    assert_eq!(
        selected.get_attribute("aria-selected").as_deref(),
        Some("true")
    );
    wait_until("freshness", 5_000, || {
        by_testid(&m.root, "freshness").is_some_and(|f| text(&f).contains("Updated"))
    })
    .await;
    // Rows are sorted by latest activity first, as the API sends them.
    let first = all_by_testid(&m.root, "inbox-row")[0]
        .get_attribute("data-conversation-id")
        .unwrap();
    assert_eq!(
        first,
        unassigned["data"][0]["id"].as_u64().unwrap().to_string()
    );
}

#[wasm_bindgen_test]
async fn an_empty_view_says_so() {
    clear_storage();
    // Operator 4 has nothing unread in the demo account.
    let m = mount_with(Some(4), TOKEN, View::Unread);
    wait_until("empty state", 10_000, || {
        by_testid(&m.root, "empty-state").is_some()
    })
    .await;
    assert!(text(&by_testid(&m.root, "empty-state").unwrap()).contains("No unread"));
    assert!(all_by_testid(&m.root, "inbox-row").is_empty());
}

#[wasm_bindgen_test]
async fn a_wrong_token_shows_the_signed_out_state() {
    clear_storage();
    let m = mount_with(None, "not-the-token", View::Attention);
    wait_until("auth banner", 10_000, || {
        by_testid(&m.root, "banner-auth").is_some()
    })
    .await;
    assert!(text(&by_testid(&m.root, "banner-auth").unwrap()).contains("Signed out"));
    assert!(all_by_testid(&m.root, "inbox-row").is_empty());
}

#[wasm_bindgen_test]
async fn hostile_strings_render_as_text() {
    clear_storage();
    let name = "<img src=x onerror=\"window.__pwned=1\"><script>window.__pwned=2</script>";
    let id = new_conversation(name, "<b>bold</b> <a href=\"javascript:alert(1)\">x</a>").await;
    let m = mount_with(None, TOKEN, View::Unassigned);
    open(&m.root, id).await;
    let row = row(&m.root, id).unwrap();
    assert!(text(&row).contains(name), "the name shows as typed");
    assert!(
        m.root
            .query_selector("script, img[onerror], [onerror], a[href^=javascript]")
            .unwrap()
            .is_none()
    );
    wait_items(&m.root, "client message", |it| {
        it.iter()
            .any(|(k, _, t)| k == "client" && t.contains("<b>bold</b>"))
    })
    .await;
    assert!(
        js_sys::Reflect::get(&web_sys::window().unwrap(), &"__pwned".into())
            .unwrap()
            .is_undefined()
    );
}

#[wasm_bindgen_test]
async fn take_then_close_with_undo_and_close_for_real() {
    clear_storage();
    let id = new_conversation("Take Tester", "hello, anyone?").await;
    let m = mount_with(None, TOKEN, View::Unassigned);
    open(&m.root, id).await;
    assert_eq!(status(&m.root), "unassigned");

    click(&by_testid(&m.root, "action-take").unwrap());
    wait_until("status inbox", 10_000, || status(&m.root) == "inbox").await;
    assert_eq!(get(id).await["status"], "inbox");
    assert_eq!(
        get(id).await["operator_user_id"],
        1001,
        "taken as the account owner"
    );

    // Close offers Undo first: undo, and nothing happens on the server.
    click(&by_testid(&m.root, "action-close").unwrap());
    wait_until("undo offered", 2_000, || {
        by_testid(&m.root, "action-undo").is_some()
    })
    .await;
    click(&by_testid(&m.root, "action-undo").unwrap());
    settle().await;
    yew::platform::time::sleep(std::time::Duration::from_millis(600)).await;
    assert_eq!(
        get(id).await["status"],
        "inbox",
        "undone close never reached the server"
    );

    click(&by_testid(&m.root, "action-close").unwrap());
    let mut closed = false;
    for _ in 0..50 {
        if get(id).await["status"] == "closed" {
            closed = true;
            break;
        }
        yew::platform::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(closed, "close reached the server after the undo window");
}

#[wasm_bindgen_test]
async fn assign_operator_and_group_from_the_header() {
    clear_storage();
    let id = new_conversation("Assign Tester", "who can help?").await;
    let m = mount_with(None, TOKEN, View::Unassigned);
    open(&m.root, id).await;
    wait_until("operators loaded", 10_000, || {
        by_testid(&m.root, "action-assign-operator")
            .is_some_and(|s| s.query_selector("option[value=\"2\"]").unwrap().is_some())
    })
    .await;
    let select: web_sys::HtmlSelectElement = by_testid(&m.root, "action-assign-operator")
        .unwrap()
        .dyn_into()
        .unwrap();
    select.set_value("2");
    select
        .dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    wait_until("assigned", 10_000, || status(&m.root) == "inbox").await;
    assert_eq!(
        get(id).await["operator_user_id"],
        1002,
        "operator id 2 has user id 1002"
    );
    wait_until("header shows the operator", 5_000, || {
        text(&by_testid(&m.root, "conversation-view").unwrap()).contains("anna@demo.blinger.test")
    })
    .await;

    let select: web_sys::HtmlSelectElement = by_testid(&m.root, "action-assign-group")
        .unwrap()
        .dyn_into()
        .unwrap();
    let group = select
        .options()
        .item(1)
        .unwrap()
        .get_attribute("value")
        .unwrap();
    select.set_value(&group);
    select
        .dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    let mut done = false;
    for _ in 0..50 {
        if get(id).await["group_id"].as_u64().map(|g| g.to_string()) == Some(group.clone()) {
            done = true;
            break;
        }
        yew::platform::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(done, "group stored");
}

#[wasm_bindgen_test]
async fn reply_note_and_file_reach_the_sandbox_as_typed() {
    clear_storage();
    let id = new_conversation("Composer Tester", "I need the invoice").await;
    let m = mount_with(None, TOKEN, View::Unassigned);
    open(&m.root, id).await;
    let input = || by_testid(&m.root, "composer-input").unwrap();

    type_into(&input(), "Here it comes 📎");
    click(&by_testid(&m.root, "composer-send").unwrap());
    wait_items(&m.root, "reply sent", |it| {
        it.iter()
            .any(|(k, s, t)| k == "message" && s == "sent" && t.contains("Here it comes"))
    })
    .await;
    assert_eq!(text_value(&input()), "", "composer cleared after send");

    click(&by_testid(&m.root, "composer-mode-note").unwrap());
    settle().await;
    let composer = by_testid(&m.root, "composer").unwrap();
    assert!(
        composer.class_list().contains("bi-composer--note"),
        "note mode is visibly different"
    );
    assert_eq!(
        text(&by_testid(&m.root, "composer-send").unwrap()),
        "Add note"
    );
    type_into(&input(), "Customer is a VIP");
    click(&by_testid(&m.root, "composer-send").unwrap());
    wait_items(&m.root, "note added", |it| {
        it.iter()
            .any(|(k, s, t)| k == "note" && s == "sent" && t.contains("VIP"))
    })
    .await;
    // Mode never resets by itself.
    assert_eq!(
        by_testid(&m.root, "composer")
            .unwrap()
            .get_attribute("data-mode")
            .as_deref(),
        Some("note")
    );

    click(&by_testid(&m.root, "composer-mode-file").unwrap());
    settle().await;
    type_into(&input(), "javascript:alert(1)");
    click(&by_testid(&m.root, "composer-send").unwrap());
    settle().await;
    assert!(
        m.root
            .query_selector("[role=alert]")
            .unwrap()
            .is_some_and(|a| text(&a).contains("http")),
        "inline URL error"
    );
    type_into(&input(), "https://files.example.com/invoice.pdf");
    click(&by_testid(&m.root, "composer-send").unwrap());
    wait_items(&m.root, "file sent", |it| {
        it.iter().any(|(k, s, _)| k == "file" && s == "sent")
    })
    .await;

    let stored = messages(id).await;
    let kinds: Vec<(String, String)> = stored
        .iter()
        .filter(|m| m["kind"] != "client")
        .map(|m| {
            (
                m["kind"].as_str().unwrap().to_owned(),
                m["text"]
                    .as_str()
                    .or(m["file_url"].as_str())
                    .unwrap_or("")
                    .to_owned(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        vec![
            ("message".into(), "Here it comes 📎".into()),
            ("note".into(), "Customer is a VIP".into()),
            (
                "file".into(),
                "https://files.example.com/invoice.pdf".into()
            ),
        ],
        "exactly these, once each; the note was never sent as a reply"
    );
    let link = m.root.query_selector("a.bi-chip--link").unwrap().unwrap();
    assert_eq!(
        link.get_attribute("rel").as_deref(),
        Some("noopener noreferrer")
    );
    assert!(text(&link).contains("files.example.com"));
}

fn text_value(el: &Element) -> String {
    if let Some(t) = el.dyn_ref::<web_sys::HtmlTextAreaElement>() {
        t.value()
    } else {
        el.dyn_ref::<web_sys::HtmlInputElement>()
            .map(|i| i.value())
            .unwrap_or_default()
    }
}

#[wasm_bindgen_test]
async fn drafts_survive_a_remount_per_mode() {
    clear_storage();
    let id = new_conversation("Draft Tester", "question").await;
    {
        let m = mount_with(None, TOKEN, View::Unassigned);
        open(&m.root, id).await;
        type_into(
            &by_testid(&m.root, "composer-input").unwrap(),
            "half-written reply",
        );
        click(&by_testid(&m.root, "composer-mode-note").unwrap());
        settle().await;
        type_into(
            &by_testid(&m.root, "composer-input").unwrap(),
            "half-written note",
        );
        settle().await;
        // Unmounting saves at once (no debounce wait needed).
    }
    let m = mount_with(None, TOKEN, View::Unassigned);
    wait_until("draft marker", 10_000, || {
        row(&m.root, id).is_some_and(|r| text(&r).contains("Draft"))
    })
    .await;
    open(&m.root, id).await;
    wait_until("reply draft back", 5_000, || {
        text_value(&by_testid(&m.root, "composer-input").unwrap()) == "half-written reply"
    })
    .await;
    click(&by_testid(&m.root, "composer-mode-note").unwrap());
    wait_until("note draft back", 5_000, || {
        text_value(&by_testid(&m.root, "composer-input").unwrap()) == "half-written note"
    })
    .await;
}

#[wasm_bindgen_test]
async fn a_rejected_send_fails_visibly_and_retry_sends_once() {
    clear_storage();
    let id = new_conversation("Fault Tester", "are you there?").await;
    let m = mount_with(None, TOKEN, View::Unassigned);
    open(&m.root, id).await;
    sandbox("POST", "/sandbox/faults", Some(json!({"path": "/api/conversations/send-message", "count": 1, "status": 400, "body": "json"}))).await;
    type_into(&by_testid(&m.root, "composer-input").unwrap(), "first try");
    click(&by_testid(&m.root, "composer-send").unwrap());
    wait_items(&m.root, "failed", |it| {
        it.iter().any(|(_, s, _)| s == "failed")
    })
    .await;
    assert!(messages(id).await.iter().all(|m| m["text"] != "first try"));
    click(&by_testid(&m.root, "timeline-retry").unwrap());
    wait_items(&m.root, "sent after retry", |it| {
        it.iter()
            .any(|(_, s, t)| s == "sent" && t.contains("first try"))
    })
    .await;
    let count = messages(id)
        .await
        .iter()
        .filter(|m| m["text"] == "first try")
        .count();
    assert_eq!(count, 1, "one message on the server");
}

#[wasm_bindgen_test]
async fn an_unknown_outcome_is_reconciled_never_resent() {
    clear_storage();
    let id = new_conversation("Lost Answer", "hello?").await;
    let m = mount_with(None, TOKEN, View::Unassigned);
    open(&m.root, id).await;
    // The send reaches the server, but the answer is lost (502).
    sandbox("POST", "/sandbox/faults", Some(json!({"path": "/api/conversations/send-message", "count": 1, "status": 502, "body": "html", "apply": true}))).await;
    type_into(
        &by_testid(&m.root, "composer-input").unwrap(),
        "did this arrive?",
    );
    click(&by_testid(&m.root, "composer-send").unwrap());
    wait_items(&m.root, "reconciled to sent", |it| {
        it.iter()
            .any(|(_, s, t)| s == "sent" && t.contains("did this arrive?"))
    })
    .await;
    assert_eq!(
        messages(id)
            .await
            .iter()
            .filter(|m| m["text"] == "did this arrive?")
            .count(),
        1
    );

    // Neither applied nor answered: unconfirmed, with Retry / Discard.
    sandbox("POST", "/sandbox/faults", Some(json!({"path": "/api/conversations/send-message", "count": 1, "status": 503, "body": "empty"}))).await;
    type_into(&by_testid(&m.root, "composer-input").unwrap(), "and this?");
    click(&by_testid(&m.root, "composer-send").unwrap());
    // It is checked again after 1, 3, 10 and 30 s (a late commit would still show up), and
    // stays "sending" meanwhile; only then is it unconfirmed.
    yew::platform::time::sleep(std::time::Duration::from_millis(2_000)).await;
    assert!(
        items(&m.root)
            .iter()
            .any(|(_, s, t)| s == "sending" && t.contains("and this?")),
        "still being checked"
    );
    wait_items_for(&m.root, "unconfirmed", 60_000.0, |it| {
        it.iter()
            .any(|(_, s, t)| s == "unconfirmed" && t.contains("and this?"))
    })
    .await;
    assert_eq!(
        messages(id)
            .await
            .iter()
            .filter(|m| m["text"] == "and this?")
            .count(),
        0
    );
    // Something typed meanwhile stays; the discarded text goes back after it, not lost.
    type_into(
        &by_testid(&m.root, "composer-input").unwrap(),
        "typed meanwhile",
    );
    click(&by_testid(&m.root, "timeline-discard").unwrap());
    wait_until("discarded", 5_000, || {
        !items(&m.root)
            .iter()
            .any(|(_, _, t)| t.contains("and this?"))
    })
    .await;
    wait_until("back in the composer", 5_000, || {
        field_value(&m.root) == "typed meanwhile\nand this?"
    })
    .await;
}

/// The composer field's value.
fn field_value(root: &Element) -> String {
    by_testid(root, "composer-input")
        .and_then(|e| e.dyn_into::<web_sys::HtmlTextAreaElement>().ok())
        .map(|t| t.value())
        .unwrap_or_default()
}

#[wasm_bindgen_test]
async fn before_sending_into_a_changed_conversation_the_operator_is_asked() {
    clear_storage();
    let id = new_conversation("Drift Tester", "first").await;
    let m = mount_with(None, TOKEN, View::Unassigned);
    open(&m.root, id).await;
    // The client writes again while the operator is typing.
    yew::platform::time::sleep(std::time::Duration::from_millis(1100)).await;
    sandbox(
        "POST",
        "/sandbox/customer-message",
        Some(json!({"text": "second, actually cancel", "conversation_id": id})),
    )
    .await;
    wait_items(&m.root, "new message seen", |it| {
        it.iter().any(|(_, _, t)| t.contains("second, actually"))
    })
    .await;
    type_into(
        &by_testid(&m.root, "composer-input").unwrap(),
        "ok, shipping now",
    );
    click(&by_testid(&m.root, "composer-send").unwrap());
    wait_until("asked", 3_000, || {
        by_testid(&m.root, "composer-confirm").is_some()
    })
    .await;
    assert!(text(&by_testid(&m.root, "composer-confirm").unwrap()).contains("wrote again"));
    assert!(
        messages(id)
            .await
            .iter()
            .all(|m| m["text"] != "ok, shipping now"),
        "nothing sent before the answer"
    );
    click(&by_testid(&m.root, "composer-confirm-send").unwrap());
    wait_items(&m.root, "sent", |it| {
        it.iter()
            .any(|(_, s, t)| s == "sent" && t.contains("shipping now"))
    })
    .await;
}

#[wasm_bindgen_test]
async fn keyboard_moves_opens_and_switches_modes() {
    clear_storage();
    let m = mount_with(None, TOKEN, View::Unassigned);
    wait_until("rows", 10_000, || {
        all_by_testid(&m.root, "inbox-row").len() > 2
    })
    .await;
    let rows = all_by_testid(&m.root, "inbox-row");
    rows[0]
        .dyn_ref::<web_sys::HtmlElement>()
        .unwrap()
        .focus()
        .unwrap();
    press(&m.root, "j");
    let second = rows[1].get_attribute("data-conversation-id").unwrap();
    let active = gloo_utils_document().active_element().unwrap();
    assert_eq!(
        active.get_attribute("data-conversation-id").as_deref(),
        Some(second.as_str()),
        "j moves down"
    );
    press(&m.root, "Enter");
    wait_until("opened with Enter", 10_000, || {
        by_testid(&m.root, "conversation-view")
            .and_then(|v| v.get_attribute("data-conversation-id"))
            .as_deref()
            == Some(second.as_str())
    })
    .await;
    press(&m.root, "n");
    wait_until("note mode", 2_000, || {
        by_testid(&m.root, "composer")
            .unwrap()
            .get_attribute("data-mode")
            .as_deref()
            == Some("note")
    })
    .await;
    wait_until("n focuses the composer", 2_000, || {
        gloo_utils_document()
            .active_element()
            .and_then(|a| a.get_attribute("data-testid"))
            .as_deref()
            == Some("composer-input")
    })
    .await;
    // Shortcuts typed into the composer are text, not commands.
    press(&m.root, "c");
    settle().await;
    assert!(by_testid(&m.root, "action-undo").is_none());
    // Shortcuts belong to the widget: focus must be inside it.
    all_by_testid(&m.root, "inbox-row")[0]
        .dyn_ref::<web_sys::HtmlElement>()
        .unwrap()
        .focus()
        .unwrap();
    press(&m.root, "?");
    settle().await;
    assert!(by_testid(&m.root, "shortcuts").is_some());
    press(&m.root, "Escape");
    settle().await;
    assert!(by_testid(&m.root, "shortcuts").is_none());
}

#[wasm_bindgen_test]
async fn failing_polls_show_the_retry_state_and_recover() {
    clear_storage();
    sandbox("POST", "/sandbox/faults", Some(json!({"path": "/api/conversations/unassigned", "count": 2, "status": 500, "body": "html"}))).await;
    let m = mount_with(None, TOKEN, View::Unassigned);
    wait_until("error banner", 10_000, || {
        by_testid(&m.root, "banner-error").is_some()
    })
    .await;
    assert!(text(&by_testid(&m.root, "banner-error").unwrap()).contains("Cannot refresh"));
    // After the backoff the next poll succeeds and the banner goes away.
    wait_until("recovered", 15_000, || {
        by_testid(&m.root, "banner-error").is_none()
            && !all_by_testid(&m.root, "inbox-row").is_empty()
    })
    .await;
}

#[wasm_bindgen_test]
async fn the_loading_state_shows_before_the_first_answer() {
    clear_storage();
    sandbox(
        "POST",
        "/sandbox/faults",
        Some(json!({"path": "/api/conversations/unassigned", "count": 1, "delay_ms": 800})),
    )
    .await;
    let m = mount_with(None, TOKEN, View::Unassigned);
    settle().await;
    assert!(
        by_testid(&m.root, "loading").is_some(),
        "skeleton while loading"
    );
    wait_until("rows", 10_000, || {
        !all_by_testid(&m.root, "inbox-row").is_empty()
    })
    .await;
    assert!(by_testid(&m.root, "loading").is_none());
}

#[wasm_bindgen_test]
async fn the_attention_view_waits_for_all_three_lists_so_its_rows_do_not_reorder() {
    clear_storage();
    sandbox(
        "POST",
        "/sandbox/faults",
        Some(json!({"path": "/api/conversations/unread", "count": 1, "delay_ms": 1500})),
    )
    .await;
    let m = mount_with(None, TOKEN, View::Attention);
    // The two other lists answer at once; the merged view must not show their rows yet.
    let counted = |id: &str| {
        by_testid(&m.root, id).is_some_and(|t| text(&t).chars().any(|c| c.is_ascii_digit()))
    };
    wait_until("two lists counted", 5_000, || {
        counted("inbox-view-unassigned") && counted("inbox-view-not-answered")
    })
    .await;
    assert!(
        by_testid(&m.root, "loading").is_some(),
        "skeleton until the third list answers"
    );
    assert!(
        all_by_testid(&m.root, "inbox-row").is_empty(),
        "no partial rows"
    );
    wait_until("rows", 10_000, || {
        !all_by_testid(&m.root, "inbox-row").is_empty()
    })
    .await;
    assert!(by_testid(&m.root, "loading").is_none());
}

#[wasm_bindgen_test]
async fn a_long_list_is_rendered_whole() {
    clear_storage();
    // More than the first screenful the list renders at once (the rest follows in chunks).
    for i in 0..60 {
        new_conversation(&format!("Long list {i}"), "one of many").await;
    }
    let unassigned = sandbox("GET", "/api/conversations/unassigned", None).await;
    let mut expected: Vec<String> = unassigned["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].to_string())
        .collect();
    assert!(expected.len() > 60, "{}", expected.len());
    let m = mount_with(None, TOKEN, View::Unassigned);
    wait_until("every row", 10_000, || {
        all_by_testid(&m.root, "inbox-row").len() >= expected.len()
    })
    .await;
    let mut shown: Vec<String> = all_by_testid(&m.root, "inbox-row")
        .iter()
        .filter_map(|r| r.get_attribute("data-conversation-id"))
        .collect();
    // (Rows created in the same second may tie on the server's order; compare the sets.)
    shown.sort();
    expected.sort();
    assert_eq!(shown, expected);
    drop(m);

    // The long list arriving after a short one: the rows already on screen stay (the same
    // elements: focus and hover are not lost), although the newest 60 now come first.
    clear_storage();
    sandbox(
        "POST",
        "/sandbox/faults",
        Some(json!({"path": "/api/conversations/unassigned", "count": 1, "status": 500})),
    )
    .await;
    let m = mount_with(None, TOKEN, View::Attention);
    wait_until("the short lists", 10_000, || {
        !all_by_testid(&m.root, "inbox-row").is_empty()
    })
    .await;
    let early = all_by_testid(&m.root, "inbox-row");
    assert!(early.len() < 40, "{}", early.len());
    wait_until("the long list", 15_000, || {
        all_by_testid(&m.root, "inbox-row").len() > 60
    })
    .await;
    for row in &early {
        assert!(
            row.is_connected(),
            "{:?}",
            row.get_attribute("data-conversation-id")
        );
    }
}

// ---- option changes (issue 16, item 6) ---------------------------------------------------------

/// New props for a mounted inbox, as the embed's `update()` makes them: a new configuration
/// handle with `change` applied to the test configuration.
fn reconfigure(m: &mut Mounted, operator: Option<u64>, change: impl FnOnce(&mut WidgetConfig)) {
    let client = ClientConfig::new(URL, TokenSource::Fixed(Token::new(TOKEN)))
        .with_operator(operator.map(OperatorId))
        .with_history_url(Some(HISTORY.into()));
    let mut config = WidgetConfig::new(client);
    config.poll_interval_ms = 1_000;
    config.undo_ms = 300;
    change(&mut config);
    let props = yew::props!(InboxProps {
        config: config.into_handle(),
        initial_view: View::Unassigned,
    });
    m.app.as_mut().unwrap().update(props);
}

/// A send slowed down by the sandbox (the real handler runs after `ms`).
async fn slow_sends(ms: u32) {
    sandbox(
        "POST",
        "/sandbox/faults",
        Some(json!({"path": "/api/conversations/send-message", "count": 1, "delay_ms": ms})),
    )
    .await;
}

async fn copies(id: u64, text: &str) -> usize {
    messages(id)
        .await
        .iter()
        .filter(|m| m["text"] == text)
        .count()
}

#[wasm_bindgen_test]
async fn a_language_theme_or_send_key_change_mid_send_leaves_the_send_alone() {
    clear_storage();
    let id = new_conversation("Options Tester", "still there?").await;
    let mut m = mount_with(None, TOKEN, View::Unassigned);
    open(&m.root, id).await;
    slow_sends(1_500).await;
    let input = by_testid(&m.root, "composer-input").unwrap();
    type_into(&input, "sent across a theme change");
    click(&by_testid(&m.root, "composer-send").unwrap());
    wait_items(&m.root, "sending", |it| {
        it.iter()
            .any(|(_, s, t)| s == "sending" && t.contains("sent across a theme change"))
    })
    .await;
    type_into(&input, "half-typed words");
    reconfigure(&mut m, None, |c| {
        c.locale = blinger_inbox::i18n::Locale::Ru;
        c.theme = blinger_inbox::state::Theme::Dark;
        c.send_key = blinger_inbox::state::SendKey::CtrlEnter;
    });
    settle().await;
    let root = m.root.query_selector(".bi-root").unwrap().unwrap();
    assert_eq!(root.get_attribute("lang").as_deref(), Some("ru"));
    assert_eq!(root.get_attribute("data-theme").as_deref(), Some("dark"));
    // The send in flight finishes as if nothing happened: sent, once, well before any check.
    wait_items_for(&m.root, "sent", 5_000.0, |it| {
        it.iter()
            .any(|(_, s, t)| s == "sent" && t.contains("sent across a theme change"))
    })
    .await;
    assert_eq!(copies(id, "sent across a theme change").await, 1);
    // What was being typed stays, and the new send key is in force (Enter is a new line now).
    let input = by_testid(&m.root, "composer-input").unwrap();
    let typed = input
        .dyn_ref::<web_sys::HtmlTextAreaElement>()
        .unwrap()
        .value();
    assert_eq!(typed, "half-typed words");
    key_down(&input, "Enter");
    settle().await;
    assert_eq!(
        copies(id, "half-typed words").await,
        0,
        "Enter no longer sends"
    );
}

#[wasm_bindgen_test]
async fn a_scheduled_close_survives_a_language_change_and_still_goes() {
    clear_storage();
    let id = new_conversation("Close Across Options", "bye").await;
    let mut m = mount_with(None, TOKEN, View::Unassigned);
    reconfigure(&mut m, None, |c| c.undo_ms = 1_500);
    open(&m.root, id).await;
    click(&by_testid(&m.root, "action-take").unwrap());
    wait_until("status inbox", 10_000, || status(&m.root) == "inbox").await;
    click(&by_testid(&m.root, "action-close").unwrap());
    wait_until("undo offered", 2_000, || {
        by_testid(&m.root, "action-undo").is_some()
    })
    .await;
    reconfigure(&mut m, None, |c| {
        c.undo_ms = 1_500;
        c.locale = blinger_inbox::i18n::Locale::Ru;
    });
    settle().await;
    assert!(
        by_testid(&m.root, "action-undo").is_some(),
        "the Undo window is still open"
    );
    let mut closed = false;
    for _ in 0..60 {
        if get(id).await["status"] == "closed" {
            closed = true;
            break;
        }
        yew::platform::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(closed, "the close was carried out");
    wait_until("the banner gone", 5_000, || {
        by_testid(&m.root, "action-undo").is_none()
    })
    .await;
}

#[wasm_bindgen_test]
async fn an_operator_change_mid_send_hands_the_send_and_the_scheduled_close_over() {
    clear_storage();
    let id = new_conversation("Operator Switch", "who is this?").await;
    let mut m = mount_with(None, TOKEN, View::Unassigned);
    reconfigure(&mut m, None, |c| c.undo_ms = 2_000);
    open(&m.root, id).await;
    click(&by_testid(&m.root, "action-take").unwrap());
    wait_until("status inbox", 10_000, || status(&m.root) == "inbox").await;
    slow_sends(1_500).await;
    type_into(
        &by_testid(&m.root, "composer-input").unwrap(),
        "sent by the owner",
    );
    click(&by_testid(&m.root, "composer-send").unwrap());
    wait_items(&m.root, "sending", |it| {
        it.iter()
            .any(|(_, s, t)| s == "sending" && t.contains("sent by the owner"))
    })
    .await;
    click(&by_testid(&m.root, "action-close").unwrap());
    wait_until("undo offered", 2_000, || {
        by_testid(&m.root, "action-undo").is_some()
    })
    .await;
    // The owner (operator 1) becomes operator 1 named explicitly: another storage namespace and
    // a new session, which gets the scheduled close; the old one finishes its send.
    reconfigure(&mut m, Some(1), |c| c.undo_ms = 2_000);
    settle().await;
    let mut delivered = 0;
    for _ in 0..50 {
        delivered = copies(id, "sent by the owner").await;
        if delivered > 0 {
            break;
        }
        yew::platform::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(delivered, 1, "the send in flight was delivered, once");
    let mut closed = false;
    for _ in 0..60 {
        if get(id).await["status"] == "closed" {
            closed = true;
            break;
        }
        yew::platform::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(closed, "the scheduled close went after the hand-over");
    yew::platform::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(copies(id, "sent by the owner").await, 1, "never twice");
}
