//! The thin wasm-bindgen layer: JS names, `string`/`Uint8Array` in and out, errors as JS
//! `Error`s. No logic lives here: the primitives forward to [`crate::crypto`], and the
//! `Covault` class to [`crate::client::Session`].
//!
//! JavaScript only ever holds opaque handles (`Kek`, `Dek`, `KeyPair`, `SecretKey`,
//! `AccountKeys`) whose secrets stay in wasm memory and are zeroized by `free()`.

mod client;
mod device;
mod error;
mod files;
mod kdf;
mod keys;
mod links;
mod share;
mod text;

pub use client::Covault;
pub use error::{is_covault_error, to_js_error};
pub use kdf::{AccountKeys, SecretKey, default_kdf_params, floor_kdf_params, generate_salt};
pub use keys::{Dek, Kek, KeyPair};
pub use links::{link_needs_passphrase, open_link};
pub use share::{fingerprint, new_id, open_anonymous, open_share, seal_anonymous, seal_share};

#[cfg(feature = "bench-raw-keys")]
mod bench_raw_keys;
