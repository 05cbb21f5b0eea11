//! Malformed input at every endpoint (random bodies from a seeded RNG, wrong types, huge numbers,
//! invalid UTF-8, deep nesting, 10 MB bodies): the answer is always an envelope, never a 5xx.
// Helpers outside #[test] functions are test code too: a failed unwrap is a failed test.
#![allow(clippy::restriction)] // tests unwrap, index and panic

mod common;

use blinger_sandbox::rng::Rng;
use blinger_sandbox::{Config, SeedMode};
use common::{Sandbox, TOKEN};
use serde_json::{Value, json};

/// Every POST endpoint, the fault control one included.
fn posts() -> Vec<&'static str> {
    let mut all = common::TOKEN_POSTS.to_vec();
    all.push("/sandbox/faults");
    all
}

const GETS: &[&str] = &[
    "/api/conversations/unassigned",
    "/api/conversations/unread",
    "/api/conversations/not-answered",
    "/api/conversations/get",
    "/api/operators/all",
    "/api/operators/groups",
    "/sandbox/conversations/1/messages",
    "/sandbox/faults",
    "/sandbox/requests",
];

const FIELDS: &[&str] = &[
    "conversation_id",
    "operator_id",
    "group_id",
    "text",
    "file_url",
    "disable_webhook",
    "application",
    "from_user_name",
    "path",
    "count",
    "status",
    "delay_ms",
    "body",
    "retry_after",
];

const NASTY: &[&str] = &[
    "99999999999999999999999999",
    "-9223372036854775809",
    "9223372036854775807",
    "-1",
    "0",
    "1e400",
    "12.5",
    "0x10",
    " 7 ",
    "",
    "null",
    "true",
    "[]",
    "{}",
    "%FF%FE",
    "\u{0}",
    "🦄",
    "javascript:alert(1)",
    "http://",
    "https://example.com/x.png",
    "1",
    "2",
];

fn random_json(rng: &mut Rng, depth: u32) -> Value {
    match rng.below(if depth > 3 { 6 } else { 9 }) {
        0 => Value::Null,
        1 => json!(rng.chance(50)),
        2 => json!(rng.next_u64()),
        3 => json!(-(rng.next_u64() as i64).abs()),
        4 => json!(f64::from_bits(rng.next_u64() & 0x7fef_ffff_ffff_ffff)),
        5 => json!(rng.pick(NASTY).unwrap()),
        6 => Value::Array(
            (0..rng.below(4))
                .map(|_| random_json(rng, depth + 1))
                .collect(),
        ),
        _ => {
            let mut map = serde_json::Map::new();
            for _ in 0..rng.below(5) {
                let key = if rng.chance(70) {
                    rng.pick(FIELDS).unwrap().to_string()
                } else {
                    rng.token(5)
                };
                map.insert(key, random_json(rng, depth + 1));
            }
            Value::Object(map)
        }
    }
}

fn random_bytes(rng: &mut Rng, max: usize) -> Vec<u8> {
    (0..rng.below(max))
        .map(|_| (rng.next_u64() & 0xff) as u8)
        .collect()
}

