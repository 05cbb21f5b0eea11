//! Token authentication for the API: the `Authentication` header must carry this account's raw
//! token. Every token-checked endpoint takes [`Authenticated`] as its last argument; the
//! extractor reads the request, checks the token first (401 [`ApiError::EmptyToken`] /
//! [`ApiError::InvalidToken`]), then the body size (413), then decodes the request's fields, so a
//! handler cannot run unauthenticated and its signature says that it is authenticated.

use axum::extract::{FromRef, FromRequest, Request};
use axum::http::{HeaderMap, Method};

use crate::body::{ApiRequest, Fields};
use crate::error::ApiError;
use crate::state::Shared;

/// Checks the `Authentication` header (raw token) against `token`.
pub fn authorize(token: &str, headers: &HeaderMap) -> Result<(), ApiError> {
    match headers.get("authentication") {
        None => Err(ApiError::EmptyToken),
        Some(v) if v.as_bytes().iter().all(u8::is_ascii_whitespace) => Err(ApiError::EmptyToken),
        Some(v) if v.as_bytes() == token.as_bytes() => Ok(()),
        Some(_) => Err(ApiError::InvalidToken),
    }
}

/// The fields of a request that carried the account token: from the query string for GET (and
/// HEAD), from the body (form, multipart or JSON) for the POST endpoints.
#[derive(Debug)]
pub struct Authenticated(pub Fields);

impl<S> FromRequest<S> for Authenticated
where
    S: Send + Sync,
    Shared: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let reads_query = matches!(*req.method(), Method::GET | Method::HEAD);
        let req = ApiRequest::read(req).await;
        authorize(&Shared::from_ref(state).token, &req.headers)?;
        let body = req.body?;
        let fields = if reads_query {
            Fields::from_query(req.query.as_deref())
        } else {
            Fields::from_body(&req.headers, body).await?
        };
        Ok(Self(fields))
    }
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn with(value: Option<&'static str>) -> HeaderMap {
        let mut headers = HeaderMap::new();
        if let Some(v) = value {
            headers.insert("authentication", HeaderValue::from_static(v));
        }
        headers
    }

    #[test]
    fn only_the_exact_token_passes() {
        assert_eq!(authorize("tok", &with(None)), Err(ApiError::EmptyToken));
        assert_eq!(
            authorize("tok", &with(Some(" "))),
            Err(ApiError::EmptyToken)
        );
        assert_eq!(
            authorize("tok", &with(Some("tok2"))),
            Err(ApiError::InvalidToken)
        );
        assert_eq!(
            authorize("tok", &with(Some("Bearer tok"))),
            Err(ApiError::InvalidToken)
        );
        assert_eq!(authorize("tok", &with(Some("tok"))), Ok(()));
    }
}
