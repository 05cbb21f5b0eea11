//! [`Handle`]: what `mount` returns to JS. It holds everything one mounted widget has (two
//! widgets share nothing), forwards `select` / `refresh` / `setView` / token changes to the
//! session (queued until the session exists), applies `update(options)`, and `destroy()`s.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Array, Function};
use wasm_bindgen::prelude::*;
use web_sys::{Element, HtmlElement, ShadowRoot};
use yew::{AppHandle, Callback};

use super::input::{classify, config_for, js_error, optional_function, optional_token, read_input};
use super::options::{Options, parse_conversation_id, parse_view};
use super::token::TokenCell;
use crate::api::ConversationId;
use crate::components::{Inbox, InboxProps};
use crate::state::{BeforeSendHook, SessionHandle};
use crate::state::{ConfigHandle, HostEvent, View};

/// Something the host asked for before the session existed (applied as soon as it does).
#[derive(Clone, Debug)]
enum Command {
    Select(Option<ConversationId>),
    View(View),
    Refresh,
    TokenChanged,
}

fn apply(session: &SessionHandle, command: Command) {
    match command {
        Command::Select(id) => session.open(id),
        Command::View(v) => session.set_view(v),
        Command::Refresh => session.refresh(),
        Command::TokenChanged => session.token_changed(),
    }
}

/// The session as the inbox hands it over, and the commands waiting for it.
#[derive(Clone, Default)]
pub(crate) struct SessionSlot {
    session: Rc<RefCell<Option<SessionHandle>>>,
    queued: Rc<RefCell<Vec<Command>>>,
}

impl SessionSlot {
    /// The inbox's `onsession`: keeps the session and runs what was queued for it.
    pub(crate) fn onsession(&self) -> Callback<Option<SessionHandle>> {
        let slot = self.clone();
        Callback::from(move |s: Option<SessionHandle>| {
            slot.session.borrow_mut().clone_from(&s);
            if let Some(s) = s {
                let pending: Vec<Command> = slot.queued.borrow_mut().drain(..).collect();
                for command in pending {
                    apply(&s, command);
                }
            }
        })
    }

    fn command(&self, command: Command) {
        let session = self.session.borrow().clone();
        match session {
            Some(s) => apply(&s, command),
            None => self.queued.borrow_mut().push(command),
        }
    }

    fn close(&self) {
        self.session.borrow_mut().take();
        self.queued.borrow_mut().clear();
    }
}

/// The callbacks the inbox is rendered with, the same on every `update`.
pub(crate) struct Wiring {
    pub(crate) onevent: Callback<HostEvent>,
    pub(crate) hook: BeforeSendHook,
    pub(crate) onsession: Callback<Option<SessionHandle>>,
}

impl Wiring {
    /// The inbox's props for `config`, starting in `view`.
    pub(crate) fn props(&self, config: ConfigHandle, view: View) -> InboxProps {
        InboxProps {
            config,
            onevent: self.onevent.clone(),
            before_send: Some(self.hook.clone()),
            initial_view: view,
            onsession: self.onsession.clone(),
            onlists: Callback::default(),
        }
    }
}

/// The state of one mounted widget.
pub(crate) struct Mounted {
    pub(crate) element: HtmlElement,
    pub(crate) shadow: ShadowRoot,
    pub(crate) container: Element,
    pub(crate) app: RefCell<Option<AppHandle<Inbox>>>,
    pub(crate) options: RefCell<Options>,
    pub(crate) token: Rc<TokenCell>,
    pub(crate) before_send: Rc<RefCell<Option<Function>>>,
    pub(crate) session: SessionSlot,
    pub(crate) wiring: Wiring,
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

impl Handle {
    pub(crate) fn new(mounted: Mounted) -> Self {
        Handle {
            inner: Rc::new(RefCell::new(Some(Rc::new(mounted)))),
        }
    }

    fn mounted(&self) -> Option<Rc<Mounted>> {
        self.inner.borrow().clone()
    }

    fn command(&self, command: Command) {
        if let Some(m) = self.mounted() {
            m.session.command(command);
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
        m.session.close();
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
        let id = parse_conversation_id(&classify(&id)).map_err(js_error)?;
        self.command(Command::Select(id));
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
        match optional_token(&token, "blinger-inbox: the token must be a string")? {
            Some(t) => m.token.set_fixed(&t),
            None => m.token.clear(),
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
        let message = "blinger-inbox: tokenProvider must be a function returning a token (or a Promise of one)";
        match optional_function(&provider, message)? {
            Some(f) => m.token.set_provider(f),
            None => m.token.clear(),
        }
        self.command(Command::TokenChanged);
        Ok(())
    }

    /// Changes options; a key set to `undefined`/`null` goes back to its default, a missing key
    /// keeps its value. Presentational options (theme, locale, view, send key) and the poll
    /// intervals apply to the running session; a new address, operator, token source, history
    /// URL or request timeout starts a new session, and the old one hands its in-flight sends,
    /// pending approvals and a scheduled Close/Unassign over to it (nothing dropped or doubled).
    ///
    /// # Errors
    /// A JS `Error` naming the bad option; the widget keeps its previous options then.
    pub fn update(&self, options: JsValue) -> Result<(), JsError> {
        let Some(m) = self.mounted() else {
            return Ok(());
        };
        let input = read_input(&options)?;
        let next = m.options.borrow().merged(&input.pairs).map_err(js_error)?;
        let config = if next == *m.options.borrow() {
            None
        } else {
            Some(config_for(&next, &m.token)?)
        };
        if let Some(f) = input.before_send.clone() {
            *m.before_send.borrow_mut() = f;
        }
        let token_changed = input.apply_token(&m.token);
        if let Some(config) = config {
            let view_changed = next.view != m.options.borrow().view;
            *m.options.borrow_mut() = next.clone();
            if let Some(app) = m.app.borrow_mut().as_mut() {
                app.update(m.wiring.props(config, next.view));
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
