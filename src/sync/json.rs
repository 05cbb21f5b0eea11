//! Readers over a parsed [`serde_json::Value`] with the rules of `#[derive(Deserialize)]`: a
//! required field must be present and of its type, an `Option` field may be missing or `null`,
//! unknown fields are ignored, and an enum is `"Unit"`, `{"Unit": null}` or `{"Variant": {…}}`.
//! One difference: a struct written as an array of its fields (which the derive also took) is
//! not read; nothing writes that form (the widget stores objects).
//!
//! Why by hand: what the widget stores (outbox, drafts) and `app-config.json` are read through
//! the `Value` parser the API layer already has, so the wasm carries no serde-derived
//! deserializer per type. Every reader returns `None` for input the derive would reject.

use serde_json::{Map, Value};

/// The object `v` is.
pub(crate) fn object(v: &Value) -> Option<&Map<String, Value>> {
    v.as_object()
}

/// A field that may be missing or `null`: `Some(None)` then, `None` when it has the wrong type.
pub(crate) fn optional<'a, T>(
    o: &'a Map<String, Value>,
    key: &str,
    read: impl FnOnce(&'a Value) -> Option<T>,
) -> Option<Option<T>> {
    match o.get(key) {
        None | Some(Value::Null) => Some(None),
        Some(v) => read(v).map(Some),
    }
}

/// A required `u64` field.
pub(crate) fn u64_field(o: &Map<String, Value>, key: &str) -> Option<u64> {
    o.get(key).and_then(Value::as_u64)
}

/// A required string field.
pub(crate) fn str_field<'a>(o: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    o.get(key).and_then(Value::as_str)
}

/// An externally tagged enum value: the variant's name and its content (`None` for the plain
/// string form).
pub(crate) fn variant(v: &Value) -> Option<(&str, Option<&Value>)> {
    match v {
        Value::String(name) => Some((name.as_str(), None)),
        Value::Object(o) if o.len() == 1 => o.iter().next().map(|(k, v)| (k.as_str(), Some(v))),
        _ => None,
    }
}

