//! Frozen v2 records: `tests/fixtures/frozen-v2.json` was made once by covault 0.2 and is never
//! regenerated. It holds what the untrusted-Vault design added (versioned item and shared-copy
//! records with sealed manifests, share DEKs bound to their terms, the sender's kept share DEK,
//! the acceptance receipt, the sealed account record) and the per-party fingerprint. Every
//! later version must keep opening them.
#![cfg(not(target_arch = "wasm32"))]

mod frozen;

use frozen::{env, key, text};

use std::collections::BTreeMap;
use std::path::PathBuf;

use covault::client::{AccountRecord, PinnedConnection};
use covault::crypto::context::LABEL_ACCOUNT;
use covault::crypto::share::{self, ShareBinding};
use covault::crypto::{
    Dek, Kek, KeyPair, Party, PublicKey, RecordKind, SealedRecord, fingerprint, record,
};
use serde_json::{Value, json};

fn fixture() -> PathBuf {
    frozen::path("frozen-v2.json")
}

fn sealed(v: &Value) -> SealedRecord {
    SealedRecord {
        label: text(v, "label").to_owned(),
        slots: serde_json::from_value(v["slots"].clone()).expect("slots"),
    }
}

fn binding(v: &Value) -> ShareBinding<'_> {
    ShareBinding {
        expires_at_ms: v["expiresAtMs"].as_i64(),
        terms: v["terms"].as_str(),
        acceptance_required: v["acceptanceRequired"].as_bool().expect("flag"),
        ..frozen::binding_ids(v)
    }
}

#[test]
fn frozen_v2_records_still_open() {
    let data = std::fs::read_to_string(fixture()).expect("tests/fixtures/frozen-v2.json");
    let v: Value = serde_json::from_str(&data).expect("json");
    let expected: BTreeMap<String, String> =
        serde_json::from_value(v["slotValues"].clone()).expect("values");

    let dek = Dek::from_bytes(text(&v, "dekId"), key(&v, "dekKey"));
    let item = record::open(
        &dek,
        RecordKind::Item,
        text(&v["item"], "id"),
        v["item"]["version"].as_u64().expect("version"),
        &sealed(&v["item"]),
    )
    .expect("item");
    assert_eq!(
        (item.label.as_str(), &item.slots),
        (text(&v, "itemLabel"), &expected)
    );

    let bob = KeyPair::from_secret_bytes("bob", key(&v, "bobSecret"));
    let alice = KeyPair::from_secret_bytes("alice", key(&v, "aliceSecret"));
    let bound = binding(&v["share"]);
    let share_dek = share::open_bound_dek(
        &env(&v["share"], "sealedDek"),
        &bob,
        &alice.public_key(),
        &bound,
    )
    .expect("share DEK");
    let copy = record::open(
        &share_dek,
        RecordKind::SharedCopy,
        bound.share_id,
        v["share"]["version"].as_u64().expect("version"),
        &sealed(&v["share"]),
    )
    .expect("shared copy");
    assert_eq!(copy.slots, expected);
    share::check_receipt(
        &share_dek,
        &bound,
        &env(&v["share"], "receipt"),
        share::Answer::Accepted,
    )
    .expect("receipt");

    let kek = Kek::from_bytes(text(&v, "userId"), key(&v, "kekKey"));
    kek.unwrap_share_dek(&bound, &env(&v["share"], "keptDek"))
        .expect("kept share DEK");
    let account = kek
        .open_record(LABEL_ACCOUNT, &env(&v, "accountRecord"))
        .expect("account record");
    let account = AccountRecord::decode(&account).expect("account record encoding");
    assert_eq!(account.default_dek_id, text(&v, "dekId"));
    assert_eq!(
        account.connections[0].peer_public_key,
        text(&v, "bobPublicKey")
    );
    assert!(account.connections[0].verified);

    let alice_pk = alice.public_key();
    let bob_pk = bob.public_key();
    assert_eq!(
        fingerprint(
            Party::new(bound.sender_id, &alice_pk),
            Party::new(bound.recipient_id, &bob_pk),
        ),
        text(&v, "fingerprint")
    );
    assert_eq!(
        PublicKey::parse(text(&v, "bobPublicKey")).expect("pk"),
        bob_pk
    );
}

