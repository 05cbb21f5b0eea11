//! What your app's login does for the widget, in Rust: after it has checked who the user is, it
//! mints a short-lived HS256 JWT for that user's Blinger operator with the secret it shares with
//! blinger-gateway (`--jwt-secret-file`), with the maintained `jsonwebtoken` crate. Serve it from
//! an endpoint of your own (`Cache-Control: no-store`); the widget's `tokenProvider` fetches it.
//!
//! `BLINGER_GATEWAY_JWT_SECRET=… cargo run -p blinger-gateway --example mint_jwt -- 2`
//! prints a token for operator 2 (gateway/tests/auth.rs checks the gateway accepts it).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};

#[derive(serde::Serialize)]
struct Claims {
    operator_id: u64,
    exp: u64,
}

/// A token for `operator_id`, valid for 15 minutes.
pub fn blinger_jwt(operator_id: u64, secret: &[u8]) -> Result<String, Box<dyn std::error::Error>> {
    let exp = (SystemTime::now() + Duration::from_secs(900)).duration_since(UNIX_EPOCH)?;
    let claims = Claims {
        operator_id,
        exp: exp.as_secs(),
    };
    Ok(encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(secret),
    )?)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let operator: u64 = std::env::args()
        .nth(1)
        .ok_or("usage: mint_jwt OPERATOR_ID")?
        .parse()?;
    let secret = std::env::var("BLINGER_GATEWAY_JWT_SECRET")?;
    println!("{}", blinger_jwt(operator, secret.as_bytes())?);
    Ok(())
}
