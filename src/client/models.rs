//! The plaintext views a client works with (never sent to the Vault as such).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// An item, decrypted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlainItem {
    /// The id.
    pub id: String,
    /// The version of the write it was read from (0: the original unversioned form). An
    /// update sends `version + 1`; the Vault refuses it if someone else wrote in between.
    #[serde(default)]
    pub version: u64,
    /// The label.
    pub label: String,
    /// Slot name → value.
    pub slots: BTreeMap<String, String>,
    /// Slot name → type (`password`, `date`, `url`, …; see `client::slot_types`), for the slots
    /// that have one. Sealed with the item; each value is checked against its type.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub types: BTreeMap<String, String>,
}

/// What a new user must keep: without the secret key, the account cannot be opened. Zeroized
/// on drop; `Debug` leaves the secret key out.
#[derive(Clone, Serialize, Deserialize, zeroize::Zeroize, zeroize::ZeroizeOnDrop)]
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
    /// Share only these slots (by name); absent: every slot, including slots added later.
    #[serde(default)]
    pub slots: Option<Vec<String>>,
    /// The recipient may share the copy on to their own connections; every on-shared copy
    /// can be checked against this owner's values.
    #[serde(default)]
    pub on_sharing: bool,
}

/// A share as this client checked it: the record as the Vault holds it, whether its acceptance
/// is proven, and (when read) the decrypted copy. In a list, a share that failed its checks
/// carries its error here instead of failing the whole list.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShareView {
    /// The share record (ciphertext fields included, as the Vault holds them). Its terms,
    /// expiry and acceptance setting are the ones the sender sealed, unless `error` is set or
    /// `legacy` is true.
    pub share: crate::api::Share,
    /// Accepted, and proven by a receipt only the recipient could make.
    pub accepted: bool,
    /// Made before covault 0.2: its terms, expiry and acceptance setting are not sealed.
    pub legacy: bool,
    /// Rejected by the recipient, and proven by a receipt only the recipient could make.
    #[serde(default)]
    pub rejected: bool,
    /// When read: the copy's values were checked against the original owner's commitments
    /// (a share that permits on-sharing, or an on-share).
    #[serde(default)]
    pub origin_verified: bool,
    /// For the sender: the item (or, for an on-share, the incoming share) the copy is made
    /// from, and the slots it carries (absent: every slot), as sealed.
    #[serde(default)]
    pub source: Option<ShareSource>,
    /// The decrypted copy (its id is the share id), when read.
    pub item: Option<PlainItem>,
    /// Why this share failed its checks (lists only).
    pub error: Option<ShareError>,
}

/// Where a share's copy comes from, as its sender sealed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareSource {
    /// The item id, or for an on-share the incoming share id.
    pub id: String,
    /// The slots shared; absent: every slot.
    pub slots: Option<Vec<String>>,
}

/// What refreshing an item's shares did: every outgoing share made from it, refreshed or
/// reported with why not (never silently skipped).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareRefresh {
    /// Share ids now holding the item's latest version.
    pub refreshed: Vec<String>,
    /// Shares that could not be refreshed, each with its error.
    pub failed: Vec<FailedShare>,
}

/// An item written, and its shares refreshed with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemUpdate {
    /// The item as written.
    pub item: PlainItem,
    /// What happened to its shares.
    pub shares: ShareRefresh,
}

/// A share an operation could not complete, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailedShare {
    /// The share (or, when sharing to several connections, the connection).
    pub id: String,
    /// The error.
    pub error: ShareError,
}

/// Someone who holds a copy of an owner's item: a recipient of one of the owner's shares
/// (checked by the owner's client) or of an on-share downstream of one (as the Vault reports
/// it: the owner holds no key to check those).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemHolder {
    /// The share that reached them.
    pub share_id: String,
    /// Who shared it with them.
    pub sender_email: String,
    /// Who holds the copy.
    pub recipient_email: String,
    /// For an on-share: the share it was made from.
    pub parent_share_id: Option<String>,
    /// True for the owner's own shares, which the owner's client checked; false for on-shares,
    /// reported by the Vault.
    pub checked: bool,
}

/// One share's failure inside a list: the same code and message as a thrown error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareError {
    /// The stable code (`Integrity`, `KeyMismatch`, `Rollback`, `Expired`, …).
    pub code: String,
    /// What went wrong.
    pub message: String,
}

/// A connection as this client pinned it, with the code both sides compare.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionInfo {
    /// The connection as the Vault shows it, checked against the pinned keys.
    #[serde(flatten)]
    pub connection: crate::api::Connection,
    /// The safety number computed from the pinned keys and user ids.
    pub fingerprint: String,
    /// The user compared the fingerprint with the peer's and marked the connection verified.
    pub verified: bool,
    /// The name the user gave the connection, if any (sealed in the account record).
    pub name: Option<String>,
}

/// A session a native client keeps between runs (see `Session::save`). A credential: whoever
/// holds it can act as the user until the session expires, and decrypt their data. Zeroized on
/// drop; `Debug` shows none of it.
#[derive(Clone, Serialize, Deserialize, zeroize::Zeroize, zeroize::ZeroizeOnDrop)]
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
    /// Share links made (the sender's sealed records; the Vault never holds a link's key).
    pub links: Vec<crate::api::Link>,
}

impl core::fmt::Debug for RecoveryKit {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("RecoveryKit")
            .field("vault_url", &self.vault_url)
            .field("email", &self.email)
            .finish_non_exhaustive()
    }
}

impl core::fmt::Debug for SavedSession {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SavedSession")
            .field("vault_url", &self.vault_url)
            .field("user_id", &self.user_id)
            .finish_non_exhaustive()
    }
}
