//! Items, each the user's own. Updates are compare-and-set on the version, so a concurrent
//! writer that got there first leaves nothing to update rather than being overwritten.

use covault::api::{Item, ItemInput};

use super::{slots_from_json, slots_to_json};
use crate::db::{Db, rfc3339};
use crate::error::ApiResult;

#[derive(sqlx::FromRow)]
struct ItemRow {
    id: String,
    dek_id: String,
    version: i64,
    label: String,
    slots: String,
    created_at: i64,
    updated_at: i64,
}

impl ItemRow {
    fn into_item(self) -> ApiResult<Item> {
        Ok(Item {
            id: self.id,
            dek_id: self.dek_id,
            version: u64::try_from(self.version).unwrap_or_default(),
            label: self.label,
            slots: slots_from_json(&self.slots)?,
            created_at: rfc3339(self.created_at),
            updated_at: rfc3339(self.updated_at),
        })
    }
}

/// Stores a new item of the user at `version` (the request's, checked), on the writer pool or
/// inside a transaction.
pub async fn create<'e>(
    exec: impl sqlx::Executor<'e, Database = sqlx::Any>,
    user_id: &str,
    req: &ItemInput,
    version: i64,
    now: i64,
) -> ApiResult<Item> {
    sqlx::query_as::<_, ItemRow>(
        "INSERT INTO items (id, user_id, dek_id, version, label, slots, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING *",
    )
    .bind(&req.id)
    .bind(user_id)
    .bind(&req.dek_id)
    .bind(version)
    .bind(&req.label)
    .bind(slots_to_json(&req.slots)?)
    .bind(now)
    .fetch_one(exec)
    .await?
    .into_item()
}

/// The user's items, oldest first.
pub async fn list(db: &Db, user_id: &str) -> ApiResult<Vec<Item>> {
    let rows = super::list_owned::<ItemRow>(db, "items", user_id).await?;
    rows.into_iter().map(ItemRow::into_item).collect()
}

/// One of the user's items, or 404.
pub async fn get(db: &Db, id: &str, user_id: &str) -> ApiResult<Item> {
    super::get_owned::<ItemRow>(db, "items", "*", id, user_id)
        .await?
        .into_item()
}

/// The stored version of one of the user's items, or 404.
pub async fn version(db: &Db, id: &str, user_id: &str) -> ApiResult<i64> {
    let (version,) = super::get_owned::<(i64,)>(db, "items", "version", id, user_id).await?;
    Ok(version)
}

/// Replaces the item's DEK, label and slots as `version` if it is still at `stored`; `None`,
/// and nothing changed, if another write got there first.
pub async fn update(
    db: &Db,
    user_id: &str,
    req: &ItemInput,
    version: i64,
    stored: i64,
    now: i64,
) -> ApiResult<Option<Item>> {
    let row = sqlx::query_as::<_, ItemRow>(
        "UPDATE items SET dek_id = $1, label = $2, slots = $3, updated_at = $4, version = $5
         WHERE id = $6 AND user_id = $7 AND version = $8 RETURNING *",
    )
    .bind(&req.dek_id)
    .bind(&req.label)
    .bind(slots_to_json(&req.slots)?)
    .bind(now)
    .bind(version)
    .bind(&req.id)
    .bind(user_id)
    .bind(stored)
    .fetch_optional(db.writer())
    .await?;
    row.map(ItemRow::into_item).transpose()
}

/// Deletes one of the user's items, or 404.
pub async fn delete(db: &Db, id: &str, user_id: &str) -> ApiResult<()> {
    super::delete_owned(db, "items", "user_id = $2", id, user_id).await
}
