//! `mount(element, options)` → [`Handle`]: the JS API. Renders [`Inbox`] into an open shadow root
//! of `element` with the stylesheet adopted (a constructable stylesheet: no `<style>` element, no
//! `style` attribute, so a strict `style-src 'self'` CSP holds), dispatches the host events on the
//! element, and asks the host before every send.
//!
//! Everything a widget has lives in its [`Handle`]; two widgets share nothing.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Array, Function, Object, Reflect};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{CssStyleSheet, CustomEvent, CustomEventInit, Element, HtmlElement, ShadowRoot};
use yew::{AppHandle, Callback};

use super::options::{Options, RawValue, parse_view};
use super::token::{TokenCell, error_text};
use crate::api::{ClientConfig, ConversationId, OperatorId, TokenSource};
use crate::components::{Inbox, InboxProps};
use crate::state::{BeforeSendHook, ByPtr, SessionHandle};
use crate::state::{ConfigHandle, HostEvent, SendRequest, View, WidgetConfig};

/// The stylesheet inside every shadow root: the suite's one stylesheet plus the shadow-only rules.
const CSS: &str = concat!(
    include_str!("../../www/inbox.css"),
    "\n",
    include_str!("shadow.css")
);

fn js_error(message: impl AsRef<str>) -> JsError {
    JsError::new(message.as_ref())
}

/// Something the host asked for before the session existed (applied as soon as it does).
#[derive(Clone, Debug)]
enum Command {
    Select(Option<ConversationId>),
    View(View),
    Refresh,
    TokenChanged,
}

/// The state of one mounted widget.
struct Mounted {
    element: HtmlElement,
    shadow: ShadowRoot,
    container: Element,
    app: RefCell<Option<AppHandle<Inbox>>>,
    options: RefCell<Options>,
    token: Rc<TokenCell>,
    before_send: Rc<RefCell<Option<Function>>>,
    session: Rc<RefCell<Option<SessionHandle>>>,
    queued: Rc<RefCell<Vec<Command>>>,
    hook: BeforeSendHook,
    onevent: Callback<HostEvent>,
    onsession: Callback<Option<SessionHandle>>,
}

/// A mounted inbox. Returned by `mount`; every method is safe to call after `destroy` (it does
/// nothing then).
///
/// Deliberately no `Drop` that unmounts: wasm-bindgen frees a handle the host let go of when the
/// garbage collector runs, and a widget must not vanish because its handle was not kept.
#[wasm_bindgen]
pub struct Handle {
    inner: Rc<RefCell<Option<Rc<Mounted>>>>,
}

impl std::fmt::Debug for Handle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Handle")
            .field("mounted", &self.inner.borrow().is_some())
            .finish()
    }
}

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

/// Reads an options object into plain pairs plus the three function/secret options.
struct ParsedInput {
    pairs: Vec<(String, RawValue)>,
    token: Option<Option<String>>,
    provider: Option<Option<Function>>,
    before_send: Option<Option<Function>>,
}

fn classify(value: &JsValue) -> RawValue {
    if value.is_undefined() || value.is_null() {
        RawValue::Unset
    } else if let Some(s) = value.as_string() {
        RawValue::Str(s)
    } else if let Some(n) = value.as_f64() {
        RawValue::Num(n)
    } else if value.is_function() {
        RawValue::Other("a function".to_owned())
    } else {
        RawValue::Other(value.js_typeof().as_string().unwrap_or_default())
    }
}

