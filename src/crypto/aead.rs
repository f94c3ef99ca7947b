//! AES-256-GCM under a 256-bit key with a random 96-bit nonce, producing envelopes.
//!
//! Random nonces are safe here because every key encrypts far fewer than 2^32 messages
//! (NIST SP 800-38D §8.3): a DEK protects one user's items, a share DEK one shared copy.

use core::ops::Range;

use aes_gcm::aead::KeyInit;
use aes_gcm::{AeadInOut, Aes256Gcm, Nonce, Tag};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use super::context::Context;
use super::encoding::{decode_base64url_in_place, push_base64url};
use super::envelope::{self, Algorithm, Envelope, TAG_LEN, VERSION};
use super::error::{CryptoError, Result};
use super::random::{random_nonce, random_secret};

/// Length of every symmetric key in covault.
pub const KEY_LEN: usize = 32;

/// A 256-bit AES key that zeroizes on drop and never prints its bytes.
///
/// It keeps its expanded AES key schedule and GHASH key next to the bytes: expanding them
/// costs more than sealing 100 bytes, so it is done once per key, not once per call. Both are
/// wiped on drop (aes-gcm's `zeroize` feature).
#[derive(Clone)]
pub struct SymmetricKey {
    bytes: [u8; KEY_LEN],
    cipher: Aes256Gcm,
}

impl Drop for SymmetricKey {
    fn drop(&mut self) {
        self.bytes.zeroize();
    }
}

impl ZeroizeOnDrop for SymmetricKey {}

impl SymmetricKey {
    /// A fresh random key.
    pub fn generate() -> Result<Self> {
        Ok(Self::from_bytes(*random_secret::<KEY_LEN>()?))
    }

    /// Takes ownership of key bytes (which the caller should zeroize).
    pub fn from_bytes(bytes: [u8; KEY_LEN]) -> Self {
        SymmetricKey {
            cipher: Aes256Gcm::new(&bytes.into()),
            bytes,
        }
    }

    /// Builds a key from a decrypted buffer of exactly [`KEY_LEN`] bytes.
    pub fn from_slice(bytes: &[u8]) -> Result<Self> {
        let array: [u8; KEY_LEN] = bytes.try_into().map_err(|_| CryptoError::WrongLength {
            what: "key",
            expected: KEY_LEN,
            found: bytes.len(),
        })?;
        let key = Self::from_bytes(array);
        let mut array = array;
        array.zeroize();
        Ok(key)
    }

    /// The key as base64url, for a native client's credential file (never for JS, never sent).
    pub fn to_base64url(&self) -> zeroize::Zeroizing<String> {
        zeroize::Zeroizing::new(super::encoding::to_base64url(&self.bytes))
    }

    /// Reads a key from its base64url form.
    pub fn from_base64url(text: &str) -> Result<Self> {
        let bytes = Zeroizing::new(super::encoding::from_base64url(text, "key")?);
        Self::from_slice(&bytes)
    }

    /// The raw bytes, for wrapping only.
    pub(crate) fn expose(&self) -> &[u8; KEY_LEN] {
        &self.bytes
    }

    /// Encrypts `plaintext` bound to `context`.
    pub fn seal(&self, plaintext: &[u8], context: &Context) -> Result<Envelope> {
        let mut buffer = Vec::with_capacity(plaintext.len() + TAG_LEN);
        buffer.extend_from_slice(plaintext);
        let (nonce, ciphertext) = self.seal_in_place(buffer, context)?;
        Envelope::new(Algorithm::A256Gcm, nonce.to_vec(), ciphertext)
    }

    /// Encrypts `buffer` in place under a fresh nonce and appends the tag: the nonce, and the
    /// ciphertext with its tag, in the same buffer.
    fn seal_in_place(&self, mut buffer: Vec<u8>, context: &Context) -> Result<([u8; 12], Vec<u8>)> {
        let nonce = random_nonce()?;
        let tag = self
            .cipher
            .encrypt_inout_detached(
                &Nonce::from(nonce),
                context.as_bytes(),
                buffer.as_mut_slice().into(),
            )
            .map_err(|_| CryptoError::Integrity)?;
        buffer.extend_from_slice(&tag);
        Ok((nonce, buffer))
    }

