//! Errors cross into JavaScript as real `Error` objects with `name === "CovaultError"` and a
//! stable `code`, so apps can branch on them.

use wasm_bindgen::prelude::*;

use crate::crypto::CryptoError;

#[wasm_bindgen(typescript_custom_section)]
const ERROR_TYPES: &str = r#"
/** The stable code of every error covault throws (`CryptoError::code` and `ClientError::code`
 * in Rust; tests/error_codes.rs checks that this list is exactly theirs). */
export type CovaultErrorCode =
  | "Integrity" | "EnvelopeVersion" | "EnvelopeAlgorithm" | "EnvelopeTruncated"
  | "EnvelopeMalformed" | "Encoding" | "WrongLength" | "KdfTooWeak" | "KdfOutOfRange"
  | "SecretKeyFormat" | "SecretKeyChecksum" | "NotUtf8" | "InvalidPublicKey" | "Random"
  | "LinkFormat"
  // from the Vault client (InvalidInput also for a JS argument of the wrong shape):
  | "Network" | "Unauthorized" | "NotFound" | "Conflict" | "Gone" | "RateLimited" | "Rejected"
  | "Server" | "Protocol" | "KeyMismatch" | "NotAccepted" | "Rollback" | "Expired"
  | "NotPermitted" | "NotRemembered" | "InvalidInput";

/** What covault throws: a real `Error` with a stable `code`. */
export interface CovaultError extends Error {
  name: "CovaultError";
  code: CovaultErrorCode;
}

/** Argon2id cost parameters; they travel with the user record. */
export interface KdfParams {
  memoryKib: number;
  iterations: number;
  parallelism: number;
}
"#;

/// Builds a JS `Error` with a stable name and code.
pub fn js_error(code: &str, message: &str) -> JsValue {
    let error = js_sys::Error::new(message);
    error.set_name("CovaultError");
    // Setting a property on a fresh Error cannot fail; if it somehow did, the Error still carries
    // its message, which is the best we can do.
    let _ = js_sys::Reflect::set(&error, &JsValue::from_str("code"), &JsValue::from_str(code));
    error.into()
}

/// Whether `value` is an error covault threw: a type guard for TypeScript, so that
/// `catch (e) { if (isCovaultError(e)) switch (e.code) … }` type-checks.
#[wasm_bindgen(js_name = isCovaultError, unchecked_return_type = "value is CovaultError")]
pub fn is_covault_error(value: &JsValue) -> bool {
    value.is_instance_of::<js_sys::Error>()
        && js_sys::Reflect::get(value, &JsValue::from_str("name"))
            .is_ok_and(|name| name.as_string().as_deref() == Some("CovaultError"))
        && js_sys::Reflect::get(value, &JsValue::from_str("code")).is_ok_and(|c| c.is_string())
}

/// Converts a core error into the JS `Error` the caller sees.
pub fn to_js_error(error: CryptoError) -> JsValue {
    js_error(error.code(), &error.to_string())
}

/// An argument JS passed that has the wrong shape (for example a malformed `KdfParams`): the
/// client's one invalid-input code.
pub fn invalid_argument(message: &str) -> JsValue {
    js_error("InvalidInput", message)
}
