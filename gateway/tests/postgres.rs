//! GATEWAY.md, "Second step": `--db postgres://…` on a real PostgreSQL (the distribution's
//! server, started by the test in a temporary directory): the store keeps each message once and
//! gives each webhook event to one replica; migrations are safe when replicas start at once; a
//! webhook into replica A reaches the event streams of replica B within a second with the same
//! id, and both serve the same history; a replica restarted mid-stream resumes from
//! `Last-Event-ID` without a gap or a duplicate; a relay whose LISTEN connection is killed
//! listens again and misses nothing.
#![allow(clippy::restriction)] // tests unwrap, index and panic

mod common;

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use blinger_api::MessageKind;
use blinger_gateway::events::ChangeSink;
use blinger_gateway::store::postgres::PgStore;
use blinger_gateway::store::sqlite::SqliteStore;
use blinger_gateway::store::{DbUrl, Disposition, KeyedMessage, NewMessage, Store};
use blinger_gateway::{Config, RunningGateway};
use common::pg::Postgres;
use common::sse::{Sse, Stream, customer_writes};
use common::{Setup, gateway_config};

const SEND: &str = "/api/conversations/send-message";

fn on(pg: &Postgres) -> impl FnOnce(Config) -> Config {
    let db = DbUrl::Postgres(pg.url("postgres"));
    move |c| Config { db, ..c }
}

/// Another replica on the same database, behind the same sandbox.
async fn replica(s: &Setup, pg: &Postgres) -> RunningGateway {
    let logs = Arc::new(Mutex::new(Vec::new()));
    let config = on(pg)(gateway_config(&s.sandbox.url(), &logs));
    blinger_gateway::start(config).await.unwrap()
}

/// PostgreSQL, the sandbox and replica A (the `Setup`'s gateway; webhooks go to it when
/// `webhooks`), and replica B on the same database. `None`: PostgreSQL is not installed.
async fn two_replicas(test: &str, webhooks: bool) -> Option<(Postgres, Setup, RunningGateway)> {
    let pg = Postgres::start(test)?;
    let s = Setup::start_with(webhooks, on(&pg)).await;
    let b = replica(&s, &pg).await;
    Some((pg, s, b))
}

/// An event stream of the gateway at `base`, past its `ready` (returned).
async fn ready_stream(s: &Setup, base: &str, token: &str) -> (Stream, Sse) {
    let mut stream = Stream::open_at(&s.http, base, token, None).await.unwrap();
    let ready = stream.expect("ready").await;
    (stream, ready)
}

fn seq(e: &Sse) -> u64 {
    e.json()["seq"].as_u64().unwrap()
}

fn reply(text: &str, at: i64) -> NewMessage {
    NewMessage {
        conversation_id: 7,
        kind: MessageKind::Message,
        text: Some(text.to_owned()),
        file_url: None,
        operator_id: Some(2),
        from_user_name: None,
        date_created: at,
    }
}

fn keyed(text: &str, at: i64, id: u64) -> KeyedMessage {
    KeyedMessage {
        message: reply(text, at),
        key: format!("id:{id}"),
    }
}

async fn event(s: &dyn Store) -> i64 {
    s.enqueue_event("e".into(), "{}".into(), Disposition::Pending, 0)
        .await
        .unwrap()
}