    /// Decrypts an envelope made by [`SymmetricKey::seal`] under the same context.
    pub fn open(&self, envelope: &Envelope, context: &Context) -> Result<Zeroizing<Vec<u8>>> {
        envelope.expect(Algorithm::A256Gcm, None)?;
        let nonce: [u8; 12] = envelope
            .header()
            .try_into()
            .map_err(|_| CryptoError::Malformed("nonce length"))?;
        let sealed = envelope.ciphertext();
        let (body, tag) = sealed.split_at(sealed.len().saturating_sub(TAG_LEN));
        let tag = Tag::try_from(tag).map_err(|_| CryptoError::Malformed("tag length"))?;
        let mut plain = Zeroizing::new(body.to_vec());
        self.cipher
            .decrypt_inout_detached(
                &Nonce::from(nonce),
                context.as_bytes(),
                plain.as_mut_slice().into(),
                &tag,
            )
            .map_err(|_| CryptoError::Integrity)?;
        Ok(plain)
    }

    /// [`SymmetricKey::seal`] straight to the envelope's text: the plaintext buffer is
    /// encrypted in place (so no copy of the plaintext is left behind in it) and encoded into
    /// one string of the exact length. The same text `seal(..).to_string()` gives.
    pub fn seal_to_text(&self, plaintext: Vec<u8>, context: &Context) -> Result<String> {
        let (nonce, ciphertext) = self.seal_in_place(plaintext, context)?;
        let algorithm = Algorithm::A256Gcm;
        let mut out =
            String::with_capacity(envelope::text_len(algorithm, nonce.len(), ciphertext.len()));
        out.push_str(VERSION);
        out.push('.');
        out.push_str(algorithm.name());
        out.push('.');
        push_base64url(&mut out, &nonce);
        out.push('.');
        push_base64url(&mut out, &ciphertext);
        Ok(out)
    }

    /// [`Envelope::parse`] then [`SymmetricKey::open`] on envelope text in a buffer the caller
    /// owns, with the same checks in the same order and the same errors, but decoding the
    /// ciphertext and decrypting it in place: no second or third copy of a large value. Returns
    /// where in `text` the plaintext now is; the caller must wipe it when done.
    pub fn open_text_in_place(&self, text: &mut [u8], context: &Context) -> Result<Range<usize>> {
        let fields = envelope::split(text)?;
        let algorithm = fields.algorithm;
        let malformed = || CryptoError::Malformed("field bounds");
        let mut header = text.get(fields.header).ok_or_else(malformed)?.to_vec();
        let header_len = decode_base64url_in_place(&mut header, algorithm.header_name())?;
        let start = fields.ciphertext.start;
        let field = text.get_mut(fields.ciphertext).ok_or_else(malformed)?;
        let len = decode_base64url_in_place(field, "ciphertext")?;
        envelope::check_lengths(algorithm, header_len, len)?;
        envelope::check_algorithm(algorithm, Algorithm::A256Gcm)?;
        let nonce: [u8; 12] = header
            .get(..header_len)
            .and_then(|h| h.try_into().ok())
            .ok_or(CryptoError::Malformed("nonce length"))?;
        let sealed = text.get_mut(start..start + len).ok_or_else(malformed)?;
        let (body, tag) = sealed.split_at_mut(len.saturating_sub(TAG_LEN));
        let tag = Tag::try_from(&*tag).map_err(|_| CryptoError::Malformed("tag length"))?;
        self.cipher
            .decrypt_inout_detached(&Nonce::from(nonce), context.as_bytes(), body.into(), &tag)
            .map_err(|_| CryptoError::Integrity)?;
        Ok(start..start + len - TAG_LEN)
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
