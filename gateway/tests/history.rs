//! GATEWAY.md, "History" and "Webhooks": the history from the sandbox's webhooks and from sends
//! through the gateway, each message once (redelivered, reordered, backfilled), durable across a
//! restart with the same SQLite file; the ingest's edge cases.
#![allow(clippy::restriction)] // tests unwrap, index and panic

mod common;

use std::sync::{Arc, Mutex};

use blinger_gateway::store::DbUrl;
use common::{HOOK_SECRET, JsonBody, Setup, gateway_config};
use serde_json::{Value, json};

const SEND: &str = "/api/conversations/send-message";

fn texts(h: &[Value]) -> Vec<String> {
    h.iter()
        .map(|m| {
            m["text"]
                .as_str()
                .or(m["file_url"].as_str())
                .unwrap_or("")
                .to_owned()
        })
        .collect()
}

fn count(h: &[Value], text: &str) -> usize {
    texts(h).iter().filter(|t| *t == text).count()
}

#[tokio::test]
async fn sends_and_webhooks_from_the_sandbox_make_one_entry_each() {
    let s = Setup::start(true).await;
    assert!(s.history(999).await.is_empty(), "never seen: data []");
    let (status, _) = s
        .post_form(2, SEND, &[("conversation_id", "1"), ("text", "our reply")])
        .await;
    assert_eq!(status, 200);
    let (status, _) = s
        .post_form(
            2,
            "/api/conversations/send-note",
            &[("conversation_id", "1"), ("text", "our note")],
        )
        .await;
    assert_eq!(status, 200);
    // a client writes (webhook only)
    let r = s
        .http
        .post(format!("{}/sandbox/customer-message", s.sandbox.url()))
        .header("Authentication", common::ACCOUNT_TOKEN)
        .form(&[("conversation_id", "1"), ("text", "client says hi")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    s.eventually("the client's message and our reply's webhook", || async {
        let h = s.history(1).await;
        count(&h, "client says hi") == 1
            && s.gateway
                .metrics()
                .render()
                .contains("event=\"on_outgoing_message\"")
    })
    .await;
    // closing backfills every message of the conversation
    let (status, _) = s
        .post_form(2, "/api/conversations/close", &[("conversation_id", "1")])
        .await;
    assert_eq!(status, 200);
    let truth = s.sandbox_history(1).await;
    s.eventually("the closed conversation's backfill", || async {
        s.history(1).await.len() == truth.len()
    })
    .await;
    let h = s.history(1).await;
    assert_eq!(
        texts(&h),
        texts(&truth),
        "the same messages, in order, once each"
    );
    let kinds: Vec<_> = h.iter().map(|m| m["kind"].clone()).collect();
    let truth_kinds: Vec<_> = truth.iter().map(|m| m["kind"].clone()).collect();
    assert_eq!(kinds, truth_kinds);
    let reply = h.iter().find(|m| m["text"] == "our reply").unwrap();
    assert_eq!(reply["operator_id"], 2);
    assert_eq!(reply["conversation_id"], 1);
    for key in [
        "id",
        "conversation_id",
        "kind",
        "text",
        "file_url",
        "operator_id",
        "from_user_name",
        "date_created",
    ] {
        assert!(reply.get(key).is_some(), "{key}");
    }
}

#[tokio::test]
async fn a_gateway_beside_a_fresh_demo_sandbox_has_the_seeded_history() {
    let s = Setup::start(true).await;
    // conversation 7 is closed in the demo (its backfill carries the notes too); 3 is open
    let closed = s.sandbox_history(7).await;
    let open: Vec<Value> = s
        .sandbox_history(3)
        .await
        .into_iter()
        .filter(|m| m["kind"] != "note")
        .collect();
    assert!(
        closed.iter().any(|m| m["kind"] == "note"),
        "the test could fail"
    );
    s.eventually("the replayed history", || async {
        s.history(7).await.len() == closed.len() && s.history(3).await.len() == open.len()
    })
    .await;
    let h = s.history(7).await;
    assert_eq!(texts(&h), texts(&closed));
    for (ours, theirs) in h.iter().zip(&closed) {
        for key in ["kind", "operator_id", "date_created", "from_user_name"] {
            assert_eq!(ours[key], theirs[key], "{key} of {ours} / {theirs}");
        }
    }
    assert_eq!(texts(&s.history(3).await), texts(&open));
}

fn outgoing(id: u64, text: &str, at: i64) -> Value {
    json!({
        "webhook": "on_outgoing_message",
        "conversation": {"id": 5, "from_user_name": "Ann"},
        "operator": {"id": 2},
        "message": {"id": id, "conversation_id": 5, "type": "message", "text": text,
                    "operator_id": 2, "date_created": at}
    })
}

#[tokio::test]
async fn redelivered_and_reordered_webhooks_are_one_entry() {
    let s = Setup::start(false).await;
    let now = blinger_gateway::auth::unix_now() as i64;
    // webhook first (twice), then our own send of the same text
    assert_eq!(s.hook(&outgoing(900, "webhook first", now)).await, 200);
    assert_eq!(s.hook(&outgoing(900, "webhook first", now)).await, 200);
    s.eventually("the webhook", || async {
        count(&s.history(5).await, "webhook first") == 1
    })
    .await;
    let (status, _) = s
        .post_form(
            2,
            SEND,
            &[("conversation_id", "5"), ("text", "webhook first")],
        )
        .await;
    assert_eq!(status, 200);
    // our send first, then its webhook (twice)
    let (status, _) = s
        .post_form(2, SEND, &[("conversation_id", "5"), ("text", "send first")])
        .await;
    assert_eq!(status, 200);
    assert_eq!(s.hook(&outgoing(901, "send first", now + 1)).await, 200);
    assert_eq!(s.hook(&outgoing(901, "send first", now + 1)).await, 200);
    // and an incoming message, then a backfill that repeats everything
    let incoming = json!({"webhook": "on_incoming_message", "conversation": {"id": 5, "from_user_name": "Ann"},
        "message": {"id": 902, "text": "from the client", "date_created": now + 2}});
    assert_eq!(s.hook(&incoming).await, 200);
    let closed = json!({"webhook": "on_conversation_closed", "conversation": {"id": 5, "from_user_name": "Ann"},
    "messages": [
        {"id": 900, "type": "message", "text": "webhook first", "operator_id": 2, "date_created": now},
        {"id": 901, "type": "message", "text": "send first", "operator_id": 2, "date_created": now + 1},
        {"id": 902, "type": "client", "text": "from the client", "from_blinger_user_id": 7, "date_created": now + 2},
    ]});
    assert_eq!(s.hook(&closed).await, 200);
    assert_eq!(s.hook(&closed).await, 200);
    s.eventually("all events processed", || async {
        count(&s.history(5).await, "from the client") == 1
    })
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let h = s.history(5).await;
    assert_eq!(
        texts(&h),
        ["webhook first", "send first", "from the client"],
        "{h:?}"
    );
    assert_eq!(h[2]["kind"], "client");
    assert_eq!(h[2]["from_user_name"], "Ann");
}

#[tokio::test]
async fn webhook_edge_cases() {
    let s = Setup::start(false).await;
    let post = |path: String, body: Vec<u8>| {
        let http = s.http.clone();
        async move {
            http.post(path)
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await
                .unwrap()
        }
    };
    let good = serde_json::to_vec(&outgoing(1, "x", 1)).unwrap();
    let r = post(s.gw("/hooks/blinger/wrong-secret"), good.clone()).await;
    assert_eq!(r.status(), 404);
    let r = post(
        s.gw(&format!("/hooks/blinger/{HOOK_SECRET}x")),
        good.clone(),
    )
    .await;
    assert_eq!(r.status(), 404);
    let r = post(
        s.gw(&format!("/hooks/blinger/{HOOK_SECRET}")),
        vec![b' '; 1024 * 1024 + 1],
    )
    .await;
    assert_eq!(r.status(), 413);
    let r = post(
        s.gw(&format!("/hooks/blinger/{HOOK_SECRET}")),
        b"{not json".to_vec(),
    )
    .await;
    assert_eq!(r.status(), 400);
    assert_eq!(
        s.hook(&json!({"webhook": "on_something_new", "conversation": {"id": 9}}))
            .await,
        200
    );
    assert_eq!(s.hook(&json!([1, 2])).await, 200);
    let metrics = s.gateway.metrics().render();
    assert!(
        metrics.contains("blinger_gateway_webhook_events_total{event=\"other\"} 2"),
        "{metrics}"
    );
    assert!(s.history(9).await.is_empty());
    // the secret never reaches the log
    assert!(!s.log_text().contains(HOOK_SECRET), "{}", s.log_text());
    assert!(s.log_text().contains("/hooks/blinger/{secret}"));
    // without --webhook-secret the ingest does not exist
    let off = Setup::start_with(false, |c| blinger_gateway::Config {
        webhook_secret: None,
        ..c
    })
    .await;
    assert_eq!(off.hook(&outgoing(1, "x", 1)).await, 404);
}

#[tokio::test]
async fn acknowledged_events_and_history_survive_a_restart() {
    let dir = std::env::temp_dir().join(format!(
        "gw-restart-{}-{}",
        std::process::id(),
        blinger_gateway::auth::unix_now()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let db = DbUrl::SqliteFile(dir.join("gw.sqlite").display().to_string());
    let s = Setup::start(false).await;
    let logs = Arc::new(Mutex::new(Vec::new()));
    let config = || blinger_gateway::Config {
        db: db.clone(),
        ..gateway_config(&s.sandbox.url(), &logs)
    };
    // first run: a send recorded; an event acknowledged but not processed (worker off)
    let first = blinger_gateway::start(blinger_gateway::Config {
        process_webhooks: false,
        ..config()
    })
    .await
    .unwrap();
    let jwt = first
        .mint(2, blinger_gateway::auth::Role::Operator, 60)
        .unwrap();
    let r = s
        .http
        .post(format!("{}{SEND}", first.url()))
        .header("Authentication", &jwt)
        .form(&[("conversation_id", "1"), ("text", "before restart")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = s
        .http
        .post(format!("{}/hooks/blinger/{HOOK_SECRET}", first.url()))
        .json(
            &json!({"webhook": "on_incoming_message", "conversation": {"id": 1},
                      "message": {"id": 77, "text": "acknowledged only", "date_created": 5}}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    first.shutdown().await;
    // second run, same file: the pending event is processed, the send is still there
    let second = blinger_gateway::start(config()).await.unwrap();
    let jwt = second
        .mint(2, blinger_gateway::auth::Role::Operator, 60)
        .unwrap();
    let mut h = Vec::new();
    for _ in 0..100 {
        let body: Value = s
            .http
            .get(format!("{}/gateway/conversations/1/messages", second.url()))
            .header("Authentication", &jwt)
            .json_body()
            .await;
        h = body["data"].as_array().unwrap().clone();
        if h.len() == 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(texts(&h), ["acknowledged only", "before restart"]);
    second.shutdown().await;
    let _ = std::fs::remove_dir_all(&dir);
}