fn read_input(options: &JsValue) -> Result<ParsedInput, JsError> {
    if options.is_undefined() || options.is_null() {
        return Ok(ParsedInput {
            pairs: Vec::new(),
            token: None,
            provider: None,
            before_send: None,
        });
    }
    let Some(object) = options.dyn_ref::<Object>().filter(|_| options.is_object()) else {
        return Err(js_error(
            "blinger-inbox: options must be an object such as { baseUrl: '/proxy' }",
        ));
    };
    let mut parsed = ParsedInput {
        pairs: Vec::new(),
        token: None,
        provider: None,
        before_send: None,
    };
    for key in Object::keys(object).iter() {
        let Some(key) = key.as_string() else { continue };
        let value = Reflect::get(object, &JsValue::from_str(&key)).unwrap_or(JsValue::UNDEFINED);
        let unset = value.is_undefined() || value.is_null();
        let function = || -> Result<Option<Function>, JsError> {
            if unset {
                Ok(None)
            } else {
                value
                    .dyn_ref::<Function>()
                    .cloned()
                    .map(Some)
                    .ok_or_else(|| {
                        js_error(format!("blinger-inbox: option `{key}` must be a function"))
                    })
            }
        };
        match key.as_str() {
            "token" => {
                parsed.token = Some(if unset {
                    None
                } else {
                    // Never quote the value: it may be a secret of the wrong type.
                    Some(value.as_string().ok_or_else(|| {
                        js_error("blinger-inbox: option `token` must be a string")
                    })?)
                });
            }
            "tokenProvider" => parsed.provider = Some(function()?),
            "beforeSend" => parsed.before_send = Some(function()?),
            _ => parsed.pairs.push((key.clone(), classify(&value))),
        }
    }
    if matches!(
        (&parsed.token, &parsed.provider),
        (Some(Some(_)), Some(Some(_)))
    ) {
        return Err(js_error(
            "blinger-inbox: give either `token` or `tokenProvider`, not both",
        ));
    }
    Ok(parsed)
}

/// Builds and checks the widget configuration for `options`.
fn config_for(options: &Options, token: &Rc<TokenCell>) -> Result<ConfigHandle, JsError> {
    let Some(base_url) = options.base_url.clone() else {
        return Err(js_error(
            "blinger-inbox: option `baseUrl` (attribute `base-url`) is required, e.g. '/proxy' or 'https://app.blinger.io'",
        ));
    };
    let client = ClientConfig::new(base_url, TokenSource::Provider(token.provider()))
        .with_operator(options.operator_id.map(OperatorId))
        .with_history_url(options.history_url.clone());
    let client = client
        .validated()
        .map_err(|e| js_error(format!("blinger-inbox: {e}")))?;
    let mut config = WidgetConfig::new(client);
    config.locale = options.locale;
    config.theme = options.theme;
    config.send_key = options.send_key;
    if let Some(ms) = options.poll_interval_ms {
        config.poll_interval_ms = ms;
        config.hidden_poll_interval_ms = config.hidden_poll_interval_ms.max(ms);
    }
    Ok(ConfigHandle(Rc::new(config)))
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

fn apply(session: &SessionHandle, command: Command) {
    match command {
        Command::Select(id) => session.open(id),
        Command::View(v) => session.set_view(v),
        Command::Refresh => session.refresh(),
        Command::TokenChanged => session.token_changed(),
    }
}

/// Mounts the inbox into `element` (an open shadow root is attached to it).
///
/// `options`: `baseUrl` (required), `operatorId`, `historyUrl`, `pollInterval` (ms),
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
    match (&input.token, &input.provider) {
        (_, Some(Some(p))) => token.set_provider(p.clone()),
        (Some(Some(t)), _) => token.set_fixed(t),
        _ => token.clear(),
    }
    let config = config_for(&opts, &token)?;

    let shadow = shadow_root_of(&element)?;
    let sheet =
        CssStyleSheet::new().map_err(|e| js_error(format!("blinger-inbox: {}", error_text(&e))))?;
    sheet
        .replace_sync(CSS)
        .map_err(|e| js_error(format!("blinger-inbox: {}", error_text(&e))))?;
    shadow.set_adopted_style_sheets(&Array::of1(&sheet));
    let document = element
        .owner_document()
        .ok_or_else(|| js_error("blinger-inbox: the element has no document"))?;
    let container = document
        .create_element("div")
        .map_err(|e| js_error(format!("blinger-inbox: {}", error_text(&e))))?;
    container.set_class_name("bi-embed");
    shadow
        .append_child(&container)
        .map_err(|e| js_error(format!("blinger-inbox: {}", error_text(&e))))?;

    let before_send = Rc::new(RefCell::new(input.before_send.flatten()));
    let session: Rc<RefCell<Option<SessionHandle>>> = Rc::new(RefCell::new(None));
    let queued: Rc<RefCell<Vec<Command>>> = Rc::new(RefCell::new(Vec::new()));

    let onevent = {
        let element = element.clone();
        Callback::from(move |event: HostEvent| {
            dispatch(&element, event.name(), &detail_of(&event), false);
        })
    };
    let hook = {
        let element = element.clone();
        let before_send = Rc::clone(&before_send);
        ByPtr::<dyn Fn(&SendRequest) -> bool>(Rc::new(move |request: &SendRequest| {
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
            if !dispatch(&element, "before-send", &detail, true) {
                return false;
            }
            let hook = before_send.borrow().clone();
            match hook {
                // `false` cancels; a hook that throws cancels too (never send what the host
                // could not check).
                Some(f) => match f.call1(&element, &detail) {
                    Ok(answer) => answer.as_bool() != Some(false),
                    Err(_) => false,
                },
                None => true,
            }
        }))
    };
    let onsession = {
        let session = Rc::clone(&session);
        let queued = Rc::clone(&queued);
        Callback::from(move |s: Option<SessionHandle>| {
            *session.borrow_mut() = s.clone();
            if let Some(s) = s {
                let pending: Vec<Command> = queued.borrow_mut().drain(..).collect();
                for command in pending {
                    apply(&s, command);
                }
            }
        })
    };
    let props = InboxProps {
        config,
        onevent: onevent.clone(),
        before_send: Some(hook.clone()),
        initial_view: opts.view,
        onsession: onsession.clone(),
        onlists: Callback::default(),
    };
    let app = yew::Renderer::<Inbox>::with_root_and_props(container.clone(), props).render();
    let mounted = Rc::new(Mounted {
        element,
        shadow,
        container,
        app: RefCell::new(Some(app)),
        options: RefCell::new(opts),
        token,
        before_send,
        session,
        queued,
        hook,
        onevent,
        onsession,
    });
    Ok(Handle {
        inner: Rc::new(RefCell::new(Some(mounted))),
    })
}

