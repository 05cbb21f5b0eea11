//! The HTTP seam: plain request/response structs, a [`Transport`] trait, the browser
//! [`FetchTransport`], and [`AbortFlag`] for cancelling requests.
//!
//! Host tests plug in an in-memory transport; the browser uses `fetch` with one `AbortController`
//! per request, a timeout racing the whole exchange (headers and body), and an outside abort.

use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::rc::Rc;

use thiserror::Error;

pub use blinger_api::response::HttpResponse;

/// HTTP method (the API uses only these two).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// `GET`
    Get,
    /// `POST`
    Post,
}

impl Method {
    /// The method's name on the wire.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
        }
    }
}

/// One HTTP request. Its `Debug` hides the `Authentication` header value.
#[derive(Clone)]
pub struct HttpRequest {
    /// GET or POST.
    pub method: Method,
    /// Full URL (absolute, or a same-origin path). Never contains the token.
    pub url: String,
    /// Header name/value pairs.
    pub headers: Vec<(String, String)>,
    /// Body (form-encoded for POSTs).
    pub body: Option<String>,
    /// Give up after this many milliseconds.
    pub timeout_ms: u32,
    /// Cancels the request from outside when aborted.
    pub abort: Option<AbortFlag>,
    /// A repeated GET (a poll): the transport may answer "unchanged" (see [`BodyMemo`]).
    pub memo: Option<BodyMemo>,
}

impl HttpRequest {
    /// The value of a header (case-insensitive name).
    #[must_use]
    pub fn header(&self, name: &str) -> Option<&str> {
        blinger_api::response::header_value(&self.headers, name)
    }
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(k, v)| {
                if k.eq_ignore_ascii_case(blinger_api::assumptions::AUTH_HEADER) {
                    (k.as_str(), "***")
                } else {
                    (k.as_str(), v.as_str())
                }
            })
            .collect();
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &headers)
            .field("body", &self.body)
            .field("timeout_ms", &self.timeout_ms)
            .field("memo", &self.memo.is_some())
            .finish_non_exhaustive()
    }
}

/// The last answer to one repeated GET (a poll), so that an identical answer is recognised where
/// it is cheapest: in the browser the body stays a JavaScript string and is compared there, so an
/// unchanged 1 MB list is neither copied into wasm nor parsed again.
///
/// Rules every transport follows for a request carrying a memo: a 2xx body identical to the
/// memo's last one while the memo is *armed* is answered with [`HttpResponse::unchanged`] and an
/// empty body; any other 2xx body is remembered (and disarms the memo until its owner decoded
/// it: see [`Client`](super::Client)); a non-2xx answer forgets. One memo per poller: "unchanged"
/// means "the same as what *this* owner last decoded", never what somebody else fetched.
/// Cheap to clone (an `Rc`); clones share the memory.
#[derive(Clone, Default)]
pub struct BodyMemo {
    inner: Rc<RefCell<MemoInner>>,
}

#[derive(Default)]
struct MemoInner {
    last: Option<MemoBody>,
    armed: bool,
}

enum MemoBody {
    /// Transports that read text (host tests).
    Text(String),
    /// The browser: the `Response.text()` string, never copied into wasm.
    #[cfg(target_arch = "wasm32")]
    Js(wasm_bindgen::JsValue),
}

impl fmt::Debug for BodyMemo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (held, armed) = self
            .inner
            .try_borrow()
            .map(|i| (i.last.is_some(), i.armed))
            .unwrap_or_default();
        f.debug_struct("BodyMemo")
            .field("held", &held)
            .field("armed", &armed)
            .finish()
    }
}

impl BodyMemo {
    /// An empty memo: the first answer is always handed over.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether an identical answer may now be reported as unchanged.
    #[must_use]
    pub fn is_armed(&self) -> bool {
        self.inner
            .try_borrow()
            .is_ok_and(|i| i.armed && i.last.is_some())
    }

    /// The owner decoded the last body (`true`), or could not use it (`false`).
    pub fn arm(&self, decoded: bool) {
        if let Ok(mut i) = self.inner.try_borrow_mut() {
            i.armed = decoded && i.last.is_some();
        }
    }

