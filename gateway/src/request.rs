//! Reading a browser's request: the body with its size limit (an oversize body is drained and
//! answered 413), and its parameters as one ordered list ([`Params`]) that the policy can read
//! and change and that is written back in the encoding it came in.

use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::{HeaderMap, header};
use http_body_util::BodyExt;
use serde_json::{Map, Value};

use crate::assumptions::{MAX_BODY_BYTES, MAX_DRAIN_BYTES};
use crate::error::GatewayError;

/// Reads at most [`MAX_BODY_BYTES`]; past that drains (up to [`MAX_DRAIN_BYTES`]) and reports
/// 413, so the client is done sending when it reads the answer.
///
/// # Errors
/// [`GatewayError::TooLarge`], or 400 when the body cannot be read.
pub async fn read_limited(mut body: Body) -> Result<Bytes, GatewayError> {
    let mut buf: Vec<u8> = Vec::new();
    let mut seen: usize = 0;
    while let Some(frame) = body.frame().await {
        let Ok(frame) = frame else {
            return Err(GatewayError::BadRequest(
                "Could not read the request body".to_owned(),
            ));
        };
        if let Ok(data) = frame.into_data() {
            seen = seen.saturating_add(data.len());
            if seen > MAX_DRAIN_BYTES {
                return Err(GatewayError::TooLarge);
            }
            if seen <= MAX_BODY_BYTES {
                buf.extend_from_slice(&data);
            }
        }
    }
    if seen > MAX_BODY_BYTES {
        return Err(GatewayError::TooLarge);
    }
    Ok(Bytes::from(buf))
}

/// How parameters travel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// A query string or an `application/x-www-form-urlencoded` body.
    Form,
    /// A JSON object body.
    Json,
    /// A `multipart/form-data` body of text fields.
    Multipart,
}

/// A request's parameters, in order (a name may repeat in a form).
#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    /// How they came and how they are written back.
    pub encoding: Encoding,
    /// Name and value (a string, or any JSON value for a JSON body).
    pub fields: Vec<(String, Value)>,
}

impl Params {
    /// Parameters of a query string.
    #[must_use]
    pub fn from_query(query: Option<&str>) -> Self {
        Self::from_form(query.unwrap_or("").as_bytes())
    }

    fn from_form(bytes: &[u8]) -> Self {
        Self {
            encoding: Encoding::Form,
            fields: form_urlencoded::parse(bytes)
                .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
                .collect(),
        }
    }

