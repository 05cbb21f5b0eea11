//! The options of `mount(element, options)` and of `handle.update(options)`, validated in plain
//! Rust so every mistake an integrator can make has a clear message (and a native test).
//!
//! The JS layer turns the options object into [`RawValue`] pairs; functions (`tokenProvider`,
//! `beforeSend`) and the token are taken out before that and never reach this module.

use crate::api::ConversationId;
use crate::i18n::Locale;
use crate::state::config::MIN_POLL_MS;
use crate::state::{SendKey, Theme, View};

/// One option value as the JS object held it.
#[derive(Clone, Debug, PartialEq)]
pub enum RawValue {
    /// `undefined` or `null`: "not set" (in `update`: back to the default).
    Unset,
    /// A string.
    Str(String),
    /// A number.
    Num(f64),
    /// Anything else, named by its JS type (for the error message).
    Other(String),
}

/// Every option key, in the order the README documents them.
pub const KEYS: &[&str] = &[
    "baseUrl",
    "operatorId",
    "historyUrl",
    "eventsUrl",
    "pollInterval",
    "theme",
    "locale",
    "sendKey",
    "view",
    "token",
    "tokenProvider",
    "beforeSend",
];

/// The plain (non-function, non-secret) options of one widget.
#[derive(Clone, Debug, PartialEq)]
pub struct Options {
    /// API address: absolute http(s) URL or a same-origin path such as `/proxy`.
    pub base_url: Option<String>,
    /// The operator to act as (`None` = the account owner).
    pub operator_id: Option<u64>,
    /// Message-history URL template with `{id}`.
    pub history_url: Option<String>,
    /// The gateway's event stream (`/gateway/events`).
    pub events_url: Option<String>,
    /// Poll interval while visible (ms).
    pub poll_interval_ms: Option<u64>,
    /// Colour theme.
    pub theme: Theme,
    /// Language.
    pub locale: Locale,
    /// The composer's send key.
    pub send_key: SendKey,
    /// The view to start with (and `setView`).
    pub view: View,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            base_url: None,
            operator_id: None,
            history_url: None,
            events_url: None,
            poll_interval_ms: None,
            theme: Theme::Auto,
            locale: Locale::En,
            send_key: SendKey::Enter,
            view: View::Attention,
        }
    }
}

fn prefixed(message: String) -> String {
    format!("blinger-inbox: {message}")
}

fn string_of(key: &str, value: &RawValue) -> Result<Option<String>, String> {
    match value {
        RawValue::Unset => Ok(None),
        RawValue::Str(s) if s.trim().is_empty() => Ok(None),
        RawValue::Str(s) => Ok(Some(s.trim().to_owned())),
        RawValue::Num(n) => Err(format!(
            "option `{key}` must be a string, not the number {}",
            number_text(*n)
        )),
        RawValue::Other(t) => Err(format!("option `{key}` must be a string, not {t}")),
    }
}

/// A whole number above 0 (a JS number or a string of one, up to 2^53 - 1); `Ok(None)` when
/// unset or blank, `Err(())` for anything else (the caller names what was expected).
fn whole_number(value: &RawValue) -> Result<Option<u64>, ()> {
    let n = match value {
        RawValue::Unset => return Ok(None),
        RawValue::Str(s) if s.trim().is_empty() => return Ok(None),
        RawValue::Str(s) => return whole_number_text(s.trim()).map(Some).ok_or(()),
        RawValue::Num(n) => Some(*n),
        RawValue::Other(_) => None,
    };
    match n {
        Some(n)
            if n.is_finite() && n >= 1.0 && n.fract() == 0.0 && n <= 9_007_199_254_740_991.0 =>
        {
            Ok(Some(n as u64))
        }
        _ => Err(()),
    }
}

fn positive_int(key: &str, value: &RawValue, what: &str) -> Result<Option<u64>, String> {
    whole_number(value).map_err(|()| {
        format!(
            "option `{key}` must be {what} (a whole number above 0), got {}",
            describe(value)
        )
    })
}

