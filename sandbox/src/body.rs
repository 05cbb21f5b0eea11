//! Reading a request: [`ApiRequest`] holds its headers, query and size-limited body (an
//! oversize body is drained and reported as 413); [`Fields`] decodes the query or the body
//! (form-urlencoded, multipart or JSON) into one field map with typed, error-collecting
//! accessors. The token-checked endpoints get both through [`crate::auth::Authenticated`]; the
//! control endpoints and the 404/405 fallbacks take [`ApiRequest`] directly.

use std::collections::{BTreeMap, HashMap};

use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::{HeaderMap, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::Value;

use crate::assumptions::{MAX_BODY_BYTES, MAX_DRAIN_BYTES};
use crate::error::ApiError;

/// The parts of a request a handler needs. Never rejects: errors surface when asked.
#[derive(Debug)]
pub struct ApiRequest {
    /// Request headers.
    pub headers: HeaderMap,
    /// Raw query string.
    pub query: Option<String>,
    /// The body, or `Err(TooLarge)`.
    pub body: Result<Bytes, ApiError>,
}

impl<S: Send + Sync> FromRequest<S> for ApiRequest {
    type Rejection = std::convert::Infallible;

    async fn from_request(req: Request, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Self::read(req).await)
    }
}

impl ApiRequest {
    /// Splits `req` into headers, query and its size-limited body.
    pub async fn read(req: Request) -> Self {
        let (parts, body) = req.into_parts();
        Self {
            query: parts.uri.query().map(str::to_owned),
            headers: parts.headers,
            body: read_limited(body).await,
        }
    }
}

/// Reads at most [`MAX_BODY_BYTES`]; past that, drains (up to [`MAX_DRAIN_BYTES`]) and reports
/// 413, so the client is done sending when it reads the answer.
async fn read_limited(mut body: Body) -> Result<Bytes, ApiError> {
    let mut buf: Vec<u8> = Vec::new();
    let mut seen: usize = 0;
    while let Some(frame) = body.frame().await {
        let Ok(frame) = frame else {
            return Err(ApiError::bad_request("Could not read the request body"));
        };
        if let Ok(data) = frame.into_data() {
            seen = seen.saturating_add(data.len());
            if seen > MAX_DRAIN_BYTES {
                return Err(ApiError::TooLarge);
            }
            if seen <= MAX_BODY_BYTES {
                buf.extend_from_slice(&data);
            }
        }
    }
    if seen > MAX_BODY_BYTES {
        return Err(ApiError::TooLarge);
    }
    Ok(Bytes::from(buf))
}

/// Decoded request fields (query or body), with accessors that collect field errors.
#[derive(Debug, Default)]
pub struct Fields {
    map: HashMap<String, Value>,
    errors: BTreeMap<String, String>,
}

impl Fields {
    /// Fields from a query string.
    pub fn from_query(query: Option<&str>) -> Self {
        Self::from_form(query.unwrap_or("").as_bytes())
    }

    fn from_form(bytes: &[u8]) -> Self {
        let map = form_urlencoded::parse(bytes)
            .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
            .collect();
        Self {
            map,
            errors: BTreeMap::new(),
        }
    }

