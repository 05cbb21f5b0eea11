//! `app-config.json`, the file a deployment (or `make run`) puts beside the app to connect it at
//! once: the API address, operator, history and events URLs, never a token (a same-origin proxy adds it,
//! or, with `dev_login`, a blinger-gateway's `--dev-login` mints one for the operator picked).

use super::connect::{ConnectionSettings, validate_base_url};

/// The shape of `app-config.json`. A `token` key, if someone put one there, is ignored.
#[derive(Debug)]
struct AppConfigFile {
    base_url: String,
    operator_id: Option<u64>,
    history_url: Option<String>,
    events_url: Option<String>,
    dev_login: Option<String>,
}

impl AppConfigFile {
    /// Read through [`serde_json::Value`] with the rules of a serde derive (size: see
    /// `sync::json`): `base_url` required, the others may be missing or `null`.
    fn parse(body: &str) -> Option<Self> {
        use crate::sync::json;
        let value = serde_json::from_str::<serde_json::Value>(body).ok()?;
        let o = json::object(&value)?;
        Some(Self {
            base_url: json::str_field(o, "base_url")?.to_owned(),
            operator_id: json::optional(o, "operator_id", serde_json::Value::as_u64)?,
            history_url: json::optional(o, "history_url", serde_json::Value::as_str)?
                .map(str::to_owned),
            events_url: json::optional(o, "events_url", serde_json::Value::as_str)?
                .map(str::to_owned),
            dev_login: json::optional(o, "dev_login", serde_json::Value::as_str)?
                .map(str::to_owned),
        })
    }
}

/// Parses `app-config.json`; `None` when it is absent, malformed or unsafe.
pub fn parse_app_config(body: &str) -> Option<ConnectionSettings> {
    let file = AppConfigFile::parse(body)?;
    let base_url = validate_base_url(&file.base_url).ok()?;
    let history_url = file
        .history_url
        .filter(|h| h.contains("{id}") && (h.starts_with('/') || validate_base_url(h).is_ok()));
    let events_url = file
        .events_url
        .filter(|e| validate_base_url(e).is_ok_and(|v| v != "/"));
    // Same-origin only: the page posts operator ids there and trusts the tokens it answers.
    let dev_login = file
        .dev_login
        .filter(|d| d.starts_with('/') && validate_base_url(d).is_ok_and(|v| v != "/"));
    Some(ConnectionSettings {
        base_url,
        operator_id: file.operator_id.filter(|&n| n > 0),
        token: None,
        history_url,
        events_url,
        dev_login,
    })
}

/// Asks for `app-config.json` beside the app; `None` when there is none (or it is unusable).
pub(crate) async fn fetch_app_config() -> Option<ConnectionSettings> {
    let response = gloo_net::http::Request::get("app-config.json")
        .send()
        .await
        .ok()?;
    if !response.ok() {
        return None;
    }
    parse_app_config(&response.text().await.ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A serde derive of the same shape, to compare the hand-written reader with.
    #[derive(serde::Deserialize)]
    struct DerivedAppConfigFile {
        base_url: String,
        #[serde(default)]
        operator_id: Option<u64>,
        #[serde(default)]
        history_url: Option<String>,
    }

    #[test]
    fn app_config_reader_matches_the_derive() {
        for body in [
            r#"{"base_url":"/p"}"#,
            r#"{"base_url":"/p","operator_id":3,"history_url":"/h/{id}","token":"t"}"#,
            r#"{"base_url":"/p","operator_id":null,"history_url":null}"#,
            r#"{"base_url":"/p","operator_id":-3}"#,
            r#"{"base_url":"/p","operator_id":"3"}"#,
            r#"{"base_url":"/p","history_url":5}"#,
            r#"{"base_url":null}"#,
            r#"{"operator_id":3}"#,
            "",
        ] {
            let derived = serde_json::from_str::<DerivedAppConfigFile>(body)
                .ok()
                .map(|f| (f.base_url, f.operator_id, f.history_url));
            let read =
                AppConfigFile::parse(body).map(|f| (f.base_url, f.operator_id, f.history_url));
            assert_eq!(read, derived, "{body}");
        }
        // The one difference: serde's derive also takes a struct as an array of its fields in
        // order; this reader does not.
        assert!(serde_json::from_str::<DerivedAppConfigFile>(r#"["/p"]"#).is_ok());
        assert!(AppConfigFile::parse(r#"["/p"]"#).is_none());
    }

    #[test]
    fn app_config_never_carries_a_token() {
        let s = parse_app_config(
            r#"{"base_url":"/proxy","operator_id":1,"token":"nope","history_url":"/sandbox/conversations/{id}/messages"}"#,
        )
        .unwrap();
        assert_eq!(s.token, None);
        assert_eq!(
            s.history_url.as_deref(),
            Some("/sandbox/conversations/{id}/messages")
        );
        assert!(parse_app_config("<html>").is_none());
        assert!(parse_app_config(r#"{"base_url":"javascript:1"}"#).is_none());
        let s = parse_app_config(r#"{"base_url":"/p","history_url":"javascript:{id}"}"#).unwrap();
        assert_eq!(s.history_url, None);
    }

    #[test]
    fn an_events_url_is_a_path_or_an_http_url() {
        let events = |v: &str| {
            parse_app_config(&format!(r#"{{"base_url":"/","events_url":{v}}}"#))
                .unwrap()
                .events_url
        };
        assert_eq!(
            events(r#""/gateway/events""#).as_deref(),
            Some("/gateway/events")
        );
        assert_eq!(
            events(r#""https://gw.example/gateway/events""#).as_deref(),
            Some("https://gw.example/gateway/events")
        );
        for bad in [
            r#""javascript:alert(1)""#,
            r#""/\\evil""#,
            r#""//evil.example""#,
            "null",
        ] {
            assert_eq!(events(bad), None, "{bad}");
        }
        // A value of the wrong type makes the file unreadable, as for every key.
        assert!(parse_app_config(r#"{"base_url":"/","events_url":5}"#).is_none());
    }

    #[test]
    fn a_dev_login_is_a_same_origin_path_only() {
        let s = parse_app_config(r#"{"base_url":"/","dev_login":"/gateway/dev-token"}"#).unwrap();
        assert_eq!(s.dev_login.as_deref(), Some("/gateway/dev-token"));
        for bad in [
            "https://evil.test/mint",
            "//evil.test/mint",
            "/\\evil.test",
            "/",
        ] {
            let body = serde_json::json!({"base_url": "/", "dev_login": bad}).to_string();
            assert_eq!(parse_app_config(&body).unwrap().dev_login, None, "{bad}");
        }
        assert_eq!(
            parse_app_config(r#"{"base_url":"/p"}"#).unwrap().dev_login,
            None
        );
    }
}
