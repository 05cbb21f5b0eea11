//! `blinger-gateway`: the small server an integrator runs beside their app so the widget is safe
//! and complete against the real Blinger (GATEWAY.md).
//!
//! - The account token stays here; each browser holds a short-lived HS256 JWT ([`auth`]) that
//!   lets it act only as its operator ([`policy`]).
//! - Blinger's answers are forwarded with their status and envelope, secrets removed at any
//!   depth ([`upstream`], `blinger_api::secrets`); identical GETs share one upstream request
//!   ([`coalesce`]); at most N upstream requests run at once.
//! - Message history is recorded from webhooks ([`hooks`], [`webhook_parse`]) and from the sends
//!   that pass through ([`forward`]), each message once, and served in the widget's
//!   `history-url` format ([`history`]).
//! - Storage is behind one async trait ([`store`]); every change is announced through
//!   [`events`] (a numbered log with a replay window) and pushed to the browsers over
//!   Server-Sent Events at `GET /gateway/events` ([`stream`]); without webhooks the gateway polls
//!   the lists itself, once for all browsers, to find the changes ([`poller`]).
//!
//! [`start`] runs it in-process (tests bind `127.0.0.1:0`); the binary is a thin CLI around it.
//! Every choice the docs leave open is in [`assumptions`].

pub mod assumptions;
pub mod auth;
pub mod cli;
pub mod coalesce;
pub mod dev_login;
pub mod error;
pub mod events;
pub mod forward;
pub mod history;
pub mod hooks;
pub mod listeners;
pub mod logging;
pub mod metrics;
pub mod observe;
pub mod policy;
pub mod poller;
pub mod request;
pub mod state;
pub mod store;
pub mod stream;
pub mod upstream;
pub mod web;
pub mod webhook_parse;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use tokio::sync::{Notify, oneshot, watch};
use tokio::task::JoinHandle;

use crate::auth::JwtKeys;
use crate::coalesce::Coalescer;
use crate::error::GatewayError;
use crate::events::{Broadcast, ChangeSink};
use crate::logging::{LogFormat, LogSink};
use crate::metrics::Metrics;
use crate::state::{AppState, Shared};
use crate::store::{DbUrl, StoreError};
use crate::upstream::{Limits, Upstream};

/// Everything the gateway can be told.
#[derive(Clone)]
pub struct Config {
    /// Address to bind (`127.0.0.1:0` for a free port).
    pub addr: SocketAddr,
    /// Blinger (or the sandbox).
    pub upstream: String,
    /// The account token.
    pub token: String,
    /// The HS256 key (≥ 32 bytes).
    pub jwt_secret: Vec<u8>,
    /// The store.
    pub db: DbUrl,
    /// Webhooks are accepted at `/hooks/blinger/<this>`; `None`: ingest off.
    pub webhook_secret: Option<String>,
    /// Exact CORS origins.
    pub allow_origins: Vec<String>,
    /// Identical GETs within this share one answer.
    pub coalesce: Duration,
    /// Without a webhook secret, the lists are polled this often while event streams are open
    /// ([`poller`]); zero: never.
    pub poll: Duration,
    /// Upstream requests at once, how many may wait, how long, and the upstream deadline.
    pub limits: Limits,
    /// Serves this directory at `/`.
    pub static_dir: Option<PathBuf>,
    /// Serves `POST /gateway/dev-token`.
    pub dev_login: bool,
    /// Where request lines go.
    pub log: LogSink,
    /// Text or JSON lines.
    pub log_format: LogFormat,
    /// Runs the webhook worker (tests turn it off to leave events pending across a restart).
    pub process_webhooks: bool,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the token or the secrets.
        f.debug_struct("Config")
            .field("addr", &self.addr)
            .field("upstream", &self.upstream)
            .field("db", &self.db)
            .field("coalesce", &self.coalesce)
            .field("limits", &self.limits)
            .field("dev_login", &self.dev_login)
            .finish_non_exhaustive()
    }
}

