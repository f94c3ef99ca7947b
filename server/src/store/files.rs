//! File metadata: which item a file belongs to, how many chunks are stored, the bytes they take
//! (for the quota) and whether the upload is finished. The chunks themselves are in the blob
//! store (`store::blobs`).

use covault::api::FileInfo;

use crate::db::{Db, rfc3339};
use crate::error::ApiResult;

#[derive(sqlx::FromRow)]
struct FileRow {
    id: String,
    item_id: Option<String>,
    stored_chunks: i64,
    bytes: i64,
    created_at: i64,
    finished_at: Option<i64>,
}

const COLUMNS: &str = "id, item_id, stored_chunks, bytes, created_at, finished_at";

impl FileRow {
    fn into_info(self) -> FileInfo {
        FileInfo {
            id: self.id,
            item_id: self.item_id,
            stored_chunks: u32::try_from(self.stored_chunks).unwrap_or_default(),
            bytes: u64::try_from(self.bytes).unwrap_or_default(),
            finished: self.finished_at.is_some(),
            created_at: rfc3339(self.created_at),
        }
    }
}

/// Starts a file of the user's item (the caller has checked that the item is theirs).
pub async fn create(
    db: &Db,
    user_id: &str,
    item_id: &str,
    id: &str,
    now: i64,
) -> ApiResult<FileInfo> {
    let row = sqlx::query_as::<_, FileRow>(&format!(
        "INSERT INTO files (id, user_id, item_id, stored_chunks, bytes, created_at)
         VALUES ($1, $2, $3, 0, 0, $4) RETURNING {COLUMNS}"
    ))
    .bind(id)
    .bind(user_id)
    .bind(item_id)
    .bind(now)
    .fetch_one(db.writer())
    .await?;
    Ok(row.into_info())
}

/// One of the user's files, or 404.
pub async fn get(db: &Db, id: &str, user_id: &str) -> ApiResult<FileInfo> {
    Ok(
        super::get_owned::<FileRow>(db, "files", COLUMNS, id, user_id)
            .await?
            .into_info(),
    )
}

/// The files of one of the user's items, oldest first (none for anyone else's item).
pub async fn list_for_item(db: &Db, item_id: &str, user_id: &str) -> ApiResult<Vec<FileInfo>> {
    let rows = sqlx::query_as::<_, FileRow>(&format!(
        "SELECT {COLUMNS} FROM files WHERE item_id = $1 AND user_id = $2 ORDER BY created_at, id"
    ))
    .bind(item_id)
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().map(FileRow::into_info).collect())
}

/// The ciphertext bytes the user stores in files.
pub async fn usage(db: &Db, user_id: &str) -> ApiResult<u64> {
    let (total,): (Option<i64>,) =
        sqlx::query_as("SELECT CAST(SUM(bytes) AS BIGINT) FROM files WHERE user_id = $1")
            .bind(user_id)
            .fetch_one(&db.pool)
            .await?;
    Ok(u64::try_from(total.unwrap_or(0)).unwrap_or_default())
}

/// Records that chunk `index` (of `new_len` bytes, replacing `old_len`) is stored, if the file
/// is still unfinished and at `stored` chunks; `None`, and nothing changed, otherwise.
pub async fn record_chunk(
    db: &Db,
    id: &str,
    user_id: &str,
    index: u32,
    stored: u32,
    bytes_delta: i64,
    now: i64,
) -> ApiResult<Option<FileInfo>> {
    let row = sqlx::query_as::<_, FileRow>(&format!(
        "UPDATE files SET stored_chunks = $1, bytes = bytes + $2, touched_at = $6
         WHERE id = $3 AND user_id = $4 AND stored_chunks = $5 AND finished_at IS NULL
         RETURNING {COLUMNS}"
    ))
    .bind(i64::from(stored.max(index.saturating_add(1))))
    .bind(bytes_delta)
    .bind(id)
    .bind(user_id)
    .bind(i64::from(stored))
    .bind(now)
    .fetch_optional(db.writer())
    .await?;
    Ok(row.map(FileRow::into_info))
}

/// Marks the file finished if it holds exactly `chunk_count` chunks; `None` otherwise.
pub async fn finish(
    db: &Db,
    id: &str,
    user_id: &str,
    chunk_count: u32,
    now: i64,
) -> ApiResult<Option<FileInfo>> {
    let row = sqlx::query_as::<_, FileRow>(&format!(
        "UPDATE files SET finished_at = $1
         WHERE id = $2 AND user_id = $3 AND stored_chunks = $4 AND finished_at IS NULL
         RETURNING {COLUMNS}"
    ))
    .bind(now)
    .bind(id)
    .bind(user_id)
    .bind(i64::from(chunk_count))
    .fetch_optional(db.writer())
    .await?;
    Ok(row.map(FileRow::into_info))
}

/// The ids of the files of one of the user's items that no share references (those go with
/// the item; the others stay for their shares).
pub async fn unshared_of_item(db: &Db, item_id: &str, user_id: &str) -> ApiResult<Vec<String>> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT id FROM files f WHERE item_id = $1 AND user_id = $2
         AND NOT EXISTS (SELECT 1 FROM share_files s WHERE s.file_id = f.id)",
    )
    .bind(item_id)
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// Files whose item is gone and that no share references any more: nothing can reach them.
pub async fn orphans(db: &Db) -> ApiResult<Vec<String>> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT id FROM files f WHERE item_id IS NULL
         AND NOT EXISTS (SELECT 1 FROM share_files s WHERE s.file_id = f.id)",
    )
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// Unfinished uploads (of `user_id`, or of everyone) that received nothing since `before`.
pub async fn stale_uploads(db: &Db, user_id: Option<&str>, before: i64) -> ApiResult<Vec<String>> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT id FROM files WHERE finished_at IS NULL
         AND ($1 IS NULL OR user_id = $1) AND COALESCE(touched_at, created_at) < $2",
    )
    .bind(user_id)
    .bind(before)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// Deletes a file's metadata by id (its blobs are deleted first by the caller).
pub async fn delete_by_id(db: &Db, id: &str) -> ApiResult<()> {
    super::delete_where(db.writer(), "files", "id", id).await
}

/// Detaches one of the user's files from its item, or 404.
pub async fn detach(db: &Db, id: &str, user_id: &str) -> ApiResult<()> {
    let done = sqlx::query("UPDATE files SET item_id = NULL WHERE id = $1 AND user_id = $2")
        .bind(id)
        .bind(user_id)
        .execute(db.writer())
        .await?;
    if done.rows_affected() == 0 {
        return Err(crate::error::ApiError::NotFound);
    }
    Ok(())
}
