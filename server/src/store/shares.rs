//! Shares. Only the two parties see a share and an expired one is never served, so every read
//! here filters on both; what a recipient may see of a share awaiting acceptance is decided in
//! the one conversion into the API type, so no route can serve the contents early.

use covault::api::{Direction, NewShare, Share, ShareHolder, ShareUpdate};
use covault::crypto::share::Answer;

use super::{slots_from_json, slots_to_json};
use crate::db::{Db, now_ms, rfc3339};
use crate::error::{ApiError, ApiResult};

const SELECT: &str =
    "SELECT s.*, us.email AS sender_email, ur.email AS recipient_email FROM shares s
     JOIN users us ON us.id = s.sender_id JOIN users ur ON ur.id = s.recipient_id";

/// A stored share, with both parties' emails.
#[derive(sqlx::FromRow)]
pub struct ShareRow {
    /// Its id.
    pub id: String,
    connection_id: String,
    /// Who shared it.
    pub sender_id: String,
    sender_email: String,
    /// With whom.
    pub recipient_id: String,
    recipient_email: String,
    label: String,
    slots: String,
    sealed_dek: String,
    expires_at: Option<i64>,
    terms: Option<String>,
    acceptance_required: i64,
    accepted_at: Option<i64>,
    acceptance: Option<String>,
    /// The version of the shared copy.
    pub version: i64,
    /// When it was shared (Unix milliseconds; the page cursor's time).
    pub created_at: i64,
    updated_at: i64,
    meta: Option<String>,
    /// Whether the recipient may share it on.
    pub on_sharing: i64,
    parent_share_id: Option<String>,
    /// The owner's share at the root of an on-sharing chain (absent on a root).
    pub root_share_id: Option<String>,
    /// The owner's slot commitments, as JSON.
    pub verification: Option<String>,
    /// When the recipient rejected it.
    pub rejected_at: Option<i64>,
    rejection: Option<String>,
}

impl ShareRow {
    /// For an on-share: the share it was made from.
    pub fn parent_share_id_ref(&self) -> Option<&str> {
        self.parent_share_id.as_deref()
    }

    /// Whether the recipient must accept it before reading.
    pub fn acceptance_required(&self) -> bool {
        self.acceptance_required != 0
    }

    /// Whether the recipient accepted it.
    pub fn accepted(&self) -> bool {
        self.accepted_at.is_some()
    }

    /// The cursor of the page that ends with this share.
    pub fn cursor(&self) -> String {
        format!("{}.{}", self.created_at, self.id)
    }

    /// The share as `user_id` (one of its parties) sees it.
    pub fn into_share(self, user_id: &str) -> ApiResult<Share> {
        let acceptance_required = self.acceptance_required != 0;
        // A recipient sees the contents of a share that needs acceptance only once accepted;
        // the sealed DEK comes before, so that their client can check the terms and make the
        // receipt.
        // A rejected share's contents are not served to the recipient either.
        let withheld = self.recipient_id == user_id
            && ((acceptance_required && self.accepted_at.is_none()) || self.rejected_at.is_some());
        Ok(Share {
            id: self.id,
            connection_id: self.connection_id,
            sender_id: self.sender_id,
            sender_email: self.sender_email,
            recipient_id: self.recipient_id,
            recipient_email: self.recipient_email,
            label: if withheld { None } else { Some(self.label) },
            slots: if withheld {
                None
            } else {
                Some(slots_from_json(&self.slots)?)
            },
            sealed_dek: Some(self.sealed_dek),
            expires_at: self.expires_at.map(rfc3339),
            terms: self.terms,
            acceptance_required,
            accepted_at: self.accepted_at.map(rfc3339),
            acceptance: self.acceptance,
            version: u64::try_from(self.version).unwrap_or_default(),
            created_at: rfc3339(self.created_at),
            updated_at: rfc3339(self.updated_at),
            meta: self.meta,
            on_sharing: self.on_sharing != 0,
            parent_share_id: self.parent_share_id,
            verification: self
                .verification
                .as_deref()
                .map(slots_from_json)
                .transpose()?,
            rejected_at: self.rejected_at.map(rfc3339),
            rejection: self.rejection,
        })
    }
}

/// A live (unexpired) share the user takes part in, or 404.
pub async fn find(db: &Db, id: &str, user_id: &str) -> ApiResult<ShareRow> {
    sqlx::query_as::<_, ShareRow>(&format!(
        "{SELECT} WHERE s.id = $1 AND (s.sender_id = $2 OR s.recipient_id = $2) AND (s.expires_at IS NULL OR s.expires_at > $3)"
    ))
    .bind(id)
    .bind(user_id)
    .bind(now_ms())
    .fetch_optional(&db.pool)
    .await?
    .ok_or(ApiError::NotFound)
}

/// A live share the user takes part in as they see it, or 404.
pub async fn get(db: &Db, id: &str, user_id: &str) -> ApiResult<Share> {
    find(db, id, user_id).await?.into_share(user_id)
}

/// Where a new share hangs: its root share and the commitments it carries (for an on-share,
/// both come from its parent, never from the request).
pub struct Lineage<'a> {
    /// The owner's share at the root, for an on-share.
    pub root_share_id: Option<&'a str>,
    /// The commitments, as JSON.
    pub verification: Option<String>,
}

