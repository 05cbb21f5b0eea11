//! `--webhook-url` with a fresh `--seed demo`: the seeded history is delivered as webhooks, in
//! order, also to a receiver that comes up after the sandbox.
#![allow(clippy::restriction)] // tests unwrap, index and panic

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use blinger_sandbox::{Config, SeedMode};
use serde_json::Value;

#[derive(Clone, Default)]
struct Receiver {
    events: Arc<Mutex<Vec<Value>>>,
    up: Arc<Mutex<bool>>,
}

async fn receive(State(rx): State<Receiver>, body: axum::Json<Value>) -> StatusCode {
    if !*rx.up.lock().unwrap() {
        return StatusCode::SERVICE_UNAVAILABLE;
    }
    rx.events.lock().unwrap().push(body.0);
    StatusCode::OK
}

#[tokio::test]
async fn a_fresh_demo_seed_is_replayed_as_webhooks() {
    let rx = Receiver::default();
    let app = Router::new()
        .route("/hook", post(receive))
        .with_state(rx.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let server = blinger_sandbox::start(Config {
        webhook_url: Some(url),
        webhook_backoff: Duration::from_millis(20),
        ..Config::for_tests(SeedMode::Demo)
    })
    .await
    .unwrap();
    assert!(server.seeded);
    tokio::time::sleep(Duration::from_millis(300)).await;
    *rx.up.lock().unwrap() = true; // the receiver "starts" late

    // what the seed wrote: every client/reply/file message, and the closed conversations
    let (live, closed) = {
        let conn = server.db().lock();
        let live: usize = conn
            .query_row(
                "SELECT COUNT(*) FROM messages WHERE kind != 'note'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        let closed: usize = conn
            .query_row(
                "SELECT COUNT(*) FROM conversations WHERE status = 'closed'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        (live, closed)
    };
    assert!(closed > 0);
    let started = Instant::now();
    while rx.events.lock().unwrap().len() < live + closed
        && started.elapsed() < Duration::from_secs(60)
    {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let events = rx.events.lock().unwrap().clone();
    assert_eq!(events.len(), live + closed);
    let names = |n: &str| events.iter().filter(|e| e["webhook"] == n).count();
    assert_eq!(names("on_conversation_closed"), closed);
    assert_eq!(
        names("on_incoming_message") + names("on_outgoing_message"),
        live
    );
    let times: Vec<i64> = events[..live]
        .iter()
        .map(|e| e["message"]["date_created"].as_i64().unwrap())
        .collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "oldest first");
    let out = events
        .iter()
        .find(|e| e["webhook"] == "on_outgoing_message")
        .unwrap();
    assert!(out["operator"]["id"].is_i64());
    let backfill = events
        .iter()
        .find(|e| e["webhook"] == "on_conversation_closed")
        .unwrap();
    let id = backfill["conversation"]["id"].as_i64().unwrap();
    assert_eq!(
        backfill["messages"].as_array().unwrap().len(),
        server.db().messages(id).unwrap().len()
    );
    server.shutdown().await;
}
