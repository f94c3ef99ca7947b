//! How deep a flow goes into wasm's shadow stack. Rust's wasm32 modules put the stack first in
//! linear memory (`--stack-first`), growing down from `STACK_TOP` towards address 0, so an
//! overflow is not caught: the stack pointer wraps and the next access traps as "out of bounds
//! memory access". This paints the free part of the stack and later finds the lowest byte a
//! flow overwrote: a lower bound of what it used, and exactly what an overflow would have hit.

use js_sys::{Uint8Array, WebAssembly};
use wasm_bindgen::JsCast;

/// The default stack size of Rust's wasm32 targets (`-z stack-size`), and so its top.
pub const STACK_TOP: u32 = 1 << 20;
const PAINT: u8 = 0xa5;
/// The lowest addresses are left alone: address 0 is where a null pointer would point.
const FLOOR: u32 = 1024;
/// Left unpainted below the caller's frame, for the painting call's own frames.
const SLACK: u32 = 16 * 1024;

fn memory() -> Uint8Array {
    let memory: WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    Uint8Array::new(&memory.buffer())
}

/// Paints the stack below the caller, so that [`deepest`] can see how far a flow went.
pub fn paint() {
    let marker = 0u8;
    let here = std::hint::black_box(&marker) as *const u8 as usize as u32;
    assert!(here < STACK_TOP, "the stack is not first in memory here");
    memory().fill(PAINT, FLOOR, here - SLACK);
}

/// The most stack (bytes below `STACK_TOP`) used since [`paint`].
pub fn deepest() -> u32 {
    let painted = memory().subarray(FLOOR, STACK_TOP).to_vec();
    let touched = painted
        .iter()
        .position(|b| *b != PAINT)
        .unwrap_or(painted.len());
    STACK_TOP - FLOOR - touched as u32
}
