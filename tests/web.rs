//! Browser tests: the JS-facing API, run in headless Chromium by
//! `wasm-pack test --headless --chrome`. Errors are checked as the JS `Error` objects an app sees.
#![cfg(target_arch = "wasm32")]

use covault::wasm::{AccountKeys, Dek, Kek, KeyPair, SecretKey};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn floor_params() -> JsValue {
    covault::wasm::floor_kdf_params().unwrap()
}

/// Asserts that `err` is a real JS `Error` named `CovaultError` with this `code`.
fn assert_code(err: JsValue, code: &str) {
    assert!(
        err.is_instance_of::<js_sys::Error>(),
        "not an Error: {err:?}"
    );
    let name = js_sys::Reflect::get(&err, &"name".into()).unwrap();
    assert_eq!(name.as_string().as_deref(), Some("CovaultError"));
    let found = js_sys::Reflect::get(&err, &"code".into()).unwrap();
    assert_eq!(found.as_string().as_deref(), Some(code), "{err:?}");
}

#[wasm_bindgen_test]
fn account_keys_unlock_the_kek_and_a_wrong_passphrase_is_an_integrity_error() {
    let secret = SecretKey::generate().unwrap();
    let printable = secret.to_printable();
    let salt = covault::wasm::generate_salt().unwrap();
    let keys = AccountKeys::derive("pass phrase".into(), &salt, &secret, floor_params()).unwrap();
    assert_eq!(keys.auth_key().len(), 43);
    let kek = Kek::generate("user-1").unwrap();
    let wrapped = kek.wrap(&keys).unwrap();
    assert!(wrapped.starts_with("cv1.a256gcm."));

    let reparsed = SecretKey::parse(&printable).unwrap();
    let again =
        AccountKeys::derive("pass phrase".into(), &salt, &reparsed, floor_params()).unwrap();
    assert_eq!(again.auth_key(), keys.auth_key());
    let kek2 = Kek::unwrap(&again, "user-1", &wrapped).unwrap();
    assert_eq!(kek2.owner(), "user-1");

    let wrong = AccountKeys::derive("pass phrasf".into(), &salt, &secret, floor_params()).unwrap();
    assert_code(
        Kek::unwrap(&wrong, "user-1", &wrapped).err().unwrap(),
        "Integrity",
    );
}

#[wasm_bindgen_test]
fn default_params_derive_in_the_browser() {
    let secret = SecretKey::generate().unwrap();
    let salt = covault::wasm::generate_salt().unwrap();
    let params = covault::wasm::default_kdf_params().unwrap();
    let memory = js_sys::Reflect::get(&params, &"memoryKib".into()).unwrap();
    assert_eq!(memory.as_f64(), Some(65536.0));
    assert!(AccountKeys::derive("pw".into(), &salt, &secret, params).is_ok());
}

#[wasm_bindgen_test]
fn weak_or_malformed_kdf_params_are_refused_with_typed_errors() {
    let secret = SecretKey::generate().unwrap();
    let salt = covault::wasm::generate_salt().unwrap();
    let weak = floor_params();
    js_sys::Reflect::set(&weak, &"memoryKib".into(), &1024.into()).unwrap();
    assert_code(
        AccountKeys::derive("pw".into(), &salt, &secret, weak)
            .err()
            .unwrap(),
        "KdfTooWeak",
    );
    let junk: JsValue = "m=1".into();
    assert_code(
        AccountKeys::derive("pw".into(), &salt, &secret, junk)
            .err()
            .unwrap(),
        "InvalidInput",
    );
    assert_code(
        SecretKey::parse("CV1-0000").err().unwrap(),
        "SecretKeyFormat",
    );
}

#[wasm_bindgen_test]
fn deks_wrap_unwrap_and_encrypt_slots_bound_to_item_and_name() {
    let kek = Kek::generate("alice").unwrap();
    let dek = Dek::generate(None).unwrap();
    let wrapped = kek.wrap_dek(&dek).unwrap();
    let back = kek.unwrap_dek(&dek.id(), &wrapped).unwrap();
    let slot = dek.encrypt_slot("item-1", "password", "hunter2").unwrap();
    assert_eq!(
        back.decrypt_slot("item-1", "password", &slot).unwrap(),
        "hunter2"
    );
    assert_code(
        back.decrypt_slot("item-1", "username", &slot)
            .err()
            .unwrap(),
        "Integrity",
    );
    assert_code(
        back.decrypt_slot("item-1", "password", "cv1.a256gcm.AA")
            .err()
            .unwrap(),
        "EnvelopeTruncated",
    );
    assert_code(
        back.decrypt_slot("item-1", "password", "cv7.a256gcm.AA.BB")
            .err()
            .unwrap(),
        "EnvelopeVersion",
    );

    let bytes = dek.encrypt(vec![0, 1, 2, 255], "app/ctx").unwrap();
    assert_eq!(
        dek.decrypt(bytes.clone().into(), "app/ctx")
            .unwrap()
            .to_vec(),
        vec![0, 1, 2, 255]
    );
    assert_code(
        dek.decrypt_string(bytes.into(), "app/ctx").err().unwrap(),
        "NotUtf8",
    );
}

#[wasm_bindgen_test]
fn share_seal_open_in_auth_mode_and_wrong_sender_is_integrity() {
    let alice = KeyPair::generate(None).unwrap();
    let bob = KeyPair::generate(None).unwrap();
    let mallory = KeyPair::generate(None).unwrap();
    let share_dek = Dek::generate(Some("share-1".into())).unwrap();
    let copy = share_dek
        .encrypt_string("shared text".into(), "copy")
        .unwrap();
    let sealed =
        covault::wasm::seal_share(&share_dek, &bob.public_key(), &alice, "share-1", "conn-1")
            .unwrap();
    let opened =
        covault::wasm::open_share(&sealed, &bob, &alice.public_key(), "share-1", "conn-1").unwrap();
    assert_eq!(
        opened.decrypt_string(copy.into(), "copy").unwrap(),
        "shared text"
    );
    let err = covault::wasm::open_share(&sealed, &bob, &mallory.public_key(), "share-1", "conn-1");
    assert_code(err.err().unwrap(), "Integrity");

    let anon = covault::wasm::seal_anonymous(b"hi", &bob.public_key(), "ctx").unwrap();
    assert_eq!(
        covault::wasm::open_anonymous(&anon, &bob, "ctx").unwrap(),
        b"hi".to_vec()
    );

    assert_eq!(
        covault::wasm::fingerprint("a", &alice.public_key(), "b", &bob.public_key()).unwrap(),
        covault::wasm::fingerprint("b", &bob.public_key(), "a", &alice.public_key()).unwrap()
    );
    assert_code(
        covault::wasm::fingerprint("a", "AAAA", "b", &bob.public_key())
            .err()
            .unwrap(),
        "WrongLength",
    );
}

#[wasm_bindgen_test]
fn keypairs_wrap_and_unwrap_to_the_same_public_key() {
    let kek = Kek::generate("bob").unwrap();
    let kp = KeyPair::generate(Some("kp-1".into())).unwrap();
    let wrapped = kek.wrap_keypair(&kp).unwrap();
    let back = kek.unwrap_keypair("kp-1", &wrapped).unwrap();
    assert_eq!(back.public_key(), kp.public_key());
    assert_code(
        kek.unwrap_keypair("kp-2", &wrapped).err().unwrap(),
        "Integrity",
    );
    assert_eq!(covault::wasm::new_id().unwrap().len(), 36);
}
