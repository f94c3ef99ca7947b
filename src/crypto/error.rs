//! One error type for the whole core, with a stable machine-readable code per variant.

use thiserror::Error;

/// Everything the core can refuse. Each variant has a stable [`CryptoError::code`] that crosses
/// into JavaScript unchanged, so apps can branch on it.
///
/// AEAD failures (tampering, a wrong key, a ciphertext moved to another context, a share sealed
/// by someone else) deliberately collapse into one [`CryptoError::Integrity`]: telling them apart
/// would hand an attacker an oracle.
#[derive(Debug, Error, Clone, PartialEq, Eq, strum::IntoStaticStr, strum::VariantNames)]
#[non_exhaustive]
pub enum CryptoError {
    /// Authentication failed: tampered data, wrong key, wrong context or wrong sender.
    #[error("integrity check failed: the data was altered, moved, or opened with the wrong key")]
    Integrity,
    /// The envelope's version prefix is not one this build understands.
    #[error("unknown envelope version {0:?}")]
    #[strum(serialize = "EnvelopeVersion")]
    UnknownVersion(String),
    /// The envelope names an algorithm this build does not know.
    #[error("unknown envelope algorithm {0:?}")]
    #[strum(serialize = "EnvelopeAlgorithm")]
    UnknownAlgorithm(String),
    /// The envelope ends before all of its parts.
    #[error("envelope is truncated: expected 4 dot-separated parts, found {0}")]
    #[strum(serialize = "EnvelopeTruncated")]
    Truncated(usize),
    /// The envelope has extra parts, empty parts or is too large.
    #[error("malformed envelope: {0}")]
    #[strum(serialize = "EnvelopeMalformed")]
    Malformed(&'static str),
    /// A base64url field is not canonical unpadded base64url.
    #[error("invalid base64url in {0}")]
    Encoding(&'static str),
    /// A field decodes, but to the wrong number of bytes.
    #[error("wrong length for {what}: expected {expected} bytes, found {found}")]
    WrongLength {
        /// Which field.
        what: &'static str,
        /// The length the field must have (or at least have).
        expected: usize,
        /// The length it had.
        found: usize,
    },
    /// Argon2id parameters below the floor (m ≥ 19 MiB, t ≥ 2): a downgrade attempt.
    #[error("KDF parameters too weak: {0}")]
    KdfTooWeak(String),
    /// Argon2id parameters above what a client will spend (a denial-of-service attempt), or
    /// otherwise unusable.
    #[error("KDF parameters out of range: {0}")]
    KdfOutOfRange(String),
    /// A printable secret key that does not parse.
    #[error("secret key is malformed: {0}")]
    SecretKeyFormat(&'static str),
    /// A printable secret key whose checksum does not match: most likely a typo.
    #[error("secret key checksum mismatch: check it for typos")]
    SecretKeyChecksum,
    /// A decrypted value that should be text is not UTF-8.
    #[error("decrypted data is not valid UTF-8 text")]
    NotUtf8,
    /// A public key that X25519 cannot use (a low-order point).
    #[error("invalid public key")]
    InvalidPublicKey,
    /// The operating system's random generator failed.
    #[error("random number generator failed")]
    Random,
    /// A share link (its URL or fragment) that does not parse: truncated, altered or not a
    /// covault link.
    #[error("not a covault link: {0}")]
    LinkFormat(&'static str),
}

impl CryptoError {
    /// The stable code for this error, identical in Rust, over HTTP and in JavaScript: the
    /// variant's name, or the name its `strum(serialize)` attribute gives.
    pub fn code(&self) -> &'static str {
        self.into()
    }
}

/// Shorthand used throughout the core.
pub type Result<T> = core::result::Result<T, CryptoError>;
