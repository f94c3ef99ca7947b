//! AES-256-GCM under a 256-bit key with a random 96-bit nonce, producing envelopes.
//!
//! Random nonces are safe here because every key encrypts far fewer than 2^32 messages
//! (NIST SP 800-38D §8.3): a DEK protects one user's items, a share DEK one shared copy.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use super::context::Context;
use super::envelope::{Algorithm, Envelope};
use super::error::{CryptoError, Result};
use super::random::{random_array, random_secret};

/// Length of every symmetric key in covault.
pub const KEY_LEN: usize = 32;

/// A 256-bit AES key that zeroizes on drop and never prints its bytes.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct SymmetricKey([u8; KEY_LEN]);

impl SymmetricKey {
    /// A fresh random key.
    pub fn generate() -> Result<Self> {
        Ok(SymmetricKey(*random_secret::<KEY_LEN>()?))
    }

    /// Takes ownership of key bytes (which the caller should zeroize).
    pub fn from_bytes(bytes: [u8; KEY_LEN]) -> Self {
        SymmetricKey(bytes)
    }

    /// Builds a key from a decrypted buffer of exactly [`KEY_LEN`] bytes.
    pub fn from_slice(bytes: &[u8]) -> Result<Self> {
        let array: [u8; KEY_LEN] = bytes.try_into().map_err(|_| CryptoError::WrongLength {
            what: "key",
            expected: KEY_LEN,
            found: bytes.len(),
        })?;
        Ok(SymmetricKey(array))
    }

    /// The key as base64url, for a native client's credential file (never for JS, never sent).
    pub fn to_base64url(&self) -> zeroize::Zeroizing<String> {
        zeroize::Zeroizing::new(super::encoding::to_base64url(&self.0))
    }

    /// Reads a key from its base64url form.
    pub fn from_base64url(text: &str) -> Result<Self> {
        let bytes = Zeroizing::new(super::encoding::from_base64url(text, "key")?);
        Self::from_slice(&bytes)
    }

    /// The raw bytes, for wrapping only.
    pub(crate) fn expose(&self) -> &[u8; KEY_LEN] {
        &self.0
    }

    /// Encrypts `plaintext` bound to `context`.
    pub fn seal(&self, plaintext: &[u8], context: &Context) -> Result<Envelope> {
        let cipher = Aes256Gcm::new(&self.0.into());
        let nonce = random_array::<12>()?;
        let ciphertext = cipher
            .encrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: plaintext,
                    aad: context.as_bytes(),
                },
            )
            .map_err(|_| CryptoError::Integrity)?;
        Envelope::new(Algorithm::A256Gcm, nonce.to_vec(), ciphertext)
    }

    /// Decrypts an envelope made by [`SymmetricKey::seal`] under the same context.
    pub fn open(&self, envelope: &Envelope, context: &Context) -> Result<Zeroizing<Vec<u8>>> {
        envelope.expect(Algorithm::A256Gcm, None)?;
        let nonce: [u8; 12] = envelope
            .header()
            .try_into()
            .map_err(|_| CryptoError::Malformed("nonce length"))?;
        let cipher = Aes256Gcm::new(&self.0.into());
        cipher
            .decrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: envelope.ciphertext(),
                    aad: context.as_bytes(),
                },
            )
            .map(Zeroizing::new)
            .map_err(|_| CryptoError::Integrity)
    }

    /// Wraps another key: AES-256-GCM of its bytes, bound to `context`.
    pub fn wrap(&self, key: &[u8; KEY_LEN], context: &Context) -> Result<Envelope> {
        self.seal(key, context)
    }

    /// Unwraps a key made by [`SymmetricKey::wrap`], insisting on the exact wrapped length.
    pub fn unwrap_key(&self, envelope: &Envelope, context: &Context) -> Result<SymmetricKey> {
        envelope.expect(Algorithm::A256Gcm, Some(KEY_LEN))?;
        let bytes = self.open(envelope, context)?;
        SymmetricKey::from_slice(&bytes)
    }
}

impl core::fmt::Debug for SymmetricKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("SymmetricKey(<redacted>)")
    }
}
