//! Sealing an item or a shared copy: a label and named slots under one DEK, as one write.
//!
//! Version 2 (every write since covault 0.2) seals a *manifest* (the label, the write's version
//! and the exact set of slot names) bound to the record's id, and each slot bound to the id, the
//! version and its name. A record therefore opens only as exactly what one write made: a slot
//! dropped, added, renamed, moved from another record or mixed in from another version is
//! `Integrity`. Whether the version is the newest is for the caller to judge (it remembers).
//!
//! Version 0 is the original form (`covault/v1/…` contexts, no manifest): still opened, never
//! written.

use std::collections::BTreeMap;

use super::codec::{Reader, Writer};
use super::context::{
    Context, LABEL_ITEM_MANIFEST, LABEL_SHARE_MANIFEST, LABEL_SHARE_SLOT_V2, LABEL_SLOT_V2,
};
use super::dek::Dek;
use super::envelope::Envelope;
use super::error::{CryptoError, Result};

/// What a record is: an item, or the shared copy of a share. Each has its own contexts, so one
/// can never be passed off as the other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordKind {
    /// An item in its owner's vault.
    Item,
    /// The copy of an item that travels with a share.
    SharedCopy,
}

impl RecordKind {
    fn manifest_label(self) -> &'static str {
        match self {
            RecordKind::Item => LABEL_ITEM_MANIFEST,
            RecordKind::SharedCopy => LABEL_SHARE_MANIFEST,
        }
    }

    fn slot_label(self) -> &'static str {
        match self {
            RecordKind::Item => LABEL_SLOT_V2,
            RecordKind::SharedCopy => LABEL_SHARE_SLOT_V2,
        }
    }

    fn legacy_label_context(self, id: &str) -> Context {
        match self {
            RecordKind::Item => Context::item_label(id),
            RecordKind::SharedCopy => Context::share_label(id),
        }
    }

    fn legacy_slot_context(self, id: &str, name: &str) -> Context {
        match self {
            RecordKind::Item => Context::slot(id, name),
            RecordKind::SharedCopy => Context::share_slot(id, name),
        }
    }
}

/// A record as the Vault stores it: the sealed label (v2: the manifest) and the sealed slots.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedRecord {
    /// The label envelope (v2: the manifest envelope).
    pub label: String,
    /// Slot name → envelope.
    pub slots: BTreeMap<String, String>,
}

/// A record opened: exactly what one write sealed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenedRecord {
    /// The version of the write (0: the original unversioned form).
    pub version: u64,
    /// The label.
    pub label: String,
    /// Slot name → value.
    pub slots: BTreeMap<String, String>,
    /// Slot name → type, for the slots that have one (sealed in the manifest).
    pub types: BTreeMap<String, String>,
}

/// The manifest's encoding: tag 1, then the version, the label and the slot names, sorted (as
/// the slots map iterates them). Tag 2 (covault 0.3, written only when a slot has a type)
/// follows each name with its type (empty for none).
const MANIFEST_TAG: u8 = 1;
const MANIFEST_TAG_TYPED: u8 = 2;

struct Manifest {
    version: u64,
    label: String,
    slots: Vec<String>,
    types: BTreeMap<String, String>,
}

impl Manifest {
    fn encode(
        version: u64,
        label: &str,
        slots: &BTreeMap<String, String>,
        types: &BTreeMap<String, String>,
    ) -> Vec<u8> {
        let typed = !types.is_empty();
        let mut w = Writer::new(if typed {
            MANIFEST_TAG_TYPED
        } else {
            MANIFEST_TAG
        });
        w.u64(version).str(label).count(slots.len());
        for name in slots.keys() {
            w.str(name);
            if typed {
                w.str(types.get(name).map_or("", String::as_str));
            }
        }
        w.finish()
    }

    fn decode(bytes: &[u8]) -> Result<Self> {
        let typed = bytes.first() == Some(&MANIFEST_TAG_TYPED);
        let tag = if typed {
            MANIFEST_TAG_TYPED
        } else {
            MANIFEST_TAG
        };
        let mut r = Reader::new(bytes, tag)?;
        let (version, label) = (r.u64()?, r.str()?);
        let n = r.count(4)?;
        let mut slots = Vec::with_capacity(n);
        let mut types = BTreeMap::new();
        for _ in 0..n {
            let name = r.str()?;
            if typed {
                let kind = r.str()?;
                if !kind.is_empty() {
                    types.insert(name.clone(), kind);
                }
            }
            slots.push(name);
        }
        r.finish()?;
        Ok(Manifest {
            version,
            label,
            slots,
            types,
        })
    }
}

