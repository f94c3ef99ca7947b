//! Reading an attached file back: each chunk fetched, opened at its place of the file and
//! checked against the size its owner sealed, one at a time. (Fetching the next chunk while
//! this one is opened was tried and measured: no faster in Chromium, slower natively; see
//! docs/benchmarks.md.)

use zeroize::Zeroizing;

use super::files::AttachedFile;
use crate::client::api::Api;
use crate::client::bulk::BulkCipher;
use crate::client::error::ClientError;
use crate::client::transport::Transport;
use crate::crypto::stream::FileEntry;

/// Reads one attached file back, chunk by chunk, checking each against the sealed entry.
pub struct FileReader<T: Transport + Clone> {
    api: Api<T>,
    entry: FileEntry,
    cipher: BulkCipher,
    /// Read through this share (the recipient's, or the sender's, view), else as the owner.
    share_id: Option<String>,
    /// The chunk `next_chunk` gives next.
    next: u32,
}

impl<T: Transport + Clone> FileReader<T> {
    pub(super) async fn new(api: Api<T>, entry: FileEntry, share_id: Option<&str>) -> Self {
        let cipher = BulkCipher::new(&entry.key, entry.header, &entry.item_id, &entry.id).await;
        FileReader {
            api,
            entry,
            cipher,
            share_id: share_id.map(str::to_owned),
            next: 0,
        }
    }

    /// The file, as its owner sealed it.
    pub fn file(&self) -> AttachedFile {
        AttachedFile::from(&self.entry)
    }

    /// Chunk `index`, decrypted: exactly the bytes sealed at that place of this file, or
    /// `Integrity`.
    pub async fn chunk(&self, index: u32) -> Result<Zeroizing<Vec<u8>>, ClientError> {
        let count = self.entry.chunk_count();
        let expected = self
            .entry
            .header
            .chunk_len(self.entry.size, index)
            .ok_or_else(|| ClientError::InvalidInput(format!("the file has {count} chunks")))?;
        let served = match &self.share_id {
            Some(share) => self.api.shared_chunk(share, &self.entry.id, index).await?,
            None => self.api.chunk(&self.entry.id, index).await?,
        };
        let plain = self.cipher.open(index, index + 1 == count, &served).await?;
        if plain.len() != expected {
            return Err(ClientError::Integrity(format!(
                "chunk {index} holds {} bytes where the sealed size says {expected}",
                plain.len()
            )));
        }
        Ok(plain)
    }

    /// The next chunk in order, checked as [`chunk`](Self::chunk) checks it, or `None` after
    /// the last. After an error there is no next.
    pub async fn next_chunk(&mut self) -> Option<Result<Zeroizing<Vec<u8>>, ClientError>> {
        let count = self.entry.chunk_count();
        let index = self.next;
        if index >= count {
            return None;
        }
        let read = self.chunk(index).await;
        self.next = if read.is_ok() { index + 1 } else { count };
        Some(read)
    }

    /// Whether `next_chunk` has given every chunk, or failed.
    pub fn is_done(&self) -> bool {
        self.next >= self.entry.chunk_count()
    }
}
