//! Shares: the sender's re-encrypted copy of an item, its DEK sealed to the connection peer.
//! Only the two parties see a share; an expired share is never served.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use covault::api::{AcceptShare, Direction, NewShare, Share, SharePage, ShareUpdate};
use covault::crypto::Algorithm;
use serde::Deserialize;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::auth::Caller;
use crate::db::{now_ms, parse_rfc3339, rfc3339};
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::routes::connections;
use crate::routes::items::{slots_from_json, slots_to_json};
use crate::state::AppState;
use crate::validate;

/// Longest `terms`, in bytes.
pub const MAX_TERMS: usize = 16 * 1024;
/// Default and largest page size.
pub const DEFAULT_PAGE: i64 = 50;
/// Largest page size.
pub const MAX_PAGE: i64 = 500;

const SELECT: &str =
    "SELECT s.*, us.email AS sender_email, ur.email AS recipient_email FROM shares s
     JOIN users us ON us.id = s.sender_id JOIN users ur ON ur.id = s.recipient_id";

fn share(row: &AnyRow, caller: &Caller) -> ApiResult<Share> {
    let recipient_id: String = row.try_get("recipient_id")?;
    let acceptance_required = row.try_get::<i64, _>("acceptance_required")? != 0;
    let accepted_at: Option<i64> = row.try_get("accepted_at")?;
    // A recipient sees the contents of a share that needs acceptance only once accepted; the
    // sealed DEK comes before, so that their client can check the terms and make the receipt.
    let withheld = acceptance_required && accepted_at.is_none() && recipient_id == caller.user_id;
    let expires_at: Option<i64> = row.try_get("expires_at")?;
    Ok(Share {
        id: row.try_get("id")?,
        connection_id: row.try_get("connection_id")?,
        sender_id: row.try_get("sender_id")?,
        sender_email: row.try_get("sender_email")?,
        recipient_id,
        recipient_email: row.try_get("recipient_email")?,
        label: if withheld {
            None
        } else {
            Some(row.try_get("label")?)
        },
        slots: if withheld {
            None
        } else {
            Some(slots_from_json(&row.try_get::<String, _>("slots")?)?)
        },
        sealed_dek: Some(row.try_get("sealed_dek")?),
        expires_at: expires_at.map(rfc3339),
        terms: row.try_get("terms")?,
        acceptance_required,
        accepted_at: accepted_at.map(rfc3339),
        acceptance: row.try_get("acceptance")?,
        version: u64::try_from(row.try_get::<i64, _>("version")?).unwrap_or_default(),
        created_at: rfc3339(row.try_get("created_at")?),
        updated_at: rfc3339(row.try_get("updated_at")?),
    })
}

/// A live (unexpired) share the caller takes part in, or 404.
async fn find(state: &AppState, caller: &Caller, id: &str) -> ApiResult<AnyRow> {
    sqlx::query(&format!(
        "{SELECT} WHERE s.id = $1 AND (s.sender_id = $2 OR s.recipient_id = $2) AND (s.expires_at IS NULL OR s.expires_at > $3)"
    ))
    .bind(id)
    .bind(&caller.user_id)
    .bind(now_ms())
    .fetch_optional(&state.db.pool)
    .await?
    .ok_or(ApiError::NotFound)
}

/// Shares an item on a connection the caller is on, with the peer.
#[utoipa::path(post, path = "/v1/shares", request_body = NewShare,
    responses((status = 201, body = Share), (status = 409)), security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<NewShare>,
) -> ApiResult<(StatusCode, Json<Share>)> {
    validate::id("id", &req.id)?;
    validate::label_and_slots(&req.label, &req.slots)?;
    validate::envelope("sealed_dek", &req.sealed_dek, Algorithm::HpkeX25519A256Gcm)?;
    let version = validate::version("version", req.version)?;
    let now = now_ms();
    let expires_at = match &req.expires_at {
        Some(text) => {
            let at = parse_rfc3339(text).ok_or_else(|| {
                ApiError::bad("InvalidField", "expires_at must be an RFC 3339 timestamp")
            })?;
            if at <= now {
                return Err(ApiError::bad("InvalidField", "expires_at is in the past"));
            }
            Some(at)
        }
        None => None,
    };
    if req.terms.as_ref().is_some_and(|t| t.len() > MAX_TERMS) {
        return Err(ApiError::bad(
            "InvalidField",
            format!("terms are at most {MAX_TERMS} bytes"),
        ));
    }
    let connection = connections::find(&state, &caller, &req.connection_id)
        .await
        .map_err(|e| match e {
            ApiError::NotFound => ApiError::bad(
                "InvalidReference",
                "connection_id is not one of your connections",
            ),
            other => other,
        })?;
    sqlx::query(
        "INSERT INTO shares (id, connection_id, sender_id, recipient_id, label, slots, sealed_dek, expires_at, terms,
         acceptance_required, accepted_at, created_at, updated_at, version)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, NULL, $11, $11, $12)",
    )
    .bind(&req.id)
    .bind(&req.connection_id)
    .bind(&caller.user_id)
    .bind(&connection.peer.user_id)
    .bind(&req.label)
    .bind(slots_to_json(&req.slots)?)
    .bind(&req.sealed_dek)
    .bind(expires_at)
    .bind(&req.terms)
    .bind(i64::from(req.acceptance_required))
    .bind(now)
    .bind(version)
    .execute(&state.db.pool)
    .await?;
    tracing::info!(share_id = %req.id, "share created");
    let row = find(&state, &caller, &req.id).await?;
    Ok((StatusCode::CREATED, Json(share(&row, &caller)?)))
}

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
    State(state): State<AppState>,
    caller: Caller,
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
    let column = match query.direction {
        Direction::Incoming => "s.recipient_id",
        Direction::Outgoing => "s.sender_id",
    };
    let rows = sqlx::query(&format!(
        "{SELECT} WHERE {column} = $1 AND (s.expires_at IS NULL OR s.expires_at > $2)
         AND (s.created_at < $3 OR (s.created_at = $3 AND ($4 = '' OR s.id < $4)))
         ORDER BY s.created_at DESC, s.id DESC LIMIT $5"
    ))
    .bind(&caller.user_id)
    .bind(now_ms())
    .bind(after_time)
    .bind(&after_id)
    .bind(limit + 1)
    .fetch_all(&state.db.pool)
    .await?;
    let mut shares = rows
        .iter()
        .map(|r| share(r, &caller))
        .collect::<Result<Vec<_>, _>>()?;
    let next_cursor = if shares.len() as i64 > limit {
        shares.truncate(limit as usize);
        let last = rows.get(limit as usize - 1).ok_or(ApiError::NotFound)?;
        Some(format!(
            "{}.{}",
            last.try_get::<i64, _>("created_at")?,
            last.try_get::<String, _>("id")?
        ))
    } else {
        None
    };
    Ok(Json(SharePage {
        shares,
        next_cursor,
    }))
}

