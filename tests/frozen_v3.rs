//! Frozen v3 shares: `tests/fixtures/frozen-v3.json` was made once by covault 0.3 and is never
//! regenerated. It holds what Meeco-style sharing added: an on-share whose sealed DEK, kept DEK
//! and rejection receipt bind on-sharing and the parent share, its sealed metadata (source,
//! chosen slots, provenance), the owner's HMAC commitments, and an item with typed slots (the
//! tag-2 manifest). Every later version must keep opening them, and the commitments must keep
//! verifying.
#![cfg(not(target_arch = "wasm32"))]

mod frozen;

use frozen::{env, key, text};

use std::collections::BTreeMap;
use std::path::PathBuf;

use covault::crypto::share::{self, ShareBinding, V3Terms};
use covault::crypto::{
    Dek, Kek, KeyPair, Provenance, RecordKind, SealedRecord, ShareMeta, VerificationKey, record,
};
use serde_json::{Value, json};

fn fixture() -> PathBuf {
    frozen::path("frozen-v3.json")
}

fn binding(v: &Value) -> ShareBinding<'_> {
    ShareBinding {
        v3: Some(V3Terms {
            on_sharing: v["onSharing"].as_bool().expect("flag"),
            parent_share_id: v["parentShareId"].as_str(),
        }),
        ..frozen::binding_ids(v)
    }
}

#[test]
fn frozen_v3_shares_still_open() {
    let data = std::fs::read_to_string(fixture()).expect("tests/fixtures/frozen-v3.json");
    let v: Value = serde_json::from_str(&data).expect("json");
    let s = &v["share"];
    let expected: BTreeMap<String, String> =
        serde_json::from_value(v["slotValues"].clone()).expect("values");
    let carol = KeyPair::from_secret_bytes("carol", key(&v, "carolSecret"));
    let bob = KeyPair::from_secret_bytes("bob", key(&v, "bobSecret"));
    let bound = binding(s);
    let dek = share::open_bound_dek(&env(s, "sealedDek"), &carol, &bob.public_key(), &bound)
        .expect("share DEK");
    let copy = record::open(
        &dek,
        RecordKind::SharedCopy,
        bound.share_id,
        1,
        &SealedRecord {
            label: text(s, "label").to_owned(),
            slots: serde_json::from_value(s["slots"].clone()).expect("slots"),
        },
    )
    .expect("copy");
    assert_eq!(copy.slots, expected);
    let meta = ShareMeta::open(&dek, bound.share_id, &env(s, "meta")).expect("meta");
    assert_eq!(meta.source, text(s, "parentShareId"));
    assert_eq!(meta.slots, Some(vec!["iban".to_owned()]));
    let provenance = meta.provenance.expect("provenance");
    assert_eq!(provenance.root_share_id, text(&v, "rootShareId"));
    let commitments: BTreeMap<String, String> =
        serde_json::from_value(v["commitments"].clone()).expect("commitments");
    provenance
        .key
        .verify(&provenance.root_share_id, &copy.slots, &commitments)
        .expect("the owner's commitments verify");
    share::check_receipt(&dek, &bound, &env(s, "rejection"), share::Answer::Rejected)
        .expect("rejection");
    let kek = Kek::from_bytes(text(&v, "bobUserId"), key(&v, "bobKekKey"));
    kek.unwrap_share_dek(&bound, &env(s, "keptDek"))
        .expect("kept DEK");
    // The same share seen without its v3 terms (as v2) does not open.
    let as_v2 = ShareBinding { v3: None, ..bound };
    assert!(
        share::open_bound_dek(&env(s, "sealedDek"), &carol, &bob.public_key(), &as_v2).is_err()
    );
}

/// Writes the fixture once: `cargo test --test frozen_v3 -- --ignored write_frozen_v3`.
#[test]
#[ignore = "writes the committed fixture; run only when freezing a new version"]
fn write_frozen_v3() {
    frozen::never_regenerated(&fixture());
    let random = || covault::crypto::random::random_array::<32>().unwrap();
    let id = || covault::crypto::new_id().unwrap();
    let b64 = |k: &[u8]| covault::crypto::encoding::to_base64url(k);
    let (bob_secret, carol_secret, bob_kek) = (random(), random(), random());
    let bob = KeyPair::from_secret_bytes("bob", bob_secret);
    let carol = KeyPair::from_secret_bytes("carol", carol_secret);
    let (bob_user, carol_user, root, share_id, conn) = (id(), id(), id(), id(), id());
    let values: BTreeMap<String, String> = [("iban".to_owned(), "DE89 3704 ✓".to_owned())].into();
    let key = VerificationKey::generate().unwrap();
    let commitments = key.commit(&root, &values);
    let bound = ShareBinding {
        share_id: &share_id,
        connection_id: &conn,
        sender_id: &bob_user,
        recipient_id: &carol_user,
        expires_at_ms: None,
        terms: None,
        acceptance_required: false,
        v3: Some(V3Terms {
            on_sharing: false,
            parent_share_id: Some(&root),
        }),
    };
    let dek = Dek::generate_with_id(&share_id).unwrap();
    let copy = record::seal(&dek, RecordKind::SharedCopy, &share_id, 1, "Bank", &values).unwrap();
    let meta = ShareMeta {
        source: root.clone(),
        slots: Some(vec!["iban".into()]),
        provenance: Some(Provenance {
            root_share_id: root.clone(),
            key,
        }),
    };
    let kek = Kek::from_bytes(&bob_user, bob_kek);
    let (item_id, item_dek_id, item_dek_key) = (id(), id(), random());
    let item_dek = Dek::from_bytes(&item_dek_id, item_dek_key);
    let typed_values: BTreeMap<String, String> = [
        ("expires_on".to_owned(), "2031-05-01".to_owned()),
        ("number".to_owned(), "X1234567".to_owned()),
    ]
    .into();
    let types: BTreeMap<String, String> = [("expires_on".to_owned(), "date".to_owned())].into();
    let typed = record::seal_typed(
        &item_dek,
        RecordKind::Item,
        &item_id,
        1,
        "Passport",
        &typed_values,
        &types,
    )
    .unwrap();
    let doc = json!({
        "comment": "Frozen by covault 0.3 (shares v3). Never regenerate; see tests/frozen_v3.rs.",
        "slotValues": values,
        "bobSecret": b64(&bob_secret),
        "carolSecret": b64(&carol_secret),
        "bobUserId": bob_user,
        "bobKekKey": b64(&bob_kek),
        "rootShareId": root,
        "commitments": commitments,
        "typedItem": {
            "id": item_id, "dekId": item_dek_id, "dekKey": b64(&item_dek_key),
            "label": typed.label, "slots": typed.slots, "types": types,
        },
        "share": {
            "shareId": share_id, "connectionId": conn, "senderId": bob_user,
            "recipientId": carol_user, "onSharing": false, "parentShareId": root,
            "label": copy.label, "slots": copy.slots,
            "sealedDek": share::seal_bound_dek(&dek, &carol.public_key(), &bob, &bound).unwrap().to_string(),
            "keptDek": kek.wrap_share_dek(&dek, &bound).unwrap().to_string(),
            "meta": meta.seal(&dek, &share_id).unwrap().to_string(),
            "rejection": share::receipt(&dek, &bound, share::Answer::Rejected).unwrap().to_string(),
        },
    });
    std::fs::write(
        fixture(),
        serde_json::to_string_pretty(&doc).unwrap() + "\n",
    )
    .unwrap();
}
