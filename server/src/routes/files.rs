//! Attached files: start an upload for an item, store chunks in order (resumable: the file says
//! how many chunks are stored), finish, download chunk by chunk, delete. Only the item's owner
//! may touch its files; anyone else gets 404, exactly as for items. The Vault checks shapes and
//! the quota; what a file contains and how many chunks it should have is sealed by the owner.

use axum::Json;
use axum::extract::Path;
use axum::http::{HeaderMap, StatusCode};
use covault::api::{FileChunk, FileInfo, FinishFile, NewFile};
use covault::crypto::envelope::TAG_LEN;
use covault::crypto::stream::MAX_CHUNK_SIZE;

use super::chunk_wire::{ChunkBody, ChunkReply};
use super::{Created, created};
use crate::auth::Authed;
use crate::db::now_ms;
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::state::AppState;
use crate::store;
use crate::validate;

/// Starts a file attached to one of the caller's items.
#[utoipa::path(post, path = "/v1/items/{id}/files", request_body = NewFile,
    responses((status = 201, body = FileInfo), (status = 404), (status = 409)), security(("bearer" = [])))]
pub async fn create(
    auth: Authed,
    Path(item_id): Path<String>,
    ApiJson(req): ApiJson<NewFile>,
) -> ApiResult<Created<FileInfo>> {
    if !store::exists_owned(auth.db(), "items", &item_id, auth.user_id()).await? {
        return Err(ApiError::NotFound);
    }
    validate::id("id", &req.id)?;
    let info = store::files::create(auth.db(), auth.user_id(), &item_id, &req.id, now_ms()).await?;
    created(info)
}

/// The files of one of the caller's items, oldest first.
#[utoipa::path(get, path = "/v1/items/{id}/files",
    responses((status = 200, body = Vec<FileInfo>), (status = 404)), security(("bearer" = [])))]
pub async fn list(auth: Authed, Path(item_id): Path<String>) -> ApiResult<Json<Vec<FileInfo>>> {
    if !store::exists_owned(auth.db(), "items", &item_id, auth.user_id()).await? {
        return Err(ApiError::NotFound);
    }
    let files = store::files::list_for_item(auth.db(), &item_id, auth.user_id()).await?;
    Ok(Json(files))
}

/// One of the caller's files: how many chunks are stored (where an upload resumes).
#[utoipa::path(get, path = "/v1/files/{id}",
    responses((status = 200, body = FileInfo), (status = 404)), security(("bearer" = [])))]
pub async fn get(auth: Authed, Path(id): Path<String>) -> ApiResult<Json<FileInfo>> {
    Ok(Json(
        store::files::get(auth.db(), &id, auth.user_id()).await?,
    ))
}

pub(super) fn chunk_index(text: &str) -> ApiResult<u32> {
    text.parse()
        .map_err(|_| ApiError::bad("InvalidField", "the chunk index must be a u32"))
}

/// Chunk `index` of a file that holds `stored` chunks, in the format the request asks for; 404
/// past the end (for the owner's downloads and a share's alike).
pub(super) async fn read_chunk(
    state: &AppState,
    file_id: &str,
    index: u32,
    stored: u32,
    headers: &HeaderMap,
) -> ApiResult<ChunkReply> {
    if index >= stored {
        return Err(ApiError::NotFound);
    }
    let data = state
        .blobs
        .get(file_id, index)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(ChunkReply::for_request(headers, data))
}

/// Stores chunk `n`: the next one (`n` = `stored_chunks`) or one already stored (a retry).
/// 409 if the file is finished or `n` skips ahead; 413 `QuotaExceeded` past the user's quota.
#[utoipa::path(put, path = "/v1/files/{id}/chunks/{n}",
    request_body(content((Vec<u8> = "application/octet-stream"), (FileChunk = "application/json"))),
    responses((status = 200, body = FileInfo), (status = 404), (status = 409), (status = 413)),
    security(("bearer" = [])))]
