//! The client against an in-memory transport: every endpoint's method, path, query, form body
//! and headers; token handling (header only, never in URLs or errors); 401 retry rules; abort.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::restriction)] // tests unwrap, index and panic

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::future::Future;
use std::pin::pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use blinger_inbox::api::{
    ApiError, Client, ClientConfig, ConfigError, ConversationId, GroupId, HttpRequest,
    HttpResponse, ListMemo, ListName, Method, OperatorId, Polled, Token, TokenSource, Transport,
    TransportError,
};
use serde_json::json;

const SECRET: &str = "s3cr3t-T0KEN-value";

fn block_on<F: Future>(f: F) -> F::Output {
    let mut f = pin!(f);
    let mut cx = Context::from_waker(Waker::noop());
    for _ in 0..1000 {
        if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
    }
    panic!("future did not complete");
}

#[derive(Default)]
struct Fake {
    replies: RefCell<VecDeque<Result<HttpResponse, TransportError>>>,
    seen: RefCell<Vec<HttpRequest>>,
}

impl Fake {
    fn reply(&self, r: Result<HttpResponse, TransportError>) {
        self.replies.borrow_mut().push_back(r);
    }
    fn last(&self) -> HttpRequest {
        self.seen.borrow().last().cloned().unwrap()
    }
    fn count(&self) -> usize {
        self.seen.borrow().len()
    }
}

impl Transport for Fake {
    async fn send(&self, req: HttpRequest) -> Result<HttpResponse, TransportError> {
        let aborted = req.abort.as_ref().is_some_and(|a| a.is_aborted());
        let memo = req.memo.clone();
        self.seen.borrow_mut().push(req);
        if aborted {
            return Err(TransportError::Aborted);
        }
        let reply = self
            .replies
            .borrow_mut()
            .pop_front()
            .unwrap_or_else(|| Ok(conv_reply(1)));
        // A text transport applies the memo rules through `BodyMemo::apply`.
        match memo {
            Some(m) => reply.map(|r| m.apply(r)),
            None => reply,
        }
    }
}

fn conv_json(id: u64) -> serde_json::Value {
    json!({"id": id, "status": "inbox", "last_message": "hello", "last_message_date": 1_700_000_000,
           "token": SECRET, "toBlingerUser": {"extra_field_secret_key": SECRET}})
}

fn conv_reply(id: u64) -> HttpResponse {
    HttpResponse::new(
        200,
        json!({"status": 200, "data": conv_json(id)}).to_string(),
    )
}

fn list_reply() -> HttpResponse {
    HttpResponse::new(
        200,
        json!({"status": 200, "data": [conv_json(1), conv_json(2)]}).to_string(),
    )
}

fn client_with(config: ClientConfig) -> Client<Fake> {
    Client::new(config, Fake::default()).unwrap()
}

fn client(operator: Option<u64>) -> Client<Fake> {
    client_with(
        ClientConfig::new("https://api.test/", TokenSource::Fixed(Token::new(SECRET)))
            .with_operator(operator.map(OperatorId))
            .with_history_url(Some("/sandbox/conversations/{id}/messages".into())),
    )
}

fn assert_no_secret(req: &HttpRequest) {
    assert!(!req.url.contains(SECRET), "token in URL {}", req.url);
    assert!(
        !req.body.as_deref().unwrap_or("").contains(SECRET),
        "token in body"
    );
    assert!(
        !format!("{req:?}").contains(SECRET),
        "token in request Debug"
    );
    assert_eq!(req.header("Authentication"), Some(SECRET));
    assert_eq!(req.header("Authorization"), None);
}