fn describe(value: &RawValue) -> String {
    match value {
        RawValue::Unset => "nothing".to_owned(),
        RawValue::Str(s) => format!("\"{}\"", s.chars().take(40).collect::<String>()),
        RawValue::Num(n) => number_text(*n),
        RawValue::Other(t) => t.clone(),
    }
}

/// A whole number written in an attribute: digits, optionally followed by a zero fraction
/// ("2500", "2500.0"), from 1 to 2^53 - 1. Integer parsing only: core's float parser and
/// formatter cost about 20 KB of the package's wasm.
fn whole_number_text(s: &str) -> Option<u64> {
    let digits = match s.split_once('.') {
        Some((whole, fraction)) if fraction.bytes().all(|b| b == b'0') => whole,
        Some(_) => return None,
        None => s,
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits
        .parse::<u64>()
        .ok()
        .filter(|n| (1..=9_007_199_254_740_991).contains(n))
}

/// A JS number as an error message shows it: whole numbers as JS writes them, others rounded to
/// six decimals (the message only has to let the integrator recognise the value), spelled
/// without core's float formatting.
fn number_text(n: f64) -> String {
    if n.is_nan() {
        return "NaN".to_owned();
    }
    if n.is_infinite() {
        return if n > 0.0 { "Infinity" } else { "-Infinity" }.to_owned();
    }
    let sign = if n < 0.0 { "-" } else { "" };
    let abs = n.abs();
    // u64 only (u128 formatting is a kilobyte of wasm); no option comes near 1e19.
    if abs >= 1e19 {
        return format!("{sign}1e19 or more");
    }
    // Below 1e19 the whole part is exact in a u64; the fraction is rounded to micros.
    let mut whole = abs.trunc() as u64;
    let mut micros = ((abs - abs.trunc()) * 1e6).round() as u64;
    if micros >= 1_000_000 {
        whole += 1;
        micros = 0;
    }
    if micros == 0 {
        return format!("{sign}{whole}");
    }
    let fraction = format!("{micros:06}");
    format!("{sign}{whole}.{}", fraction.trim_end_matches('0'))
}

/// The values of `theme`, `sendKey` and `view`.
const THEMES: &[(&str, Theme)] = &[
    ("auto", Theme::Auto),
    ("light", Theme::Light),
    ("dark", Theme::Dark),
];
const SEND_KEYS: &[(&str, SendKey)] = &[
    ("enter", SendKey::Enter),
    ("ctrl-enter", SendKey::CtrlEnter),
];
const VIEWS: &[(&str, View)] = &[
    ("attention", View::Attention),
    ("unassigned", View::Unassigned),
    ("unread", View::Unread),
    ("not-answered", View::NotAnswered),
];

fn one_of<T: Copy>(
    key: &str,
    value: &RawValue,
    default: T,
    choices: &[(&str, T)],
) -> Result<T, String> {
    let Some(s) = string_of(key, value)? else {
        return Ok(default);
    };
    let lower = s.to_ascii_lowercase();
    choices
        .iter()
        .find(|(name, _)| *name == lower)
        .map(|(_, v)| *v)
        .ok_or_else(|| {
            let names: Vec<&str> = choices.iter().map(|(n, _)| *n).collect();
            format!(
                "option `{key}` must be one of {}, got {}",
                names.join(", "),
                describe(value)
            )
        })
}

impl Options {
    /// Applies `pairs` on top of `self`: a key with [`RawValue::Unset`] goes back to its default,
    /// a missing key keeps its value. Secret and function keys (`token`, `tokenProvider`,
    /// `beforeSend`) are ignored here. Unknown keys are an error (a typo would otherwise be
    /// silently ignored).
    ///
    /// # Errors
    /// A message naming the option and what it must be.
    pub fn merged(&self, pairs: &[(String, RawValue)]) -> Result<Options, String> {
        let mut next = self.clone();
        for (key, value) in pairs {
            match key.as_str() {
                "baseUrl" => next.base_url = string_of(key, value).map_err(prefixed)?,
                "operatorId" => {
                    next.operator_id =
                        positive_int(key, value, "an operator id").map_err(prefixed)?;
                }
                "historyUrl" => next.history_url = string_of(key, value).map_err(prefixed)?,
                "eventsUrl" => next.events_url = string_of(key, value).map_err(prefixed)?,
                "pollInterval" => {
                    let ms = positive_int(key, value, "milliseconds").map_err(prefixed)?;
                    if let Some(ms) = ms.filter(|ms| *ms < MIN_POLL_MS) {
                        return Err(prefixed(format!(
                            "option `pollInterval` must be at least {MIN_POLL_MS} ms, got {ms}"
                        )));
                    }
                    next.poll_interval_ms = ms;
                }
                "theme" => {
                    next.theme = one_of(key, value, Theme::Auto, THEMES).map_err(prefixed)?;
                }
                "sendKey" => {
                    next.send_key =
                        one_of(key, value, SendKey::Enter, SEND_KEYS).map_err(prefixed)?;
                }
                "view" => {
                    next.view = one_of(key, value, View::Attention, VIEWS).map_err(prefixed)?;
                }
                "locale" => {
                    // Any BCP 47 tag: `ru`, `ru-RU` → Russian; everything else → English.
                    next.locale = string_of(key, value)
                        .map_err(prefixed)?
                        .map_or(Locale::En, |tag| Locale::from_tag(&tag));
                }
                "token" | "tokenProvider" | "beforeSend" => {}
                other => {
                    return Err(prefixed(format!(
                        "unknown option `{other}` (known: {})",
                        KEYS.join(", ")
                    )));
                }
            }
        }
        Ok(next)
    }
}

/// Parses a view name for `setView` (`attention`, `unassigned`, `unread`, `not-answered`).
///
/// # Errors
/// A message listing the views.
pub fn parse_view(name: &str) -> Result<View, String> {
    View::parse(name).ok_or_else(|| {
        prefixed(format!(
            "unknown view \"{}\" (one of attention, unassigned, unread, not-answered)",
            name.chars().take(40).collect::<String>()
        ))
    })
}

/// Parses the argument of `select(id)`: a conversation id (a whole number above 0, or a string
/// of one); unset or blank means "back to the list" (`None`).
///
/// # Errors
/// A message naming `select` and what it got.
pub fn parse_conversation_id(value: &RawValue) -> Result<Option<ConversationId>, String> {
    whole_number(value)
        .map(|id| id.map(ConversationId))
        .map_err(|()| {
            prefixed(format!(
                "select(id) needs a conversation id (a whole number above 0) or null, got {}",
                describe(value)
            ))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, RawValue)]) -> Vec<(String, RawValue)> {
        list.iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect()
    }

    fn s(v: &str) -> RawValue {
        RawValue::Str(v.to_owned())
    }

    #[test]
    fn reads_every_option_from_js_or_attribute_shapes() {
        let o = Options::default()
            .merged(&pairs(&[
                ("baseUrl", s(" /proxy ")),
                ("operatorId", s("3")),
                ("historyUrl", s("/sandbox/conversations/{id}/messages")),
                ("eventsUrl", s("/gateway/events")),
                ("pollInterval", RawValue::Num(2500.0)),
                ("theme", s("Dark")),
                ("locale", s("ru-RU")),
                ("sendKey", s("ctrl-enter")),
                ("view", s("unread")),
                ("token", s("never-read-here")),
            ]))
            .unwrap();
        assert_eq!(o.base_url.as_deref(), Some("/proxy"));
        assert_eq!(o.operator_id, Some(3));
        assert_eq!(o.events_url.as_deref(), Some("/gateway/events"));
        assert_eq!(o.poll_interval_ms, Some(2500));
        assert_eq!(o.theme, Theme::Dark);
        assert_eq!(o.locale, Locale::Ru);
        assert_eq!(o.send_key, SendKey::CtrlEnter);
        assert_eq!(o.view, View::Unread);
    }

    #[test]
    fn unset_goes_back_to_the_default_and_missing_keeps() {
        let o = Options::default()
            .merged(&pairs(&[
                ("theme", s("dark")),
                ("operatorId", RawValue::Num(2.0)),
            ]))
            .unwrap();
        let o = o.merged(&pairs(&[("theme", RawValue::Unset)])).unwrap();
        assert_eq!(o.theme, Theme::Auto);
        assert_eq!(o.operator_id, Some(2));
    }

    #[test]
    fn mistakes_get_clear_messages() {
        let err = |list: &[(&str, RawValue)]| Options::default().merged(&pairs(list)).unwrap_err();
        assert!(err(&[("baseURL", s("/p"))]).contains("unknown option `baseURL`"));
        assert!(err(&[("theme", s("neon"))]).contains("light, dark"));
        assert!(err(&[("operatorId", s("x"))]).contains("operatorId"));
        assert!(err(&[("operatorId", RawValue::Num(-1.0))]).contains("above 0"));
        assert!(err(&[("operatorId", RawValue::Num(1.5))]).contains("whole number"));
        assert!(err(&[("pollInterval", RawValue::Num(10.0))]).contains("at least 1000"));
        assert!(err(&[("baseUrl", RawValue::Num(1.0))]).contains("must be a string"));
        assert!(err(&[("sendKey", s("space"))]).contains("ctrl-enter"));
        assert!(err(&[("view", RawValue::Other("object".into()))]).contains("object"));
        assert!(err(&[("theme", s("x"))]).starts_with("blinger-inbox: "));
        assert!(parse_view("closed").unwrap_err().contains("not-answered"));
        assert_eq!(parse_view("not-answered"), Ok(View::NotAnswered));
    }

    #[test]
    fn whole_numbers_in_text_and_numbers_in_messages() {
        for (text, want) in [
            ("2500", Some(2500)),
            ("2500.0", Some(2500)),
            ("+5", None),
            ("1e3", None),
            ("1.5", None),
            ("0", None),
            ("", None),
            (".", None),
            ("9007199254740991", Some(9_007_199_254_740_991)),
            ("9007199254740992", None),
            ("99999999999999999999999", None),
        ] {
            assert_eq!(whole_number_text(text), want, "{text:?}");
        }
        for (n, want) in [
            (1.0, "1"),
            (-2.0, "-2"),
            (1.5, "1.5"),
            (0.1, "0.1"),
            (-0.000_25, "-0.00025"),
            (2500.125, "2500.125"),
            (4e14, "400000000000000"),
            (123_456_789_012.25, "123456789012.25"),
            (1e16, "10000000000000000"),
            (1e40, "1e19 or more"),
            (9e18, "9000000000000000000"),
            (0.999_999_7, "1"),
            (f64::NAN, "NaN"),
            (f64::NEG_INFINITY, "-Infinity"),
        ] {
            assert_eq!(number_text(n), want, "{n}");
        }
        let err = Options::default()
            .merged(&pairs(&[("operatorId", RawValue::Num(1.5))]))
            .unwrap_err();
        assert!(err.ends_with("got 1.5"), "{err}");
    }

    #[test]
    fn select_takes_a_conversation_id_or_nothing() {
        assert_eq!(
            parse_conversation_id(&RawValue::Num(42.0)),
            Ok(Some(ConversationId(42)))
        );
        assert_eq!(
            parse_conversation_id(&s(" 7 ")),
            Ok(Some(ConversationId(7)))
        );
        assert_eq!(parse_conversation_id(&RawValue::Unset), Ok(None));
        assert_eq!(parse_conversation_id(&s("")), Ok(None));
        for bad in [
            RawValue::Num(0.0),
            RawValue::Num(-2.0),
            RawValue::Num(1.5),
            s("abc"),
            RawValue::Other("object".into()),
        ] {
            let err = parse_conversation_id(&bad).unwrap_err();
            assert!(err.starts_with("blinger-inbox: select(id)"), "{err}");
            assert!(!err.contains("operatorId"), "{err}");
        }
        assert!(
            parse_conversation_id(&s("abc"))
                .unwrap_err()
                .contains("\"abc\"")
        );
    }
}