    /// Parameters of a POST body, by its `Content-Type`.
    ///
    /// # Errors
    /// 400 for a malformed body, 415 for an unsupported type.
    pub async fn from_body(headers: &HeaderMap, body: Bytes) -> Result<Self, GatewayError> {
        let content_type = headers
            .get(header::CONTENT_TYPE)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).to_ascii_lowercase());
        let essence = content_type
            .as_deref()
            .and_then(|ct| ct.split(';').next())
            .map(str::trim)
            .unwrap_or("");
        match essence {
            "" | "application/x-www-form-urlencoded" => Ok(Self::from_form(&body)),
            "application/json" | "text/json" => Self::from_json(&body),
            "multipart/form-data" => Self::from_multipart(headers, body).await,
            other => Err(GatewayError::UnsupportedMediaType(format!(
                "Unsupported Content-Type {other:?}: send application/x-www-form-urlencoded, multipart/form-data or application/json"
            ))),
        }
    }

    fn from_json(body: &[u8]) -> Result<Self, GatewayError> {
        let fields = if body.iter().all(u8::is_ascii_whitespace) {
            Vec::new()
        } else {
            match serde_json::from_slice::<Value>(body) {
                Ok(Value::Object(map)) => map.into_iter().collect(),
                Ok(_) => {
                    return Err(GatewayError::BadRequest(
                        "The JSON body must be an object".to_owned(),
                    ));
                }
                Err(_) => return Err(GatewayError::BadRequest("Malformed JSON body".to_owned())),
            }
        };
        Ok(Self {
            encoding: Encoding::Json,
            fields,
        })
    }

    async fn from_multipart(headers: &HeaderMap, body: Bytes) -> Result<Self, GatewayError> {
        let malformed = || GatewayError::BadRequest("Malformed multipart body".to_owned());
        let mut req = Request::new(Body::from(body));
        *req.headers_mut() = headers.clone();
        let mut multipart = Multipart::from_request(req, &())
            .await
            .map_err(|_| malformed())?;
        let mut fields = Vec::new();
        while let Some(field) = multipart.next_field().await.map_err(|_| malformed())? {
            let name = field.name().unwrap_or("").to_owned();
            let bytes = field.bytes().await.map_err(|_| malformed())?;
            let text = String::from_utf8(bytes.to_vec()).map_err(|_| {
                GatewayError::BadRequest(format!("Multipart field {name:?} is not UTF-8 text"))
            })?;
            fields.push((name, Value::String(text)));
        }
        Ok(Self {
            encoding: Encoding::Multipart,
            fields,
        })
    }

    /// Every value of `name`.
    pub fn values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Value> + 'a {
        self.fields
            .iter()
            .filter(move |(k, _)| k == name)
            .map(|(_, v)| v)
    }

    /// The last value of `name` as text (a JSON number as its digits), if present and not blank.
    #[must_use]
    pub fn text(&self, name: &str) -> Option<String> {
        self.values(name).last().and_then(value_text)
    }

    /// Removes every `name`.
    pub fn remove(&mut self, name: &str) {
        self.fields.retain(|(k, _)| k != name);
    }

    /// Sets `name` to one value (a number in JSON, digits in a form).
    pub fn set_int(&mut self, name: &str, value: u64) {
        self.remove(name);
        let v = match self.encoding {
            Encoding::Json => Value::from(value),
            _ => Value::String(value.to_string()),
        };
        self.fields.push((name.to_owned(), v));
    }

    /// The form / query encoding (`a=1&b=x`), also of JSON values (their text).
    #[must_use]
    pub fn to_form(&self) -> String {
        let mut out = form_urlencoded::Serializer::new(String::new());
        for (k, v) in &self.fields {
            out.append_pair(k, &value_text(v).unwrap_or_default());
        }
        out.finish()
    }

    /// The JSON object (the last value of a repeated name wins).
    #[must_use]
    pub fn to_json(&self) -> Value {
        let map: Map<String, Value> = self.fields.iter().cloned().collect();
        Value::Object(map)
    }
}

/// A value as request text: strings as they are, numbers and booleans as JSON spells them;
/// blank strings and null as none.
#[must_use]
pub fn value_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if s.trim().is_empty() => None,
        Value::String(s) => Some(s.clone()),
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

/// A value read as a positive integer id (`12`, `"12"`, `" 12 "`).
#[must_use]
pub fn value_id(v: &Value) -> Option<u64> {
    match v {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse::<u64>().ok(),
        _ => None,
    }
    .filter(|id| *id > 0)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::restriction)] // tests unwrap, index and panic
    use super::*;
    use serde_json::json;

    #[test]
    fn forms_keep_order_and_repeats() {
        let mut p = Params::from_query(Some("a=1&operator_id=2&operator_id=3&t=x+y"));
        assert_eq!(p.values("operator_id").count(), 2);
        assert_eq!(p.text("t").as_deref(), Some("x y"));
        p.set_int("operator_id", 7);
        assert_eq!(p.to_form(), "a=1&t=x+y&operator_id=7");
    }

    #[test]
    fn json_bodies_stay_typed() {
        let mut p = Params::from_json(br#"{"conversation_id":5,"text":"hi"}"#).unwrap();
        p.set_int("operator_id", 2);
        assert_eq!(
            p.to_json(),
            json!({"conversation_id":5,"text":"hi","operator_id":2})
        );
        assert!(Params::from_json(b"[1]").is_err());
        assert!(Params::from_json(b"{").is_err());
    }

    #[test]
    fn ids() {
        assert_eq!(value_id(&json!(3)), Some(3));
        assert_eq!(value_id(&json!(" 3 ")), Some(3));
        assert_eq!(value_id(&json!(0)), None);
        assert_eq!(value_id(&json!(-1)), None);
        assert_eq!(value_id(&json!("x")), None);
    }
}
