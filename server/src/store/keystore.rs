//! Keypairs and DEKs: the wrapped keys a user stores for their own devices. Each is a plain
//! owned table, so they go through the shared owned-row helpers, which make another user's id
//! answer exactly like a missing one.

use covault::api::{DekRecord, KeyPairRecord, NewDek, NewKeyPair};

use crate::db::{Db, rfc3339};
use crate::error::ApiResult;

#[derive(sqlx::FromRow)]
struct KeyPairRow {
    id: String,
    public_key: String,
    wrapped_private_key: String,
    created_at: i64,
}

impl From<KeyPairRow> for KeyPairRecord {
    fn from(row: KeyPairRow) -> KeyPairRecord {
        KeyPairRecord {
            id: row.id,
            public_key: row.public_key,
            wrapped_private_key: row.wrapped_private_key,
            created_at: rfc3339(row.created_at),
        }
    }
}

/// Stores a keypair of the user.
pub async fn create_keypair(
    db: &Db,
    user_id: &str,
    req: NewKeyPair,
    now: i64,
) -> ApiResult<KeyPairRecord> {
    let row = sqlx::query_as::<_, KeyPairRow>(
        "INSERT INTO keypairs (id, user_id, public_key, wrapped_private_key, created_at)
         VALUES ($1, $2, $3, $4, $5) RETURNING *",
    )
    .bind(&req.id)
    .bind(user_id)
    .bind(&req.public_key)
    .bind(&req.wrapped_private_key)
    .bind(now)
    .fetch_one(db.writer())
    .await?;
    Ok(row.into())
}

/// The user's keypairs, oldest first.
pub async fn list_keypairs(db: &Db, user_id: &str) -> ApiResult<Vec<KeyPairRecord>> {
    let rows = super::list_owned::<KeyPairRow>(db, "keypairs", user_id).await?;
    Ok(rows.into_iter().map(Into::into).collect())
}

/// One of the user's keypairs, or 404.
pub async fn get_keypair(db: &Db, id: &str, user_id: &str) -> ApiResult<KeyPairRecord> {
    let row = super::get_owned::<KeyPairRow>(db, "keypairs", "*", id, user_id).await?;
    Ok(row.into())
}

/// The public key of one of the user's keypairs, if it is theirs.
pub async fn keypair_public_key(db: &Db, id: &str, user_id: &str) -> ApiResult<Option<String>> {
    let row = super::find_owned::<(String,)>(db, "keypairs", "public_key", id, user_id).await?;
    Ok(row.map(|(public_key,)| public_key))
}

#[derive(sqlx::FromRow)]
struct DekRow {
    id: String,
    wrapped_key: String,
    created_at: i64,
}

impl From<DekRow> for DekRecord {
    fn from(row: DekRow) -> DekRecord {
        DekRecord {
            id: row.id,
            wrapped_key: row.wrapped_key,
            created_at: rfc3339(row.created_at),
        }
    }
}

/// Stores a wrapped DEK of the user, on the writer pool or inside a transaction.
pub async fn create_dek<'e>(
    exec: impl sqlx::Executor<'e, Database = sqlx::Any>,
    user_id: &str,
    req: NewDek,
    now: i64,
) -> ApiResult<DekRecord> {
    let row = sqlx::query_as::<_, DekRow>(
        "INSERT INTO deks (id, user_id, wrapped_key, created_at) VALUES ($1, $2, $3, $4) RETURNING *",
    )
    .bind(&req.id)
    .bind(user_id)
    .bind(&req.wrapped_key)
    .bind(now)
    .fetch_one(exec)
    .await?;
    Ok(row.into())
}

/// The user's DEKs, oldest first.
pub async fn list_deks(db: &Db, user_id: &str) -> ApiResult<Vec<DekRecord>> {
    let rows = super::list_owned::<DekRow>(db, "deks", user_id).await?;
    Ok(rows.into_iter().map(Into::into).collect())
}

/// One of the user's DEKs, or 404.
pub async fn get_dek(db: &Db, id: &str, user_id: &str) -> ApiResult<DekRecord> {
    let row = super::get_owned::<DekRow>(db, "deks", "*", id, user_id).await?;
    Ok(row.into())
}

/// Whether the DEK exists and is the user's.
pub async fn dek_is_owned(db: &Db, id: &str, user_id: &str) -> ApiResult<bool> {
    super::exists_owned(db, "deks", id, user_id).await
}
