//! The account record a client seals under its KEK (its default DEK, its pinned connections).
//! The Vault cannot read it; it stores it with its version and takes a write only as the next
//! version, so that two devices of one user cannot overwrite each other unseen.

use axum::Json;
use covault::api::AccountState;
use covault::crypto::Algorithm;

use crate::auth::Authed;
use crate::db::now_ms;
use crate::error::{ApiJson, ApiResult};
use crate::store;
use crate::validate;

/// The caller's account record, or `null` if none was ever written (a 200 rather than a 404:
/// every new account asks once, and browsers log each 404 as an error).
#[utoipa::path(get, path = "/v1/keystore/state",
    responses((status = 200, body = Option<AccountState>)), security(("bearer" = [])))]
pub async fn get(auth: Authed) -> ApiResult<Json<Option<AccountState>>> {
    Ok(Json(
        store::account_state::get(auth.db(), auth.user_id()).await?,
    ))
}

/// Writes the caller's account record as the next version (1 for the first); any other version
/// answers 409 `StaleVersion` and changes nothing.
#[utoipa::path(put, path = "/v1/keystore/state", request_body = AccountState,
    responses((status = 200, body = AccountState), (status = 409)), security(("bearer" = [])))]
pub async fn put(
    auth: Authed,
    ApiJson(req): ApiJson<AccountState>,
) -> ApiResult<Json<AccountState>> {
    validate::envelope("sealed", &req.sealed, Algorithm::A256Gcm)?;
    let version = validate::version("version", req.version)?;
    let now = now_ms();
    let written =
        store::account_state::write(auth.db(), auth.user_id(), version, &req.sealed, now).await?;
    if !written {
        let stored = store::account_state::version(auth.db(), auth.user_id()).await?;
        return Err(validate::stale("account record", stored.unwrap_or(0)));
    }
    tracing::info!(user_id = %auth.user_id(), version, "account record written");
    Ok(Json(req))
}