fn check_post(req: &HttpRequest, path: &str, body: &str) {
    assert_eq!(req.method, Method::Post);
    assert_eq!(req.url, format!("https://api.test{path}"));
    assert_eq!(
        req.header("Content-Type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(req.body.as_deref(), Some(body));
    assert_eq!(req.timeout_ms, 15_000);
    assert_no_secret(req);
}

fn check_get(req: &HttpRequest, url: &str) {
    assert_eq!(req.method, Method::Get);
    assert_eq!(req.url, url);
    assert_eq!(req.body, None);
    assert_no_secret(req);
}

#[test]
fn actions_post_the_documented_form_fields() {
    let c = client(Some(7));
    let id = ConversationId(42);
    let f = c.transport();

    let conv = block_on(c.start(id)).unwrap();
    assert_eq!(conv.id, ConversationId(1));
    assert!(!format!("{conv:?}").contains(SECRET));
    check_post(
        &f.last(),
        "/api/conversations/start",
        "conversation_id=42&operator_id=7",
    );

    block_on(c.close(id)).unwrap();
    check_post(
        &f.last(),
        "/api/conversations/close",
        "conversation_id=42&operator_id=7",
    );

    block_on(c.unassign(id)).unwrap();
    check_post(
        &f.last(),
        "/api/conversations/unassign",
        "conversation_id=42&operator_id=7",
    );

    block_on(c.assign_operator(id, OperatorId(9))).unwrap();
    check_post(
        &f.last(),
        "/api/conversations/assign-operator",
        "conversation_id=42&operator_id=9",
    );

    block_on(c.assign_group(id, GroupId(3))).unwrap();
    check_post(
        &f.last(),
        "/api/conversations/assign-group",
        "conversation_id=42&group_id=3",
    );

    block_on(c.send_message(id, "Hi & bye = 100% ✓")).unwrap();
    check_post(
        &f.last(),
        "/api/conversations/send-message",
        "conversation_id=42&operator_id=7&text=Hi%20%26%20bye%20%3D%20100%25%20%E2%9C%93",
    );

    assert!(block_on(c.send_file_message(id, "https://files.test/a b.pdf")).is_err());
    block_on(c.send_file_message(id, "https://files.test/a.pdf?x=1&y=2")).unwrap();
    check_post(
        &f.last(),
        "/api/conversations/send-file-message",
        "conversation_id=42&operator_id=7&file_url=https%3A%2F%2Ffiles.test%2Fa.pdf%3Fx%3D1%26y%3D2",
    );

    block_on(c.send_note(id, "internal\nline")).unwrap();
    check_post(
        &f.last(),
        "/api/conversations/send-note",
        "conversation_id=42&operator_id=7&text=internal%0Aline",
    );
    assert_eq!(f.count(), 8);
}

#[test]
fn operator_id_is_omitted_when_not_configured_and_webhooks_only_when_asked() {
    let c = client(None);
    block_on(c.start(ConversationId(5))).unwrap();
    check_post(
        &c.transport().last(),
        "/api/conversations/start",
        "conversation_id=5",
    );
    let quiet = c.with_webhooks_disabled();
    block_on(quiet.send_message(ConversationId(5), "x")).unwrap();
    check_post(
        &c.transport().last(),
        "/api/conversations/send-message",
        "conversation_id=5&text=x&disable_webhook=1",
    );
}

#[test]
fn reads_use_get_with_query_parameters() {
    let c = client(Some(7));
    let f = c.transport();
    for (i, url) in [
        "https://api.test/api/conversations/unassigned",
        "https://api.test/api/conversations/unread?operator_id=7",
        "https://api.test/api/conversations/not-answered?operator_id=7",
    ]
    .iter()
    .enumerate()
    {
        f.reply(Ok(list_reply()));
        let l = match i {
            0 => block_on(c.unassigned()),
            1 => block_on(c.unread()),
            _ => block_on(c.not_answered()),
        }
        .unwrap();
        assert_eq!(l.items.len(), 2);
        check_get(&f.last(), url);
    }
    block_on(c.get(ConversationId(42))).unwrap();
    check_get(
        &f.last(),
        "https://api.test/api/conversations/get?conversation_id=42",
    );

    f.reply(Ok(HttpResponse::new(
        200,
        json!({"status":200,"data":[{"id":1,"user_id":2,"invite_email":"a@b.c","conversations_token":"zzz"}]})
            .to_string(),
    )));
    let ops = block_on(c.operators()).unwrap();
    assert_eq!(ops.items[0].id, OperatorId(1));
    check_get(&f.last(), "https://api.test/api/operators/all");

    f.reply(Ok(HttpResponse::new(
        200,
        json!({"status":200,"data":[{"id":1,"title":"T"}]}).to_string(),
    )));
    let groups = block_on(c.groups()).unwrap();
    assert_eq!(groups.items[0].title, "T");
    check_get(&f.last(), "https://api.test/api/operators/groups");

    f.reply(Ok(HttpResponse::new(
        200,
        json!({"status":200,"data":[{"id":1,"conversation_id":42,"kind":"client","text":"hi","date_created":1}]})
            .to_string(),
    )));
    let h = block_on(c.history(ConversationId(42))).unwrap().unwrap();
    assert_eq!(h.items.len(), 1);
    check_get(
        &f.last(),
        "https://api.test/sandbox/conversations/42/messages",
    );

    let c2 = client(None);
    c2.transport().reply(Ok(list_reply()));
    block_on(c2.unread()).unwrap();
    check_get(
        &c2.transport().last(),
        "https://api.test/api/conversations/unread",
    );
}

#[test]
fn history_absent_absolute_and_foreign() {
    let none = client_with(ClientConfig::new(
        "https://api.test",
        TokenSource::Fixed(Token::new(SECRET)),
    ));
    assert!(!none.has_history());
    assert_eq!(block_on(none.history(ConversationId(1))).unwrap(), None);
    assert_eq!(none.transport().count(), 0);

    let hist = |t: &str| {
        client_with(
            ClientConfig::new("https://api.test", TokenSource::Fixed(Token::new(SECRET)))
                .with_history_url(Some(t.into())),
        )
    };
    let ok_body = || Ok(HttpResponse::new(200, r#"{"status":200,"data":[]}"#));
    let same = hist("https://api.test/h/{id}");
    same.transport().reply(ok_body());
    block_on(same.history(ConversationId(3))).unwrap();
    assert_eq!(same.transport().last().url, "https://api.test/h/3");
    assert_eq!(
        same.transport().last().header("Authentication"),
        Some(SECRET)
    );

    let foreign = hist("https://elsewhere.test/h/{id}");
    foreign.transport().reply(ok_body());
    block_on(foreign.history(ConversationId(3))).unwrap();
    assert_eq!(
        foreign.transport().last().header("Authentication"),
        None,
        "token sent off-site"
    );

    let sneaky = hist("https://api.test.evil.test/h/{id}");
    sneaky.transport().reply(ok_body());
    block_on(sneaky.history(ConversationId(3))).unwrap();
    assert_eq!(
        sneaky.transport().last().header("Authentication"),
        None,
        "prefix trick"
    );
}

#[test]
fn config_validation() {
    let cfg = |b: &str| ClientConfig::new(b, TokenSource::None).validated();
    assert_eq!(
        cfg("https://app.blinger.io/").unwrap().base_url,
        "https://app.blinger.io"
    );
    assert_eq!(cfg("/proxy/").unwrap().base_url, "/proxy");
    assert_eq!(cfg("HTTP://x.test").unwrap().base_url, "HTTP://x.test");
    for bad in [
        "ftp://x",
        "javascript:alert(1)",
        "//evil.test",
        "x.test",
        "",
        "https://",
        "https://u:p@x.test",
        "https://x.test/?a",
        "https://x .test",
    ] {
        assert!(matches!(cfg(bad), Err(ConfigError::BaseUrl(_))), "{bad}");
    }
    let hist = |t: &str| {
        ClientConfig::new("/p", TokenSource::None)
            .with_history_url(Some(t.into()))
            .validated()
    };
    assert!(hist("/h/{id}").is_ok());
    assert!(hist("https://x.test/h/{id}").is_ok());
    assert_eq!(hist("  ").unwrap().history_url, None);
    assert!(matches!(
        hist("/h/messages"),
        Err(ConfigError::HistoryUrl(_))
    ));
    assert!(matches!(
        hist("javascript:{id}"),
        Err(ConfigError::HistoryUrl(_))
    ));
    assert!(matches!(
        ClientConfig::new("/p", TokenSource::None)
            .with_timeout_ms(0)
            .validated(),
        Err(ConfigError::Timeout)
    ));
    assert!(
        !ConfigError::BaseUrl("ftp://x".into())
            .to_string()
            .is_empty()
    );
}

#[test]
fn no_token_source_sends_no_header_and_relative_base_works() {
    let c = client_with(ClientConfig::new("/proxy", TokenSource::None));
    c.transport().reply(Ok(list_reply()));
    block_on(c.unassigned()).unwrap();
    let req = c.transport().last();
    assert_eq!(req.url, "/proxy/api/conversations/unassigned");
    assert_eq!(req.header("Authentication"), None);
}

#[test]
fn token_never_appears_in_errors_or_debug() {
    let c = client(Some(7));
    let f = c.transport();
    let failures: Vec<Result<HttpResponse, TransportError>> = vec![
        Ok(HttpResponse::new(
            401,
            r#"{"error":"Wrong token","status":401}"#,
        )),
        Ok(HttpResponse::new(
            400,
            r#"{"error":"Operator not found","status":400}"#,
        )),
        Ok(HttpResponse::new(500, "<html>oops</html>")),
        Ok(HttpResponse::new(200, "{truncated")),
        Err(TransportError::Timeout),
        Err(TransportError::Network("Failed to fetch".into())),
    ];
    for r in failures {
        f.reply(r);
        let e = block_on(c.send_message(ConversationId(1), "x")).unwrap_err();
        for s in [
            e.to_string(),
            format!("{e:?}"),
            blinger_inbox::i18n::error_text(&e, blinger_inbox::i18n::Locale::En),
        ] {
            assert!(!s.contains(SECRET), "{s}");
        }
    }
    assert!(!format!("{c:?}").contains(SECRET));
    assert!(!format!("{:?}", c.config()).contains(SECRET));
    assert_eq!(format!("{}", Token::new(SECRET)), "Token(***)");
    assert_eq!(
        format!("{:?}", TokenSource::Fixed(Token::new(SECRET))),
        "Fixed(Token(***))"
    );
}

#[test]
fn transport_errors_map_to_api_errors() {
    let c = client(None);
    let f = c.transport();
    f.reply(Err(TransportError::Timeout));
    assert_eq!(block_on(c.unassigned()).unwrap_err(), ApiError::Timeout);
    f.reply(Err(TransportError::Network("Failed to fetch".into())));
    assert_eq!(
        block_on(c.unassigned()).unwrap_err(),
        ApiError::Network {
            message: "Failed to fetch".into()
        }
    );
    f.reply(Err(TransportError::Aborted));
    assert_eq!(block_on(c.unassigned()).unwrap_err(), ApiError::Aborted);
}

#[test]
fn local_validation_refuses_before_sending() {
    let c = client(None);
    assert!(
        block_on(c.send_message(ConversationId(1), "   "))
            .unwrap_err()
            .is_definite_rejection()
    );
    assert!(
        block_on(c.send_note(ConversationId(1), ""))
            .unwrap_err()
            .is_definite_rejection()
    );
    assert!(
        block_on(c.send_file_message(ConversationId(1), "javascript:alert(1)"))
            .unwrap_err()
            .is_definite_rejection()
    );
    assert_eq!(c.transport().count(), 0);
}

fn provider_client(calls: Rc<Cell<u32>>) -> Client<Fake> {
    let provider: blinger_inbox::api::TokenProvider = Rc::new(move || {
        let calls = Rc::clone(&calls);
        Box::pin(async move {
            calls.set(calls.get() + 1);
            Ok(Token::new(format!("{SECRET}-{}", calls.get())))
        })
    });
    client_with(ClientConfig::new(
        "https://api.test",
        TokenSource::Provider(provider),
    ))
}

#[test]
fn provider_is_asked_again_and_get_retried_once_after_401() {
    let calls = Rc::new(Cell::new(0));
    let c = provider_client(Rc::clone(&calls));
    let f = c.transport();
    f.reply(Ok(HttpResponse::new(
        401,
        r#"{"error":"Token expired","status":401}"#,
    )));
    f.reply(Ok(list_reply()));
    let l = block_on(c.unassigned()).unwrap();
    assert_eq!(l.items.len(), 2);
    assert_eq!(calls.get(), 2);
    assert_eq!(f.count(), 2);
    assert_eq!(
        f.last().header("Authentication"),
        Some(format!("{SECRET}-2").as_str())
    );
    // The fresh token is cached.
    block_on(c.get(ConversationId(1))).unwrap();
    assert_eq!(calls.get(), 2);

    // Two 401s in a row: one retry only, then Unauthorized.
    f.reply(Ok(HttpResponse::new(
        401,
        r#"{"error":"Wrong token","status":401}"#,
    )));
    f.reply(Ok(HttpResponse::new(
        401,
        r#"{"error":"Wrong token","status":401}"#,
    )));
    let e = block_on(c.unread()).unwrap_err();
    assert_eq!(
        e,
        ApiError::Unauthorized {
            message: "Wrong token".into()
        }
    );
    assert_eq!(f.count(), 5);
}

#[test]
fn posts_are_never_retried_after_401() {
    let calls = Rc::new(Cell::new(0));
    let c = provider_client(Rc::clone(&calls));
    let f = c.transport();
    f.reply(Ok(HttpResponse::new(
        401,
        r#"{"error":"Token expired","status":401}"#,
    )));
    let e = block_on(c.send_message(ConversationId(1), "hello")).unwrap_err();
    assert!(e.is_unauthorized());
    assert_eq!(f.count(), 1, "a POST must not be repeated");
    // The next request asks the provider again.
    block_on(c.start(ConversationId(1))).unwrap();
    assert_eq!(calls.get(), 2);
}

#[test]
fn provider_failure_is_unauthorized_without_a_request() {
    let provider: blinger_inbox::api::TokenProvider =
        Rc::new(|| Box::pin(async { Err("signed out".to_owned()) }));
    let c = client_with(ClientConfig::new(
        "https://api.test",
        TokenSource::Provider(provider),
    ));
    assert_eq!(
        block_on(c.unassigned()).unwrap_err(),
        ApiError::Unauthorized {
            message: "signed out".into()
        }
    );
    assert_eq!(c.transport().count(), 0);
}

#[test]
fn fixed_token_401_is_not_retried() {
    let c = client(None);
    c.transport().reply(Ok(HttpResponse::new(
        401,
        r#"{"error":"Wrong token","status":401}"#,
    )));
    assert!(block_on(c.unassigned()).unwrap_err().is_unauthorized());
    assert_eq!(c.transport().count(), 1);
}

#[test]
fn abort_scope_cancels_its_requests_only() {
    let c = client(None);
    let (scoped, scope) = c.scoped();
    let (inner, inner_scope) = scoped.scoped();
    c.transport().reply(Ok(list_reply()));
    block_on(scoped.unassigned()).unwrap();
    assert!(!scope.is_aborted());
    drop(scope);
    assert!(
        inner_scope.is_aborted(),
        "nested scopes abort with their parent"
    );
    assert_eq!(
        block_on(scoped.unassigned()).unwrap_err(),
        ApiError::Aborted
    );
    assert_eq!(
        block_on(inner.get(ConversationId(1))).unwrap_err(),
        ApiError::Aborted
    );
    // The parent client is unaffected.
    c.transport().reply(Ok(list_reply()));
    block_on(c.unassigned()).unwrap();
    let (s2, scope2) = c.scoped();
    scope2.abort();
    assert_eq!(
        block_on(s2.start(ConversationId(1))).unwrap_err(),
        ApiError::Aborted
    );
}

fn listed_ids(p: Polled<blinger_inbox::api::Listed<blinger_inbox::api::Conversation>>) -> Vec<u64> {
    match p {
        Polled::New(l) => l.items.iter().map(|c| c.id.0).collect(),
        Polled::Same => panic!("expected a decoded answer"),
    }
}

#[test]
fn a_poll_with_an_identical_answer_is_not_decoded_again() {
    let c = client(Some(7));
    let memo = ListMemo::new();
    c.transport().reply(Ok(list_reply()));
    let first = block_on(c.poll_list(ListName::Unread, &memo)).unwrap();
    assert_eq!(listed_ids(first), vec![1, 2]);
    assert!(memo.is_armed());
    // The decoded elements are kept for the next, changed answer.
    assert_eq!(memo.cached_elements(), 2);
    check_get(
        &c.transport().last(),
        "https://api.test/api/conversations/unread?operator_id=7",
    );
    assert!(c.transport().last().memo.is_some());

    c.transport().reply(Ok(list_reply()));
    assert_eq!(
        block_on(c.poll_list(ListName::Unread, &memo)).unwrap(),
        Polled::Same
    );

    // One byte more is a new answer.
    let changed = HttpResponse::new(
        200,
        json!({"status": 200, "data": [conv_json(2)]}).to_string(),
    );
    c.transport().reply(Ok(changed.clone()));
    let third = block_on(c.poll_list(ListName::Unread, &memo)).unwrap();
    assert_eq!(listed_ids(third), vec![2]);
    assert_eq!(memo.cached_elements(), 1);
    c.transport().reply(Ok(changed));
    assert_eq!(
        block_on(c.poll_list(ListName::Unread, &memo)).unwrap(),
        Polled::Same
    );
}

#[test]
fn a_poll_memo_never_hides_an_error_or_a_lost_answer() {
    let c = client(None);
    let memo = ListMemo::new();
    // An error envelope under HTTP 200, twice: an error both times (never "unchanged").
    let envelope = HttpResponse::new(200, r#"{"status":500,"error":"Internal"}"#);
    for _ in 0..2 {
        c.transport().reply(Ok(envelope.clone()));
        assert!(block_on(c.poll_list(ListName::Unassigned, &memo)).is_err());
        assert!(!memo.is_armed());
    }

    c.transport().reply(Ok(list_reply()));
    assert!(matches!(
        block_on(c.poll_list(ListName::Unassigned, &memo)),
        Ok(Polled::New(_))
    ));
    // A failed request in between (the inbox then shows an error): the same bytes afterwards
    // are decoded again, so the error gives way to the list.
    c.transport().reply(Err(TransportError::Timeout));
    assert_eq!(
        block_on(c.poll_list(ListName::Unassigned, &memo)),
        Err(ApiError::Timeout)
    );
    c.transport().reply(Ok(list_reply()));
    assert!(matches!(
        block_on(c.poll_list(ListName::Unassigned, &memo)),
        Ok(Polled::New(_))
    ));
    // A non-2xx answer forgets the body.
    c.transport().reply(Ok(HttpResponse::new(503, "")));
    assert!(block_on(c.poll_list(ListName::Unassigned, &memo)).is_err());
    c.transport().reply(Ok(list_reply()));
    assert!(matches!(
        block_on(c.poll_list(ListName::Unassigned, &memo)),
        Ok(Polled::New(_))
    ));
    // Disarmed by its owner (the inbox patched the lists itself): decoded again.
    memo.disarm();
    c.transport().reply(Ok(list_reply()));
    assert!(matches!(
        block_on(c.poll_list(ListName::Unassigned, &memo)),
        Ok(Polled::New(_))
    ));
}

#[test]
fn poll_memos_belong_to_their_owner() {
    let c = client(None);
    let mine = ListMemo::new();
    let other = ListMemo::new();
    c.transport().reply(Ok(list_reply()));
    block_on(c.poll_list(ListName::Unassigned, &mine)).unwrap();
    // Another poller, and a plain read, of the same list: both get the whole answer...
    c.transport().reply(Ok(list_reply()));
    assert!(matches!(
        block_on(c.poll_list(ListName::Unassigned, &other)),
        Ok(Polled::New(_))
    ));
    c.transport().reply(Ok(list_reply()));
    assert_eq!(block_on(c.unassigned()).unwrap().items.len(), 2);
    assert!(c.transport().last().memo.is_none());
    // ...and leave the first poller's memory alone.
    c.transport().reply(Ok(list_reply()));
    assert_eq!(
        block_on(c.poll_list(ListName::Unassigned, &mine)).unwrap(),
        Polled::Same
    );
}
