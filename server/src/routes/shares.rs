//! Shares: the sender's re-encrypted copy of an item, its DEK sealed to the connection peer.
//! Only the two parties see a share; an expired share is never served.

use axum::Json;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use covault::api::{Direction, Share, ShareCopies, SharePage, ShareUpdate};
use serde::Deserialize;

use crate::auth::Authed;
use crate::db::now_ms;
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::store;
use crate::validate;

/// Default and largest page size.
pub const DEFAULT_PAGE: i64 = 50;
/// Largest page size.
pub const MAX_PAGE: i64 = 500;

/// Query of `GET /v1/shares`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// `incoming` (default) or `outgoing`.
    #[serde(default)]
    pub direction: Direction,
    /// Page size, 1 to 500 (default 50).
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Lists live shares, newest first, a page at a time.
#[utoipa::path(get, path = "/v1/shares", params(ListQuery),
    responses((status = 200, body = SharePage)), security(("bearer" = [])))]
pub async fn list(
    auth: Authed,
    query: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<Json<SharePage>> {
    let Query(query) = query.map_err(|e| ApiError::bad("InvalidQuery", e.body_text()))?;
    let limit = query.limit.unwrap_or(DEFAULT_PAGE);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(ApiError::bad(
            "InvalidQuery",
            format!("limit must be 1 to {MAX_PAGE}"),
        ));
    }
    let (after_time, after_id) = match &query.cursor {
        Some(cursor) => {
            let (t, id) = cursor
                .split_once('.')
                .and_then(|(t, id)| Some((t.parse::<i64>().ok()?, id.to_owned())))
                .ok_or_else(|| ApiError::bad("InvalidQuery", "malformed cursor"))?;
            (t, id)
        }
        None => (i64::MAX, String::new()),
    };
    let rows = store::shares::page(
        auth.db(),
        auth.user_id(),
        query.direction,
        (after_time, &after_id),
        limit + 1,
    )
    .await?;
    let next_cursor = if rows.len() as i64 > limit {
        let last = rows.get(limit as usize - 1).ok_or(ApiError::NotFound)?;
        Some(last.cursor())
    } else {
        None
    };
    let mut shares = rows
        .into_iter()
        .map(|r| r.into_share(auth.user_id()))
        .collect::<Result<Vec<_>, _>>()?;
    shares.truncate(limit as usize);
    Ok(Json(SharePage {
        shares,
        next_cursor,
    }))
}

/// One share.
#[utoipa::path(get, path = "/v1/shares/{id}", responses((status = 200, body = Share), (status = 404)), security(("bearer" = [])))]
pub async fn get(auth: Authed, Path(id): Path<String>) -> ApiResult<Json<Share>> {
    Ok(Json(
        store::shares::get(auth.db(), &id, auth.user_id()).await?,
    ))
}

/// The sender replaces the shared copy (re-encrypted under the same share DEK) as its next
/// version: any other version answers 409 `StaleVersion` and changes nothing.
#[utoipa::path(put, path = "/v1/shares/{id}", request_body = ShareUpdate,
    responses((status = 200, body = Share), (status = 404), (status = 409)), security(("bearer" = [])))]
pub async fn update(
    Authed { state, caller }: Authed,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<ShareUpdate>,
) -> ApiResult<Json<Share>> {
    let row = store::shares::find(&state.db, &id, &caller.user_id).await?;
    validate::label_and_slots(&req.label, &req.slots)?;
    if row.sender_id != caller.user_id {
        return Err(ApiError::bad(
            "NotSender",
            "only the sender can update a share",
        ));
    }
    let version = validate::version("version", req.version)?;
    let stored = row.version;
    if version != stored.saturating_add(1) {
        return Err(validate::stale("shared copy", stored));
    }
    let verification = match &row.parent_share_id_ref() {
        // An on-share takes its parent's current commitments (or keeps its own if the parent
        // is gone).
        Some(parent) => {
            if req.verification.is_some() {
                return Err(ApiError::bad(
                    "InvalidField",
                    "an on-share carries its parent's commitments: send no verification",
                ));
            }
            match store::shares::find(&state.db, parent, &caller.user_id).await {
                Ok(parent) => parent.verification,
                Err(ApiError::NotFound) => row.verification.clone(),
                Err(other) => return Err(other),
            }
        }
        None => super::share_create::commitments(req.verification.as_ref(), row.on_sharing != 0)?,
    };
    let versions = (version, stored);
    if !store::shares::update(&state.db, &id, &req, verification, versions, now_ms()).await? {
        return Err(validate::stale("shared copy", version));
    }
    Ok(Json(
        store::shares::get(&state.db, &id, &caller.user_id).await?,
    ))
}

/// The on-shares downstream of one of the caller's own (root) shares, as the Vault knows them.
#[utoipa::path(get, path = "/v1/shares/{id}/copies",
    responses((status = 200, body = ShareCopies), (status = 404)), security(("bearer" = [])))]
pub async fn copies(
    Authed { state, caller }: Authed,
    Path(id): Path<String>,
) -> ApiResult<Json<ShareCopies>> {
    let row = store::shares::find(&state.db, &id, &caller.user_id).await?;
    if row.sender_id != caller.user_id {
        return Err(ApiError::bad(
            "NotSender",
            "only the sender can list who holds copies of a share",
        ));
    }
    let root = row.root_share_id.as_deref().unwrap_or(&row.id);
    Ok(Json(ShareCopies {
        copies: store::shares::copies(&state.db, root).await?,
    }))
}

/// Deletes a share; either side may.
#[utoipa::path(delete, path = "/v1/shares/{id}", responses((status = 204), (status = 404)), security(("bearer" = [])))]
pub async fn delete(
    Authed { state, caller }: Authed,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    store::shares::delete(&state.db, &id, &caller.user_id).await?;
    tracing::info!(share_id = %id, "share deleted");
    // Attached files whose last reference this share was.
    super::files::delete_orphans(&state).await?;
    Ok(StatusCode::NO_CONTENT)
}
