//! Browser tests of the API client against a running sandbox (Chrome and Firefox).
//!
//! The test command starts `blinger-sandbox --faults --seed demo --db :memory:` with CORS for the
//! test page's origin, and passes its URL and token at **compile time**:
//! `BLINGER_SANDBOX_URL=http://127.0.0.1:PORT BLINGER_SANDBOX_TOKEN=… cargo test --target
//! wasm32-unknown-unknown --test api_client`. A missing variable fails the build, it never skips.
//!
//! Each test creates its own conversation through `POST /sandbox/customer-message`, so tests do
//! not depend on each other or on the seed's exact content (only on its operators and groups).
#![cfg(target_arch = "wasm32")]
#![allow(clippy::restriction)] // tests unwrap, index and panic

use std::cell::Cell;
use std::rc::Rc;

use blinger_inbox::api::wire::decode_conversation;
use blinger_inbox::api::{
    ApiError, ClientConfig, ConversationId, GroupId, HttpResponse, ListMemo, ListName, MessageKind,
    OperatorId, Polled, Status, Token, TokenProvider, TokenSource, UserId, WebClient,
};
use blinger_inbox::sync::{Outbox, SendKind, SendState};
use gloo_net::http::Request;
use serde_json::json;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

const URL: &str = env!("BLINGER_SANDBOX_URL");
const TOKEN: &str = env!("BLINGER_SANDBOX_TOKEN");

/// The demo seed's operator "Анна Петрова": `id` 2, `user_id` 1002 (they differ on purpose).
const ANNA: OperatorId = OperatorId(2);
const ANNA_USER: UserId = UserId(1002);
const OMAR: OperatorId = OperatorId(3);
const OMAR_USER: UserId = UserId(1003);

fn base() -> String {
    URL.trim_end_matches('/').to_owned()
}

fn config() -> ClientConfig {
    ClientConfig::new(base(), TokenSource::Fixed(Token::new(TOKEN)))
        .with_operator(Some(ANNA))
        .with_history_url(Some("/sandbox/conversations/{id}/messages".to_owned()))
}

fn client() -> WebClient {
    WebClient::web(config()).unwrap()
}

/// A client writes in: a fresh unassigned conversation.
async fn new_conversation(text: &str) -> ConversationId {
    let resp = Request::post(&format!("{}/sandbox/customer-message", base()))
        .header("Authentication", TOKEN)
        .header("Content-Type", "application/json")
        .body(
            json!({"text": text, "from_user_name": "Browser test 🧪", "application": "telegrambot"})
                .to_string(),
        )
        .unwrap()
        .send()
        .await
        .unwrap();
    let status = resp.status();
    let body = resp.text().await.unwrap();
    decode_conversation(&HttpResponse::new(status, body))
        .unwrap()
        .id
}

async fn arm_fault(spec: serde_json::Value) {
    let resp = Request::post(&format!("{}/sandbox/faults", base()))
        .header("Content-Type", "application/json")
        .body(spec.to_string())
        .unwrap()
        .send()
        .await
        .unwrap();
    assert_eq!(
        resp.status(),
        200,
        "arming fault: {}",
        resp.text().await.unwrap_or_default()
    );
}

async fn clear_faults() {
    let resp = Request::delete(&format!("{}/sandbox/faults", base()))
        .send()
        .await
        .unwrap();
    assert!(resp.ok());
}