impl Handle {
    fn mounted(&self) -> Option<Rc<Mounted>> {
        self.inner.borrow().clone()
    }

    fn command(&self, command: Command) {
        let Some(m) = self.mounted() else { return };
        let session = m.session.borrow().clone();
        match session {
            Some(s) => apply(&s, command),
            None => m.queued.borrow_mut().push(command),
        }
    }
}

#[wasm_bindgen]
impl Handle {
    /// Unmounts the inbox: stops every timer, aborts every request, removes its DOM and
    /// stylesheet. Idempotent.
    pub fn destroy(&self) {
        let Some(m) = self.inner.borrow_mut().take() else {
            return;
        };
        if let Some(app) = m.app.borrow_mut().take() {
            app.destroy();
        }
        // The session shuts down in the root's cleanup; make sure even a session that has not
        // been handed over yet cannot be driven again.
        m.session.borrow_mut().take();
        m.queued.borrow_mut().clear();
        m.before_send.borrow_mut().take();
        m.token.clear();
        let _ = m.shadow.remove_child(&m.container);
        m.shadow.set_adopted_style_sheets(&Array::new());
    }

    /// `true` until `destroy()`.
    #[wasm_bindgen(getter, js_name = mounted)]
    pub fn is_mounted(&self) -> bool {
        self.inner.borrow().is_some()
    }

    /// Opens a conversation by id (`null` goes back to the list).
    ///
    /// # Errors
    /// When `id` is not a positive whole number (or a string of one).
    pub fn select(&self, id: JsValue) -> Result<(), JsError> {
        let raw = classify(&id);
        if raw == RawValue::Unset {
            self.command(Command::Select(None));
            return Ok(());
        }
        let parsed = Options::default()
            .merged(&[("operatorId".to_owned(), raw)])
            .map_err(|_| js_error("blinger-inbox: select(id) needs a conversation id (a whole number above 0) or null"))?;
        self.command(Command::Select(parsed.operator_id.map(ConversationId)));
        Ok(())
    }

