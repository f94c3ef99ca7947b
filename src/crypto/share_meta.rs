//! A share's metadata, sealed under its share DEK: where the copy comes from, which slots it
//! carries, and, for a share that may be shared on, the verification key of its provenance.
//!
//! The sender needs the first two to refresh the copy when the item changes (a Vault that
//! pointed a share at another item would otherwise leak that item to the share's recipient).
//! Provenance lets the last recipient of an on-sharing chain check that each value is the
//! original owner's: the owner commits to every slot with HMAC-SHA256 under a random
//! verification key that travels only inside sealed metadata, and the commitments are stored
//! in clear on the owner's share, from which the Vault copies them onto every on-share. A
//! middle party that alters a value cannot make a matching commitment appear on the owner's
//! share; it would need the Vault's help (`docs/security.md`).

use std::collections::BTreeMap;

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use super::aead::SymmetricKey;
use super::codec::{Reader, Writer};
use super::context::{Context, LABEL_SHARE_META, LABEL_SLOT_COMMITMENT};
use super::dek::Dek;
use super::encoding::{from_base64url, to_base64url};
use super::envelope::Envelope;
use super::error::{CryptoError, Result};

/// Where a copy of an item came from, as sealed by the share's sender.
#[derive(Debug, PartialEq, Eq)]
pub struct ShareMeta {
    /// The sender's item the copy was made from, or, for an on-share, the share it came from.
    pub source: String,
    /// The slots shared, by name; `None`: every slot (slots added later are shared too).
    pub slots: Option<Vec<String>>,
    /// For a share that may be shared on, or an on-share: what lets a recipient check values.
    pub provenance: Option<Provenance>,
}

/// The root of an on-sharing chain and the key its owner committed to each slot under.
#[derive(Debug, PartialEq, Eq)]
pub struct Provenance {
    /// The owner's share at the root of the chain (where the commitments are stored).
    pub root_share_id: String,
    /// The verification key.
    pub key: VerificationKey,
}

/// A 256-bit HMAC key; zeroized on drop.
pub struct VerificationKey(SymmetricKey);

impl VerificationKey {
    /// A fresh random key.
    pub fn generate() -> Result<Self> {
        Ok(VerificationKey(SymmetricKey::generate()?))
    }

    fn mac(&self, root_share_id: &str, name: &str, value: &str) -> Hmac<Sha256> {
        // A 32-byte key is always a valid HMAC key; the fallback is never taken.
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(self.0.expose())
            .unwrap_or_else(|_| <Hmac<Sha256> as KeyInit>::new(&Default::default()));
        let context = Context::new(
            LABEL_SLOT_COMMITMENT,
            &[root_share_id.as_bytes(), name.as_bytes(), value.as_bytes()],
        );
        mac.update(context.as_bytes());
        mac
    }

    /// Commitments to every slot, by name (base64url HMAC-SHA256 tags).
    pub fn commit(
        &self,
        root_share_id: &str,
        slots: &BTreeMap<String, String>,
    ) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        for (name, value) in slots {
            let tag = self.mac(root_share_id, name, value).finalize().into_bytes();
            out.insert(name.clone(), to_base64url(&tag));
        }
        out
    }

    /// Checks each slot against its commitment (in constant time); a slot without one, or
    /// whose value differs from what the owner committed to, is `Integrity`.
    pub fn verify(
        &self,
        root_share_id: &str,
        slots: &BTreeMap<String, String>,
        commitments: &BTreeMap<String, String>,
    ) -> Result<()> {
        for (name, value) in slots {
            let tag = commitments.get(name).ok_or(CryptoError::Integrity)?;
            let tag = from_base64url(tag, "commitment").map_err(|_| CryptoError::Integrity)?;
            self.mac(root_share_id, name, value)
                .verify_slice(&tag)
                .map_err(|_| CryptoError::Integrity)?;
        }
        Ok(())
    }
}

