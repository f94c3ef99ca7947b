//! covault: an end-to-end encrypted sharing vault.
//!
//! - [`crypto`]: the pure-Rust core (key hierarchy, envelopes, HPKE shares).
//! - `wasm`: the thin wasm-bindgen layer, built only for `wasm32`.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

pub mod api;
pub mod client;
pub mod crypto;

#[cfg(target_arch = "wasm32")]
pub mod wasm;
