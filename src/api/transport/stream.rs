//! A long-lived `fetch` whose body is read as it arrives (the gateway's event stream:
//! `EventSource` cannot send the `Authentication` header). The headers must come within the
//! request's timeout; after that each read races an idle timeout instead, and an outside abort
//! or dropping the [`EventStream`] cancels the request.

use gloo_timers::future::TimeoutFuture;
use wasm_bindgen::JsCast;

use super::{HttpRequest, HttpResponse, TransportError, race};

/// An event stream whose headers arrived with a 2xx status and `text/event-stream`.
pub struct EventStream {
    reader: js_sys::Object,
    read: js_sys::Function,
    controller: web_sys::AbortController,
    abort: Option<super::AbortFlag>,
    _listener: Option<super::AbortListener>,
}

impl std::fmt::Debug for EventStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventStream").finish_non_exhaustive()
    }
}

/// What opening a stream gave.
#[derive(Debug)]
pub enum Opened {
    /// The stream is up.
    Stream(EventStream),
    /// The server answered something else: its answer, for the error decoders.
    Refused(HttpResponse),
}

pub(super) async fn open(req: HttpRequest) -> Result<Opened, TransportError> {
    let super::fetch::Prepared {
        builder,
        controller,
        listener,
    } = super::fetch::prepare(&req)?;
    let headers = async move {
        let resp = builder
            .send()
            .await
            .map_err(|e| TransportError::Network(e.to_string()))?;
        let status = resp.status();
        let content_type = resp.headers().get("content-type").unwrap_or_default();
        let stream = (200..300).contains(&status)
            && content_type
                .to_ascii_lowercase()
                .starts_with("text/event-stream");
        if !stream {
            let mut headers = vec![("content-type".to_owned(), content_type)];
            if let Some(v) = resp.headers().get("retry-after") {
                headers.push(("retry-after".to_owned(), v));
            }
            let body = resp.text().await.unwrap_or_default();
            return Ok(Err(HttpResponse {
                status,
                headers,
                body,
                unchanged: false,
            }));
        }
        let raw: web_sys::Response = resp.into();
        let body = raw
            .body()
            .ok_or_else(|| TransportError::Network("the event stream has no body".to_owned()))?;
        let reader = call0(body.as_ref(), "getReader")?;
        let read = js_sys::Reflect::get(&reader, &"read".into())
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
            .ok_or_else(|| TransportError::Network("the event stream cannot be read".to_owned()))?;
        let reader: js_sys::Object = reader.unchecked_into();
        Ok::<_, TransportError>(Ok((reader, read)))
    };
    match race(headers, TimeoutFuture::new(req.timeout_ms)).await {
        None => {
            controller.abort();
            Err(TransportError::Timeout)
        }
        Some(Err(e)) => Err(super::fetch::unless_aborted(&req, e)),
        Some(Ok(Err(refused))) => Ok(Opened::Refused(refused)),
        Some(Ok(Ok((reader, read)))) => Ok(Opened::Stream(EventStream {
            reader,
            read,
            controller,
            abort: req.abort,
            _listener: listener,
        })),
    }
}

fn call0(
    target: &wasm_bindgen::JsValue,
    name: &str,
) -> Result<wasm_bindgen::JsValue, TransportError> {
    js_sys::Reflect::get(target, &name.into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        .and_then(|f| f.call0(target).ok())
        .ok_or_else(|| TransportError::Network(format!("the event stream has no {name}()")))
}

impl EventStream {
    /// The next bytes; `Ok(None)` when the server ended the stream. Fails with
    /// [`TransportError::Timeout`] when nothing (not even a heartbeat) came for `idle_ms`.
    ///
    /// # Errors
    /// The connection broke, was aborted, or went silent.
    pub async fn next_chunk(&mut self, idle_ms: u32) -> Result<Option<Vec<u8>>, TransportError> {
        if self
            .abort
            .as_ref()
            .is_some_and(super::AbortFlag::is_aborted)
        {
            return Err(TransportError::Aborted);
        }
        let promise = self
            .read
            .call0(&self.reader)
            .ok()
            .and_then(|p| p.dyn_into::<js_sys::Promise>().ok())
            .ok_or_else(|| TransportError::Network("the event stream cannot be read".to_owned()))?;
        let read = wasm_bindgen_futures::JsFuture::from(promise);
        let Some(result) = race(read, TimeoutFuture::new(idle_ms)).await else {
            self.controller.abort();
            return Err(TransportError::Timeout);
        };
        let result = result.map_err(|e| {
            if self
                .abort
                .as_ref()
                .is_some_and(super::AbortFlag::is_aborted)
            {
                TransportError::Aborted
            } else {
                TransportError::Network(e.dyn_ref::<js_sys::Error>().map_or_else(
                    || "the event stream broke".to_owned(),
                    |e| String::from(e.message()),
                ))
            }
        })?;
        let done = js_sys::Reflect::get(&result, &"done".into())
            .ok()
            .and_then(|d| d.as_bool())
            .unwrap_or(true);
        if done {
            return Ok(None);
        }
        let value = js_sys::Reflect::get(&result, &"value".into()).unwrap_or_default();
        Ok(Some(
            value
                .dyn_into::<js_sys::Uint8Array>()
                .map(|bytes| bytes.to_vec())
                .unwrap_or_default(),
        ))
    }
}

impl Drop for EventStream {
    fn drop(&mut self) {
        self.controller.abort();
    }
}
