//! Handles for the KEK, DEKs and keypairs. A key leaves these only in wrapped form.

use js_sys::Uint8Array;
use wasm_bindgen::prelude::*;
use zeroize::Zeroize;

use super::error::{invalid_argument, to_js_error};
use super::kdf::AccountKeys;
use crate::crypto::{self, Context, Envelope};

/// Parses an envelope from JS, as a `CovaultError` when it is malformed.
pub(crate) fn envelope(text: &str) -> Result<Envelope, JsValue> {
    Envelope::parse(text).map_err(to_js_error)
}

/// A user's key encryption key. Wraps DEKs and private keys; is itself wrapped by the
/// unlock key in `AccountKeys`.
#[wasm_bindgen]
pub struct Kek(crypto::Kek);

#[wasm_bindgen]
impl Kek {
    /// A fresh random KEK for the user `userId`.
    pub fn generate(#[wasm_bindgen(js_name = userId)] user_id: &str) -> Result<Kek, JsValue> {
        crypto::Kek::generate(user_id).map(Kek).map_err(to_js_error)
    }

    /// Unwraps the KEK of `userId`; throws `Integrity` for a wrong passphrase or secret key.
    pub fn unwrap(
        keys: &AccountKeys,
        #[wasm_bindgen(js_name = userId)] user_id: &str,
        wrapped: &str,
    ) -> Result<Kek, JsValue> {
        crypto::Kek::unwrap(&keys.0, user_id, &envelope(wrapped)?)
            .map(Kek)
            .map_err(to_js_error)
    }

    /// This KEK wrapped under the unlock key, for the Vault.
    pub fn wrap(&self, keys: &AccountKeys) -> Result<String, JsValue> {
        self.0
            .wrap(&keys.0)
            .map(|e| e.to_string())
            .map_err(to_js_error)
    }

    /// The user id the KEK is bound to.
    #[wasm_bindgen(getter)]
    pub fn owner(&self) -> String {
        self.0.owner().to_owned()
    }

    /// Wraps a DEK.
    #[wasm_bindgen(js_name = wrapDek)]
    pub fn wrap_dek(&self, dek: &Dek) -> Result<String, JsValue> {
        self.0
            .wrap_dek(&dek.0)
            .map(|e| e.to_string())
            .map_err(to_js_error)
    }

    /// Unwraps the DEK with id `dekId`.
    #[wasm_bindgen(js_name = unwrapDek)]
    pub fn unwrap_dek(
        &self,
        #[wasm_bindgen(js_name = dekId)] dek_id: &str,
        wrapped: &str,
    ) -> Result<Dek, JsValue> {
        self.0
            .unwrap_dek(dek_id, &envelope(wrapped)?)
            .map(Dek)
            .map_err(to_js_error)
    }

    /// Wraps a keypair's private key.
    #[wasm_bindgen(js_name = wrapKeyPair)]
    pub fn wrap_keypair(&self, keypair: &KeyPair) -> Result<String, JsValue> {
        self.0
            .wrap_keypair(&keypair.0)
            .map(|e| e.to_string())
            .map_err(to_js_error)
    }

    /// Unwraps the keypair with id `keyPairId`.
    #[wasm_bindgen(js_name = unwrapKeyPair)]
    pub fn unwrap_keypair(
        &self,
        #[wasm_bindgen(js_name = keyPairId)] keypair_id: &str,
        wrapped: &str,
    ) -> Result<KeyPair, JsValue> {
        self.0
            .unwrap_keypair(keypair_id, &envelope(wrapped)?)
            .map(KeyPair)
            .map_err(to_js_error)
    }
}

/// A data encryption key (AES-256-GCM).
#[wasm_bindgen]
pub struct Dek(pub(crate) crypto::Dek);

#[wasm_bindgen]
impl Dek {
    /// A fresh random DEK; with no `id`, a fresh UUID.
    pub fn generate(id: Option<String>) -> Result<Dek, JsValue> {
        match id {
            Some(id) => crypto::Dek::generate_with_id(&id),
            None => crypto::Dek::generate(),
        }
        .map(Dek)
        .map_err(to_js_error)
    }

    /// The id.
    #[wasm_bindgen(getter)]
    pub fn id(&self) -> String {
        self.0.id().to_owned()
    }

    /// Encrypts bytes under an application context string, which decryption must repeat.
    /// Returns the envelope text.
    pub fn encrypt(&self, data: Vec<u8>, context: &str) -> Result<String, JsValue> {
        self.0
            .encrypt_to_text(data, &Context::app(context))
            .map_err(to_js_error)
    }