/// The defaults of GATEWAY.md's table (the token and secret must still be given).
impl Default for Config {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 8788)),
            upstream: "https://app.blinger.io".to_owned(),
            token: String::new(),
            jwt_secret: Vec::new(),
            db: DbUrl::SqliteFile("./blinger-gateway.sqlite".to_owned()),
            webhook_secret: None,
            allow_origins: Vec::new(),
            coalesce: Duration::from_millis(1000),
            poll: assumptions::UPSTREAM_POLL_INTERVAL,
            limits: Limits {
                concurrency: 8,
                queue: assumptions::UPSTREAM_QUEUE,
                queue_wait: assumptions::UPSTREAM_QUEUE_WAIT,
                timeout: assumptions::UPSTREAM_TIMEOUT,
            },
            static_dir: None,
            dev_login: false,
            log: logging::stdout_sink(),
            log_format: LogFormat::Text,
            process_webhooks: true,
        }
    }
}

/// Why the gateway could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// A setting is unusable (exit 2).
    #[error("{0}")]
    Config(String),
    /// The store could not be opened.
    #[error("{0}")]
    Store(#[from] StoreError),
    /// The address could not be bound.
    #[error("cannot listen on {0}: {1}")]
    Bind(SocketAddr, std::io::Error),
}

/// A started gateway.
pub struct RunningGateway {
    /// The bound address (the real port).
    pub addr: SocketAddr,
    state: Shared,
    shutdown: oneshot::Sender<()>,
    stop_worker: watch::Sender<bool>,
    stop_streams: watch::Sender<bool>,
    join: JoinHandle<()>,
    worker: Option<JoinHandle<()>>,
    poller: Option<JoinHandle<()>>,
    relay: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for RunningGateway {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunningGateway")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl RunningGateway {
    /// `http://ADDR`.
    #[must_use]
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The metrics (tests read counters).
    #[must_use]
    pub fn metrics(&self) -> &Metrics {
        &self.state.metrics
    }

    /// Mints a browser token (tests).
    ///
    /// # Errors
    /// Only if the claims cannot be encoded.
    pub fn mint(
        &self,
        operator: u64,
        role: auth::Role,
        ttl_secs: u64,
    ) -> Result<String, jsonwebtoken::errors::Error> {
        self.state
            .keys
            .mint(blinger_api::OperatorId(operator), role, ttl_secs)
    }

    /// Stops accepting, finishes in-flight requests and the worker's current event, and waits.
    pub async fn shutdown(self) {
        // Event streams never end on their own: end them, or the graceful shutdown waits forever.
        let _ = self.stop_streams.send(true);
        let _ = self.shutdown.send(());
        // A stream whose client stopped reading is never polled again, so it never sees the
        // stop: past the grace period the server task is aborted (its connections close).
        let mut join = self.join;
        if tokio::time::timeout(assumptions::SHUTDOWN_GRACE, &mut join)
            .await
            .is_err()
        {
            join.abort();
            let _ = join.await;
        }
        let _ = self.stop_worker.send(true);
        if let Some(worker) = self.worker {
            let _ = worker.await;
        }
        if let Some(poller) = self.poller {
            let _ = poller.await;
        }
        if let Some(relay) = self.relay {
            let _ = relay.await;
        }
    }
}

async fn healthz(State(state): State<Shared>) -> Response {
    match state.store.ping().await {
        Ok(()) => (StatusCode::OK, "ok").into_response(),
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "store unavailable").into_response(),
    }
}

async fn metrics_text(State(state): State<Shared>) -> Response {
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.metrics.render(),
    )
        .into_response()
}

async fn not_found() -> GatewayError {
    GatewayError::NotFound
}

async fn method_not_allowed() -> GatewayError {
    GatewayError::MethodNotAllowed
}

fn router(state: &Shared, config: &Config) -> Result<Router, StartError> {
    let mut router = Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics_text))
        .route("/api/{*rest}", any(forward::forward))
        .route(
            "/gateway/conversations/{id}/messages",
            get(history::messages),
        )
        .route("/gateway/events", get(stream::events))
        .route("/hooks/blinger/{secret}", post(hooks::ingest));
    if config.dev_login {
        router = router.route(
            "/gateway/dev-token",
            post(dev_login::dev_token).get(dev_login::dev_operators),
        );
    }
    router = match config.static_dir.as_ref() {
        Some(dir) => router.fallback_service(web::static_service(dir)),
        None => router.fallback(not_found),
    };
    let mut router = router
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            observe::observe,
        ))
        .with_state(state.clone())
        .layer(web::compression());
    if !config.allow_origins.is_empty() {
        router = router.layer(web::cors_layer(&config.allow_origins).map_err(StartError::Config)?);
    }
    Ok(web::with_security_headers(router))
}

