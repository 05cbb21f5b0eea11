//! GATEWAY.md, coalescing, bounded concurrency, and Blinger down (502) or slow (504);
//! `/healthz`, `/metrics`, the static app's headers, the dev login.
#![allow(clippy::restriction)] // tests unwrap, index and panic

mod common;

use std::time::Duration;

use blinger_gateway::upstream::Limits;
use common::{JsonBody, Setup};
use serde_json::{Value, json};

const LIST: &str = "/api/conversations/unassigned";

#[tokio::test]
async fn twenty_concurrent_identical_gets_cost_blinger_at_most_two_requests() {
    let s = Setup::start(false).await;
    // slow the list a little so the twenty overlap
    s.arm_fault(json!({"path": LIST, "delay_ms": 200, "count": 1}))
        .await;
    s.reset_counts().await;
    let tasks: Vec<_> = (0..20)
        .map(|i| {
            let http = s.http.clone();
            let url = s.gw(LIST);
            let jwt = s.jwt(1 + i % 4); // four different operators share the unassigned list
            tokio::spawn(async move {
                let r = http
                    .get(url)
                    .header("Authentication", jwt)
                    .send()
                    .await
                    .unwrap();
                (r.status().as_u16(), r.json::<Value>().await.unwrap())
            })
        })
        .collect();
    let mut bodies = Vec::new();
    for t in tasks {
        let (status, body) = t.await.unwrap();
        assert_eq!(status, 200);
        bodies.push(body);
    }
    assert!(bodies.windows(2).all(|w| w[0] == w[1]));
    let upstream = s.upstream_count(LIST).await;
    assert!((1..=2).contains(&upstream), "upstream requests: {upstream}");
    assert!(s.gateway.metrics().coalesced_hits() >= 18);
    // within the window: cached; after a POST on a conversation: fetched again
    let _ = s.get(2, LIST).await;
    assert_eq!(s.upstream_count(LIST).await, upstream);
    let (status, _) = s
        .post_form(2, "/api/conversations/start", &[("conversation_id", "1")])
        .await;
    assert_eq!(status, 200);
    let (_, after) = s.get(2, LIST).await;
    assert_eq!(s.upstream_count(LIST).await, upstream + 1);
    assert!(
        after["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["id"] != 1),
        "fresh after the action"
    );
    // per-operator lists are not shared between operators
    s.reset_counts().await;
    let _ = s.get(2, "/api/conversations/unread").await;
    let _ = s.get(3, "/api/conversations/unread").await;
    assert_eq!(s.upstream_count("/api/conversations/unread").await, 2);
}

#[tokio::test]
async fn blinger_down_is_502_and_slow_is_504() {
    let closed = common::free_port(); // nothing listens there
    let s = Setup::start_with(false, |c| blinger_gateway::Config {
        limits: Limits {
            timeout: Duration::from_millis(700),
            ..c.limits
        },
        ..c
    })
    .await;
    s.arm_fault(json!({"path": "/api/conversations/get", "delay_ms": 2000, "count": 1}))
        .await;
    let started = std::time::Instant::now();
    let (status, body) = s.get(2, "/api/conversations/get?conversation_id=1").await;
    assert_eq!(status, 504, "{body}");
    assert_eq!(body["status"], 504);
    assert!(started.elapsed() < Duration::from_millis(1800));
    // a garbage (non-JSON) upstream answer is never passed on
    s.arm_fault(json!({"path": "/api/operators/all", "status": 502, "body": "html", "count": 1}))
        .await;
    let (status, body) = s.get(2, "/api/operators/all").await;
    assert_eq!(status, 502);
    assert_eq!(body["status"], 502);
    // Blinger's own error statuses and Retry-After pass through
    s.arm_fault(
        json!({"path": "/api/operators/groups", "status": 429, "retry_after": 7, "count": 1}),
    )
    .await;
    let r = s
        .http
        .get(s.gw("/api/operators/groups"))
        .header("Authentication", s.jwt(2))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 429);
    assert_eq!(r.headers()["retry-after"], "7");

    let down = Setup::start_with(false, |c| blinger_gateway::Config {
        upstream: format!("http://{closed}"),
        ..c
    })
    .await;
    let (status, body) = down.get(2, LIST).await;
    assert_eq!(status, 502, "{body}");
    assert_eq!(body["status"], 502);
    assert!(body["error"].is_string());
}

