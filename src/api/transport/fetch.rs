//! The browser's `fetch` behind [`super::FetchTransport`]: one `AbortController` per request, a
//! timeout racing the whole exchange (headers and body), and the outside abort.

use gloo_net::http::{Method as GMethod, RequestBuilder};
use gloo_timers::future::TimeoutFuture;

use super::{HttpRequest, HttpResponse, Method, TransportError, race};

/// A `fetch` of a request, ready to send: method, URL and headers, an `AbortController` of its
/// own (the timeout aborts it) and the outside abort wired to it (kept alive by `_listener`).
pub(super) struct Prepared {
    pub(super) builder: RequestBuilder,
    pub(super) controller: web_sys::AbortController,
    pub(super) listener: Option<super::AbortListener>,
}

/// Prepares `req` (refused at once when its abort already fired).
pub(super) fn prepare(req: &HttpRequest) -> Result<Prepared, TransportError> {
    if req.abort.as_ref().is_some_and(super::AbortFlag::is_aborted) {
        return Err(TransportError::Aborted);
    }
    let controller = web_sys::AbortController::new()
        .map_err(|_| TransportError::Network("cannot create an AbortController".to_owned()))?;
    let listener = req.abort.as_ref().map(|flag| {
        let c = controller.clone();
        flag.on_abort(move || c.abort())
    });
    let method = match req.method {
        Method::Get => GMethod::GET,
        Method::Post => GMethod::POST,
    };
    let mut builder = RequestBuilder::new(&req.url)
        .method(method)
        .abort_signal(Some(&controller.signal()));
    for (k, v) in &req.headers {
        builder = builder.header(k, v);
    }
    Ok(Prepared {
        builder,
        controller,
        listener,
    })
}

/// A failure of `req`'s exchange, as the caller sees it: an abort from outside is
/// [`TransportError::Aborted`] whatever the browser reported.
pub(super) fn unless_aborted(req: &HttpRequest, e: TransportError) -> TransportError {
    if req.abort.as_ref().is_some_and(super::AbortFlag::is_aborted) {
        TransportError::Aborted
    } else {
        e
    }
}

pub(super) async fn send(req: HttpRequest) -> Result<HttpResponse, TransportError> {
    let Prepared {
        builder,
        controller,
        listener: _listener,
    } = prepare(&req)?;
    let body = req.body.clone();
    let memo = req.memo.clone();
    let exchange = async move {
        let sent = match body {
            Some(b) => builder.body(b).map_err(net_err)?.send().await,
            None => builder.send().await,
        };
        let resp = sent.map_err(net_err)?;
        let status = resp.status();
        let hs = resp.headers();
        let mut headers = Vec::new();
        for name in ["retry-after", "content-type"] {
            if let Some(v) = hs.get(name) {
                headers.push((name.to_owned(), v));
            }
        }
        let (body, unchanged) = match &memo {
            None => (resp.text().await.map_err(net_err)?, false),
            Some(memo) => {
                let raw: web_sys::Response = resp.into();
                let promise = raw.text().map_err(js_err)?;
                let text = wasm_bindgen_futures::JsFuture::from(promise)
                    .await
                    .map_err(js_err)?;
                if memo.offer_js(status, &text) {
                    (String::new(), true)
                } else {
                    (text.as_string().unwrap_or_default(), false)
                }
            }
        };
        Ok::<_, TransportError>(HttpResponse {
            status,
            headers,
            body,
            unchanged,
        })
    };
    let outcome = race(exchange, TimeoutFuture::new(req.timeout_ms)).await;
    match outcome {
        Some(Ok(resp)) => Ok(resp),
        Some(Err(e)) => Err(unless_aborted(&req, e)),
        None => {
            controller.abort();
            Err(TransportError::Timeout)
        }
    }
}

fn net_err(e: gloo_net::Error) -> TransportError {
    TransportError::Network(e.to_string())
}

fn js_err(e: wasm_bindgen::JsValue) -> TransportError {
    use wasm_bindgen::JsCast;
    let message = e
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "the answer could not be read".to_owned());
    TransportError::Network(message)
}
