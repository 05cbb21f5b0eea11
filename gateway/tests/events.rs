//! GATEWAY.md, "Second step": `GET /gateway/events`. Server-Sent Events authenticated by the
//! browser token; a `changed` event for each webhook and each action through the gateway;
//! `Last-Event-ID` resumes without a gap or a duplicate; an id that cannot be served gets
//! `resync`; the stream ends when its token expires and when the gateway shuts down; `/metrics`
//! counts the open streams.
#![allow(clippy::restriction)] // tests unwrap, index and panic

mod common;

use std::time::{Duration, Instant};

use common::Setup;
use common::sse::{Sse, Stream, customer_writes};

const SEND: &str = "/api/conversations/send-message";

#[tokio::test]
async fn the_stream_needs_a_valid_token() {
    let s = Setup::start(false).await;
    assert_eq!(Stream::open(&s, "", None).await.err(), Some(401));
    assert_eq!(Stream::open(&s, "not-a-jwt", None).await.err(), Some(401));
    // Expired (still within the JWT leeway): a 401, not a stream that ends before its first event.
    let expired = s
        .gateway
        .mint(2, blinger_gateway::auth::Role::Operator, 0)
        .unwrap();
    assert_eq!(Stream::open(&s, &expired, None).await.err(), Some(401));
    let mut stream = Stream::open(&s, &s.jwt(2), None).await.unwrap();
    let ready = stream.expect("ready").await;
    assert!(ready.id.is_some());
    assert_eq!(ready.json(), serde_json::json!({}));
}

#[tokio::test]
async fn a_webhook_and_a_send_through_the_gateway_each_push_changed_at_once() {
    let s = Setup::start(true).await;
    let mut stream = Stream::open(&s, &s.jwt(2), None).await.unwrap();
    stream.expect("ready").await;
    let started = Instant::now();
    customer_writes(&s, "3", "is anyone there?").await;
    let e = stream
        .until(3, Duration::from_secs(3))
        .await
        .expect("a changed event for the webhook");
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    let first_seq = e.json()["seq"].as_u64().unwrap();
    assert!(e.id.as_deref().unwrap().ends_with(&format!("-{first_seq}")));

    let (status, _) = s
        .post_form(2, SEND, &[("conversation_id", "5"), ("text", "on our way")])
        .await;
    assert_eq!(status, 200);
    let e = stream
        .until(5, Duration::from_secs(3))
        .await
        .expect("a changed event for the send");
    assert!(e.json()["seq"].as_u64().unwrap() > first_seq);
}

