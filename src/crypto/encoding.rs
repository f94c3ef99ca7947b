//! Strict unpadded base64url, the only binary-to-text encoding covault uses.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::error::{CryptoError, Result};

/// Encodes bytes as unpadded base64url.
pub fn to_base64url(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Decodes canonical unpadded base64url; padding, other alphabets and non-zero trailing bits are
/// refused so that every value has exactly one spelling.
pub fn from_base64url(text: &str, what: &'static str) -> Result<Vec<u8>> {
    URL_SAFE_NO_PAD
        .decode(text)
        .map_err(|_| CryptoError::Encoding(what))
}

/// Decodes base64url into exactly `N` bytes.
pub fn from_base64url_array<const N: usize>(text: &str, what: &'static str) -> Result<[u8; N]> {
    let bytes = from_base64url(text, what)?;
    let found = bytes.len();
    bytes.try_into().map_err(|_| CryptoError::WrongLength {
        what,
        expected: N,
        found,
    })
}
