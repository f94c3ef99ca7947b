//! Sign-up, prelogin, sessions.

use serde::{Deserialize, Serialize};

use crate::crypto::KdfParams;

/// `POST /v1/prelogin`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PreloginRequest {
    /// The account email.
    pub email: String,
}

/// The KDF parameters and salt to derive keys with. An unknown email gets a stable decoy, so
/// the answer does not reveal whether an account exists.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PreloginResponse {
    /// Argon2id parameters.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub kdf: KdfParams,
    /// base64url, 16 bytes.
    pub salt: String,
}

/// `POST /v1/users`: everything the Vault stores about a new account, none of it secret.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SignupRequest {
    /// Client-made UUID; the KEK wrap is bound to it.
    pub user_id: String,
    /// The account email.
    pub email: String,
    /// Argon2id parameters (at or above the floor).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub kdf: KdfParams,
    /// base64url, 16 bytes.
    pub salt: String,
    /// base64url auth key; the Vault stores only a hash of it.
    pub auth_key: String,
    /// The KEK wrapped by the unlock key (an envelope).
    pub wrapped_kek: String,
}

/// A user as the Vault shows it to that user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct User {
    /// The user id.
    pub id: String,
    /// The account email.
    pub email: String,
    /// RFC 3339.
    pub created_at: String,
}

/// `POST /v1/sessions`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// The account email.
    pub email: String,
    /// base64url auth key.
    pub auth_key: String,
}

/// A new session: a random bearer token (stored hashed) that expires.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Session {
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
    /// RFC 3339.
    pub expires_at: String,
    /// The user.
    pub user: User,
}
