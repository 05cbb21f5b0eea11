//! Where an embedded widget's token comes from: nothing (a same-origin proxy adds the header), a
//! fixed `element.token`, or the host's async `tokenProvider`. The host may switch between them at
//! any time, so the client is always configured with one [`TokenProvider`] that reads this cell.
//!
//! The token lives only here, in memory: never in an attribute, a URL, storage or a log. Errors
//! never quote what the provider returned.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Function, Promise};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::api::{PROVIDER_FAILED, Token, TokenProvider};

/// What the host gave.
#[derive(Clone, Default)]
enum Source {
    /// Nothing: requests go without the header (same-origin proxy).
    #[default]
    None,
    /// `element.token = "…"`.
    Fixed(Token),
    /// `element.tokenProvider = async () => "…"`.
    Provider(Function),
}

/// The token source of one widget (never shared between widgets).
#[derive(Default)]
pub struct TokenCell {
    source: RefCell<Source>,
    /// The provider's answer in flight, so concurrent requests ask the host once.
    pending: RefCell<Option<(u64, Promise)>>,
    /// Bumped on every change, so an old provider's late answer is not used.
    generation: std::cell::Cell<u64>,
}

impl std::fmt::Debug for TokenCell {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match &*self.source.borrow() {
            Source::None => "none",
            Source::Fixed(_) => "fixed(***)",
            Source::Provider(_) => "provider",
        };
        f.debug_struct("TokenCell").field("source", &kind).finish()
    }
}

impl TokenCell {
    fn changed(&self, source: Source) {
        self.generation.set(self.generation.get().wrapping_add(1));
        self.pending.borrow_mut().take();
        *self.source.borrow_mut() = source;
    }

    /// No token (an empty string counts as none).
    pub fn clear(&self) {
        self.changed(Source::None);
    }

    /// A fixed token; empty = none.
    pub fn set_fixed(&self, token: &str) {
        let token = token.trim();
        self.changed(if token.is_empty() {
            Source::None
        } else {
            Source::Fixed(Token::new(token))
        });
    }

    /// An async provider, called again after a 401.
    pub fn set_provider(&self, provider: Function) {
        self.changed(Source::Provider(provider));
    }

    /// The [`TokenProvider`] the client is configured with.
    pub fn provider(self: &Rc<Self>) -> TokenProvider {
        let cell = Rc::clone(self);
        Rc::new(move || {
            let cell = Rc::clone(&cell);
            Box::pin(async move { cell.current().await })
        })
    }

    async fn current(&self) -> Result<Token, String> {
        let source = self.source.borrow().clone();
        let provider = match source {
            // An empty token means "no header" to the client.
            Source::None => return Ok(Token::new("")),
            Source::Fixed(t) => return Ok(t),
            Source::Provider(f) => f,
        };
        let generation = self.generation.get();
        let existing = self
            .pending
            .borrow()
            .as_ref()
            .filter(|(g, _)| *g == generation)
            .map(|(_, p)| p.clone());
        let promise = match existing {
            Some(p) => p,
            None => {
                let answer = provider
                    .call0(&JsValue::UNDEFINED)
                    .map_err(|e| format!("{PROVIDER_FAILED} threw: {}", error_text(&e)))?;
                let p = Promise::resolve(&answer);
                *self.pending.borrow_mut() = Some((generation, p.clone()));
                p
            }
        };
        // A provider that never settles must not freeze the widget: it gets the budget of one
        // request, then the call fails as signed out (the next call asks the host again).
        let result = crate::api::transport::race(
            JsFuture::from(promise),
            gloo_timers::future::TimeoutFuture::new(crate::api::DEFAULT_TIMEOUT_MS),
        )
        .await;
        if let Ok(mut slot) = self.pending.try_borrow_mut() {
            if slot.as_ref().is_some_and(|(g, _)| *g == generation) {
                *slot = None;
            }
        }
        let Some(result) = result else {
            return Err(format!(
                "{PROVIDER_FAILED} did not answer within {} s",
                crate::api::DEFAULT_TIMEOUT_MS / 1000
            ));
        };
        let value = result.map_err(|e| format!("{PROVIDER_FAILED} failed: {}", error_text(&e)))?;
        match value.as_string() {
            Some(s) if !s.trim().is_empty() => Ok(Token::new(s.trim())),
            _ => Err(format!(
                "{PROVIDER_FAILED} must resolve to a non-empty string"
            )),
        }
    }
}

/// The message of a thrown JS value (an `Error`'s message, or a string), shortened.
pub fn error_text(e: &JsValue) -> String {
    let text = e
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "unknown error".to_owned());
    text.chars().take(200).collect()
}
