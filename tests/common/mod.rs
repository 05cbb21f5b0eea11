//! Helpers shared by the browser tests: a fresh root per test, `data-testid` queries, and waiting
//! on what the user would see (never a fixed sleep standing in for a result).
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::time::Duration;

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, HtmlInputElement};

/// A new, empty element attached to `<body>` for one test.
pub fn fresh_root() -> Element {
    let document = gloo_utils_document();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    root
}

pub fn gloo_utils_document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// Lets Yew's scheduler run the renders queued so far.
pub async fn settle() {
    for _ in 0..3 {
        yew::platform::time::sleep(Duration::ZERO).await;
    }
}

/// The first element below `root` with this `data-testid`.
pub fn by_testid(root: &Element, id: &str) -> Option<Element> {
    root.query_selector(&format!("[data-testid=\"{id}\"]"))
        .unwrap()
}

/// Every element below `root` with this `data-testid`.
pub fn all_by_testid(root: &Element, id: &str) -> Vec<Element> {
    let list = root
        .query_selector_all(&format!("[data-testid=\"{id}\"]"))
        .unwrap();
    (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into::<Element>().ok())
        .collect()
}

/// Waits until `check` holds, polling each animation-ish tick; panics with `what` after `ms`.
pub async fn wait_until(what: &str, ms: u32, mut check: impl FnMut() -> bool) {
    let start = js_sys::Date::now();
    loop {
        if check() {
            return;
        }
        if js_sys::Date::now() - start > f64::from(ms) {
            panic!("timed out after {ms} ms waiting for: {what}");
        }
        yew::platform::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Types `value` into an input the way a user would: sets it and fires `input`.
pub fn type_into(el: &Element, value: &str) {
    if let Some(area) = el.dyn_ref::<web_sys::HtmlTextAreaElement>() {
        area.set_value(value);
    } else {
        let input: &HtmlInputElement = el.dyn_ref().unwrap();
        input.set_value(value);
    }
    let event = web_sys::InputEvent::new_with_event_init_dict("input", &{
        let init = web_sys::InputEventInit::new();
        init.set_bubbles(true);
        init
    })
    .unwrap();
    el.dispatch_event(&event).unwrap();
}

/// Clicks an element.
pub fn click(el: &Element) {
    el.dyn_ref::<HtmlElement>().unwrap().click();
}

/// Dispatches a bubbling, cancelable `keydown` of `key` at `target`; the event (to see whether a
/// handler prevented its default).
pub fn key_down(target: &Element, key: &str) -> web_sys::KeyboardEvent {
    let init = web_sys::KeyboardEventInit::new();
    init.set_key(key);
    init.set_bubbles(true);
    init.set_cancelable(true);
    let event =
        web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    target.dispatch_event(&event).unwrap();
    event
}

/// The text a user sees in `el`.
pub fn text(el: &Element) -> String {
    el.text_content().unwrap_or_default()
}
