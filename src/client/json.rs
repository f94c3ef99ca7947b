//! The Vault's JSON, read and written. Natively with serde_json; in the browser with the
//! engine's `JSON.parse`/`JSON.stringify` and serde-wasm-bindgen, so that serde_json's parser
//! and printer stay out of the wasm module (about 30 KB of it).

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::error::ClientError;

/// A request body as JSON text.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) fn encode<T: Serialize + ?Sized>(value: &T) -> Result<String, ClientError> {
    serde_json::to_string(value).map_err(|e| ClientError::InvalidInput(e.to_string()))
}

/// The Vault's answer, parsed into `R`.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) fn decode<R: DeserializeOwned>(text: &str) -> Result<R, ClientError> {
    serde_json::from_str(text).map_err(|e| ClientError::Protocol(e.to_string()))
}

/// A request body as JSON text.
#[cfg(target_arch = "wasm32")]
pub(crate) fn encode<T: Serialize + ?Sized>(value: &T) -> Result<String, ClientError> {
    stringify(value.serialize(&serde_wasm_bindgen::Serializer::json_compatible()))
}

/// Out of line, so that the instantiations of `encode` share it.
#[cfg(target_arch = "wasm32")]
#[inline(never)]
fn stringify(
    js: Result<wasm_bindgen::JsValue, serde_wasm_bindgen::Error>,
) -> Result<String, ClientError> {
    let js = js.map_err(|e| ClientError::InvalidInput(e.to_string()))?;
    js_sys::JSON::stringify(&js)
        .map(String::from)
        .map_err(|_| ClientError::InvalidInput("the request cannot be written as JSON".into()))
}

/// The Vault's answer, parsed into `R`.
#[cfg(target_arch = "wasm32")]
pub(crate) fn decode<R: DeserializeOwned>(text: &str) -> Result<R, ClientError> {
    serde_wasm_bindgen::from_value(parse(text)?).map_err(protocol)
}

/// Out of line, so that the 20-odd instantiations of `decode` share it.
#[cfg(target_arch = "wasm32")]
#[inline(never)]
fn protocol(error: serde_wasm_bindgen::Error) -> ClientError {
    ClientError::Protocol(error.to_string())
}

#[cfg(target_arch = "wasm32")]
fn parse(text: &str) -> Result<wasm_bindgen::JsValue, ClientError> {
    js_sys::JSON::parse(text)
        .map_err(|_| ClientError::Protocol("the Vault's answer is not JSON".into()))
}
