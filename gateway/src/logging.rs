//! One log line per request: method, path without the query, status, duration and operator.
//! Never a token, a JWT, a webhook secret or message text: the path of a webhook is logged as
//! its route (`/hooks/blinger/{secret}`), and nothing of a body is read here.

use std::sync::Arc;

use serde_json::json;

/// Where log lines go (stdout by default; tests capture them).
pub type LogSink = Arc<dyn Fn(&str) + Send + Sync>;

/// Text (default) or JSON lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum LogFormat {
    /// `GET /api/conversations/unread 200 12.3ms operator=2`
    #[default]
    Text,
    /// `{"method":"GET","path":…,"status":200,"ms":12.3,"operator":2}`
    Json,
}

/// A sink printing to stdout.
#[must_use]
pub fn stdout_sink() -> LogSink {
    Arc::new(|line: &str| println!("{line}"))
}

/// What one request's line says.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestLine<'a> {
    /// HTTP method.
    pub method: &'a str,
    /// Path without query (a webhook's as its route).
    pub path: &'a str,
    /// Answer status.
    pub status: u16,
    /// Duration in milliseconds.
    pub ms: f64,
    /// The operator of a valid token.
    pub operator: Option<u64>,
}

impl RequestLine<'_> {
    /// The line in `format`.
    #[must_use]
    pub fn render(&self, format: LogFormat) -> String {
        let ms = (self.ms * 10.0).round() / 10.0;
        match format {
            LogFormat::Json => json!({
                "ts": crate::auth::unix_now(),
                "method": self.method,
                "path": self.path,
                "status": self.status,
                "ms": ms,
                "operator": self.operator,
            })
            .to_string(),
            LogFormat::Text => {
                let operator = self
                    .operator
                    .map(|o| format!(" operator={o}"))
                    .unwrap_or_default();
                format!(
                    "{} {} {} {ms}ms{operator}",
                    self.method, self.path, self.status
                )
            }
        }
    }
}
