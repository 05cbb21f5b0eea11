//! `blinger-sandbox`: a local server that behaves like Blinger's conversations API.
//!
//! It is not a mock: it stores data in SQLite, enforces the token, validates input and answers
//! with the documented envelopes, status codes and errors, so the widget and every test talk to
//! something real. Everything the public docs leave open is decided in [`assumptions`].
//!
//! Use [`start`] with a [`Config`] to run it in-process (tests bind `127.0.0.1:0`); the binary is a
//! thin CLI around it.

pub mod assumptions;
pub mod auth;
pub mod body;
pub mod channels;
pub mod clock;
pub mod control;
pub mod db;
pub mod error;
pub mod faults;
pub mod fixtures;
pub mod handlers;
pub mod hosts;
pub mod log;
pub mod model;
pub mod replay;
pub mod rng;
pub mod seed;
pub mod state;
pub mod web;
pub mod webhooks;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::http::HeaderValue;
use axum::routing::{any, get, post};
use tokio::sync::{oneshot, watch};
use tokio::task::JoinHandle;
use tower_http::cors::CorsLayer;

pub use crate::db::{BulkSpec, Db};
pub use crate::log::LogSink;
pub use crate::seed::SeedMode;

use crate::state::{AppState, Shared};

/// Everything the server can be told.
#[derive(Clone)]
pub struct Config {
    /// Address to bind (`127.0.0.1:0` for an ephemeral port).
    pub addr: SocketAddr,
    /// SQLite file, or `:memory:`.
    pub db: String,
    /// The account token expected in `Authentication`.
    pub token: String,
    /// What to seed a fresh database with (`None` = demo).
    pub seed: Option<SeedMode>,
    /// A simulated client writes every this often.
    pub simulate: Option<Duration>,
    /// Enables `/sandbox/faults` and `/sandbox/requests`.
    pub faults: bool,
    /// Serves this directory at `/`.
    pub static_dir: Option<PathBuf>,
    /// Where webhooks go.
    pub webhook_url: Option<String>,
    /// Exact origins allowed by CORS.
    pub cors_origins: Vec<String>,
    /// Enables `/proxy/...` (adds the token server-side).
    pub proxy: bool,
    /// Names answered besides `localhost` and IP addresses on the bound port (`HOST[:PORT]`;
    /// [`hosts`]): anything else is refused with 421.
    pub public_hosts: Vec<String>,
    /// Where request-log lines go.
    pub log_sink: LogSink,
    /// First webhook retry delay (doubles each retry).
    pub webhook_backoff: Duration,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("addr", &self.addr)
            .field("db", &self.db)
            .field("seed", &self.seed)
            .field("simulate", &self.simulate)
            .field("faults", &self.faults)
            .field("static_dir", &self.static_dir)
            .field("webhook_url", &self.webhook_url)
            .field("cors_origins", &self.cors_origins)
            .field("proxy", &self.proxy)
            .field("public_hosts", &self.public_hosts)
            .finish_non_exhaustive()
    }
}

/// The default token, printed at start.
pub const DEFAULT_TOKEN: &str = "demo-token";

impl Default for Config {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 8787)),
            db: "./blinger-sandbox.sqlite".to_owned(),
            token: DEFAULT_TOKEN.to_owned(),
            seed: None,
            simulate: None,
            faults: false,
            static_dir: None,
            webhook_url: None,
            cors_origins: Vec::new(),
            proxy: false,
            public_hosts: Vec::new(),
            log_sink: log::stdout_sink(),
            webhook_backoff: Duration::from_millis(500),
        }
    }
}

