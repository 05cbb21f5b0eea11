//! [`Client`]: one async function per Blinger endpoint.

use std::cell::RefCell;
use std::fmt::Write as _;
use std::rc::Rc;

use super::assumptions::{
    AUTH_HEADER, FORM_CONTENT_TYPE, GET_CONVERSATION_PARAM, HISTORY_ID_PLACEHOLDER,
    LIST_OPERATOR_PARAM, NOTE_TEXT_FIELD,
};
use super::config::{ClientConfig, ConfigError, Token, TokenSource};
use super::error::ApiError;
use super::ids::{ConversationId, GroupId, OperatorId};
use super::lists::ListName;
use super::transport::{
    AbortFlag, AbortListener, BodyMemo, FetchTransport, HttpRequest, HttpResponse, Method,
    Transport, TransportError,
};
use super::url::is_absolute_http;
use super::wire::{
    Conversation, ElementCache, Group, HistoryMessage, Listed, Operator, decode_conversation,
    decode_conversations, decode_conversations_cached, decode_groups, decode_history,
    decode_operators, is_http_url,
};

struct Shared<T> {
    config: ClientConfig,
    transport: T,
    /// The provider's last token; dropped after a 401 so the next call asks again.
    provided: RefCell<Option<Token>>,
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
    shared: Rc<Shared<T>>,
    abort: Option<AbortFlag>,
    disable_webhook: bool,
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
    flag: AbortFlag,
    _parent: Option<AbortListener>,
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
    body: BodyMemo,
    elements: Rc<RefCell<ElementCache<Conversation>>>,
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

/// Where a request goes and whether it may carry the token.
struct Target {
    url: String,
    auth: bool,
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

    // ---- conversation actions (POST) --------------------------------------------------------

    /// `POST /api/conversations/start`: take the conversation into the configured operator's inbox.
    ///
    /// # Errors
    /// [`ApiError`]; e.g. `Validation` "The conversation was assigned to another operator".
    pub async fn start(&self, id: ConversationId) -> Result<Conversation, ApiError> {
        self.action("/api/conversations/start", id, Vec::new(), true)
            .await
    }

    /// `POST /api/conversations/close`.
    ///
    /// # Errors
    /// [`ApiError`].
    pub async fn close(&self, id: ConversationId) -> Result<Conversation, ApiError> {
        self.action("/api/conversations/close", id, Vec::new(), true)
            .await
    }

    /// `POST /api/conversations/unassign`: back to the unassigned queue.
    ///
    /// # Errors
    /// [`ApiError`].
    pub async fn unassign(&self, id: ConversationId) -> Result<Conversation, ApiError> {
        self.action("/api/conversations/unassign", id, Vec::new(), true)
            .await
    }

    /// `POST /api/conversations/assign-operator` to `operator` (its `id`, not its `user_id`).
    ///
    /// # Errors
    /// [`ApiError`]; `Validation` "Operator not found" for an unknown operator.
    pub async fn assign_operator(
        &self,
        id: ConversationId,
        operator: OperatorId,
    ) -> Result<Conversation, ApiError> {
        let fields = vec![("operator_id", operator.to_string())];
        self.action("/api/conversations/assign-operator", id, fields, false)
            .await
    }

    /// `POST /api/conversations/assign-group` (fields: `conversation_id`, `group_id` only).
    ///
    /// # Errors
    /// [`ApiError`].
    pub async fn assign_group(
        &self,
        id: ConversationId,
        group: GroupId,
    ) -> Result<Conversation, ApiError> {
        let form = encode_pairs(&[
            ("conversation_id", id.to_string()),
            ("group_id", group.to_string()),
        ]);
        let target = self.api_target("/api/conversations/assign-group", &[]);
        self.call(Method::Post, target, Some(form), decode_conversation)
            .await
    }

    /// `POST /api/conversations/send-message`: a text message to the client. Never retried.
    ///
    /// # Errors
    /// [`ApiError`]: use [`ApiError::outcome_unknown`] to decide whether to reconcile.
    /// An empty text is refused locally with `Validation`.
    pub async fn send_message(
        &self,
        id: ConversationId,
        text: &str,
    ) -> Result<Conversation, ApiError> {
        if text.trim().is_empty() {
            return Err(local_rejection("The message is empty."));
        }
        let fields = vec![("text", text.to_owned())];
        self.action("/api/conversations/send-message", id, fields, true)
            .await
    }

