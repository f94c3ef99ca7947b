//! The sealed list of an item's files: what the owner vouches for, so that a Vault cannot add,
//! drop, swap or resize a file unnoticed.
//!
//! The list travels as the value of the item's reserved slot [`FILES_SLOT`], so the item's
//! record seals it like any slot (bound to the item, the write's version and the slot name, and
//! named in the sealed manifest). Each entry names the file, its size, its stream header and its
//! key wrapped under the item's DEK; the chunk count follows from the size and the chunk size.
//! Encoding: tag 1, a count, then per entry the id, name, media type, size, header (text) and
//! wrapped key (envelope text), with the codec's strict reader; the bytes are base64url so that
//! the slot stays text.

use super::header::StreamHeader;
use crate::crypto::codec::{Reader, Writer};
use crate::crypto::encoding::{from_base64url, to_base64url};
use crate::crypto::envelope::Envelope;
use crate::crypto::error::{CryptoError, Result};

/// The reserved slot name under which an item keeps its sealed file list. Applications cannot
/// write a slot of this name through the client.
pub const FILES_SLOT: &str = "covault:files";

const LIST_TAG: u8 = 1;

/// One attached file, as its owner sealed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEntry {
    /// The file's id (a UUID the client made), also its id on the Vault.
    pub id: String,
    /// The file name the user attached (shown, not used as a path).
    pub name: String,
    /// Media type, for the browser's Blob (may be empty).
    pub media_type: String,
    /// Plaintext size in bytes.
    pub size: u64,
    /// The stream header (chunk size, nonce prefix).
    pub header: StreamHeader,
    /// The file key, wrapped under the item's DEK (see `FileKey::wrap`).
    pub wrapped_key: Envelope,
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
            .str(&e.name)
            .str(&e.media_type)
            .u64(e.size)
            .str(&e.header.to_text())
            .str(&e.wrapped_key.to_string());
    }
    to_base64url(&w.finish())
}

/// Decodes the reserved slot's value strictly: `Malformed` for anything but exactly one
/// encoding, a file past 2^32 chunks, or one id listed twice.
pub fn decode_list(text: &str) -> Result<Vec<FileEntry>> {
    let bytes = from_base64url(text, "file list")?;
    let mut r = Reader::new(&bytes, LIST_TAG)?;
    // Each entry takes at least 4 length prefixes, a u64 and two non-empty strings.
    let n = r.count(4 * 4 + 8 + 2)?;
    let mut entries: Vec<FileEntry> = Vec::with_capacity(n);
    for _ in 0..n {
        let (id, name, media_type, size) = (r.str()?, r.str()?, r.str()?, r.u64()?);
        let header = StreamHeader::parse(&r.str()?)?;
        let wrapped_key = Envelope::parse(&r.str()?)?;
        if header.chunk_count(size).is_none() {
            return Err(CryptoError::Malformed("file too large"));
        }
        if entries.iter().any(|e| e.id == id) {
            return Err(CryptoError::Malformed("file listed twice"));
        }
        entries.push(FileEntry {
            id,
            name,
            media_type,
            size,
            header,
            wrapped_key,
        });
    }
    r.finish()?;
    Ok(entries)
}
