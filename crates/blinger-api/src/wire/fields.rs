//! The decoder's building blocks: reading one field of a JSON object tolerantly ([`Obj`]), the
//! error that names the bad field's path ([`FieldError`]), and the [`FromWire`] trait every wire
//! type implements.

use serde_json::{Map, Value};

use crate::error::ApiError;

/// Longest server message kept in an error (a hostile server could send megabytes).
const MAX_MESSAGE_CHARS: usize = 500;

/// A field that failed to decode.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct FieldError {
    pub(crate) path: String,
    pub(crate) message: String,
}

impl FieldError {
    pub(crate) fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            message: message.into(),
        }
    }
}

impl From<FieldError> for ApiError {
    fn from(e: FieldError) -> Self {
        Self::Decode {
            path: e.path,
            message: e.message,
        }
    }
}

/// `true` for `http://…` / `https://…` URLs (any case) with a host.
#[must_use]
pub fn is_http_url(s: &str) -> bool {
    crate::url::is_absolute_http(s.trim())
}

/// `true` for `#rgb` / `#rrggbb`.
#[must_use]
pub fn is_hex_color(s: &str) -> bool {
    s.strip_prefix('#').is_some_and(|hex| {
        (hex.len() == 3 || hex.len() == 6) && hex.chars().all(|c| c.is_ascii_hexdigit())
    })
}

pub(crate) fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

pub(crate) fn as_u64(v: &Value) -> Option<u64> {
    match v {
        Value::Number(n) => n.as_u64().or_else(|| {
            n.as_f64()
                .filter(|f| f.is_finite() && f.fract() == 0.0 && *f >= 0.0 && *f < 1.8e19)
                .map(|f| f as u64)
        }),
        Value::String(s) => s.trim().parse::<u64>().ok(),
        _ => None,
    }
}

pub(crate) fn as_i64(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64().or_else(|| {
            n.as_f64()
                .filter(|f| f.is_finite() && f.fract() == 0.0 && f.abs() < 9.2e18)
                .map(|f| f as i64)
        }),
        Value::String(s) => s.trim().parse::<i64>().ok(),
        _ => None,
    }
}

pub(crate) fn as_bool(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::Number(n) => match n.as_u64() {
            Some(0) => Some(false),
            Some(1) => Some(true),
            _ => None,
        },
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "1" | "true" | "yes" => Some(true),
            "0" | "false" | "no" | "" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// An object being decoded, with its path for error messages.
pub(crate) struct Obj<'a> {
    map: &'a Map<String, Value>,
    path: &'a str,
}

impl<'a> Obj<'a> {
    pub(crate) fn of(v: &'a Value, path: &'a str) -> Result<Self, FieldError> {
        match v {
            Value::Object(map) => Ok(Self { map, path }),
            other => Err(FieldError::new(
                path,
                format!("expected an object, found {}", type_name(other)),
            )),
        }
    }

    pub(crate) fn at(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_owned()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    /// The value, treating `null` as absent.
    pub(crate) fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    pub(crate) fn opt_u64(&self, key: &str) -> Result<Option<u64>, FieldError> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => as_u64(v).map(Some).ok_or_else(|| {
                FieldError::new(
                    self.at(key),
                    format!("expected a non-negative integer, found {}", type_name(v)),
                )
            }),
        }
    }

    pub(crate) fn req_u64(&self, key: &str) -> Result<u64, FieldError> {
        self.opt_u64(key)?
            .ok_or_else(|| FieldError::new(self.at(key), "missing"))
    }

    pub(crate) fn opt_i64(&self, key: &str) -> Result<Option<i64>, FieldError> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => as_i64(v).map(Some).ok_or_else(|| {
                FieldError::new(
                    self.at(key),
                    format!("expected an integer, found {}", type_name(v)),
                )
            }),
        }
    }

    pub(crate) fn req_i64(&self, key: &str) -> Result<i64, FieldError> {
        self.opt_i64(key)?
            .ok_or_else(|| FieldError::new(self.at(key), "missing"))
    }

    pub(crate) fn bool(&self, key: &str) -> Result<bool, FieldError> {
        match self.get(key) {
            None => Ok(false),
            Some(v) => as_bool(v).ok_or_else(|| {
                FieldError::new(
                    self.at(key),
                    format!("expected a boolean, found {}", type_name(v)),
                )
            }),
        }
    }

    pub(crate) fn opt_string(&self, key: &str) -> Result<Option<String>, FieldError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(Value::Number(n)) => Ok(Some(n.to_string())),
            Some(Value::Bool(b)) => Ok(Some(b.to_string())),
            Some(v) => Err(FieldError::new(
                self.at(key),
                format!("expected a string, found {}", type_name(v)),
            )),
        }
    }

    /// A string that is kept only when it is an `http(s)` URL; other strings become `None`.
    pub(crate) fn opt_http_url(&self, key: &str) -> Result<Option<String>, FieldError> {
        Ok(self
            .opt_string(key)?
            .map(|s| s.trim().to_owned())
            .filter(|s| is_http_url(s)))
    }

    pub(crate) fn nonzero_id(&self, key: &str) -> Result<Option<u64>, FieldError> {
        // assumptions::ZERO_ID_MEANS_NONE
        Ok(self.opt_u64(key)?.filter(|v| *v != 0))
    }
}

pub(crate) fn non_blank(s: Option<String>) -> Option<String> {
    s.filter(|s| !s.trim().is_empty())
}

/// Something decodable from one JSON value at a path.
pub(crate) trait FromWire: Sized {
    /// The members of the object `from_wire` reads (empty: it may read any). A list element is
    /// parsed keeping only these ([`Only`]); the rest is checked, not kept.
    const KEYS: &'static [&'static str] = &[];

    fn from_wire(v: &Value, path: &str) -> Result<Self, FieldError>;
}

pub(crate) fn clip(s: &str) -> String {
    if s.chars().count() <= MAX_MESSAGE_CHARS {
        s.to_owned()
    } else {
        let mut out: String = s.chars().take(MAX_MESSAGE_CHARS).collect();
        out.push('…');
        out
    }
}

pub(crate) fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => clip(s),
        other => clip(&other.to_string()),
    }
}
