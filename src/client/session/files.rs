//! Attached files: encrypted and uploaded chunk by chunk, listed and read back from what the
//! owner sealed, never from the Vault's word.
//!
//! Which files an item has (id, name, size, stream header and key) is the item's sealed file
//! list, in its reserved slot `covault:files` (see `crypto::stream`), written as the item's next
//! version once the upload is finished. So the Vault cannot add, drop or swap a file (the item's
//! record would not open), nor serve an older list to a device that has seen a newer one
//! (`Rollback`); every chunk it serves must open at its place of that file (`Integrity`).

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::Session;
use super::file_reader::FileReader;
use crate::client::bulk::BulkCipher;
use crate::client::error::ClientError;
use crate::client::models::PlainItem;
use crate::client::transport::Transport;

use crate::crypto::new_id;
use crate::crypto::stream::{
    DEFAULT_CHUNK_SIZE, FILES_SLOT, FileEntry, FileKey, StreamHeader, decode_list, encode_list,
};

/// How many times one chunk's upload is retried after the connection failed, each time after
/// asking the Vault how many chunks it holds (so an upload resumes, never restarts).
const UPLOAD_RETRIES: u32 = 5;

/// An attached file, as its owner sealed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AttachedFile {
    /// The id.
    pub id: String,
    /// The file name given when it was attached.
    pub name: String,
    /// Media type (may be empty).
    pub media_type: String,
    /// Size in bytes.
    pub size: u64,
    /// How many chunks it is read in.
    pub chunk_count: u32,
}

impl From<&FileEntry> for AttachedFile {
    fn from(e: &FileEntry) -> Self {
        AttachedFile {
            id: e.id.clone(),
            name: e.name.clone(),
            media_type: e.media_type.clone(),
            size: e.size,
            chunk_count: e.chunk_count(),
        }
    }
}

/// Where an attached file's bytes come from: read in slices, so that a file never has to fit
/// in memory (a `File` natively, a `Blob` in the browser).
#[allow(async_fn_in_trait)]
pub trait FileSource {
    /// `len` bytes from `offset` (fewer only at the end of the file).
    async fn read(&mut self, offset: u64, len: usize) -> Result<Vec<u8>, ClientError>;
}

pub(super) fn files_of(item: &PlainItem) -> Result<Vec<FileEntry>, ClientError> {
    match item.slots.get(FILES_SLOT) {
        Some(text) => Ok(decode_list(text)?),
        None => Ok(Vec::new()),
    }
}

/// The entry for `file_id` in an item's sealed list; `NotFound`, naming `holder`, if it has none.
pub(super) fn file_in(
    item: &PlainItem,
    file_id: &str,
    holder: &str,
) -> Result<FileEntry, ClientError> {
    files_of(item)?
        .into_iter()
        .find(|e| e.id == file_id)
        .ok_or_else(|| ClientError::NotFound(format!("{holder} has no file {file_id}")))
}

fn with_files(mut item: PlainItem, files: &[FileEntry]) -> PlainItem {
    if files.is_empty() {
        item.slots.remove(FILES_SLOT);
    } else {
        item.slots.insert(FILES_SLOT.to_owned(), encode_list(files));
    }
    item
}

/// Both futures' outputs. In the browser they run at once: WebCrypto and `fetch` work off the
/// page's thread, and attaching gained about 1.3× (docs/benchmarks.md). Natively one after the
/// other: sealing is CPU work on the caller's thread, and overlapping measured slower.
async fn both<A, B>(a: impl Future<Output = A>, b: impl Future<Output = B>) -> (A, B) {
    #[cfg(target_arch = "wasm32")]
    {
        futures_util::future::join(a, b).await
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let a = a.await;
        (a, b.await)
    }
}

/// Chunk `index` of the file read from `source` and sealed at its place.
async fn read_sealed(
    entry: &FileEntry,
    count: u32,
    cipher: &BulkCipher,
    source: &mut impl FileSource,
    index: u32,
) -> Result<Vec<u8>, ClientError> {
    let len = entry.header.chunk_len(entry.size, index).unwrap_or(0);
    let offset = u64::from(index) * u64::from(entry.header.chunk_size());
    let plain = Zeroizing::new(source.read(offset, len).await?);
    if plain.len() != len {
        return Err(ClientError::InvalidInput(format!(
            "the file changed while it was read: {} bytes at offset {offset}, expected {len}",
            plain.len()
        )));
    }
    Ok(cipher.seal(index, index + 1 == count, &plain).await?)
}

impl<T: Transport + Clone> Session<T> {
    /// Attaches a file of `size` bytes to one of the user's items: a fresh key and header,
    /// each chunk sealed and uploaded in order (a dropped connection resumes at the first chunk
    /// the Vault lacks), the upload finished, then the item written as its next version with
    /// the file in its sealed list. `progress(bytes_done, size)` after each chunk.
    pub async fn attach_file(
        &self,
        item_id: &str,
        name: &str,
        media_type: &str,
        size: u64,
        source: &mut impl FileSource,
        progress: &dyn Fn(u64, u64),
    ) -> Result<AttachedFile, ClientError> {
        // Read (and check) the item first: no upload for an item that will not open.
        files_of(&self.get_item(item_id).await?)?;
        let header = StreamHeader::generate(DEFAULT_CHUNK_SIZE)?;
        let count = header
            .chunk_count(size)
            .ok_or_else(|| ClientError::InvalidInput("the file is too large".into()))?;
        let entry = FileEntry {
            id: new_id()?,
            item_id: item_id.to_owned(),
            name: name.to_owned(),
            media_type: media_type.to_owned(),
            size,
            header,
            key: FileKey::generate()?,
        };
        self.api.create_file(item_id, &entry.id).await?;
        let uploaded = self.upload(&entry, count, source, progress).await;
        let listed = match uploaded {
            Ok(()) => self.add_to_list(item_id, &entry).await,
            Err(e) => Err(e),
        };
        if let Err(e) = listed {
            // Nothing names the file, so its chunks would only take up quota: delete them (best
            // effort), unless the item's update may have been stored with its answer lost.
            let unsure = matches!(e, ClientError::Network(_) | ClientError::Server(_));
            if !unsure {
                let _ = self.api.delete_file(&entry.id).await;
            }
            return Err(e);
        }
        Ok(AttachedFile::from(&entry))
    }