    /// `POST /api/conversations/send-file-message`: a file, by `http(s)` URL. Never retried.
    ///
    /// # Errors
    /// [`ApiError`]; a URL that is not `http(s)` is refused locally with `Validation`.
    pub async fn send_file_message(
        &self,
        id: ConversationId,
        file_url: &str,
    ) -> Result<Conversation, ApiError> {
        if !is_http_url(file_url) {
            return Err(local_rejection(
                "The file link must be an http:// or https:// URL.",
            ));
        }
        let fields = vec![("file_url", file_url.trim().to_owned())];
        self.action("/api/conversations/send-file-message", id, fields, true)
            .await
    }

    /// `POST /api/conversations/send-note`: an internal note, never shown to the client.
    ///
    /// # Errors
    /// [`ApiError`]; an empty text is refused locally with `Validation`.
    pub async fn send_note(
        &self,
        id: ConversationId,
        text: &str,
    ) -> Result<Conversation, ApiError> {
        if text.trim().is_empty() {
            return Err(local_rejection("The note is empty."));
        }
        let fields = vec![(NOTE_TEXT_FIELD, text.to_owned())];
        self.action("/api/conversations/send-note", id, fields, true)
            .await
    }

    // ---- reads (GET; retried once after a 401 when a token provider is configured) -----------

    /// `GET /api/conversations/unassigned`.
    ///
    /// # Errors
    /// [`ApiError`]; undecodable elements are skipped into [`Listed::skipped`].
    pub async fn unassigned(&self) -> Result<Listed<Conversation>, ApiError> {
        self.list(ListName::Unassigned).await
    }

    /// `GET /api/conversations/unread` (for the configured operator).
    ///
    /// # Errors
    /// [`ApiError`].
    pub async fn unread(&self) -> Result<Listed<Conversation>, ApiError> {
        self.list(ListName::Unread).await
    }

    /// `GET /api/conversations/not-answered` (for the configured operator).
    ///
    /// # Errors
    /// [`ApiError`].
    pub async fn not_answered(&self) -> Result<Listed<Conversation>, ApiError> {
        self.list(ListName::NotAnswered).await
    }

    /// One of the three conversation lists.
    ///
    /// # Errors
    /// [`ApiError`]; undecodable elements are skipped into [`Listed::skipped`].
    pub async fn list(&self, name: ListName) -> Result<Listed<Conversation>, ApiError> {
        let target = self.list_target(name);
        self.call(Method::Get, target, None, decode_conversations)
            .await
    }

    /// Polls one of the three lists: [`Polled::Same`] when the answer is byte-identical to the
    /// last one decoded through `memo` (nothing is copied or decoded then). The poller keeps one
    /// memo per list for as long as it keeps what that list last answered.
    ///
    /// # Errors
    /// [`ApiError`] (and the memo is disarmed: the next answer is decoded in full).
    pub async fn poll_list(
        &self,
        name: ListName,
        memo: &ListMemo,
    ) -> Result<Polled<Listed<Conversation>>, ApiError> {
        let target = self.list_target(name);
        let decode = |resp: &HttpResponse| match memo.elements.try_borrow_mut() {
            Ok(mut cache) => decode_conversations_cached(resp, &mut cache),
            Err(_) => decode_conversations(resp),
        };
        self.call_memo(Method::Get, target, None, Some(&memo.body), decode)
            .await
    }

    fn list_target(&self, name: ListName) -> Target {
        let q = if name.per_operator() {
            self.operator_query()
        } else {
            Vec::new()
        };
        self.api_target(name.path(), &q)
    }

    /// `GET /api/conversations/get?conversation_id=…`.
    ///
    /// # Errors
    /// [`ApiError`].
    pub async fn get(&self, id: ConversationId) -> Result<Conversation, ApiError> {
        let q = [(GET_CONVERSATION_PARAM, id.to_string())];
        let target = self.api_target("/api/conversations/get", &q);
        self.call(Method::Get, target, None, decode_conversation)
            .await
    }

