//! Sealing and opening one chunk: AES-256-GCM under the file key, the nonce carrying the chunk's
//! index and whether it is the last, the associated data binding the item, the file and the
//! header. Chunks are opened by index, so a reader can fetch them one at a time in any order and
//! still refuse any chunk that is not exactly the one sealed at that place of that file.

use aes_gcm::aead::{AeadInOut, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce, Tag};
use zeroize::Zeroizing;

use super::header::StreamHeader;
use crate::crypto::aead::{KEY_LEN, SymmetricKey};
use crate::crypto::context::{Context, LABEL_FILE_CHUNK};
use crate::crypto::envelope::TAG_LEN;
use crate::crypto::error::{CryptoError, Result};

/// A file's own random 256-bit key. It encrypts only that file's chunks and travels only
/// inside the sealed file list: under the item's DEK, or a share DEK for a shared copy.
#[derive(Debug, Clone)]
pub struct FileKey(SymmetricKey);

impl FileKey {
    /// A fresh random key.
    pub fn generate() -> Result<Self> {
        Ok(FileKey(SymmetricKey::generate()?))
    }

    /// A key from known bytes (fixtures and tests).
    pub fn from_bytes(bytes: [u8; KEY_LEN]) -> Self {
        FileKey(SymmetricKey::from_bytes(bytes))
    }

    /// The raw key, for a platform AES-GCM backend (WebCrypto) to import; never sent.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    pub(crate) fn expose(&self) -> &[u8; KEY_LEN] {
        self.0.expose()
    }

    /// The key as base64url, for the sealed file list only.
    pub(super) fn to_base64url(&self) -> Zeroizing<String> {
        self.0.to_base64url()
    }
}

/// Seals and opens the chunks of one file.
pub struct ChunkCipher {
    cipher: Aes256Gcm,
    header: StreamHeader,
    aad: Context,
}

impl ChunkCipher {
    /// The cipher for file `file_id` of item `item_id` under `key` and `header`.
    pub fn new(key: &FileKey, header: StreamHeader, item_id: &str, file_id: &str) -> Self {
        let aad = Context::new(
            LABEL_FILE_CHUNK,
            &[item_id.as_bytes(), file_id.as_bytes(), &header.to_bytes()],
        );
        ChunkCipher {
            cipher: Aes256Gcm::new(&(*key.0.expose()).into()),
            header,
            aad,
        }
    }

    /// The header.
    pub fn header(&self) -> &StreamHeader {
        &self.header
    }

    /// Refuses a plaintext that cannot be chunk `index`: every chunk but the last holds exactly
    /// the chunk size; the last holds at most that (and is empty only for an empty file, as
    /// chunk 0).
    pub fn check_plaintext(&self, index: u32, last: bool, len: usize) -> Result<()> {
        let size = self.header.chunk_size() as usize;
        let fits = if last {
            len <= size && (index == 0 || len > 0)
        } else {
            len == size
        };
        if fits {
            Ok(())
        } else {
            Err(CryptoError::WrongLength {
                what: "file chunk",
                expected: size,
                found: len,
            })
        }
    }

    /// Refuses a sealed chunk too short for its tag or too long for the chunk size.
    pub fn check_sealed(&self, len: usize) -> Result<()> {
        let max = self.header.chunk_size() as usize + TAG_LEN;
        if (TAG_LEN..=max).contains(&len) {
            Ok(())
        } else {
            Err(CryptoError::WrongLength {
                what: "sealed file chunk",
                expected: max,
                found: len,
            })
        }
    }

    /// The nonce of chunk `index`: prefix || u32be(index) || last flag.
    pub fn nonce(&self, index: u32, last: bool) -> [u8; 12] {
        self.header.nonce(index, last)
    }

    /// The associated data every chunk of this file is sealed with.
    pub fn associated_data(&self) -> &[u8] {
        self.aad.as_bytes()
    }

    /// Seals chunk `index` (see [`ChunkCipher::check_plaintext`] for the lengths it takes).
    pub fn seal(&self, index: u32, last: bool, plaintext: &[u8]) -> Result<Vec<u8>> {
        self.check_plaintext(index, last, plaintext.len())?;
        let mut buffer = Vec::with_capacity(plaintext.len() + TAG_LEN);
        buffer.extend_from_slice(plaintext);
        let tag = self
            .cipher
            .encrypt_inout_detached(
                &Nonce::from(self.nonce(index, last)),
                self.aad.as_bytes(),
                buffer.as_mut_slice().into(),
            )
            .map_err(|_| CryptoError::Integrity)?;
        buffer.extend_from_slice(&tag);
        Ok(buffer)
    }

    /// Opens chunk `index` (the last one if `last`). Anything but exactly the chunk sealed at
    /// that place of this file, under this key and header, is `Integrity`.
    pub fn open(&self, index: u32, last: bool, sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        self.check_sealed(sealed.len())?;
        let (body, tag) = sealed.split_at(sealed.len() - TAG_LEN);
        let tag = Tag::try_from(tag).map_err(|_| CryptoError::Integrity)?;
        let mut plain = Zeroizing::new(body.to_vec());
        self.cipher
            .decrypt_inout_detached(
                &Nonce::from(self.nonce(index, last)),
                self.aad.as_bytes(),
                plain.as_mut_slice().into(),
                &tag,
            )
            .map_err(|_| CryptoError::Integrity)?;
        Ok(plain)
    }

    /// Opens a whole stream given in order: the final element is taken as the last chunk.
    /// For small files and tests; large files are read chunk by chunk with [`ChunkCipher::open`].
    pub fn open_all<C: AsRef<[u8]>>(&self, chunks: &[C]) -> Result<Zeroizing<Vec<u8>>> {
        let mut out = Zeroizing::new(Vec::new());
        let count = chunks.len();
        if count == 0 {
            return Err(CryptoError::Integrity);
        }
        for (i, chunk) in chunks.iter().enumerate() {
            let index = u32::try_from(i).map_err(|_| CryptoError::Integrity)?;
            out.extend_from_slice(&self.open(index, i + 1 == count, chunk.as_ref())?);
        }
        Ok(out)
    }

    /// Seals a whole buffer as a stream (small files and tests).
    pub fn seal_all(&self, plaintext: &[u8]) -> Result<Vec<Vec<u8>>> {
        let size = self.header.chunk_size() as usize;
        // An empty file is one empty, final chunk.
        let pieces: Vec<&[u8]> = if plaintext.is_empty() {
            vec![&[]]
        } else {
            plaintext.chunks(size).collect()
        };
        let count = pieces.len();
        let mut out = Vec::with_capacity(count);
        for (i, piece) in pieces.into_iter().enumerate() {
            let index = u32::try_from(i).map_err(|_| CryptoError::Malformed("file too large"))?;
            out.push(self.seal(index, i + 1 == count, piece)?);
        }
        Ok(out)
    }
}
