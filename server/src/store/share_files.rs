//! Which files a share lets its recipient download. The Vault cannot read the shared copy's
//! sealed file list, so the sender names the files; the recipient's client still reads each
//! file only as the sealed list describes it.

use crate::db::Db;
use crate::error::ApiResult;
use crate::store::Conn;

/// Replaces the files of a share.
pub async fn set(tx: &mut Conn, share_id: &str, file_ids: &[String]) -> ApiResult<()> {
    super::delete_where(&mut *tx, "share_files", "share_id", share_id).await?;
    for file_id in file_ids {
        sqlx::query("INSERT INTO share_files (share_id, file_id) VALUES ($1, $2)")
            .bind(share_id)
            .bind(file_id)
            .execute(&mut *tx)
            .await?;
    }
    Ok(())
}

/// The chunks stored of `file_id` if share `share_id` holds that (finished) file.
pub async fn stored_chunks(db: &Db, share_id: &str, file_id: &str) -> ApiResult<Option<u32>> {
    let row: Option<(i64,)> = sqlx::query_as(
        "SELECT f.stored_chunks FROM share_files s JOIN files f ON f.id = s.file_id
         WHERE s.share_id = $1 AND s.file_id = $2 AND f.finished_at IS NOT NULL",
    )
    .bind(share_id)
    .bind(file_id)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(|(n,)| u32::try_from(n).unwrap_or_default()))
}

/// How many of `file_ids` are finished files of `user_id`.
pub async fn count_owned_finished(db: &Db, user_id: &str, file_ids: &[String]) -> ApiResult<usize> {
    let mut n = 0;
    for id in file_ids {
        let found: Option<(String,)> = sqlx::query_as(
            "SELECT id FROM files WHERE id = $1 AND user_id = $2 AND finished_at IS NOT NULL",
        )
        .bind(id)
        .bind(user_id)
        .fetch_optional(&db.pool)
        .await?;
        n += usize::from(found.is_some());
    }
    Ok(n)
}