pub async fn put_chunk(
    Authed { state, caller }: Authed,
    Path((id, n)): Path<(String, String)>,
    ChunkBody(data): ChunkBody,
) -> ApiResult<Json<FileInfo>> {
    let info = store::files::get(&state.db, &id, &caller.user_id).await?;
    let index = chunk_index(&n)?;
    if info.finished {
        return Err(ApiError::Conflict(
            "the file is finished; its chunks cannot change",
        ));
    }
    if index > info.stored_chunks {
        return Err(ApiError::Conflict(
            "chunks are stored in order: send chunk `stored_chunks` next",
        ));
    }
    if data.len() < TAG_LEN || data.len() > MAX_CHUNK_SIZE as usize + TAG_LEN {
        return Err(ApiError::bad(
            "InvalidChunk",
            format!(
                "a chunk is {TAG_LEN} to {} bytes",
                MAX_CHUNK_SIZE as usize + TAG_LEN
            ),
        ));
    }
    let old = if index < info.stored_chunks {
        state.blobs.get(&id, index).await?.map_or(0, |d| d.len())
    } else {
        0
    };
    let delta = data.len() as i64 - old as i64;
    let quota = state.config.file_quota_bytes;
    let mut used = store::files::usage(&state.db, &caller.user_id).await?;
    if delta > 0 && used.saturating_add(delta as u64) > quota {
        // Uploads this user abandoned may be what fills the quota: they go first.
        sweep_uploads(&state, Some(&caller.user_id)).await?;
        used = store::files::usage(&state.db, &caller.user_id).await?;
    }
    if delta > 0 && used.saturating_add(delta as u64) > quota {
        return Err(ApiError::QuotaExceeded(format!(
            "storing this chunk would exceed your file quota ({used} of {quota} bytes used)"
        )));
    }
    state.blobs.put(&id, index, data).await?;
    store::files::record_chunk(
        &state.db,
        &id,
        &caller.user_id,
        index,
        info.stored_chunks,
        delta,
        now_ms(),
    )
    .await?
    .map(Json)
    .ok_or(ApiError::Conflict(
        "the file changed meanwhile; read it and resume",
    ))
}

/// Chunk `n` of one of the caller's files.
/// Raw bytes if `Accept` names `application/octet-stream`, else JSON.
#[utoipa::path(get, path = "/v1/files/{id}/chunks/{n}",
    responses((status = 200, content((Vec<u8> = "application/octet-stream"), (FileChunk = "application/json"))),
        (status = 404)), security(("bearer" = [])))]
pub async fn get_chunk(
    Authed { state, caller }: Authed,
    Path((id, n)): Path<(String, String)>,
    headers: HeaderMap,
) -> ApiResult<ChunkReply> {
    let info = store::files::get(&state.db, &id, &caller.user_id).await?;
    let index = chunk_index(&n)?;
    read_chunk(&state, &id, index, info.stored_chunks, &headers).await
}

/// Ends an upload: the file must hold exactly `chunk_count` chunks (409 otherwise).
#[utoipa::path(post, path = "/v1/files/{id}/finish", request_body = FinishFile,
    responses((status = 200, body = FileInfo), (status = 404), (status = 409)), security(("bearer" = [])))]
pub async fn finish(
    auth: Authed,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<FinishFile>,
) -> ApiResult<Json<FileInfo>> {
    store::files::get(auth.db(), &id, auth.user_id()).await?;
    store::files::finish(auth.db(), &id, auth.user_id(), req.chunk_count, now_ms())
        .await?
        .map(Json)
        .ok_or(ApiError::Conflict(
            "the file is finished already or does not hold that many chunks",
        ))
}

/// Detaches one of the caller's files from its item and deletes it with its chunks, unless a
/// share still holds it (then it goes with the last such share).
#[utoipa::path(delete, path = "/v1/files/{id}",
    responses((status = 204), (status = 404)), security(("bearer" = [])))]
pub async fn delete(
    Authed { state, caller }: Authed,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    store::files::detach(&state.db, &id, &caller.user_id).await?;
    delete_orphans(&state).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Deletes the files of one of the user's items that no share holds, blobs first (before the
/// item goes; the files shares hold stay for them, without their item).
pub async fn delete_item_blobs(state: &AppState, item_id: &str, user_id: &str) -> ApiResult<()> {
    for id in store::files::unshared_of_item(&state.db, item_id, user_id).await? {
        state.blobs.delete_file(&id).await?;
        store::files::delete_by_id(&state.db, &id).await?;
    }
    Ok(())
}

/// Deletes the unfinished uploads (of `user`, or of everyone) that received no chunk for
/// `--upload-expiry-secs`, blobs first. A client that comes back to one finds it gone (404)
/// and attaches the file anew, under a new key.
pub async fn sweep_uploads(state: &AppState, user: Option<&str>) -> ApiResult<usize> {
    let before = now_ms().saturating_sub(state.config.upload_expiry_secs.saturating_mul(1000));
    let stale = store::files::stale_uploads(&state.db, user, before).await?;
    for id in &stale {
        state.blobs.delete_file(id).await?;
        store::files::delete_by_id(&state.db, id).await?;
    }
    Ok(stale.len())
}

/// Deletes every file that neither an item nor a share reaches any more (its last reference
/// went), blobs first.
pub async fn delete_orphans(state: &AppState) -> ApiResult<()> {
    for id in store::files::orphans(&state.db).await? {
        state.blobs.delete_file(&id).await?;
        store::files::delete_by_id(&state.db, &id).await?;
    }
    Ok(())
}
