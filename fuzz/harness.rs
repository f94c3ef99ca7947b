//! What the fuzz targets run, shared with `tests/fuzz_corpus.rs`, which replays the committed
//! corpus as a unit test. Each function takes arbitrary bytes and must never panic.

use covault::api::*;
use covault::client::{AccountRecord, DeviceState};
use covault::crypto::context::{LABEL_DEVICE_STATE, LABEL_ITEM_MANIFEST};
use covault::crypto::record::{self, RecordKind, SealedRecord};
use covault::crypto::{Context, Dek, Envelope, Kek, PublicKey};
use serde::Serialize;
use serde::de::DeserializeOwned;

thread_local! {
    static DECODED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// How many types decoded the input of the last harness call (the corpus test checks that the
/// seeds reach past the decoder).
pub fn decoded() -> usize {
    DECODED.with(std::cell::Cell::get)
}

/// Decodes `data` as `T` with the decoder the Vault and the client use (serde_json, as axum's
/// `Json` does), and checks that what decodes encodes and decodes back to the same value.
fn decode<T: DeserializeOwned + Serialize>(data: &[u8]) -> Option<T> {
    let value: T = serde_json::from_slice(data).ok()?;
    DECODED.with(|n| n.set(n.get() + 1));
    let again: T = serde_json::from_slice(&serde_json::to_vec(&value).expect("encodes"))
        .expect("what decoded once decodes again");
    assert_eq!(
        serde_json::to_value(&value).expect("value"),
        serde_json::to_value(&again).expect("value"),
        "decode/encode is not stable"
    );
    Some(value)
}

/// Every field the Vault checks with a parser after decoding.
fn envelopes<'a>(fields: impl IntoIterator<Item = &'a str>) {
    for field in fields {
        let _ = Envelope::parse(field);
    }
}

/// The Vault's request decoding: every request body type, then the parsers its input checks
/// run on the decoded fields.
pub fn vault_request(data: &[u8]) {
    DECODED.with(|n| n.set(0));
    if let Some(r) = decode::<SignupRequest>(data) {
        envelopes([r.wrapped_kek.as_str()]);
    }
    decode::<PreloginRequest>(data);
    decode::<LoginRequest>(data);
    if let Some(r) = decode::<ChangePassphraseRequest>(data) {
        envelopes([r.wrapped_kek.as_str()]);
    }
    if let Some(r) = decode::<NewKeyPair>(data) {
        let _ = PublicKey::parse(&r.public_key);
        envelopes([r.wrapped_private_key.as_str()]);
    }
    if let Some(r) = decode::<NewDek>(data) {
        envelopes([r.wrapped_key.as_str()]);
    }
    if let Some(r) = decode::<ItemInput>(data) {
        envelopes(std::iter::once(r.label.as_str()).chain(r.slots.values().map(String::as_str)));
    }
    if let Some(r) = decode::<NewInvitation>(data) {
        let _ = PublicKey::parse(&r.public_key);
    }
    if let Some(r) = decode::<AcceptInvitation>(data) {
        let _ = PublicKey::parse(&r.public_key);
    }
    if let Some(r) = decode::<NewShare>(data) {
        envelopes(
            [r.label.as_str(), r.sealed_dek.as_str()]
                .into_iter()
                .chain(r.slots.values().map(String::as_str)),
        );
    }
    if let Some(r) = decode::<ShareUpdate>(data) {
        envelopes(std::iter::once(r.label.as_str()).chain(r.slots.values().map(String::as_str)));
    }
    if let Some(r) = decode::<AcceptShare>(data) {
        envelopes([r.receipt.as_str()]);
    }
    if let Some(r) = decode::<AccountState>(data) {
        envelopes([r.sealed.as_str()]);
    }
}

/// The client's response decoding: every answer type the Vault sends, its error body, and the
/// plaintexts a client opens that another party wrote (a peer's manifest in a shared copy; the
/// account record and device state, whose decoders must refuse anything but their encoding).
pub fn client_response(data: &[u8]) {
    DECODED.with(|n| n.set(0));
    decode::<ErrorBody>(data);
    decode::<PreloginResponse>(data);
    decode::<User>(data);
    decode::<Session>(data);
    decode::<WrappedKek>(data);
    decode::<Vec<KeyPairRecord>>(data);
    decode::<Vec<DekRecord>>(data);
    decode::<Option<AccountState>>(data);
    decode::<Vec<Item>>(data);
    decode::<CreatedInvitation>(data);
    decode::<Vec<Invitation>>(data);
    decode::<Vec<Connection>>(data);
    decode::<SharePage>(data);
    if let Some(share) = decode::<Share>(data) {
        envelopes(share.sealed_dek.as_deref());
        envelopes(share.acceptance.as_deref());
    }

    // Arbitrary plaintext under genuine encryption, as a hostile peer or a bug could write it.
    let _ = AccountRecord::decode(data);
    let kek = Kek::from_bytes("fuzz", [7; 32]);
    if let Ok(sealed) = kek.seal_record(LABEL_DEVICE_STATE, data) {
        let _ = DeviceState::open(&kek, &sealed.to_string());
    }
    let dek = Dek::from_bytes("fuzz", [9; 32]);
    if let Ok(label) = dek.encrypt(data, &Context::manifest(LABEL_ITEM_MANIFEST, "item")) {
        let sealed = SealedRecord {
            label: label.to_string(),
            slots: Default::default(),
        };
        for version in [0, 1, u64::MAX] {
            let _ = record::open(&dek, RecordKind::Item, "item", version, &sealed);
        }
    }
}
