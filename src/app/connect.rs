//! Where the app connects to: [`ConnectionSettings`] (a validated way to reach the API), the
//! connection form as typed ([`ConnectionForm`]) and its validation, field by field.

use crate::i18n::Key;

/// A validated way to reach the API.
#[derive(Clone, PartialEq, Eq)]
pub struct ConnectionSettings {
    /// Absolute http(s) URL or a same-origin path such as `/proxy`, without a trailing slash.
    pub base_url: String,
    /// The operator the widget acts as; `None` = the account owner.
    pub operator_id: Option<u64>,
    /// The account token; `None` when a same-origin proxy adds it.
    pub token: Option<String>,
    /// Template of the message-history URL (`{id}` = conversation id), if the server has one.
    pub history_url: Option<String>,
    /// The gateway's event stream (`/gateway/events`), from `app-config.json`.
    pub events_url: Option<String>,
    /// A blinger-gateway's `--dev-login` endpoint (`/gateway/dev-token`), from `app-config.json`:
    /// the app then signs in as an operator picked from a list, and gets each token from it.
    pub dev_login: Option<String>,
}

impl std::fmt::Debug for ConnectionSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectionSettings")
            .field("base_url", &self.base_url)
            .field("operator_id", &self.operator_id)
            .field("token", &self.token.as_ref().map(|_| "***"))
            .field("history_url", &self.history_url)
            .field("events_url", &self.events_url)
            .field("dev_login", &self.dev_login)
            .finish()
    }
}

/// What the operator typed on the connection screen.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConnectionForm {
    /// The API address as typed.
    pub base_url: String,
    /// The operator id as typed.
    pub operator_id: String,
    /// The token as typed.
    pub token: String,
    /// Whether to remember the address and operator on this device.
    pub remember: bool,
}

/// A field of the connection form.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    /// The API address.
    BaseUrl,
    /// The operator id.
    OperatorId,
    /// The token.
    Token,
}

