//! Items: create, list, read, update, delete. Slots are stored as a JSON object of envelopes.

use axum::Json;
use axum::extract::Path;
use axum::http::StatusCode;
use covault::api::{Item, ItemInput, NewItems};

use super::{Created, created};
use crate::auth::{Authed, Caller};
use crate::db::now_ms;
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::state::AppState;
use crate::store;
use crate::validate;

async fn check_dek_is_callers(state: &AppState, caller: &Caller, dek_id: &str) -> ApiResult<()> {
    if store::keystore::dek_is_owned(&state.db, dek_id, &caller.user_id).await? {
        Ok(())
    } else {
        Err(ApiError::bad(
            "InvalidReference",
            "dek_id is not one of your DEKs",
        ))
    }
}

/// Creates an item.
#[utoipa::path(post, path = "/v1/items", request_body = ItemInput,
    responses((status = 201, body = Item), (status = 409)), security(("bearer" = [])))]
pub async fn create(
    Authed { state, caller }: Authed,
    ApiJson(req): ApiJson<ItemInput>,
) -> ApiResult<Created<Item>> {
    validate::id("id", &req.id)?;
    validate::id("dek_id", &req.dek_id)?;
    let version = validate::version("version", req.version)?;
    validate::label_and_slots(&req.label, &req.slots)?;
    check_dek_is_callers(&state, &caller, &req.dek_id).await?;
    let item =
        store::items::create(state.db.writer(), &caller.user_id, &req, version, now_ms()).await?;
    created(item)
}

/// Most items in one batch.
pub const MAX_BATCH: usize = 500;

/// Creates up to 500 items in one transaction: all of them, or (on any error) none.
#[utoipa::path(post, path = "/v1/items/batch", request_body = NewItems,
    responses((status = 201, body = Vec<Item>), (status = 409)), security(("bearer" = [])))]
pub async fn create_batch(
    Authed { state, caller }: Authed,
    ApiJson(batch): ApiJson<NewItems>,
) -> ApiResult<Created<Vec<Item>>> {
    if batch.items.is_empty() || batch.items.len() > MAX_BATCH {
        return Err(ApiError::bad(
            "InvalidField",
            format!("a batch holds 1 to {MAX_BATCH} items"),
        ));
    }
    let mut checked = Vec::with_capacity(batch.items.len());
    let mut deks_checked: Vec<String> = Vec::new();
    for req in batch.items {
        validate::id("id", &req.id)?;
        validate::id("dek_id", &req.dek_id)?;
        let version = validate::version("version", req.version)?;
        validate::label_and_slots(&req.label, &req.slots)?;
        if !deks_checked.contains(&req.dek_id) {
            check_dek_is_callers(&state, &caller, &req.dek_id).await?;
            deks_checked.push(req.dek_id.clone());
        }
        checked.push((req, version));
    }
    let now = now_ms();
    let mut tx = store::begin(&state.db).await?;
    let mut items = Vec::with_capacity(checked.len());
    for (req, version) in checked {
        items.push(store::items::create(&mut *tx, &caller.user_id, &req, version, now).await?);
    }
    tx.commit().await?;
    created(items)
}

/// The caller's items, oldest first.
#[utoipa::path(get, path = "/v1/items", responses((status = 200, body = Vec<Item>)), security(("bearer" = [])))]
pub async fn list(auth: Authed) -> ApiResult<Json<Vec<Item>>> {
    Ok(Json(store::items::list(auth.db(), auth.user_id()).await?))
}

/// One of the caller's items.
#[utoipa::path(get, path = "/v1/items/{id}", responses((status = 200, body = Item), (status = 404)), security(("bearer" = [])))]
pub async fn get(auth: Authed, Path(id): Path<String>) -> ApiResult<Json<Item>> {
    Ok(Json(
        store::items::get(auth.db(), &id, auth.user_id()).await?,
    ))
}

/// Replaces an item's label and slots (it may move to another of the caller's DEKs), as the
/// next version: any other version answers 409 `StaleVersion` and changes nothing.
#[utoipa::path(put, path = "/v1/items/{id}", request_body = ItemInput,
    responses((status = 200, body = Item), (status = 404), (status = 409)), security(("bearer" = [])))]
pub async fn update(
    Authed { state, caller }: Authed,
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
    let stored = store::items::version(&state.db, &id, &caller.user_id).await?;
    validate::id("dek_id", &req.dek_id)?;
    let version = validate::version("version", req.version)?;
    validate::label_and_slots(&req.label, &req.slots)?;
    check_dek_is_callers(&state, &caller, &req.dek_id).await?;
    if version != stored.saturating_add(1) {
        return Err(validate::stale("item", stored));
    }
    // Compare and set: a concurrent writer that got there first leaves no row to update.
    let item = store::items::update(&state.db, &caller.user_id, &req, version, stored, now_ms())
        .await?
        .ok_or_else(|| validate::stale("item", version))?;
    Ok(Json(item))
}

/// Deletes one of the caller's items and its attached files. Shares made from it are separate
/// copies and stay.
#[utoipa::path(delete, path = "/v1/items/{id}", responses((status = 204), (status = 404)), security(("bearer" = [])))]
pub async fn delete(
    Authed { state, caller }: Authed,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    // The blobs first (a store outside the database is not reached by the cascade); the rows go
    // with the item.
    super::files::delete_item_blobs(&state, &id, &caller.user_id).await?;
    store::items::delete(&state.db, &id, &caller.user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