impl Config {
    /// A config for tests: ephemeral port, in-memory DB, given seed, log discarded.
    pub fn for_tests(seed: SeedMode) -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            db: ":memory:".to_owned(),
            seed: Some(seed),
            log_sink: Arc::new(|_: &str| {}),
            webhook_backoff: Duration::from_millis(50),
            ..Self::default()
        }
    }
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("database: {0}")]
    Db(#[from] rusqlite::Error),
    #[error("seeding: {0}")]
    Seed(#[from] db::ActionError),
    #[error("cannot listen on {0}: {1}")]
    Bind(SocketAddr, std::io::Error),
    #[error("configuration: {0}")]
    Config(String),
}

/// A started server.
pub struct RunningServer {
    /// The bound address (the real port when started on port 0).
    pub addr: SocketAddr,
    /// Whether this start seeded the database.
    pub seeded: bool,
    /// Time from `start` to listening (including migrations and seeding).
    pub startup: Duration,
    state: Shared,
    shutdown: oneshot::Sender<()>,
    stop_background: watch::Sender<bool>,
    join: JoinHandle<()>,
}

impl std::fmt::Debug for RunningServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunningServer")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl RunningServer {
    /// `http://ADDR`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The database (for test helpers such as [`Db::seed_bulk`]).
    pub fn db(&self) -> &Db {
        &self.state.db
    }

    /// Stops accepting, finishes in-flight requests, stops the simulator, and waits.
    pub async fn shutdown(self) {
        let _ = self.stop_background.send(true);
        let _ = self.shutdown.send(());
        let _ = self.join.await;
    }
}

fn api_router(
    state: Shared,
    faults: Option<Arc<faults::Faults>>,
    static_dir: Option<&PathBuf>,
    cors_origins: &[String],
) -> Router {
    use handlers as h;
    let mut router = Router::new()
        .route("/api/conversations/start", post(h::start))
        .route("/api/conversations/close", post(h::close))
        .route("/api/conversations/unassign", post(h::unassign))
        .route(
            "/api/conversations/assign-operator",
            post(h::assign_operator),
        )
        .route("/api/conversations/assign-group", post(h::assign_group))
        .route("/api/conversations/send-message", post(h::send_message))
        .route(
            "/api/conversations/send-file-message",
            post(h::send_file_message),
        )
        .route("/api/conversations/send-note", post(h::send_note))
        .route("/api/conversations/unassigned", get(h::list_unassigned))
        .route("/api/conversations/unread", get(h::list_unread))
        .route("/api/conversations/not-answered", get(h::list_not_answered))
        .route("/api/conversations/get", get(h::get))
        .route("/api/operators/all", get(h::operators_all))
        .route("/api/operators/groups", get(h::operators_groups))
        .route("/sandbox/conversations/{id}/messages", get(h::messages))
        .route("/sandbox/customer-message", post(h::customer_message))
        .route("/api/{*rest}", any(h::not_found))
        .route("/sandbox/{*rest}", any(h::not_found))
        .with_state(state.clone());
    if let Some(faults) = faults.as_ref() {
        let fault_control = Router::new()
            .route(
                "/sandbox/faults",
                get(faults::list_faults)
                    .post(faults::post_faults)
                    .delete(faults::clear_faults),
            )
            .route(
                "/sandbox/requests",
                get(faults::request_counts).delete(faults::reset_counts),
            )
            .with_state(faults.clone());
        let fixture_control = Router::new()
            .route("/sandbox/fixtures", post(fixtures::post_fixtures))
            .with_state(state.clone());
        // No token on these: JSON only, and no other site's pages (control.rs).
        let guarded =
            fault_control
                .merge(fixture_control)
                .layer(axum::middleware::from_fn_with_state(
                    Arc::new(control::ControlGuard::new(cors_origins)),
                    control::guard_control,
                ));
        router = router.merge(guarded);
    }
    router = match static_dir {
        Some(dir) => router.fallback_service(web::static_service(dir)),
        None => router.route("/", get(h::root_hint)).fallback(h::not_found),
    };
    router = router.method_not_allowed_fallback(h::method_not_allowed);
    if let Some(faults) = faults {
        router = router.layer(axum::middleware::from_fn_with_state(
            faults,
            faults::fault_layer,
        ));
    }
    router
}

