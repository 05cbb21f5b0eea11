//! The gateway's event stream (`events-url`): opened with the same token as every request,
//! asked again of the token provider once after a 401, and `Last-Event-ID` to resume.

use crate::api::assumptions::AUTH_HEADER;
use crate::api::config::TokenSource;
use crate::api::error::ApiError;
use crate::api::transport::{EventStream, FetchTransport, HttpRequest, Method, Opened};
use crate::api::wire::parse_envelope;

use super::exchange::local_rejection;
use super::handle::Client;

impl Client<FetchTransport> {
    /// `true` when an events URL is configured.
    #[must_use]
    pub fn has_events(&self) -> bool {
        self.shared.config.events_url.is_some()
    }

    /// Opens the event stream, resuming after `last_event_id` when given.
    ///
    /// # Errors
    /// What the server answered instead of a stream (401, 404…), [`ApiError::Decode`] for a 2xx
    /// that is not `text/event-stream`, or the network's failure.
    pub async fn events(&self, last_event_id: Option<&str>) -> Result<EventStream, ApiError> {
        let Some(url) = self.shared.config.events_url.as_deref() else {
            return Err(local_rejection("no events URL is configured"));
        };
        let target = self.extra_target(url);
        let may_retry = target.auth && matches!(self.shared.config.token, TokenSource::Provider(_));
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
            let mut headers = vec![("Accept".to_owned(), "text/event-stream".to_owned())];
            if let Some(id) = last_event_id {
                headers.push(("Last-Event-ID".to_owned(), id.to_owned()));
            }
            if let Some(t) = token.as_ref().filter(|t| !t.is_empty()) {
                headers.push((AUTH_HEADER.to_owned(), t.expose().to_owned()));
            }
            let req = HttpRequest {
                method: Method::Get,
                url: target.url.clone(),
                headers,
                body: None,
                timeout_ms: self.shared.config.timeout_ms,
                abort: self.abort.clone(),
                memo: None,
            };
            let refused = match self.shared.transport.open_stream(req).await? {
                Opened::Stream(stream) => return Ok(stream),
                Opened::Refused(resp) => resp,
            };
            let error = match parse_envelope(&refused) {
                Err(e) => e,
                // A 2xx that is not an event stream (a proxy's page, a wrong address).
                Ok(_) => ApiError::Decode {
                    path: String::new(),
                    message: "the events URL did not answer an event stream".to_owned(),
                },
            };
            if error.is_unauthorized() && token.is_some() {
                self.forget_token();
                if may_retry && attempt == 1 {
                    continue;
                }
            }
            return Err(error);
        }
    }
}
