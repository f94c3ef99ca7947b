//! The stream header: what a reader must know before the first chunk, versioned.
//!
//! `version (1 byte) || chunk size (u32 BE) || nonce prefix (7 bytes)`, 12 bytes, written as
//! unpadded base64url (16 characters). The header is bound into every chunk's associated data,
//! so a chunk only opens under the header it was sealed with.

use crate::crypto::encoding::{from_base64url_array, to_base64url};
use crate::crypto::error::{CryptoError, Result};
use crate::crypto::random::random_array;

/// The stream format this build writes (and the only one it reads).
pub const STREAM_VERSION: u8 = 1;
/// Length of the random nonce prefix: 12-byte nonce = prefix (7) || counter (4) || last flag (1).
pub const NONCE_PREFIX_LEN: usize = 7;
/// Length of the encoded header.
pub const HEADER_LEN: usize = 1 + 4 + NONCE_PREFIX_LEN;
/// The chunk size new files use: 1 MiB (measured; see docs/benchmarks.md, "File chunks").
pub const DEFAULT_CHUNK_SIZE: u32 = 1 << 20;
/// Smallest chunk size a header may name (a smaller one only multiplies requests).
pub const MIN_CHUNK_SIZE: u32 = 1 << 10;
/// Largest chunk size a header may name: a chunk is one request body and one buffer in memory,
/// so a hostile header must not make a reader allocate more.
pub const MAX_CHUNK_SIZE: u32 = 4 << 20;

/// A parsed stream header. Constructing one checks the version and the chunk size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreamHeader {
    chunk_size: u32,
    nonce_prefix: [u8; NONCE_PREFIX_LEN],
}

impl StreamHeader {
    /// A header for a new file: the given chunk size and a fresh random nonce prefix.
    pub fn generate(chunk_size: u32) -> Result<Self> {
        Self::new(chunk_size, random_array()?)
    }

    /// A header from known parts (fixtures, tests), checking the chunk size.
    pub fn new(chunk_size: u32, nonce_prefix: [u8; NONCE_PREFIX_LEN]) -> Result<Self> {
        if !(MIN_CHUNK_SIZE..=MAX_CHUNK_SIZE).contains(&chunk_size) {
            return Err(CryptoError::Malformed("stream chunk size out of range"));
        }
        Ok(StreamHeader {
            chunk_size,
            nonce_prefix,
        })
    }

    /// The plaintext size of every chunk but the last.
    pub fn chunk_size(&self) -> u32 {
        self.chunk_size
    }

    /// The encoded bytes.
    pub fn to_bytes(&self) -> [u8; HEADER_LEN] {
        let mut out = [0u8; HEADER_LEN];
        out[0] = STREAM_VERSION;
        out[1..5].copy_from_slice(&self.chunk_size.to_be_bytes());
        out[5..].copy_from_slice(&self.nonce_prefix);
        out
    }

    /// Parses encoded bytes strictly.
    pub fn from_bytes(bytes: &[u8; HEADER_LEN]) -> Result<Self> {
        if bytes[0] != STREAM_VERSION {
            return Err(CryptoError::UnknownVersion(format!("stream {}", bytes[0])));
        }
        let mut size = [0u8; 4];
        size.copy_from_slice(&bytes[1..5]);
        let mut prefix = [0u8; NONCE_PREFIX_LEN];
        prefix.copy_from_slice(&bytes[5..]);
        Self::new(u32::from_be_bytes(size), prefix)
    }

    /// The text form (unpadded base64url).
    pub fn to_text(&self) -> String {
        to_base64url(&self.to_bytes())
    }

    /// Parses the text form strictly.
    pub fn parse(text: &str) -> Result<Self> {
        Self::from_bytes(&from_base64url_array::<HEADER_LEN>(text, "stream header")?)
    }

    /// The nonce of chunk `index`: prefix || u32be(index) || last flag.
    pub(super) fn nonce(&self, index: u32, last: bool) -> [u8; 12] {
        let mut nonce = [0u8; 12];
        nonce[..NONCE_PREFIX_LEN].copy_from_slice(&self.nonce_prefix);
        nonce[NONCE_PREFIX_LEN..11].copy_from_slice(&index.to_be_bytes());
        nonce[11] = u8::from(last);
        nonce
    }

    /// How many chunks a file of `size` bytes has: at least one (an empty file is one empty,
    /// final chunk, so that even it cannot be truncated unnoticed). `None` past 2^32 chunks.
    pub fn chunk_count(&self, size: u64) -> Option<u32> {
        let n = size.div_ceil(u64::from(self.chunk_size)).max(1);
        u32::try_from(n).ok()
    }

    /// The plaintext length of chunk `index` of a file of `size` bytes (`None` if out of range).
    pub fn chunk_len(&self, size: u64, index: u32) -> Option<usize> {
        let count = self.chunk_count(size)?;
        if index >= count {
            return None;
        }
        let start = u64::from(index) * u64::from(self.chunk_size);
        let len = (size - start).min(u64::from(self.chunk_size));
        usize::try_from(len).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_refuses_other_versions_and_sizes() {
        let header = StreamHeader::new(DEFAULT_CHUNK_SIZE, [9; 7]).expect("valid");
        assert_eq!(StreamHeader::parse(&header.to_text()), Ok(header));
        let mut bytes = header.to_bytes();
        bytes[0] = 2;
        assert_eq!(
            StreamHeader::from_bytes(&bytes).map_err(|e| e.code()),
            Err("EnvelopeVersion")
        );
        for size in [0, MIN_CHUNK_SIZE - 1, MAX_CHUNK_SIZE + 1, u32::MAX] {
            let mut bytes = header.to_bytes();
            bytes[1..5].copy_from_slice(&size.to_be_bytes());
            assert!(StreamHeader::from_bytes(&bytes).is_err(), "{size}");
        }
        assert_eq!(
            StreamHeader::parse("AAAA").map_err(|e| e.code()),
            Err("WrongLength")
        );
    }

    #[test]
    fn counts_chunks_with_one_for_an_empty_file() {
        let h = StreamHeader::new(1024, [0; 7]).expect("valid");
        assert_eq!(h.chunk_count(0), Some(1));
        assert_eq!(h.chunk_count(1024), Some(1));
        assert_eq!(h.chunk_count(1025), Some(2));
        assert_eq!(h.chunk_len(1025, 1), Some(1));
        assert_eq!(h.chunk_len(0, 0), Some(0));
        assert_eq!(h.chunk_len(1025, 2), None);
        assert_eq!(h.chunk_count(u64::MAX), None);
    }
}
