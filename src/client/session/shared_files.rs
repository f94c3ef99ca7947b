//! Attached files travelling with a share. The shared copy of an item carries the item's
//! sealed file list like any slot, re-sealed under the share DEK (so each file key is wrapped
//! for the recipient in 32 bytes, never the file); the Vault is told which files the share
//! holds so that it lets the recipient download them. The recipient reads a file only as the
//! shared copy's sealed list describes it, chunk by chunk.

use super::Session;
use super::file_reader::FileReader;
use super::files::{AttachedFile, file_in, files_of};
use crate::client::error::ClientError;
use crate::client::transport::Transport;

impl<T: Transport + Clone> Session<T> {
    /// Lets the share's recipient download the files of the share's copy (call it after
    /// `share_item` or `update_share`; it replaces the previous set, so a removed file stops
    /// being served and, once nothing reaches it, is deleted).
    pub async fn share_files(&self, share_id: &str) -> Result<Vec<AttachedFile>, ClientError> {
        let view = self.read_share(share_id).await?;
        let item = view.item.ok_or(ClientError::NotAccepted)?;
        let files = files_of(&item)?;
        let ids: Vec<String> = files.iter().map(|e| e.id.clone()).collect();
        self.api.set_share_files(share_id, &ids).await?;
        Ok(files.iter().map(AttachedFile::from).collect())
    }

    /// Names to the Vault the files listed in `slots`, the copy this client just sealed for
    /// the share (no need to read it back): none if the copy has no file list.
    pub(super) async fn name_files(
        &self,
        share_id: &str,
        slots: &std::collections::BTreeMap<String, String>,
    ) -> Result<(), ClientError> {
        let ids: Vec<String> = match slots.get(crate::crypto::stream::FILES_SLOT) {
            Some(text) => crate::crypto::stream::decode_list(text)?
                .into_iter()
                .map(|e| e.id)
                .collect(),
            None => Vec::new(),
        };
        self.api.set_share_files(share_id, &ids).await
    }

    /// The files of a share, from its sealed copy.
    pub async fn list_shared_files(
        &self,
        share_id: &str,
    ) -> Result<Vec<AttachedFile>, ClientError> {
        let view = self.read_share(share_id).await?;
        let item = view.item.ok_or(ClientError::NotAccepted)?;
        Ok(files_of(&item)?.iter().map(AttachedFile::from).collect())
    }

    /// A reader for one file of a share (`NotFound` if its sealed copy does not name it).
    pub async fn open_shared_file(
        &self,
        share_id: &str,
        file_id: &str,
    ) -> Result<FileReader<T>, ClientError> {
        let view = self.read_share(share_id).await?;
        let item = view.item.ok_or(ClientError::NotAccepted)?;
        let entry = file_in(&item, file_id, &format!("share {share_id}"))?;
        Ok(self.reader(entry, Some(share_id)).await)
    }
}