#[wasm_bindgen_test]
async fn conversation_lifecycle_round_trips_every_action() {
    let c = client();
    let id = new_conversation("Hello from the browser test").await;

    let got = c.get(id).await.unwrap();
    assert_eq!(got.id, id);
    assert_eq!(got.status, Status::Unassigned);
    assert_eq!(got.channel, blinger_inbox::api::Channel::Telegram);
    assert_eq!(got.client_name, "Browser test 🧪");
    assert!(
        c.unassigned()
            .await
            .unwrap()
            .items
            .iter()
            .any(|x| x.id == id)
    );

    let started = c.start(id).await.unwrap();
    assert_eq!(started.status, Status::Inbox);
    assert_eq!(
        started.operator_user_id,
        Some(ANNA_USER),
        "operator_user_id holds user_id"
    );
    assert!(
        c.not_answered()
            .await
            .unwrap()
            .items
            .iter()
            .any(|x| x.id == id)
    );

    let text = "Reply ✓ & <b>not bold</b> مرحبا";
    let sent = c.send_message(id, text).await.unwrap();
    assert_eq!(sent.last_message.as_deref(), Some(text));
    assert!(sent.is_operator_last_message);
    assert!(
        !c.not_answered()
            .await
            .unwrap()
            .items
            .iter()
            .any(|x| x.id == id)
    );

    let url = "https://files.example.test/report.pdf";
    let filed = c.send_file_message(id, url).await.unwrap();
    assert_eq!(filed.id, id);

    let noted = c.send_note(id, "internal: check billing").await.unwrap();
    assert_eq!(noted.id, id);

    let assigned = c.assign_operator(id, OMAR).await.unwrap();
    assert_eq!(assigned.operator_user_id, Some(OMAR_USER));

    let grouped = c.assign_group(id, GroupId(2)).await.unwrap();
    assert_eq!(grouped.group_id, Some(GroupId(2)));

    let back = c.unassign(id).await.unwrap();
    assert_eq!(back.status, Status::Unassigned);
    assert!(
        c.unassigned()
            .await
            .unwrap()
            .items
            .iter()
            .any(|x| x.id == id)
    );

    let closed = c.close(id).await.unwrap();
    assert_eq!(closed.status, Status::Closed);
    assert_eq!(c.get(id).await.unwrap().status, Status::Closed);

    let history = c
        .history(id)
        .await
        .unwrap()
        .expect("history URL configured");
    assert!(history.skipped.is_empty());
    let kinds: Vec<&MessageKind> = history.items.iter().map(|m| &m.kind).collect();
    assert_eq!(kinds.first(), Some(&&MessageKind::Client));
    assert!(history.items.iter().any(|m| m.kind == MessageKind::Message
        && m.text.as_deref() == Some(text)
        && m.operator_id == Some(ANNA)));
    assert!(
        history
            .items
            .iter()
            .any(|m| m.kind == MessageKind::File && m.file_url.as_deref() == Some(url))
    );
    assert!(history.items.iter().any(|m| m.kind == MessageKind::Note));
}

#[wasm_bindgen_test]
async fn unread_lists_the_operators_conversations() {
    let c = client();
    let id = new_conversation("Unread please").await;
    c.start(id).await.unwrap();
    // The client writes again into Anna's inbox conversation.
    let resp = Request::post(&format!("{}/sandbox/customer-message", base()))
        .header("Authentication", TOKEN)
        .header("Content-Type", "application/json")
        .body(json!({"text": "Anyone there?", "conversation_id": id.0}).to_string())
        .unwrap()
        .send()
        .await
        .unwrap();
    assert!(resp.ok());
    let unread = c.unread().await.unwrap();
    let mine = unread
        .items
        .iter()
        .find(|x| x.id == id)
        .expect("in Anna's unread list");
    assert!(mine.unread_count > 0);
    assert_eq!(mine.last_message.as_deref(), Some("Anyone there?"));
}

#[wasm_bindgen_test]
async fn operators_and_groups_round_trip() {
    let c = client();
    let ops = c.operators().await.unwrap();
    assert!(ops.skipped.is_empty());
    let anna = ops.items.iter().find(|o| o.id == ANNA).expect("Anna");
    assert_eq!(anna.user_id, ANNA_USER);
    assert!(anna.email.contains('@'));
    let groups = c.groups().await.unwrap();
    assert!(groups.items.len() >= 3);
    assert!(
        groups
            .items
            .iter()
            .any(|g| g.is_default && g.color.is_some())
    );
}

