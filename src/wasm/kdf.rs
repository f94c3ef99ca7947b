//! The account secrets: the printable secret key and the keys derived from the passphrase.

use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

use super::error::{invalid_argument, to_js_error};
use crate::crypto::encoding::{from_base64url, to_base64url};
use crate::crypto::{self, KdfParams};

/// The 128-bit account secret key. Its printable form is the recovery kit.
#[wasm_bindgen]
pub struct SecretKey(pub(crate) crypto::SecretKey);

#[wasm_bindgen]
impl SecretKey {
    /// A fresh random secret key (at sign-up).
    pub fn generate() -> Result<SecretKey, JsValue> {
        crypto::SecretKey::generate()
            .map(SecretKey)
            .map_err(to_js_error)
    }

    /// Parses the printable form (`CV1-XXXX-…`); a typo throws `SecretKeyChecksum`.
    pub fn parse(text: &str) -> Result<SecretKey, JsValue> {
        crypto::SecretKey::parse(text)
            .map(SecretKey)
            .map_err(to_js_error)
    }

    /// The printable form, to show to its owner once, in the recovery kit.
    #[wasm_bindgen(js_name = toPrintable)]
    pub fn to_printable(&self) -> String {
        self.0.to_printable().to_string()
    }
}

/// The default Argon2id parameters: m = 64 MiB, t = 3, p = 4.
#[wasm_bindgen(js_name = defaultKdfParams, unchecked_return_type = "KdfParams")]
pub fn default_kdf_params() -> Result<JsValue, JsValue> {
    serde_wasm_bindgen::to_value(&KdfParams::default())
        .map_err(|e| invalid_argument(&e.to_string()))
}

/// The weakest Argon2id parameters covault accepts (m = 19 MiB, t = 2, p = 1, OWASP's floor):
/// for tests and demos that want real key derivation without the default's cost.
#[wasm_bindgen(js_name = floorKdfParams, unchecked_return_type = "KdfParams")]
pub fn floor_kdf_params() -> Result<JsValue, JsValue> {
    serde_wasm_bindgen::to_value(&KdfParams::FLOOR).map_err(|e| invalid_argument(&e.to_string()))
}

/// A fresh random 16-byte salt, base64url.
#[wasm_bindgen(js_name = generateSalt)]
pub fn generate_salt() -> Result<String, JsValue> {
    crypto::generate_salt()
        .map(|salt| to_base64url(&salt))
        .map_err(to_js_error)
}

/// The keys derived from passphrase and secret key: the unlock key stays inside this handle;
/// only the auth key (for the Vault login) can be read.
#[wasm_bindgen]
pub struct AccountKeys(pub(crate) crypto::DerivedKeys);

#[wasm_bindgen]
impl AccountKeys {
    /// Runs Argon2id and HKDF. Throws `KdfTooWeak` for parameters below the floor
    /// (m ≥ 19 MiB, t ≥ 2) before doing any work.
    pub fn derive(
        passphrase: String,
        salt: &str,
        #[wasm_bindgen(js_name = secretKey)] secret_key: &SecretKey,
        #[wasm_bindgen(unchecked_param_type = "KdfParams")] params: JsValue,
    ) -> Result<AccountKeys, JsValue> {
        let passphrase = Zeroizing::new(passphrase);
        let params: KdfParams = serde_wasm_bindgen::from_value(params)
            .map_err(|e| invalid_argument(&format!("KdfParams: {e}")))?;
        let salt = from_base64url(salt, "salt").map_err(to_js_error)?;
        crypto::derive_keys(passphrase.as_bytes(), &salt, &secret_key.0, &params)
            .map(AccountKeys)
            .map_err(to_js_error)
    }

    /// The auth key, base64url: what the Vault sees at login (it stores only a hash).
    #[wasm_bindgen(getter, js_name = authKey)]
    pub fn auth_key(&self) -> String {
        self.0.auth_key_text()
    }
}