/// What the listener serves: the API router (also below `/proxy` with `--proxy`), wrapped in
/// CORS, the `Host` check, the security headers and the request log.
fn outer_app(
    config: &Config,
    api: Router,
    token_header: HeaderValue,
    cors: Option<CorsLayer>,
    hosts: hosts::HostAllowList,
) -> Router {
    let mut app = Router::new();
    if config.proxy {
        app = app.route(
            "/proxy/{*rest}",
            any(web::proxy).with_state(web::ProxyState {
                inner: api.clone(),
                token: token_header,
            }),
        );
    }
    let mut app = app.fallback_service(api);
    if let Some(cors) = cors {
        app = app.layer(cors);
    }
    let app = app.layer(axum::middleware::from_fn_with_state(
        Arc::new(hosts),
        hosts::check_host,
    ));
    web::with_security_headers(app).layer(axum::middleware::from_fn_with_state(
        log::LogState {
            sink: config.log_sink.clone(),
            token: Arc::from(config.token.as_str()),
        },
        log::log_requests,
    ))
}

/// Opens the database, seeds it if fresh, binds, and serves in the background.
pub async fn start(config: Config) -> Result<RunningServer, StartError> {
    let started = Instant::now();
    let database = Db::open(&config.db)?;
    let seeded = seed::seed(&database, config.seed.unwrap_or(SeedMode::Demo))?;
    let token_header = HeaderValue::from_str(&config.token)
        .map_err(|_| StartError::Config("the token must be a valid header value".into()))?;
    let cors = if config.cors_origins.is_empty() {
        None
    } else {
        Some(web::cors_layer(&config.cors_origins).map_err(StartError::Config)?)
    };
    if let Some(url) = config.webhook_url.as_deref()
        && !handlers::is_http_url(url)
    {
        return Err(StartError::Config(format!(
            "--webhook-url must be an absolute http(s) URL, got {url:?}"
        )));
    }
    let webhooks = config
        .webhook_url
        .clone()
        .map(|url| webhooks::Webhooks::new(url, config.webhook_backoff, config.log_sink.clone()));
    if seeded
        && config.seed.unwrap_or(SeedMode::Demo) == SeedMode::Demo
        && let Some(webhooks) = webhooks.as_ref()
    {
        webhooks.fire_sequence(replay::seeded_history(&database)?);
    }
    let state: Shared = Arc::new(AppState {
        db: database,
        token: config.token.clone(),
        webhooks,
        rng: Mutex::new(rng::Rng::from_time()),
    });
    let faults = config.faults.then(|| Arc::new(faults::Faults::default()));
    let api = api_router(
        state.clone(),
        faults,
        config.static_dir.as_ref(),
        &config.cors_origins,
    );

    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .map_err(|e| StartError::Bind(config.addr, e))?;
    let addr = listener
        .local_addr()
        .map_err(|e| StartError::Bind(config.addr, e))?;
    // Built once the real port is known: the allowed `Host` names carry it.
    let hosts =
        hosts::HostAllowList::new(addr, &config.public_hosts).map_err(StartError::Config)?;
    let app = outer_app(&config, api, token_header, cors, hosts);
    let (shutdown, shutdown_rx) = oneshot::channel::<()>();
    let join = tokio::spawn(async move {
        let service = app.into_make_service_with_connect_info::<SocketAddr>();
        let _ = axum::serve(listener, service)
            .with_graceful_shutdown(async move {
                let _ = shutdown_rx.await;
            })
            .await;
    });
    let (stop_background, stop_rx) = watch::channel(false);
    if let Some(every) = config.simulate.filter(|d| !d.is_zero()) {
        spawn_simulator(state.clone(), every, stop_rx, config.log_sink.clone());
    }
    Ok(RunningServer {
        addr,
        seeded,
        startup: started.elapsed(),
        state,
        shutdown,
        stop_background,
        join,
    })
}

fn spawn_simulator(state: Shared, every: Duration, mut stop: watch::Receiver<bool>, log: LogSink) {
    tokio::spawn(async move {
        let mut interval = tokio::time::interval(every);
        interval.tick().await;
        loop {
            tokio::select! {
                _ = interval.tick() => {
                    if let Err(e) = handlers::simulate_once(&state) {
                        log(&serde_json::json!({"simulate": "error", "error": e.to_string()}).to_string());
                    }
                }
                _ = stop.changed() => break,
            }
        }
    });
}
