//! The pure-Rust crypto core: no I/O, no wasm. Everything here runs the same natively and in
//! the browser, and nothing here panics on outside input.

pub mod aead;
pub mod codec;
pub mod context;
pub mod dek;
pub mod encoding;
pub mod envelope;
pub mod error;
pub mod fingerprint;
pub mod kdf;
pub mod kek;
pub mod keypair;
pub mod link;
pub mod random;
pub mod record;
pub mod secret_key;
pub mod share;
pub mod share_meta;
pub mod stream;
#[cfg(test)]
mod test_slots;

pub use context::Context;
pub use dek::Dek;
pub use envelope::{Algorithm, Envelope};
pub use error::{CryptoError, Result};
pub use fingerprint::{Party, fingerprint};
pub use kdf::{DerivedKeys, KdfParams, derive_keys, expand_keys, generate_salt, stretch};
pub use kek::Kek;
pub use keypair::{KeyPair, PublicKey};
pub use random::new_id;
pub use record::{OpenedRecord, RecordKind, SealedRecord};
pub use secret_key::SecretKey;
pub use share::{ExpectedSender, Sender, ShareBinding, V3Terms};
pub use share_meta::{Provenance, ShareMeta, VerificationKey};
