//! The outbox state machine, for every outcome.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::restriction)] // tests unwrap, index and panic

use blinger_inbox::api::wire::decode_conversation;
use blinger_inbox::api::{ApiError, Conversation, ConversationId, HttpResponse};
use blinger_inbox::sync::outbox::{Evidence, LocalId};
use blinger_inbox::sync::{Outbox, SendKind, SendState};
use serde_json::{Value, json};

fn conv(v: Value) -> Conversation {
    decode_conversation(&HttpResponse::new(
        200,
        json!({"status": 200, "data": v}).to_string(),
    ))
    .unwrap()
}

/// The conversation after an operator's message `text` at `at`.
fn seen(text: &str, at: i64) -> Conversation {
    conv(
        json!({"id": 1, "last_message": text, "last_message_date": at,
        "is_operator_last_message": true}),
    )
}

/// Every check of an unknown outcome (the backoff's waits skipped) against `c`, until the item
/// leaves NeedsReconcile; its state then.
fn settle(o: &mut Outbox, id: LocalId, c: &Conversation) -> Option<SendState> {
    let evidence = Evidence {
        conversation: c,
        history: None,
        me: None,
    };
    let mut state = None;
    for _ in 0..10 {
        state = o.reconcile(id, &evidence, u64::MAX / 2, blinger_inbox::i18n::Locale::En);
        if !matches!(state, Some(SendState::NeedsReconcile { .. })) {
            break;
        }
    }
    state
}

const C1: ConversationId = ConversationId(1);
const NOW_MS: u64 = 1_700_000_000_000;

/// An outbox holding one `kind` send of `text`, begun with `baseline` as the conversation seen
/// before it, whose POST then failed with `error` (a definite rejection or an unknown outcome,
/// as `error` says).
fn failed_post(
    kind: SendKind,
    text: &str,
    baseline: Option<&Conversation>,
    error: &ApiError,
) -> (Outbox, LocalId) {
    let mut o = Outbox::new();
    let id = o.enqueue(C1, kind, text, NOW_MS);
    o.begin(id, baseline, NOW_MS).unwrap();
    o.on_error(id, error, blinger_inbox::i18n::Locale::En);
    (o, id)
}

#[test]
fn success_goes_sent() {
    let mut o = Outbox::new();
    let id = o.enqueue(C1, SendKind::Reply, "hello", NOW_MS);
    assert_eq!(o.item(id).unwrap().state, SendState::Queued);
    assert_eq!(o.item(id).unwrap().state.hook(), "sending");
    let job = o
        .begin(id, Some(&seen("before", 1_699_999_000)), NOW_MS)
        .unwrap();
    assert_eq!(
        (job.conversation, job.kind, job.text.as_str()),
        (C1, SendKind::Reply, "hello")
    );
    assert_eq!(o.item(id).unwrap().state, SendState::Sending);
    assert!(o.begin(id, None, NOW_MS).is_none(), "cannot begin twice");
    o.on_success(id, &seen("hello", 1_700_000_001));
    assert_eq!(
        o.item(id).unwrap().state,
        SendState::Sent {
            server_time: Some(1_700_000_001)
        }
    );
    assert_eq!(o.item(id).unwrap().state.hook(), "sent");
}

#[test]
fn definite_rejection_fails_with_the_servers_message() {
    for e in [
        ApiError::Validation {
            message: Some("The conversation was assigned to another operator".into()),
            fields: vec![],
        },
        ApiError::Unauthorized {
            message: "Wrong token".into(),
        },
        ApiError::Forbidden,
        ApiError::NotFound,
    ] {
        let (o, id) = failed_post(SendKind::Note, "n", None, &e);
        match &o.item(id).unwrap().state {
            SendState::Failed { message } => assert_eq!(
                message,
                &blinger_inbox::i18n::error_text(&e, blinger_inbox::i18n::Locale::En)
            ),
            other => panic!("{e:?} → {other:?}"),
        }
        assert!(o.needs_reconcile(0).is_empty());
        assert_eq!(o.item(id).unwrap().state.hook(), "failed");
    }
}

#[test]
fn unknown_outcomes_reconcile_never_resend() {
    for e in [
        ApiError::Timeout,
        ApiError::Server { status: 503 },
        ApiError::Network {
            message: "x".into(),
        },
        ApiError::Decode {
            path: String::new(),
            message: "bad".into(),
        },
        ApiError::RateLimited {
            retry_after_secs: Some(3),
        },
        ApiError::Aborted,
    ] {
        let (mut o, id) = failed_post(
            SendKind::Reply,
            "hello",
            Some(&seen("before", 1_699_999_000)),
            &e,
        );
        assert!(
            matches!(o.item(id).unwrap().state, SendState::NeedsReconcile { .. }),
            "{e:?}"
        );
        assert_eq!(o.needs_reconcile(0), vec![(id, C1)]);
        assert!(o.ready().is_empty(), "never resent automatically");
        assert!(o.begin(id, None, NOW_MS).is_none());
    }
}

