//! What every handler shares: the keys, the upstream, the cache, the store, the metrics, the
//! change announcer and the settings.

use std::ops::Deref;
use std::sync::Arc;

use axum::extract::FromRef;
use tokio::sync::{Notify, watch};

use crate::auth::JwtKeys;
use crate::coalesce::Coalescer;
use crate::events::{Broadcast, ChangeSink};
use crate::listeners::Listeners;
use crate::logging::{LogFormat, LogSink};
use crate::metrics::Metrics;
use crate::store::SharedStore;
use crate::upstream::Upstream;

/// The shared state's contents.
pub struct AppState {
    /// Verifies browser tokens (and mints dev ones).
    pub keys: Arc<JwtKeys>,
    /// Blinger.
    pub upstream: Upstream,
    /// Shared GETs.
    pub coalescer: Coalescer,
    /// History and webhook queue.
    pub store: SharedStore,
    /// `/metrics`.
    pub metrics: Arc<Metrics>,
    /// The change log the event streams read (`GET /gateway/events`).
    pub broadcast: Arc<Broadcast>,
    /// Where changes are announced: `broadcast`, or a backend that relays to it.
    pub changes: Arc<dyn ChangeSink>,
    /// The operators with an open event stream (whose lists the poller watches).
    pub listeners: Arc<Listeners>,
    /// Turns `true` at shutdown: every event stream ends.
    pub stop_streams: watch::Receiver<bool>,
    /// The webhook path's secret; `None`: ingest off.
    pub webhook_secret: Option<String>,
    /// Wakes the webhook worker.
    pub wake: Notify,
    /// `POST /gateway/dev-token` is served.
    pub dev_login: bool,
    /// Where request lines go.
    pub log: LogSink,
    /// How they are written.
    pub log_format: LogFormat,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("upstream", &self.upstream)
            .field("dev_login", &self.dev_login)
            .finish_non_exhaustive()
    }
}

impl AppState {
    /// A conversation changed (through the gateway or a webhook): drop what is cached for it and
    /// the lists, and announce it (in the background; a failure is logged: the widgets'
    /// safety-net poll still finds the change).
    pub fn changed(&self, conversation: Option<u64>) {
        self.coalescer.invalidate(conversation);
        let Some(id) = conversation else {
            return;
        };
        // A task of its own: a handler whose client hangs up is dropped, and the change must be
        // announced all the same (and a POST need not wait for the database's change log).
        let changes = self.changes.clone();
        let log = self.log.clone();
        tokio::spawn(async move {
            if let Err(e) = changes.changed(id).await {
                log(&format!("change of conversation {id} not announced: {e}"));
            }
        });
    }
}

/// The router's state: cheap to clone.
#[derive(Clone, Debug)]
pub struct Shared(pub Arc<AppState>);

impl Deref for Shared {
    type Target = AppState;
    fn deref(&self) -> &AppState {
        &self.0
    }
}

impl FromRef<Shared> for Arc<JwtKeys> {
    fn from_ref(state: &Shared) -> Self {
        state.keys.clone()
    }
}
