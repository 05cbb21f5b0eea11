//! The list decoder for polls: [`ElementCache`] keeps decoded elements by their exact JSON text,
//! so an answer where 10 of 1000 conversations changed decodes 10. Elements are parsed keeping
//! only the members their type reads ([`FromWire::KEYS`]); everything else is checked exactly as
//! `Value` parsing checks it, so the result equals the plain decoder's, element for element.

use std::collections::HashMap;

use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::conversation::Conversation;
use super::envelope::{decode_list, envelope_status};
use super::fields::FromWire;
use super::listed::Listed;
use crate::error::ApiError;
use crate::response::HttpResponse;

/// Decoded list elements by their exact JSON text, kept from one answer of a list to the next.
/// Decoding is a pure function of an element's text, so an element whose bytes did not change
/// is not decoded again: when 10 of 1000 conversations changed, 10 are.
#[derive(Debug)]
pub struct ElementCache<T> {
    by_text: TextMap<T>,
}

/// Element texts are ~1 KB each and a list answer has up to 1000, so the map hashes up to a
/// megabyte per poll: foldhash (hashbrown's default hasher) instead of std's slower SipHash.
type TextMap<T> = HashMap<Box<str>, T, foldhash::fast::RandomState>;

impl<T> Default for ElementCache<T> {
    fn default() -> Self {
        Self {
            by_text: TextMap::default(),
        }
    }
}

impl<T> ElementCache<T> {
    /// How many decoded elements it holds (those of the last answer).
    #[must_use]
    pub fn len(&self) -> usize {
        self.by_text.len()
    }

    /// `true` when it holds nothing.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.by_text.is_empty()
    }
}

/// The elements of a plain successful list answer as raw JSON slices, or `None` for anything
/// else (an error, an error envelope, no `data` array, a repeated member…), which the general
/// path then decodes exactly as always.
fn raw_elements(resp: &HttpResponse) -> Option<Vec<&RawValue>> {
    if !(200..300).contains(&resp.status) {
        return None;
    }
    // A derived struct also reads a JSON array (as its fields in order): `[[], null, null]`
    // would pass for an envelope with an empty `data`. Only an object is an envelope.
    if !resp.body.trim_start().starts_with('{') {
        return None;
    }
    // One pass over the answer: the envelope and its elements' extents together.
    let top: RawEnvelope<'_> = serde_json::from_str(&resp.body).ok()?;
    if top.error.is_some_and(|e| e.get() != "null") {
        return None;
    }
    if let Some(status) = top.status {
        let status = serde_json::from_str::<Value>(status.get()).ok()?;
        if envelope_status(&status).is_some_and(|s| s >= 400) {
            return None;
        }
    }
    top.data
}

/// A list answer's envelope with its elements left as raw JSON.
#[derive(serde::Deserialize)]
struct RawEnvelope<'a> {
    #[serde(borrow)]
    data: Option<Vec<&'a RawValue>>,
    #[serde(borrow)]
    status: Option<&'a RawValue>,
    #[serde(borrow)]
    error: Option<&'a RawValue>,
}

pub(crate) fn decode_list_cached<T: FromWire + Clone>(
    resp: &HttpResponse,
    cache: &mut ElementCache<T>,
) -> Result<Listed<T>, ApiError> {
    let Some(elements) = raw_elements(resp) else {
        return decode_list(resp);
    };
    let mut next = TextMap::with_capacity_and_hasher(elements.len(), Default::default());
    let mut out = Listed {
        items: Vec::with_capacity(elements.len()),
        skipped: Vec::new(),
    };
    for (index, raw) in elements.iter().enumerate() {
        let text = raw.get();
        let known = if cache.by_text.is_empty() {
            None
        } else {
            cache.by_text.remove(text)
        };
        let item = match known {
            Some(item) => Ok(item),
            None => match parse_element(text, T::KEYS) {
                Ok(v) => T::from_wire(&v, &format!("data[{index}]")),
                // (e.g. a number out of range) the general path reports it as it always did
                Err(_) => return decode_list(resp),
            },
        };
        if let Ok(item) = &item {
            next.insert(text.into(), item.clone());
        }
        out.push(index, item);
    }
    cache.by_text = next;
    Ok(out)
}

/// One list element's JSON as a `Value`, keeping only the members in `keys` (all when empty).
/// An error for anything `Value` parsing would refuse, and for an element that is not an
/// object when `keys` is not empty (the caller's general path then decodes the answer).
fn parse_element(text: &str, keys: &'static [&'static str]) -> serde_json::Result<Value> {
    if keys.is_empty() {
        return serde_json::from_str(text);
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let value = serde::de::DeserializeSeed::deserialize(Only(keys), &mut de)?;
    de.end()?;
    Ok(value)
}

/// Reads a JSON object keeping only the members named in `.0`, each as the `Value` full parsing
/// would give (a repeated member: the last one, as in a `Value`). The other members (the
/// nested `toBlingerUser`, …) are not kept, but checked as strictly as `Value` parsing checks
/// them ([`Checked`]): an element that full parsing refuses is refused here too.
struct Only(&'static [&'static str]);

