//! The client's plumbing: where a request goes and whether it carries the token, the token
//! itself (fixed or from the provider, asked again after a 401), and one exchange with the
//! transport from request to decoded answer.

use std::fmt::Write as _;

use crate::api::assumptions::{
    AUTH_HEADER, FORM_CONTENT_TYPE, HISTORY_ID_PLACEHOLDER, LIST_OPERATOR_PARAM,
};
use crate::api::config::{Token, TokenSource};
use crate::api::error::ApiError;
use crate::api::ids::ConversationId;
use crate::api::transport::{AbortFlag, BodyMemo, HttpRequest, HttpResponse, Method, Transport};
use crate::api::url::is_absolute_http;
use crate::api::wire::{Conversation, decode_conversation};

use super::handle::{Client, Polled};

/// Where a request goes and whether it may carry the token.
pub(super) struct Target {
    pub(super) url: String,
    pub(super) auth: bool,
}

impl<T: Transport> Client<T> {
    pub(super) fn operator_query(&self) -> Vec<(&'static str, String)> {
        self.shared
            .config
            .operator_id
            .map(|op| vec![(LIST_OPERATOR_PARAM, op.to_string())])
            .unwrap_or_default()
    }

    pub(super) fn api_target(&self, path: &str, query: &[(&str, String)]) -> Target {
        let mut url = self.shared.config.url_for(path);
        if !query.is_empty() {
            url.push('?');
            url.push_str(&encode_pairs(query));
        }
        Target { url, auth: true }
    }

    pub(super) fn history_target(&self, id: ConversationId) -> Option<Target> {
        let template = self.shared.config.history_url.as_ref()?;
        Some(self.extra_target(&template.replace(HISTORY_ID_PLACEHOLDER, &id.to_string())))
    }

