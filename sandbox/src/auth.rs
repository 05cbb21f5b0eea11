//! Token authentication for the API: the `Authentication` header must carry this account's raw
//! token. An endpoint takes [`AuthedQuery`] (GET: its fields come from the query string) or
//! [`AuthedBody`] (POST: its fields come from the body) as its last argument; the extractor reads
//! the request, checks the token first (401 [`ApiError::EmptyToken`] / [`ApiError::InvalidToken`]),
//! then the body size (413), then decodes the fields, so a handler cannot run unauthenticated and
//! its signature says that it is authenticated.

use axum::extract::{FromRef, FromRequest, Request};
use axum::http::HeaderMap;

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

/// The whole request (body read, or drained when too large), once its token is checked.
async fn authenticated<S>(req: Request, state: &S) -> Result<ApiRequest, ApiError>
where
    S: Send + Sync,
    Shared: FromRef<S>,
{
    let req = ApiRequest::read(req).await;
    authorize(&Shared::from_ref(state).token, &req.headers)?;
    Ok(req)
}

/// The query-string fields of a request that carried the account token (GET endpoints).
#[derive(Debug)]
pub struct AuthedQuery(pub Fields);

impl<S> FromRequest<S> for AuthedQuery
where
    S: Send + Sync,
    Shared: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let req = authenticated(req, state).await?;
        req.body?;
        Ok(Self(Fields::from_query(req.query.as_deref())))
    }
}

/// The body fields (form, multipart or JSON) of a request that carried the account token (POST
/// endpoints).
#[derive(Debug)]
pub struct AuthedBody(pub Fields);

impl<S> FromRequest<S> for AuthedBody
where
    S: Send + Sync,
    Shared: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let req = authenticated(req, state).await?;
        let body = req.body?;
        Ok(Self(Fields::from_body(&req.headers, body).await?))
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
