//! Items: create, list, read, update, delete. Slots are stored as a JSON object of envelopes.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use covault::api::{Item, ItemInput};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::auth::Caller;
use crate::db::{now_ms, rfc3339};
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::state::AppState;
use crate::validate;

pub(crate) fn slots_from_json(text: &str) -> Result<BTreeMap<String, String>, ApiError> {
    serde_json::from_str(text).map_err(|e| ApiError::Internal(anyhow::anyhow!("stored slots: {e}")))
}

pub(crate) fn slots_to_json(slots: &BTreeMap<String, String>) -> Result<String, ApiError> {
    serde_json::to_string(slots).map_err(|e| ApiError::Internal(e.into()))
}

fn item(row: &AnyRow) -> ApiResult<Item> {
    Ok(Item {
        id: row.try_get("id")?,
        dek_id: row.try_get("dek_id")?,
        version: u64::try_from(row.try_get::<i64, _>("version")?).unwrap_or_default(),
        label: row.try_get("label")?,
        slots: slots_from_json(&row.try_get::<String, _>("slots")?)?,
        created_at: rfc3339(row.try_get("created_at")?),
        updated_at: rfc3339(row.try_get("updated_at")?),
    })
}

async fn check_dek_is_callers(state: &AppState, caller: &Caller, dek_id: &str) -> ApiResult<()> {
    let found = sqlx::query("SELECT 1 AS one FROM deks WHERE id = $1 AND user_id = $2")
        .bind(dek_id)
        .bind(&caller.user_id)
        .fetch_optional(&state.db.pool)
        .await?;
    found
        .map(|_| ())
        .ok_or_else(|| ApiError::bad("InvalidReference", "dek_id is not one of your DEKs"))
}

/// Creates an item.
#[utoipa::path(post, path = "/v1/items", request_body = ItemInput,
    responses((status = 201, body = Item), (status = 409)), security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<ItemInput>,
) -> ApiResult<(StatusCode, Json<Item>)> {
    validate::id("id", &req.id)?;
    validate::id("dek_id", &req.dek_id)?;
    let version = validate::version("version", req.version)?;
    validate::label_and_slots(&req.label, &req.slots)?;
    check_dek_is_callers(&state, &caller, &req.dek_id).await?;
    let now = now_ms();
    sqlx::query(
        "INSERT INTO items (id, user_id, dek_id, version, label, slots, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
    )
    .bind(&req.id)
    .bind(&caller.user_id)
    .bind(&req.dek_id)
    .bind(version)
    .bind(&req.label)
    .bind(slots_to_json(&req.slots)?)
    .bind(now)
    .execute(&state.db.pool)
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(Item {
            id: req.id,
            dek_id: req.dek_id,
            version: req.version,
            label: req.label,
            slots: req.slots,
            created_at: rfc3339(now),
            updated_at: rfc3339(now),
        }),
    ))
}

/// The caller's items, oldest first.
#[utoipa::path(get, path = "/v1/items", responses((status = 200, body = Vec<Item>)), security(("bearer" = [])))]
pub async fn list(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<Vec<Item>>> {
    let rows = sqlx::query("SELECT * FROM items WHERE user_id = $1 ORDER BY created_at, id")
        .bind(&caller.user_id)
        .fetch_all(&state.db.pool)
        .await?;
    Ok(Json(rows.iter().map(item).collect::<Result<_, _>>()?))
}

/// One of the caller's items.
#[utoipa::path(get, path = "/v1/items/{id}", responses((status = 200, body = Item), (status = 404)), security(("bearer" = [])))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Item>> {
    let row = sqlx::query("SELECT * FROM items WHERE id = $1 AND user_id = $2")
        .bind(&id)
        .bind(&caller.user_id)
        .fetch_optional(&state.db.pool)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(item(&row)?))
}

/// Replaces an item's label and slots (it may move to another of the caller's DEKs), as the
/// next version: any other version answers 409 `StaleVersion` and changes nothing.
#[utoipa::path(put, path = "/v1/items/{id}", request_body = ItemInput,
    responses((status = 200, body = Item), (status = 404), (status = 409)), security(("bearer" = [])))]
pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<ItemInput>,
) -> ApiResult<Json<Item>> {
    if req.id != id {
        return Err(ApiError::bad(
            "InvalidId",
            "the body's id must match the path",
        ));
    }
    // Someone else's item answers 404 before anything about the body is judged.
    let stored: i64 = sqlx::query("SELECT version FROM items WHERE id = $1 AND user_id = $2")
        .bind(&id)
        .bind(&caller.user_id)
        .fetch_optional(&state.db.pool)
        .await?
        .ok_or(ApiError::NotFound)?
        .try_get("version")?;
    validate::id("dek_id", &req.dek_id)?;
    let version = validate::version("version", req.version)?;
    validate::label_and_slots(&req.label, &req.slots)?;
    check_dek_is_callers(&state, &caller, &req.dek_id).await?;
    if version != stored.saturating_add(1) {
        return Err(validate::stale("item", stored));
    }
    let now = now_ms();
    // Compare and set: a concurrent writer that got there first leaves no row to update.
    let row = sqlx::query(
        "UPDATE items SET dek_id = $1, label = $2, slots = $3, updated_at = $4, version = $5
         WHERE id = $6 AND user_id = $7 AND version = $8 RETURNING *",
    )
    .bind(&req.dek_id)
    .bind(&req.label)
    .bind(slots_to_json(&req.slots)?)
    .bind(now)
    .bind(version)
    .bind(&id)
    .bind(&caller.user_id)
    .bind(stored)
    .fetch_optional(&state.db.pool)
    .await?
    .ok_or_else(|| validate::stale("item", version))?;
    Ok(Json(item(&row)?))
}

/// Deletes one of the caller's items. Shares made from it are separate copies and stay.
#[utoipa::path(delete, path = "/v1/items/{id}", responses((status = 204), (status = 404)), security(("bearer" = [])))]
pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    super::delete_owned(
        &state,
        "DELETE FROM items WHERE id = $1 AND user_id = $2",
        &id,
        &caller,
    )
    .await
}