#[wasm_bindgen_test]
async fn wrong_token_is_unauthorized_and_never_echoed() {
    let secret = "wrong-token-0123456789";
    let c = WebClient::web(ClientConfig::new(
        base(),
        TokenSource::Fixed(Token::new(secret)),
    ))
    .unwrap();
    let e = c.unassigned().await.unwrap_err();
    assert!(matches!(e, ApiError::Unauthorized { .. }), "{e:?}");
    assert!(e.is_definite_rejection());
    for s in [
        e.to_string(),
        format!("{e:?}"),
        blinger_inbox::i18n::error_text(&e, blinger_inbox::i18n::Locale::En),
    ] {
        assert!(!s.contains(secret), "token echoed: {s}");
    }
    let e = c.send_message(ConversationId(1), "x").await.unwrap_err();
    assert!(matches!(e, ApiError::Unauthorized { .. }), "{e:?}");

    let none = WebClient::web(ClientConfig::new(base(), TokenSource::None)).unwrap();
    assert_eq!(
        none.unassigned().await.unwrap_err(),
        ApiError::Unauthorized {
            message: "Empty token".to_owned()
        }
    );
}

#[wasm_bindgen_test]
async fn provider_is_asked_again_after_401_and_the_get_retried() {
    let calls = Rc::new(Cell::new(0u32));
    let counter = Rc::clone(&calls);
    let provider: TokenProvider = Rc::new(move || {
        let counter = Rc::clone(&counter);
        Box::pin(async move {
            counter.set(counter.get() + 1);
            Ok(Token::new(if counter.get() == 1 {
                "stale-token"
            } else {
                TOKEN
            }))
        })
    });
    let c = WebClient::web(ClientConfig::new(base(), TokenSource::Provider(provider))).unwrap();
    let list = c.unassigned().await.unwrap();
    assert!(!list.items.is_empty() || list.skipped.is_empty());
    assert_eq!(calls.get(), 2);
}

#[wasm_bindgen_test]
async fn unknown_operator_is_a_validation_error() {
    let c = client();
    let id = new_conversation("Assign me to nobody").await;
    let e = c
        .assign_operator(id, OperatorId(999_999))
        .await
        .unwrap_err();
    assert_eq!(
        e,
        ApiError::Validation {
            message: Some("Operator not found".to_owned()),
            fields: vec![]
        }
    );
    assert!(
        blinger_inbox::i18n::error_text(&e, blinger_inbox::i18n::Locale::En)
            .contains("Operator not found")
    );
    let e = c.get(ConversationId(987_654_321)).await.unwrap_err();
    assert!(e.is_definite_rejection(), "{e:?}");
}

#[wasm_bindgen_test]
async fn timed_out_send_is_reconciled_to_sent_through_get() {
    clear_faults().await;
    let c = WebClient::web(config().with_timeout_ms(1_000)).unwrap();
    let id = new_conversation("Timeout test").await;
    let seen = c.start(id).await.unwrap();

    let mut outbox = Outbox::new();
    let text = format!("Sent into a slow server {}", js_sys::Date::now());
    let local = outbox.enqueue(
        id,
        SendKind::Reply,
        text.clone(),
        js_sys::Date::now() as u64,
    );
    let job = outbox
        .begin(local, Some(&seen), js_sys::Date::now() as u64)
        .unwrap();

    // The server carries the send out, but answers only after the client gave up.
    arm_fault(
        json!({"path": "/api/conversations/send-message", "count": 1, "status": 504,
                     "delay_ms": 2_500, "body": "json", "apply": true}),
    )
    .await;
    let e = job.send(&c).await.unwrap_err();
    assert_eq!(e, ApiError::Timeout);
    assert!(e.outcome_unknown());
    outbox.on_error(local, &e, blinger_inbox::i18n::Locale::En);
    assert!(matches!(
        outbox.item(local).unwrap().state,
        SendState::NeedsReconcile { .. }
    ));
    assert_eq!(outbox.item(local).unwrap().state.hook(), "sending");

    // Let the server finish the delayed handler, then reconcile.
    gloo_timers::future::TimeoutFuture::new(2_500).await;
    let now = c.get(id).await.unwrap();
    let state = settle(&mut outbox, local, &now);
    assert!(
        matches!(state, SendState::Sent { .. }),
        "the timed-out send did not reach the server ({state:?}; last_message {:?}). The \
         sandbox's fault layer must run the real handler (apply=true) even though the client \
         gave up and aborted the request, i.e. before the delay, not after it",
        now.last_message
    );
    clear_faults().await;
}