/// A random body and content type.
fn random_body(rng: &mut Rng) -> (Option<String>, Vec<u8>) {
    match rng.below(9) {
        0 => (
            Some("application/json".into()),
            serde_json::to_vec(&random_json(rng, 0)).unwrap(),
        ),
        1 => {
            // an object with the real field names and nasty values
            let mut map = serde_json::Map::new();
            for f in FIELDS {
                if rng.chance(60) {
                    map.insert((*f).into(), random_json(rng, 2));
                }
            }
            (
                Some("application/json".into()),
                serde_json::to_vec(&Value::Object(map)).unwrap(),
            )
        }
        2 if rng.chance(50) => {
            // a valid request with at most one field replaced by something nasty
            let mut map: Vec<(&str, String)> = vec![
                ("conversation_id", (1 + rng.below(48)).to_string()),
                ("operator_id", (1 + rng.below(4)).to_string()),
                ("group_id", (1 + rng.below(3)).to_string()),
                ("text", "hello".into()),
                ("file_url", "https://example.com/f.png".into()),
            ];
            if rng.chance(50) {
                let i = rng.below(map.len());
                map[i].1 = rng.pick(NASTY).unwrap().to_string();
            }
            let s: String = map.iter().map(|(k, v)| format!("{k}={v}&")).collect();
            (
                Some("application/x-www-form-urlencoded".into()),
                s.into_bytes(),
            )
        }
        2 => {
            let mut s = String::new();
            for f in FIELDS {
                if rng.chance(60) {
                    s.push_str(&format!("{f}={}&", rng.pick(NASTY).unwrap()));
                }
            }
            (
                Some("application/x-www-form-urlencoded".into()),
                s.into_bytes(),
            )
        }
        3 => (
            Some("application/x-www-form-urlencoded".into()),
            random_bytes(rng, 300),
        ),
        4 => (Some("application/json".into()), random_bytes(rng, 300)),
        5 => {
            let mut fields: Vec<(&str, Vec<u8>)> = Vec::new();
            for f in FIELDS {
                if rng.chance(50) {
                    let v = if rng.chance(50) {
                        rng.pick(NASTY).unwrap().as_bytes().to_vec()
                    } else {
                        random_bytes(rng, 40)
                    };
                    fields.push((f, v));
                }
            }
            let refs: Vec<(&str, &[u8])> = fields.iter().map(|(k, v)| (*k, v.as_slice())).collect();
            let (ct, body) = common::multipart(&refs);
            (Some(ct), body)
        }
        6 => (
            Some("multipart/form-data; boundary=zzz".into()),
            random_bytes(rng, 300),
        ),
        7 => (None, random_bytes(rng, 300)),
        _ => {
            let cts = [
                "text/plain",
                "application/xml",
                "multipart/form-data",
                "application/json; charset=latin1",
                "\u{7f}",
            ];
            (
                Some(rng.pick(&cts).unwrap().to_string()),
                random_bytes(rng, 100),
            )
        }
    }
}

fn assert_envelope(what: &str, status: u16, bytes: &[u8]) {
    assert!(
        status < 500,
        "{what}: {status} {}",
        String::from_utf8_lossy(bytes)
    );
    let v: Value = serde_json::from_slice(bytes)
        .unwrap_or_else(|_| panic!("{what}: not JSON: {}", String::from_utf8_lossy(bytes)));
    assert_eq!(v["status"], status, "{what}: {v}");
}

async fn send(
    sb: &Sandbox,
    method: reqwest::Method,
    path: &str,
    ct: Option<&str>,
    body: Vec<u8>,
    auth: bool,
) -> (u16, Vec<u8>) {
    let mut req = sb.http.request(method, sb.at(path));
    if auth {
        req = req.header("Authentication", TOKEN);
    }
    if let Some(ct) = ct
        && let Ok(v) = reqwest::header::HeaderValue::from_str(ct)
    {
        req = req.header("Content-Type", v);
    }
    let resp = req.body(body).send().await.unwrap();
    let status = resp.status().as_u16();
    (status, resp.bytes().await.unwrap().to_vec())
}

