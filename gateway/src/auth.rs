//! Who is calling: the browser token. `Authentication: <JWT>` (the header the widget already
//! sends), HS256 with the gateway's secret, claims `operator_id`, `exp` (required) and an
//! optional `role`. The algorithm is pinned: a token naming any other `alg` (`none` included) is
//! refused before its signature is looked at. Signature comparison is the HMAC crate's
//! constant-time one.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;
use blinger_api::OperatorId;
use blinger_api::assumptions::AUTH_HEADER;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::assumptions::{JWT_LEEWAY_SECS, MIN_JWT_SECRET_BYTES};
use crate::error::GatewayError;

/// What a token allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Acts only as itself (the default).
    #[default]
    Operator,
    /// May name any operator.
    Supervisor,
}

/// The claims of a browser token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// Blinger operator `id`.
    pub operator_id: u64,
    /// Expiry, Unix seconds.
    pub exp: u64,
    /// `operator` (default) or `supervisor`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
}

/// The caller of a request, from a valid token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caller {
    /// The operator the token is for.
    pub operator: OperatorId,
    /// What it may do.
    pub role: Role,
    /// When the token expires (Unix seconds): a long-lived response (the event stream) ends then.
    pub expires: u64,
}

impl Caller {
    /// Whether the caller may act as `operator`.
    #[must_use]
    pub fn may_act_as(&self, operator: OperatorId) -> bool {
        self.role == Role::Supervisor || operator == self.operator
    }
}

/// Why a secret cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the JWT secret is {0} bytes; it must be at least {MIN_JWT_SECRET_BYTES}")]
pub struct ShortSecret(pub usize);

/// The HS256 keys, made once from the secret.
pub struct JwtKeys {
    decoding: DecodingKey,
    encoding: EncodingKey,
    validation: Validation,
}

impl std::fmt::Debug for JwtKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("JwtKeys(..)")
    }
}

/// Seconds since the epoch.
#[must_use]
pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

impl JwtKeys {
    /// Keys from a secret of at least [`MIN_JWT_SECRET_BYTES`].
    ///
    /// # Errors
    /// [`ShortSecret`] for a shorter one.
    pub fn new(secret: &[u8]) -> Result<Self, ShortSecret> {
        if secret.len() < MIN_JWT_SECRET_BYTES {
            return Err(ShortSecret(secret.len()));
        }
        // Validation::new pins the accepted algorithms to exactly this one and requires `exp`.
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = JWT_LEEWAY_SECS;
        validation.validate_exp = true;
        validation.set_required_spec_claims(&["exp"]);
        Ok(Self {
            decoding: DecodingKey::from_secret(secret),
            encoding: EncodingKey::from_secret(secret),
            validation,
        })
    }

    /// The caller a token names.
    ///
    /// # Errors
    /// [`GatewayError::Unauthorized`] naming what is wrong with it.
    pub fn verify(&self, token: &str) -> Result<Caller, GatewayError> {
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map_err(|e| GatewayError::Unauthorized(reason(e.kind())))?;
        if data.claims.operator_id == 0 {
            return Err(GatewayError::Unauthorized(
                "Invalid token: operator_id must be a positive integer",
            ));
        }
        Ok(Caller {
            operator: OperatorId(data.claims.operator_id),
            role: data.claims.role.unwrap_or_default(),
            expires: data.claims.exp,
        })
    }

    /// A token for `operator` valid for `ttl_secs` (the dev login and the tests).
    ///
    /// # Errors
    /// Only if the claims cannot be encoded.
    pub fn mint(
        &self,
        operator: OperatorId,
        role: Role,
        ttl_secs: u64,
    ) -> Result<String, jsonwebtoken::errors::Error> {
        let claims = Claims {
            operator_id: operator.get(),
            exp: unix_now().saturating_add(ttl_secs),
            role: (role != Role::Operator).then_some(role),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
    }
}

fn reason(kind: &ErrorKind) -> &'static str {
    match kind {
        ErrorKind::InvalidSignature => "Invalid token: bad signature",
        ErrorKind::ExpiredSignature => "Token expired",
        ErrorKind::InvalidAlgorithm | ErrorKind::InvalidAlgorithmName => {
            "Invalid token: only HS256 is accepted"
        }
        ErrorKind::MissingRequiredClaim(_) => "Invalid token: the exp claim is required",
        ErrorKind::ImmatureSignature => "Invalid token: not valid yet",
        _ => "Invalid token: not an HS256 JWT with operator_id and exp",
    }
}

/// Reads the `Authentication` header of a request into a [`Caller`].
///
/// # Errors
/// 401 when it is missing, empty or not a valid token.
pub fn caller_of(keys: &JwtKeys, parts: &Parts) -> Result<Caller, GatewayError> {
    let Some(value) = parts.headers.get(AUTH_HEADER) else {
        return Err(GatewayError::Unauthorized("Empty token"));
    };
    let token = value.to_str().map(str::trim).unwrap_or("");
    if token.is_empty() {
        return Err(GatewayError::Unauthorized("Empty token"));
    }
    keys.verify(token)
}

impl<S> FromRequestParts<S> for Caller
where
    S: Send + Sync,
    Arc<JwtKeys>: FromRef<S>,
{
    type Rejection = GatewayError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let keys = Arc::<JwtKeys>::from_ref(state);
        let caller = caller_of(&keys, parts)?;
        // The request log names the operator (never the token).
        parts.extensions.insert(caller);
        Ok(caller)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::restriction)] // tests unwrap, index and panic
    use super::*;

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

    #[test]
    fn short_secrets_are_refused() {
        assert_eq!(JwtKeys::new(b"short").unwrap_err(), ShortSecret(5));
        assert!(JwtKeys::new(SECRET).is_ok());
    }

    #[test]
    fn minted_tokens_verify_and_roles_are_read() {
        let keys = JwtKeys::new(SECRET).unwrap();
        let t = keys.mint(OperatorId(2), Role::Operator, 60).unwrap();
        let caller = keys.verify(&t).unwrap();
        assert_eq!(
            (caller.operator, caller.role),
            (OperatorId(2), Role::Operator)
        );
        assert!(caller.expires >= unix_now() + 59 && caller.expires <= unix_now() + 61);
        let t = keys.mint(OperatorId(3), Role::Supervisor, 60).unwrap();
        assert_eq!(keys.verify(&t).unwrap().role, Role::Supervisor);
        assert!(keys.verify(&t).unwrap().may_act_as(OperatorId(9)));
    }

    #[test]
    fn another_key_is_a_bad_signature() {
        let keys = JwtKeys::new(SECRET).unwrap();
        let other = JwtKeys::new(b"another-secret-another-secret-xx").unwrap();
        let t = other.mint(OperatorId(2), Role::Operator, 60).unwrap();
        assert_eq!(
            keys.verify(&t).unwrap_err(),
            GatewayError::Unauthorized("Invalid token: bad signature")
        );
    }
}