    /// Fields from a POST body, by `Content-Type`.
    pub async fn from_body(headers: &HeaderMap, body: Bytes) -> Result<Self, ApiError> {
        let content_type = headers
            .get(header::CONTENT_TYPE)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).to_ascii_lowercase());
        let essence = content_type
            .as_deref()
            .map(|ct| ct.split(';').next().unwrap_or("").trim().to_owned());
        match essence.as_deref() {
            None | Some("") | Some("application/x-www-form-urlencoded") => {
                Ok(Self::from_form(&body))
            }
            Some("application/json") | Some("text/json") => Self::from_json(&body),
            Some("multipart/form-data") => Self::from_multipart(headers, body).await,
            Some(other) => Err(ApiError::Message(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                format!(
                    "Unsupported Content-Type {other:?}: send application/x-www-form-urlencoded, multipart/form-data or application/json"
                ),
            )),
        }
    }

    fn from_json(body: &[u8]) -> Result<Self, ApiError> {
        if body.iter().all(u8::is_ascii_whitespace) {
            return Ok(Self::default());
        }
        match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(map)) => Ok(Self {
                map: map.into_iter().collect(),
                errors: BTreeMap::new(),
            }),
            Ok(_) => Err(ApiError::bad_request("The JSON body must be an object")),
            Err(e) => Err(ApiError::bad_request(format!("Malformed JSON body: {e}"))),
        }
    }

    async fn from_multipart(headers: &HeaderMap, body: Bytes) -> Result<Self, ApiError> {
        let mut req = Request::new(Body::from(body));
        *req.headers_mut() = headers.clone();
        let mut multipart = Multipart::from_request(req, &()).await.map_err(|e| {
            ApiError::bad_request(format!("Malformed multipart body: {}", e.body_text()))
        })?;
        let mut map = HashMap::new();
        loop {
            match multipart.next_field().await {
                Ok(Some(field)) => {
                    let name = field.name().unwrap_or("").to_owned();
                    let bytes = field.bytes().await.map_err(|e| {
                        ApiError::bad_request(format!(
                            "Malformed multipart body: {}",
                            e.body_text()
                        ))
                    })?;
                    match String::from_utf8(bytes.to_vec()) {
                        Ok(text) => {
                            map.insert(name, Value::String(text));
                        }
                        Err(_) => {
                            return Err(ApiError::field(
                                &name,
                                format!("{name} is not valid UTF-8"),
                            ));
                        }
                    }
                }
                Ok(None) => break,
                Err(e) => {
                    return Err(ApiError::bad_request(format!(
                        "Malformed multipart body: {}",
                        e.body_text()
                    )));
                }
            }
        }
        Ok(Self {
            map,
            errors: BTreeMap::new(),
        })
    }

    fn present(&self, name: &str) -> Option<&Value> {
        match self.map.get(name) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) if s.trim().is_empty() => None,
            Some(v) => Some(v),
        }
    }

    fn error(&mut self, name: &str, message: String) {
        self.errors.entry(name.to_owned()).or_insert(message);
    }

    /// An optional integer (`12` or `"12"`); records an error when mistyped.
    pub fn int(&mut self, name: &str) -> Option<i64> {
        let parsed = match self.present(name)? {
            Value::Number(n) => n.as_i64(),
            Value::String(s) => s.trim().parse::<i64>().ok(),
            _ => None,
        };
        if parsed.is_none() {
            self.error(name, format!("{name} must be an integer"));
        }
        parsed
    }

    /// A required integer; records "… is required" when absent (returns 0 then: the request is
    /// refused by [`Fields::finish`] anyway).
    pub fn required_int(&mut self, name: &str) -> i64 {
        if self.present(name).is_none() {
            self.error(name, format!("{name} is required"));
            return 0;
        }
        self.int(name).unwrap_or(0)
    }

    /// An optional string (not trimmed).
    pub fn string(&mut self, name: &str) -> Option<String> {
        match self.map.get(name)? {
            Value::Null => None,
            Value::String(s) => Some(s.clone()),
            _ => {
                self.error(name, format!("{name} must be a string"));
                None
            }
        }
    }

    /// A required string with something other than whitespace in it.
    pub fn required_text(&mut self, name: &str) -> String {
        match self.map.get(name) {
            None | Some(Value::Null) => {
                self.error(name, format!("{name} is required"));
                String::new()
            }
            Some(Value::String(s)) if s.trim().is_empty() => {
                self.error(name, format!("{name} must not be empty"));
                String::new()
            }
            Some(Value::String(s)) => s.clone(),
            Some(_) => {
                self.error(name, format!("{name} must be a string"));
                String::new()
            }
        }
    }

    /// `disable_webhook`-style flag: 0/1, "0"/"1", true/false.
    pub fn flag(&mut self, name: &str) -> bool {
        let parsed = match self.present(name) {
            None => Some(false),
            Some(Value::Bool(b)) => Some(*b),
            Some(Value::Number(n)) => match n.as_i64() {
                Some(0) => Some(false),
                Some(1) => Some(true),
                _ => None,
            },
            Some(Value::String(s)) => match s.trim() {
                "0" | "false" => Some(false),
                "1" | "true" => Some(true),
                _ => None,
            },
            Some(_) => None,
        };
        parsed.unwrap_or_else(|| {
            self.error(name, format!("{name} must be 0 or 1"));
            false
        })
    }

    /// Records an error found by the caller.
    pub fn reject(&mut self, name: &str, message: impl Into<String>) {
        self.error(name, message.into());
    }

    /// `Err` with every recorded field error, if any.
    pub fn finish(self) -> Result<(), ApiError> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(ApiError::Fields(self.errors))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ints_from_strings_and_numbers() {
        let mut f = Fields::from_form(b"a=12&b=+7&c=x&d=99999999999999999999999&e=");
        assert_eq!(f.int("a"), Some(12));
        assert_eq!(f.int("b"), Some(7));
        assert_eq!(f.int("c"), None);
        assert_eq!(f.int("d"), None);
        assert_eq!(f.int("e"), None);
        assert_eq!(f.required_int("zz"), 0);
        let Err(ApiError::Fields(errors)) = f.finish() else {
            panic!("expected field errors");
        };
        assert_eq!(errors["c"], "c must be an integer");
        assert_eq!(errors["d"], "d must be an integer");
        assert_eq!(errors["zz"], "zz is required");
        assert!(!errors.contains_key("e"));
    }

    #[test]
    fn json_types() {
        let mut f = Fields::from_json(br#"{"n":3,"f":1.5,"s":"t","b":[1],"flag":true,"nul":null}"#)
            .unwrap();
        assert_eq!(f.int("n"), Some(3));
        assert_eq!(f.int("f"), None);
        assert_eq!(f.required_text("s"), "t");
        assert_eq!(f.required_text("b"), "");
        assert!(f.flag("flag"));
        assert_eq!(f.int("nul"), None);
        assert!(f.finish().is_err());
        assert!(Fields::from_json(b"[1]").is_err());
        assert!(Fields::from_json(b"{\"a\":").is_err());
        assert!(Fields::from_json(b"  ").is_ok());
    }
}