    /// Polls every list (and the open conversation) now.
    pub fn refresh(&self) {
        self.command(Command::Refresh);
    }

    /// Switches the view: `attention`, `unassigned`, `unread` or `not-answered`.
    ///
    /// # Errors
    /// For any other name.
    #[wasm_bindgen(js_name = setView)]
    pub fn set_view(&self, view: &str) -> Result<(), JsError> {
        let view = parse_view(view).map_err(js_error)?;
        if let Some(m) = self.mounted() {
            m.options.borrow_mut().view = view;
        }
        self.command(Command::View(view));
        Ok(())
    }

    /// Sets a fixed token (`""`, `null` or `undefined`: none) and resumes after `auth-required`.
    ///
    /// # Errors
    /// When `token` is neither a string nor empty.
    #[wasm_bindgen(js_name = setToken)]
    pub fn set_token(&self, token: JsValue) -> Result<(), JsError> {
        let Some(m) = self.mounted() else {
            return Ok(());
        };
        if token.is_undefined() || token.is_null() {
            m.token.clear();
        } else {
            let t = token
                .as_string()
                .ok_or_else(|| js_error("blinger-inbox: the token must be a string"))?;
            m.token.set_fixed(&t);
        }
        self.command(Command::TokenChanged);
        Ok(())
    }

    /// Sets an async token provider (`null`: none); it is asked again after a 401.
    ///
    /// # Errors
    /// When `provider` is not a function.
    #[wasm_bindgen(js_name = setTokenProvider)]
    pub fn set_token_provider(&self, provider: JsValue) -> Result<(), JsError> {
        let Some(m) = self.mounted() else {
            return Ok(());
        };
        if provider.is_undefined() || provider.is_null() {
            m.token.clear();
        } else {
            let f = provider.dyn_into::<Function>().map_err(|_| {
                js_error("blinger-inbox: tokenProvider must be a function returning a token (or a Promise of one)")
            })?;
            m.token.set_provider(f);
        }
        self.command(Command::TokenChanged);
        Ok(())
    }

    /// Changes options; a key set to `undefined`/`null` goes back to its default, a missing key
    /// keeps its value. A change of address, operator or poll interval restarts the session.
    ///
    /// # Errors
    /// A JS `Error` naming the bad option; the widget keeps its previous options then.
    pub fn update(&self, options: JsValue) -> Result<(), JsError> {
        let Some(m) = self.mounted() else {
            return Ok(());
        };
        let input = read_input(&options)?;
        let next = m.options.borrow().merged(&input.pairs).map_err(js_error)?;
        let changed = next != *m.options.borrow();
        let config = if changed {
            Some(config_for(&next, &m.token)?)
        } else {
            None
        };
        if let Some(f) = input.before_send {
            *m.before_send.borrow_mut() = f;
        }
        let token_changed = input.token.is_some() || input.provider.is_some();
        match (input.token, input.provider) {
            (_, Some(Some(p))) => m.token.set_provider(p),
            (Some(Some(t)), _) => m.token.set_fixed(&t),
            (Some(None), _) | (_, Some(None)) => m.token.clear(),
            (None, None) => {}
        }
        if let Some(config) = config {
            let view_changed = next.view != m.options.borrow().view;
            *m.options.borrow_mut() = next.clone();
            if let Some(app) = m.app.borrow_mut().as_mut() {
                app.update(InboxProps {
                    config,
                    onevent: m.onevent.clone(),
                    before_send: Some(m.hook.clone()),
                    initial_view: next.view,
                    onsession: m.onsession.clone(),
                    onlists: Callback::default(),
                });
            }
            if view_changed {
                self.command(Command::View(next.view));
            }
        }
        if token_changed {
            self.command(Command::TokenChanged);
        }
        Ok(())
    }

    /// The element the inbox is mounted in (`null` after `destroy`).
    #[wasm_bindgen(getter)]
    pub fn element(&self) -> Option<HtmlElement> {
        self.mounted().map(|m| m.element.clone())
    }
}
