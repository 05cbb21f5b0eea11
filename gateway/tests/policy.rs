//! GATEWAY.md, "The API it serves": the per-operator policy, body limits, secrets at any depth,
//! and the account token in no answer or log line.
#![allow(clippy::restriction)] // tests unwrap, index and panic

mod common;

use common::{ACCOUNT_TOKEN, JsonBody, Setup};
use serde_json::{Value, json};

const SEND: &str = "/api/conversations/send-message";

fn last_operator(history: &[Value]) -> Value {
    history.last().unwrap()["operator_id"].clone()
}

#[tokio::test]
async fn acting_as_someone_else_is_403_and_never_forwarded() {
    let s = Setup::start(false).await;
    s.reset_counts().await;
    let jwt = s.jwt(2);
    // form, JSON, multipart, a repeated field, a POST's query: all refused, none forwarded
    let attempts = vec![
        s.http.post(s.gw(SEND)).form(&[
            ("conversation_id", "1"),
            ("text", "x"),
            ("operator_id", "3"),
        ]),
        s.http
            .post(s.gw(SEND))
            .json(&json!({"conversation_id": 1, "text": "x", "operator_id": 3})),
        s.http
            .post(s.gw(SEND))
            .json(&json!({"conversation_id": 1, "text": "x", "operator_id": "3"})),
        s.http.post(s.gw(SEND)).multipart(
            reqwest::multipart::Form::new()
                .text("conversation_id", "1")
                .text("text", "x")
                .text("operator_id", "3"),
        ),
        s.http
            .post(s.gw(SEND))
            .body("conversation_id=1&text=x&operator_id=2&operator_id=3")
            .header("content-type", "application/x-www-form-urlencoded"),
        s.http
            .post(s.gw(&format!("{SEND}?operator_id=3")))
            .form(&[("conversation_id", "1"), ("text", "x")]),
        s.http
            .post(s.gw("/api/conversations/start"))
            .form(&[("conversation_id", "1"), ("operator_id", "4")]),
        s.http
            .post(s.gw("/api/conversations/close"))
            .form(&[("conversation_id", "1"), ("operator_id", "1")]),
        s.http.get(s.gw("/api/conversations/unread?operator_id=3")),
        s.http
            .get(s.gw("/api/conversations/not-answered?operator_id=1")),
    ];
    for (i, req) in attempts.into_iter().enumerate() {
        let r = req.header("Authentication", &jwt).send().await.unwrap();
        assert_eq!(r.status(), 403, "attempt {i}");
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["status"], 403, "attempt {i}");
    }
    assert_eq!(
        s.upstream_counts().await,
        json!({}),
        "nothing reached Blinger"
    );
    // an unknown /api path is not forwarded either
    let (status, _) = s.get(2, "/api/operators/create").await;
    assert_eq!(status, 404);
    let (status, _) = s.get(2, SEND).await;
    assert_eq!(status, 405);
    assert_eq!(s.upstream_counts().await, json!({}));
}