    /// Forgets the last body.
    pub fn forget(&self) {
        if let Ok(mut i) = self.inner.try_borrow_mut() {
            *i = MemoInner::default();
        }
    }

    /// Applies the rules above to a response read as text: what a text transport returns.
    #[must_use]
    pub fn apply(&self, mut resp: HttpResponse) -> HttpResponse {
        if !(200..300).contains(&resp.status) {
            self.forget();
            return resp;
        }
        let Ok(mut i) = self.inner.try_borrow_mut() else {
            return resp;
        };
        let same = matches!(&i.last, Some(MemoBody::Text(last)) if *last == resp.body);
        if same && i.armed {
            resp.body = String::new();
            resp.unchanged = true;
        } else {
            i.last = Some(MemoBody::Text(resp.body.clone()));
            i.armed = false;
        }
        resp
    }

    /// The browser's side of [`apply`](Self::apply): `true` when `body` (a JS string) is the
    /// armed last one; otherwise remembers it.
    #[cfg(target_arch = "wasm32")]
    fn offer_js(&self, status: u16, body: &wasm_bindgen::JsValue) -> bool {
        if !(200..300).contains(&status) {
            self.forget();
            return false;
        }
        let Ok(mut i) = self.inner.try_borrow_mut() else {
            return false;
        };
        // `===` on two strings compares their contents, inside the JS engine.
        let same = matches!(&i.last, Some(MemoBody::Js(last)) if last == body);
        if same && i.armed {
            return true;
        }
        i.last = Some(MemoBody::Js(body.clone()));
        i.armed = false;
        false
    }
}

/// Why no HTTP response arrived.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum TransportError {
    /// The timeout elapsed first.
    #[error("timed out")]
    Timeout,
    /// Cancelled through the request's [`AbortFlag`].
    #[error("aborted")]
    Aborted,
    /// Offline, DNS, CORS, connection reset…
    #[error("network error: {0}")]
    Network(String),
}

impl From<TransportError> for blinger_api::ApiError {
    fn from(e: TransportError) -> Self {
        match e {
            TransportError::Timeout => Self::Timeout,
            TransportError::Aborted => Self::Aborted,
            TransportError::Network(message) => Self::Network { message },
        }
    }
}

/// Sends HTTP requests. No `Send` bound: wasm is single-threaded.
pub trait Transport {
    /// Sends one request and reads the whole body.
    fn send(&self, req: HttpRequest) -> impl Future<Output = Result<HttpResponse, TransportError>>;
}

type Listener = Box<dyn FnOnce()>;

#[derive(Default)]
struct AbortInner {
    aborted: bool,
    next_id: u64,
    listeners: Vec<(u64, Listener)>,
}

/// A shared "cancel" flag: aborting it cancels every request issued with it, now and later.
/// Cheap to clone (an `Rc`).
#[derive(Clone, Default)]
pub struct AbortFlag {
    inner: Rc<RefCell<AbortInner>>,
}

impl fmt::Debug for AbortFlag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AbortFlag")
            .field("aborted", &self.is_aborted())
            .finish()
    }
}

impl AbortFlag {
    /// A fresh, not yet aborted flag.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Aborts: runs every registered listener once. Idempotent.
    pub fn abort(&self) {
        let listeners = match self.inner.try_borrow_mut() {
            Ok(mut inner) => {
                if inner.aborted {
                    return;
                }
                inner.aborted = true;
                std::mem::take(&mut inner.listeners)
            }
            Err(_) => return,
        };
        for (_, listener) in listeners {
            listener();
        }
    }

    /// `true` once [`abort`](Self::abort) was called.
    #[must_use]
    pub fn is_aborted(&self) -> bool {
        self.inner.try_borrow().map(|i| i.aborted).unwrap_or(true)
    }

