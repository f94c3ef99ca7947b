//! covault: an end-to-end encrypted sharing vault whose server, the Vault, is not trusted.
//!
//! The crate is layered, each layer using only the ones above it:
//!
//! - [`crypto`]: the pure-Rust core, with no I/O: the key hierarchy (Argon2id, HKDF, the
//!   random KEK), envelopes, DEKs, X25519 keypairs, HPKE share sealing, sealed records
//!   (items and shared copies as one versioned write), safety numbers.
//! - [`api`]: the Vault's HTTP request and response types, shared with `covault-server`.
//! - [`client`]: the guide's flows over a [`client::Transport`] (gloo-net in the browser,
//!   reqwest natively with the `native-client` feature), checking every answer of the Vault
//!   against what the client sealed or remembers (see `docs/security.md`).
//! - `wasm`: the thin wasm-bindgen layer the npm package exports, built only for `wasm32`.
//!
//! The core on its own: a DEK encrypts a slot bound to its item and name, and a share DEK
//! travels to a peer sealed with HPKE in Auth mode, for exactly the terms the sender sealed.
//!
//! ```
//! use covault::crypto::share::{self, ShareBinding};
//! use covault::crypto::{Context, CryptoError, Dek, KeyPair};
//!
//! # fn main() -> Result<(), CryptoError> {
//! let dek = Dek::generate()?;
//! let slot = dek.encrypt(b"hunter2", &Context::slot("item-1", "password"))?;
//! assert_eq!(
//!     dek.decrypt(&slot, &Context::slot("item-1", "username")),
//!     Err(CryptoError::Integrity) // moved to another slot: refused
//! );
//!
//! let (alice, bob) = (KeyPair::generate()?, KeyPair::generate()?);
//! let terms = ShareBinding {
//!     share_id: "share-1",
//!     connection_id: "conn-1",
//!     sender_id: "alice",
//!     recipient_id: "bob",
//!     expires_at_ms: None,
//!     terms: Some("read only"),
//!     acceptance_required: false,
//!     v3: None,
//! };
//! let share_dek = Dek::generate_with_id("share-1")?;
//! let sealed = share::seal_bound_dek(&share_dek, &bob.public_key(), &alice, &terms)?;
//! let opened = share::open_bound_dek(&sealed, &bob, &alice.public_key(), &terms)?;
//! let rewritten = ShareBinding { terms: Some("anything goes"), ..terms };
//! assert!(share::open_bound_dek(&sealed, &bob, &alice.public_key(), &rewritten).is_err());
//! # let _ = opened;
//! # Ok(())
//! # }
//! ```
//!
//! The client against a running Vault (natively; the browser's `Covault` class is the same
//! code):
//!
//! ```no_run
//! # #[cfg(feature = "native-client")]
//! # async fn guide() -> Result<(), covault::client::ClientError> {
//! use covault::client::{ReqwestTransport, Session};
//!
//! let vault = ReqwestTransport::new("https://vault.example.com");
//! let (alice, kit) = Session::signup(vault, "alice@example.com", "a passphrase", &|_| {}).await?;
//! println!("keep this secret key: {}", kit.secret_key);
//! let item = alice
//!     .create_item("Bank", &[("password".into(), "hunter2".into())].into())
//!     .await?;
//! let state = alice.export_device_state()?; // keep it: a Vault cannot roll this device back
//! # let _ = (item, state);
//! # Ok(())
//! # }
//! ```
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
