//! The push channel's logic: the event-stream parser (against the WHATWG rules and any chunking),
//! what the gateway's events mean, the tab messages, the reconnect delay and follower liveness.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::restriction)] // tests unwrap, index and panic

use blinger_inbox::api::ConversationId;
use blinger_inbox::sync::push::{
    FOLLOWER_LIVE_MS, LineTooLong, Liveness, MAX_LINE_BYTES, PushEvent, RECONNECT_CAP_MS,
    Reconnect, SseEvent, SseItem, SseParser, TabMessage,
};
use proptest::prelude::*;

fn parse(chunks: &[&[u8]]) -> (Vec<SseItem>, Option<String>) {
    let mut p = SseParser::new();
    let mut out = Vec::new();
    for c in chunks {
        p.feed(c, &mut out).unwrap();
    }
    (out, p.last_event_id().map(str::to_owned))
}

fn ev(event: &str, data: &str) -> SseItem {
    SseItem::Event(SseEvent {
        event: event.to_owned(),
        data: data.to_owned(),
    })
}

/// What the gateway sends (gateway/src/stream.rs), byte for byte.
const GATEWAY: &[u8] = b"retry: 3000\nevent: ready\nid: 7-12\ndata: {}\n\n: keep-alive\n\n\
event: changed\nid: 7-13\ndata: {\"conversation_id\":42,\"seq\":13}\n\n";