#[tokio::test]
async fn random_malformed_requests_never_get_a_5xx() {
    let mut cfg = Config::for_tests(SeedMode::Demo);
    cfg.faults = true;
    cfg.proxy = true;
    let sb = Sandbox::with(cfg).await;
    let mut rng = Rng::seeded(0xB11_6E5);
    let mut seen = std::collections::BTreeSet::new();
    for round in 0..50 {
        for path in posts() {
            let (ct, body) = random_body(&mut rng);
            let auth = path == "/sandbox/faults" || !rng.chance(5);
            let (status, bytes) =
                send(&sb, reqwest::Method::POST, path, ct.as_deref(), body, auth).await;
            assert_envelope(&format!("round {round} POST {path} {ct:?}"), status, &bytes);
            seen.insert(status);
        }
        for path in GETS {
            let mut query = String::new();
            for f in FIELDS {
                if rng.chance(40) {
                    query.push_str(&format!("{f}={}&", rng.pick(NASTY).unwrap()));
                }
            }
            if rng.chance(20) {
                query.push_str("%FF%FE=%C3%28&&=&a");
            }
            let full = format!("{path}?{query}");
            let (status, bytes) =
                send(&sb, reqwest::Method::GET, &full, None, Vec::new(), true).await;
            assert_envelope(&format!("GET {full}"), status, &bytes);
        }
        // the proxy gets the same treatment
        let path = *rng.pick(&posts()).unwrap();
        let (ct, body) = random_body(&mut rng);
        let (status, bytes) = send(
            &sb,
            reqwest::Method::POST,
            &format!("/proxy{path}"),
            ct.as_deref(),
            body,
            false,
        )
        .await;
        assert_envelope(&format!("POST /proxy{path}"), status, &bytes);
    }
    // the generator reaches past the first checks: successes and every kind of refusal
    for status in [200, 400, 401, 415] {
        assert!(seen.contains(&status), "never saw {status}: {seen:?}");
    }
    // odd paths, methods and ids
    for path in [
        "/sandbox/conversations/99999999999999999999999/messages",
        "/sandbox/conversations/-1/messages",
        "/sandbox/conversations/%FF/messages",
        "/sandbox/conversations//messages",
        "/sandbox/conversations/1/messages/extra",
        "/api/conversations/get?conversation_id=1e3",
        "/api/conversations/get?conversation_id=%00",
        "/api/%FF",
        "/proxy/api/%FF",
        "/proxy/sandbox/conversations/%FF/messages",
        "/api/conversations/unread?operator_id=-0",
    ] {
        for method in [
            reqwest::Method::GET,
            reqwest::Method::POST,
            reqwest::Method::DELETE,
            reqwest::Method::PUT,
            reqwest::Method::PATCH,
        ] {
            let (status, bytes) = send(
                &sb,
                method.clone(),
                path,
                Some("application/json"),
                b"{}".to_vec(),
                true,
            )
            .await;
            assert_envelope(&format!("{method} {path}"), status, &bytes);
        }
    }
    // deep nesting and a bad token byte
    let deep = format!("{}{}", "[".repeat(5000), "]".repeat(5000));
    let (status, bytes) = send(
        &sb,
        reqwest::Method::POST,
        "/api/conversations/start",
        Some("application/json"),
        deep.into_bytes(),
        true,
    )
    .await;
    assert_envelope("deep JSON", status, &bytes);
    let resp = sb
        .http
        .get(sb.at("/api/operators/all"))
        .header(
            "Authentication",
            reqwest::header::HeaderValue::from_bytes(b"\xff\xfe").unwrap(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    sb.server.shutdown().await;
}

#[tokio::test]
async fn ten_megabyte_bodies_get_413() {
    let mut cfg = Config::for_tests(SeedMode::Empty);
    cfg.faults = true;
    let sb = Sandbox::with(cfg).await;
    let big = vec![b'x'; 10 * 1024 * 1024];
    for path in posts() {
        for ct in [
            "application/json",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
        ] {
            let (status, bytes) = send(
                &sb,
                reqwest::Method::POST,
                path,
                Some(ct),
                big.clone(),
                true,
            )
            .await;
            // /sandbox/faults needs no token; everything else must be 413 before any parsing
            assert_eq!(status, 413, "{path} {ct}");
            assert_envelope(path, status, &bytes);
        }
    }
    for path in [
        "/api/conversations/unassigned",
        "/api/conversations/get",
        "/api/operators/all",
        "/sandbox/conversations/1/messages",
        "/nope",
        "/api/conversations/start",
    ] {
        let (status, bytes) = send(&sb, reqwest::Method::GET, path, None, big.clone(), true).await;
        assert_envelope(&format!("GET {path} with 10 MB"), status, &bytes);
    }
    // without a token the answer is still a clean 4xx
    let (status, bytes) = send(
        &sb,
        reqwest::Method::POST,
        "/api/conversations/start",
        None,
        big,
        false,
    )
    .await;
    assert_envelope("no token, 10 MB", status, &bytes);
    sb.server.shutdown().await;
}
