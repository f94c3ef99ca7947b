//! The sealed account record, one per user. Writes are compare-and-set on its version, so that
//! of two devices writing the same version only one wins and the other learns what is stored.

use covault::api::AccountState;

use crate::db::Db;
use crate::error::{ApiError, ApiResult};

#[derive(sqlx::FromRow)]
struct AccountStateRow {
    version: i64,
    sealed: String,
}

impl From<AccountStateRow> for AccountState {
    fn from(row: AccountStateRow) -> AccountState {
        AccountState {
            version: u64::try_from(row.version).unwrap_or_default(),
            sealed: row.sealed,
        }
    }
}

/// The user's record, if one was ever written.
pub async fn get(db: &Db, user_id: &str) -> ApiResult<Option<AccountState>> {
    let row = sqlx::query_as::<_, AccountStateRow>(
        "SELECT version, sealed FROM account_states WHERE user_id = $1",
    )
    .bind(user_id)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(Into::into))
}

/// Writes the record as `version` if the stored one is `version - 1` (none, for 1). False, and
/// nothing written, otherwise (including a concurrent first write that got there first).
pub async fn write(
    db: &Db,
    user_id: &str,
    version: i64,
    sealed: &str,
    now: i64,
) -> ApiResult<bool> {
    let written = if version == 1 {
        // A concurrent first write loses on the primary key, like any stale version.
        sqlx::query(
            "INSERT INTO account_states (user_id, version, sealed, updated_at) VALUES ($1, 1, $2, $3)",
        )
        .bind(user_id)
        .bind(sealed)
        .bind(now)
        .execute(db.writer())
        .await
        .map(|done| done.rows_affected())
        .or_else(|e| match ApiError::from(e) {
            ApiError::Conflict(_) => Ok(0),
            other => Err(other),
        })?
    } else {
        sqlx::query(
            "UPDATE account_states SET version = $1, sealed = $2, updated_at = $3
             WHERE user_id = $4 AND version = $5",
        )
        .bind(version)
        .bind(sealed)
        .bind(now)
        .bind(user_id)
        .bind(version.saturating_sub(1))
        .execute(db.writer())
        .await?
        .rows_affected()
    };
    Ok(written != 0)
}

/// The stored version of the user's record, if any.
pub async fn version(db: &Db, user_id: &str) -> ApiResult<Option<i64>> {
    let row = sqlx::query_as::<_, (i64,)>("SELECT version FROM account_states WHERE user_id = $1")
        .bind(user_id)
        .fetch_optional(&db.pool)
        .await?;
    Ok(row.map(|(version,)| version))
}