#[test]
fn reads_what_the_gateway_sends() {
    let (items, last) = parse(&[GATEWAY]);
    assert_eq!(
        items,
        vec![
            SseItem::Retry(3000),
            ev("ready", "{}"),
            SseItem::Comment,
            ev("changed", r#"{"conversation_id":42,"seq":13}"#),
        ]
    );
    assert_eq!(last.as_deref(), Some("7-13"));
    assert_eq!(
        PushEvent::read(&SseEvent {
            event: "changed".into(),
            data: r#"{"conversation_id":42,"seq":13}"#.into()
        }),
        PushEvent::Changed(ConversationId(42))
    );
}

#[test]
fn line_ends_of_every_kind_and_split_crlf() {
    let (a, _) = parse(&[b"data: a\r\n\r\ndata: b\r\rdata: c\n\n"]);
    assert_eq!(
        a,
        vec![ev("message", "a"), ev("message", "b"), ev("message", "c")]
    );
    // A CR at the end of one chunk and the LF starting the next are one line end, not two
    // (two would dispatch an event early).
    let (b, _) = parse(&[b"data: x\r", b"\ndata: y\r", b"\n\r", b"\n"]);
    assert_eq!(b, vec![ev("message", "x\ny")]);
    // An empty chunk between the CR and the LF changes nothing (found by the property below).
    let (c, _) = parse(&[b"event: ready\r", b"", b"\ndata: {}\r\n\r\n"]);
    assert_eq!(c, vec![ev("ready", "{}")]);
}

#[test]
fn multi_line_data_comments_unknown_fields_and_no_space() {
    let (items, _) = parse(&[b"data:one\ndata:  two\nfoo: bar\n:comment\nevent:x\n\n"]);
    assert_eq!(items, vec![SseItem::Comment, ev("x", "one\n two")]);
}

#[test]
fn a_block_without_data_dispatches_nothing_but_keeps_its_id() {
    let (items, last) = parse(&[b"id: 5\nevent: ready\n\n"]);
    assert!(items.is_empty());
    assert_eq!(last.as_deref(), Some("5"));
    // An id with NUL is ignored; an empty id clears it.
    let (_, last) = parse(&[b"id: 5\ndata: a\n\nid: a\0b\ndata: b\n\n"]);
    assert_eq!(last.as_deref(), Some("5"));
    let (_, last) = parse(&[b"id: 5\ndata: a\n\nid\ndata: b\n\n"]);
    assert_eq!(last, None);
}

#[test]
fn retry_must_be_digits() {
    let (items, _) = parse(&[b"retry: 12x\nretry: \nretry: 250\n"]);
    assert_eq!(items, vec![SseItem::Retry(250)]);
}

#[test]
fn a_bom_is_skipped_even_split_and_an_unfinished_event_is_not_dispatched() {
    let (items, _) = parse(&[b"\xEF", b"\xBB", b"\xBFdata: a\n\ndata: b"]);
    assert_eq!(items, vec![ev("message", "a")]);
}

#[test]
fn a_line_that_never_ends_is_refused() {
    let mut p = SseParser::new();
    let mut out = Vec::new();
    let chunk = vec![b'x'; 4096];
    let mut failed = false;
    for _ in 0..=(MAX_LINE_BYTES / 4096) {
        if p.feed(&chunk, &mut out) == Err(LineTooLong) {
            failed = true;
            break;
        }
    }
    assert!(failed);
}

#[test]
fn events_the_widget_reads() {
    let e = |event: &str, data: &str| {
        PushEvent::read(&SseEvent {
            event: event.into(),
            data: data.into(),
        })
    };
    assert_eq!(e("ready", ""), PushEvent::Ready);
    assert_eq!(e("resync", "{}"), PushEvent::Resync);
    // A garbled announcement still refreshes (everything), never nothing.
    assert_eq!(e("changed", "not json"), PushEvent::Resync);
    assert_eq!(
        e("changed", r#"{"conversation_id":"7"}"#),
        PushEvent::Resync
    );
    assert_eq!(e("message", "x"), PushEvent::Other);
}

#[test]
fn tab_messages_round_trip_and_foreign_strings_are_ignored() {
    for m in [
        TabMessage::Live,
        TabMessage::Down,
        TabMessage::Resync,
        TabMessage::Ask,
        TabMessage::Changed(ConversationId(u64::MAX)),
    ] {
        assert_eq!(TabMessage::decode(&m.encode()), Some(m));
    }
    for s in ["", "changed:", "changed:-1", "outbox:1", "LIVE"] {
        assert_eq!(TabMessage::decode(s), None, "{s}");
    }
}

#[test]
fn reconnect_grows_jittered_to_the_cap_and_starts_over_once_connected() {
    let mut r = Reconnect::new(1);
    r.set_base(3000);
    let first = r.next_delay();
    assert!((1500..=3000).contains(&first), "{first}");
    let second = r.next_delay();
    assert!((3000..=6000).contains(&second), "{second}");
    let third = r.next_delay();
    assert!((6000..=12_000).contains(&third), "{third}");
    r.next_delay(); // 24 s step
    for _ in 0..40 {
        let d = r.next_delay();
        assert!(
            (RECONNECT_CAP_MS / 2..=RECONNECT_CAP_MS).contains(&d),
            "{d}"
        );
    }
    r.connected();
    assert!(r.next_delay() <= 3000);
    // A silly retry: is kept in bounds.
    r.set_base(0);
    r.connected();
    assert!(r.next_delay() >= 125);
}

#[test]
fn a_follower_calls_the_stream_live_only_while_it_hears_the_holder() {
    let mut l = Liveness::default();
    assert!(!l.is_live(0));
    l.hear(TabMessage::Ask, 0);
    assert!(
        !l.heard(),
        "another follower's question says nothing of the stream"
    );
    l.hear(TabMessage::Live, 1_000);
    assert!(l.is_live(1_000 + FOLLOWER_LIVE_MS));
    assert!(
        !l.is_live(1_001 + FOLLOWER_LIVE_MS),
        "a silent holder is not live"
    );
    l.hear(TabMessage::Changed(ConversationId(1)), 50_000);
    assert!(l.is_live(60_000));
    l.hear(TabMessage::Down, 60_000);
    assert!(!l.is_live(60_000));
}

proptest! {
    /// However `fetch` cuts the bytes, the same events come out.
    #[test]
    fn any_chunking_gives_the_same_events(cuts in proptest::collection::vec(0usize..200, 0..12),
                                          crlf in any::<bool>()) {
        let text: Vec<u8> = if crlf {
            String::from_utf8_lossy(GATEWAY).replace('\n', "\r\n").into_bytes()
        } else {
            GATEWAY.to_vec()
        };
        let whole = parse(&[&text]);
        let mut points: Vec<usize> = cuts.into_iter().map(|c| c % (text.len() + 1)).collect();
        points.sort_unstable();
        let mut chunks: Vec<&[u8]> = Vec::new();
        let mut at = 0;
        for p in points {
            chunks.push(&text[at..p]);
            at = p;
        }
        chunks.push(&text[at..]);
        prop_assert_eq!(parse(&chunks), whole);
    }

    /// Bytes of any kind never panic the parser.
    #[test]
    fn arbitrary_bytes_never_panic(chunks in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..64), 0..8)) {
        let mut p = SseParser::new();
        let mut out = Vec::new();
        for c in &chunks {
            let _ = p.feed(c, &mut out);
        }
        for item in &out {
            if let SseItem::Event(e) = item {
                let _ = PushEvent::read(e);
            }
        }
    }
}
