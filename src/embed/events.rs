//! What the widget tells its host: every [`HostEvent`] as a bubbling, composed `CustomEvent` on
//! the element, and the cancellable `before-send` event followed by the host's `beforeSend`
//! function before each send.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Function, Object, Reflect};
use wasm_bindgen::prelude::*;
use web_sys::{CustomEvent, CustomEventInit, HtmlElement};
use yew::Callback;

use crate::state::{Approval, BeforeSendHook, ByPtr};
use crate::state::{HostEvent, SendRequest};
use wasm_bindgen::JsCast;

/// Dispatches a bubbling, composed `CustomEvent`; returns `false` when a listener cancelled it.
fn dispatch(element: &HtmlElement, name: &str, detail: &JsValue, cancelable: bool) -> bool {
    let init = CustomEventInit::new();
    init.set_bubbles(true);
    init.set_composed(true);
    init.set_cancelable(cancelable);
    init.set_detail(detail);
    match CustomEvent::new_with_event_init_dict(name, &init) {
        Ok(event) => element.dispatch_event(&event).unwrap_or(true),
        Err(_) => true,
    }
}

fn detail_of(event: &HostEvent) -> JsValue {
    js_sys::JSON::parse(&event.detail_json()).unwrap_or_else(|_| Object::new().into())
}

/// Dispatches each host event on `element`.
pub(crate) fn host_events(element: &HtmlElement) -> Callback<HostEvent> {
    let element = element.clone();
    Callback::from(move |event: HostEvent| {
        dispatch(&element, event.name(), &detail_of(&event), false);
    })
}

/// `{ conversationId, kind, text }` of the `before-send` event.
fn send_detail(request: &SendRequest) -> Object {
    let detail = Object::new();
    let _ = Reflect::set(
        &detail,
        &"conversationId".into(),
        &JsValue::from_f64(request.conversation.0 as f64),
    );
    let _ = Reflect::set(
        &detail,
        &"kind".into(),
        &request.kind.timeline_kind().into(),
    );
    let _ = Reflect::set(&detail, &"text".into(), &request.text.as_str().into());
    detail
}

/// Asks the host before each send: the `before-send` event first (`preventDefault()` cancels),
/// then the `beforeSend` function in `before_send`, if any: `false` or a throw cancels; a
/// returned Promise is awaited (resolving `false`, rejecting, or not settling within the budget
/// of a request cancel — never send what the host could not check).
pub(crate) fn before_send_hook(
    element: &HtmlElement,
    before_send: &Rc<RefCell<Option<Function>>>,
) -> BeforeSendHook {
    let element = element.clone();
    let before_send = Rc::clone(before_send);
    ByPtr::<dyn Fn(&SendRequest) -> Approval>(Rc::new(move |request: &SendRequest| {
        let detail = send_detail(request);
        if !dispatch(&element, "before-send", &detail, true) {
            return Approval::Now(false);
        }
        let hook = before_send.borrow().clone();
        let Some(f) = hook else {
            return Approval::Now(true);
        };
        match f.call1(&element, &detail) {
            Ok(answer) => match thenable(answer) {
                Ok(promise) => Approval::Later(Box::pin(async move {
                    let settled = crate::api::transport::race(
                        wasm_bindgen_futures::JsFuture::from(promise),
                        gloo_timers::future::TimeoutFuture::new(crate::api::DEFAULT_TIMEOUT_MS),
                    )
                    .await;
                    matches!(settled, Some(Ok(v)) if v.as_bool() != Some(false))
                })),
                Err(answer) => Approval::Now(answer.as_bool() != Some(false)),
            },
            Err(_) => Approval::Now(false),
        }
    }))
}

/// The host's answer as a Promise when it is one: a Promise of this page, or any thenable (a
/// Promise of another realm — an iframe's, a test driver's — or a library's), which
/// `Promise.resolve` adopts. Anything else is the answer itself.
fn thenable(answer: JsValue) -> Result<js_sys::Promise, JsValue> {
    let answer = match answer.dyn_into::<js_sys::Promise>() {
        Ok(promise) => return Ok(promise),
        Err(answer) => answer,
    };
    let then = if answer.is_object() {
        Reflect::get(&answer, &"then".into()).unwrap_or(JsValue::UNDEFINED)
    } else {
        JsValue::UNDEFINED
    };
    if then.is_function() {
        Ok(js_sys::Promise::resolve(&answer))
    } else {
        Err(answer)
    }
}
