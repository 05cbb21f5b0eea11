//! `/api/...`: Blinger's paths and envelopes. The token is checked (401), the endpoint must be
//! one the gateway forwards (404), the body fit (413), the policy hold (403); then the request
//! goes upstream with the account token (GETs coalesced), and Blinger's answer comes back with
//! its status and envelope, secrets removed. A send Blinger accepted is added to the history.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, header};
use axum::response::{IntoResponse, Response};
use blinger_api::OperatorId;

use crate::auth::{Caller, unix_now};
use crate::coalesce::{Key, Tags};
use crate::error::GatewayError;
use crate::policy::{self, Effect, Endpoint, EndpointMethod, SendKind};
use crate::request::{Encoding, Params, read_limited, value_text};
use crate::state::Shared;
use crate::store::NewMessage;
use crate::upstream::{Answer, UpstreamBody, UpstreamRequest};

/// The handler of every `/api/...` path.
pub async fn forward(State(state): State<Shared>, caller: Caller, req: Request) -> Response {
    match forward_inner(&state, caller, req).await {
        Ok(response) => response,
        Err(e) => e.into_response(),
    }
}

async fn forward_inner(
    state: &Shared,
    caller: Caller,
    req: Request,
) -> Result<Response, GatewayError> {
    let Some(endpoint) = policy::endpoint(req.uri().path()) else {
        drain(req).await;
        return Err(GatewayError::NotFound);
    };
    let method = req.method().clone();
    let wanted = endpoint.method.method();
    if method != wanted && !(method == Method::HEAD && wanted == Method::GET) {
        drain(req).await;
        return Err(GatewayError::MethodNotAllowed);
    }
    match endpoint.method {
        EndpointMethod::Get => get(state, caller, endpoint, req).await,
        EndpointMethod::Post => post(state, caller, endpoint, req).await,
    }
}

async fn drain(req: Request) {
    let _ = read_limited(req.into_body()).await;
}

async fn get(
    state: &Shared,
    caller: Caller,
    endpoint: &'static Endpoint,
    req: Request,
) -> Result<Response, GatewayError> {
    let gzip = accepts_gzip(req.headers());
    let mut params = Params::from_query(req.uri().query());
    drain(req).await;
    policy::apply(&caller, endpoint, &mut params)?;
    let tags = Tags {
        conversation: (endpoint.path == "/api/conversations/get")
            .then(|| policy::conversation_of(&params).map(|c| c.get()))
            .flatten(),
        list: endpoint.is_conversation_list(),
    };
    let outcome = shared_get(state, endpoint.path, params.to_form(), tags).await;
    Ok(respond(&*outcome?, gzip).await)
}

async fn post(
    state: &Shared,
    caller: Caller,
    endpoint: &'static Endpoint,
    req: Request,
) -> Result<Response, GatewayError> {
    // A POST's query is checked like its body and not forwarded (assumptions.rs).
    policy::check_operator(
        &caller,
        &Params::from_query(req.uri().query()),
        endpoint.operator,
    )?;
    let (parts, body) = req.into_parts();
    let gzip = accepts_gzip(&parts.headers);
    let bytes = read_limited(body).await?;
    let mut params = Params::from_body(&parts.headers, bytes).await?;
    let acting = policy::apply(&caller, endpoint, &mut params)?;
    let body = match params.encoding {
        Encoding::Form => UpstreamBody::Form(params.to_form()),
        Encoding::Json => UpstreamBody::Json(params.to_json()),
        Encoding::Multipart => UpstreamBody::Multipart(
            params
                .fields
                .iter()
                .map(|(k, v)| (k.clone(), value_text(v).unwrap_or_default()))
                .collect(),
        ),
    };
    let answer = state
        .upstream
        .send(UpstreamRequest {
            method: Method::POST,
            path: endpoint.path,
            query: String::new(),
            body,
        })
        .await?;
    if answer.is_ok() {
        let conversation = policy::conversation_of(&params).map(|c| c.get());
        if let (Effect::Send(kind), Some(conversation)) = (endpoint.effect, conversation) {
            record_send(state, kind, conversation, acting, &params).await;
        }
        state.changed(conversation);
    }
    Ok(respond(&answer, gzip).await)
}

