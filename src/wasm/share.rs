//! Share sealing (HPKE), fingerprints and ids as free functions.

use wasm_bindgen::prelude::*;

use super::error::to_js_error;
use super::keys::{Dek, KeyPair, envelope};
use crate::crypto::share::{self as core_share, ExpectedSender, Sender};
use crate::crypto::{self, Context, PublicKey};

fn public_key(text: &str) -> Result<PublicKey, JsValue> {
    PublicKey::parse(text).map_err(to_js_error)
}

/// Seals a share DEK to the peer's connection public key, authenticated by the sender's
/// connection keypair (HPKE Auth mode). `info` binds the share id and the connection id.
#[wasm_bindgen(js_name = sealShare)]
pub fn seal_share(
    dek: &Dek,
    #[wasm_bindgen(js_name = recipientPublicKey)] recipient_public_key: &str,
    sender: &KeyPair,
    #[wasm_bindgen(js_name = shareId)] share_id: &str,
    #[wasm_bindgen(js_name = connectionId)] connection_id: &str,
) -> Result<String, JsValue> {
    core_share::seal_dek(
        &dek.0,
        &public_key(recipient_public_key)?,
        Sender::Auth(&sender.0),
        share_id,
        connection_id,
    )
    .map(|e| e.to_string())
    .map_err(to_js_error)
}

/// Opens a sealed share DEK; throws `Integrity` unless the holder of `senderPublicKey` sealed
/// it for this share and connection.
#[wasm_bindgen(js_name = openShare)]
pub fn open_share(
    sealed: &str,
    recipient: &KeyPair,
    #[wasm_bindgen(js_name = senderPublicKey)] sender_public_key: &str,
    #[wasm_bindgen(js_name = shareId)] share_id: &str,
    #[wasm_bindgen(js_name = connectionId)] connection_id: &str,
) -> Result<Dek, JsValue> {
    let sender = public_key(sender_public_key)?;
    core_share::open_dek(
        &envelope(sealed)?,
        &recipient.0,
        ExpectedSender::Auth(&sender),
        share_id,
        connection_id,
    )
    .map(Dek)
    .map_err(to_js_error)
}

/// Seals bytes anonymously (HPKE Base mode) to a public key, bound to a context string.
#[wasm_bindgen(js_name = sealAnonymous)]
pub fn seal_anonymous(
    data: &[u8],
    #[wasm_bindgen(js_name = recipientPublicKey)] recipient_public_key: &str,
    context: &str,
) -> Result<String, JsValue> {
    core_share::seal(
        data,
        &public_key(recipient_public_key)?,
        Sender::Anonymous,
        &Context::app(context),
    )
    .map(|e| e.to_string())
    .map_err(to_js_error)
}

/// Opens what `sealAnonymous` sealed.
#[wasm_bindgen(js_name = openAnonymous)]
pub fn open_anonymous(
    sealed: &str,
    recipient: &KeyPair,
    context: &str,
) -> Result<Vec<u8>, JsValue> {
    core_share::open(
        &envelope(sealed)?,
        &recipient.0,
        ExpectedSender::Anonymous,
        &Context::app(context),
    )
    .map(|bytes| bytes.to_vec())
    .map_err(to_js_error)
}

/// The connection's safety number: one half from each party's user id and public key, the
/// same code on both sides.
#[wasm_bindgen]
pub fn fingerprint(
    #[wasm_bindgen(js_name = userIdA)] user_a: &str,
    #[wasm_bindgen(js_name = publicKeyA)] a: &str,
    #[wasm_bindgen(js_name = userIdB)] user_b: &str,
    #[wasm_bindgen(js_name = publicKeyB)] b: &str,
) -> Result<String, JsValue> {
    let (a, b) = (public_key(a)?, public_key(b)?);
    Ok(crypto::fingerprint(
        crypto::Party::new(user_a, &a),
        crypto::Party::new(user_b, &b),
    ))
}

/// A fresh random UUID (v4), for ids the client must choose.
#[wasm_bindgen(js_name = newId)]
pub fn new_id() -> Result<String, JsValue> {
    crypto::new_id().map_err(to_js_error)
}
