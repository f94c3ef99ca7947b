//! Client errors: what went wrong, with a stable code (the same codes reach JavaScript).

use thiserror::Error;

use crate::crypto::CryptoError;

/// Everything a client flow can fail with.
#[derive(Debug, Error, strum::IntoStaticStr, strum::VariantNames)]
#[non_exhaustive]
pub enum ClientError {
    /// The Vault could not be reached, or did not answer.
    #[error("network error: {0}")]
    Network(String),
    /// No valid session, or wrong email/passphrase/secret key at login.
    #[error("unauthorized: {0}")]
    Unauthorized(String),
    /// The resource does not exist, or is not yours (or was deleted, or expired).
    #[error("not found: {0}")]
    NotFound(String),
    /// The id or email is taken.
    #[error("conflict: {0}")]
    Conflict(String),
    /// The invitation was used or expired, or the share was rejected.
    #[error("gone: {0}")]
    Gone(String),
    /// Too many attempts (wrong logins, invitations); retry after this many seconds (the
    /// Vault's `Retry-After`).
    #[error("too many attempts; try again in {0} s")]
    RateLimited(u64),
    /// The Vault refused the request (a 4xx other than the above).
    #[error("the Vault refused the request ({code}): {message}")]
    Rejected {
        /// The Vault's error code.
        code: String,
        /// Its message.
        message: String,
    },
    /// The Vault failed (5xx).
    #[error("the Vault failed with status {0}")]
    Server(u16),
    /// The Vault answered something a covault Vault never sends.
    #[error("unexpected answer from the Vault: {0}")]
    Protocol(String),
    /// The Vault's keys for a connection do not match ours: it substituted a key.
    #[error("key mismatch: {0}")]
    KeyMismatch(String),
    /// The Vault's answer does not match what was asked for or what this client sealed or
    /// remembers: another record than the one requested, or acceptance it cannot prove.
    #[error("integrity check failed: {0}")]
    Integrity(String),
    /// The Vault served an older version of something than this client has already seen, or
    /// brought back something deleted.
    #[error("rollback: {0}")]
    Rollback(String),
    /// A share's or link's sealed expiry has passed (whatever the Vault says).
    #[error("expired at {0} (by its sealed expiry, whatever the Vault says)")]
    Expired(String),
    /// A share that needs acceptance, not yet accepted.
    #[error("this share must be accepted before it can be read")]
    NotAccepted,
    /// The share's sender did not permit this (sharing it on).
    #[error("not permitted: {0}")]
    NotPermitted(String),
    /// Login without a secret key, and none is remembered for this Vault and email on this
    /// device (or this device cannot remember one: no IndexedDB or WebCrypto, storage refused).
    #[error("not remembered: {0}")]
    NotRemembered(String),
    /// Bad input from the caller.
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// A cryptographic refusal: tampering, wrong key, weak KDF parameters, …
    #[error(transparent)]
    Crypto(#[from] CryptoError),
}

impl ClientError {
    /// The stable code: the variant's name, or the core's code for a cryptographic refusal.
    pub fn code(&self) -> &'static str {
        match self {
            ClientError::Crypto(e) => e.code(),
            other => other.into(),
        }
    }
}