/// Stores a share from `sender_id` to `recipient_id` (the request's connection, checked).
#[allow(clippy::too_many_arguments)]
pub async fn create<'e>(
    exec: impl sqlx::Executor<'e, Database = sqlx::Any>,
    req: &NewShare,
    sender_id: &str,
    recipient_id: &str,
    expires_at: Option<i64>,
    version: i64,
    now: i64,
    lineage: Lineage<'_>,
) -> ApiResult<()> {
    sqlx::query(
        "INSERT INTO shares (id, connection_id, sender_id, recipient_id, label, slots, sealed_dek, expires_at, terms,
         acceptance_required, accepted_at, created_at, updated_at, version, meta, on_sharing, parent_share_id,
         root_share_id, verification)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, NULL, $11, $11, $12, $13, $14, $15, $16, $17)",
    )
    .bind(&req.id)
    .bind(&req.connection_id)
    .bind(sender_id)
    .bind(recipient_id)
    .bind(&req.label)
    .bind(slots_to_json(&req.slots)?)
    .bind(&req.sealed_dek)
    .bind(expires_at)
    .bind(&req.terms)
    .bind(i64::from(req.acceptance_required))
    .bind(now)
    .bind(version)
    .bind(&req.meta)
    .bind(i64::from(req.on_sharing))
    .bind(&req.parent_share_id)
    .bind(lineage.root_share_id)
    .bind(lineage.verification)
    .execute(exec)
    .await?;
    Ok(())
}

/// Up to `limit` live shares where the user is on the `direction` side, newest first, that
/// come after the cursor `(created_at, id)` (`(i64::MAX, "")` for the first page).
pub async fn page(
    db: &Db,
    user_id: &str,
    direction: Direction,
    after: (i64, &str),
    limit: i64,
) -> ApiResult<Vec<ShareRow>> {
    let column = match direction {
        Direction::Incoming => "s.recipient_id",
        Direction::Outgoing => "s.sender_id",
    };
    Ok(sqlx::query_as::<_, ShareRow>(&format!(
        "{SELECT} WHERE {column} = $1 AND (s.expires_at IS NULL OR s.expires_at > $2)
         AND (s.created_at < $3 OR (s.created_at = $3 AND ($4 = '' OR s.id < $4)))
         ORDER BY s.created_at DESC, s.id DESC LIMIT $5"
    ))
    .bind(user_id)
    .bind(now_ms())
    .bind(after.0)
    .bind(after.1)
    .bind(limit)
    .fetch_all(&db.pool)
    .await?)
}

/// Records the recipient's answer and its receipt, unless the share was already accepted or
/// rejected; false (and nothing changed) if it was.
pub async fn answer(db: &Db, id: &str, answer: Answer, receipt: &str, now: i64) -> ApiResult<bool> {
    let (at, receipt_column) = match answer {
        Answer::Accepted => ("accepted_at", "acceptance"),
        Answer::Rejected => ("rejected_at", "rejection"),
    };
    let done = sqlx::query(&format!(
        "UPDATE shares SET {at} = $1, {receipt_column} = $2 WHERE id = $3 AND accepted_at IS NULL AND rejected_at IS NULL"
    ))
    .bind(now)
    .bind(receipt)
    .bind(id)
    .execute(db.writer())
    .await?;
    Ok(done.rows_affected() != 0)
}

/// Every on-share downstream of the root share `root_id`, oldest first.
pub async fn copies(db: &Db, root_id: &str) -> ApiResult<Vec<ShareHolder>> {
    let rows: Vec<(String, Option<String>, String, String, i64)> = sqlx::query_as(
        "SELECT s.id, s.parent_share_id, us.email, ur.email, s.created_at FROM shares s
         JOIN users us ON us.id = s.sender_id JOIN users ur ON ur.id = s.recipient_id
         WHERE s.root_share_id = $1 ORDER BY s.created_at, s.id",
    )
    .bind(root_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(share_id, parent, sender_email, recipient_email, at)| ShareHolder {
                share_id,
                parent_share_id: parent.unwrap_or_default(),
                sender_email,
                recipient_email,
                created_at: rfc3339(at),
            },
        )
        .collect())
}

/// Replaces the shared copy (and its commitments) as `version` if it is still at `stored`;
/// false, and nothing changed, if another write got there first.
pub async fn update(
    db: &Db,
    id: &str,
    req: &ShareUpdate,
    verification: Option<String>,
    (version, stored): (i64, i64),
    now: i64,
) -> ApiResult<bool> {
    let done = sqlx::query(
        "UPDATE shares SET label = $1, slots = $2, updated_at = $3, version = $4, verification = $7
         WHERE id = $5 AND version = $6",
    )
    .bind(&req.label)
    .bind(slots_to_json(&req.slots)?)
    .bind(now)
    .bind(version)
    .bind(id)
    .bind(stored)
    .bind(verification)
    .execute(db.writer())
    .await?;
    Ok(done.rows_affected() != 0)
}

/// Deletes a share the user takes part in, or 404.
pub async fn delete(db: &Db, id: &str, user_id: &str) -> ApiResult<()> {
    super::delete_owned(
        db,
        "shares",
        "(sender_id = $2 OR recipient_id = $2)",
        id,
        user_id,
    )
    .await
}
