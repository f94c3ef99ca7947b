//! Frozen envelopes: `tests/fixtures/frozen-v1.json` was made once by this version and is never
//! regenerated. Every later version must keep opening it, from the passphrase down to the
//! shared slot. A failure here means a change broke existing users' data.
#![cfg(not(target_arch = "wasm32"))]

mod frozen;

use frozen::{env, text};

use std::path::PathBuf;

use covault::crypto::share::{self, ExpectedSender, Sender};
use covault::crypto::{Context, Dek, KdfParams, Kek, KeyPair, PublicKey, SecretKey, derive_keys};
use serde_json::{Value, json};

fn fixture() -> PathBuf {
    frozen::path("frozen-v1.json")
}

#[test]
fn frozen_v1_envelopes_still_open() {
    let data =
        std::fs::read_to_string(fixture()).expect("tests/fixtures/frozen-v1.json is committed");
    let v: Value = serde_json::from_str(&data).expect("json");
    let params: KdfParams = serde_json::from_value(v["kdfParams"].clone()).expect("params");
    let secret = SecretKey::parse(text(&v, "secretKey")).expect("secret key");
    let salt = covault::crypto::encoding::from_base64url(text(&v, "salt"), "salt").expect("salt");
    let keys =
        derive_keys(text(&v, "passphrase").as_bytes(), &salt, &secret, &params).expect("derive");
    assert_eq!(
        keys.auth_key_text(),
        text(&v, "authKey"),
        "auth key derivation changed"
    );

    let user = text(&v, "userId");
    let kek = Kek::unwrap(&keys, user, &env(&v, "wrappedKek")).expect("KEK");
    let dek = kek
        .unwrap_dek(text(&v, "dekId"), &env(&v, "wrappedDek"))
        .expect("DEK");
    let slot = dek
        .decrypt_string(
            &env(&v, "slot"),
            &Context::slot(text(&v, "itemId"), text(&v, "slotName")),
        )
        .expect("slot");
    assert_eq!(slot.as_str(), text(&v, "slotValue"));
    let app = dek
        .decrypt(&env(&v, "appData"), &Context::app(text(&v, "appContext")))
        .expect("app");
    assert_eq!(app.as_slice(), text(&v, "slotValue").as_bytes());

    let bob = kek
        .unwrap_keypair(text(&v, "keyPairId"), &env(&v, "wrappedKeyPair"))
        .expect("keypair");
    assert_eq!(bob.public_key().to_string(), text(&v, "publicKey"));
    let alice_pk = PublicKey::parse(text(&v, "senderPublicKey")).expect("sender");
    let (share_id, conn) = (text(&v, "shareId"), text(&v, "connectionId"));
    let share_dek = share::open_dek(
        &env(&v, "sealedShareDek"),
        &bob,
        ExpectedSender::Auth(&alice_pk),
        share_id,
        conn,
    )
    .expect("share DEK");
    let shared = share_dek
        .decrypt_string(
            &env(&v, "sharedSlot"),
            &Context::share_slot(share_id, text(&v, "slotName")),
        )
        .expect("shared slot");
    assert_eq!(shared.as_str(), text(&v, "slotValue"));
    let anon = share::open(
        &env(&v, "sealedAnonymous"),
        &bob,
        ExpectedSender::Anonymous,
        &Context::app(text(&v, "appContext")),
    )
    .expect("anonymous");
    assert_eq!(anon.as_slice(), text(&v, "slotValue").as_bytes());
    // "fingerprint" in the fixture is the v1 display code (one hash over both keys). It is not
    // data: covault 0.2 shows per-party safety numbers instead (frozen in frozen-v2.json).
}

/// Writes the fixture. Run once per envelope version, never again for an existing one:
/// `cargo test --test frozen_envelopes -- --ignored write_frozen_fixture`.
#[test]
#[ignore = "writes the committed fixture; run only when freezing a new version"]
fn write_frozen_fixture() {
    frozen::never_regenerated(&fixture());
    let params = KdfParams {
        memory_kib: 19 * 1024,
        iterations: 2,
        parallelism: 1,
    };
    let secret = SecretKey::generate().unwrap();
    let salt = covault::crypto::generate_salt().unwrap();
    let passphrase = "correct horse battery staple";
    let keys = derive_keys(passphrase.as_bytes(), &salt, &secret, &params).unwrap();
    let user = covault::crypto::new_id().unwrap();
    let kek = Kek::generate(&user).unwrap();
    let dek = Dek::generate().unwrap();
    let item = covault::crypto::new_id().unwrap();
    let value = "s3cret ✓";
    let alice = KeyPair::generate().unwrap();
    let bob = KeyPair::generate().unwrap();
    let share_id = covault::crypto::new_id().unwrap();
    let conn = covault::crypto::new_id().unwrap();
    let share_dek = Dek::generate_with_id(&share_id).unwrap();
    let doc = json!({
        "comment": "Frozen by covault 0.1.0 (envelope version cv1). Never regenerate; see tests/frozen_envelopes.rs.",
        "kdfParams": params,
        "passphrase": passphrase,
        "secretKey": secret.to_printable().as_str(),
        "salt": covault::crypto::encoding::to_base64url(&salt),
        "authKey": keys.auth_key_text(),
        "userId": user,
        "wrappedKek": kek.wrap(&keys).unwrap().to_string(),
        "dekId": dek.id(),
        "wrappedDek": kek.wrap_dek(&dek).unwrap().to_string(),
        "itemId": item,
        "slotName": "password",
        "slotValue": value,
        "slot": dek.encrypt(value.as_bytes(), &Context::slot(&item, "password")).unwrap().to_string(),
        "appContext": "frozen/app",
        "appData": dek.encrypt(value.as_bytes(), &Context::app("frozen/app")).unwrap().to_string(),
        "keyPairId": bob.id(),
        "wrappedKeyPair": kek.wrap_keypair(&bob).unwrap().to_string(),
        "publicKey": bob.public_key().to_string(),
        "senderPublicKey": alice.public_key().to_string(),
        "shareId": share_id,
        "connectionId": conn,
        "sealedShareDek": share::seal_dek(&share_dek, &bob.public_key(), Sender::Auth(&alice), &share_id, &conn).unwrap().to_string(),
        "sharedSlot": share_dek.encrypt(value.as_bytes(), &Context::share_slot(&share_id, "password")).unwrap().to_string(),
        "sealedAnonymous": share::seal(value.as_bytes(), &bob.public_key(), Sender::Anonymous, &Context::app("frozen/app")).unwrap().to_string(),
    });
    std::fs::create_dir_all(fixture().parent().unwrap()).unwrap();
    std::fs::write(
        fixture(),
        serde_json::to_string_pretty(&doc).unwrap() + "\n",
    )
    .unwrap();
}
