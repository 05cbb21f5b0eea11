//! Talking to Blinger: one HTTP client, the account token added to every request, at most N
//! requests at once (the rest wait in a bounded queue, then 503), a deadline per request (504),
//! and every answer cleaned of secrets before anything else sees it.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::{HeaderValue, Method, StatusCode, header};
use blinger_api::assumptions::AUTH_HEADER;
use blinger_api::secrets::strip_secrets;
use serde_json::Value;
use tokio::sync::Semaphore;

use crate::assumptions::GZIP_MIN_BYTES;
use crate::error::GatewayError;
use crate::metrics::Metrics;

/// What is sent.
#[derive(Debug, Clone)]
pub enum UpstreamBody {
    /// Nothing (GET).
    Empty,
    /// `application/x-www-form-urlencoded`.
    Form(String),
    /// `application/json`.
    Json(Value),
    /// `multipart/form-data` text fields.
    Multipart(Vec<(String, String)>),
}

/// One request to Blinger.
#[derive(Debug, Clone)]
pub struct UpstreamRequest {
    /// GET or POST.
    pub method: Method,
    /// The path (`/api/...`), also the metrics label.
    pub path: &'static str,
    /// The query string, without `?` (may be empty).
    pub query: String,
    /// The body.
    pub body: UpstreamBody,
}

/// Blinger's answer, secrets removed.
#[derive(Debug, Clone)]
pub struct Answer {
    /// HTTP status.
    pub status: StatusCode,
    /// The JSON body, without secrets.
    pub body: Bytes,
    /// The envelope's `status` (a client must read it, not only the HTTP status).
    pub envelope_status: Option<i64>,
    /// `Retry-After`, passed on.
    pub retry_after: Option<HeaderValue>,
    /// When it was received (for the coalescing window).
    pub at: Instant,
    /// The body gzipped, made at the first caller that accepts gzip (on a blocking thread: a
    /// list of 1000 conversations takes milliseconds) and shared by the others.
    pub gzipped: tokio::sync::OnceCell<Option<Bytes>>,
}

impl Answer {
    /// An answer received now.
    #[must_use]
    pub fn new(
        status: StatusCode,
        body: Bytes,
        envelope_status: Option<i64>,
        retry_after: Option<HeaderValue>,
    ) -> Self {
        Self {
            status,
            body,
            envelope_status,
            retry_after,
            at: Instant::now(),
            gzipped: tokio::sync::OnceCell::new(),
        }
    }

    /// The body gzipped (compressed once per answer); `None` when it is too short to gain.
    pub async fn gzip(&self) -> Option<Bytes> {
        if self.body.len() < GZIP_MIN_BYTES {
            return None;
        }
        self.gzipped
            .get_or_init(|| {
                let body = self.body.clone();
                async move {
                    tokio::task::spawn_blocking(move || gzip(&body))
                        .await
                        .ok()
                        .flatten()
                }
            })
            .await
            .clone()
    }

    /// Whether both the HTTP status and the envelope say 200.
    #[must_use]
    pub fn is_ok(&self) -> bool {
        self.status == StatusCode::OK && self.envelope_status == Some(200)
    }
}

fn gzip(body: &[u8]) -> Option<Bytes> {
    let mut enc = flate2::write::GzEncoder::new(
        Vec::with_capacity(body.len() / 4),
        flate2::Compression::default(),
    );
    std::io::Write::write_all(&mut enc, body).ok()?;
    enc.finish().ok().map(Bytes::from)
}

/// The result of one upstream exchange (shared by coalesced callers, so `Clone`).
pub type Outcome = Result<Arc<Answer>, GatewayError>;

/// The upstream and its limits.
pub struct Upstream {
    base: String,
    token: HeaderValue,
    client: reqwest::Client,
    slots: Semaphore,
    waiting: AtomicUsize,
    queue: usize,
    queue_wait: Duration,
    timeout: Duration,
    metrics: Arc<Metrics>,
}

impl std::fmt::Debug for Upstream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Upstream")
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

/// The limits of an [`Upstream`].
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Requests at once.
    pub concurrency: usize,
    /// Requests waiting beyond this → 503.
    pub queue: usize,
    /// Waiting longer than this → 503.
    pub queue_wait: Duration,
    /// No answer within this → 504.
    pub timeout: Duration,
}

