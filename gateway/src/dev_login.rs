//! `--dev-login` (demo only): `POST /gateway/dev-token` `{"operator_id":N}` (optionally
//! `"role":"supervisor"`) → `{"token":"<jwt>"}`, for loopback peers only. It stands in for the
//! integrator's own login, which mints the same JWT after checking who the operator is.
//! `GET /gateway/dev-token` answers Blinger's `/api/operators/all` (secrets removed, as every
//! answer), so the standalone app can offer "Sign in as …" before anyone holds a token.

use std::net::SocketAddr;

use axum::Json;
use axum::extract::{ConnectInfo, State};
use axum::response::{IntoResponse, Response};
use blinger_api::OperatorId;
use serde::Deserialize;
use serde_json::json;

use crate::assumptions::DEV_TOKEN_TTL_SECS;
use crate::auth::{Caller, Role};
use crate::error::GatewayError;
use crate::request::read_limited;
use crate::state::Shared;

#[derive(Debug, Deserialize)]
struct DevLogin {
    operator_id: u64,
    #[serde(default)]
    role: Option<Role>,
}

/// Whether a peer is on this machine.
#[must_use]
pub fn is_loopback(peer: Option<SocketAddr>) -> bool {
    match peer.map(|p| p.ip()) {
        Some(std::net::IpAddr::V4(ip)) => ip.is_loopback(),
        Some(std::net::IpAddr::V6(ip)) => {
            ip.is_loopback() || ip.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
        None => false,
    }
}

/// The dev login answers only a peer on this machine.
fn loopback_only(req: &axum::extract::Request) -> Result<(), GatewayError> {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(p)| *p);
    if is_loopback(peer) {
        Ok(())
    } else {
        Err(GatewayError::Forbidden(
            "The dev login answers loopback clients only".to_owned(),
        ))
    }
}

/// `GET`: the operators one may sign in as (Blinger's envelope of `/api/operators/all`).
pub async fn dev_operators(State(state): State<Shared>, req: axum::extract::Request) -> Response {
    if let Err(refused) = loopback_only(&req) {
        return refused.into_response();
    }
    let mut upstream = axum::extract::Request::new(axum::body::Body::empty());
    *upstream.uri_mut() = axum::http::Uri::from_static("/api/operators/all");
    // A read-only endpoint whose policy checks nothing of the caller but its token.
    let caller = Caller {
        operator: OperatorId(0),
        role: Role::Supervisor,
        expires: 0,
    };
    crate::forward::forward(State(state), caller, upstream).await
}

/// `POST`: a token for one operator.
pub async fn dev_token(State(state): State<Shared>, req: axum::extract::Request) -> Response {
    if let Err(refused) = loopback_only(&req) {
        return refused.into_response();
    }
    let bytes = match read_limited(req.into_body()).await {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    let Ok(login) = serde_json::from_slice::<DevLogin>(&bytes) else {
        return GatewayError::BadRequest(
            "Send {\"operator_id\": N} (a positive integer)".to_owned(),
        )
        .into_response();
    };
    if login.operator_id == 0 {
        return GatewayError::BadRequest("operator_id must be positive".to_owned()).into_response();
    }
    match state.keys.mint(
        OperatorId(login.operator_id),
        login.role.unwrap_or_default(),
        DEV_TOKEN_TTL_SECS,
    ) {
        Ok(token) => Json(json!({"token": token})).into_response(),
        Err(_) => GatewayError::BadRequest("cannot mint a token".to_owned()).into_response(),
    }
}