    /// `encrypt`, returning the envelope text as its (ASCII) bytes instead of a string, for
    /// callers that store or send bytes anyway: it skips the conversion to a JS string.
    #[wasm_bindgen(js_name = encryptToBytes)]
    pub fn encrypt_to_bytes(&self, data: Vec<u8>, context: &str) -> Result<Vec<u8>, JsValue> {
        self.0
            .encrypt_to_text(data, &Context::app(context))
            .map(String::into_bytes)
            .map_err(to_js_error)
    }

    /// Decrypts bytes; throws `Integrity` under another key or context. The envelope is its
    /// text, as a string or as its bytes (what `encryptToBytes` returns).
    pub fn decrypt(
        &self,
        #[wasm_bindgen(js_name = envelope, unchecked_param_type = "string | Uint8Array")]
        envelope_text: JsValue,
        context: &str,
    ) -> Result<Uint8Array, JsValue> {
        self.open_in_place(envelope_text, context, |plain| Ok(Uint8Array::from(plain)))
    }

    /// Encrypts text under an application context string.
    #[wasm_bindgen(js_name = encryptString)]
    pub fn encrypt_string(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
        context: &str,
    ) -> Result<String, JsValue> {
        let bytes = super::text::string_bytes(&text)
            .ok_or_else(|| invalid_argument("the text must be a string"))?;
        self.encrypt(bytes, context)
    }

    /// Decrypts text; throws `NotUtf8` if the plaintext is not text. The envelope is a string
    /// or its bytes.
    #[wasm_bindgen(js_name = decryptString)]
    pub fn decrypt_string(
        &self,
        #[wasm_bindgen(js_name = envelope, unchecked_param_type = "string | Uint8Array")]
        envelope_text: JsValue,
        context: &str,
    ) -> Result<String, JsValue> {
        self.open_in_place(envelope_text, context, |plain| {
            core::str::from_utf8(plain)
                .map(str::to_owned)
                .map_err(|_| to_js_error(crypto::CryptoError::NotUtf8))
        })
    }

    /// Encrypts an item slot, bound to its item id and slot name.
    #[wasm_bindgen(js_name = encryptSlot)]
    pub fn encrypt_slot(
        &self,
        #[wasm_bindgen(js_name = itemId)] item_id: &str,
        #[wasm_bindgen(js_name = slotName)] slot_name: &str,
        value: &str,
    ) -> Result<String, JsValue> {
        self.0
            .encrypt(value.as_bytes(), &Context::slot(item_id, slot_name))
            .map(|e| e.to_string())
            .map_err(to_js_error)
    }

    /// Decrypts an item slot; throws `Integrity` if it was moved to another item or slot.
    #[wasm_bindgen(js_name = decryptSlot)]
    pub fn decrypt_slot(
        &self,
        #[wasm_bindgen(js_name = itemId)] item_id: &str,
        #[wasm_bindgen(js_name = slotName)] slot_name: &str,
        #[wasm_bindgen(js_name = envelope)] envelope_text: &str,
    ) -> Result<String, JsValue> {
        self.0
            .decrypt_string(
                &envelope(envelope_text)?,
                &Context::slot(item_id, slot_name),
            )
            .map(|text| text.to_string())
            .map_err(to_js_error)
    }
}

impl Dek {
    /// Takes the envelope text from JS into one wasm buffer, decodes and decrypts it there,
    /// hands the plaintext to `read` (which copies it out to JS) and wipes it.
    fn open_in_place<R>(
        &self,
        envelope_text: JsValue,
        context: &str,
        read: impl FnOnce(&[u8]) -> Result<R, JsValue>,
    ) -> Result<R, JsValue> {
        let mut buf = super::text::string_or_bytes(&envelope_text)
            .ok_or_else(|| invalid_argument("the envelope must be a string or a Uint8Array"))?;
        let plain = self
            .0
            .decrypt_text_in_place(&mut buf, &Context::app(context))
            .map_err(to_js_error)?;
        let plain = buf.get_mut(plain).unwrap_or_default();
        let result = read(plain);
        plain.zeroize();
        result
    }
}

/// An X25519 keypair for one side of a connection.
#[wasm_bindgen]
pub struct KeyPair(pub(crate) crypto::KeyPair);

#[wasm_bindgen]
impl KeyPair {
    /// A fresh keypair; with no `id`, a fresh UUID.
    pub fn generate(id: Option<String>) -> Result<KeyPair, JsValue> {
        match id {
            Some(id) => crypto::KeyPair::generate_with_id(&id),
            None => crypto::KeyPair::generate(),
        }
        .map(KeyPair)
        .map_err(to_js_error)
    }

    /// The id.
    #[wasm_bindgen(getter)]
    pub fn id(&self) -> String {
        self.0.id().to_owned()
    }

    /// The public key, base64url.
    #[wasm_bindgen(getter, js_name = publicKey)]
    pub fn public_key(&self) -> String {
        self.0.public_key().to_string()
    }
}
