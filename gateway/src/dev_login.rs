//! `--dev-login` (demo only): `POST /gateway/dev-token` `{"operator_id":N}` (optionally
//! `"role":"supervisor"`) → `{"token":"<jwt>"}`, for loopback peers only. It stands in for the
//! integrator's own login, which mints the same JWT after checking who the operator is.

use std::net::SocketAddr;

use axum::Json;
use axum::extract::{ConnectInfo, State};
use axum::response::{IntoResponse, Response};
use blinger_api::OperatorId;
use serde::Deserialize;
use serde_json::json;

use crate::assumptions::DEV_TOKEN_TTL_SECS;
use crate::auth::Role;
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

/// The handler.
pub async fn dev_token(State(state): State<Shared>, req: axum::extract::Request) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(p)| *p);
    if !is_loopback(peer) {
        return GatewayError::Forbidden("The dev login answers loopback clients only".to_owned())
            .into_response();
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
