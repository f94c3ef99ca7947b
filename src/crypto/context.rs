//! Domain labels and associated data: what binds every ciphertext to the one place it belongs.
//!
//! Associated data is `label || for each part: u32be(len) || part`. The length prefixes keep
//! `("ab", "c")` and `("a", "bc")` apart, and the versioned label keeps a wrapped DEK from ever
//! opening as a slot, a private key or anything else.

/// Domain label for a KEK wrapped by the unlock key.
pub const LABEL_KEK: &str = "covault/v1/kek";
/// Domain label for a DEK wrapped by a KEK.
pub const LABEL_DEK: &str = "covault/v1/dek";
/// Domain label for an X25519 private key wrapped by a KEK.
pub const LABEL_KEYPAIR: &str = "covault/v1/keypair";
/// Domain label for an item slot encrypted under a DEK.
pub const LABEL_SLOT: &str = "covault/v1/slot";
/// Domain label for a slot of a shared copy, encrypted under a share DEK.
pub const LABEL_SHARE_SLOT: &str = "covault/v1/share-slot";
/// Domain label for an item's label, encrypted under its DEK.
pub const LABEL_ITEM_LABEL: &str = "covault/v1/item-label";
/// Domain label for a shared copy's label, encrypted under the share DEK.
pub const LABEL_SHARE_LABEL: &str = "covault/v1/share-label";
/// Domain label for the HPKE `info` of a sealed share DEK.
pub const LABEL_SHARE: &str = "covault/v1/share";
/// Domain label for data an application encrypts under its own context string.
pub const LABEL_APP: &str = "covault/v1/app";
/// Domain label for an item's manifest (v2 items): its label, version and exact slot names.
pub const LABEL_ITEM_MANIFEST: &str = "covault/v2/item";
/// Domain label for a slot of a v2 item: bound to the item, the write's version and the name.
pub const LABEL_SLOT_V2: &str = "covault/v2/slot";
/// Domain label for a shared copy's manifest (v2 shares).
pub const LABEL_SHARE_MANIFEST: &str = "covault/v2/share-copy";
/// Domain label for a slot of a v2 shared copy.
pub const LABEL_SHARE_SLOT_V2: &str = "covault/v2/share-slot";
/// Domain label for the HPKE `info` of a v2 share: binds parties, expiry, terms and acceptance.
pub const LABEL_SHARE_V2: &str = "covault/v2/share";
/// Domain label for the sender's own copy of a share DEK, wrapped by their KEK. Kept apart
/// from item DEKs so that a share DEK can never be taken for (or made into) an item DEK.
pub const LABEL_KEPT_SHARE_DEK: &str = "covault/v2/kept-share-dek";
/// Domain label for the receipt a recipient makes when accepting a share.
pub const LABEL_SHARE_ACCEPTED: &str = "covault/v2/share-accepted";
/// Domain label for the receipt a recipient makes when rejecting a share.
pub const LABEL_SHARE_REJECTED: &str = "covault/v3/share-rejected";
/// Domain label for a share's metadata (its source, slot selection and provenance), sealed
/// under the share DEK.
pub const LABEL_SHARE_META: &str = "covault/v3/share-meta";
/// Domain label for a slot's commitment under a share's verification key (on-sharing).
pub const LABEL_SLOT_COMMITMENT: &str = "covault/v3/slot-commitment";
/// Domain label for the account record a client seals under its KEK and keeps on the Vault.
pub const LABEL_ACCOUNT: &str = "covault/v2/account";
/// Domain label for the state a client keeps on the device (versions seen, deletions).
pub const LABEL_DEVICE_STATE: &str = "covault/v2/device-state";
/// Domain label for one chunk of an attached file (STREAM): bound to the item, the file and the
/// stream header.
pub const LABEL_FILE_CHUNK: &str = "covault/v2/file-chunk";

/// Domain label for a share link's content, sealed under the key in the link's fragment.
pub const LABEL_LINK: &str = "covault/v1/link";
/// Domain label for a share link's second layer, under the key derived from its passphrase.
pub const LABEL_LINK_PASSPHRASE: &str = "covault/v1/link-passphrase";
/// Domain label for what the sender keeps of a link it made, sealed under its KEK.
pub const LABEL_LINK_KEPT: &str = "covault/v1/link-kept";

/// The associated data of one ciphertext: a domain label plus the ids it is bound to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Context {
    bytes: Vec<u8>,
}

impl Context {
    /// Builds a context from a label and its parts.
    pub fn new(label: &str, parts: &[&[u8]]) -> Self {
        let mut bytes =
            Vec::with_capacity(label.len() + parts.iter().map(|p| p.len() + 4).sum::<usize>());
        bytes.extend_from_slice(label.as_bytes());
        for part in parts {
            // Parts longer than 4 GiB cannot occur (ids and names are short); saturate anyway.
            let len = u32::try_from(part.len()).unwrap_or(u32::MAX);
            bytes.extend_from_slice(&len.to_be_bytes());
            bytes.extend_from_slice(part);
        }
        Context { bytes }
    }

    /// A slot of an item: moving it to another item or slot name breaks decryption.
    pub fn slot(item_id: &str, slot_name: &str) -> Self {
        Self::new(LABEL_SLOT, &[item_id.as_bytes(), slot_name.as_bytes()])
    }

    /// A slot of a shared copy, bound to its share.
    pub fn share_slot(share_id: &str, slot_name: &str) -> Self {
        Self::new(
            LABEL_SHARE_SLOT,
            &[share_id.as_bytes(), slot_name.as_bytes()],
        )
    }

    /// An item's label, bound to the item.
    pub fn item_label(item_id: &str) -> Self {
        Self::new(LABEL_ITEM_LABEL, &[item_id.as_bytes()])
    }

    /// A shared copy's label, bound to the share.
    pub fn share_label(share_id: &str) -> Self {
        Self::new(LABEL_SHARE_LABEL, &[share_id.as_bytes()])
    }

    /// The HPKE `info` of a share: bound to the share and to the connection it travels on.
    pub fn share(share_id: &str, connection_id: &str) -> Self {
        Self::new(
            LABEL_SHARE,
            &[share_id.as_bytes(), connection_id.as_bytes()],
        )
    }

    /// The manifest of a v2 item or shared copy (`label` picks which).
    pub fn manifest(label: &'static str, id: &str) -> Self {
        Self::new(label, &[id.as_bytes()])
    }

    /// A slot of a v2 item or shared copy: bound to its record, the write's version and name.
    pub fn versioned_slot(label: &'static str, id: &str, version: u64, slot_name: &str) -> Self {
        Self::new(
            label,
            &[id.as_bytes(), &version.to_be_bytes(), slot_name.as_bytes()],
        )
    }

    /// A caller-chosen context string, kept apart from every covault-internal context.
    pub fn app(context: &str) -> Self {
        Self::new(LABEL_APP, &[context.as_bytes()])
    }

    /// The associated-data bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_are_length_prefixed_so_boundaries_cannot_shift() {
        assert_ne!(Context::slot("ab", "c"), Context::slot("a", "bc"));
    }

    #[test]
    fn labels_separate_domains_with_the_same_parts() {
        assert_ne!(Context::slot("x", "y"), Context::share_slot("x", "y"));
        assert_ne!(Context::app("x"), Context::new(LABEL_SLOT, &[b"x"]));
    }
}