#[test]
fn reconcile_to_sent_when_last_message_matches_and_is_newer() {
    let (mut o, id) = failed_post(
        SendKind::Reply,
        "hello ",
        Some(&seen("before", 1_699_999_000)),
        &ApiError::Timeout,
    );
    let s = settle(&mut o, id, &seen("hello", 1_700_000_002)).unwrap();
    assert_eq!(
        s,
        SendState::Sent {
            server_time: Some(1_700_000_002)
        }
    );
}

#[test]
fn reconcile_to_unconfirmed_on_mismatch_or_old_date_or_failed_get() {
    // (case, kind, text, the conversation before sending, the POST's error, the conversation
    // the check sees, whether the message there is ours)
    let url = "https://f.test/a.png";
    let cases = [
        (
            "different text",
            SendKind::Reply,
            "hello",
            Some(seen("before", 1_699_999_000)),
            ApiError::Timeout,
            seen("other", 1_700_000_002),
            false,
        ),
        (
            "same text and date as the message already there before sending",
            SendKind::Reply,
            "ok",
            Some(seen("ok", 1_699_999_000)),
            ApiError::Server { status: 502 },
            seen("ok", 1_699_999_000),
            false,
        ),
        (
            "same second as the baseline but a different previous text",
            SendKind::Reply,
            "ok",
            Some(seen("question?", 1_700_000_000)),
            ApiError::Server { status: 502 },
            seen("ok", 1_700_000_000),
            true,
        ),
        (
            "no baseline, a date within the clock-skew window",
            SendKind::File,
            url,
            None,
            ApiError::Timeout,
            seen(url, 1_699_999_990),
            true,
        ),
        (
            "no baseline, an older date",
            SendKind::File,
            url,
            None,
            ApiError::Timeout,
            seen(url, 1_699_990_000),
            false,
        ),
    ];
    for (case, kind, text, baseline, error, then, ours) in cases {
        let (mut o, id) = failed_post(kind, text, baseline.as_ref(), &error);
        let state = settle(&mut o, id, &then);
        if ours {
            assert!(
                matches!(state, Some(SendState::Sent { .. })),
                "{case}: {state:?}"
            );
        } else {
            assert!(
                matches!(state, Some(SendState::Unconfirmed { .. })),
                "{case}: {state:?}"
            );
            assert_eq!(o.item(id).unwrap().state.hook(), "unconfirmed", "{case}");
        }
    }

    // The get itself failed.
    let (mut o, id) = failed_post(SendKind::Reply, "hello", None, &ApiError::Timeout);
    for n in 0..=blinger_inbox::sync::outbox::RECONCILE_BACKOFF_MS.len() {
        assert!(
            matches!(o.item(id).unwrap().state, SendState::NeedsReconcile { .. }),
            "check {n}"
        );
        o.reconcile_failed(
            id,
            &ApiError::Network {
                message: "offline".into(),
            },
            0,
            blinger_inbox::i18n::Locale::En,
        );
    }
    assert!(matches!(
        o.item(id).unwrap().state,
        SendState::Unconfirmed { .. }
    ));
}

#[test]
fn retry_requeues_at_the_end_and_discard_removes() {
    let mut o = Outbox::new();
    let a = o.enqueue(C1, SendKind::Reply, "a", NOW_MS);
    o.begin(a, None, NOW_MS).unwrap();
    o.on_error(a, &ApiError::Forbidden, blinger_inbox::i18n::Locale::En);
    let b = o.enqueue(C1, SendKind::Reply, "b", NOW_MS + 1);
    assert_eq!(
        o.ready(),
        vec![b],
        "a failed item does not block later ones"
    );
    assert!(
        !o.retry(b, blinger_inbox::i18n::Locale::En),
        "only failed/unconfirmed items can be retried"
    );
    assert!(o.retry(a, blinger_inbox::i18n::Locale::En));
    assert_eq!(o.item(a).unwrap().state, SendState::Queued);
    let order: Vec<_> = o.items().iter().map(|i| i.local_id).collect();
    assert_eq!(order, vec![b, a]);
    assert_eq!(o.ready(), vec![b]);
    o.begin(b, None, NOW_MS).unwrap();
    assert!(
        o.discard(b).is_none(),
        "an in-flight item cannot be discarded"
    );
    assert!(o.discard(a).is_some());
    assert!(o.item(a).is_none());
}

