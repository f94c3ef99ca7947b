//! Attached files: chunks of ciphertext uploaded and downloaded one at a time. The Vault stores
//! opaque chunks and counts them; which files an item has, their sizes and keys are sealed by
//! the owner in the item itself (see `crypto::stream`), never taken from these answers.

use serde::{Deserialize, Serialize};

/// `POST /v1/items/{id}/files`: starts an upload of a file attached to the item.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewFile {
    /// Client-made UUID (bound into every chunk's ciphertext).
    pub id: String,
}

/// A file as the Vault stores it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FileInfo {
    /// The id.
    pub id: String,
    /// The item the file is attached to; `null` once the item is deleted while a share still
    /// holds the file.
    pub item_id: Option<String>,
    /// Chunks stored so far: always chunks `0..stored_chunks`, so an interrupted upload
    /// resumes at chunk `stored_chunks`.
    pub stored_chunks: u32,
    /// Ciphertext bytes stored (what counts against the quota).
    pub bytes: u64,
    /// Whether the upload was finished (its chunks can no longer change).
    pub finished: bool,
    /// RFC 3339.
    pub created_at: String,
}

/// The media type of a chunk sent or asked for as raw bytes (the clients' format; a chunk as
/// [`FileChunk`] JSON is the other).
pub const OCTET_STREAM: &str = "application/octet-stream";

/// Whether a `Content-Type` value (or one entry of an `Accept` list) names [`OCTET_STREAM`]:
/// parameters after `;` are ignored, and media types compare without regard to case.
pub fn is_octet_stream(media_type: &str) -> bool {
    media_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .eq_ignore_ascii_case(OCTET_STREAM)
}

/// One chunk of ciphertext as JSON: `PUT /v1/files/{id}/chunks/{n}` and its `GET`, when not
/// sent or asked for as raw bytes ([`OCTET_STREAM`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FileChunk {
    /// The sealed chunk (ciphertext and tag), unpadded base64url.
    pub data: String,
}

/// `POST /v1/files/{id}/finish`: the upload is complete with exactly this many chunks.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FinishFile {
    /// The number of chunks; must equal the chunks stored.
    pub chunk_count: u32,
}

/// `PUT /v1/shares/{id}/files`: the files the share's recipient may download (the sender's own,
/// finished files; the share's sealed copy names which item files they are and holds their keys).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ShareFiles {
    /// File ids; replaces the share's previous set.
    pub file_ids: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::is_octet_stream;

    #[test]
    fn octet_stream_is_recognised_with_parameters_and_any_case() {
        for yes in [
            "application/octet-stream",
            "Application/Octet-Stream",
            " application/octet-stream ; q=0.9",
        ] {
            assert!(is_octet_stream(yes), "{yes}");
        }
        for no in ["application/json", "application/octet-streams", "", "*/*"] {
            assert!(!is_octet_stream(no), "{no}");
        }
    }
}
