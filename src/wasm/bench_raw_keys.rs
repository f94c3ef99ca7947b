//! Benchmark-only constructors from raw key bytes (feature `bench-raw-keys`), so the benchmark
//! can feed covault and WebCrypto/noble/hpke-js the same keys and compare outputs. They break
//! the rule that keys never cross into JS unwrapped, which is why the published package is
//! never built with them.

use wasm_bindgen::prelude::*;

use super::error::to_js_error;
use super::kdf::SecretKey;
use super::keys::{Dek, KeyPair};
use crate::crypto::{self, aead::SymmetricKey};

#[wasm_bindgen]
impl Dek {
    /// A DEK from 32 raw bytes (benchmark builds only).
    #[wasm_bindgen(js_name = fromRawBytes)]
    pub fn from_raw_bytes(id: &str, bytes: &[u8]) -> Result<Dek, JsValue> {
        let key = SymmetricKey::from_slice(bytes).map_err(to_js_error)?;
        Ok(Dek(crypto::Dek::from_key(id, key)))
    }
}

#[wasm_bindgen]
impl KeyPair {
    /// A keypair from its 32-byte private key (benchmark builds only).
    #[wasm_bindgen(js_name = fromSecretBytes)]
    pub fn from_secret_bytes(id: &str, bytes: &[u8]) -> Result<KeyPair, JsValue> {
        let bytes: [u8; 32] = bytes.try_into().map_err(|_| {
            to_js_error(crypto::CryptoError::WrongLength {
                what: "private key",
                expected: 32,
                found: bytes.len(),
            })
        })?;
        Ok(KeyPair(crypto::KeyPair::from_secret_bytes(id, bytes)))
    }
}

#[wasm_bindgen]
impl SecretKey {
    /// A secret key from 16 raw bytes (benchmark builds only).
    #[wasm_bindgen(js_name = fromRawBytes)]
    pub fn from_raw_bytes(bytes: &[u8]) -> Result<SecretKey, JsValue> {
        let bytes: [u8; 16] = bytes.try_into().map_err(|_| {
            to_js_error(crypto::CryptoError::WrongLength {
                what: "secret key",
                expected: 16,
                found: bytes.len(),
            })
        })?;
        Ok(SecretKey(crypto::SecretKey::from_bytes(bytes)))
    }
}

#[wasm_bindgen]
impl KeyPair {
    /// Raw X25519 with a peer's public key (benchmark builds only): the shared secret's bytes.
    #[wasm_bindgen(js_name = diffieHellman)]
    pub fn diffie_hellman(
        &self,
        #[wasm_bindgen(js_name = peerPublicKey)] peer: &str,
    ) -> Result<Vec<u8>, JsValue> {
        let peer = crypto::PublicKey::parse(peer).map_err(to_js_error)?;
        Ok(self.0.diffie_hellman(&peer).to_vec())
    }
}

/// The stock `aes-gcm` crate with nothing of covault around it (benchmark builds only): raw
/// bytes in and out, the key schedule made once. The floor covault's AES-GCM calls are
/// compared with in the same run.
#[wasm_bindgen]
pub struct BareAesGcm(aes_gcm::Aes256Gcm);

#[wasm_bindgen]
impl BareAesGcm {
    /// A cipher from 32 raw key bytes.
    #[wasm_bindgen(constructor)]
    pub fn new(key: &[u8]) -> Result<BareAesGcm, JsValue> {
        use aes_gcm::KeyInit;
        aes_gcm::Aes256Gcm::new_from_slice(key)
            .map(BareAesGcm)
            .map_err(|_| super::error::invalid_argument("key length"))
    }

    /// Ciphertext and tag of `data` under a 12-byte nonce and associated data.
    pub fn encrypt(&self, nonce: &[u8], aad: &[u8], data: &[u8]) -> Result<Vec<u8>, JsValue> {
        use aes_gcm::aead::{Aead, Payload};
        let nonce =
            aes_gcm::Nonce::try_from(nonce).map_err(|_| super::error::invalid_argument("nonce"))?;
        self.0
            .encrypt(&nonce, Payload { msg: data, aad })
            .map_err(|_| super::error::invalid_argument("encrypt"))
    }

    /// Plaintext of ciphertext and tag; throws on a bad tag.
    pub fn decrypt(&self, nonce: &[u8], aad: &[u8], data: &[u8]) -> Result<Vec<u8>, JsValue> {
        use aes_gcm::aead::{Aead, Payload};
        let nonce =
            aes_gcm::Nonce::try_from(nonce).map_err(|_| super::error::invalid_argument("nonce"))?;
        self.0
            .decrypt(&nonce, Payload { msg: data, aad })
            .map_err(|_| super::error::invalid_argument("decrypt"))
    }
}