/// One share.
#[utoipa::path(get, path = "/v1/shares/{id}", responses((status = 200, body = Share), (status = 404)), security(("bearer" = [])))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Share>> {
    let row = find(&state, &caller, &id).await?;
    Ok(Json(share(&row, &caller)?))
}

/// The recipient accepts a share (and its terms) with a receipt made under the share DEK,
/// which the Vault stores for the sender to check.
#[utoipa::path(put, path = "/v1/shares/{id}/accept", request_body = AcceptShare,
    responses((status = 200, body = Share), (status = 404)), security(("bearer" = [])))]
pub async fn accept(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<AcceptShare>,
) -> ApiResult<Json<Share>> {
    let row = find(&state, &caller, &id).await?;
    if row.try_get::<String, _>("recipient_id")? != caller.user_id {
        return Err(ApiError::bad(
            "NotRecipient",
            "only the recipient can accept a share",
        ));
    }
    validate::envelope("receipt", &req.receipt, Algorithm::A256Gcm)?;
    sqlx::query(
        "UPDATE shares SET accepted_at = $1, acceptance = $2 WHERE id = $3 AND accepted_at IS NULL",
    )
    .bind(now_ms())
    .bind(&req.receipt)
    .bind(&id)
    .execute(&state.db.pool)
    .await?;
    let row = find(&state, &caller, &id).await?;
    Ok(Json(share(&row, &caller)?))
}

/// The sender replaces the shared copy (re-encrypted under the same share DEK) as its next
/// version: any other version answers 409 `StaleVersion` and changes nothing.
#[utoipa::path(put, path = "/v1/shares/{id}", request_body = ShareUpdate,
    responses((status = 200, body = Share), (status = 404), (status = 409)), security(("bearer" = [])))]
pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<ShareUpdate>,
) -> ApiResult<Json<Share>> {
    let row = find(&state, &caller, &id).await?;
    validate::label_and_slots(&req.label, &req.slots)?;
    if row.try_get::<String, _>("sender_id")? != caller.user_id {
        return Err(ApiError::bad(
            "NotSender",
            "only the sender can update a share",
        ));
    }
    let version = validate::version("version", req.version)?;
    let stored: i64 = row.try_get("version")?;
    if version != stored.saturating_add(1) {
        return Err(validate::stale("shared copy", stored));
    }
    let done = sqlx::query(
        "UPDATE shares SET label = $1, slots = $2, updated_at = $3, version = $4 WHERE id = $5 AND version = $6",
    )
    .bind(&req.label)
    .bind(slots_to_json(&req.slots)?)
    .bind(now_ms())
    .bind(version)
    .bind(&id)
    .bind(stored)
    .execute(&state.db.pool)
    .await?;
    if done.rows_affected() == 0 {
        return Err(validate::stale("shared copy", version));
    }
    let row = find(&state, &caller, &id).await?;
    Ok(Json(share(&row, &caller)?))
}

/// Deletes a share; either side may.
#[utoipa::path(delete, path = "/v1/shares/{id}", responses((status = 204), (status = 404)), security(("bearer" = [])))]
pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let status = super::delete_owned(
        &state,
        "DELETE FROM shares WHERE id = $1 AND (sender_id = $2 OR recipient_id = $2)",
        &id,
        &caller,
    )
    .await?;
    tracing::info!(share_id = %id, "share deleted");
    Ok(status)
}