    /// Reads, seals and stores each chunk in order; in the browser chunk `i + 1` is read and
    /// sealed while chunk `i` is on its way to the Vault (two chunks held at most).
    async fn upload(
        &self,
        entry: &FileEntry,
        count: u32,
        source: &mut impl FileSource,
        progress: &dyn Fn(u64, u64),
    ) -> Result<(), ClientError> {
        let cipher = BulkCipher::new(&entry.key, entry.header, &entry.item_id, &entry.id).await;
        let mut done = 0u64;
        let mut sealed = read_sealed(entry, count, &cipher, source, 0).await?;
        for index in 0..count {
            let following = async {
                if index + 1 < count {
                    Some(read_sealed(entry, count, &cipher, source, index + 1).await)
                } else {
                    None
                }
            };
            let (stored, following) =
                both(self.put_resuming(&entry.id, index, &sealed), following).await;
            stored?;
            done += entry.header.chunk_len(entry.size, index).unwrap_or(0) as u64;
            progress(done, entry.size);
            if let Some(next) = following {
                sealed = next?;
            }
        }
        self.api.finish_file(&entry.id, count).await?;
        Ok(())
    }

    /// Stores one chunk, retrying after a failed connection from where the Vault stands. The
    /// same sealed bytes are sent again, never a chunk sealed anew, so no nonce is ever used
    /// for two different ciphertexts.
    async fn put_resuming(&self, id: &str, index: u32, sealed: &[u8]) -> Result<(), ClientError> {
        let mut tries = 0;
        loop {
            let error = match self.api.put_chunk(id, index, sealed.to_vec()).await {
                Ok(_) => return Ok(()),
                Err(e @ (ClientError::Network(_) | ClientError::Server(_))) => e,
                Err(e) => return Err(e),
            };
            tries += 1;
            if tries > UPLOAD_RETRIES {
                return Err(error);
            }
            self.api.transport().yield_now().await;
            match self.api.file(id).await {
                Ok(info) if info.stored_chunks > index => return Ok(()),
                Ok(info) if info.stored_chunks == index => {}
                Ok(info) => {
                    return Err(ClientError::Protocol(format!(
                        "the Vault holds {} chunks of a file it had stored {index} of",
                        info.stored_chunks
                    )));
                }
                Err(ClientError::Network(_) | ClientError::Server(_)) => {}
                Err(e) => return Err(e),
            }
        }
    }

    /// Adds the file to the item's sealed list as the item's next version (read again and
    /// retried once if another write got there first).
    async fn add_to_list(&self, item_id: &str, entry: &FileEntry) -> Result<(), ClientError> {
        let mut tries = 0;
        loop {
            let item = self.get_item(item_id).await?;
            let mut files = files_of(&item)?;
            files.push(entry.clone());
            match self.update_item(&with_files(item, &files)).await {
                Err(ClientError::Conflict(_)) if tries == 0 => tries += 1,
                other => return other.map(|_| ()),
            }
        }
    }

    /// The files attached to an item, from its sealed list.
    pub async fn list_files(&self, item_id: &str) -> Result<Vec<AttachedFile>, ClientError> {
        let item = self.get_item(item_id).await?;
        Ok(files_of(&item)?.iter().map(AttachedFile::from).collect())
    }

    /// A reader for one attached file (`NotFound` if the item's sealed list does not name it).
    pub async fn open_file(
        &self,
        item_id: &str,
        file_id: &str,
    ) -> Result<FileReader<T>, ClientError> {
        let item = self.get_item(item_id).await?;
        let entry = file_in(&item, file_id, &format!("item {item_id}"))?;
        Ok(self.reader(entry, None).await)
    }

    pub(super) async fn reader(&self, entry: FileEntry, share_id: Option<&str>) -> FileReader<T> {
        FileReader::new(self.api.clone(), entry, share_id).await
    }

    /// Removes a file from an item: the item is written without it (its next version), then
    /// the Vault deletes the chunks.
    pub async fn remove_file(&self, item_id: &str, file_id: &str) -> Result<(), ClientError> {
        let item = self.get_item(item_id).await?;
        let mut files = files_of(&item)?;
        let before = files.len();
        files.retain(|e| e.id != file_id);
        if files.len() == before {
            return Err(ClientError::InvalidInput(format!(
                "item {item_id} has no file {file_id}"
            )));
        }
        self.update_item(&with_files(item, &files)).await?;
        match self.api.delete_file(file_id).await {
            Ok(()) | Err(ClientError::NotFound(_)) => Ok(()),
            Err(e) => Err(e),
        }
    }
}
