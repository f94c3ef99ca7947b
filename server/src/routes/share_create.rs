//! Making shares: one, or many in one transaction. Each share may bring the sender's kept copy
//! of its DEK, stored in the same transaction, so a share never exists without it. An on-share
//! is checked against its parent here, and takes the parent's commitments.

use covault::api::{NewDek, NewShare, NewShares, Share, SharesCreated};
use covault::crypto::Algorithm;

use super::{Created, created};
use crate::auth::{Authed, Caller};
use crate::db::{now_ms, parse_rfc3339};
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::state::AppState;
use crate::store;
use crate::validate;

/// Longest `terms`, in bytes.
pub const MAX_TERMS: usize = 16 * 1024;
/// Most shares in one batch.
pub const MAX_BATCH: usize = 500;

/// A checked request, ready to store.
struct Checked {
    req: NewShare,
    recipient_id: String,
    expires_at: Option<i64>,
    version: i64,
    root_share_id: Option<String>,
    verification: Option<String>,
}

/// Shares an item on a connection the caller is on, with the peer; with `kept_dek`, the
/// sender's copy of the share DEK is stored in the same transaction.
#[utoipa::path(post, path = "/v1/shares", request_body = NewShare,
    responses((status = 201, body = Share), (status = 409)), security(("bearer" = [])))]
pub async fn create(
    Authed { state, caller }: Authed,
    ApiJson(req): ApiJson<NewShare>,
) -> ApiResult<Created<Share>> {
    let now = now_ms();
    let checked = check(&state, &caller, req, now).await?;
    let id = checked.req.id.clone();
    store_all(&state, &caller, vec![checked], now).await?;
    created(store::shares::get(&state.db, &id, &caller.user_id).await?)
}

/// Makes up to 500 shares in one transaction: all of them, or (on any error) none.
#[utoipa::path(post, path = "/v1/shares/batch", request_body = NewShares,
    responses((status = 201, body = SharesCreated), (status = 409)), security(("bearer" = [])))]
pub async fn create_batch(
    Authed { state, caller }: Authed,
    ApiJson(batch): ApiJson<NewShares>,
) -> ApiResult<Created<SharesCreated>> {
    if batch.shares.is_empty() || batch.shares.len() > MAX_BATCH {
        return Err(ApiError::bad(
            "InvalidField",
            format!("a batch holds 1 to {MAX_BATCH} shares"),
        ));
    }
    let now = now_ms();
    let mut checked = Vec::with_capacity(batch.shares.len());
    for req in batch.shares {
        checked.push(check(&state, &caller, req, now).await?);
    }
    let ids: Vec<String> = checked.iter().map(|c| c.req.id.clone()).collect();
    store_all(&state, &caller, checked, now).await?;
    let mut shares = Vec::with_capacity(ids.len());
    for id in ids {
        shares.push(store::shares::get(&state.db, &id, &caller.user_id).await?);
    }
    created(SharesCreated { shares })
}

/// Stores checked shares and their kept DEKs in one transaction.
async fn store_all(
    state: &AppState,
    caller: &Caller,
    checked: Vec<Checked>,
    now: i64,
) -> ApiResult<()> {
    let mut tx = store::begin(&state.db).await?;
    for c in checked {
        let lineage = store::shares::Lineage {
            root_share_id: c.root_share_id.as_deref(),
            verification: c.verification,
        };
        store::shares::create(
            &mut *tx,
            &c.req,
            &caller.user_id,
            &c.recipient_id,
            c.expires_at,
            c.version,
            now,
            lineage,
        )
        .await?;
        if let Some(kept) = &c.req.kept_dek {
            let dek = NewDek {
                id: c.req.id.clone(),
                wrapped_key: kept.clone(),
            };
            store::keystore::create_dek(&mut *tx, &caller.user_id, dek, now).await?;
        }
        tracing::info!(share_id = %c.req.id, "share created");
    }
    tx.commit().await?;
    Ok(())
}

/// Validates one request and decides who receives it and what it hangs under.
async fn check(state: &AppState, caller: &Caller, req: NewShare, now: i64) -> ApiResult<Checked> {
    validate::id("id", &req.id)?;
    validate::label_and_slots(&req.label, &req.slots)?;
    validate::envelope("sealed_dek", &req.sealed_dek, Algorithm::HpkeX25519A256Gcm)?;
    for (field, value) in [("meta", &req.meta), ("kept_dek", &req.kept_dek)] {
        if let Some(value) = value {
            validate::envelope(field, value, Algorithm::A256Gcm)?;
        }
    }
    let version = validate::version("version", req.version)?;
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
    let connection = store::connections::get(&state.db, &req.connection_id, &caller.user_id)
        .await
        .map_err(|e| match e {
            ApiError::NotFound => ApiError::bad(
                "InvalidReference",
                "connection_id is not one of your connections",
            ),
            other => other,
        })?;
    let (root_share_id, verification) = match &req.parent_share_id {
        Some(id) => {
            let parent = on_share_parent(state, id, &caller.user_id).await?;
            if req.verification.is_some() {
                return Err(ApiError::bad(
                    "InvalidField",
                    "an on-share carries its parent's commitments: send no verification",
                ));
            }
            let root = parent.root_share_id.clone().unwrap_or(parent.id.clone());
            (Some(root), parent.verification)
        }
        None => (
            None,
            commitments(req.verification.as_ref(), req.on_sharing)?,
        ),
    };
    Ok(Checked {
        recipient_id: connection.peer.user_id,
        req,
        expires_at,
        version,
        root_share_id,
        verification,
    })
}

/// The incoming share an on-share is made from, if the caller may share it on: theirs, live,
/// permitting on-sharing, not rejected and, if it needs acceptance, accepted.
async fn on_share_parent(
    state: &AppState,
    id: &str,
    user_id: &str,
) -> ApiResult<store::shares::ShareRow> {
    let parent = match store::shares::find(&state.db, id, user_id).await {
        Ok(row) if row.recipient_id == user_id => row,
        Ok(_) | Err(ApiError::NotFound) => {
            return Err(ApiError::bad(
                "InvalidReference",
                "parent_share_id is not a share shared with you",
            ));
        }
        Err(other) => return Err(other),
    };
    if parent.on_sharing == 0 {
        return Err(ApiError::bad(
            "OnSharingNotAllowed",
            "the share's sender did not permit sharing it on",
        ));
    }
    if parent.rejected_at.is_some() || (parent.acceptance_required() && !parent.accepted()) {
        return Err(ApiError::bad(
            "NotAccepted",
            "accept the share before sharing it on",
        ));
    }
    Ok(parent)
}

/// A root share's commitments as stored: only on a share that permits on-sharing, one
/// well-formed tag per slot name.
pub fn commitments(
    given: Option<&std::collections::BTreeMap<String, String>>,
    on_sharing: bool,
) -> ApiResult<Option<String>> {
    let Some(given) = given else {
        return Ok(None);
    };
    if !on_sharing {
        return Err(ApiError::bad(
            "InvalidField",
            "verification belongs only to a share that permits on-sharing",
        ));
    }
    if given.len() > validate::MAX_SLOTS {
        return Err(ApiError::bad("TooManySlots", "too many commitments"));
    }
    let tag_ok = |t: &String| {
        t.len() == 43
            && t.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    if !given.values().all(tag_ok) {
        return Err(ApiError::bad(
            "InvalidField",
            "each commitment is 32 bytes of unpadded base64url",
        ));
    }
    Ok(Some(
        serde_json::to_string(given).map_err(|e| ApiError::Internal(e.into()))?,
    ))
}