impl PartialEq for VerificationKey {
    fn eq(&self, other: &Self) -> bool {
        self.0.expose() == other.0.expose()
    }
}
impl Eq for VerificationKey {}

impl std::fmt::Debug for VerificationKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("VerificationKey(…)")
    }
}

const META_TAG: u8 = 1;

impl ShareMeta {
    fn encode(&self) -> zeroize::Zeroizing<Vec<u8>> {
        let mut w = Writer::new(META_TAG);
        w.str(&self.source).bool(self.slots.is_some());
        if let Some(slots) = &self.slots {
            w.count(slots.len());
            for name in slots {
                w.str(name);
            }
        }
        w.bool(self.provenance.is_some());
        if let Some(p) = &self.provenance {
            w.str(&p.root_share_id).str(&p.key.0.to_base64url());
        }
        zeroize::Zeroizing::new(w.finish())
    }

    fn decode(bytes: &[u8]) -> Result<Self> {
        let mut r = Reader::new(bytes, META_TAG)?;
        let source = r.str()?;
        let slots = if r.bool()? {
            let n = r.count(4)?;
            Some((0..n).map(|_| r.str()).collect::<Result<_>>()?)
        } else {
            None
        };
        let provenance = if r.bool()? {
            let root_share_id = r.str()?;
            let key = zeroize::Zeroizing::new(r.str()?);
            Some(Provenance {
                root_share_id,
                key: VerificationKey(SymmetricKey::from_base64url(&key)?),
            })
        } else {
            None
        };
        r.finish()?;
        Ok(ShareMeta {
            source,
            slots,
            provenance,
        })
    }

    /// Seals the metadata of share `share_id` under its DEK.
    pub fn seal(&self, dek: &Dek, share_id: &str) -> Result<Envelope> {
        dek.encrypt(&self.encode(), &Self::context(share_id))
    }

    /// Opens metadata sealed by [`ShareMeta::seal`] for the same share.
    pub fn open(dek: &Dek, share_id: &str, sealed: &Envelope) -> Result<Self> {
        Self::decode(&dek.decrypt(sealed, &Self::context(share_id))?)
    }

    fn context(share_id: &str) -> Context {
        Context::new(LABEL_SHARE_META, &[share_id.as_bytes()])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::crypto::test_slots::slots;

    #[test]
    fn metadata_opens_only_for_its_share() {
        let dek = Dek::generate_with_id("s1").unwrap();
        let meta = ShareMeta {
            source: "item-1".into(),
            slots: Some(vec!["pin".into()]),
            provenance: Some(Provenance {
                root_share_id: "s1".into(),
                key: VerificationKey::generate().unwrap(),
            }),
        };
        let sealed = meta.seal(&dek, "s1").unwrap();
        assert_eq!(ShareMeta::open(&dek, "s1", &sealed).unwrap(), meta);
        assert_eq!(
            ShareMeta::open(&dek, "s2", &sealed).unwrap_err(),
            CryptoError::Integrity
        );
    }

    #[test]
    fn an_altered_value_or_a_missing_commitment_fails_verification() {
        let key = VerificationKey::generate().unwrap();
        let values = slots(&[("iban", "DE89 3704"), ("name", "Alice")]);
        let commitments = key.commit("root", &values);
        key.verify("root", &values, &commitments).unwrap();
        // A subset of the slots still verifies (an on-share may carry fewer).
        key.verify("root", &slots(&[("name", "Alice")]), &commitments)
            .unwrap();
        for bad in [
            slots(&[("iban", "GB29 NWBK")]),
            slots(&[("other", "Alice")]),
            slots(&[("name", "Alice ")]),
        ] {
            assert_eq!(
                key.verify("root", &bad, &commitments).unwrap_err(),
                CryptoError::Integrity
            );
        }
        // Another root's commitments, or another key, do not verify.
        assert!(key.verify("other-root", &values, &commitments).is_err());
        let other = VerificationKey::generate().unwrap();
        assert!(other.verify("root", &values, &commitments).is_err());
    }
}
