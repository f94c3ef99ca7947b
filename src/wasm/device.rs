//! A device that remembers (`rememberDevice`): the secret key kept in this browser's IndexedDB,
//! sealed under a non-extractable WebCrypto key (device_store.js), so that the next login on
//! this device needs only the passphrase. Only the secret key is kept: never the passphrase,
//! the KEK or the unlock key. The Vault sees nothing new (docs/security.md, "A device that
//! remembers").

use js_sys::{Promise, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use zeroize::Zeroizing;

use crate::client::ClientError;
use crate::crypto::SecretKey;

#[wasm_bindgen(module = "/src/wasm/device_store.js")]
extern "C" {
    #[wasm_bindgen(js_name = deviceRemember)]
    fn device_remember(url: &str, email: &str, secret: &Uint8Array) -> Promise;
    #[wasm_bindgen(js_name = deviceRecall)]
    fn device_recall(url: &str, email: &str) -> Promise;
    #[wasm_bindgen(js_name = deviceAvailable)]
    fn device_available() -> Promise;
    /// Resolves to a boolean; never rejects.
    #[wasm_bindgen(js_name = deviceRemembers)]
    pub(super) fn device_remembers(url: &str, email: &str) -> Promise;
    /// Resolves to a boolean; rejects with a `CovaultError` (`NotRemembered`).
    #[wasm_bindgen(js_name = deviceForget)]
    pub(super) fn device_forget(url: &str, email: &str) -> Promise;
}

/// The email as the client and the Vault compare it.
pub(super) fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// What a failed storage call said, for the error message.
fn reason(error: &JsValue) -> String {
    js_sys::Reflect::get(error, &"message".into())
        .ok()
        .and_then(|m| m.as_string())
        .or_else(|| error.as_string())
        .unwrap_or_else(|| format!("{error:?}"))
}

fn cannot_remember(error: &JsValue) -> ClientError {
    ClientError::NotRemembered(format!(
        "this device cannot remember a secret key: {}",
        reason(error)
    ))
}

/// Checks that this environment can remember a secret key at all (IndexedDB and WebCrypto),
/// before any work that would be wasted if it cannot.
pub(super) async fn check_available() -> Result<(), ClientError> {
    JsFuture::from(device_available())
        .await
        .map(|_| ())
        .map_err(|e| cannot_remember(&e))
}

/// Remembers `secret` for this Vault and email, replacing what was there.
pub(super) async fn remember(
    url: &str,
    email: &str,
    secret: &SecretKey,
) -> Result<(), ClientError> {
    let printable = secret.to_printable();
    // A copy in JS memory, which the snippet wipes once it is sealed.
    let copy = Uint8Array::from(printable.as_bytes());
    JsFuture::from(device_remember(url, email, &copy))
        .await
        .map(|_| ())
        .map_err(|e| cannot_remember(&e))
}

/// The secret key remembered for this Vault and email: `NotRemembered` when there is none (or
/// this device cannot keep one), `Integrity` when the record does not open.
pub(super) async fn recall(url: &str, email: &str) -> Result<SecretKey, ClientError> {
    let answer = match JsFuture::from(device_recall(url, email)).await {
        Ok(answer) => answer,
        Err(e) => {
            let integrity = js_sys::Reflect::get(&e, &"integrity".into())
                .is_ok_and(|flag| flag.as_bool() == Some(true));
            return Err(if integrity {
                ClientError::Integrity(format!(
                    "the secret key this device remembers for {email}: {}; pass the secret key \
                     (with rememberDevice to remember it again) or call forgetDevice",
                    reason(&e)
                ))
            } else {
                ClientError::NotRemembered(format!(
                    "no secret key is remembered for {email} on this device: {}",
                    reason(&e)
                ))
            });
        }
    };
    if answer.is_undefined() {
        return Err(ClientError::NotRemembered(format!(
            "no secret key is remembered for {email} at this Vault on this device; pass the \
             secret key from the recovery kit"
        )));
    }
    let bytes: Uint8Array = answer
        .dyn_into()
        .map_err(|_| ClientError::Integrity("the remembered secret key is not bytes".into()))?;
    let mut text = Zeroizing::new(vec![0u8; bytes.length() as usize]);
    bytes.copy_to(&mut text);
    bytes.fill(0, 0, bytes.length());
    let parsed = std::str::from_utf8(&text)
        .ok()
        .and_then(|t| SecretKey::parse(t).ok());
    parsed.ok_or_else(|| {
        ClientError::Integrity(format!(
            "the secret key this device remembers for {email} does not parse"
        ))
    })
}
