//! Large JS strings into wasm at native speed. wasm-bindgen copies a `string` argument into wasm
//! memory with a JavaScript loop over `charCodeAt` (fast for a context string, about 20 ms for
//! the 1.4 MB envelope of a 1 MiB value: most of what decrypting it used to cost). The engine's
//! `TextEncoder.encode` makes the same UTF-8 bytes (a lone surrogate becomes U+FFFD either way)
//! natively, and one memcpy brings them in.

use js_sys::{JsString, Uint8Array};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    type TextEncoder;
    #[wasm_bindgen(constructor)]
    fn new() -> TextEncoder;
    #[wasm_bindgen(method)]
    fn encode(this: &TextEncoder, text: &JsString) -> Uint8Array;
}

thread_local! {
    static ENCODER: TextEncoder = TextEncoder::new();
}

/// Below this many UTF-16 units wasm-bindgen's own copy is as fast as a call out to the encoder.
const NATIVE_FROM: u32 = 1024;

/// The UTF-8 bytes of a JS string, or `None` if `value` is not a string.
pub(crate) fn string_bytes(value: &JsValue) -> Option<Vec<u8>> {
    let text: &JsString = value.dyn_ref()?;
    if text.length() < NATIVE_FROM {
        return value.as_string().map(String::into_bytes);
    }
    Some(ENCODER.with(|encoder| encoder.encode(text)).to_vec())
}

/// The bytes of a JS string (UTF-8) or of a `Uint8Array`, or `None` for anything else.
pub(crate) fn string_or_bytes(value: &JsValue) -> Option<Vec<u8>> {
    string_bytes(value).or_else(|| value.dyn_ref::<Uint8Array>().map(Uint8Array::to_vec))
}
