//! Which keys of Blinger's answers are secrets, and removing them from an answer.
//!
//! Blinger was made for servers: its answers carry a conversation's `token`, the channel's
//! `extra_field_secret_key` and every operator's `conversations_token`. Anything that hands
//! Blinger's answers to a browser (the sandbox's `/proxy`, the gateway) removes them first, with
//! this one rule (GATEWAY.md, "The API it serves").

use serde_json::Value;

/// Whether an object key names a secret: `token`, `conversations_token`, `extra_field_secret_key`,
/// and any key ending in `_token`, `_secret` or `_secret_key`. Compared as written: Blinger's keys
/// are lower-case snake_case.
#[must_use]
pub fn is_secret_key(key: &str) -> bool {
    key == "token"
        || key.ends_with("_token")
        || key.ends_with("_secret")
        || key.ends_with("_secret_key")
}

/// Removes every secret key from `value`, at any depth (objects inside arrays inside objects…).
/// Returns how many keys were removed.
pub fn strip_secrets(value: &mut Value) -> usize {
    // An explicit stack instead of recursion: the depth of an answer is not ours to choose.
    let mut removed = 0;
    let mut stack = vec![value];
    while let Some(node) = stack.pop() {
        match node {
            Value::Object(map) => {
                let before = map.len();
                map.retain(|key, _| !is_secret_key(key));
                removed += before - map.len();
                stack.extend(map.values_mut());
            }
            Value::Array(items) => stack.extend(items.iter_mut()),
            _ => {}
        }
    }
    removed
}

#[cfg(test)]
mod tests {
    #![allow(clippy::restriction)] // tests unwrap, index and panic
    use super::*;
    use serde_json::json;

    #[test]
    fn secret_keys_by_the_documented_rule() {
        for key in [
            "token",
            "conversations_token",
            "extra_field_secret_key",
            "api_secret",
            "x_token",
        ] {
            assert!(is_secret_key(key), "{key}");
        }
        for key in ["tokens", "token_count", "secretary", "name", "id", "secret"] {
            assert!(!is_secret_key(key), "{key}");
        }
    }

    #[test]
    fn strips_at_any_depth_and_keeps_the_rest() {
        let mut answer = json!({
            "status": 200,
            "token": "t",
            "data": [{
                "id": 1,
                "token": "conv",
                "toBlingerUser": {"extra_field_secret_key": "k", "name": "Chan"},
                "operators": [{"id": 2, "conversations_token": "c", "name": "Ann"}],
            }],
        });
        assert_eq!(strip_secrets(&mut answer), 4);
        assert_eq!(
            answer,
            json!({
                "status": 200,
                "data": [{
                    "id": 1,
                    "toBlingerUser": {"name": "Chan"},
                    "operators": [{"id": 2, "name": "Ann"}],
                }],
            })
        );
    }

    #[test]
    fn deepest_parsable_answer() {
        // serde_json refuses to parse deeper than 128 levels; the deepest it takes is stripped.
        let text = format!(
            "{}{{\"token\":1,\"a\":2}}{}",
            "[".repeat(126),
            "]".repeat(126)
        );
        let mut value: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(strip_secrets(&mut value), 1);
        assert!(value.to_string().contains("\"a\":2"));
    }
}