/// Writes the fixture once: `cargo test --test frozen_v2 -- --ignored write_frozen_v2`.
#[test]
#[ignore = "writes the committed fixture; run only when freezing a new version"]
fn write_frozen_v2() {
    frozen::never_regenerated(&fixture());
    let user = covault::crypto::new_id().unwrap();
    let kek_key = covault::crypto::random::random_array::<32>().unwrap();
    let kek = Kek::from_bytes(&user, kek_key);
    let dek_key = covault::crypto::random::random_array::<32>().unwrap();
    let dek = Dek::from_bytes(&covault::crypto::new_id().unwrap(), dek_key);
    let item_id = covault::crypto::new_id().unwrap();
    let values: BTreeMap<String, String> = [
        ("password".to_owned(), "s3cret ✓".to_owned()),
        ("user".to_owned(), "alice".to_owned()),
    ]
    .into();
    let item = record::seal(&dek, RecordKind::Item, &item_id, 3, "Bank", &values).unwrap();
    let (alice_secret, bob_secret) = (
        covault::crypto::random::random_array::<32>().unwrap(),
        covault::crypto::random::random_array::<32>().unwrap(),
    );
    let alice = KeyPair::from_secret_bytes("alice", alice_secret);
    let bob = KeyPair::from_secret_bytes("bob", bob_secret);
    let (share_id, conn, bob_id) = (
        covault::crypto::new_id().unwrap(),
        covault::crypto::new_id().unwrap(),
        covault::crypto::new_id().unwrap(),
    );
    let bound = ShareBinding {
        share_id: &share_id,
        connection_id: &conn,
        sender_id: &user,
        recipient_id: &bob_id,
        expires_at_ms: Some(4_102_444_800_000),
        terms: Some("Read only; do not pass on."),
        acceptance_required: true,
        v3: None,
    };
    let share_dek = Dek::generate_with_id(&share_id).unwrap();
    let copy = record::seal(
        &share_dek,
        RecordKind::SharedCopy,
        &share_id,
        2,
        "Bank",
        &values,
    )
    .unwrap();
    let b64 = |k: &[u8]| covault::crypto::encoding::to_base64url(k);
    let account = AccountRecord {
        version: 4,
        user_id: user.clone(),
        default_dek_id: dek.id().to_owned(),
        connections: vec![PinnedConnection {
            connection_id: conn.clone(),
            peer_user_id: bob_id.clone(),
            peer_email: "bob@example.com".into(),
            peer_public_key: bob.public_key().to_string(),
            keypair_id: "alice".into(),
            public_key: alice.public_key().to_string(),
            verified: true,
            name: None,
        }],
    };
    let doc = json!({
        "comment": "Frozen by covault 0.2 (records v2). Never regenerate; see tests/frozen_v2.rs.",
        "userId": user,
        "kekKey": b64(&kek_key),
        "dekId": dek.id(),
        "dekKey": b64(&dek_key),
        "itemLabel": "Bank",
        "slotValues": values,
        "item": {"id": item_id, "version": 3, "label": item.label, "slots": item.slots},
        "aliceSecret": b64(&alice_secret),
        "bobSecret": b64(&bob_secret),
        "bobPublicKey": bob.public_key().to_string(),
        "share": {
            "shareId": share_id, "connectionId": conn, "senderId": user, "recipientId": bob_id,
            "expiresAtMs": bound.expires_at_ms, "terms": bound.terms, "acceptanceRequired": true,
            "version": 2, "label": copy.label, "slots": copy.slots,
            "sealedDek": share::seal_bound_dek(&share_dek, &bob.public_key(), &alice, &bound).unwrap().to_string(),
            "keptDek": kek.wrap_share_dek(&share_dek, &bound).unwrap().to_string(),
            "receipt": share::receipt(&share_dek, &bound, share::Answer::Accepted).unwrap().to_string(),
        },
        "accountRecord": kek.seal_record(LABEL_ACCOUNT, &account.encode()).unwrap().to_string(),
        "fingerprint": fingerprint(
            Party::new(&user, &alice.public_key()),
            Party::new(&bob_id, &bob.public_key()),
        ),
    });
    std::fs::write(
        fixture(),
        serde_json::to_string_pretty(&doc).unwrap() + "\n",
    )
    .unwrap();
}
