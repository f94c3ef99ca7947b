//! Items: an encrypted label and named encrypted slots.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// `POST /v1/items` and `PUT /v1/items/{id}` (where `id` and `dek_id` must match the path and
/// the stored item).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ItemInput {
    /// Client-made UUID.
    pub id: String,
    /// The DEK that encrypts label and slots.
    pub dek_id: String,
    /// The write's version, sealed into the ciphertext: 1 for a new item, then one more than
    /// the stored version for each update (the Vault refuses any other with 409 `StaleVersion`).
    /// 0 is the original unversioned form, still stored but no longer written.
    #[serde(default)]
    pub version: u64,
    /// The label, encrypted (an envelope; from version 1 on, the sealed manifest).
    pub label: String,
    /// Slot name → encrypted value (an envelope). Names are visible to the Vault; values are not.
    pub slots: BTreeMap<String, String>,
}

/// `POST /v1/items/batch`: up to 500 new items, stored in one transaction (all or none).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewItems {
    /// The items.
    pub items: Vec<ItemInput>,
}

/// A stored item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Item {
    /// The id.
    pub id: String,
    /// The DEK that encrypts label and slots.
    pub dek_id: String,
    /// The version of the write stored.
    pub version: u64,
    /// The encrypted label (from version 1 on, the sealed manifest).
    pub label: String,
    /// Slot name → encrypted value.
    pub slots: BTreeMap<String, String>,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339.
    pub updated_at: String,
}