#[test]
fn per_conversation_order() {
    let mut o = Outbox::new();
    let a1 = o.enqueue(C1, SendKind::Reply, "1", NOW_MS);
    let a2 = o.enqueue(C1, SendKind::Reply, "2", NOW_MS);
    let b1 = o.enqueue(ConversationId(2), SendKind::Note, "x", NOW_MS);
    assert_eq!(o.ready(), vec![a1, b1]);
    assert!(o.begin(a2, None, NOW_MS).is_none(), "a2 waits for a1");
    o.begin(a1, None, NOW_MS).unwrap();
    assert_eq!(o.ready(), vec![b1]);
    o.on_error(a1, &ApiError::Timeout, blinger_inbox::i18n::Locale::En);
    assert_eq!(o.ready(), vec![b1], "a2 waits for a1's first check");
    settle(&mut o, a1, &seen("1", 1_800_000_000));
    assert_eq!(o.ready(), vec![a2, b1]);

    // A first check that does not show it lets the later items go while it is checked again.
    let mut o = Outbox::new();
    let a1 = o.enqueue(C1, SendKind::Reply, "1", NOW_MS);
    let a2 = o.enqueue(C1, SendKind::Reply, "2", NOW_MS);
    o.begin(a1, None, NOW_MS).unwrap();
    o.on_error(a1, &ApiError::Timeout, blinger_inbox::i18n::Locale::En);
    let e = Evidence {
        conversation: &seen("other", 1),
        history: None,
        me: None,
    };
    let s = o
        .reconcile(a1, &e, 0, blinger_inbox::i18n::Locale::En)
        .unwrap();
    assert!(
        matches!(s, SendState::NeedsReconcile { checks: 1, .. }),
        "{s:?}"
    );
    assert_eq!(o.ready(), vec![a2]);
}

#[test]
fn survives_serialisation_and_reload() {
    let mut o = Outbox::new();
    let a = o.enqueue(C1, SendKind::Reply, "in flight", NOW_MS);
    let b = o.enqueue(
        ConversationId(2),
        SendKind::File,
        "https://x.test/f",
        NOW_MS,
    );
    o.begin(a, Some(&seen("prev", 5)), NOW_MS).unwrap();
    let json = serde_json::to_string(&o).unwrap();
    let back: Outbox = Outbox::from_stored(&json)
        .unwrap()
        .0
        .restored(blinger_inbox::i18n::Locale::En);
    assert!(matches!(
        back.item(a).unwrap().state,
        SendState::NeedsReconcile { .. }
    ));
    assert_eq!(back.item(b).unwrap().state, SendState::Queued);
    assert_eq!(back.item(a).unwrap().baseline_date, Some(5));
    let mut back = back;
    let c = back.enqueue(C1, SendKind::Reply, "new", NOW_MS);
    assert!(c != a && c != b, "ids stay unique after reload");
    assert!(!json.contains("token"));
}

#[test]
fn prune_sent_keeps_pending() {
    let mut o = Outbox::new();
    let a = o.enqueue(C1, SendKind::Reply, "a", 0);
    o.begin(a, None, 0).unwrap();
    o.on_success(a, &seen("a", 1));
    let b = o.enqueue(C1, SendKind::Reply, "b", 0);
    o.prune_sent(10_000, 1_000);
    assert!(o.item(a).is_none());
    assert!(o.item(b).is_some());
}

mod job {
    use std::future::Future;
    use std::pin::pin;
    use std::task::{Context, Poll, Waker};

    use blinger_inbox::api::{
        Client, ClientConfig, ConversationId, HttpRequest, HttpResponse, Token, TokenSource,
        Transport, TransportError,
    };
    use blinger_inbox::sync::{Outbox, SendKind, SendState};

    struct Echo(std::cell::RefCell<Vec<String>>);

    impl Transport for Echo {
        async fn send(&self, req: HttpRequest) -> Result<HttpResponse, TransportError> {
            self.0.borrow_mut().push(req.url.clone());
            Ok(HttpResponse::new(
                200,
                r#"{"status":200,"data":{"id":1,"last_message":"x","last_message_date":5}}"#,
            ))
        }
    }

    fn block_on<F: Future>(f: F) -> F::Output {
        let mut f = pin!(f);
        match f.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
            Poll::Ready(v) => v,
            Poll::Pending => panic!("pending"),
        }
    }

    #[test]
    fn jobs_call_the_matching_endpoint() {
        let client = Client::new(
            ClientConfig::new("https://a.test", TokenSource::Fixed(Token::new("t"))),
            Echo(Default::default()),
        )
        .unwrap();
        let mut o = Outbox::new();
        for (kind, text) in [
            (SendKind::Reply, "x"),
            (SendKind::File, "https://f.test/x"),
            (SendKind::Note, "n"),
        ] {
            let id = o.enqueue(ConversationId(1), kind, text, 0);
            let job = o.begin(id, None, 0).unwrap();
            let conv = block_on(job.send(&client)).unwrap();
            o.on_success(id, &conv);
            assert_eq!(
                o.item(id).unwrap().state,
                SendState::Sent {
                    server_time: Some(5)
                }
            );
        }
        let urls = client.transport().0.borrow().clone();
        assert_eq!(
            urls,
            vec![
                "https://a.test/api/conversations/send-message",
                "https://a.test/api/conversations/send-file-message",
                "https://a.test/api/conversations/send-note",
            ]
        );
    }
}
