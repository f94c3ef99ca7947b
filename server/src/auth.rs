//! Sessions and secrets at rest: random bearer tokens stored as SHA-256 hashes, auth keys
//! stored as SHA-256 hashes (they are 256-bit random-looking keys, so no slow hash is needed),
//! and the caller's identity extracted from `Authorization: Bearer`.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use covault::crypto::encoding::{from_base64url, to_base64url};
use sha2::{Digest, Sha256};
use sqlx::Row;

use crate::db::now_ms;
use crate::error::ApiError;
use crate::state::AppState;

/// A fresh random 256-bit token, base64url.
pub fn new_token() -> anyhow::Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("rng: {e}"))?;
    Ok(to_base64url(&bytes))
}

/// The stored form of a token or auth key: hex SHA-256 under a domain label.
pub fn hash_secret(label: &str, secret: &str) -> String {
    let digest = Sha256::new()
        .chain_update(label.as_bytes())
        .chain_update([0u8])
        .chain_update(secret.as_bytes())
        .finalize();
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Hash label for bearer tokens.
pub const SESSION_LABEL: &str = "covault/v1/session-token";
/// Hash label for auth keys.
pub const AUTH_KEY_LABEL: &str = "covault/v1/auth-key-hash";
/// Hash label for invitation tokens.
pub const INVITATION_LABEL: &str = "covault/v1/invitation-token";

/// Checks that an auth key is 32 bytes of base64url.
pub fn check_auth_key(auth_key: &str) -> Result<(), ApiError> {
    match from_base64url(auth_key, "auth key") {
        Ok(bytes) if bytes.len() == 32 => Ok(()),
        _ => Err(ApiError::bad(
            "InvalidField",
            "auth_key must be 32 bytes of base64url",
        )),
    }
}

/// The authenticated caller of a route.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The user id.
    pub user_id: String,
    /// The hash of the session token (to log out this session).
    pub token_hash: String,
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let header = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .ok_or(ApiError::Unauthorized("missing bearer token"))?;
        let token = header
            .strip_prefix("Bearer ")
            .ok_or(ApiError::Unauthorized(
                "expected Authorization: Bearer <token>",
            ))?;
        let token_hash = hash_secret(SESSION_LABEL, token.trim());
        let row = sqlx::query("SELECT user_id, expires_at FROM sessions WHERE token_hash = $1")
            .bind(&token_hash)
            .fetch_optional(&state.db.pool)
            .await?
            .ok_or(ApiError::Unauthorized("invalid or expired session"))?;
        let expires_at: i64 = row.try_get("expires_at").map_err(ApiError::from)?;
        if expires_at <= now_ms() {
            sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
                .bind(&token_hash)
                .execute(state.db.writer())
                .await?;
            return Err(ApiError::Unauthorized("invalid or expired session"));
        }
        Ok(Caller {
            user_id: row.try_get("user_id").map_err(ApiError::from)?,
            token_hash,
        })
    }
}
