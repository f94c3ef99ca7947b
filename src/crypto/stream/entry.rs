//! The sealed list of an item's files: what the owner vouches for, so that a Vault cannot add,
//! drop, swap or resize a file unnoticed.
//!
//! The list travels as the value of the item's reserved slot [`FILES_SLOT`], so the item's
//! record seals it like any slot: encrypted under the item's DEK, bound to the item, the write's
//! version and the slot name, and named in the sealed manifest. That is how each file key is
//! wrapped under the item's DEK: it moves with the item if the item moves to another DEK, and a
//! shared copy of the item carries the list re-sealed under the share DEK (32 bytes per file,
//! never the file). Each entry names the file, the item its chunks are bound to, its size, its
//! stream header and its key; the chunk count follows from the size and the chunk size.
//! Encoding: tag 1, a count, then per entry the id, item id, name, media type, size, header
//! (text) and key (base64url), with the codec's strict reader; the bytes are base64url so that
//! the slot stays text.

use zeroize::Zeroizing;

use super::cipher::FileKey;
use super::header::StreamHeader;
use crate::crypto::codec::{Reader, Writer};
use crate::crypto::encoding::{from_base64url, from_base64url_array, to_base64url};
use crate::crypto::error::{CryptoError, Result};

/// The reserved slot name under which an item keeps its sealed file list. Applications cannot
/// write a slot of this name through the client.
pub const FILES_SLOT: &str = "covault:files";

const LIST_TAG: u8 = 1;

/// One attached file, as its owner sealed it.
#[derive(Debug, Clone)]
pub struct FileEntry {
    /// The file's id (a UUID the client made), also its id on the Vault.
    pub id: String,
    /// The item the chunks are bound to (the owner's item, also in a shared copy).
    pub item_id: String,
    /// The file name the user attached (shown, not used as a path).
    pub name: String,
    /// Media type, for the browser's Blob (may be empty).
    pub media_type: String,
    /// Plaintext size in bytes.
    pub size: u64,
    /// The stream header (chunk size, nonce prefix).
    pub header: StreamHeader,
    /// The file key.
    pub key: FileKey,
}

impl FileEntry {
    /// How many chunks the file has (checked when the entry is decoded, so it is always some).
    pub fn chunk_count(&self) -> u32 {
        self.header.chunk_count(self.size).unwrap_or(0)
    }
}

/// Encodes a file list as the reserved slot's value.
pub fn encode_list(entries: &[FileEntry]) -> String {
    let mut w = Writer::new(LIST_TAG);
    w.count(entries.len());
    for e in entries {
        w.str(&e.id)
            .str(&e.item_id)
            .str(&e.name)
            .str(&e.media_type)
            .u64(e.size)
            .str(&e.header.to_text())
            .str(&e.key.to_base64url());
    }
    to_base64url(&Zeroizing::new(w.finish()))
}

/// Decodes the reserved slot's value strictly: `Malformed` for anything but exactly one
/// encoding, a file past 2^32 chunks, or one id listed twice.
pub fn decode_list(text: &str) -> Result<Vec<FileEntry>> {
    let bytes = Zeroizing::new(from_base64url(text, "file list")?);
    let mut r = Reader::new(&bytes, LIST_TAG)?;
    // Each entry takes at least 6 length prefixes, a u64 and two non-empty strings.
    let n = r.count(6 * 4 + 8 + 2)?;
    let mut entries: Vec<FileEntry> = Vec::with_capacity(n);
    for _ in 0..n {
        let (id, item_id) = (r.str()?, r.str()?);
        let (name, media_type, size) = (r.str()?, r.str()?, r.u64()?);
        let header = StreamHeader::parse(&r.str()?)?;
        let key_text = Zeroizing::new(r.str()?);
        let key = FileKey::from_bytes(*Zeroizing::new(from_base64url_array::<32>(
            &key_text, "file key",
        )?));
        if header.chunk_count(size).is_none() {
            return Err(CryptoError::Malformed("file too large"));
        }
        if entries.iter().any(|e| e.id == id) {
            return Err(CryptoError::Malformed("file listed twice"));
        }
        entries.push(FileEntry {
            id,
            item_id,
            name,
            media_type,
            size,
            header,
            key,
        });
    }
    r.finish()?;
    Ok(entries)
}