/// Checks the settings, opens the store (migrations), binds, and serves in the background.
///
/// # Errors
/// [`StartError`]; `Config` and an unsupported `--db` are the caller's mistakes (exit 2).
pub async fn start(config: Config) -> Result<RunningGateway, StartError> {
    let keys = JwtKeys::new(&config.jwt_secret)
        .map_err(|e| StartError::Config(format!("--jwt-secret-file: {e}")))?;
    if config.token.trim().is_empty() {
        return Err(StartError::Config(
            "the account token is missing: give --token-file or BLINGER_TOKEN".to_owned(),
        ));
    }
    if !blinger_api::wire::is_http_url(&config.upstream) {
        return Err(StartError::Config(format!(
            "--upstream must be an absolute http(s) URL, got {:?}",
            config.upstream
        )));
    }
    let (store, broadcast, changes, shared_db) = match store::open(&config.db).await? {
        store::Opened::Local(store) => {
            let broadcast = Arc::new(Broadcast::default());
            let changes: Arc<dyn ChangeSink> = broadcast.clone();
            let store: store::SharedStore = Arc::new(store);
            (store, broadcast, changes, None)
        }
        store::Opened::Shared(pg) => {
            let broadcast = Arc::new(
                pg.broadcast(
                    assumptions::EVENT_REPLAY_WINDOW,
                    assumptions::EVENT_STREAM_BUFFER,
                )
                .await?,
            );
            let changes: Arc<dyn ChangeSink> = Arc::new(pg.changes());
            let store: store::SharedStore = Arc::new((*pg).clone());
            (store, broadcast, changes, Some(pg))
        }
    };
    let metrics = Arc::new(Metrics::new());
    let upstream = Upstream::new(
        &config.upstream,
        config.token.trim(),
        config.limits,
        metrics.clone(),
    )
    .map_err(StartError::Config)?;
    let (stop_streams, stop_streams_rx) = watch::channel(false);
    let state = Shared(Arc::new(AppState {
        keys: Arc::new(keys),
        upstream,
        coalescer: Coalescer::new(config.coalesce),
        store,
        metrics,
        broadcast,
        changes,
        listeners: Arc::default(),
        stop_streams: stop_streams_rx,
        webhook_secret: config.webhook_secret.clone().filter(|s| !s.is_empty()),
        wake: Notify::new(),
        dev_login: config.dev_login,
        log: config.log.clone(),
        log_format: config.log_format,
    }));
    let app = router(&state, &config)?;
    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .map_err(|e| StartError::Bind(config.addr, e))?;
    let addr = listener
        .local_addr()
        .map_err(|e| StartError::Bind(config.addr, e))?;
    let (shutdown, shutdown_rx) = oneshot::channel::<()>();
    let join = tokio::spawn(async move {
        let service = app.into_make_service_with_connect_info::<SocketAddr>();
        let _ = axum::serve(listener, service)
            .with_graceful_shutdown(async move {
                let _ = shutdown_rx.await;
            })
            .await;
    });
    let (stop_worker, stop_rx) = watch::channel(false);
    let worker = config
        .process_webhooks
        .then(|| hooks::spawn_worker(state.clone(), stop_rx.clone()));
    let relay = shared_db.map(|pg| {
        let cache = state.clone();
        pg.spawn_relay(
            state.broadcast.clone(),
            Arc::new(move |id| cache.coalescer.invalidate(Some(id))),
            state.log.clone(),
            stop_rx.clone(),
        )
    });
    let poller = (state.webhook_secret.is_none() && !config.poll.is_zero())
        .then(|| poller::spawn(state.clone(), config.poll, stop_rx));
    Ok(RunningGateway {
        addr,
        state,
        shutdown,
        stop_worker,
        stop_streams,
        join,
        worker,
        poller,
        relay,
    })
}