/// Every check of an unknown outcome against `now` (the backoff's waits skipped), until the
/// item leaves NeedsReconcile.
fn settle(
    outbox: &mut Outbox,
    id: blinger_inbox::sync::LocalId,
    now: &blinger_inbox::api::Conversation,
) -> SendState {
    let evidence = blinger_inbox::sync::outbox::Evidence {
        conversation: now,
        history: None,
        me: None,
    };
    let mut state = None;
    for _ in 0..10 {
        state = outbox.reconcile(id, &evidence, u64::MAX / 2, blinger_inbox::i18n::Locale::En);
        if !matches!(state, Some(SendState::NeedsReconcile { .. })) {
            break;
        }
    }
    state.unwrap()
}

#[wasm_bindgen_test]
async fn lost_answers_reconcile_and_rejected_sends_fail() {
    clear_faults().await;
    let c = client();
    let id = new_conversation("Fault test").await;
    let seen = c.start(id).await.unwrap();

    // 503 after the handler ran: unknown outcome → reconciled to Sent.
    let mut outbox = Outbox::new();
    let a = outbox.enqueue(id, SendKind::Reply, "answer lost", 0);
    outbox
        .begin(a, Some(&seen), js_sys::Date::now() as u64)
        .unwrap();
    arm_fault(json!({"path": "/api/conversations/send-message", "status": 503, "body": "html", "apply": true})).await;
    let e = c.send_message(id, "answer lost").await.unwrap_err();
    assert_eq!(e, ApiError::Server { status: 503 });
    outbox.on_error(a, &e, blinger_inbox::i18n::Locale::En);
    let s = settle(&mut outbox, a, &c.get(id).await.unwrap());
    assert!(matches!(s, SendState::Sent { .. }), "{s:?}");

    // 502 without the handler: unknown outcome → Unconfirmed (never resent).
    let seen = c.get(id).await.unwrap();
    let b = outbox.enqueue(id, SendKind::Note, "never arrived", 0);
    outbox
        .begin(b, Some(&seen), js_sys::Date::now() as u64)
        .unwrap();
    arm_fault(json!({"path": "/api/conversations/send-note", "status": 502, "body": "truncated"}))
        .await;
    let e = c.send_note(id, "never arrived").await.unwrap_err();
    assert!(e.outcome_unknown(), "{e:?}");
    outbox.on_error(b, &e, blinger_inbox::i18n::Locale::En);
    let s = settle(&mut outbox, b, &c.get(id).await.unwrap());
    assert!(matches!(s, SendState::Unconfirmed { .. }), "{s:?}");

    // Malformed 200: a decode error with a path, outcome unknown.
    arm_fault(json!({"path": "/api/conversations/unassigned", "body": "malformed"})).await;
    let e = c.unassigned().await.unwrap_err();
    assert!(matches!(e, ApiError::Decode { .. }), "{e:?}");

    // 429 with Retry-After.
    arm_fault(json!({"path": "/api/conversations/unread", "status": 429, "retry_after": 7})).await;
    let e = c.unread().await.unwrap_err();
    assert_eq!(
        e,
        ApiError::RateLimited {
            retry_after_secs: Some(7)
        },
        "Retry-After must be readable cross-origin"
    );

    // A real 400 from the server: the send definitely failed, with the server's words.
    c.close(id).await.unwrap();
    let d = outbox.enqueue(id, SendKind::Reply, "too late", 0);
    outbox.begin(d, None, 0).unwrap();
    let e = c.send_message(id, "too late").await.unwrap_err();
    outbox.on_error(d, &e, blinger_inbox::i18n::Locale::En);
    match &outbox.item(d).unwrap().state {
        SendState::Failed { message } => assert!(message.contains("closed"), "{message}"),
        other => panic!("{other:?}"),
    }
    clear_faults().await;
}

