//! Timeline merge invariants over random sequences.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::restriction)] // tests unwrap, index and panic

use std::collections::HashSet;

use blinger_inbox::api::wire::decode_history;
use blinger_inbox::api::{ApiError, ConversationId, HistoryMessage, HttpResponse, MessageKind};
use blinger_inbox::sync::{
    EntrySource, EntryState, ObservedMessage, Outbox, SendKind, TimelineEntry, merge,
};
use proptest::prelude::*;
use serde_json::json;

const C: ConversationId = ConversationId(7);

fn history(items: &[(u64, &str, &str, i64)]) -> Vec<HistoryMessage> {
    let data: Vec<_> = items
        .iter()
        .map(|(id, kind, text, at)| {
            json!({"id": id, "conversation_id": C.0, "kind": kind, "text": text, "date_created": at})
        })
        .collect();
    decode_history(&HttpResponse::new(
        200,
        json!({"status": 200, "data": data}).to_string(),
    ))
    .unwrap()
    .items
}

fn check_invariants(t: &[TimelineEntry]) -> Result<(), String> {
    let mut ids = HashSet::new();
    for e in t {
        if !ids.insert(e.id.clone()) {
            return Err(format!("duplicate id {}", e.id));
        }
    }
    let first_pending = t
        .iter()
        .position(|e| e.state.is_pending())
        .unwrap_or(t.len());
    if t[first_pending..].iter().any(|e| !e.state.is_pending()) {
        return Err("a settled entry after a pending one".into());
    }
    let settled = &t[..first_pending];
    let first_undated = settled
        .iter()
        .position(|e| e.at.is_none())
        .unwrap_or(settled.len());
    if settled[first_undated..].iter().any(|e| e.at.is_some()) {
        return Err("a dated entry after an undated one".into());
    }
    let dates: Vec<i64> = settled[..first_undated]
        .iter()
        .map(|e| e.at.unwrap())
        .collect();
    if dates.windows(2).any(|w| w[0] > w[1]) {
        return Err(format!("not sorted: {dates:?}"));
    }
    Ok(())
}

#[test]
fn merges_sorted_with_pending_last() {
    let h = history(&[(2, "message", "second", 20), (1, "client", "first", 10)]);
    let mut o = Outbox::new();
    let sent = o.enqueue(C, SendKind::Reply, "mine", 1_000);
    o.begin(sent, None, 1_000).unwrap();
    o.on_success(
        sent,
        &blinger_inbox::api::wire::decode_conversation(&HttpResponse::new(
            200,
            r#"{"status":200,"data":{"id":7,"last_message":"mine","last_message_date":30}}"#,
        ))
        .unwrap(),
    );
    let failed = o.enqueue(C, SendKind::Note, "oops", 2_000);
    o.begin(failed, None, 2_000).unwrap();
    o.on_error(
        failed,
        &ApiError::Forbidden,
        blinger_inbox::i18n::Locale::En,
    );
    let queued = o.enqueue(C, SendKind::Reply, "later", 3_000);
    let other = o.enqueue(ConversationId(8), SendKind::Reply, "elsewhere", 3_000);
    let observed = vec![ObservedMessage {
        conversation: C,
        text: "client again".into(),
        at: 25,
    }];
    let t = merge(C, &h, o.items(), &observed);
    let texts: Vec<&str> = t.iter().map(|e| e.text.as_deref().unwrap()).collect();
    assert_eq!(
        texts,
        vec!["first", "second", "client again", "mine", "oops", "later"]
    );
    let hooks: Vec<&str> = t.iter().map(|e| e.state.hook()).collect();
    assert_eq!(
        hooks,
        vec!["sent", "sent", "sent", "sent", "failed", "sending"]
    );
    assert_eq!(t[2].kind, MessageKind::Client);
    assert_eq!(t[4].kind, MessageKind::Note);
    assert!(
        t.iter()
            .all(|e| e.source != EntrySource::Local { local_id: other })
    );
    let _ = queued;
    check_invariants(&t).unwrap();
}

#[test]
fn local_send_disappears_once_history_has_it_and_observed_dedupes() {
    let mut o = Outbox::new();
    let id = o.enqueue(C, SendKind::Reply, "hello", 1_700_000_000_000);
    o.begin(id, None, 1_700_000_000_000).unwrap();
    o.on_success(id, &blinger_inbox::api::wire::decode_conversation(&HttpResponse::new(
        200,
        r#"{"status":200,"data":{"id":7,"last_message":"hello","last_message_date":1700000001}}"#,
    )).unwrap());
    let observed = vec![ObservedMessage {
        conversation: C,
        text: "hi".into(),
        at: 1_699_999_990,
    }];
    let before = merge(C, &[], o.items(), &observed);
    assert_eq!(before.len(), 2);
    let h = history(&[
        (1, "client", "hi", 1_699_999_990),
        (2, "message", "hello", 1_700_000_001),
    ]);
    let after = merge(C, &h, o.items(), &observed);
    assert_eq!(after.len(), 2, "{after:?}");
    assert!(
        after
            .iter()
            .all(|e| matches!(e.source, EntrySource::History { .. }))
    );
    // Pending items are never absorbed by history (the operator must see their state).
    let mut o2 = Outbox::new();
    let p = o2.enqueue(C, SendKind::Reply, "hello", 1_700_000_000_000);
    o2.begin(p, None, 1_700_000_000_000).unwrap();
    o2.on_error(p, &ApiError::Timeout, blinger_inbox::i18n::Locale::En);
    let t = merge(C, &h, o2.items(), &[]);
    assert_eq!(t.len(), 3);
    assert_eq!(t[2].state, EntryState::Sending);
}