/// Seals `label` and `slots` as write `version` (at least 1) of record `id`.
pub fn seal(
    dek: &Dek,
    kind: RecordKind,
    id: &str,
    version: u64,
    label: &str,
    slots: &BTreeMap<String, String>,
) -> Result<SealedRecord> {
    seal_typed(dek, kind, id, version, label, slots, &BTreeMap::new())
}

/// As [`seal`], with a type for some slots, sealed in the manifest (so a Vault cannot turn a
/// password into a note). A type for a slot that does not exist is `Malformed`.
pub fn seal_typed(
    dek: &Dek,
    kind: RecordKind,
    id: &str,
    version: u64,
    label: &str,
    slots: &BTreeMap<String, String>,
    types: &BTreeMap<String, String>,
) -> Result<SealedRecord> {
    if version == 0 {
        return Err(CryptoError::Malformed("record version 0 is read-only"));
    }
    if types.keys().any(|name| !slots.contains_key(name)) || types.values().any(String::is_empty) {
        return Err(CryptoError::Malformed("a slot type names no slot"));
    }
    let bytes = zeroize::Zeroizing::new(Manifest::encode(version, label, slots, types));
    let label = dek
        .encrypt(&bytes, &Context::manifest(kind.manifest_label(), id))?
        .to_string();
    // Inserted one by one rather than collected: each `collect` into a map would instantiate
    // its own sort in the wasm module.
    let mut sealed = BTreeMap::new();
    for (name, value) in slots {
        let context = Context::versioned_slot(kind.slot_label(), id, version, name);
        let envelope = dek.encrypt(value.as_bytes(), &context)?.to_string();
        sealed.insert(name.clone(), envelope);
    }
    Ok(SealedRecord {
        label,
        slots: sealed,
    })
}

/// Opens record `id`, which the Vault says is write `version`. Fails with `Integrity` unless it
/// is exactly one write of that version: the manifest names the same version and exactly the
/// slots served, and every slot opens under that version.
pub fn open(
    dek: &Dek,
    kind: RecordKind,
    id: &str,
    version: u64,
    sealed: &SealedRecord,
) -> Result<OpenedRecord> {
    if version == 0 {
        return open_legacy(dek, kind, id, sealed);
    }
    let bytes = dek.decrypt(
        &Envelope::parse(&sealed.label)?,
        &Context::manifest(kind.manifest_label(), id),
    )?;
    let manifest = Manifest::decode(&bytes)?;
    if manifest.version != version || !manifest.slots.iter().eq(sealed.slots.keys()) {
        return Err(CryptoError::Integrity);
    }
    let mut slots = BTreeMap::new();
    for (name, value) in &sealed.slots {
        let context = Context::versioned_slot(kind.slot_label(), id, version, name);
        let plain = dek.decrypt_string(&Envelope::parse(value)?, &context)?;
        slots.insert(name.clone(), plain.to_string());
    }
    Ok(OpenedRecord {
        version,
        label: manifest.label,
        slots,
        types: manifest.types,
    })
}

