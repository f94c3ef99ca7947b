//! The plaintext views a client works with (never sent to the Vault as such).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// An item, decrypted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlainItem {
    /// The id.
    pub id: String,
    /// The label.
    pub label: String,
    /// Slot name → value.
    pub slots: BTreeMap<String, String>,
}

/// What a new user must keep: without the secret key, the account cannot be opened.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecoveryKit {
    /// The Vault.
    pub vault_url: String,
    /// The account email.
    pub email: String,
    /// The printable secret key (`CV1-…`).
    pub secret_key: String,
}

/// Options for a new share.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ShareOptions {
    /// RFC 3339; after it the Vault never serves the share.
    #[serde(default)]
    pub expires_at: Option<String>,
    /// Terms the recipient sees.
    #[serde(default)]
    pub terms: Option<String>,
    /// The recipient must accept before reading.
    #[serde(default)]
    pub acceptance_required: bool,
}

/// A share as its recipient reads it: the record and the decrypted item.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReadShare {
    /// The share record (ciphertext fields included, as the Vault holds them).
    pub share: crate::api::Share,
    /// The decrypted copy: its id is the share id.
    pub item: PlainItem,
}

/// A session a native client keeps between runs (see `Session::save`). A credential: whoever
/// holds it can act as the user until the session expires, and decrypt their data.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SavedSession {
    /// The Vault.
    pub vault_url: String,
    /// The user id.
    pub user_id: String,
    /// The account email.
    pub email: String,
    /// The printable secret key.
    pub secret_key: String,
    /// The unlock key (derived from passphrase and secret key; it unwraps the KEK), base64url.
    pub unlock_key: String,
    /// The bearer token.
    pub session_token: String,
    /// RFC 3339.
    pub session_expires_at: String,
}

/// What the Vault holds for a user, undecrypted (see `Session::vault_view`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VaultView {
    /// The KEK, wrapped by the unlock key.
    pub wrapped_kek: String,
    /// Wrapped DEKs.
    pub deks: Vec<crate::api::DekRecord>,
    /// Public keys and wrapped private keys.
    pub keypairs: Vec<crate::api::KeyPairRecord>,
    /// Item ciphertexts.
    pub items: Vec<crate::api::Item>,
    /// Connections (public keys).
    pub connections: Vec<crate::api::Connection>,
    /// Shares sent (ciphertexts).
    pub outgoing_shares: Vec<crate::api::Share>,
    /// Shares received (ciphertexts).
    pub incoming_shares: Vec<crate::api::Share>,
}
