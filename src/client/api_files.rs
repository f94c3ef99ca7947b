//! The Vault's file routes as typed calls (kept apart from `api.rs`, one file per feature).

use super::api::Api;
use super::error::ClientError;
use super::json;
use super::transport::Transport;
use crate::api::{FileChunk, FileInfo, FinishFile, NewFile, ShareFiles};

impl<T: Transport> Api<T> {
    /// `POST /v1/items/{id}/files`.
    pub async fn create_file(&self, item_id: &str, file_id: &str) -> Result<FileInfo, ClientError> {
        let body = NewFile {
            id: file_id.to_owned(),
        };
        self.call("POST", format!("/v1/items/{item_id}/files"), Some(&body))
            .await
    }
    /// `GET /v1/items/{id}/files`.
    pub async fn item_files(&self, item_id: &str) -> Result<Vec<FileInfo>, ClientError> {
        self.call("GET", format!("/v1/items/{item_id}/files"), None::<&()>)
            .await
    }
    /// `GET /v1/files/{id}`.
    pub async fn file(&self, id: &str) -> Result<FileInfo, ClientError> {
        self.call("GET", format!("/v1/files/{id}"), None::<&()>)
            .await
    }
    /// `PUT /v1/files/{id}/chunks/{n}`.
    pub async fn put_chunk(
        &self,
        id: &str,
        index: u32,
        chunk: &FileChunk,
    ) -> Result<FileInfo, ClientError> {
        self.call("PUT", format!("/v1/files/{id}/chunks/{index}"), Some(chunk))
            .await
    }
    /// `GET /v1/files/{id}/chunks/{n}`.
    pub async fn chunk(&self, id: &str, index: u32) -> Result<FileChunk, ClientError> {
        self.call("GET", format!("/v1/files/{id}/chunks/{index}"), None::<&()>)
            .await
    }
    /// `POST /v1/files/{id}/finish`.
    pub async fn finish_file(&self, id: &str, chunk_count: u32) -> Result<FileInfo, ClientError> {
        let body = FinishFile { chunk_count };
        self.call("POST", format!("/v1/files/{id}/finish"), Some(&body))
            .await
    }
    /// `DELETE /v1/files/{id}`.
    pub async fn delete_file(&self, id: &str) -> Result<(), ClientError> {
        self.call_empty("DELETE", format!("/v1/files/{id}")).await
    }
    /// `PUT /v1/shares/{id}/files`.
    pub async fn set_share_files(
        &self,
        share_id: &str,
        file_ids: &[String],
    ) -> Result<(), ClientError> {
        let body = json::encode(&ShareFiles {
            file_ids: file_ids.to_vec(),
        })?;
        self.raw("PUT", format!("/v1/shares/{share_id}/files"), Some(body))
            .await
            .map(|_| ())
    }
    /// `GET /v1/shares/{id}/files/{file_id}/chunks/{n}`.
    pub async fn shared_chunk(
        &self,
        share_id: &str,
        file_id: &str,
        index: u32,
    ) -> Result<FileChunk, ClientError> {
        self.call(
            "GET",
            format!("/v1/shares/{share_id}/files/{file_id}/chunks/{index}"),
            None::<&()>,
        )
        .await
    }
}
