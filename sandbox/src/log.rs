//! The request log: one JSON line per request (method, path without the query, status, ms) to an
//! injectable sink, with the account token redacted wherever it could appear.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use serde_json::json;

/// Where log lines go (stdout by default; tests capture them).
pub type LogSink = Arc<dyn Fn(&str) + Send + Sync>;

/// A sink printing to stdout.
pub fn stdout_sink() -> LogSink {
    Arc::new(|line: &str| println!("{line}"))
}

/// What the log middleware needs.
#[derive(Clone)]
pub struct LogState {
    pub sink: LogSink,
    pub token: Arc<str>,
}

/// Replaces every occurrence of `token` in `s` (no-op for an empty token).
pub fn redact(s: &str, token: &str) -> String {
    if token.is_empty() {
        s.to_owned()
    } else {
        s.replace(token, "[redacted]")
    }
}

/// The middleware: runs the request, then writes one line.
pub async fn log_requests(State(state): State<LogState>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().to_string();
    let path = redact(req.uri().path(), &state.token);
    let response = next.run(req).await;
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    let line = json!({
        "ts": crate::clock::now(),
        "method": method,
        "path": path,
        "status": response.status().as_u16(),
        "ms": (ms * 10.0).round() / 10.0,
    });
    (state.sink)(&line.to_string());
    response
}
