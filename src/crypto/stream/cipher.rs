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

    /// Seals chunk `index`. Every chunk but the last holds exactly the chunk size; the last
    /// holds at most that (and is empty only for an empty file, as chunk 0).
    pub fn seal(&self, index: u32, last: bool, plaintext: &[u8]) -> Result<Vec<u8>> {
        let size = self.header.chunk_size() as usize;
        let fits = if last {
            plaintext.len() <= size && (index == 0 || !plaintext.is_empty())
        } else {
            plaintext.len() == size
        };
        if !fits {
            return Err(CryptoError::WrongLength {
                what: "file chunk",
                expected: size,
                found: plaintext.len(),
            });
        }
        let mut buffer = Vec::with_capacity(plaintext.len() + TAG_LEN);
        buffer.extend_from_slice(plaintext);
        let tag = self
            .cipher
            .encrypt_inout_detached(
                &Nonce::from(self.header.nonce(index, last)),
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
        let max = self.header.chunk_size() as usize + TAG_LEN;
        if sealed.len() < TAG_LEN || sealed.len() > max {
            return Err(CryptoError::WrongLength {
                what: "sealed file chunk",
                expected: max,
                found: sealed.len(),
            });
        }
        let (body, tag) = sealed.split_at(sealed.len() - TAG_LEN);
        let tag = Tag::try_from(tag).map_err(|_| CryptoError::Integrity)?;
        let mut plain = Zeroizing::new(body.to_vec());
        self.cipher
            .decrypt_inout_detached(
                &Nonce::from(self.header.nonce(index, last)),
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
