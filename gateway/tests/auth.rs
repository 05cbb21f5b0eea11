//! GATEWAY.md, "Who is calling": every way a browser token fails is a 401 Blinger envelope, and
//! nothing reaches Blinger.
#![allow(clippy::restriction)] // tests unwrap, index and panic

mod common;

use common::{ACCOUNT_TOKEN, JWT_SECRET, Setup};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

fn b64(s: &str) -> String {
    use std::fmt::Write;
    // URL-safe base64 without padding, written out to avoid a dev-dependency.
    const T: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let bytes = s.as_bytes();
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            out.write_char(T[((n >> (18 - 6 * i)) & 63) as usize] as char)
                .unwrap();
        }
    }
    out
}

fn now() -> u64 {
    blinger_gateway::auth::unix_now()
}

fn signed(alg: Algorithm, secret: &[u8], claims: &Value) -> String {
    jsonwebtoken::encode(&Header::new(alg), claims, &EncodingKey::from_secret(secret)).unwrap()
}

#[tokio::test]
async fn every_bad_token_is_401_and_not_forwarded() {
    let s = Setup::start(false).await;
    s.reset_counts().await;
    let good = json!({"operator_id": 2, "exp": now() + 600});
    let none_alg = format!(
        "{}.{}.",
        b64(r#"{"alg":"none","typ":"JWT"}"#),
        b64(&good.to_string())
    );
    let cases: Vec<(&str, Option<String>)> = vec![
        ("missing", None),
        ("empty", Some(" ".to_owned())),
        ("garbage", Some("not-a-jwt".to_owned())),
        ("the account token itself", Some(ACCOUNT_TOKEN.to_owned())),
        (
            "wrong signature",
            Some(signed(
                Algorithm::HS256,
                b"another-secret-another-secret-another",
                &good,
            )),
        ),
        (
            "expired",
            Some(signed(
                Algorithm::HS256,
                JWT_SECRET,
                &json!({"operator_id": 2, "exp": now() - 3600}),
            )),
        ),
        (
            "no exp",
            Some(signed(
                Algorithm::HS256,
                JWT_SECRET,
                &json!({"operator_id": 2}),
            )),
        ),
        (
            "exp as a string",
            Some(signed(
                Algorithm::HS256,
                JWT_SECRET,
                &json!({"operator_id": 2, "exp": "99999999999"}),
            )),
        ),
        ("alg none", Some(none_alg)),
        (
            "alg HS512",
            Some(signed(Algorithm::HS512, JWT_SECRET, &good)),
        ),
        (
            "operator_id 0",
            Some(signed(
                Algorithm::HS256,
                JWT_SECRET,
                &json!({"operator_id": 0, "exp": now() + 600}),
            )),
        ),
        (
            "unknown role",
            Some(signed(
                Algorithm::HS256,
                JWT_SECRET,
                &json!({"operator_id": 2, "exp": now() + 600, "role": "admin"}),
            )),
        ),
    ];
    for path in [
        "/api/conversations/unassigned",
        "/gateway/conversations/1/messages",
    ] {
        for (name, token) in &cases {
            let mut req = s.http.get(s.gw(path));
            if let Some(t) = token {
                req = req.header("Authentication", t);
            }
            let r = req.send().await.unwrap();
            assert_eq!(r.status(), 401, "{name} on {path}");
            let body: Value = r.json().await.unwrap();
            assert_eq!(body["status"], 401, "{name}");
            assert!(body["error"].is_string(), "{name}: {body}");
        }
    }
    let r = s
        .http
        .post(s.gw("/api/conversations/send-message"))
        .header("Authentication", ACCOUNT_TOKEN)
        .form(&[("conversation_id", "1"), ("text", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(
        s.upstream_counts().await,
        json!({}),
        "nothing reached Blinger"
    );

    // and a good one passes
    let (status, body) = s.get(2, "/api/conversations/unassigned").await;
    assert_eq!(status, 200, "{body}");
    let supervisor = signed(
        Algorithm::HS256,
        JWT_SECRET,
        &json!({"operator_id": 1, "exp": now() + 60, "role": "supervisor"}),
    );
    let r = s
        .http
        .get(s.gw("/api/conversations/unread?operator_id=3"))
        .header("Authentication", supervisor)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

/// The README's Rust example of minting the JWT (gateway/examples/mint_jwt.rs), compiled in here.
#[allow(dead_code)] // its `main`
#[path = "../examples/mint_jwt.rs"]
mod mint_jwt;

#[tokio::test]
async fn the_readme_example_token_is_accepted_and_acts_as_its_operator() {
    let s = Setup::start(false).await;
    let token = mint_jwt::blinger_jwt(2, JWT_SECRET).unwrap();
    let (status, _) = s.get_with_token(&token, "/api/conversations/unread").await;
    assert_eq!(status, 200);
    // …and only as operator 2.
    let (status, _) = s
        .get_with_token(&token, "/api/conversations/unread?operator_id=3")
        .await;
    assert_eq!(status, 403);
}
