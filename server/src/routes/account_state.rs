//! The account record a client seals under its KEK (its default DEK, its pinned connections).
//! The Vault cannot read it; it stores it with its version and takes a write only as the next
//! version, so that two devices of one user cannot overwrite each other unseen.

use axum::Json;
use axum::extract::State;
use covault::api::AccountState;
use covault::crypto::Algorithm;
use sqlx::Row;

use crate::auth::Caller;
use crate::db::now_ms;
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::state::AppState;
use crate::validate;

/// The caller's account record, or `null` if none was ever written (a 200 rather than a 404:
/// every new account asks once, and browsers log each 404 as an error).
#[utoipa::path(get, path = "/v1/keystore/state",
    responses((status = 200, body = Option<AccountState>)), security(("bearer" = [])))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<Option<AccountState>>> {
    let row = sqlx::query("SELECT version, sealed FROM account_states WHERE user_id = $1")
        .bind(&caller.user_id)
        .fetch_optional(&state.db.pool)
        .await?;
    let Some(row) = row else {
        return Ok(Json(None));
    };
    Ok(Json(Some(AccountState {
        version: u64::try_from(row.try_get::<i64, _>("version")?).unwrap_or_default(),
        sealed: row.try_get("sealed")?,
    })))
}

/// Writes the caller's account record as the next version (1 for the first); any other version
/// answers 409 `StaleVersion` and changes nothing.
#[utoipa::path(put, path = "/v1/keystore/state", request_body = AccountState,
    responses((status = 200, body = AccountState), (status = 409)), security(("bearer" = [])))]
pub async fn put(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<AccountState>,
) -> ApiResult<Json<AccountState>> {
    validate::envelope("sealed", &req.sealed, Algorithm::A256Gcm)?;
    let version = validate::version("version", req.version)?;
    let now = now_ms();
    let written = if version == 1 {
        // A concurrent first write loses on the primary key: 409, like any stale version.
        sqlx::query(
            "INSERT INTO account_states (user_id, version, sealed, updated_at) VALUES ($1, 1, $2, $3)",
        )
        .bind(&caller.user_id)
        .bind(&req.sealed)
        .bind(now)
        .execute(&state.db.pool)
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
        .bind(&req.sealed)
        .bind(now)
        .bind(&caller.user_id)
        .bind(version.saturating_sub(1))
        .execute(&state.db.pool)
        .await?
        .rows_affected()
    };
    if written == 0 {
        let stored: Option<i64> =
            sqlx::query("SELECT version FROM account_states WHERE user_id = $1")
                .bind(&caller.user_id)
                .fetch_optional(&state.db.pool)
                .await?
                .map(|row| row.try_get("version"))
                .transpose()?;
        return Err(validate::stale("account record", stored.unwrap_or(0)));
    }
    tracing::info!(user_id = %caller.user_id, version, "account record written");
    Ok(Json(req))
}
