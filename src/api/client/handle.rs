//! The [`Client`] value itself: its configuration and transport, cancellation scopes
//! ([`AbortScope`]), and what a poller keeps of a list between polls ([`ListMemo`], [`Polled`]).

use std::cell::RefCell;
use std::rc::Rc;

use crate::api::config::{ClientConfig, ConfigError, Token};
use crate::api::ids::OperatorId;
use crate::api::transport::{AbortFlag, AbortListener, BodyMemo, FetchTransport, Transport};
use crate::api::wire::{Conversation, ElementCache};

pub(super) struct Shared<T> {
    pub(super) config: ClientConfig,
    pub(super) transport: T,
    /// The provider's last token; dropped after a 401 so the next call asks again.
    pub(super) provided: RefCell<Option<Token>>,
}

/// The Blinger API client.
///
/// Cheap to clone (an `Rc` inside); clones share the configuration, the transport and the cached
/// provider token. Not `Send`: it lives on the browser's single thread.
///
/// Cancellation: [`Client::scoped`] returns a clone whose requests are all cancelled when the
/// returned [`AbortScope`] is dropped (or [`AbortScope::abort`] is called). A component keeps the
/// scope for its lifetime, so unmounting aborts what it started.
pub struct Client<T: Transport = FetchTransport> {
    pub(super) shared: Rc<Shared<T>>,
    pub(super) abort: Option<AbortFlag>,
    pub(super) disable_webhook: bool,
}

/// The browser client.
pub type WebClient = Client<FetchTransport>;

impl<T: Transport> Clone for Client<T> {
    fn clone(&self) -> Self {
        Self {
            shared: Rc::clone(&self.shared),
            abort: self.abort.clone(),
            disable_webhook: self.disable_webhook,
        }
    }
}

impl<T: Transport> std::fmt::Debug for Client<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("config", &self.shared.config)
            .field("scoped", &self.abort.is_some())
            .field("disable_webhook", &self.disable_webhook)
            .finish()
    }
}

/// Cancels every request issued through the client it came with, when dropped or on
/// [`abort`](Self::abort). Requests started after that fail at once with [`ApiError::Aborted`].
pub struct AbortScope {
    pub(super) flag: AbortFlag,
    pub(super) _parent: Option<AbortListener>,
}

impl std::fmt::Debug for AbortScope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AbortScope")
            .field("aborted", &self.flag.is_aborted())
            .finish()
    }
}

impl AbortScope {
    /// Aborts every request of the scope now.
    pub fn abort(&self) {
        self.flag.abort();
    }

    /// `true` once aborted.
    #[must_use]
    pub fn is_aborted(&self) -> bool {
        self.flag.is_aborted()
    }
}

impl Drop for AbortScope {
    fn drop(&mut self) {
        self.flag.abort();
    }
}

impl Client<FetchTransport> {
    /// A browser client over `fetch` (outside a browser every request fails with
    /// [`ApiError::Network`]).
    ///
    /// # Errors
    /// [`ConfigError`] when the configuration cannot work.
    pub fn web(config: ClientConfig) -> Result<Self, ConfigError> {
        Self::new(config, FetchTransport)
    }
}

/// What a poller keeps of one list between its polls: the last answer (so an identical one is
/// not even decoded) and its decoded elements (so a changed one decodes only what changed).
/// One per list and poller. Cheap to clone; clones share.
#[derive(Clone, Debug, Default)]
pub struct ListMemo {
    pub(super) body: BodyMemo,
    pub(super) elements: Rc<RefCell<ElementCache<Conversation>>>,
}

impl ListMemo {
    /// An empty memo.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// The next answer is decoded even if identical (after an optimistic patch of the lists).
    pub fn disarm(&self) {
        self.body.arm(false);
    }

    /// Whether an identical answer would now be reported as [`Polled::Same`].
    #[must_use]
    pub fn is_armed(&self) -> bool {
        self.body.is_armed()
    }

    /// How many decoded elements of the last answer it keeps.
    #[must_use]
    pub fn cached_elements(&self) -> usize {
        self.elements.try_borrow().map_or(0, |c| c.len())
    }
}

/// What a poll through a [`ListMemo`] found.
#[derive(Clone, Debug, PartialEq)]
pub enum Polled<T> {
    /// A new answer, decoded.
    New(T),
    /// Byte-identical to the last answer decoded through the memo: nothing to do.
    Same,
}

impl<T: Transport> Client<T> {
    /// A client over `transport`, after validating `config`.
    ///
    /// # Errors
    /// [`ConfigError`] when the configuration cannot work.
    pub fn new(config: ClientConfig, transport: T) -> Result<Self, ConfigError> {
        Ok(Self {
            shared: Rc::new(Shared {
                config: config.validated()?,
                transport,
                provided: RefCell::new(None),
            }),
            abort: None,
            disable_webhook: false,
        })
    }

    /// The validated configuration.
    #[must_use]
    pub fn config(&self) -> &ClientConfig {
        &self.shared.config
    }

    /// The operator requests act as (`None` = the account owner).
    #[must_use]
    pub fn operator_id(&self) -> Option<OperatorId> {
        self.shared.config.operator_id
    }

    /// `true` when a history URL is configured ([`history`](Self::history) returns `Some`).
    #[must_use]
    pub fn has_history(&self) -> bool {
        self.shared.config.history_url.is_some()
    }

    /// The underlying transport (tests inspect their fake through it).
    #[must_use]
    pub fn transport(&self) -> &T {
        &self.shared.transport
    }

    /// A clone whose requests are cancelled when the returned scope is dropped or aborted.
    /// Scopes nest: aborting an outer scope aborts the inner ones.
    #[must_use]
    pub fn scoped(&self) -> (Self, AbortScope) {
        let flag = AbortFlag::new();
        let parent = self.abort.as_ref().map(|p| {
            let child = flag.clone();
            p.on_abort(move || child.abort())
        });
        let client = Self {
            abort: Some(flag.clone()),
            ..self.clone()
        };
        (
            client,
            AbortScope {
                flag,
                _parent: parent,
            },
        )
    }

    /// A clone whose actions send `disable_webhook=1` (the action fires no webhook).
    #[must_use]
    pub fn with_webhooks_disabled(&self) -> Self {
        Self {
            disable_webhook: true,
            ..self.clone()
        }
    }

    /// Forgets the provider's cached token, so the next request asks the provider again.
    pub fn forget_token(&self) {
        if let Ok(mut t) = self.shared.provided.try_borrow_mut() {
            *t = None;
        }
    }
}
