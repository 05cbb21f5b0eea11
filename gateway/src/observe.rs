//! The middleware around every request: one log line and the request metric, labelled by route
//! (a forwarded endpoint by its path, anything else by its route template).

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;

use crate::auth::caller_of;
use crate::logging::RequestLine;
use crate::policy::endpoint;
use crate::state::Shared;

/// Runs the request, then logs it and counts it.
pub async fn observe(State(state): State<Shared>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().to_string();
    let path = req.uri().path().to_owned();
    let matched = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_owned());
    let (parts, body) = req.into_parts();
    let operator = caller_of(&state.keys, &parts)
        .ok()
        .map(|c| c.operator.get());
    let response = next.run(Request::from_parts(parts, body)).await;
    let route = match (endpoint(&path), matched) {
        (Some(e), _) => e.path.to_owned(),
        (None, Some(m)) => m,
        (None, None) => "unmatched".to_owned(),
    };
    let logged_path = if path.starts_with("/hooks/") {
        route.as_str()
    } else {
        path.as_str()
    };
    let status = response.status().as_u16();
    state.metrics.request(&route, status);
    let line = RequestLine {
        method: &method,
        path: logged_path,
        status,
        ms: started.elapsed().as_secs_f64() * 1000.0,
        operator,
    };
    (state.log)(&line.render(state.log_format));
    response
}