    /// Runs `f` on abort (at once if already aborted). The returned guard unregisters it when
    /// dropped, so finished requests leave nothing behind.
    pub fn on_abort(&self, f: impl FnOnce() + 'static) -> AbortListener {
        if self.is_aborted() {
            f();
            return AbortListener {
                flag: self.clone(),
                id: None,
            };
        }
        let id = match self.inner.try_borrow_mut() {
            Ok(mut inner) => {
                let id = inner.next_id;
                inner.next_id = inner.next_id.wrapping_add(1);
                inner.listeners.push((id, Box::new(f)));
                Some(id)
            }
            Err(_) => None,
        };
        AbortListener {
            flag: self.clone(),
            id,
        }
    }
}

/// Unregisters an [`AbortFlag::on_abort`] listener when dropped.
pub struct AbortListener {
    flag: AbortFlag,
    id: Option<u64>,
}

impl fmt::Debug for AbortListener {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AbortListener")
            .field("id", &self.id)
            .finish()
    }
}

impl Drop for AbortListener {
    fn drop(&mut self) {
        if let Some(id) = self.id {
            if let Ok(mut inner) = self.flag.inner.try_borrow_mut() {
                inner.listeners.retain(|(i, _)| *i != id);
            }
        }
    }
}

/// The browser transport: `fetch` through gloo-net with an `AbortController` per request.
///
/// On other targets it exists so `Client` has a default, but every request fails with
/// [`TransportError::Network`].
#[derive(Clone, Copy, Debug, Default)]
pub struct FetchTransport;

#[cfg(not(target_arch = "wasm32"))]
impl Transport for FetchTransport {
    async fn send(&self, _req: HttpRequest) -> Result<HttpResponse, TransportError> {
        Err(TransportError::Network(
            "fetch is only available in a browser".to_owned(),
        ))
    }
}

#[cfg(target_arch = "wasm32")]
impl Transport for FetchTransport {
    async fn send(&self, req: HttpRequest) -> Result<HttpResponse, TransportError> {
        fetch::send(req).await
    }
}

#[cfg(target_arch = "wasm32")]
mod fetch;

#[cfg(target_arch = "wasm32")]
mod stream;
#[cfg(target_arch = "wasm32")]
pub use stream::{EventStream, Opened};

impl FetchTransport {
    /// Opens a long-lived GET whose body is read as it arrives (an event stream). The request's
    /// timeout covers the headers only.
    ///
    /// # Errors
    /// No answer (network, timeout, abort).
    #[cfg(target_arch = "wasm32")]
    pub async fn open_stream(&self, req: HttpRequest) -> Result<Opened, TransportError> {
        stream::open(req).await
    }

    /// Off the browser there is no `fetch`.
    ///
    /// # Errors
    /// Always [`TransportError::Network`].
    #[cfg(not(target_arch = "wasm32"))]
    pub async fn open_stream(&self, _req: HttpRequest) -> Result<Opened, TransportError> {
        Err(TransportError::Network(
            "fetch is only available in a browser".to_owned(),
        ))
    }
}

/// What opening a stream gave (off the browser: nothing ever opens).
#[cfg(not(target_arch = "wasm32"))]
#[derive(Debug)]
pub enum Opened {
    /// The stream is up.
    Stream(EventStream),
    /// The server answered something else.
    Refused(HttpResponse),
}

/// An open event stream (off the browser: one that has ended).
#[cfg(not(target_arch = "wasm32"))]
#[derive(Debug)]
pub struct EventStream;

#[cfg(not(target_arch = "wasm32"))]
impl EventStream {
    /// The next bytes; `Ok(None)`: the stream ended.
    ///
    /// # Errors
    /// Never off the browser.
    pub async fn next_chunk(&mut self, _idle_ms: u32) -> Result<Option<Vec<u8>>, TransportError> {
        Ok(None)
    }
}

/// Polls `work` and `timer`; `None` when the timer fires first.
pub(crate) async fn race<F: Future, G: Future>(work: F, timer: G) -> Option<F::Output> {
    let mut work = std::pin::pin!(work);
    let mut timer = std::pin::pin!(timer);
    std::future::poll_fn(move |cx| {
        if let std::task::Poll::Ready(v) = work.as_mut().poll(cx) {
            return std::task::Poll::Ready(Some(v));
        }
        if timer.as_mut().poll(cx).is_ready() {
            return std::task::Poll::Ready(None);
        }
        std::task::Poll::Pending
    })
    .await
}
