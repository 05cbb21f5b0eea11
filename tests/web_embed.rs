//! Browser tests of the JS API behind `<blinger-inbox>` and the npm module (`mount(element,
//! options)` → handle), against a real sandbox whose URL and token are compiled in from
//! `BLINGER_SANDBOX_URL` / `BLINGER_SANDBOX_TOKEN` (started with `--faults --seed demo --db
//! :memory:` and CORS for this page's origin; `scripts/test.sh` does it).
//!
//! The element's attribute and property mapping (a few lines of JS) and the npm package are
//! covered end to end by `e2e/tests/pkg.spec.js`.
#![cfg(all(target_arch = "wasm32", feature = "embed"))]
#![allow(clippy::restriction)] // tests unwrap, index and panic

mod common;

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use blinger_inbox::embed::{Handle, mount};
use common::*;
use js_sys::{Function, Object, Reflect};
use serde_json::{Value, json};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlTextAreaElement};

wasm_bindgen_test_configure!(run_in_browser);

const URL: &str = env!("BLINGER_SANDBOX_URL");
const TOKEN: &str = env!("BLINGER_SANDBOX_TOKEN");

fn options(v: Value) -> Object {
    js_sys::JSON::parse(&v.to_string())
        .unwrap()
        .dyn_into()
        .unwrap()
}

fn set(o: &Object, key: &str, value: &JsValue) {
    Reflect::set(o, &key.into(), value).unwrap();
}

fn host() -> HtmlElement {
    let el = fresh_root().dyn_into::<HtmlElement>().unwrap();
    el.set_class_name("host");
    el
}

/// The widget's own root inside the shadow root.
fn inside(el: &HtmlElement) -> Element {
    el.shadow_root()
        .expect("an open shadow root")
        .query_selector(".bi-embed")
        .unwrap()
        .expect("the widget container")
}

fn error_message(e: JsError) -> String {
    let v: JsValue = e.into();
    v.dyn_into::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .unwrap_or_default()
}

fn must_mount(el: &HtmlElement, o: &Object) -> Handle {
    match mount(el.clone().into(), o.clone().into()) {
        Ok(h) => h,
        Err(e) => panic!("mount failed: {}", error_message(e)),
    }
}

async fn rows_shown(el: &HtmlElement) {
    let root = inside(el);
    wait_until("the sandbox's conversations in the list", 10_000, || {
        all_by_testid(&root, "inbox-row").len() >= 3
    })
    .await;
}

/// One event seen: name, detail, bubbles, composed.
type Seen = (String, Value, bool, bool);
type Listener = (String, Closure<dyn FnMut(web_sys::Event)>);

/// Every event of these names dispatched on (or bubbling through) `target`.
struct Recorder {
    seen: Rc<RefCell<Vec<Seen>>>,
    target: web_sys::EventTarget,
    listeners: Vec<Listener>,
}

impl Recorder {
    fn on(target: &web_sys::EventTarget, names: &[&str]) -> Recorder {
        let seen = Rc::new(RefCell::new(Vec::new()));
        let mut listeners = Vec::new();
        for name in names {
            let seen = seen.clone();
            let n = (*name).to_owned();
            let closure = Closure::<dyn FnMut(web_sys::Event)>::new(move |e: web_sys::Event| {
                let detail = e
                    .dyn_ref::<web_sys::CustomEvent>()
                    .map(|c| c.detail())
                    .and_then(|d| js_sys::JSON::stringify(&d).ok())
                    .and_then(|s| s.as_string())
                    .and_then(|s| serde_json::from_str(&s).ok())
                    .unwrap_or(Value::Null);
                seen.borrow_mut()
                    .push((n.clone(), detail, e.bubbles(), e.composed()));
            });
            target
                .add_event_listener_with_callback(name, closure.as_ref().unchecked_ref())
                .unwrap();
            listeners.push(((*name).to_owned(), closure));
        }
        Recorder {
            seen,
            target: target.clone(),
            listeners,
        }
    }

    fn named(&self, name: &str) -> Vec<Value> {
        self.seen
            .borrow()
            .iter()
            .filter(|(n, ..)| n == name)
            .map(|(_, d, ..)| d.clone())
            .collect()
    }

