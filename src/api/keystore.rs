//! The Keystore: the wrapped KEK, keypairs and DEKs.

use serde::{Deserialize, Serialize};

use crate::crypto::KdfParams;

/// `GET /v1/keystore/kek`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WrappedKek {
    /// The KEK wrapped by the unlock key (an envelope).
    pub wrapped_kek: String,
}

/// `PUT /v1/keystore/kek`: change the passphrase. The same KEK, re-wrapped under the new unlock
/// key, with the new salt, parameters and auth key; nothing else changes. Other sessions are
/// ended. The current auth key proves the caller knows the current passphrase and secret key:
/// a stolen session token alone cannot lock the owner out.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ChangePassphraseRequest {
    /// The current auth key, base64url (wrong: 401, and nothing changes).
    pub current_auth_key: String,
    /// The KEK wrapped by the new unlock key.
    pub wrapped_kek: String,
    /// New Argon2id parameters.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub kdf: KdfParams,
    /// New salt, base64url.
    pub salt: String,
    /// New auth key, base64url.
    pub auth_key: String,
}

/// `POST /v1/keystore/keypairs`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewKeyPair {
    /// Client-made UUID.
    pub id: String,
    /// X25519 public key, base64url.
    pub public_key: String,
    /// The private key wrapped by the KEK (an envelope).
    pub wrapped_private_key: String,
}

/// A stored keypair.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KeyPairRecord {
    /// The id.
    pub id: String,
    /// X25519 public key, base64url.
    pub public_key: String,
    /// The private key wrapped by the KEK.
    pub wrapped_private_key: String,
    /// RFC 3339.
    pub created_at: String,
}

/// `POST /v1/keystore/deks`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewDek {
    /// Client-made UUID.
    pub id: String,
    /// The DEK wrapped by the KEK (an envelope).
    pub wrapped_key: String,
}

/// A stored DEK.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DekRecord {
    /// The id.
    pub id: String,
    /// The DEK wrapped by the KEK.
    pub wrapped_key: String,
    /// RFC 3339.
    pub created_at: String,
}

/// `GET|PUT /v1/keystore/state`: the account record, sealed by the client under its KEK (the
/// default DEK and each connection's pinned keys). The Vault stores it and its version, and
/// accepts a `PUT` only with the next version (else 409 `StaleVersion`), so two devices cannot
/// overwrite each other unseen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AccountState {
    /// 1 for the first record, then one more for each write.
    pub version: u64,
    /// The sealed record (an `a256gcm` envelope).
    pub sealed: String,
}
