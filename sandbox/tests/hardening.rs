//! The sandbox as the reference for a production proxy: the `Host` allow-list (DNS rebinding),
//! control endpoints that refuse cross-site "simple" requests, bounded request counters, and a
//! `/proxy` that never hands the account's secrets to the browser.
#![allow(clippy::restriction)] // tests unwrap, index and panic

mod common;

use blinger_sandbox::{Config, SeedMode};
use common::{Sandbox, TOKEN, decode};
use serde_json::{Value, json};

fn config() -> Config {
    let mut cfg = Config::for_tests(SeedMode::Demo);
    cfg.faults = true;
    cfg.proxy = true;
    cfg
}

/// GET `path` with the token and this `Host` (and `Origin: http://HOST`, as a rebound page sends).
async fn get_as(sb: &Sandbox, path: &str, host: &str) -> (u16, Value) {
    let resp = sb
        .http
        .get(sb.at(path))
        .header("Host", host)
        .header("Origin", format!("http://{host}"))
        .header("Authentication", TOKEN)
        .send()
        .await
        .unwrap();
    decode(resp).await
}

#[tokio::test]
async fn unknown_host_names_get_421_everywhere() {
    let mut cfg = config();
    cfg.public_hosts = vec!["inbox.test".into(), "pinned.test:9".into()];
    let sb = Sandbox::with(cfg).await;
    let port = sb.server.addr.port();
    let rebound = format!("evil.example:{port}");
    for path in [
        "/proxy/api/operators/all",
        "/proxy/api/conversations/unassigned",
        "/api/operators/all",
        "/sandbox/faults",
        "/sandbox/requests",
        "/",
    ] {
        let (status, body) = get_as(&sb, path, &rebound).await;
        assert_eq!(status, 421, "{path}: {body}");
        assert_eq!(body["status"], 421, "{path}");
        assert!(body["error"].as_str().unwrap().contains("--public-host"));
    }
    // A state-changing request never runs either.
    let resp = sb
        .http
        .post(sb.at("/proxy/api/conversations/send-message"))
        .header("Host", &rebound)
        .header("Origin", format!("http://{rebound}"))
        .form(&[("conversation_id", "1"), ("text", "rebound")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 421);
    // The wrong port, or no port, is another origin too.
    for host in ["localhost:1", "127.0.0.1", "pinned.test", "pinned.test:10"] {
        assert_eq!(
            get_as(&sb, "/proxy/api/operators/all", host).await.0,
            421,
            "{host}"
        );
    }
    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("LocalHost:{port}"),
        format!("[::1]:{port}"),
        "inbox.test".to_owned(),
        format!("inbox.test:{port}"),
        "pinned.test:9".to_owned(),
    ] {
        let (status, body) = get_as(&sb, "/proxy/api/operators/all", &host).await;
        assert_eq!(status, 200, "{host}: {body}");
        let (status, _) = get_as(&sb, "/sandbox/requests", &host).await;
        assert_eq!(status, 200, "{host}");
    }
    sb.server.shutdown().await;

    let mut cfg = config();
    cfg.public_hosts = vec!["http://inbox.test/".into()];
    let err = blinger_sandbox::start(cfg).await.unwrap_err();
    assert!(err.to_string().contains("--public-host"), "{err}");
}

/// What a page on another site can send without a preflight: a form or `text/plain` POST.
async fn simple_post(sb: &Sandbox, path: &str, content_type: &str, body: &str) -> (u16, Value) {
    let resp = sb
        .http
        .post(sb.at(path))
        .header("Content-Type", content_type)
        .header("Origin", "http://evil.example")
        .header("Sec-Fetch-Site", "cross-site")
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    decode(resp).await
}