    fn count(&self, name: &str) -> usize {
        self.named(name).len()
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        for (name, c) in &self.listeners {
            let _ = self
                .target
                .remove_event_listener_with_callback(name, c.as_ref().unchecked_ref());
        }
    }
}

async fn sandbox_get(path: &str) -> Value {
    gloo_net::http::Request::get(&format!("{URL}{path}"))
        .header("Authentication", TOKEN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// Requests the sandbox counted since the last reset, per path.
async fn requests() -> serde_json::Map<String, Value> {
    sandbox_get("/sandbox/requests").await["data"]
        .as_object()
        .cloned()
        .unwrap_or_default()
}

async fn reset_requests() {
    gloo_net::http::Request::delete(&format!("{URL}/sandbox/requests"))
        .send()
        .await
        .unwrap();
}

fn total(counts: &serde_json::Map<String, Value>) -> u64 {
    counts.values().filter_map(Value::as_u64).sum()
}

fn type_text(el: &Element, value: &str) {
    let area: &HtmlTextAreaElement = el.dyn_ref().unwrap();
    area.set_value(value);
    let init = web_sys::InputEventInit::new();
    init.set_bubbles(true);
    let event = web_sys::InputEvent::new_with_event_init_dict("input", &init).unwrap();
    area.dispatch_event(&event).unwrap();
}

async fn sleep_ms(ms: u64) {
    yew::platform::time::sleep(std::time::Duration::from_millis(ms)).await;
}

fn base_options() -> Object {
    options(json!({ "baseUrl": URL, "token": TOKEN, "pollInterval": 1000 }))
}

fn computed(el: &Element, property: &str) -> String {
    web_sys::window()
        .unwrap()
        .get_computed_style(el)
        .unwrap()
        .unwrap()
        .get_property_value(property)
        .unwrap()
}

// ---- tests -----------------------------------------------------------------------------------

#[wasm_bindgen_test]
async fn renders_the_sandbox_in_a_shadow_root_with_an_adopted_stylesheet_only() {
    let el = host();
    let events = Recorder::on(&el, &["ready", "unread-changed"]);
    let handle = must_mount(&el, &base_options());
    rows_shown(&el).await;
    let shadow = el.shadow_root().unwrap();
    assert_eq!(shadow.mode(), web_sys::ShadowRootMode::Open);
    assert_eq!(shadow.adopted_style_sheets().length(), 1);
    // Strict CSP: no <style> element and no style attribute anywhere.
    assert!(shadow.query_selector("style, [style]").unwrap().is_none());
    assert!(
        gloo_utils_document()
            .query_selector("style[data-bi], link[href*=inbox]")
            .unwrap()
            .is_none(),
        "no global CSS"
    );
    // The token is nowhere in the DOM.
    assert!(!inside(&el).outer_html().contains(TOKEN));
    assert!(!el.outer_html().contains(TOKEN));
    // The stylesheet applies inside: the root uses the theme's font size.
    let root = inside(&el).query_selector(".bi-root").unwrap().unwrap();
    assert_eq!(computed(&root, "font-size"), "14px");
    assert!(events.count("ready") >= 1);
    wait_until("unread-changed with a total", 5_000, || {
        events
            .named("unread-changed")
            .iter()
            .any(|d| d["unread"].as_u64().is_some())
    })
    .await;
    assert!(
        events.seen.borrow().iter().all(|(_, _, b, c)| *b && *c),
        "host events bubble and are composed"
    );
    handle.destroy();
}

#[wasm_bindgen_test]
async fn bad_options_are_clear_errors_and_mount_nothing() {
    let cases: Vec<(Value, &str)> = vec![
        (json!({}), "baseUrl"),
        (json!({ "baseUrl": "javascript:alert(1)" }), "http"),
        (json!({ "baseUrl": URL, "theme": "neon" }), "light, dark"),
        (json!({ "baseURL": URL }), "unknown option `baseURL`"),
        (json!({ "baseUrl": URL, "operatorId": "abc" }), "operatorId"),
        (
            json!({ "baseUrl": URL, "pollInterval": 5 }),
            "at least 1000",
        ),
        (
            json!({ "baseUrl": URL, "historyUrl": "/no-placeholder" }),
            "{id}",
        ),
        (
            json!({ "baseUrl": URL, "token": 42 }),
            "`token` must be a string",
        ),
        (
            json!({ "baseUrl": URL, "token": "a", "tokenProvider": null, "view": "closed" }),
            "view",
        ),
    ];
    for (value, expected) in cases {
        let el = host();
        let err = mount(el.clone().into(), options(value.clone()).into())
            .err()
            .unwrap_or_else(|| panic!("{value} must be refused"));
        let message = error_message(err);
        assert!(message.contains(expected), "{value}: {message}");
        assert!(message.starts_with("blinger-inbox: "), "{message}");
        assert!(
            el.shadow_root()
                .is_none_or(|s| s.child_element_count() == 0)
        );
    }
    // Not an element; both token kinds at once; a provider that is not a function.
    let err = mount(JsValue::from_str("#inbox"), base_options().into())
        .err()
        .unwrap();
    assert!(error_message(err).contains("HTML element"));
    let o = base_options();
    set(&o, "tokenProvider", &Function::new_no_args("return 'x'"));
    assert!(error_message(mount(host().into(), o.into()).err().unwrap()).contains("either"));
    let o = options(json!({ "baseUrl": URL, "tokenProvider": "tok" }));
    assert!(error_message(mount(host().into(), o.into()).err().unwrap()).contains("function"));
    // An element that cannot hold a shadow root.
    let img = gloo_utils_document().create_element("img").unwrap();
    gloo_utils_document()
        .body()
        .unwrap()
        .append_child(&img)
        .unwrap();
    let err = mount(img.into(), base_options().into()).err().unwrap();
    assert!(error_message(err).contains("<img>"));
}

#[wasm_bindgen_test]
async fn a_token_provider_is_asked_again_after_a_401() {
    let el = host();
    let calls = Rc::new(Cell::new(0u32));
    let provider = {
        let calls = calls.clone();
        Closure::<dyn FnMut() -> js_sys::Promise>::new(move || {
            calls.set(calls.get() + 1);
            // First a stale token, then the right one (as a refresh would).
            let token = if calls.get() == 1 {
                "stale-token"
            } else {
                TOKEN
            };
            js_sys::Promise::resolve(&JsValue::from_str(token))
        })
    };
    let o = options(json!({ "baseUrl": URL, "pollInterval": 1000 }));
    set(&o, "tokenProvider", provider.as_ref());
    let handle = must_mount(&el, &o);
    rows_shown(&el).await;
    assert!(calls.get() >= 2, "asked {} times", calls.get());
    // Once it works, the token is kept: two more poll rounds ask nothing.
    let asked = calls.get();
    sleep_ms(2_500).await;
    assert_eq!(calls.get(), asked, "the provider is not asked per request");
    handle.destroy();
}

#[wasm_bindgen_test]
async fn a_token_provider_that_never_settles_is_timed_out_and_reported() {
    let el = host();
    let events = Recorder::on(&el, &["auth-required", "error"]);
    let o = options(json!({ "baseUrl": URL, "pollInterval": 1000 }));
    // A promise that never resolves nor rejects.
    let hanging = Function::new_no_args("return new Promise(() => {})");
    set(&o, "tokenProvider", &hanging);
    let handle = must_mount(&el, &o);
    wait_until("auth-required after the request budget", 25_000, || {
        events.count("auth-required") > 0
    })
    .await;
    assert!(events.count("error") > 0, "the host hears what went wrong");
    let root = inside(&el);
    wait_until("the signed-out banner", 5_000, || {
        root.query_selector(".bi-banner--auth").unwrap().is_some()
    })
    .await;
    // A working provider resumes it.
    let provider = Function::new_no_args(&format!("return Promise.resolve('{TOKEN}')"));
    handle.set_token_provider(provider.into()).unwrap();
    rows_shown(&el).await;
    handle.destroy();
}

#[wasm_bindgen_test]
async fn auth_required_then_a_new_token_resumes() {
    let el = host();
    let events = Recorder::on(&el, &["auth-required"]);
    let o = options(json!({ "baseUrl": URL, "token": "wrong-token", "pollInterval": 1000 }));
    let handle = must_mount(&el, &o);
    wait_until("auth-required", 10_000, || {
        events.count("auth-required") > 0
    })
    .await;
    let root = inside(&el);
    wait_until("the signed-out banner", 5_000, || {
        root.query_selector(".bi-banner--auth").unwrap().is_some()
    })
    .await;
    assert!(all_by_testid(&root, "inbox-row").is_empty());
    handle.set_token(TOKEN.into()).unwrap();
    rows_shown(&el).await;
    assert!(!el.outer_html().contains(TOKEN) && !root.outer_html().contains(TOKEN));
    // Switching to a provider works the same way.
    let provider = Function::new_no_args(&format!("return Promise.resolve('{TOKEN}')"));
    handle.set_token_provider(provider.into()).unwrap();
    handle.refresh();
    sleep_ms(300).await;
    assert!(!all_by_testid(&root, "inbox-row").is_empty());
    assert!(handle.set_token_provider(JsValue::from_f64(3.0)).is_err());
    handle.destroy();
}

#[wasm_bindgen_test]
async fn events_and_a_cancelled_before_send() {
    let el = host();
    let body: web_sys::EventTarget = gloo_utils_document().body().unwrap().into();
    // Listening on <body> proves the events bubble out of the shadow root.
    let events = Recorder::on(
        &body,
        &[
            "conversation-selected",
            "message-sent",
            "note-added",
            "before-send",
        ],
    );
    let cancel = Rc::new(Cell::new(true));
    let canceller = {
        let cancel = cancel.clone();
        Closure::<dyn FnMut(web_sys::Event)>::new(move |e: web_sys::Event| {
            if cancel.get() {
                e.prevent_default();
            }
        })
    };
    el.add_event_listener_with_callback("before-send", canceller.as_ref().unchecked_ref())
        .unwrap();
    let handle = must_mount(&el, &base_options());
    rows_shown(&el).await;
    let root = inside(&el);
    let id: u64 = all_by_testid(&root, "inbox-row")[0]
        .get_attribute("data-conversation-id")
        .unwrap()
        .parse()
        .unwrap();
    handle.select(JsValue::from_f64(id as f64)).unwrap();
    wait_until("the composer", 10_000, || {
        by_testid(&root, "composer-input").is_some()
    })
    .await;
    assert_eq!(
        events.named("conversation-selected").last().unwrap()["conversationId"],
        id
    );

    reset_requests().await;
    let text = format!("embed test {}", js_sys::Math::random());
    type_text(&by_testid(&root, "composer-input").unwrap(), &text);
    settle().await;
    click(&by_testid(&root, "composer-send").unwrap());
    settle().await;
    let before = events.named("before-send");
    assert_eq!(before.len(), 1);
    assert_eq!(before[0]["conversationId"], id);
    assert_eq!(before[0]["kind"], "message");
    assert_eq!(before[0]["text"], text.as_str());
    sleep_ms(500).await;
    assert_eq!(
        events.count("message-sent"),
        0,
        "a cancelled send is not sent"
    );
    assert!(
        !requests()
            .await
            .contains_key("/api/conversations/send-message")
    );
    let input = by_testid(&root, "composer-input").unwrap();
    assert_eq!(
        input.dyn_ref::<HtmlTextAreaElement>().unwrap().value(),
        text,
        "the text stays"
    );

    // A `beforeSend` option returning false cancels too.
    let o = Object::new();
    set(
        &o,
        "beforeSend",
        &Function::new_with_args("d", "return d.kind !== 'message'"),
    );
    handle.update(o.into()).unwrap();
    cancel.set(false);
    click(&by_testid(&root, "composer-send").unwrap());
    settle().await;
    sleep_ms(300).await;
    assert_eq!(events.count("message-sent"), 0);

    // Allowed: it is sent, and the host hears about it.
    handle
        .update(options(json!({ "beforeSend": null })).into())
        .unwrap();
    click(&by_testid(&root, "composer-send").unwrap());
    wait_until("message-sent", 10_000, || events.count("message-sent") == 1).await;
    let sent = &events.named("message-sent")[0];
    assert_eq!(sent["conversationId"], id);
    assert_eq!(sent["kind"], "message");
    assert!(sent["localId"].as_u64().is_some());
    assert_eq!(requests().await["/api/conversations/send-message"], 1);
    let got = sandbox_get(&format!("/api/conversations/get?conversation_id={id}")).await;
    assert_eq!(got["data"]["last_message"], text.as_str());

    // An async `beforeSend` is awaited: a Promise of false cancels (the text stays)…
    let later = format!("async approval {}", js_sys::Math::random());
    let input = by_testid(&root, "composer-input").unwrap();
    type_text(&input, &later);
    settle().await;
    let answer_later = |v: &str| {
        let o = Object::new();
        set(
            &o,
            "beforeSend",
            &Function::new_with_args(
                "d",
                &format!("return new Promise(r => setTimeout(() => r({v}), 300))"),
            ),
        );
        o
    };
    handle.update(answer_later("false").into()).unwrap();
    click(&by_testid(&root, "composer-send").unwrap());
    sleep_ms(800).await;
    assert_eq!(
        events.count("message-sent"),
        1,
        "a Promise of false cancels"
    );
    assert_eq!(
        input.dyn_ref::<HtmlTextAreaElement>().unwrap().value(),
        later
    );
    // …so does a thenable of false (a Promise of another realm is not `instanceof Promise`
    // here: Firefox's WebDriver scripts make such Promises)…
    let o = Object::new();
    set(
        &o,
        "beforeSend",
        &Function::new_with_args(
            "d",
            "return { then(r) { setTimeout(() => r(false), 300); } }",
        ),
    );
    handle.update(o.into()).unwrap();
    click(&by_testid(&root, "composer-send").unwrap());
    sleep_ms(800).await;
    assert_eq!(
        events.count("message-sent"),
        1,
        "a thenable of false cancels"
    );
    assert_eq!(
        input.dyn_ref::<HtmlTextAreaElement>().unwrap().value(),
        later
    );
    // …a Promise of true sends it once (a second press while the host decides is no second
    // send), and the composer empties.
    handle.update(answer_later("true").into()).unwrap();
    click(&by_testid(&root, "composer-send").unwrap());
    click(&by_testid(&root, "composer-send").unwrap());
    wait_until("the approved send", 10_000, || {
        events.count("message-sent") == 2
    })
    .await;
    sleep_ms(500).await;
    assert_eq!(events.count("message-sent"), 2, "sent once");
    assert_eq!(requests().await["/api/conversations/send-message"], 2);
    wait_until("the composer empties", 5_000, || {
        by_testid(&root, "composer-input")
            .and_then(|e| e.dyn_into::<HtmlTextAreaElement>().ok())
            .is_some_and(|t| t.value().is_empty())
    })
    .await;
    el.remove_event_listener_with_callback("before-send", canceller.as_ref().unchecked_ref())
        .unwrap();
    handle.destroy();
}

#[wasm_bindgen_test]
async fn destroy_leaves_nothing_behind() {
    let el = host();
    let events = Recorder::on(&el, &["ready"]);
    let handle = must_mount(&el, &base_options());
    rows_shown(&el).await;
    let id: u64 = all_by_testid(&inside(&el), "inbox-row")[0]
        .get_attribute("data-conversation-id")
        .unwrap()
        .parse()
        .unwrap();
    handle.select(JsValue::from_f64(id as f64)).unwrap();
    sleep_ms(300).await;
    handle.destroy();
    handle.destroy(); // idempotent
    assert!(!handle.is_mounted());
    let shadow = el.shadow_root().unwrap();
    assert_eq!(shadow.child_nodes().length(), 0, "no DOM left");
    assert_eq!(
        shadow.adopted_style_sheets().length(),
        0,
        "no stylesheet left"
    );
    // Methods after destroy do nothing (and do not throw).
    handle.refresh();
    handle.select(JsValue::from_f64(1.0)).unwrap();
    handle.set_token(TOKEN.into()).unwrap();
    // No request after destroy: with a 1 s poll, 2.5 s would show two rounds.
    sleep_ms(200).await;
    reset_requests().await;
    sleep_ms(2_500).await;
    let after = requests().await;
    assert_eq!(total(&after), 0, "requests after destroy: {after:?}");
    assert_eq!(events.count("ready"), 1);
    // The same element can host a new inbox.
    let again = must_mount(&el, &base_options());
    rows_shown(&el).await;
    again.destroy();
}

#[wasm_bindgen_test]
async fn two_instances_share_nothing() {
    let a = host();
    let b = host();
    let ea = Recorder::on(&a, &["conversation-selected"]);
    let eb = Recorder::on(&b, &["conversation-selected"]);
    let ha = must_mount(&a, &base_options());
    let o = base_options();
    set(&o, "view", &"unassigned".into());
    set(&o, "theme", &"dark".into());
    set(&o, "locale", &"ru".into());
    let hb = must_mount(&b, &o);
    rows_shown(&a).await;
    rows_shown(&b).await;
    let (ra, rb) = (inside(&a), inside(&b));
    let root_a = ra.query_selector(".bi-root").unwrap().unwrap();
    let root_b = rb.query_selector(".bi-root").unwrap().unwrap();
    assert_eq!(root_a.get_attribute("data-theme").as_deref(), Some("auto"));
    assert_eq!(root_b.get_attribute("data-theme").as_deref(), Some("dark"));
    assert_eq!(root_b.get_attribute("lang").as_deref(), Some("ru"));
    assert_ne!(
        computed(&root_a, "background-color"),
        computed(&root_b, "background-color")
    );
    let selected = |r: &Element, v: &str| {
        by_testid(r, v)
            .unwrap()
            .get_attribute("aria-selected")
            .as_deref()
            == Some("true")
    };
    assert!(selected(&ra, "inbox-view-attention"));
    assert!(selected(&rb, "inbox-view-unassigned"));

    let id: u64 = all_by_testid(&ra, "inbox-row")[0]
        .get_attribute("data-conversation-id")
        .unwrap()
        .parse()
        .unwrap();
    ha.select(JsValue::from_f64(id as f64)).unwrap();
    wait_until("A opens the conversation", 10_000, || {
        by_testid(&ra, "conversation-view").is_some()
    })
    .await;
    assert_eq!(ea.count("conversation-selected"), 1);
    assert_eq!(
        eb.count("conversation-selected"),
        0,
        "events stay on their own element"
    );
    assert!(
        by_testid(&rb, "conversation-view").is_none(),
        "B is not affected"
    );

    // Destroying A leaves B working.
    ha.destroy();
    hb.set_view("attention").unwrap();
    settle().await;
    assert!(selected(&rb, "inbox-view-attention"));
    hb.refresh();
    sleep_ms(300).await;
    assert!(!all_by_testid(&rb, "inbox-row").is_empty());
    assert!(hb.set_view("closed").is_err());
    hb.destroy();
}

#[wasm_bindgen_test]
async fn hostile_host_css_does_not_change_the_look_but_custom_properties_theme_it() {
    let el = host();
    let handle = must_mount(
        &el,
        &options(json!({ "baseUrl": URL, "token": TOKEN, "theme": "light" })),
    );
    rows_shown(&el).await;
    let root = inside(&el);
    // A row's content is rebuilt when its data changes (the directory arriving adds the
    // assignee): find its name again each time.
    let id = all_by_testid(&root, "inbox-row")[0]
        .get_attribute("data-conversation-id")
        .unwrap();
    let selector = format!("[data-conversation-id=\"{id}\"] .bi-row__name");
    let name = || root.query_selector(&selector).unwrap().unwrap();
    let tab = by_testid(&root, "inbox-view-attention").unwrap();
    let props = [
        "color",
        "font-size",
        "font-family",
        "letter-spacing",
        "text-transform",
        "line-height",
        "text-align",
        "font-style",
    ];
    let look = |e: &Element| props.map(|p| computed(e, p));
    let (name_before, tab_before) = (look(&name()), look(&tab));
    let root_before = look(&root.query_selector(".bi-root").unwrap().unwrap());

    let style = gloo_utils_document().create_element("style").unwrap();
    style.set_text_content(Some(
        "html { font-size: 62.5% !important; } \
         * { color: red !important; font-size: 30px !important; font-family: serif !important; \
             letter-spacing: 4px !important; text-transform: uppercase !important; \
             line-height: 4 !important; text-align: right !important; font-style: italic !important; } \
         div, li, button { padding: 40px !important; background: lime !important; }",
    ));
    gloo_utils_document()
        .head()
        .unwrap()
        .append_child(&style)
        .unwrap();
    settle().await;
    assert_eq!(look(&name()), name_before, "a row's name");
    assert_eq!(look(&tab), tab_before, "a view tab");
    assert_eq!(
        look(&root.query_selector(".bi-root").unwrap().unwrap()),
        root_before
    );
    assert_eq!(
        computed(&tab, "padding-top"),
        computed(&tab, "padding-bottom")
    );
    assert_ne!(computed(&tab, "padding-top"), "40px");
    style.remove();

    // The documented custom properties do reach inside.
    let selected = root.query_selector(".bi-tab--selected").unwrap().unwrap();
    let accent_before = computed(&selected, "background-color");
    el.set_attribute("class", "host themed").unwrap();
    let theme = gloo_utils_document().create_element("style").unwrap();
    theme.set_text_content(Some(
        ".themed { --bi-accent: rgb(1, 2, 3); --bi-font-size: 18px; }",
    ));
    gloo_utils_document()
        .head()
        .unwrap()
        .append_child(&theme)
        .unwrap();
    settle().await;
    assert_eq!(computed(&selected, "background-color"), "rgb(1, 2, 3)");
    assert_ne!(accent_before, "rgb(1, 2, 3)");
    assert_eq!(
        computed(
            &root.query_selector(".bi-root").unwrap().unwrap(),
            "font-size"
        ),
        "18px"
    );
    theme.remove();
    handle.destroy();
}

#[wasm_bindgen_test]
async fn update_changes_theme_locale_and_view_and_keeps_the_open_conversation() {
    let el = host();
    let handle = must_mount(&el, &base_options());
    rows_shown(&el).await;
    let root = inside(&el);
    let id: u64 = all_by_testid(&root, "inbox-row")[0]
        .get_attribute("data-conversation-id")
        .unwrap()
        .parse()
        .unwrap();
    handle.select(JsValue::from_f64(id as f64)).unwrap();
    wait_until("the conversation", 10_000, || {
        by_testid(&root, "conversation-view").is_some()
    })
    .await;
    let english = by_testid(&root, "inbox-view-unassigned")
        .unwrap()
        .text_content()
        .unwrap();

    handle
        .update(options(json!({ "theme": "dark", "locale": "ru", "sendKey": "ctrl-enter" })).into())
        .unwrap();
    settle().await;
    let bi_root = root.query_selector(".bi-root").unwrap().unwrap();
    assert_eq!(bi_root.get_attribute("data-theme").as_deref(), Some("dark"));
    assert_eq!(bi_root.get_attribute("lang").as_deref(), Some("ru"));
    let russian = by_testid(&root, "inbox-view-unassigned")
        .unwrap()
        .text_content()
        .unwrap();
    assert_ne!(english, russian);
    // The open conversation survives the new configuration and its actions still work.
    assert!(by_testid(&root, "conversation-view").is_some());

    // A bad update is refused and changes nothing.
    let err = handle
        .update(options(json!({ "theme": "neon" })).into())
        .err()
        .unwrap();
    assert!(error_message(err).contains("theme"));
    assert_eq!(bi_root.get_attribute("data-theme").as_deref(), Some("dark"));
    // Unset goes back to the default.
    handle
        .update(options(json!({ "theme": null, "view": "unread" })).into())
        .unwrap();
    settle().await;
    let bi_root = root.query_selector(".bi-root").unwrap().unwrap();
    assert_eq!(bi_root.get_attribute("data-theme").as_deref(), Some("auto"));
    assert_eq!(
        by_testid(&root, "inbox-view-unread")
            .unwrap()
            .get_attribute("aria-selected")
            .as_deref(),
        Some("true")
    );
    handle.destroy();
}