/// A GET to Blinger through the coalescer: identical GETs in flight or within the window share
/// one upstream request (counted as coalesced hits). The browsers' GETs and the poller's.
pub(crate) async fn shared_get(
    state: &Shared,
    path: &'static str,
    query: String,
    tags: Tags,
) -> crate::upstream::Outcome {
    let request = UpstreamRequest {
        method: Method::GET,
        path,
        query: query.clone(),
        body: UpstreamBody::Empty,
    };
    let (outcome, shared) = state
        .coalescer
        .get(Key { path, query }, tags, || state.upstream.send(request))
        .await;
    if shared {
        state.metrics.coalesced_hit();
    }
    outcome
}

/// Adds an accepted send to the history (a store failure is logged: the send happened, so
/// Blinger's answer still goes back).
async fn record_send(
    state: &Shared,
    kind: SendKind,
    conversation: u64,
    operator: Option<OperatorId>,
    params: &Params,
) {
    let content = params.text(kind.content_field());
    let (text, file_url) = match kind {
        SendKind::File => (None, content),
        SendKind::Message | SendKind::Note => (content, None),
    };
    let message = NewMessage {
        conversation_id: conversation,
        kind: kind.kind(),
        text,
        file_url,
        operator_id: operator.map(OperatorId::get),
        from_user_name: None,
        date_created: i64::try_from(unix_now()).unwrap_or(i64::MAX),
    };
    if let Err(e) = state.store.record_send(message).await {
        (state.log)(&format!("history: a send could not be recorded: {e}"));
    }
}

/// Whether `Accept-Encoding` takes gzip: an explicit `gzip` entry decides by its weight; else
/// `*` does; a weight of 0 refuses.
fn accepts_gzip(headers: &axum::http::HeaderMap) -> bool {
    let mut star = None;
    for item in headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
    {
        let mut parts = item.split(';').map(str::trim);
        let coding = parts.next().unwrap_or("");
        let refused = parts.any(|p| {
            let (name, value) = p.split_once('=').unwrap_or((p, ""));
            name.trim().eq_ignore_ascii_case("q")
                && value.trim().parse::<f32>().is_ok_and(|q| q <= 0.0)
        });
        if coding.eq_ignore_ascii_case("gzip") {
            return !refused;
        }
        if coding == "*" {
            star = Some(!refused);
        }
    }
    star.unwrap_or(false)
}

/// Blinger's answer as ours: its status, its (cleaned) body, its `Retry-After`; gzipped when
/// the browser accepts that (compressed once per answer, however many coalesced callers share it).
async fn respond(answer: &Answer, gzip: bool) -> Response {
    let compressed = if gzip { answer.gzip().await } else { None };
    let is_gzip = compressed.is_some();
    let mut response = Response::new(Body::from(
        compressed.unwrap_or_else(|| answer.body.clone()),
    ));
    *response.status_mut() = answer.status;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    if is_gzip {
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    }
    if let Some(retry) = &answer.retry_after {
        headers.insert(header::RETRY_AFTER, retry.clone());
    }
    response
}

#[cfg(test)]
mod tests {
    #![allow(clippy::restriction)] // tests unwrap, index and panic
    use axum::http::HeaderMap;

    use super::*;

    #[test]
    fn accept_encoding_is_read_with_its_weights() {
        let accepts = |v: &str| {
            let mut h = HeaderMap::new();
            h.insert(header::ACCEPT_ENCODING, HeaderValue::from_str(v).unwrap());
            accepts_gzip(&h)
        };
        assert!(accepts("gzip, deflate, br"));
        assert!(accepts("br;q=1.0, GZIP;q=0.5"));
        assert!(accepts("*"));
        assert!(!accepts("br"));
        assert!(!accepts("gzip;q=0"));
        assert!(!accepts("identity"));
        assert!(!accepts_gzip(&HeaderMap::new()));
        assert!(!accepts("gzip;q=0, *"), "an explicit refusal beats *");
        assert!(!accepts("*, gzip;Q=0"));
        assert!(!accepts("*;q=0"));
    }
}