#[wasm_bindgen_test]
async fn abort_scope_cancels_an_in_flight_request() {
    clear_faults().await;
    arm_fault(json!({"path": "/api/operators/all", "delay_ms": 3_000})).await;
    let (c, scope) = client().scoped();
    wasm_bindgen_futures::spawn_local(async move {
        gloo_timers::future::TimeoutFuture::new(200).await;
        drop(scope);
    });
    let started = js_sys::Date::now();
    assert_eq!(c.operators().await.unwrap_err(), ApiError::Aborted);
    assert!(
        js_sys::Date::now() - started < 2_500.0,
        "the abort did not cut the request short"
    );
    assert_eq!(
        c.groups().await.unwrap_err(),
        ApiError::Aborted,
        "the scope stays aborted"
    );
    clear_faults().await;
}

#[wasm_bindgen_test]
async fn an_unchanged_poll_is_recognised_in_the_browser_and_a_change_is_not() {
    let c = client();
    let memo = ListMemo::new();
    let unassigned =
        |p: Polled<blinger_inbox::api::Listed<blinger_inbox::api::Conversation>>| match p {
            Polled::New(l) => l.items.iter().map(|c| c.id).collect::<Vec<_>>(),
            Polled::Same => panic!("expected a new answer"),
        };
    let first = unassigned(c.poll_list(ListName::Unassigned, &memo).await.unwrap());
    assert!(!first.is_empty());
    assert_eq!(
        c.poll_list(ListName::Unassigned, &memo).await.unwrap(),
        Polled::Same
    );

    let id = new_conversation("poll memo: a new conversation").await;
    let second = unassigned(c.poll_list(ListName::Unassigned, &memo).await.unwrap());
    assert!(second.contains(&id), "{second:?}");
    assert_eq!(
        c.poll_list(ListName::Unassigned, &memo).await.unwrap(),
        Polled::Same
    );

    // A malformed answer in between: the error shows, and the same list afterwards is decoded.
    arm_fault(json!({"path": "/api/conversations/unassigned", "body": "malformed"})).await;
    assert!(c.poll_list(ListName::Unassigned, &memo).await.is_err());
    let third = unassigned(c.poll_list(ListName::Unassigned, &memo).await.unwrap());
    assert_eq!(third, second);
}

/// A `blob:` URL answering exactly `bytes`.
fn blob_url(bytes: &[u8]) -> String {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let blob = web_sys::Blob::new_with_u8_array_sequence(&parts).unwrap();
    web_sys::Url::create_object_url_with_blob(&blob).unwrap()
}

#[wasm_bindgen_test]
async fn a_polled_body_reads_as_response_text_reads_it() {
    use blinger_inbox::api::{BodyMemo, FetchTransport, HttpRequest, Method, Transport};
    // A polled body is taken from its bytes (not from the JS string): it must be the very text
    // `Response.text()` gives, byte order mark, non-ASCII and broken UTF-8 included.
    let cases: [&[u8]; 4] = [
        br#"{"status":200,"data":[]}"#,
        "\u{feff}{\"name\":\"Demo Shop · VK — Юлия 👋\"}".as_bytes(),
        b"{\"bad\":\"\xff\xfe\xc3\"}",
        b"",
    ];
    for bytes in cases {
        let url = blob_url(bytes);
        let expected = {
            let r = Request::get(&url).send().await.unwrap();
            r.text().await.unwrap()
        };
        let request = HttpRequest {
            method: Method::Get,
            url: url.clone(),
            headers: Vec::new(),
            body: None,
            timeout_ms: 5_000,
            abort: None,
            memo: Some(BodyMemo::new()),
        };
        let got = FetchTransport.send(request).await.unwrap();
        assert_eq!(got.status, 200);
        assert!(!got.unchanged);
        assert_eq!(got.body, expected, "{bytes:?}");
        web_sys::Url::revoke_object_url(&url).unwrap();
    }
}