fn open_legacy(
    dek: &Dek,
    kind: RecordKind,
    id: &str,
    sealed: &SealedRecord,
) -> Result<OpenedRecord> {
    let label = dek.decrypt_string(
        &Envelope::parse(&sealed.label)?,
        &kind.legacy_label_context(id),
    )?;
    let mut slots = BTreeMap::new();
    for (name, value) in &sealed.slots {
        let plain = dek.decrypt_string(
            &Envelope::parse(value)?,
            &kind.legacy_slot_context(id, name),
        )?;
        slots.insert(name.clone(), plain.to_string());
    }
    Ok(OpenedRecord {
        version: 0,
        label: label.to_string(),
        slots,
        types: BTreeMap::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::crypto::test_slots::slots;

    /// Item "i", labelled "L", at `version`.
    fn item(dek: &Dek, version: u64, pairs: &[(&str, &str)]) -> SealedRecord {
        seal(dek, RecordKind::Item, "i", version, "L", &slots(pairs)).expect("seal")
    }

    fn fixture() -> (Dek, SealedRecord) {
        let dek = Dek::from_bytes("d", [7; 32]);
        let sealed = item(&dek, 3, &[("a", "1"), ("b", "2")]);
        (dek, sealed)
    }

    #[test]
    fn slot_types_are_sealed_and_an_untyped_record_keeps_its_old_bytes() {
        let dek = Dek::from_bytes("d", [7; 32]);
        let values = slots(&[("a", "1"), ("b", "2")]);
        let types = slots(&[("a", "password")]);
        let sealed = seal_typed(&dek, RecordKind::Item, "i", 1, "L", &values, &types).unwrap();
        let opened = open(&dek, RecordKind::Item, "i", 1, &sealed).unwrap();
        assert_eq!(opened.types, types);
        let plain = seal(&dek, RecordKind::Item, "i", 1, "L", &values).unwrap();
        let manifest = dek
            .decrypt(
                &Envelope::parse(&plain.label).unwrap(),
                &Context::manifest(LABEL_ITEM_MANIFEST, "i"),
            )
            .unwrap();
        assert_eq!(
            manifest[0], MANIFEST_TAG,
            "untyped records are written as before"
        );
        assert!(
            open(&dek, RecordKind::Item, "i", 1, &plain)
                .unwrap()
                .types
                .is_empty()
        );
        let stray = slots(&[("c", "url")]);
        assert!(seal_typed(&dek, RecordKind::Item, "i", 1, "L", &values, &stray).is_err());
    }

    #[test]
    fn opens_as_exactly_what_was_written() {
        let (dek, sealed) = fixture();
        let opened = open(&dek, RecordKind::Item, "i", 3, &sealed).expect("open");
        assert_eq!(opened.version, 3);
        assert_eq!(opened.label, "L");
        assert_eq!(opened.slots, slots(&[("a", "1"), ("b", "2")]));
    }

    #[test]
    fn a_dropped_added_or_renamed_slot_is_integrity() {
        let (dek, sealed) = fixture();
        let mut dropped = sealed.clone();
        dropped.slots.remove("b");
        let mut added = sealed.clone();
        added.slots.insert("c".into(), sealed.slots["a"].clone());
        let mut renamed = sealed.clone();
        let b = renamed.slots.remove("b").expect("b");
        renamed.slots.insert("c".into(), b);
        for bad in [dropped, added, renamed] {
            assert_eq!(
                open(&dek, RecordKind::Item, "i", 3, &bad),
                Err(CryptoError::Integrity)
            );
        }
    }

    #[test]
    fn another_version_id_or_kind_is_integrity() {
        let (dek, sealed) = fixture();
        let older = item(&dek, 2, &[("a", "0"), ("b", "2")]);
        let mut mixed = sealed.clone();
        mixed.slots.insert("a".into(), older.slots["a"].clone());
        for (kind, id, version, record) in [
            (RecordKind::Item, "i", 3, &mixed),
            (RecordKind::Item, "i", 2, &sealed),
            (RecordKind::Item, "j", 3, &sealed),
            (RecordKind::SharedCopy, "i", 3, &sealed),
        ] {
            assert_eq!(
                open(&dek, kind, id, version, record),
                Err(CryptoError::Integrity),
                "{kind:?} {id} v{version}"
            );
        }
    }

    #[test]
    fn version_zero_reads_the_original_form_only() {
        let dek = Dek::from_bytes("d", [7; 32]);
        let legacy = SealedRecord {
            label: dek
                .encrypt(b"L", &Context::item_label("i"))
                .expect("seal")
                .to_string(),
            slots: [(
                "a".to_owned(),
                dek.encrypt(b"1", &Context::slot("i", "a"))
                    .expect("seal")
                    .to_string(),
            )]
            .into(),
        };
        let opened = open(&dek, RecordKind::Item, "i", 0, &legacy).expect("legacy");
        assert_eq!((opened.version, opened.label.as_str()), (0, "L"));
        assert!(seal(&dek, RecordKind::Item, "i", 0, "L", &BTreeMap::new()).is_err());
        let (_, v2) = fixture();
        assert_eq!(
            open(&dek, RecordKind::Item, "i", 0, &v2),
            Err(CryptoError::Integrity)
        );
    }
}