/// Validates an API address: an absolute http(s) URL without credentials, or a same-origin path.
pub fn validate_base_url(raw: &str) -> Result<String, Key> {
    let url = raw.trim().trim_end_matches('/');
    if url.is_empty() {
        return Err(if raw.trim().is_empty() {
            Key::ErrBaseUrlEmpty
        } else {
            // "/" alone: the page's own origin (the widget's config takes it as it is).
            return Ok("/".to_owned());
        });
    }
    // Browsers read `\` as `/`: `/\evil.example` would be another site.
    if url.contains('\\') {
        return Err(Key::ErrBaseUrlScheme);
    }
    if url.starts_with('/') && !url.starts_with("//") {
        return Ok(url.to_owned());
    }
    let lower = url.to_ascii_lowercase();
    let rest = if let Some(rest) = lower.strip_prefix("https://") {
        rest
    } else if let Some(rest) = lower.strip_prefix("http://") {
        rest
    } else {
        return Err(Key::ErrBaseUrlScheme);
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains('@') {
        return Err(Key::ErrBaseUrlCredentials);
    }
    if authority.is_empty() || url.contains(char::is_whitespace) {
        return Err(Key::ErrBaseUrlScheme);
    }
    Ok(url.to_owned())
}

impl ConnectionForm {
    /// Checks every field; on failure returns each bad field with its message.
    pub fn validate(&self) -> Result<ConnectionSettings, Vec<(Field, Key)>> {
        let mut errors = Vec::new();
        let base_url = validate_base_url(&self.base_url)
            .map_err(|e| errors.push((Field::BaseUrl, e)))
            .ok();
        let operator = self.operator_id.trim();
        let operator_id = if operator.is_empty() {
            None
        } else {
            match operator.parse::<u64>() {
                Ok(n) if n > 0 => Some(n),
                _ => {
                    errors.push((Field::OperatorId, Key::ErrOperatorId));
                    None
                }
            }
        };
        let token = self.token.trim();
        if token.contains(char::is_whitespace) {
            errors.push((Field::Token, Key::ErrTokenSpaces));
        }
        match base_url {
            Some(base_url) if errors.is_empty() => Ok(ConnectionSettings {
                base_url,
                operator_id,
                token: (!token.is_empty()).then(|| token.to_owned()),
                history_url: None,
                events_url: None,
                dev_login: None,
            }),
            _ => Err(errors),
        }
    }

    /// The value of `field` as typed.
    pub fn value(&self, field: Field) -> &str {
        match field {
            Field::BaseUrl => &self.base_url,
            Field::OperatorId => &self.operator_id,
            Field::Token => &self.token,
        }
    }

    /// Replaces the value of `field`.
    pub fn set(&mut self, field: Field, value: String) {
        match field {
            Field::BaseUrl => self.base_url = value,
            Field::OperatorId => self.operator_id = value,
            Field::Token => self.token = value,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(url: &str, op: &str, token: &str) -> ConnectionForm {
        ConnectionForm {
            base_url: url.into(),
            operator_id: op.into(),
            token: token.into(),
            remember: false,
        }
    }

    #[test]
    fn accepts_http_https_and_same_origin_paths() {
        assert_eq!(
            validate_base_url(" https://app.blinger.io/ "),
            Ok("https://app.blinger.io".into())
        );
        assert_eq!(
            validate_base_url("http://127.0.0.1:8787"),
            Ok("http://127.0.0.1:8787".into())
        );
        assert_eq!(validate_base_url("/proxy/"), Ok("/proxy".into()));
        assert_eq!(validate_base_url("/"), Ok("/".into()));
    }

    #[test]
    fn rejects_other_schemes_credentials_and_protocol_relative() {
        assert_eq!(validate_base_url(""), Err(Key::ErrBaseUrlEmpty));
        assert_eq!(
            validate_base_url("javascript:alert(1)"),
            Err(Key::ErrBaseUrlScheme)
        );
        assert_eq!(validate_base_url("ftp://x"), Err(Key::ErrBaseUrlScheme));
        for bad in ["//evil.example", "/\\evil.example", "\\\\evil.example"] {
            assert_eq!(validate_base_url(bad), Err(Key::ErrBaseUrlScheme), "{bad}");
        }
        assert_eq!(validate_base_url("https://"), Err(Key::ErrBaseUrlScheme));
        assert_eq!(
            validate_base_url("https://tok@app.blinger.io"),
            Err(Key::ErrBaseUrlCredentials)
        );
    }

    #[test]
    fn form_reports_every_bad_field() {
        let errs = form("ftp://x", "-3", "a b").validate().unwrap_err();
        assert_eq!(
            errs,
            vec![
                (Field::BaseUrl, Key::ErrBaseUrlScheme),
                (Field::OperatorId, Key::ErrOperatorId),
                (Field::Token, Key::ErrTokenSpaces)
            ]
        );
        assert_eq!(
            form("/p", "0", "").validate().unwrap_err(),
            vec![(Field::OperatorId, Key::ErrOperatorId)]
        );
    }

    #[test]
    fn valid_form_trims_and_keeps_optional_parts_optional() {
        let s = form("https://x.test/", " 7 ", " tok ").validate().unwrap();
        assert_eq!(s.base_url, "https://x.test");
        assert_eq!(s.operator_id, Some(7));
        assert_eq!(s.token.as_deref(), Some("tok"));
        let s = form("/proxy", "", "").validate().unwrap();
        assert_eq!((s.operator_id, s.token), (None, None));
    }

    #[test]
    fn fields_are_read_and_written_by_name() {
        let mut f = ConnectionForm::default();
        for (field, value) in [
            (Field::BaseUrl, "/p"),
            (Field::OperatorId, "3"),
            (Field::Token, "t"),
        ] {
            f.set(field, value.to_owned());
            assert_eq!(f.value(field), value);
        }
        assert_eq!(f, form("/p", "3", "t"));
    }

    #[test]
    fn debug_never_shows_the_token() {
        let s = form("/p", "", "secret-token").validate().unwrap();
        assert!(!format!("{s:?}").contains("secret-token"));
    }
}
