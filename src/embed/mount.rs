//! `mount(element, options)` → [`Handle`]: renders [`Inbox`] into an open shadow root of
//! `element` with the stylesheet adopted (a constructable stylesheet: no `<style>` element, no
//! `style` attribute, so a strict `style-src 'self'` CSP holds), wired to the host events and
//! the host's say before every send (`events.rs`).

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::Array;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{CssStyleSheet, Element, HtmlElement, ShadowRoot};
use yew::AppHandle;

use super::events::{before_send_hook, host_events};
use super::handle::{Handle, Mounted, SessionSlot, Wiring};
use super::input::{config_for, js_error, read_input};
use super::options::Options;
use super::token::{TokenCell, error_text};
use crate::components::Inbox;

/// The stylesheet inside every shadow root: the suite's one stylesheet plus the shadow-only rules,
/// minified by `build.rs`.
const CSS: &str = include_str!(concat!(env!("OUT_DIR"), "/shadow.css"));

fn dom_error(e: &JsValue) -> JsError {
    js_error(format!("blinger-inbox: {}", error_text(e)))
}

fn shadow_root_of(element: &HtmlElement) -> Result<ShadowRoot, JsError> {
    if let Some(existing) = element.shadow_root() {
        // A re-mount (e.g. the custom element moved in the page): start from an empty root.
        while let Some(child) = existing.first_child() {
            let _ = existing.remove_child(&child);
        }
        return Ok(existing);
    }
    let init = web_sys::ShadowRootInit::new(web_sys::ShadowRootMode::Open);
    element.attach_shadow(&init).map_err(|e| {
        js_error(format!(
            "blinger-inbox: cannot attach a shadow root to <{}> ({}); mount into a <div> or a custom element",
            element.tag_name().to_ascii_lowercase(),
            error_text(&e)
        ))
    })
}

/// The shadow root of `element` with the stylesheet adopted and an empty container to render in.
fn prepare_root(element: &HtmlElement) -> Result<(ShadowRoot, Element), JsError> {
    let shadow = shadow_root_of(element)?;
    let sheet = CssStyleSheet::new().map_err(|e| dom_error(&e))?;
    sheet.replace_sync(CSS).map_err(|e| dom_error(&e))?;
    shadow.set_adopted_style_sheets(&Array::of1(&sheet));
    let document = element
        .owner_document()
        .ok_or_else(|| js_error("blinger-inbox: the element has no document"))?;
    let container = document.create_element("div").map_err(|e| dom_error(&e))?;
    container.set_class_name("bi-embed");
    shadow.append_child(&container).map_err(|e| dom_error(&e))?;
    Ok((shadow, container))
}

/// Mounts the inbox into `element` (an open shadow root is attached to it).
///
/// `options`: `baseUrl` (required), `operatorId`, `historyUrl`, `eventsUrl`, `pollInterval` (ms),
/// `theme`, `locale`, `sendKey`, `view`, `token` or `tokenProvider`, `beforeSend`.
///
/// # Errors
/// A JS `Error` naming the bad option or element; nothing is mounted then.
#[wasm_bindgen(js_name = mount)]
pub fn mount(element: JsValue, options: JsValue) -> Result<Handle, JsError> {
    let element: HtmlElement = element.dyn_into().map_err(|_| {
        js_error(
            "blinger-inbox: mount(element, options) needs an HTML element as its first argument",
        )
    })?;
    let input = read_input(&options)?;
    let opts = Options::default().merged(&input.pairs).map_err(js_error)?;
    let token = Rc::new(TokenCell::default());
    input.apply_token(&token);
    let config = config_for(&opts, &token)?;
    let (shadow, container) = prepare_root(&element)?;

    let before_send = Rc::new(RefCell::new(input.before_send.flatten()));
    let session = SessionSlot::default();
    let wiring = Wiring {
        onevent: host_events(&element),
        hook: before_send_hook(&element, &before_send),
        onsession: session.onsession(),
    };
    let props = wiring.props(config, opts.view);
    let app: AppHandle<Inbox> =
        yew::Renderer::<Inbox>::with_root_and_props(container.clone(), props).render();
    Ok(Handle::new(Mounted {
        element,
        shadow,
        container,
        app: RefCell::new(Some(app)),
        options: RefCell::new(opts),
        token,
        before_send,
        session,
        wiring,
    }))
}
