//! Files travelling with a share: the sender names which of their files the share holds (the
//! share's sealed copy carries their keys), and either party downloads them chunk by chunk for
//! as long as the share lives and its contents are visible to them (after acceptance, if the
//! share needs it). The last reference to a file going deletes its chunks.

use axum::extract::Path;
use axum::http::{HeaderMap, StatusCode};
use covault::api::{FileChunk, ShareFiles};

use super::chunk_wire::ChunkReply;
use super::files::{chunk_index, read_chunk};
use crate::auth::Authed;
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::store;
use crate::validate;

/// Most files one share may hold.
pub const MAX_SHARE_FILES: usize = 256;

/// The sender sets which of their finished files the share holds (replacing the previous set,
/// so a share update that adds or removes a file is one call). Files no longer reachable from
/// an item or a share are deleted.
#[utoipa::path(put, path = "/v1/shares/{id}/files", request_body = ShareFiles,
    responses((status = 204), (status = 404)), security(("bearer" = [])))]
pub async fn put(
    Authed { state, caller }: Authed,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<ShareFiles>,
) -> ApiResult<StatusCode> {
    let share = store::shares::find(&state.db, &id, &caller.user_id).await?;
    if share.sender_id != caller.user_id {
        return Err(ApiError::bad(
            "NotSender",
            "only the sender says which files a share holds",
        ));
    }
    if req.file_ids.len() > MAX_SHARE_FILES {
        return Err(ApiError::bad(
            "InvalidField",
            format!("a share holds at most {MAX_SHARE_FILES} files"),
        ));
    }
    let mut ids = req.file_ids;
    ids.sort();
    ids.dedup();
    for file_id in &ids {
        validate::id("file_ids", file_id)?;
    }
    if store::share_files::count_owned_finished(&state.db, &caller.user_id, &ids).await?
        != ids.len()
    {
        return Err(ApiError::bad(
            "InvalidReference",
            "file_ids must be your own finished files",
        ));
    }
    let mut tx = store::begin(&state.db).await?;
    store::share_files::set(&mut tx, &id, &ids).await?;
    tx.commit().await?;
    super::files::delete_orphans(&state).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Chunk `n` of a file the share holds, for either party (404 for a file the share does not
/// hold, and for a recipient who has not yet accepted a share that needs it).
/// Raw bytes if `Accept` names `application/octet-stream`, else JSON.
#[utoipa::path(get, path = "/v1/shares/{id}/files/{file_id}/chunks/{n}",
    responses((status = 200, content((Vec<u8> = "application/octet-stream"), (FileChunk = "application/json"))),
        (status = 404)), security(("bearer" = [])))]
pub async fn get_chunk(
    Authed { state, caller }: Authed,
    Path((id, file_id, n)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> ApiResult<ChunkReply> {
    let share = store::shares::get(&state.db, &id, &caller.user_id).await?;
    // The contents (and so the files) are withheld exactly as the share's slots are.
    if share.slots.is_none() {
        return Err(ApiError::NotFound);
    }
    let index = chunk_index(&n)?;
    let stored = store::share_files::stored_chunks(&state.db, &id, &file_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    read_chunk(&state, &file_id, index, stored, &headers).await
}
