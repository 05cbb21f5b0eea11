//! Reading what the host passed from JS: an options object split into plain [`RawValue`] pairs
//! (validated by [`options`](super::options)) and the three options that never reach them: the
//! `token` (a secret, never quoted) and the `tokenProvider` / `beforeSend` functions; and the
//! widget configuration the options make.

use js_sys::{Function, Object, Reflect};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use std::rc::Rc;

use super::options::{Options, RawValue};
use super::token::TokenCell;
use crate::api::{ClientConfig, OperatorId, TokenSource};
use crate::state::{ConfigHandle, WidgetConfig};

/// A JS `Error` with `message`.
pub(crate) fn js_error(message: impl AsRef<str>) -> JsError {
    JsError::new(message.as_ref())
}

/// An options object read into plain pairs plus the function and secret options; for each of
/// those, `None` = the key was absent, `Some(None)` = it was `undefined` / `null`.
pub(crate) struct ParsedInput {
    pub(crate) pairs: Vec<(String, RawValue)>,
    pub(crate) token: Option<Option<String>>,
    pub(crate) provider: Option<Option<Function>>,
    pub(crate) before_send: Option<Option<Function>>,
}

impl ParsedInput {
    fn empty() -> Self {
        Self {
            pairs: Vec::new(),
            token: None,
            provider: None,
            before_send: None,
        }
    }

    /// Applies the token keys to `cell` (a provider wins over a fixed token; a key set to
    /// `undefined` / `null` clears it); `true` when either key was given.
    pub(crate) fn apply_token(&self, cell: &TokenCell) -> bool {
        match (&self.token, &self.provider) {
            (_, Some(Some(p))) => cell.set_provider(p.clone()),
            (Some(Some(t)), _) => cell.set_fixed(t),
            (Some(None), _) | (_, Some(None)) => cell.clear(),
            (None, None) => return false,
        }
        true
    }
}

/// One JS value as a [`RawValue`].
pub(crate) fn classify(value: &JsValue) -> RawValue {
    if value.is_undefined() || value.is_null() {
        RawValue::Unset
    } else if let Some(s) = value.as_string() {
        RawValue::Str(s)
    } else if let Some(n) = value.as_f64() {
        RawValue::Num(n)
    } else if value.is_function() {
        RawValue::Other("a function".to_owned())
    } else {
        RawValue::Other(value.js_typeof().as_string().unwrap_or_default())
    }
}

/// `None` for `undefined` / `null`, the function otherwise.
///
/// # Errors
/// `message` when `value` is something else.
pub(crate) fn optional_function(
    value: &JsValue,
    message: &str,
) -> Result<Option<Function>, JsError> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    value
        .dyn_ref::<Function>()
        .cloned()
        .map(Some)
        .ok_or_else(|| js_error(message))
}

/// `None` for `undefined` / `null`, the string otherwise.
///
/// # Errors
/// `message` when `value` is something else (never quoting it: it may be a secret).
pub(crate) fn optional_token(value: &JsValue, message: &str) -> Result<Option<String>, JsError> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    value.as_string().map(Some).ok_or_else(|| js_error(message))
}

/// Reads the options object of `mount` / `update` (`undefined` / `null`: no options).
///
/// # Errors
/// When `options` is not an object, a function or token option has the wrong type, or both
/// `token` and `tokenProvider` are given.
pub(crate) fn read_input(options: &JsValue) -> Result<ParsedInput, JsError> {
    let mut parsed = ParsedInput::empty();
    if options.is_undefined() || options.is_null() {
        return Ok(parsed);
    }
    let Some(object) = options.dyn_ref::<Object>().filter(|_| options.is_object()) else {
        return Err(js_error(
            "blinger-inbox: options must be an object such as { baseUrl: '/proxy' }",
        ));
    };
    for key in Object::keys(object).iter() {
        let Some(key) = key.as_string() else { continue };
        let value = Reflect::get(object, &JsValue::from_str(&key)).unwrap_or(JsValue::UNDEFINED);
        let function = || {
            optional_function(
                &value,
                &format!("blinger-inbox: option `{key}` must be a function"),
            )
        };
        match key.as_str() {
            "token" => {
                parsed.token = Some(optional_token(
                    &value,
                    "blinger-inbox: option `token` must be a string",
                )?);
            }
            "tokenProvider" => parsed.provider = Some(function()?),
            "beforeSend" => parsed.before_send = Some(function()?),
            _ => parsed.pairs.push((key.clone(), classify(&value))),
        }
    }
    if matches!(
        (&parsed.token, &parsed.provider),
        (Some(Some(_)), Some(Some(_)))
    ) {
        return Err(js_error(
            "blinger-inbox: give either `token` or `tokenProvider`, not both",
        ));
    }
    Ok(parsed)
}

/// Builds and checks the widget configuration for `options`, its client reading `token`.
pub(crate) fn config_for(
    options: &Options,
    token: &Rc<TokenCell>,
) -> Result<ConfigHandle, JsError> {
    let Some(base_url) = options.base_url.clone() else {
        return Err(js_error(
            "blinger-inbox: option `baseUrl` (attribute `base-url`) is required, e.g. '/proxy' or 'https://app.blinger.io'",
        ));
    };
    let client = ClientConfig::new(base_url, TokenSource::Provider(token.provider()))
        .with_operator(options.operator_id.map(OperatorId))
        .with_history_url(options.history_url.clone())
        .with_events_url(options.events_url.clone())
        .validated()
        .map_err(|e| js_error(format!("blinger-inbox: {e}")))?;
    Ok(WidgetConfig::new(client)
        .with_ui(options.locale, options.theme, options.send_key)
        .with_poll_interval(options.poll_interval_ms)
        .into_handle())
}