impl Upstream {
    /// A client for `base` (`https://app.blinger.io`, no trailing slash needed).
    ///
    /// # Errors
    /// When the token is not a valid header value or the client cannot be built.
    pub fn new(
        base: &str,
        token: &str,
        limits: Limits,
        metrics: Arc<Metrics>,
    ) -> Result<Self, String> {
        let mut token = HeaderValue::from_str(token)
            .map_err(|_| "the account token is not a valid header value".to_owned())?;
        token.set_sensitive(true);
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| format!("cannot build the HTTP client: {e}"))?;
        Ok(Self {
            base: base.trim_end_matches('/').to_owned(),
            token,
            client,
            slots: Semaphore::new(limits.concurrency.max(1)),
            waiting: AtomicUsize::new(0),
            queue: limits.queue,
            queue_wait: limits.queue_wait,
            timeout: limits.timeout,
            metrics,
        })
    }

    /// Sends `req` when a slot is free; 503 when the queue is full or the wait too long.
    pub async fn send(&self, req: UpstreamRequest) -> Outcome {
        let permit = match self.slots.try_acquire() {
            Ok(p) => p,
            Err(_) => {
                if self.waiting.fetch_add(1, Ordering::SeqCst) >= self.queue {
                    self.waiting.fetch_sub(1, Ordering::SeqCst);
                    return Err(GatewayError::Busy);
                }
                let waited = tokio::time::timeout(self.queue_wait, self.slots.acquire()).await;
                self.waiting.fetch_sub(1, Ordering::SeqCst);
                match waited {
                    Ok(Ok(p)) => p,
                    _ => return Err(GatewayError::Busy),
                }
            }
        };
        let started = Instant::now();
        let result = tokio::time::timeout(self.timeout, self.exchange(&req)).await;
        drop(permit);
        let outcome = match result {
            Ok(outcome) => outcome,
            Err(_) => Err(GatewayError::GatewayTimeout),
        };
        let label = match &outcome {
            Ok(answer) => answer.status.as_u16().to_string(),
            Err(GatewayError::GatewayTimeout) => "timeout".to_owned(),
            Err(_) => "unreachable".to_owned(),
        };
        self.metrics
            .upstream(req.path, &label, started.elapsed().as_secs_f64());
        outcome.map(Arc::new)
    }

    async fn exchange(&self, req: &UpstreamRequest) -> Result<Answer, GatewayError> {
        let mut url = format!("{}{}", self.base, req.path);
        if !req.query.is_empty() {
            url.push('?');
            url.push_str(&req.query);
        }
        let mut builder = self
            .client
            .request(req.method.clone(), url)
            .header(AUTH_HEADER, self.token.clone());
        builder = match &req.body {
            UpstreamBody::Empty => builder,
            UpstreamBody::Form(form) => builder
                .header(
                    header::CONTENT_TYPE,
                    blinger_api::assumptions::FORM_CONTENT_TYPE,
                )
                .body(form.clone()),
            UpstreamBody::Json(value) => builder.json(value),
            UpstreamBody::Multipart(fields) => {
                let mut form = reqwest::multipart::Form::new();
                for (k, v) in fields {
                    form = form.text(k.clone(), v.clone());
                }
                builder.multipart(form)
            }
        };
        let unreachable = |_| GatewayError::BadGateway("Blinger could not be reached".to_owned());
        let response = builder.send().await.map_err(unreachable)?;
        let status = response.status();
        let retry_after = response.headers().get(header::RETRY_AFTER).cloned();
        let bytes = response.bytes().await.map_err(unreachable)?;
        let Ok(mut value) = serde_json::from_slice::<Value>(&bytes) else {
            return Err(GatewayError::BadGateway(format!(
                "Blinger answered HTTP {} with something other than JSON",
                status.as_u16()
            )));
        };
        strip_secrets(&mut value);
        let envelope_status = value.get("status").and_then(Value::as_i64);
        Ok(Answer::new(
            status,
            Bytes::from(value.to_string()),
            envelope_status,
            retry_after,
        ))
    }
}
