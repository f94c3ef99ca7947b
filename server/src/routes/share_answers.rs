//! The recipient's answers to a share: accept it (and its terms) or reject it. Each carries a
//! receipt made under the share DEK, which the Vault stores for the sender to check, so the
//! Vault can neither invent an answer nor swap one for the other.

use axum::Json;
use axum::extract::Path;
use covault::api::{AcceptShare, RejectShare, Share};
use covault::crypto::Algorithm;
use covault::crypto::share::Answer;

use crate::auth::{Authed, Caller};
use crate::db::now_ms;
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::state::AppState;
use crate::store;
use crate::validate;

/// The share `id` if the caller is its recipient, with a well-formed receipt.
async fn recipients_share(
    state: &AppState,
    caller: &Caller,
    id: &str,
    receipt: &str,
) -> ApiResult<store::shares::ShareRow> {
    let row = store::shares::find(&state.db, id, &caller.user_id).await?;
    if row.recipient_id != caller.user_id {
        return Err(ApiError::bad(
            "NotRecipient",
            "only the recipient can answer a share",
        ));
    }
    validate::envelope("receipt", receipt, Algorithm::A256Gcm)?;
    Ok(row)
}

/// The recipient accepts a share (and its terms); a rejected share answers 409.
#[utoipa::path(put, path = "/v1/shares/{id}/accept", request_body = AcceptShare,
    responses((status = 200, body = Share), (status = 404), (status = 409)), security(("bearer" = [])))]
pub async fn accept(
    Authed { state, caller }: Authed,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<AcceptShare>,
) -> ApiResult<Json<Share>> {
    let row = recipients_share(&state, &caller, &id, &req.receipt).await?;
    if row.rejected_at.is_some() {
        return Err(ApiError::Conflict("the share was rejected"));
    }
    // Accepting twice changes nothing and answers the share again.
    store::shares::answer(&state.db, &id, Answer::Accepted, &req.receipt, now_ms()).await?;
    Ok(Json(
        store::shares::get(&state.db, &id, &caller.user_id).await?,
    ))
}

/// The recipient rejects a share: its contents are no longer served to them, and the sender
/// sees the rejection. An accepted or already rejected share answers 409.
#[utoipa::path(put, path = "/v1/shares/{id}/reject", request_body = RejectShare,
    responses((status = 200, body = Share), (status = 404), (status = 409)), security(("bearer" = [])))]
pub async fn reject(
    Authed { state, caller }: Authed,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<RejectShare>,
) -> ApiResult<Json<Share>> {
    recipients_share(&state, &caller, &id, &req.receipt).await?;
    if !store::shares::answer(&state.db, &id, Answer::Rejected, &req.receipt, now_ms()).await? {
        return Err(ApiError::Conflict(
            "the share was already accepted or rejected",
        ));
    }
    tracing::info!(share_id = %id, "share rejected");
    Ok(Json(
        store::shares::get(&state.db, &id, &caller.user_id).await?,
    ))
}
