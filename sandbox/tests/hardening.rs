//! The sandbox as the reference for a production proxy: the `Host` allow-list (DNS rebinding),
//! control endpoints that refuse cross-site "simple" requests, bounded request counters, and a
//! `/proxy` that never hands the account's secrets to the browser.
#![allow(clippy::restriction)] // tests unwrap, index and panic

mod common;

use blinger_sandbox::{Config, SeedMode};
use common::{Sandbox, TOKEN, decode};
use serde_json::Value;

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