/// The dedupe rule of assumptions.rs ("each message once"), the same for every backend.
async fn keeps_each_message_once(s: &dyn Store) {
    assert!(s.record_send(reply("hi", 1000)).await.unwrap());
    for _ in 0..2 {
        let e = event(s).await;
        s.complete_event(e, vec![keyed("hi", 1002, 50)])
            .await
            .unwrap();
    }
    let e = event(s).await;
    s.complete_event(e, vec![keyed("ok", 2000, 51)])
        .await
        .unwrap();
    assert!(!s.record_send(reply("ok", 2001)).await.unwrap());
    assert!(s.record_send(reply("ok", 2003)).await.unwrap());
    let h = s.history(7).await.unwrap();
    let texts: Vec<_> = h.iter().map(|m| m.text.clone().unwrap()).collect();
    assert_eq!(texts, ["hi", "ok", "ok"]);
    assert_eq!(h[0].date_created, 1002, "Blinger's time wins");
    assert!(s.history(8).await.unwrap().is_empty());
    assert_eq!(s.pending_events(10).await.unwrap().len(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_stores_keep_each_message_once_and_replicas_never_share_an_event() {
    keeps_each_message_once(&SqliteStore::open(None).await.unwrap()).await;
    let Some(pg) = Postgres::start("postgres store") else {
        return;
    };
    let url = pg.url("postgres");
    // Two replicas starting at once: the migrations run once, neither fails.
    let (a, b) = tokio::join!(PgStore::open(&url), PgStore::open(&url));
    let (a, b) = (a.unwrap(), b.unwrap());
    let versions = pg.sql("SELECT count(*) FROM gateway_schema").await;
    assert_eq!(versions[0].get::<_, i64>(0), 1);
    // A third start finds nothing to do.
    PgStore::open(&url).await.unwrap();
    keeps_each_message_once(&a).await;
    assert_eq!(b.history(7).await.unwrap().len(), 3, "one database");

    // Concurrent claims: every pending event goes to exactly one replica.
    let mut ids = HashSet::new();
    for _ in 0..40 {
        ids.insert(event(&a).await);
    }
    let (x, y) = tokio::join!(a.pending_events(25), b.pending_events(25));
    let (x, y) = (x.unwrap(), y.unwrap());
    let xs: HashSet<i64> = x.iter().map(|e| e.id).collect();
    let ys: HashSet<i64> = y.iter().map(|e| e.id).collect();
    assert!(xs.is_disjoint(&ys), "{xs:?} {ys:?}");
    let claimed: HashSet<i64> = xs.union(&ys).copied().collect();
    assert_eq!(claimed.len(), 40);
    assert_eq!(claimed, ids);
    assert!(x.windows(2).all(|w| w[0].id < w[1].id), "in queue order");
    // Claimed events are not handed out again; a failed one is, at once, and so is the rest of
    // a batch the worker gave back.
    assert!(a.pending_events(100).await.unwrap().is_empty());
    a.fail_event(x[0].id, "boom".into(), 5).await.unwrap();
    let rest: Vec<i64> = x.iter().skip(1).map(|e| e.id).collect();
    a.release_events(rest.clone()).await.unwrap();
    let again = b.pending_events(100).await.unwrap();
    let again_ids: Vec<i64> = again.iter().map(|e| e.id).collect();
    assert_eq!(again_ids, [vec![x[0].id], rest].concat());
    assert_eq!(again[0].attempts, 1);
    // A late failure report for an event another replica finished changes nothing.
    b.complete_event(again[0].id, Vec::new()).await.unwrap();
    for _ in 0..5 {
        a.fail_event(again[0].id, "late".into(), 5).await.unwrap();
    }
    let states = pg
        .sql(&format!(
            "SELECT state, attempts FROM webhook_events WHERE id = {}",
            again[0].id
        ))
        .await;
    assert_eq!(states[0].get::<_, &str>(0), "done");
    assert_eq!(states[0].get::<_, i64>(1), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_webhook_into_replica_a_reaches_the_streams_of_replica_b() {
    let Some((_pg, s, b)) = two_replicas("two replicas", true).await else {
        return;
    };
    let token = s.jwt(2);
    let (mut on_b, ready_b) = ready_stream(&s, &b.url(), &token).await;
    let (mut on_a, ready_a) = ready_stream(&s, &s.gateway.url(), &token).await;
    // One log: the same epoch (the positions may differ by changes still on their way).
    let epoch = |e: &Sse| e.id.clone().unwrap().split('-').next().unwrap().to_owned();
    assert_eq!(epoch(&ready_a), epoch(&ready_b));

    let started = Instant::now();
    customer_writes(&s, "3", "hello from the client").await;
    let seen_b = on_b
        .until(3, Duration::from_secs(3))
        .await
        .expect("B sees it");
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_secs(1), "{elapsed:?}");
    let seen_a = on_a
        .until(3, Duration::from_secs(3))
        .await
        .expect("A sees it");
    assert_eq!(seen_a.id, seen_b.id, "the same event id on both replicas");

    // History recorded by A's webhook worker, served the same by B.
    let from_a = s.history_at(&s.gateway.url(), 3).await;
    assert!(
        from_a.iter().any(|m| m["text"] == "hello from the client"),
        "{from_a:?}"
    );
    assert_eq!(from_a, s.history_at(&b.url(), 3).await);

    // A send through B is announced on A's stream, and recorded once.
    let form = [("conversation_id", "3"), ("text", "on our way")];
    let (status, body) = s.post_form_at(&b.url(), 2, SEND, &form).await;
    assert_eq!(status, 200, "{body}");
    assert!(on_a.until(3, Duration::from_secs(3)).await.is_some());
    let sends = |h: &[serde_json::Value]| h.iter().filter(|m| m["text"] == "on our way").count();
    s.eventually("the send's webhook matched to the send", || async {
        sends(&s.history(3).await) == 1
    })
    .await;
    let h = s.history_at(&b.url(), 3).await;
    assert_eq!(sends(&h), 1, "{h:?}");
    b.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changes_announced_at_once_on_two_replicas_reach_every_stream_in_one_order() {
    // No webhooks: the only changes are the test's own.
    let Some((pg, s, b)) = two_replicas("concurrent changes", false).await else {
        return;
    };
    let token = s.jwt(2);
    let (mut on_a, ready_a) = ready_stream(&s, &s.gateway.url(), &token).await;
    let (mut on_b, _) = ready_stream(&s, &b.url(), &token).await;
    let start = seq_of_ready(&ready_a);
    let url = pg.url("postgres");
    let (x, y) = tokio::join!(PgStore::open(&url), PgStore::open(&url));
    let (x, y) = (x.unwrap().changes(), y.unwrap().changes());
    let announce = |sink: blinger_gateway::store::postgres::changes::PgChanges, base: u64| async move {
        for i in 0..25 {
            sink.changed(base + i).await.unwrap();
        }
    };
    tokio::join!(announce(x, 1000), announce(y, 2000));
    for stream in [&mut on_a, &mut on_b] {
        let events = stream.drain(Duration::from_millis(1500)).await;
        let seqs: Vec<u64> = events.iter().map(seq).collect();
        let expected: Vec<u64> = (start + 1..=start + 50).collect();
        assert_eq!(seqs, expected, "every change once, in the database's order");
        let mut from_x: Vec<u64> = events
            .iter()
            .map(|e| e.json()["conversation_id"].as_u64().unwrap())
            .filter(|c| *c < 2000)
            .collect();
        let sorted = {
            let mut v = from_x.clone();
            v.sort_unstable();
            v
        };
        assert_eq!(from_x, sorted, "one sender's changes keep their order");
        from_x.dedup();
        assert_eq!(from_x.len(), 25);
    }
    b.shutdown().await;
}

fn seq_of_ready(e: &Sse) -> u64 {
    e.id.as_deref()
        .unwrap()
        .rsplit('-')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replica_restarted_mid_stream_resumes_without_gap_or_duplicate() {
    let Some((pg, s, b)) = two_replicas("replica restart", true).await else {
        return;
    };
    let token = s.jwt(2);
    let (mut on_a, _) = ready_stream(&s, &s.gateway.url(), &token).await;
    let b_url = b.url();
    let (mut on_b, _) = ready_stream(&s, &b_url, &token).await;
    customer_writes(&s, "3", "first").await;
    let last = on_b.until(3, Duration::from_secs(3)).await.unwrap();
    let last_id = last.id.clone().unwrap();

    // B goes away mid-stream; changes go on through A.
    b.shutdown().await;
    assert!(on_b.ends_within(Duration::from_secs(3)).await);
    customer_writes(&s, "4", "while B was down").await;
    customer_writes(&s, "5", "still down").await;
    on_a.until(5, Duration::from_secs(3)).await.unwrap();

    // B comes back (same address, as behind a load balancer); the stream resumes from its id.
    let logs = Arc::new(Mutex::new(Vec::new()));
    let config = Config {
        addr: b_url.trim_start_matches("http://").parse().unwrap(),
        ..on(&pg)(gateway_config(&s.sandbox.url(), &logs))
    };
    let b = blinger_gateway::start(config).await.unwrap();
    let mut resumed = Stream::open_at(&s.http, &b.url(), &token, Some(&last_id))
        .await
        .unwrap();
    let ready = resumed.expect("ready").await;
    assert_eq!(ready.id.as_deref(), Some(last_id.as_str()));
    customer_writes(&s, "6", "B is back").await;
    let mut seqs = Vec::new();
    let mut conversations = Vec::new();
    while let Some(e) = resumed.next(Duration::from_secs(3)).await {
        assert_eq!(e.event, "changed", "{e:?}");
        seqs.push(seq(&e));
        conversations.push(e.json()["conversation_id"].as_u64().unwrap());
        if conversations.contains(&6) {
            break;
        }
    }
    let expected: Vec<u64> = (seq(&last) + 1..=seq(&last) + seqs.len() as u64).collect();
    assert_eq!(
        seqs, expected,
        "consecutive from the last id: no gap, no duplicate"
    );
    for c in [4, 5, 6] {
        assert!(conversations.contains(&c), "{c} in {conversations:?}");
    }
    assert!(!conversations.is_empty() && seqs[0] == seq(&last) + 1);
    b.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_relay_whose_connection_is_killed_listens_again_and_misses_nothing() {
    // No webhooks: the only changes are the test's own.
    let Some((pg, s, b)) = two_replicas("relay reconnect", false).await else {
        return;
    };
    let token = s.jwt(2);
    let (mut on_b, _) = ready_stream(&s, &b.url(), &token).await;
    let changes = PgStore::open(&pg.url("postgres")).await.unwrap().changes();
    for round in 0..2 {
        // Both relays listening (they connect in the background, and again after each kill).
        s.eventually("two relays listening", || async {
            let n = pg
                .sql(
                    "SELECT count(*) FROM pg_stat_activity \
                     WHERE application_name = 'blinger-gateway-relay'",
                )
                .await;
            n[0].get::<_, i64>(0) == 2
        })
        .await;
        let killed = pg
            .sql(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                 WHERE application_name = 'blinger-gateway-relay'",
            )
            .await;
        assert_eq!(killed.len(), 2, "one relay per replica (round {round})");
        // Announced while the relays are away (they wait 100 ms before listening again), and
        // nothing after it: only reading the table after LISTEN can find it.
        let conversation = 900 + round;
        changes.changed(conversation).await.unwrap();
        let e = on_b.until(conversation, Duration::from_secs(5)).await;
        assert!(
            e.is_some(),
            "round {round}: the change arrives after the relay reconnects"
        );
        // And the live path works again.
        changes.changed(conversation + 10).await.unwrap();
        assert!(
            on_b.until(conversation + 10, Duration::from_secs(2))
                .await
                .is_some()
        );
    }
    b.shutdown().await;
}