#[tokio::test]
async fn control_endpoints_refuse_cross_site_simple_posts() {
    let mut cfg = config();
    cfg.cors_origins = vec!["http://127.0.0.1:8799".into()];
    let sb = Sandbox::with(cfg).await;
    let fault = json!({"path": "/api/operators/all", "status": 500, "count": 1000}).to_string();
    let fixture = json!({"groups": [{"id": 1, "title": "pwned"}]}).to_string();
    for (path, body) in [("/sandbox/faults", &fault), ("/sandbox/fixtures", &fixture)] {
        for ct in [
            "text/plain",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
        ] {
            let (status, answer) = simple_post(&sb, path, ct, body).await;
            assert_eq!(status, 403, "{path} {ct}: {answer}");
            assert_eq!(answer["status"], 403);
        }
        // Without an Origin (an old browser, a form from a file:// page): still no JSON, no entry.
        let resp = sb
            .http
            .post(sb.at(path))
            .header("Content-Type", "text/plain")
            .body(body.clone())
            .send()
            .await
            .unwrap();
        let (status, answer) = decode(resp).await;
        assert_eq!(
            (status, answer["status"].clone()),
            (415, json!(415)),
            "{path}"
        );
        // JSON from another site's page (it would need a preflight the CORS list refuses).
        let resp = sb
            .http
            .post(sb.at(path))
            .header("Origin", "http://evil.example")
            .json(&serde_json::from_str::<Value>(body).unwrap())
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 403, "{path}");
    }
    for path in ["/sandbox/faults", "/sandbox/requests"] {
        let resp = sb
            .http
            .delete(sb.at(path))
            .header("Origin", "http://evil.example")
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 403, "DELETE {path}");
    }
    // Nothing of it took effect.
    let (_, armed) = sb.get_bare("/sandbox/faults").await;
    assert_eq!(armed["data"], json!([]));
    assert_eq!(sb.get("/api/operators/all").await.0, 200);
    let (_, groups) = sb.get("/api/operators/groups").await;
    assert!(
        groups["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|g| g["title"] != "pwned")
    );

    // What the tests and tools send still works: JSON without an Origin, from this server's own
    // pages, or from a --cors-origin (the browser tests' page).
    let own = format!("http://{}", sb.server.addr);
    for origin in [None, Some(own.as_str()), Some("http://127.0.0.1:8799")] {
        let mut req = sb
            .http
            .post(sb.at("/sandbox/faults"))
            .json(&json!({"path": "/x", "status": 500}));
        if let Some(origin) = origin {
            req = req.header("Origin", origin);
        }
        assert_eq!(req.send().await.unwrap().status(), 200, "{origin:?}");
    }
    let (status, _) = sb.post_json_bare("/sandbox/fixtures", json!({})).await;
    assert_eq!(status, 200);

    // customer-message takes the token in a header no simple request can carry: a cross-site
    // form post is refused before anything is written.
    let before = sb.list_ids("/api/conversations/unassigned").await;
    for ct in ["application/x-www-form-urlencoded", "text/plain"] {
        let (status, _) = simple_post(
            &sb,
            "/sandbox/customer-message",
            ct,
            "text=from+another+site",
        )
        .await;
        assert_eq!(status, 401, "{ct}");
    }
    assert_eq!(sb.list_ids("/api/conversations/unassigned").await, before);
    sb.server.shutdown().await;
}

const SECRETS: &[&str] = &["token", "extra_field_secret_key", "conversations_token"];

/// Every secret key in `value`, at any depth, with where it was.
fn secrets_in(value: &Value, at: &str, found: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                if SECRETS.contains(&key.as_str()) {
                    found.push(format!("{at}.{key}"));
                }
                secrets_in(v, &format!("{at}.{key}"), found);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                secrets_in(v, &format!("{at}[{i}]"), found);
            }
        }
        _ => {}
    }
}

fn secrets(value: &Value) -> Vec<String> {
    let mut found = Vec::new();
    secrets_in(value, "", &mut found);
    found
}

#[tokio::test]
async fn the_proxy_never_hands_out_the_accounts_secrets() {
    let sb = Sandbox::with(config()).await;
    let id = sb.new_conversation("a client writes").await;
    let paths = [
        "/api/conversations/unassigned".to_owned(),
        "/api/conversations/unread".to_owned(),
        "/api/conversations/not-answered".to_owned(),
        format!("/api/conversations/get?conversation_id={id}"),
        "/api/operators/all".to_owned(),
        "/api/operators/groups".to_owned(),
        format!("/sandbox/conversations/{id}/messages"),
    ];
    for path in &paths {
        // Direct, with the token: the sandbox plays Blinger, which sends them.
        let (status, direct) = sb.get(path).await;
        assert_eq!(status, 200, "{path}");
        let expected = !path.contains("groups") && !path.contains("messages");
        if expected && !direct["data"].as_array().is_some_and(Vec::is_empty) {
            assert!(!secrets(&direct).is_empty(), "{path}: {direct}");
        }
        // Proxied: none of them, anywhere; everything else the same.
        let resp = sb
            .http
            .get(sb.at(&format!("/proxy{path}")))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200, "{path}");
        let headers = resp.headers().clone();
        let bytes = resp.bytes().await.unwrap();
        assert_eq!(
            headers["content-length"].to_str().unwrap(),
            bytes.len().to_string(),
            "{path}"
        );
        assert_eq!(headers["content-type"], "application/json", "{path}");
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        let mut proxied: Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(secrets(&proxied), Vec::<String>::new(), "{path}");
        let mut direct = direct;
        blinger_api::secrets::strip_secrets(&mut direct);
        blinger_api::secrets::strip_secrets(&mut proxied);
        assert_eq!(proxied, direct, "{path}");
    }
    // An action's answer (the conversation) too, and errors keep their status and envelope.
    let resp = sb
        .http
        .post(sb.at("/proxy/api/conversations/send-message"))
        .form(&[
            ("conversation_id", id.to_string()),
            ("text", "hello".into()),
        ])
        .send()
        .await
        .unwrap();
    let (status, answer) = decode(resp).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["data"]["id"], id);
    assert_eq!(secrets(&answer), Vec::<String>::new());
    let (status, answer) = sb
        .get_bare("/proxy/api/conversations/get?conversation_id=999999")
        .await;
    assert_eq!(
        (status, answer),
        (
            400,
            json!({"status": 400, "error": "Conversation not found"})
        )
    );
    // An injected broken body reaches the client exactly as broken.
    sb.arm(json!({"path": "/api/operators/all", "body": "truncated", "status": 200}))
        .await;
    let direct_fault = json!({"status": 200, "error": "Injected fault (200)"}).to_string();
    let resp = sb
        .http
        .get(sb.at("/proxy/api/operators/all"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(
        resp.text().await.unwrap(),
        direct_fault[..direct_fault.len() / 2]
    );
    sb.server.shutdown().await;
}