    /// An address configured beside the API (history, events): a path relative to the base
    /// URL, or an absolute URL that gets the token only when it lies under the base URL.
    pub(super) fn extra_target(&self, url: &str) -> Target {
        let base = &self.shared.config.base_url;
        if is_absolute_http(url) {
            // assumptions::HISTORY_TOKEN_ONLY_UNDER_BASE_URL
            let under_base = is_absolute_http(base)
                && url
                    .strip_prefix(base.as_str())
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with(['/', '?']));
            Target {
                url: url.to_owned(),
                auth: under_base,
            }
        } else {
            Target {
                url: self.shared.config.url_for(url),
                auth: true,
            }
        }
    }

    /// A conversation action: `conversation_id`, the configured `operator_id` (when
    /// `with_operator`), `disable_webhook=1` when asked, then `fields`.
    pub(super) async fn action(
        &self,
        path: &str,
        id: ConversationId,
        fields: Vec<(&'static str, String)>,
        with_operator: bool,
    ) -> Result<Conversation, ApiError> {
        let mut pairs = vec![("conversation_id", id.to_string())];
        if with_operator {
            if let Some(op) = self.shared.config.operator_id {
                pairs.push(("operator_id", op.to_string()));
            }
        }
        pairs.extend(fields);
        if self.disable_webhook {
            pairs.push(("disable_webhook", "1".to_owned()));
        }
        let form = encode_pairs(&pairs);
        let target = self.api_target(path, &[]);
        self.call(Method::Post, target, Some(form), decode_conversation)
            .await
    }

    pub(super) fn is_aborted(&self) -> bool {
        self.abort.as_ref().is_some_and(AbortFlag::is_aborted)
    }

    pub(super) async fn token(&self) -> Result<Option<Token>, ApiError> {
        match &self.shared.config.token {
            TokenSource::None => Ok(None),
            TokenSource::Fixed(t) => Ok(Some(t.clone())),
            TokenSource::Provider(provider) => {
                let cached = self
                    .shared
                    .provided
                    .try_borrow()
                    .ok()
                    .and_then(|t| t.clone());
                if let Some(t) = cached {
                    return Ok(Some(t));
                }
                let fresh = provider().await.map_err(|message| ApiError::Unauthorized {
                    message: if message.is_empty() {
                        "no token available".to_owned()
                    } else {
                        message
                    },
                })?;
                if let Ok(mut slot) = self.shared.provided.try_borrow_mut() {
                    *slot = Some(fresh.clone());
                }
                Ok(Some(fresh))
            }
        }
    }

    /// Sends and decodes, re-asking the token provider once after a 401 for GETs only (a POST
    /// is never repeated automatically: the API has no idempotency key).
    pub(super) async fn call<R>(
        &self,
        method: Method,
        target: Target,
        body: Option<String>,
        decode: fn(&HttpResponse) -> Result<R, ApiError>,
    ) -> Result<R, ApiError> {
        match self.call_memo(method, target, body, None, decode).await? {
            Polled::New(r) => Ok(r),
            // Cannot happen: only a request with a memo comes back unchanged.
            Polled::Same => Err(ApiError::Aborted),
        }
    }

    /// [`call`](Self::call) with an optional [`BodyMemo`]: an unchanged answer is not decoded;
    /// a decoded one arms the memo, an error disarms it.
    pub(super) async fn call_memo<R>(
        &self,
        method: Method,
        target: Target,
        body: Option<String>,
        memo: Option<&BodyMemo>,
        decode: impl Fn(&HttpResponse) -> Result<R, ApiError>,
    ) -> Result<Polled<R>, ApiError> {
        let result = self.exchange(method, target, body, memo, decode).await;
        if let Some(memo) = memo {
            match &result {
                Ok(Polled::New(_)) => memo.arm(true),
                Ok(Polled::Same) => {}
                Err(_) => memo.arm(false),
            }
        }
        result
    }

    pub(super) async fn exchange<R>(
        &self,
        method: Method,
        target: Target,
        body: Option<String>,
        memo: Option<&BodyMemo>,
        decode: impl Fn(&HttpResponse) -> Result<R, ApiError>,
    ) -> Result<Polled<R>, ApiError> {
        let may_retry = method == Method::Get
            && target.auth
            && matches!(self.shared.config.token, TokenSource::Provider(_));
        let mut attempt = 0u8;
        loop {
            attempt += 1;
            if self.is_aborted() {
                return Err(ApiError::Aborted);
            }
            let token = if target.auth {
                self.token().await?
            } else {
                None
            };
            let resp = self
                .send_raw(method, &target.url, body.clone(), token.as_ref(), memo)
                .await?;
            if self.is_aborted() {
                return Err(ApiError::Aborted);
            }
            if resp.unchanged && memo.is_some() {
                return Ok(Polled::Same);
            }
            let result = decode(&resp);
            if matches!(result, Err(ApiError::Unauthorized { .. })) && token.is_some() {
                self.forget_token();
                if may_retry && attempt == 1 {
                    continue;
                }
            }
            return result.map(Polled::New);
        }
    }

    pub(super) async fn send_raw(
        &self,
        method: Method,
        url: &str,
        body: Option<String>,
        token: Option<&Token>,
        memo: Option<&BodyMemo>,
    ) -> Result<HttpResponse, ApiError> {
        let mut headers = vec![("Accept".to_owned(), "application/json".to_owned())];
        if body.is_some() {
            headers.push(("Content-Type".to_owned(), FORM_CONTENT_TYPE.to_owned()));
        }
        if let Some(t) = token.filter(|t| !t.is_empty()) {
            headers.push((AUTH_HEADER.to_owned(), t.expose().to_owned()));
        }
        let req = HttpRequest {
            method,
            url: url.to_owned(),
            headers,
            body,
            timeout_ms: self.shared.config.timeout_ms,
            abort: self.abort.clone(),
            memo: memo.cloned(),
        };
        self.shared
            .transport
            .send(req)
            .await
            .map_err(ApiError::from)
    }
}

pub(super) fn local_rejection(message: &str) -> ApiError {
    ApiError::Validation {
        message: Some(message.to_owned()),
        fields: Vec::new(),
    }
}

/// `application/x-www-form-urlencoded` / query encoding (spaces as `%20`, which both accept).
pub(super) fn encode_pairs(pairs: &[(&str, String)]) -> String {
    let mut out = String::new();
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        percent_encode(k, &mut out);
        out.push('=');
        percent_encode(v, &mut out);
    }
    out
}

pub(super) fn percent_encode(s: &str, out: &mut String) {
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
}