impl<'de> serde::de::DeserializeSeed<'de> for Only {
    type Value = Value;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Only {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        let mut map = Map::new();
        while let Some(key) = access.next_key_seed(KnownKey(self.0))? {
            match key {
                Some(key) => {
                    map.insert(key.to_owned(), access.next_value()?);
                }
                None => access.next_value::<Checked>().map(drop)?,
            }
        }
        Ok(Value::Object(map))
    }
}

/// A member's name: which of the wanted ones it is, if any (no copy of it is made).
struct KnownKey(&'static [&'static str]);

impl<'de> serde::de::DeserializeSeed<'de> for KnownKey {
    type Value = Option<&'static str>;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl serde::de::Visitor<'_> for KnownKey {
    type Value = Option<&'static str>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a member name")
    }

    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(self.0.iter().find(|k| **k == v).copied())
    }
}

/// Any JSON value, accepted exactly when `Value` would accept it (the same `deserialize_any`
/// path: numbers, strings and nesting depth are checked alike), without keeping anything.
struct Checked;

impl<'de> serde::Deserialize<'de> for Checked {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(Checked)
    }
}

impl<'de> serde::de::Visitor<'de> for Checked {
    type Value = Checked;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<Checked, E> {
        Ok(Checked)
    }

    fn visit_i64<E>(self, _: i64) -> Result<Checked, E> {
        Ok(Checked)
    }

    fn visit_u64<E>(self, _: u64) -> Result<Checked, E> {
        Ok(Checked)
    }

    fn visit_f64<E>(self, _: f64) -> Result<Checked, E> {
        Ok(Checked)
    }

    fn visit_str<E>(self, _: &str) -> Result<Checked, E> {
        Ok(Checked)
    }

    fn visit_unit<E>(self) -> Result<Checked, E> {
        Ok(Checked)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Checked, A::Error> {
        while seq.next_element::<Checked>()?.is_some() {}
        Ok(Checked)
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Checked, A::Error> {
        while map.next_entry::<Checked, Checked>()?.is_some() {}
        Ok(Checked)
    }
}

/// [`decode_conversations`] that decodes only the elements not in `cache` (and leaves the
/// cache holding this answer's). Same result, element for element.
///
/// # Errors
/// As [`decode_conversations`].
pub fn decode_conversations_cached(
    resp: &HttpResponse,
    cache: &mut ElementCache<Conversation>,
) -> Result<Listed<Conversation>, ApiError> {
    decode_list_cached(resp, cache)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

    use super::*;

    /// The documented conversation, as a list element.
    fn documented() -> Map<String, Value> {
        let v: Value =
            serde_json::from_str(include_str!("../../fixtures/conversation-start-200.json"))
                .unwrap();
        v["data"].as_object().unwrap().clone()
    }

    fn decoded(element: &Map<String, Value>) -> Conversation {
        Conversation::from_wire(&Value::Object(element.clone()), "").unwrap()
    }

    #[test]
    fn conversations_read_only_the_members_they_list() {
        let full = documented();
        let expected = decoded(&full);
        // Every member outside KEYS can go without changing the conversation...
        for key in full
            .keys()
            .filter(|k| !Conversation::KEYS.contains(&k.as_str()))
        {
            let mut less = full.clone();
            less.remove(key);
            assert_eq!(decoded(&less), expected, "{key} is read: list it in KEYS");
        }
        // ...and the element parsed keeping only KEYS decodes the same.
        let text = Value::Object(full.clone()).to_string();
        let only = parse_element(&text, Conversation::KEYS).unwrap();
        assert_eq!(Conversation::from_wire(&only, "").unwrap(), expected);
        assert!(only.as_object().unwrap().len() <= Conversation::KEYS.len());
    }

    #[test]
    fn a_filtered_element_is_refused_where_a_value_is() {
        let keys = Conversation::KEYS;
        for text in [
            r#"{"id": 1, "extra": 1e400}"#,
            r#"{"id": 1, "extra": "\ud800"}"#,
            r#"{"id": 1, "extra": [1, }"#,
            r#"[1, 2]"#,
            r#""text""#,
        ] {
            assert!(parse_element(text, keys).is_err(), "{text}");
        }
        let deep = format!(
            "{{\"id\": 1, \"extra\": {}1{}}}",
            "[".repeat(200),
            "]".repeat(200)
        );
        assert!(serde_json::from_str::<Value>(&deep).is_err());
        assert!(parse_element(&deep, keys).is_err(), "nesting depth");
        // A repeated member: the last one, as in a Value.
        let v = parse_element(r#"{"id": 1, "id": 2, "x": {"y": [true]}}"#, keys).unwrap();
        assert_eq!(v, serde_json::json!({"id": 2}));
    }
}