#[derive(Clone, Debug)]
enum Op {
    Enqueue(u8, u8),
    Begin,
    Succeed(i64),
    Fail(bool),
    Reconcile(bool, i64),
    Retry,
    Discard,
    Observe(u8, i64),
    History(u8, u8, i64),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0u8..3, 0u8..4).prop_map(|(k, t)| Op::Enqueue(k, t)),
        Just(Op::Begin),
        (0i64..50).prop_map(Op::Succeed),
        any::<bool>().prop_map(Op::Fail),
        (any::<bool>(), 0i64..50).prop_map(|(m, t)| Op::Reconcile(m, t)),
        Just(Op::Retry),
        Just(Op::Discard),
        (0u8..4, 0i64..50).prop_map(|(t, at)| Op::Observe(t, at)),
        (0u8..4, 0u8..4, 0i64..50).prop_map(|(k, t, at)| Op::History(k, t, at)),
    ]
}

proptest! {
    #[test]
    fn timeline_invariants_over_random_sequences(ops in prop::collection::vec(op(), 0..60)) {
        let texts = ["a", "b", "c", "https://x.test/f.png"];
        let kinds = [SendKind::Reply, SendKind::File, SendKind::Note];
        let hkinds = ["client", "message", "file", "note"];
        let mut o = Outbox::new();
        let mut observed = Vec::new();
        let mut hist: Vec<(u64, &str, &str, i64)> = Vec::new();
        let mut now = 0u64;
        for op in ops {
            now += 1_000;
            let last = o.items().last().map(|i| i.local_id);
            let first = o.items().first().map(|i| i.local_id);
            match op {
                Op::Enqueue(k, t) => { o.enqueue(if t % 2 == 0 { C } else { ConversationId(8) }, kinds[k as usize], texts[t as usize], now); }
                Op::Begin => { for id in o.ready() { o.begin(id, None, now); } }
                Op::Succeed(at) => if let Some(id) = first {
                    let c = blinger_inbox::api::wire::decode_conversation(&HttpResponse::new(200,
                        json!({"status":200,"data":{"id":7,"last_message":"a","last_message_date":at}}).to_string())).unwrap();
                    o.on_success(id, &c);
                },
                Op::Fail(definite) => if let Some(id) = first {
                    o.on_error(id, &if definite { ApiError::NotFound } else { ApiError::Timeout }, blinger_inbox::i18n::Locale::En);
                },
                Op::Reconcile(matching, at) => if let Some((id, _)) = o.needs_reconcile(u64::MAX).first().copied() {
                    let text = if matching { o.item(id).unwrap().text.clone() } else { "zzz".into() };
                    let c = blinger_inbox::api::wire::decode_conversation(&HttpResponse::new(200,
                        json!({"status":200,"data":{"id":7,"last_message":text,"last_message_date":at,"is_operator_last_message":true}}).to_string())).unwrap();
                    let evidence = blinger_inbox::sync::outbox::Evidence { conversation: &c, history: None, me: None };
                    o.reconcile(id, &evidence, now, blinger_inbox::i18n::Locale::En);
                },
                Op::Retry => if let Some(id) = last { o.retry(id, blinger_inbox::i18n::Locale::En); },
                Op::Discard => if let Some(id) = first { o.discard(id); },
                Op::Observe(t, at) => observed.push(ObservedMessage { conversation: C, text: texts[t as usize].into(), at }),
                Op::History(k, t, at) => { let id = hist.len() as u64 % 5; hist.push((id, hkinds[k as usize], texts[t as usize], at)); }
            }
            let h = history(&hist);
            let t = merge(C, &h, o.items(), &observed);
            prop_assert!(check_invariants(&t).is_ok(), "{:?}\n{:?}", check_invariants(&t), t);
            // Every pending local item of this conversation is shown.
            for item in o.for_conversation(C) {
                if !item.state.is_sent() {
                    let lid = item.local_id;
                    let shown = t.iter().any(|e| e.source == EntrySource::Local { local_id: lid });
                    prop_assert!(shown, "pending item not shown");
                }
            }
            // Nothing of another conversation leaks in.
            let only_ours = t.iter().all(|e| match e.source {
                EntrySource::Local { local_id } => o.item(local_id).is_some_and(|i| i.conversation == C),
                _ => true,
            });
            prop_assert!(only_ours, "another conversation leaked in");
        }
    }
}
