//! Webhook ingest `POST /hooks/blinger/<secret>` and the worker behind it. The handler only
//! checks (404 for a wrong secret, in constant time; 413; 400 for non-JSON), writes the event to
//! the store's queue and answers 200: an acknowledged event is durable before Blinger hears
//! "ok". The worker then processes the queue in order, also what a previous run left pending.

use std::time::Duration;

use axum::body::Body;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use subtle::ConstantTimeEq;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::assumptions::WEBHOOK_MAX_ATTEMPTS;
use crate::auth::unix_now;
use crate::error::{GatewayError, ok};
use crate::request::read_limited;
use crate::state::Shared;
use crate::store::Disposition;
use crate::webhook_parse::{event_kind, event_name, parse};

fn now() -> i64 {
    i64::try_from(unix_now()).unwrap_or(i64::MAX)
}

/// Whether `given` is the configured secret (constant time in its content).
#[must_use]
pub fn secret_matches(expected: Option<&str>, given: &str) -> bool {
    expected.is_some_and(|e| bool::from(e.as_bytes().ct_eq(given.as_bytes())))
}

/// The ingest handler.
pub async fn ingest(
    State(state): State<Shared>,
    Path(secret): Path<String>,
    body: Body,
) -> Response {
    if !secret_matches(state.webhook_secret.as_deref(), &secret) {
        return GatewayError::NotFound.into_response();
    }
    let bytes = match read_limited(body).await {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    let Ok(value) = serde_json::from_slice::<Value>(&bytes) else {
        return GatewayError::BadRequest("The webhook body is not JSON".to_owned()).into_response();
    };
    let name = event_name(&value).unwrap_or("").to_owned();
    let known = event_kind(&name).is_some();
    state
        .metrics
        .webhook(if known { name.as_str() } else { "other" });
    let disposition = if known {
        Disposition::Pending
    } else {
        Disposition::Ignored
    };
    let payload = String::from_utf8_lossy(&bytes).into_owned();
    match state
        .store
        .enqueue_event(name, payload, disposition, now())
        .await
    {
        Ok(_) => {
            if known {
                state.wake.notify_one();
            }
            ok(json!({"queued": known}))
        }
        Err(e) => {
            (state.log)(&format!("webhook: not stored: {e}"));
            GatewayError::Store.into_response()
        }
    }
}

/// Processes every pending event, oldest first. Stops at the first store failure (the event
/// stays pending, counted, and is tried again at the next wake-up).
pub async fn process_pending(state: &Shared) {
    loop {
        let batch = match state.store.pending_events(100).await {
            Ok(batch) if !batch.is_empty() => batch,
            Ok(_) => return,
            Err(e) => {
                (state.log)(&format!("webhook queue: {e}"));
                return;
            }
        };
        let ids: Vec<i64> = batch.iter().map(|e| e.id).collect();
        for (n, event) in batch.into_iter().enumerate() {
            let value: Value = serde_json::from_str(&event.payload).unwrap_or(Value::Null);
            let parsed = event_name(&value)
                .and_then(event_kind)
                .map(|kind| parse(&value, kind, event.received_at))
                .unwrap_or_default();
            let conversation = parsed.conversation_id;
            match state.store.complete_event(event.id, parsed.messages).await {
                Ok(_) => state.changed(conversation),
                Err(e) => {
                    (state.log)(&format!("webhook {}: {e}", event.id));
                    let _ = state
                        .store
                        .fail_event(event.id, e.to_string(), WEBHOOK_MAX_ATTEMPTS)
                        .await;
                    // The rest of the batch goes back at once, in order, to whichever replica
                    // looks next (not after the claim runs out).
                    let rest = ids.get(n + 1..).unwrap_or_default().to_vec();
                    let _ = state.store.release_events(rest).await;
                    return;
                }
            }
        }
    }
}

/// How often the worker looks even without a wake-up (retries, pruning).
const IDLE: Duration = Duration::from_secs(5);

/// Starts the worker: processes what is pending now, then after every wake-up.
pub fn spawn_worker(state: Shared, mut stop: watch::Receiver<bool>) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut rounds: u64 = 0;
        loop {
            process_pending(&state).await;
            if rounds.is_multiple_of(60)
                && let Err(e) = state.store.prune_events(now()).await
            {
                (state.log)(&format!("webhook retention: {e}"));
            }
            rounds = rounds.wrapping_add(1);
            tokio::select! {
                () = state.wake.notified() => {}
                () = tokio::time::sleep(IDLE) => {}
                _ = stop.changed() => break,
            }
        }
    })
}
