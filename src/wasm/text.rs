//! Strings and bytes from JS into wasm: envelopes may come as a string or a `Uint8Array`,
//! values as strings; each is copied into wasm memory once.

use js_sys::Uint8Array;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

/// The UTF-8 bytes of a JS string, or `None` if `value` is not a string.
///
/// The engine's `TextEncoder.encodeInto` straight into wasm memory was faster for large strings
/// (2.5 ms instead of 6 ms for 1.4 MB in Chromium), but in WebKitGTK it intermittently produced
/// bytes that failed to open (`Integrity`, `tests/web_bytes.rs`), so every string takes
/// wasm-bindgen's own copy until that is understood.
fn string_bytes_sized(value: &JsValue, _ascii_expected: bool) -> Option<Vec<u8>> {
    value.as_string().map(String::into_bytes)
}

/// The UTF-8 bytes of a JS string (any text), or `None` if `value` is not a string.
pub(crate) fn string_bytes(value: &JsValue) -> Option<Vec<u8>> {
    string_bytes_sized(value, false)
}

/// The bytes of an envelope given as a JS string or as a `Uint8Array`, or `None` for anything
/// else.
pub(crate) fn string_or_bytes(value: &JsValue) -> Option<Vec<u8>> {
    string_bytes_sized(value, true)
        .or_else(|| value.dyn_ref::<Uint8Array>().map(Uint8Array::to_vec))
}
