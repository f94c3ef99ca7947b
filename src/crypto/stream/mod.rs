//! Attached files: a streaming AEAD in chunks (the STREAM construction of Hoang, Reyhanitabar,
//! Rogaway and Vizár, as in age and Tink), so that a file far larger than memory is encrypted,
//! uploaded, downloaded and decrypted one chunk at a time.
//!
//! - Each file has its own random key ([`FileKey`]), sealed in the item's file list under the
//!   item's DEK (or a share DEK in a shared copy), so sharing a large file seals 32 bytes, not
//!   the file.
//! - Chunk `i` is AES-256-GCM with nonce `prefix (7 B) || u32be(i) || last flag (1 B)` and
//!   associated data `covault/v2/file-chunk || item id || file id || header`. Reordering,
//!   dropping, duplicating or truncating chunks, or taking one from another file, is `Integrity`.
//! - The [`StreamHeader`] is versioned; the owner seals each file's header, size and key in the
//!   item's file list ([`FileEntry`]), so the Vault cannot change what files an item has.

mod cipher;
mod entry;
mod header;

pub use cipher::{ChunkCipher, FileKey};
pub use entry::{FILES_SLOT, FileEntry, decode_list, encode_list};
pub use header::{
    DEFAULT_CHUNK_SIZE, HEADER_LEN, MAX_CHUNK_SIZE, MIN_CHUNK_SIZE, NONCE_PREFIX_LEN,
    STREAM_VERSION, StreamHeader,
};

#[cfg(test)]
mod tests;
