//! The database behind the routes: every query the handlers need, written once for sqlx's
//! `Any` driver so that SQLite and PostgreSQL run the same SQL. Rows are read into `FromRow`
//! structs and converted into the `covault::api` types here, so that handlers deal only in
//! requests, answers and the decisions between them. The shapes every owned table shares (a
//! user's rows oldest first, one row that is absent or someone else's, a deletion scoped to its
//! owner, a deletion by key) are the helpers below, so that each table asks for them the same way.

pub mod account_state;
pub mod blobs;
pub mod connections;
pub mod files;
pub mod invitations;
pub mod items;
pub mod keystore;
pub mod limits;
pub mod links;
pub mod share_files;
pub mod shares;
pub mod users;

use std::collections::BTreeMap;

use sqlx::any::AnyRow;
use sqlx::{Any, AnyConnection, Executor, FromRow, Transaction};

use crate::db::Db;
use crate::error::{ApiError, ApiResult};

/// A transaction: a route that must make several changes at once (accepting an invitation)
/// holds one and passes it to each store function in turn.
pub type Tx = Transaction<'static, sqlx::Any>;

/// Starts a transaction.
pub async fn begin(db: &Db) -> ApiResult<Tx> {
    Ok(db.writer().begin().await?)
}

/// A connection inside a transaction, for the store functions that take one.
pub type Conn = AnyConnection;

/// Rows that `FromRow` can read from an `Any` row.
pub(crate) trait FromAnyRow: for<'r> FromRow<'r, AnyRow> + Send + Unpin {}
impl<T: for<'r> FromRow<'r, AnyRow> + Send + Unpin> FromAnyRow for T {}

/// Every row of `table` that belongs to `user_id`, oldest first (ties by id).
pub(crate) async fn list_owned<R: FromAnyRow>(
    db: &Db,
    table: &str,
    user_id: &str,
) -> ApiResult<Vec<R>> {
    Ok(sqlx::query_as::<_, R>(&format!(
        "SELECT * FROM {table} WHERE user_id = $1 ORDER BY created_at, id"
    ))
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?)
}

/// `columns` of the row `id` of `table` if it belongs to `user_id`.
pub(crate) async fn find_owned<R: FromAnyRow>(
    db: &Db,
    table: &str,
    columns: &str,
    id: &str,
    user_id: &str,
) -> ApiResult<Option<R>> {
    Ok(sqlx::query_as::<_, R>(&format!(
        "SELECT {columns} FROM {table} WHERE id = $1 AND user_id = $2"
    ))
    .bind(id)
    .bind(user_id)
    .fetch_optional(&db.pool)
    .await?)
}

/// As `find_owned`, but a row that is absent or someone else's answers 404, alike.
pub(crate) async fn get_owned<R: FromAnyRow>(
    db: &Db,
    table: &str,
    columns: &str,
    id: &str,
    user_id: &str,
) -> ApiResult<R> {
    find_owned(db, table, columns, id, user_id)
        .await?
        .ok_or(ApiError::NotFound)
}

/// Whether the row `id` of `table` exists and belongs to `user_id`.
pub(crate) async fn exists_owned(db: &Db, table: &str, id: &str, user_id: &str) -> ApiResult<bool> {
    let found = find_owned::<(String,)>(db, table, "id", id, user_id).await?;
    Ok(found.is_some())
}

/// Deletes the row `id` of `table` where `owner` (a condition on `$2`, the caller's user id)
/// holds: a row that is absent or not the caller's answers 404 alike.
pub(crate) async fn delete_owned(
    db: &Db,
    table: &str,
    owner: &str,
    id: &str,
    user_id: &str,
) -> ApiResult<()> {
    let done = sqlx::query(&format!("DELETE FROM {table} WHERE id = $1 AND {owner}"))
        .bind(id)
        .bind(user_id)
        .execute(db.writer())
        .await?;
    if done.rows_affected() == 0 {
        return Err(ApiError::NotFound);
    }
    Ok(())
}

/// Deletes every row of `table` whose `column` is `value`, on the writer pool or inside a
/// transaction: for keys the caller has already vouched for (`delete_owned` checks the owner).
pub(crate) async fn delete_where<'e>(
    exec: impl Executor<'e, Database = Any>,
    table: &str,
    column: &str,
    value: &str,
) -> ApiResult<()> {
    sqlx::query(&format!("DELETE FROM {table} WHERE {column} = $1"))
        .bind(value)
        .execute(exec)
        .await?;
    Ok(())
}

/// Slots are stored as one JSON object of envelopes.
pub(crate) fn slots_from_json(text: &str) -> ApiResult<BTreeMap<String, String>> {
    serde_json::from_str(text).map_err(|e| ApiError::Internal(anyhow::anyhow!("stored slots: {e}")))
}

/// The stored form of slots.
pub(crate) fn slots_to_json(slots: &BTreeMap<String, String>) -> ApiResult<String> {
    serde_json::to_string(slots).map_err(|e| ApiError::Internal(e.into()))
}
