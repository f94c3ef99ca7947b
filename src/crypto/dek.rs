//! Data encryption keys: random 256-bit keys that encrypt item slots and shared copies.

use zeroize::Zeroizing;

use super::aead::SymmetricKey;
use super::context::Context;
use super::envelope::Envelope;
use super::error::{CryptoError, Result};
use super::random::new_id;

/// A DEK with its client-made id. Zeroized on drop; `Debug` shows only the id.
pub struct Dek {
    id: String,
    key: SymmetricKey,
}

impl Dek {
    /// A fresh random DEK with a fresh id.
    pub fn generate() -> Result<Self> {
        Self::generate_with_id(&new_id()?)
    }

    /// A fresh random DEK under an id the caller chose (a share DEK takes its share's id).
    pub fn generate_with_id(id: &str) -> Result<Self> {
        Ok(Dek {
            id: id.to_owned(),
            key: SymmetricKey::generate()?,
        })
    }

    /// A DEK from known key bytes: for fixtures and for tests that must find (or not find) the
    /// key's bytes somewhere. Applications generate DEKs instead.
    pub fn from_bytes(id: &str, bytes: [u8; 32]) -> Self {
        Self::from_key(id, SymmetricKey::from_bytes(bytes))
    }

    pub(crate) fn from_key(id: &str, key: SymmetricKey) -> Self {
        Dek {
            id: id.to_owned(),
            key,
        }
    }

    pub(crate) fn key(&self) -> &SymmetricKey {
        &self.key
    }

    /// The id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Encrypts bytes bound to `context`.
    pub fn encrypt(&self, plaintext: &[u8], context: &Context) -> Result<Envelope> {
        self.key.seal(plaintext, context)
    }

    /// Decrypts bytes; fails with `Integrity` under any other key or context.
    pub fn decrypt(&self, envelope: &Envelope, context: &Context) -> Result<Zeroizing<Vec<u8>>> {
        self.key.open(envelope, context)
    }

    /// [`Dek::encrypt`] straight to the envelope text, encrypting the buffer in place.
    pub fn encrypt_to_text(&self, plaintext: Vec<u8>, context: &Context) -> Result<String> {
        self.key.seal_to_text(plaintext, context)
    }

    /// [`Dek::decrypt`] of envelope text in a buffer the caller owns, decoded and decrypted in
    /// place; returns where the plaintext is (the caller wipes it).
    pub fn decrypt_text_in_place(
        &self,
        text: &mut [u8],
        context: &Context,
    ) -> Result<core::ops::Range<usize>> {
        self.key.open_text_in_place(text, context)
    }

    /// Decrypts text; fails with `NotUtf8` if the plaintext is not UTF-8.
    pub fn decrypt_string(
        &self,
        envelope: &Envelope,
        context: &Context,
    ) -> Result<Zeroizing<String>> {
        let bytes = self.decrypt(envelope, context)?;
        let text = core::str::from_utf8(&bytes).map_err(|_| CryptoError::NotUtf8)?;
        Ok(Zeroizing::new(text.to_owned()))
    }
}

impl core::fmt::Debug for Dek {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Dek")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}
