//! Shares: a re-encrypted copy of an item, its DEK sealed to the connection peer.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// `POST /v1/shares`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewShare {
    /// Client-made UUID (also the share DEK's id, and bound into the HPKE info).
    pub id: String,
    /// The connection it travels on; the caller must be on it.
    pub connection_id: String,
    /// The label, encrypted under the share DEK.
    pub label: String,
    /// Slot name → value encrypted under the share DEK.
    pub slots: BTreeMap<String, String>,
    /// The share DEK sealed to the peer (an HPKE envelope, which carries the encapsulated key).
    pub sealed_dek: String,
    /// RFC 3339; after it the share is never served.
    #[serde(default)]
    pub expires_at: Option<String>,
    /// Terms the recipient must see (and accept, if `acceptance_required`).
    #[serde(default)]
    pub terms: Option<String>,
    /// If true, the recipient gets the contents only after `PUT /v1/shares/{id}/accept`.
    #[serde(default)]
    pub acceptance_required: bool,
    /// The copy's version, sealed into it (1 for a new share; 0 is the original unversioned
    /// form, no longer written).
    #[serde(default)]
    pub version: u64,
    /// The share's metadata (source, slot selection, provenance), an `a256gcm` envelope under
    /// the share DEK (`covault::crypto::ShareMeta`). Every share since covault 0.3 has one.
    #[serde(default)]
    pub meta: Option<String>,
    /// The recipient may share the copy on (bound into the sealed DEK as well).
    #[serde(default)]
    pub on_sharing: bool,
    /// For an on-share: the incoming share it is made from, which must permit on-sharing.
    #[serde(default)]
    pub parent_share_id: Option<String>,
    /// For a share that permits on-sharing: slot name → the owner's commitment to the value.
    /// An on-share sends none; the Vault copies its parent's.
    #[serde(default)]
    pub verification: Option<BTreeMap<String, String>>,
    /// The sender's own copy of the share DEK, wrapped under their KEK (an `a256gcm`
    /// envelope), stored as their DEK with the share's id in the same transaction as the share.
    #[serde(default)]
    pub kept_dek: Option<String>,
}

/// `POST /v1/shares/batch`: up to 500 shares, made in one transaction (all or none).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewShares {
    /// The shares.
    pub shares: Vec<NewShare>,
}

/// The answer to `POST /v1/shares/batch`: the shares made, in the order asked.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SharesCreated {
    /// The shares.
    pub shares: Vec<Share>,
}

/// `PUT /v1/shares/{id}`: the sender replaces the shared copy (same share DEK).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ShareUpdate {
    /// The copy's new version: one more than the stored one (else 409 `StaleVersion`).
    #[serde(default)]
    pub version: u64,
    /// The new encrypted label.
    pub label: String,
    /// The new encrypted slots.
    pub slots: BTreeMap<String, String>,
    /// New commitments, for a share that permits on-sharing (an on-share sends none: the
    /// Vault copies its parent's current ones).
    #[serde(default)]
    pub verification: Option<BTreeMap<String, String>>,
}

/// `PUT /v1/shares/{id}/accept`: the recipient's receipt, an envelope made with the share DEK
/// that names the terms accepted (see `covault::crypto::share::receipt`). The Vault
/// stores it and shows it to the sender, who checks it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AcceptShare {
    /// The receipt (an `a256gcm` envelope).
    pub receipt: String,
}

/// `PUT /v1/shares/{id}/reject`: the recipient's rejection receipt, made like the acceptance
/// receipt (see `covault::crypto::share::receipt`). A rejected share's contents are
/// no longer served to the recipient; the sender sees the receipt and checks it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RejectShare {
    /// The receipt (an `a256gcm` envelope).
    pub receipt: String,
}

/// One holder of a copy of an owner's share, as the Vault reports it: an on-share made from
/// it, or from an on-share of it. The owner holds no key to these and cannot check them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ShareHolder {
    /// The on-share.
    pub share_id: String,
    /// The share it was made from.
    pub parent_share_id: String,
    /// Who shared it on.
    pub sender_email: String,
    /// Who holds it.
    pub recipient_email: String,
    /// RFC 3339.
    pub created_at: String,
}

/// `GET /v1/shares/{id}/copies`: every on-share downstream of the caller's share.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ShareCopies {
    /// Oldest first.
    pub copies: Vec<ShareHolder>,
}

/// A share. For a recipient who has not yet accepted a share that requires acceptance,
/// `label` and `slots` are absent (the sealed DEK is there, so that the recipient can check the
/// terms and make the acceptance receipt).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Share {
    /// The id.
    pub id: String,
    /// The connection.
    pub connection_id: String,
    /// Who shared it.
    pub sender_id: String,
    /// The sender's email.
    pub sender_email: String,
    /// Who it is shared with.
    pub recipient_id: String,
    /// The recipient's email.
    pub recipient_email: String,
    /// The encrypted label.
    pub label: Option<String>,
    /// The encrypted slots.
    pub slots: Option<BTreeMap<String, String>>,
    /// The sealed share DEK.
    pub sealed_dek: Option<String>,
    /// RFC 3339.
    pub expires_at: Option<String>,
    /// The terms.
    pub terms: Option<String>,
    /// Whether acceptance is required.
    pub acceptance_required: bool,
    /// RFC 3339, once accepted.
    pub accepted_at: Option<String>,
    /// The recipient's acceptance receipt, once accepted.
    pub acceptance: Option<String>,
    /// The version of the shared copy stored.
    pub version: u64,
    /// The sealed metadata (absent on shares made before covault 0.3).
    #[serde(default)]
    pub meta: Option<String>,
    /// Whether the recipient may share it on.
    #[serde(default)]
    pub on_sharing: bool,
    /// For an on-share: the share it was made from.
    #[serde(default)]
    pub parent_share_id: Option<String>,
    /// For on-sharing chains: slot name → the original owner's commitment.
    #[serde(default)]
    pub verification: Option<BTreeMap<String, String>>,
    /// RFC 3339, once rejected.
    #[serde(default)]
    pub rejected_at: Option<String>,
    /// The recipient's rejection receipt, once rejected.
    #[serde(default)]
    pub rejection: Option<String>,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339.
    pub updated_at: String,
}

/// Which shares to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Shared with the caller.
    #[default]
    Incoming,
    /// Shared by the caller.
    Outgoing,
}

/// A page of shares, newest first.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SharePage {
    /// The shares.
    pub shares: Vec<Share>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}