#[tokio::test]
async fn the_caller_is_added_hand_over_is_allowed_supervisors_name_anyone() {
    let s = Setup::start(false).await;
    // absent → the caller's
    let (status, body) = s
        .post_form(2, SEND, &[("conversation_id", "1"), ("text", "from two")])
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(last_operator(&s.sandbox_history(1).await), 2);
    // JSON body keeps working, operator added as a number
    let r = s
        .http
        .post(s.gw("/api/conversations/send-note"))
        .header("Authentication", s.jwt(3))
        .json(&json!({"conversation_id": 1, "text": "note by three"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(last_operator(&s.sandbox_history(1).await), 3);
    // multipart
    let r = s
        .http
        .post(s.gw("/api/conversations/send-file-message"))
        .header("Authentication", s.jwt(4))
        .multipart(
            reqwest::multipart::Form::new()
                .text("conversation_id", "1")
                .text("file_url", "https://example.com/a.png"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(last_operator(&s.sandbox_history(1).await), 4);
    // hand-over: operator 2 gives conversation 1 to operator 3
    let (status, body) = s
        .post_form(
            2,
            "/api/conversations/assign-operator",
            &[("conversation_id", "1"), ("operator_id", "3")],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["operator_user_id"], 1003);
    // start as the caller
    let (status, body) = s
        .post_form(2, "/api/conversations/start", &[("conversation_id", "2")])
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["operator_user_id"], 1002);
    // the caller's unread list is operator 2's, not the owner's
    let (_, mine) = s.get(2, "/api/conversations/unread").await;
    let truth: Value = s
        .http
        .get(format!(
            "{}/api/conversations/unread?operator_id=2",
            s.sandbox.url()
        ))
        .header("Authentication", ACCOUNT_TOKEN)
        .json_body()
        .await;
    let ids = |v: &Value| {
        v["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&mine), ids(&truth));
    // a supervisor sends as operator 4
    let sup = s
        .gateway
        .mint(1, blinger_gateway::auth::Role::Supervisor, 60)
        .unwrap();
    let r = s
        .http
        .post(s.gw(SEND))
        .header("Authentication", sup)
        .form(&[
            ("conversation_id", "1"),
            ("text", "as four"),
            ("operator_id", "4"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(last_operator(&s.sandbox_history(1).await), 4);
    // Blinger's own errors come back with their status and envelope
    let (status, body) = s
        .post_form(2, SEND, &[("conversation_id", "999999"), ("text", "x")])
        .await;
    assert_eq!(status, 400);
    assert_eq!(body["status"], 400);
}

#[tokio::test]
async fn disable_webhook_from_a_browser_is_dropped() {
    let s = Setup::start(true).await;
    let (status, _) = s
        .post_form(
            2,
            SEND,
            &[
                ("conversation_id", "1"),
                ("text", "with webhook"),
                ("disable_webhook", "1"),
            ],
        )
        .await;
    assert_eq!(status, 200);
    s.eventually("the webhook of a send with disable_webhook=1", || async {
        s.history(1)
            .await
            .iter()
            .any(|m| m["text"] == "with webhook")
            && s.gateway
                .metrics()
                .render()
                .contains("event=\"on_outgoing_message\"")
    })
    .await;
}

#[tokio::test]
async fn bodies_over_1_mib_are_413() {
    let s = Setup::start(false).await;
    s.reset_counts().await;
    let big = "x".repeat(1024 * 1024 + 10);
    let (status, body) = s
        .post_form(2, SEND, &[("conversation_id", "1"), ("text", &big)])
        .await;
    assert_eq!(status, 413);
    assert_eq!(body["status"], 413);
    assert_eq!(s.upstream_count(SEND).await, 0);
}

fn secret_keys(v: &Value, path: &str, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                if blinger_api::secrets::is_secret_key(k) {
                    out.push(format!("{path}.{k}"));
                }
                secret_keys(child, &format!("{path}.{k}"), out);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                secret_keys(child, &format!("{path}[{i}]"), out);
            }
        }
        _ => {}
    }
}

#[tokio::test]
async fn secrets_are_absent_at_any_depth_and_the_token_is_in_no_answer_or_log() {
    let s = Setup::start(false).await;
    let mut answers = Vec::new();
    for path in [
        "/api/conversations/unassigned",
        "/api/conversations/unread",
        "/api/conversations/not-answered",
        "/api/conversations/get?conversation_id=3",
        "/api/operators/all",
        "/api/operators/groups",
    ] {
        let (status, body) = s.get(2, path).await;
        assert_eq!(status, 200, "{path}: {body}");
        answers.push((path.to_owned(), body));
    }
    // the sandbox's answers do carry them: the test could fail
    let raw: Value = s
        .http
        .get(format!("{}/api/operators/all", s.sandbox.url()))
        .header("Authentication", ACCOUNT_TOKEN)
        .json_body()
        .await;
    let mut found = Vec::new();
    secret_keys(&raw, "", &mut found);
    assert!(!found.is_empty());
    for (path, form) in [
        ("/api/conversations/start", vec![("conversation_id", "2")]),
        (SEND, vec![("conversation_id", "2"), ("text", "hello")]),
        ("/api/conversations/close", vec![("conversation_id", "2")]),
    ] {
        let (status, body) = s.post_form(2, path, &form).await;
        assert_eq!(status, 200, "{path}: {body}");
        answers.push((path.to_owned(), body));
    }
    for (path, body) in &answers {
        let mut found = Vec::new();
        secret_keys(body, "", &mut found);
        assert!(found.is_empty(), "{path}: {found:?}");
        assert!(!body.to_string().contains(ACCOUNT_TOKEN), "{path}");
    }
    let lists = &answers[0].1["data"];
    assert!(lists[0]["toBlingerUser"].is_object(), "the rest is kept");
    let logs = s.log_text();
    assert!(
        logs.contains("GET /api/conversations/unassigned 200"),
        "{logs}"
    );
    assert!(!logs.contains(ACCOUNT_TOKEN));
    assert!(!logs.contains("eyJ"), "no JWT in the log");
    assert!(!logs.contains("hello"), "no message text in the log");
}