    /// `GET /api/operators/all`.
    ///
    /// # Errors
    /// [`ApiError`].
    pub async fn operators(&self) -> Result<Listed<Operator>, ApiError> {
        let target = self.api_target("/api/operators/all", &[]);
        self.call(Method::Get, target, None, decode_operators).await
    }

    /// `GET /api/operators/groups`.
    ///
    /// # Errors
    /// [`ApiError`].
    pub async fn groups(&self) -> Result<Listed<Group>, ApiError> {
        let target = self.api_target("/api/operators/groups", &[]);
        self.call(Method::Get, target, None, decode_groups).await
    }

    /// The conversation's message history from the configured history URL (a sandbox
    /// extension; Blinger itself has none). `Ok(None)` when no history URL is configured.
    ///
    /// The token is sent only when the history URL lies under the base URL.
    ///
    /// # Errors
    /// [`ApiError`].
    pub async fn history(
        &self,
        id: ConversationId,
    ) -> Result<Option<Listed<HistoryMessage>>, ApiError> {
        let Some(target) = self.history_target(id) else {
            return Ok(None);
        };
        self.call(Method::Get, target, None, decode_history)
            .await
            .map(Some)
    }

    // ---- plumbing ---------------------------------------------------------------------------

    fn operator_query(&self) -> Vec<(&'static str, String)> {
        self.shared
            .config
            .operator_id
            .map(|op| vec![(LIST_OPERATOR_PARAM, op.to_string())])
            .unwrap_or_default()
    }

    fn api_target(&self, path: &str, query: &[(&str, String)]) -> Target {
        let mut url = format!("{}{path}", self.shared.config.base_url);
        if !query.is_empty() {
            url.push('?');
            url.push_str(&encode_pairs(query));
        }
        Target { url, auth: true }
    }

    fn history_target(&self, id: ConversationId) -> Option<Target> {
        let template = self.shared.config.history_url.as_ref()?;
        let filled = template.replace(HISTORY_ID_PLACEHOLDER, &id.to_string());
        let base = &self.shared.config.base_url;
        if is_absolute_http(&filled) {
            // assumptions::HISTORY_TOKEN_ONLY_UNDER_BASE_URL
            let under_base = is_absolute_http(base)
                && filled
                    .strip_prefix(base.as_str())
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with(['/', '?']));
            Some(Target {
                url: filled,
                auth: under_base,
            })
        } else {
            Some(Target {
                url: format!("{base}{filled}"),
                auth: true,
            })
        }
    }

