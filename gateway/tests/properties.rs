//! Property tests of the two functions every webhook and every answer pass through: the webhook
//! parser (any JSON, under every event: no panic, and what it keeps is well formed) and the
//! secret stripping (any JSON: no secret key survives at any depth, nothing else is removed).
#![allow(clippy::restriction)] // tests unwrap, index and panic

use blinger_api::MessageKind;
use blinger_api::secrets::{is_secret_key, strip_secrets};
use blinger_gateway::webhook_parse::{EventKind, KNOWN_EVENTS, event_kind, event_name, parse};
use proptest::prelude::*;
use serde_json::{Value, json};

/// Any JSON, with the keys Blinger's payloads and answers use (secrets among them) likely.
fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<u64>().prop_map(|n| json!(n)),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| json!(f)),
        ".{0,12}".prop_map(Value::String),
        prop_oneof![
            Just("1"),
            Just("0"),
            Just("true"),
            Just("note"),
            Just("file"),
            Just("client"),
            Just("7")
        ]
        .prop_map(|s| Value::String(s.to_owned())),
    ];
    leaf.prop_recursive(5, 96, 8, |inner| {
        let keys = prop_oneof![
            Just("webhook".to_owned()),
            Just("conversation".to_owned()),
            Just("message".to_owned()),
            Just("comment".to_owned()),
            Just("messages".to_owned()),
            Just("operator".to_owned()),
            Just("id".to_owned()),
            Just("conversation_id".to_owned()),
            Just("operator_id".to_owned()),
            Just("type".to_owned()),
            Just("text".to_owned()),
            Just("file_url".to_owned()),
            Just("is_inner".to_owned()),
            Just("date_created".to_owned()),
            Just("from_user_name".to_owned()),
            Just("from_user_id".to_owned()),
            Just("from_blinger_user_id".to_owned()),
            Just("token".to_owned()),
            Just("conversations_token".to_owned()),
            Just("extra_field_secret_key".to_owned()),
            Just("webhook_secret".to_owned()),
            "[a-z_]{1,10}",
        ];
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(keys, inner, 0..8)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A payload shaped like a webhook (a known event name and a message object), its members any
/// JSON: reaches the parser's field readers far more often than free JSON does.
fn arb_payload() -> impl Strategy<Value = Value> {
    let names: Vec<&'static str> = KNOWN_EVENTS.iter().map(|(n, _)| *n).collect();
    (
        prop::sample::select(names),
        arb_json(),
        arb_json(),
        arb_json(),
        prop::collection::vec(arb_json(), 0..4),
    )
        .prop_map(|(name, conversation, message, operator, messages)| {
            json!({
                "webhook": name,
                "conversation": conversation,
                "message": message,
                "operator": operator,
                "messages": messages,
            })
        })
}

/// Every object key at any depth, with its path.
fn keys(value: &Value, path: &str, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                out.push(format!("{path}/{k}"));
                keys(v, &format!("{path}/{k}"), out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                keys(v, &format!("{path}/{i}"), out);
            }
        }
        _ => {}
    }
}

fn check_parsed(payload: &Value, event: EventKind) -> Result<(), TestCaseError> {
    let parsed = parse(payload, event, 1_700_000_000);
    // Same payload, same answer (the dedupe keys are stored: they must not vary).
    prop_assert_eq!(&parsed, &parse(payload, event, 1_700_000_000));
    if event == EventKind::Other {
        prop_assert!(parsed.messages.is_empty());
    }
    for m in &parsed.messages {
        prop_assert!(m.message.conversation_id > 0);
        prop_assert!(
            m.key
                .strip_prefix("id:")
                .is_some_and(|n| n.parse::<u64>().is_ok_and(|n| n > 0))
                || m.key.strip_prefix("hash:").is_some_and(|h| h.len() == 16),
            "key {}",
            m.key
        );
        match &m.message.kind {
            MessageKind::Client => prop_assert_eq!(m.message.operator_id, None),
            MessageKind::File => prop_assert!(m.message.text.is_none()),
            _ => prop_assert!(m.message.from_user_name.is_none()),
        }
        if event == EventKind::Incoming && m.message.kind != MessageKind::Note {
            prop_assert_eq!(&m.message.kind, &MessageKind::Client);
        }
        if event == EventKind::Outgoing {
            prop_assert_ne!(&m.message.kind, &MessageKind::Client);
        }
        for text in [&m.message.text, &m.message.file_url].into_iter().flatten() {
            prop_assert!(!text.is_empty());
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn any_json_under_any_event_parses_without_panic(v in arb_json()) {
        for event in [EventKind::Incoming, EventKind::Outgoing, EventKind::Closed, EventKind::Other] {
            check_parsed(&v, event)?;
        }
        // The name lookup takes whatever `webhook` holds.
        let _ = event_name(&v).and_then(event_kind);
    }

    #[test]
    fn webhook_shaped_payloads_parse_to_well_formed_history(p in arb_payload()) {
        let event = event_name(&p).and_then(event_kind).expect("a known name");
        check_parsed(&p, event)?;
    }

    #[test]
    fn no_secret_key_survives_and_nothing_else_goes(v in arb_json()) {
        let mut before = Vec::new();
        keys(&v, "", &mut before);
        let mut stripped = v.clone();
        let removed = strip_secrets(&mut stripped);
        let mut after = Vec::new();
        keys(&stripped, "", &mut after);
        for path in &after {
            let key = path.rsplit('/').next().unwrap_or("");
            prop_assert!(!is_secret_key(key), "{} survived", path);
            prop_assert!(before.contains(path));
        }
        // What went: the secret keys themselves (each counted once) and what was inside them.
        let secret_roots: Vec<&String> = before
            .iter()
            .filter(|p| is_secret_key(p.rsplit('/').next().unwrap_or("")))
            .filter(|p| !before.iter().any(|q| q != *p && p.starts_with(&format!("{q}/")) && is_secret_key(q.rsplit('/').next().unwrap_or(""))))
            .collect();
        prop_assert_eq!(removed, secret_roots.len());
        for path in &before {
            let inside_secret = secret_roots.iter().any(|r| path == *r || path.starts_with(&format!("{r}/")));
            prop_assert_eq!(after.contains(path), !inside_secret, "{}", path);
        }
        // Stripping twice changes nothing more.
        let mut again = stripped.clone();
        prop_assert_eq!(strip_secrets(&mut again), 0);
        prop_assert_eq!(again, stripped);
    }
}

/// The deepest answer serde_json reads (its recursion limit is 128) is stripped at every level.
#[test]
fn the_deepest_readable_answer_is_stripped_at_every_level() {
    let depth = 126;
    let text = format!(
        "{}{{\"token\":\"t\",\"x\":1}}{}",
        "{\"conversations_token\":\"c\",\"next\":".repeat(depth),
        "}".repeat(depth)
    );
    let mut v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(strip_secrets(&mut v), depth + 1);
    let mut node = &v;
    while let Some(next) = node.get("next") {
        assert!(node.get("conversations_token").is_none());
        node = next;
    }
    assert_eq!(node, &json!({"x": 1}));
}
