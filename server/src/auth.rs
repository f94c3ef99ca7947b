//! Sessions and secrets at rest: random bearer tokens stored as SHA-256 hashes, auth keys
//! stored as SHA-256 hashes (they are 256-bit random-looking keys, so no slow hash is needed),
//! and the caller's identity extracted from `Authorization: Bearer`.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use covault::crypto::encoding::{from_base64url, to_base64url};
use sha2::{Digest, Sha256};

use crate::db::{Db, now_ms};
use crate::error::ApiError;
use crate::state::AppState;
use crate::store;

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

/// The authenticated caller of a route (extracted with the state as `Authed`).
#[derive(Debug, Clone)]
pub struct Caller {
    /// The user id.
    pub user_id: String,
    /// The hash of the session token (to log out this session).
    pub token_hash: String,
}

/// What an authenticated handler works with, the app state and the caller, as one extractor:
/// one argument instead of two in every handler that needs a session.
pub struct Authed {
    /// The app state.
    pub state: AppState,
    /// Who is calling.
    pub caller: Caller,
}

impl Authed {
    /// The database.
    pub fn db(&self) -> &Db {
        &self.state.db
    }

    /// The caller's user id.
    pub fn user_id(&self) -> &str {
        &self.caller.user_id
    }
}

impl FromRequestParts<AppState> for Authed {
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
        let (user_id, expires_at) = store::users::session(&state.db, &token_hash)
            .await?
            .ok_or(ApiError::Unauthorized("invalid or expired session"))?;
        if expires_at <= now_ms() {
            store::users::close_session(&state.db, &token_hash).await?;
            return Err(ApiError::Unauthorized("invalid or expired session"));
        }
        let caller = Caller {
            user_id,
            token_hash,
        };
        Ok(Authed {
            state: state.clone(),
            caller,
        })
    }
}
