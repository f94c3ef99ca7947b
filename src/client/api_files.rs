//! The Vault's file routes as typed calls (kept apart from `api.rs`, one file per feature).

use super::api::Api;
use super::error::ClientError;
use super::json;
use super::transport::{Body, HttpRequest, Transport};
use crate::api::{FileChunk, FileInfo, FinishFile, NewFile, ShareFiles};
use crate::crypto::encoding::from_base64url;

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
    /// `PUT /v1/files/{id}/chunks/{n}`, the sealed chunk as raw bytes.
    pub async fn put_chunk(
        &self,
        id: &str,
        index: u32,
        sealed: Vec<u8>,
    ) -> Result<FileInfo, ClientError> {
        let request = HttpRequest {
            method: "PUT",
            path: format!("/v1/files/{id}/chunks/{index}"),
            bearer: self.token.clone(),
            body: Some(Body::Octets(sealed)),
            want_octets: false,
        };
        json::decode(&self.exchange(request).await?.body)
    }
    /// `GET /v1/files/{id}/chunks/{n}`: the sealed chunk.
    pub async fn chunk(&self, id: &str, index: u32) -> Result<Vec<u8>, ClientError> {
        self.get_chunk(format!("/v1/files/{id}/chunks/{index}"))
            .await
    }
    /// A chunk, asked for as raw bytes; a Vault that answers JSON (`FileChunk`, the first
    /// format) is read too.
    async fn get_chunk(&self, path: String) -> Result<Vec<u8>, ClientError> {
        let mut request = HttpRequest::json("GET", path, self.token.clone(), None);
        request.want_octets = true;
        let response = self.exchange(request).await?;
        if let Some(octets) = response.octets {
            return Ok(octets);
        }
        let chunk: FileChunk = json::decode(&response.body)?;
        from_base64url(&chunk.data, "chunk")
            .map_err(|_| ClientError::Protocol("the Vault's chunk is not base64url".into()))
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
    ) -> Result<Vec<u8>, ClientError> {
        self.get_chunk(format!(
            "/v1/shares/{share_id}/files/{file_id}/chunks/{index}"
        ))
        .await
    }
}
