//! Share links. A link is served only while it holds its ciphertext, has not expired and has
//! views left; the ciphertext is forgotten (set to NULL) as soon as any of that ends, and the
//! row is kept so that its sender still sees it listed, used up. Views are counted by one
//! conditional update, so two openers racing for the last view cannot both get it.

use covault::api::{Link, NewLink};

use crate::db::{Db, rfc3339};
use crate::error::{ApiError, ApiResult};

/// A stored link.
#[derive(sqlx::FromRow)]
pub struct LinkRow {
    /// Its id.
    pub id: String,
    ciphertext: Option<String>,
    /// The hash of the access key.
    pub access_hash: String,
    /// The hash of the passphrase proof, for a passphrase link.
    pub passphrase_hash: Option<String>,
    /// Expiry, Unix milliseconds.
    pub expires_at: i64,
    max_views: Option<i64>,
    views: i64,
    sender_record: String,
    created_at: i64,
}

impl LinkRow {
    /// Whether an opener may be served this link at `now`.
    pub fn live(&self, now: i64) -> bool {
        self.ciphertext.is_some()
            && self.expires_at > now
            && self.max_views.is_none_or(|max| self.views < max)
    }

    /// The link as its sender sees it.
    pub fn into_link(self) -> Link {
        Link {
            id: self.id,
            expires_at: rfc3339(self.expires_at),
            max_views: self.max_views.and_then(|m| u32::try_from(m).ok()),
            views: u32::try_from(self.views).unwrap_or(u32::MAX),
            passphrase: self.passphrase_hash.is_some(),
            available: self.ciphertext.is_some(),
            sender_record: self.sender_record,
            created_at: rfc3339(self.created_at),
        }
    }
}

/// Stores a new link of `user_id`.
pub async fn create(
    db: &Db,
    req: &NewLink,
    user_id: &str,
    hashes: (&str, Option<&str>),
    expires_at: i64,
    now: i64,
) -> ApiResult<()> {
    sqlx::query(
        "INSERT INTO links (id, user_id, ciphertext, access_hash, passphrase_hash, expires_at,
         max_views, views, sender_record, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8, $9)",
    )
    .bind(&req.id)
    .bind(user_id)
    .bind(&req.ciphertext)
    .bind(hashes.0)
    .bind(hashes.1)
    .bind(expires_at)
    .bind(req.max_views.map(i64::from))
    .bind(&req.sender_record)
    .bind(now)
    .execute(db.writer())
    .await?;
    Ok(())
}

/// Forgets the ciphertext of every link that has expired or run out of views.
pub async fn sweep(db: &Db, now: i64) -> ApiResult<()> {
    sqlx::query(
        "UPDATE links SET ciphertext = NULL WHERE ciphertext IS NOT NULL
         AND (expires_at <= $1 OR (max_views IS NOT NULL AND views >= max_views))",
    )
    .bind(now)
    .execute(db.writer())
    .await?;
    Ok(())
}

/// The user's links, oldest first (after a sweep, so none shows a ciphertext it should not).
pub async fn list(db: &Db, user_id: &str, now: i64) -> ApiResult<Vec<Link>> {
    sweep(db, now).await?;
    let rows = super::list_owned::<LinkRow>(db, "links", user_id).await?;
    Ok(rows.into_iter().map(LinkRow::into_link).collect())
}

/// One link's row, whoever owns it (for the anonymous opener, which proves the access key).
pub async fn find(db: &Db, id: &str) -> ApiResult<Option<LinkRow>> {
    Ok(
        sqlx::query_as::<_, LinkRow>("SELECT * FROM links WHERE id = $1")
            .bind(id)
            .fetch_optional(&db.pool)
            .await?,
    )
}

/// Counts one view if the link is still live at `now` and returns the ciphertext and the views
/// so far (this one included); `NotFound` if it is not. The last view forgets the ciphertext.
pub async fn take_view(db: &Db, id: &str, now: i64) -> ApiResult<(String, i64)> {
    let row: Option<(Option<String>, i64)> = sqlx::query_as(
        "UPDATE links SET views = views + 1 WHERE id = $1 AND ciphertext IS NOT NULL
         AND expires_at > $2 AND (max_views IS NULL OR views < max_views)
         RETURNING ciphertext, views",
    )
    .bind(id)
    .bind(now)
    .fetch_optional(db.writer())
    .await?;
    let (Some(ciphertext), views) = row.ok_or(ApiError::NotFound)? else {
        return Err(ApiError::NotFound);
    };
    sweep(db, now).await?;
    Ok((ciphertext, views))
}

/// Deletes a link of the user's, ciphertext and all, or 404.
pub async fn delete(db: &Db, id: &str, user_id: &str) -> ApiResult<()> {
    super::delete_owned(db, "links", "user_id = $2", id, user_id).await
}
