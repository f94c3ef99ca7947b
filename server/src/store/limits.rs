//! Counters for the rate limits (`crate::limits` decides; this only reads and writes): failed
//! logins per subject, and the invitation emails each user sent in the last day.

use crate::db::Db;
use crate::error::ApiResult;

/// A subject's failed logins and when the last one was, if it has any on record.
pub async fn failures(db: &Db, subject: &str) -> ApiResult<Option<(i64, i64)>> {
    Ok(
        sqlx::query_as("SELECT failures, last_failure FROM login_limits WHERE subject = $1")
            .bind(subject)
            .fetch_optional(&db.pool)
            .await?,
    )
}

/// Counts a failed login at `now`; a failure a window after the last one starts the count again.
pub async fn count_failure(db: &Db, subject: &str, now: i64, window_ms: i64) -> ApiResult<()> {
    sqlx::query(
        "INSERT INTO login_limits (subject, failures, last_failure) VALUES ($1, 1, $2)
         ON CONFLICT (subject) DO UPDATE SET
           failures = CASE WHEN login_limits.last_failure + $3 <= $2 THEN 1 ELSE login_limits.failures + 1 END,
           last_failure = $2",
    )
    .bind(subject)
    .bind(now)
    .bind(window_ms)
    .execute(db.writer())
    .await?;
    Ok(())
}

/// Forgets every subject whose last failure is a whole window old.
pub async fn forget_old_failures(db: &Db, now: i64, window_ms: i64) -> ApiResult<()> {
    sqlx::query("DELETE FROM login_limits WHERE last_failure + $1 <= $2")
        .bind(window_ms)
        .bind(now)
        .execute(db.writer())
        .await?;
    Ok(())
}

/// Forgets the invitation emails sent at or before `cutoff`.
pub async fn forget_mail_before(db: &Db, cutoff: i64) -> ApiResult<()> {
    sqlx::query("DELETE FROM invitation_mail WHERE sent_at <= $1")
        .bind(cutoff)
        .execute(db.writer())
        .await?;
    Ok(())
}

/// How many invitation emails `inviter_id` has on record, and when the oldest was sent.
pub async fn mail_sent(db: &Db, inviter_id: &str) -> ApiResult<(i64, Option<i64>)> {
    Ok(sqlx::query_as(
        "SELECT COUNT(*) AS sent, MIN(sent_at) AS oldest FROM invitation_mail WHERE inviter_id = $1",
    )
    .bind(inviter_id)
    .fetch_one(&db.pool)
    .await?)
}

/// Records an invitation email sent at `now`.
pub async fn count_mail(db: &Db, inviter_id: &str, now: i64) -> ApiResult<()> {
    sqlx::query("INSERT INTO invitation_mail (inviter_id, sent_at) VALUES ($1, $2)")
        .bind(inviter_id)
        .bind(now)
        .execute(db.writer())
        .await?;
    Ok(())
}
