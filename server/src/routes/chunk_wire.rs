//! A chunk on the wire, either way: raw bytes (`application/octet-stream`, what the clients
//! send and ask for) or JSON `{"data": base64url}` (the first format, still accepted and
//! answered, so older clients and hand-written calls keep working). Raw bytes save the third
//! that base64 adds and a decoding pass on both sides, and keep a browser's garbage per chunk at
//! the chunk's own size.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use covault::api::{FileChunk, OCTET_STREAM, is_octet_stream};
use covault::crypto::encoding::{from_base64url, to_base64url};

use crate::error::{ApiError, ApiJson};

/// A chunk's sealed bytes, from either body format.
pub struct ChunkBody(pub Vec<u8>);

impl<S: Send + Sync> FromRequest<S> for ChunkBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !is_octets(req.headers().get(header::CONTENT_TYPE)) {
            let ApiJson(chunk) = ApiJson::<FileChunk>::from_request(req, state).await?;
            return from_base64url(&chunk.data, "chunk")
                .map(ChunkBody)
                .map_err(|_| ApiError::bad("InvalidChunk", "data must be unpadded base64url"));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::TooLarge
            } else {
                ApiError::bad("BadRequest", rejection.body_text())
            }
        })?;
        Ok(ChunkBody(bytes.into()))
    }
}

/// A chunk to answer with, in the format the request's `Accept` asks for (JSON unless it names
/// `application/octet-stream`).
pub struct ChunkReply {
    pub data: Vec<u8>,
    pub octets: bool,
}

impl ChunkReply {
    pub fn for_request(headers: &HeaderMap, data: Vec<u8>) -> Self {
        let octets = headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|accept| accept.split(',').any(is_octet_stream));
        ChunkReply { data, octets }
    }
}

impl IntoResponse for ChunkReply {
    fn into_response(self) -> Response {
        if self.octets {
            ([(header::CONTENT_TYPE, OCTET_STREAM)], self.data).into_response()
        } else {
            axum::Json(FileChunk {
                data: to_base64url(&self.data),
            })
            .into_response()
        }
    }
}

fn is_octets(value: Option<&header::HeaderValue>) -> bool {
    value
        .and_then(|v| v.to_str().ok())
        .is_some_and(is_octet_stream)
}