#[tokio::test]
async fn metrics_count_the_open_streams() {
    let s = Setup::start(false).await;
    let open = |s: &Setup| s.gateway.metrics().render();
    let mut stream = Stream::open(&s, &s.jwt(2), None).await.unwrap();
    stream.expect("ready").await;
    assert_eq!(s.gateway.metrics().open_streams(), 1);
    assert!(
        open(&s).contains("blinger_gateway_event_streams 1"),
        "{}",
        open(&s)
    );
    assert!(open(&s).contains("blinger_gateway_stream_events_total{event=\"ready\"} 1"));
    drop(stream);
    let end = Instant::now() + Duration::from_secs(5);
    while s.gateway.metrics().open_streams() != 0 {
        assert!(Instant::now() < end, "the closed stream is still counted");
        // The server notices a closed client at its next write: make one.
        let _ = s
            .post_form(2, SEND, &[("conversation_id", "5"), ("text", "tick")])
            .await;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn last_event_id_resumes_without_a_gap_or_a_duplicate() {
    let s = Setup::start(false).await;
    let token = s.jwt(2);
    // A watcher that never disconnects: the truth.
    let mut watcher = Stream::open(&s, &token, None).await.unwrap();
    watcher.expect("ready").await;
    let mut client = Stream::open(&s, &token, None).await.unwrap();
    client.expect("ready").await;
    for i in 0..3 {
        s.post_form(
            2,
            SEND,
            &[("conversation_id", "5"), ("text", &format!("a{i}"))],
        )
        .await;
    }
    let mut last = None;
    for _ in 0..3 {
        last = client.until(5, Duration::from_secs(3)).await.unwrap().id;
    }
    drop(client);
    // Changes while the client is away.
    for i in 0..4 {
        s.post_form(
            2,
            SEND,
            &[("conversation_id", "6"), ("text", &format!("b{i}"))],
        )
        .await;
    }
    let mut client = Stream::open(&s, &token, last.as_deref()).await.unwrap();
    let ready = client.expect("ready").await;
    // Then live again.
    let (status, _) = s
        .post_form(2, SEND, &[("conversation_id", "3"), ("text", "c")])
        .await;
    assert_eq!(status, 200);
    let resumed = client.drain(Duration::from_millis(800)).await;
    let truth = watcher.drain(Duration::from_millis(300)).await;
    let ids = |v: &[Sse]| -> Vec<String> {
        v.iter()
            .filter(|e| e.event == "changed")
            .map(|e| e.id.clone().unwrap())
            .collect()
    };
    let truth_ids = ids(&truth);
    let at = truth_ids
        .iter()
        .position(|id| Some(id) == last.as_ref())
        .expect("the watcher saw the client's last id");
    assert_eq!(
        ids(&resumed),
        truth_ids[at + 1..].to_vec(),
        "exactly what came after"
    );
    assert!(resumed.iter().all(|e| e.event == "changed"), "{resumed:?}");
    // Until the replay arrives, a reconnect must resume from the client's own id again.
    assert_eq!(ready.id, last);
    assert!(
        resumed.iter().any(|e| e.json()["conversation_id"] == 3),
        "live after the replay"
    );
}

#[tokio::test]
async fn an_id_from_another_epoch_resyncs_and_junk_starts_fresh() {
    let s = Setup::start(false).await;
    let token = s.jwt(2);
    let mut stream = Stream::open(&s, &token, Some("1-5")).await.unwrap();
    stream.expect("ready").await;
    stream.expect("resync").await;
    let mut stream = Stream::open(&s, &token, Some("'; DROP TABLE--"))
        .await
        .unwrap();
    stream.expect("ready").await;
    s.post_form(2, SEND, &[("conversation_id", "5"), ("text", "x")])
        .await;
    let e = stream.until(5, Duration::from_secs(3)).await;
    assert!(e.is_some(), "a junk id is a fresh start, not a resync");
}

#[tokio::test]
async fn the_stream_ends_when_its_token_expires() {
    let s = Setup::start(false).await;
    let token = s
        .gateway
        .mint(2, blinger_gateway::auth::Role::Operator, 2)
        .unwrap();
    let mut stream = Stream::open(&s, &token, None).await.unwrap();
    stream.expect("ready").await;
    assert!(stream.ends_within(Duration::from_secs(5)).await);
}

#[tokio::test]
async fn shutdown_ends_open_streams_and_completes() {
    let s = Setup::start(false).await;
    let mut stream = Stream::open(&s, &s.jwt(2), None).await.unwrap();
    stream.expect("ready").await;
    let Setup { gateway, .. } = s;
    let started = Instant::now();
    let (_, ended) = tokio::join!(
        tokio::time::timeout(Duration::from_secs(5), gateway.shutdown()),
        stream.ends_within(Duration::from_secs(5))
    );
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(ended, "the stream ended with the gateway");
}

/// Without a webhook secret the gateway polls the lists itself while streams are open.
async fn polling_gateway() -> Setup {
    Setup::start_with(false, |c| blinger_gateway::Config {
        webhook_secret: None,
        poll: Duration::from_millis(200),
        coalesce: Duration::ZERO,
        ..c
    })
    .await
}

#[tokio::test]
async fn without_webhooks_the_gateway_polls_and_pushes_the_change() {
    let s = polling_gateway().await;
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(
        s.upstream_count("/api/conversations/unassigned").await,
        0,
        "no stream open: no polling"
    );
    let token = s.jwt(2);
    let mut streams = Vec::new();
    for _ in 0..3 {
        let mut st = Stream::open(&s, &token, None).await.unwrap();
        st.expect("ready").await;
        streams.push(st);
    }
    tokio::time::sleep(Duration::from_millis(500)).await; // the baseline
    // An unassigned conversation and one in operator 2's inbox, written to by their clients
    // (the sandbox sends no webhook: none is configured).
    let started = Instant::now();
    customer_writes(&s, "3", "still waiting").await;
    for st in &mut streams {
        let e = st.until(3, Duration::from_secs(3)).await;
        assert!(e.is_some(), "every stream hears of it");
    }
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    let unread_before = s.upstream_count("/api/conversations/unread").await;
    let lists_before = s.upstream_count("/api/conversations/unassigned").await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let unread = s.upstream_count("/api/conversations/unread").await - unread_before;
    let lists = s.upstream_count("/api/conversations/unassigned").await - lists_before;
    // Three tabs of one operator: one poll per round (about 5 in a second), not three.
    assert!(
        (3..=7).contains(&lists),
        "unassigned polled {lists} times in 1 s"
    );
    assert!(
        (3..=7).contains(&unread),
        "unread polled {unread} times in 1 s"
    );
    // Quiet lists: no events.
    let quiet = streams[0].drain(Duration::from_millis(700)).await;
    assert!(quiet.is_empty(), "{quiet:?}");
}

#[tokio::test]
async fn an_operator_who_reconnects_hears_what_changed_in_their_lists_while_away() {
    let s = polling_gateway().await;
    // Operator 3 stays online, so the poller keeps running while operator 2 is away.
    let mut other = Stream::open(&s, &s.jwt(3), None).await.unwrap();
    other.expect("ready").await;
    let mut away = Stream::open(&s, &s.jwt(2), None).await.unwrap();
    away.expect("ready").await;
    tokio::time::sleep(Duration::from_millis(500)).await; // the baselines
    drop(away);
    // The gateway notices a closed stream at its next write: make one.
    let end = Instant::now() + Duration::from_secs(5);
    while s.gateway.metrics().open_streams() != 1 {
        assert!(Instant::now() < end, "the closed stream is still counted");
        s.post_form(3, SEND, &[("conversation_id", "5"), ("text", "tick")])
            .await;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_millis(600)).await; // rounds without operator 2
    // Conversation 21 is only in operator 2's not-answered list (the demo seed).
    customer_writes(&s, "21", "are you there?").await;
    tokio::time::sleep(Duration::from_millis(600)).await;
    let mut back = Stream::open(&s, &s.jwt(2), None).await.unwrap();
    back.expect("ready").await;
    let e = back.until(21, Duration::from_secs(3)).await;
    assert!(
        e.is_some(),
        "the change while away is announced when they are back"
    );
}