#[tokio::test]
async fn a_full_upstream_queue_is_503_with_retry_after() {
    let s = Setup::start_with(false, |c| blinger_gateway::Config {
        limits: Limits {
            concurrency: 1,
            queue: 1,
            ..c.limits
        },
        coalesce: Duration::ZERO,
        ..c
    })
    .await;
    s.arm_fault(json!({"path": "/api/conversations/get", "delay_ms": 600, "count": 3}))
        .await;
    let tasks: Vec<_> = (1..=3)
        .map(|i| {
            let http = s.http.clone();
            let url = s.gw(&format!("/api/conversations/get?conversation_id={i}"));
            let jwt = s.jwt(2);
            tokio::spawn(async move {
                let r = http
                    .get(url)
                    .header("Authentication", jwt)
                    .send()
                    .await
                    .unwrap();
                (
                    r.status().as_u16(),
                    r.headers().get("retry-after").is_some(),
                )
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    statuses.sort();
    assert_eq!(statuses, [(200, false), (200, false), (503, true)]);
}

#[tokio::test]
async fn healthz_metrics_headers_and_dev_login() {
    let dir = std::env::temp_dir().join(format!("gw-static-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("index.html"), "<!doctype html><title>app</title>").unwrap();
    std::fs::write(dir.join("index.html.br"), "BROTLI INDEX").unwrap();
    let d = dir.clone();
    let s = Setup::start_with(false, move |c| blinger_gateway::Config {
        static_dir: Some(d),
        dev_login: true,
        allow_origins: vec!["http://app.example".to_owned()],
        ..c
    })
    .await;
    let r = s.http.get(s.gw("/healthz")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.text().await.unwrap(), "ok");
    let r = s.http.get(s.gw("/")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.headers()["content-security-policy"],
        blinger_sandbox::assumptions::CONTENT_SECURITY_POLICY
    );
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    assert!(
        r.headers()["vary"]
            .to_str()
            .unwrap()
            .contains("accept-encoding")
    );
    assert!(r.headers().get("content-encoding").is_none());
    assert!(r.text().await.unwrap().contains("<title>app</title>"));
    // A browser that takes brotli gets the precompressed file, labelled so.
    let r = s
        .http
        .get(s.gw("/"))
        .header("accept-encoding", "gzip, br")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["content-encoding"], "br");
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("text/html")
    );
    assert_eq!(r.text().await.unwrap(), "BROTLI INDEX");
    // CORS: the exact origin, with the Authentication header
    let r = s
        .http
        .request(reqwest::Method::OPTIONS, s.gw(LIST))
        .header("origin", "http://app.example")
        .header("access-control-request-method", "GET")
        .header("access-control-request-headers", "authentication")
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.headers()["access-control-allow-origin"],
        "http://app.example"
    );
    // dev login: a token that works, for the operator asked
    let r: Value = s
        .http
        .post(s.gw("/gateway/dev-token"))
        .json(&json!({"operator_id": 3}))
        .json_body()
        .await;
    let token = r["token"].as_str().unwrap();
    let r = s
        .http
        .post(s.gw("/api/conversations/send-message"))
        .header("Authentication", token)
        .form(&[
            ("conversation_id", "1"),
            ("operator_id", "2"),
            ("text", "x"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403, "the dev token is operator 3's");
    // dev login: whom one may sign in as, before holding any token; secrets stripped
    let r = s.http.get(s.gw("/gateway/dev-token")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let body = r.text().await.unwrap();
    assert!(!body.contains("conversations_token"), "{body}");
    let operators: Value = serde_json::from_str(&body).unwrap();
    let ids: Vec<u64> = operators["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|o| o["id"].as_u64())
        .collect();
    assert!(ids.contains(&3) && ids.len() >= 2, "{ids:?}");
    let _ = s.get(2, LIST).await;
    let metrics = s
        .http
        .get(s.gw("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for needle in [
        "blinger_gateway_requests_total{route=\"/api/conversations/unassigned\",status=\"200\"}",
        "blinger_gateway_upstream_requests_total{endpoint=\"/api/conversations/unassigned\",outcome=\"200\"}",
        "blinger_gateway_upstream_request_duration_seconds_bucket",
        "blinger_gateway_coalesced_hits_total",
        "blinger_gateway_requests_total{route=\"/gateway/dev-token\",status=\"200\"}",
    ] {
        assert!(metrics.contains(needle), "{needle} in\n{metrics}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn api_answers_are_gzipped_for_browsers_that_accept_it_and_event_streams_never_are() {
    use std::io::Read;
    let s = Setup::start(false).await;
    let jwt = s.jwt(2);
    let get = |path: &str, accept: Option<&str>| {
        let mut req = s.http.get(s.gw(path)).header("Authentication", &jwt);
        if let Some(accept) = accept {
            req = req.header("accept-encoding", accept);
        }
        req.send()
    };
    let plain = get(LIST, None).await.unwrap();
    assert!(plain.headers().get("content-encoding").is_none());
    let plain: Value = plain.json().await.unwrap();
    let r = get(LIST, Some("gzip")).await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-encoding"], "gzip");
    assert!(
        r.headers()["vary"]
            .to_str()
            .unwrap()
            .contains("accept-encoding")
    );
    let bytes = r.bytes().await.unwrap();
    let mut text = String::new();
    flate2::read::GzDecoder::new(&bytes[..])
        .read_to_string(&mut text)
        .unwrap();
    assert!(
        bytes.len() * 3 < text.len(),
        "{} -> {}",
        text.len(),
        bytes.len()
    );
    assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), plain);
    // A coalesced caller gets the very bytes compressed for the first one.
    let again = get(LIST, Some("br;q=1, gzip;q=0.8")).await.unwrap();
    assert_eq!(again.headers()["content-encoding"], "gzip");
    assert_eq!(again.bytes().await.unwrap(), bytes);
    // The push channel is written as it happens: never buffered by a compressor.
    let r = get("/gateway/events", Some("gzip")).await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers().get("content-encoding").is_none());
}
