//! The Vault's HTTP API types, shared by the server and every client so they cannot drift.
//!
//! JSON over HTTP under `/v1`. Ids are client-made UUIDs; every ciphertext and wrapped key is
//! an envelope string (`cv1.…`); timestamps are RFC 3339 UTC strings. Request types refuse
//! unknown fields.

pub mod account;
pub mod connections;
pub mod error;
pub mod files;
pub mod items;
pub mod keystore;
pub mod links;
pub mod shares;

pub use account::*;
pub use connections::*;
pub use error::*;
pub use files::*;
pub use items::*;
pub use keystore::*;
pub use links::*;
pub use shares::*;
