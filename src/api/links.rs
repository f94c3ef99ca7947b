//! Share links: an item snapshot for someone without an account, sealed under a key that only
//! the link's URL fragment holds (see `covault::crypto::link`). The Vault keeps the ciphertext,
//! counts views, and forgets the ciphertext when the link expires, runs out of views or is
//! revoked.

use serde::{Deserialize, Serialize};

/// `POST /v1/links`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewLink {
    /// Client-made UUID, bound into the ciphertext.
    pub id: String,
    /// The link's content, sealed under the fragment key (and the passphrase key).
    pub ciphertext: String,
    /// RFC 3339; after it the link is never served and its ciphertext is deleted.
    pub expires_at: String,
    /// How many times it may be opened; absent: until it expires.
    #[serde(default)]
    pub max_views: Option<u32>,
    /// Derived from the fragment key: the Vault stores its hash and serves the link only to a
    /// client that shows it (32 bytes, base64url).
    pub access_key: String,
    /// Derived from the passphrase and the fragment key, for a passphrase link: the Vault
    /// stores its hash and counts wrong ones per link.
    #[serde(default)]
    pub passphrase_proof: Option<String>,
    /// What the sender keeps of the link (its options, item and slots), sealed under the
    /// sender's KEK: the sender's client checks the Vault's listing against it.
    pub sender_record: String,
}

/// A link as its sender lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Link {
    /// The id.
    pub id: String,
    /// RFC 3339.
    pub expires_at: String,
    /// The most views, if limited.
    pub max_views: Option<u32>,
    /// How many times the Vault has served it.
    pub views: u32,
    /// Whether a passphrase is needed.
    pub passphrase: bool,
    /// Whether the Vault still holds the ciphertext (false once expired or out of views).
    pub available: bool,
    /// The sender's sealed record of the link.
    pub sender_record: String,
    /// RFC 3339.
    pub created_at: String,
}

/// `POST /v1/links/{id}/open`, without a session.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OpenLink {
    /// The access key derived from the fragment.
    pub access_key: String,
    /// The passphrase proof, for a passphrase link.
    #[serde(default)]
    pub passphrase_proof: Option<String>,
}

/// What an opener gets: the ciphertext, and the view this was.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OpenedLink {
    /// The id.
    pub id: String,
    /// The sealed content.
    pub ciphertext: String,
    /// RFC 3339, as the Vault holds it (the client judges the sealed one).
    pub expires_at: String,
    /// The most views, as the Vault holds it.
    pub max_views: Option<u32>,
    /// Views so far, this one included.
    pub views: u32,
}
