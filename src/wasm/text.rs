//! Large JS strings into wasm at native speed. wasm-bindgen copies a `string` argument into wasm
//! memory with a JavaScript loop over `charCodeAt` (about 6 ms for the 1.4 MB envelope of a
//! 1 MiB value in Chromium, most of what decrypting it cost beyond AES-GCM itself; see
//! docs/benchmarks.md). The engine's `TextEncoder.encodeInto`, writing straight into a buffer in
//! wasm memory, does the same in about 2.5 ms, with no intermediate copy. The bytes are the same
//! UTF-8 either way (a lone surrogate becomes U+FFFD in both).

use js_sys::{JsString, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    type TextEncoder;
    #[wasm_bindgen(constructor)]
    fn new() -> TextEncoder;
    #[wasm_bindgen(method, js_name = encodeInto)]
    fn encode_into(this: &TextEncoder, text: &JsString, dest: &Uint8Array) -> EncodeResult;

    type EncodeResult;
    #[wasm_bindgen(method, getter)]
    fn read(this: &EncodeResult) -> u32;
    #[wasm_bindgen(method, getter)]
    fn written(this: &EncodeResult) -> u32;
}

thread_local! {
    static ENCODER: TextEncoder = TextEncoder::new();
}

/// Below this many UTF-16 units wasm-bindgen's own copy is as fast as a call out to the encoder.
const NATIVE_FROM: u32 = 1024;

/// `text` encoded into a fresh buffer of `room` bytes in wasm memory, or `None` if it did not
/// fit (the caller then takes the general path).
fn encode_into_wasm(text: &JsString, room: usize) -> Option<Vec<u8>> {
    let mut buf = vec![0u8; room];
    let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    // A view of exactly this buffer: the encoder writes nowhere else.
    let at = u32::try_from(buf.as_mut_ptr() as usize).ok()?;
    let len = u32::try_from(room).ok()?;
    let view = Uint8Array::new_with_byte_offset_and_length(&memory.buffer(), at, len);
    let result = ENCODER.with(|encoder| encoder.encode_into(text, &view));
    if result.read() != text.length() {
        return None;
    }
    buf.truncate(usize::try_from(result.written()).ok()?);
    Some(buf)
}

/// The UTF-8 bytes of a JS string, or `None` if `value` is not a string. `ascii_expected`
/// sizes the buffer for text that should be ASCII (envelopes); anything else falls back.
fn string_bytes_sized(value: &JsValue, ascii_expected: bool) -> Option<Vec<u8>> {
    let text: &JsString = value.dyn_ref()?;
    let units = text.length();
    if units >= NATIVE_FROM {
        let room = usize::try_from(units).ok()?;
        let room = if ascii_expected {
            Some(room)
        } else {
            room.checked_mul(3)
        };
        if let Some(bytes) = room.and_then(|room| encode_into_wasm(text, room)) {
            return Some(bytes);
        }
    }
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