/// The content of a unit variant is absent or `null`.
pub(crate) fn is_unit(content: Option<&Value>) -> bool {
    matches!(content, None | Some(Value::Null))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    //! The hand-written readers accept and reject what the serde derives they replaced did.

    use serde::Deserialize;

    use crate::api::ConversationId;
    use crate::sync::{Drafts, Outbox, OutboxItem, SendKind};

    /// The derive `Outbox` had (`OutboxItem` still derives `Deserialize`; its `next_id` is no
    /// longer read: ids are random).
    #[derive(Deserialize, Debug, PartialEq)]
    struct DerivedOutbox {
        items: Vec<OutboxItem>,
    }

    /// The derive drafts' `Entry` had.
    #[derive(Deserialize)]
    struct DerivedEntry {
        conversation: ConversationId,
        mode: SendKind,
        text: String,
    }

    const ITEM: &str =
        r#"{"local_id":3,"conversation":7,"kind":"Reply","text":"hi","created_at":5"#;

    fn outboxes() -> Vec<String> {
        let states = [
            r#""Queued""#,
            r#"{"Queued":null}"#,
            r#"{"Queued":{}}"#,
            r#""Sending""#,
            r#"{"NeedsReconcile":{"reason":"r"}}"#,
            r#""NeedsReconcile""#,
            r#"{"NeedsReconcile":{}}"#,
            r#"{"NeedsReconcile":{"reason":1}}"#,
            r#"{"Sent":{"server_time":-4}}"#,
            r#"{"Sent":{"server_time":null}}"#,
            r#"{"Sent":{}}"#,
            r#"{"Sent":{"server_time":1.5}}"#,
            r#""Sent""#,
            r#"{"Failed":{"message":"m","extra":1}}"#,
            r#"{"Unconfirmed":{"reason":"u"}}"#,
            r#"{"Unknown":null}"#,
            r#"{"Sent":{},"Queued":null}"#,
            r#"7"#,
        ];
        let tails = [
            "",
            r#","started_at":9,"baseline_date":-1,"baseline_text":"b""#,
            r#","started_at":null,"baseline_date":null,"baseline_text":null"#,
            r#","started_at":-9"#,
            r#","baseline_text":3"#,
            r#","unknown":[1,2]"#,
        ];
        let mut out = Vec::new();
        for state in states {
            for tail in tails {
                out.push(format!(
                    r#"{{"items":[{ITEM},"state":{state}{tail}}}],"next_id":4}}"#
                ));
            }
        }
        for kind in [
            r#""File""#,
            r#""Note""#,
            r#"{"Note":null}"#,
            r#""note""#,
            "1",
        ] {
            out.push(format!(
                r#"{{"items":[{{"local_id":1,"conversation":2,"kind":{kind},"text":"t","state":"Queued","created_at":0}}],"next_id":1}}"#
            ));
        }
        for other in [
            r#"{"items":[],"next_id":0}"#,
            r#"{"items":[]}"#,
            r#"{"next_id":1}"#,
            r#"{"items":{},"next_id":1}"#,
            r#"{"items":[],"next_id":-1}"#,
            r#"{"items":[{"local_id":1}],"next_id":1}"#,
            r#"{"items":[{"local_id":"1","conversation":2,"kind":"Reply","text":"t","state":"Queued","created_at":0}],"next_id":1}"#,
            r#"[]"#,
            "null",
            "",
            "{",
        ] {
            out.push(other.to_owned());
        }
        out
    }

    #[test]
    fn outbox_reader_matches_the_derive() {
        // Item by item: an item the derive would refuse is skipped (and counted), not fatal.
        for json in outboxes() {
            let derived = serde_json::from_str::<DerivedOutbox>(&json).ok();
            let read = Outbox::from_stored(&json);
            match derived {
                Some(d) => {
                    let (o, skipped) = read.unwrap();
                    assert_eq!((o.items().to_vec(), skipped), (d.items, 0), "{json}");
                }
                None => {
                    let whole = serde_json::from_str::<serde_json::Value>(&json).ok();
                    let items = whole
                        .as_ref()
                        .and_then(|v| v.get("items")?.as_array().cloned());
                    match (read, items) {
                        (Some((o, skipped)), Some(items)) => {
                            let good = items
                                .iter()
                                .filter(|i| {
                                    serde_json::from_value::<OutboxItem>((*i).clone()).is_ok()
                                })
                                .count();
                            assert_eq!(
                                (o.items().len(), skipped),
                                (good, items.len() - good),
                                "{json}"
                            );
                        }
                        (None, _) => {}
                        (Some(_), None) => panic!("read an outbox without items: {json}"),
                    }
                }
            }
        }
    }

    #[test]
    fn one_unreadable_item_costs_nothing_else() {
        let good = |id: u64| {
            format!(
                r#"{{"local_id":{id},"conversation":2,"kind":"Reply","text":"t{id}","state":"Queued","created_at":0}}"#
            )
        };
        let json = format!(
            r#"{{"items":[{},{{"local_id":"x"}},{}],"next_id":"broken"}}"#,
            good(1),
            good(3)
        );
        let (o, skipped) = Outbox::from_stored(&json).unwrap();
        assert_eq!(skipped, 1);
        let texts: Vec<&str> = o.items().iter().map(|i| i.text.as_str()).collect();
        assert_eq!(texts, ["t1", "t3"]);
        assert_eq!(Outbox::from_stored("not json"), None);

        let drafts = r#"[{"conversation":1,"mode":"Reply","text":"a"},{"conversation":"x"},{"conversation":2,"mode":"Note","text":"b"}]"#;
        let (d, skipped) = Drafts::from_stored(drafts, 400, 2_000);
        assert_eq!((d.len(), skipped), (2, 1));
        assert_eq!(d.get(ConversationId(2), SendKind::Note), "b");
        assert_eq!(Drafts::from_stored("{", 400, 2_000).1, 1);
    }

    #[test]
    fn outbox_round_trips() {
        let mut o = Outbox::new();
        let a = o.enqueue(ConversationId(1), SendKind::Reply, "a", 10);
        o.enqueue(ConversationId(2), SendKind::Note, "b", 11);
        o.enqueue(ConversationId(1), SendKind::File, "https://x/y", 12);
        let _ = o.begin(a, None, 13);
        let json = serde_json::to_string(&o).unwrap();
        assert_eq!(Outbox::from_stored(&json).unwrap(), (o, 0));
    }

    #[test]
    fn drafts_reader_matches_the_derive() {
        let inputs = [
            r#"[{"conversation":1,"mode":"Reply","text":"a"},{"conversation":2,"mode":"Note","text":"b"}]"#,
            r#"[{"conversation":1,"mode":"File","text":"a","x":null}]"#,
            r#"[{"conversation":1,"mode":"File"}]"#,
            r#"[{"conversation":1,"mode":"file","text":"a"}]"#,
            r#"[{"conversation":-1,"mode":"Reply","text":"a"}]"#,
            r#"[{"conversation":1,"mode":{"Reply":null},"text":"a"}]"#,
            r#"[{"conversation":1,"mode":"Reply","text":"   "}]"#,
            r#"{"conversation":1}"#,
            "[]",
            "nope",
        ];
        for json in inputs {
            let derived: Vec<(u64, SendKind, String)> =
                serde_json::from_str::<Vec<DerivedEntry>>(json)
                    .map(|v| {
                        v.into_iter()
                            .filter(|e| !e.text.trim().is_empty())
                            .map(|e| (e.conversation.0, e.mode, e.text))
                            .collect()
                    })
                    .unwrap_or_default();
            let drafts = Drafts::from_stored(json, 400, 2_000).0;
            assert_eq!(drafts.len(), derived.len(), "{json}");
            for (c, mode, text) in derived {
                assert_eq!(drafts.get(ConversationId(c), mode), text, "{json}");
            }
        }
    }
}