    /// A conversation action: `conversation_id`, the configured `operator_id` (when
    /// `with_operator`), `disable_webhook=1` when asked, then `fields`.
    async fn action(
        &self,
        path: &str,
        id: ConversationId,
        fields: Vec<(&'static str, String)>,
        with_operator: bool,
    ) -> Result<Conversation, ApiError> {
        let mut pairs = vec![("conversation_id", id.to_string())];
        if with_operator {
            if let Some(op) = self.shared.config.operator_id {
                pairs.push(("operator_id", op.to_string()));
            }
        }
        pairs.extend(fields);
        if self.disable_webhook {
            pairs.push(("disable_webhook", "1".to_owned()));
        }
        let form = encode_pairs(&pairs);
        let target = self.api_target(path, &[]);
        self.call(Method::Post, target, Some(form), decode_conversation)
            .await
    }

    fn is_aborted(&self) -> bool {
        self.abort.as_ref().is_some_and(AbortFlag::is_aborted)
    }

    async fn token(&self) -> Result<Option<Token>, ApiError> {
        match &self.shared.config.token {
            TokenSource::None => Ok(None),
            TokenSource::Fixed(t) => Ok(Some(t.clone())),
            TokenSource::Provider(provider) => {
                let cached = self
                    .shared
                    .provided
                    .try_borrow()
                    .ok()
                    .and_then(|t| t.clone());
                if let Some(t) = cached {
                    return Ok(Some(t));
                }
                let fresh = provider().await.map_err(|message| ApiError::Unauthorized {
                    message: if message.is_empty() {
                        "no token available".to_owned()
                    } else {
                        message
                    },
                })?;
                if let Ok(mut slot) = self.shared.provided.try_borrow_mut() {
                    *slot = Some(fresh.clone());
                }
                Ok(Some(fresh))
            }
        }
    }

    /// Sends and decodes, re-asking the token provider once after a 401 for GETs only (a POST
    /// is never repeated automatically: the API has no idempotency key).
    async fn call<R>(
        &self,
        method: Method,
        target: Target,
        body: Option<String>,
        decode: fn(&HttpResponse) -> Result<R, ApiError>,
    ) -> Result<R, ApiError> {
        match self.call_memo(method, target, body, None, decode).await? {
            Polled::New(r) => Ok(r),
            // Cannot happen: only a request with a memo comes back unchanged.
            Polled::Same => Err(ApiError::Aborted),
        }
    }

    /// [`call`](Self::call) with an optional [`BodyMemo`]: an unchanged answer is not decoded;
    /// a decoded one arms the memo, an error disarms it.
    async fn call_memo<R>(
        &self,
        method: Method,
        target: Target,
        body: Option<String>,
        memo: Option<&BodyMemo>,
        decode: impl Fn(&HttpResponse) -> Result<R, ApiError>,
    ) -> Result<Polled<R>, ApiError> {
        let result = self.exchange(method, target, body, memo, decode).await;
        if let Some(memo) = memo {
            match &result {
                Ok(Polled::New(_)) => memo.arm(true),
                Ok(Polled::Same) => {}
                Err(_) => memo.arm(false),
            }
        }
        result
    }

    async fn exchange<R>(
        &self,
        method: Method,
        target: Target,
        body: Option<String>,
        memo: Option<&BodyMemo>,
        decode: impl Fn(&HttpResponse) -> Result<R, ApiError>,
    ) -> Result<Polled<R>, ApiError> {
        let may_retry = method == Method::Get
            && target.auth
            && matches!(self.shared.config.token, TokenSource::Provider(_));
        let mut attempt = 0u8;
        loop {
            attempt += 1;
            if self.is_aborted() {
                return Err(ApiError::Aborted);
            }
            let token = if target.auth {
                self.token().await?
            } else {
                None
            };
            let resp = self
                .send_raw(method, &target.url, body.clone(), token.as_ref(), memo)
                .await?;
            if self.is_aborted() {
                return Err(ApiError::Aborted);
            }
            if resp.unchanged && memo.is_some() {
                return Ok(Polled::Same);
            }
            let result = decode(&resp);
            if matches!(result, Err(ApiError::Unauthorized { .. })) && token.is_some() {
                self.forget_token();
                if may_retry && attempt == 1 {
                    continue;
                }
            }
            return result.map(Polled::New);
        }
    }

    async fn send_raw(
        &self,
        method: Method,
        url: &str,
        body: Option<String>,
        token: Option<&Token>,
        memo: Option<&BodyMemo>,
    ) -> Result<HttpResponse, ApiError> {
        let mut headers = vec![("Accept".to_owned(), "application/json".to_owned())];
        if body.is_some() {
            headers.push(("Content-Type".to_owned(), FORM_CONTENT_TYPE.to_owned()));
        }
        if let Some(t) = token.filter(|t| !t.is_empty()) {
            headers.push((AUTH_HEADER.to_owned(), t.expose().to_owned()));
        }
        let req = HttpRequest {
            method,
            url: url.to_owned(),
            headers,
            body,
            timeout_ms: self.shared.config.timeout_ms,
            abort: self.abort.clone(),
            memo: memo.cloned(),
        };
        self.shared.transport.send(req).await.map_err(|e| match e {
            TransportError::Timeout => ApiError::Timeout,
            TransportError::Aborted => ApiError::Aborted,
            TransportError::Network(message) => ApiError::Network { message },
        })
    }
}

fn local_rejection(message: &str) -> ApiError {
    ApiError::Validation {
        message: Some(message.to_owned()),
        fields: Vec::new(),
    }
}

/// `application/x-www-form-urlencoded` / query encoding (spaces as `%20`, which both accept).
fn encode_pairs(pairs: &[(&str, String)]) -> String {
    let mut out = String::new();
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        percent_encode(k, &mut out);
        out.push('=');
        percent_encode(v, &mut out);
    }
    out
}

fn percent_encode(s: &str, out: &mut String) {
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
}
