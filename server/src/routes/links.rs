//! Share links: the sender creates, lists and revokes them with a session; anyone who holds a
//! link's URL opens it without one. A wrong id, a wrong access key, an expired link and a used
//! up one all answer the same 404, so an opener cannot tell which; those 404s count against the
//! opener's address (as wrong logins do, see `crate::limits`), and wrong passphrases count
//! against the link.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use covault::api::{Link, NewLink, OpenLink, OpenedLink};
use covault::crypto::Algorithm;

use super::{Created, created};
use crate::auth::{Authed, check_auth_key, hash_secret};
use crate::db::{now_ms, parse_rfc3339};
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::limits::{self, ClientAddr};
use crate::state::AppState;
use crate::store;
use crate::validate;

/// Hash label for a link's access key.
pub const ACCESS_LABEL: &str = "covault/v1/link-access-hash";
/// Hash label for a link's passphrase proof.
pub const PASSPHRASE_LABEL: &str = "covault/v1/link-passphrase-hash";

fn key_field(field: &'static str, value: &str) -> ApiResult<()> {
    check_auth_key(value).map_err(|_| {
        ApiError::bad(
            "InvalidField",
            format!("{field} must be 32 bytes of base64url"),
        )
    })
}

/// Stores a new link: its ciphertext, options and the hashes the opener must match.
#[utoipa::path(post, path = "/v1/links", request_body = NewLink,
    responses((status = 201, body = Link), (status = 409)), security(("bearer" = [])))]
pub async fn create(auth: Authed, ApiJson(req): ApiJson<NewLink>) -> ApiResult<Created<Link>> {
    validate::id("id", &req.id)?;
    validate::envelope("ciphertext", &req.ciphertext, Algorithm::A256Gcm)?;
    validate::envelope("sender_record", &req.sender_record, Algorithm::A256Gcm)?;
    key_field("access_key", &req.access_key)?;
    if let Some(proof) = &req.passphrase_proof {
        key_field("passphrase_proof", proof)?;
    }
    if req.max_views == Some(0) {
        return Err(ApiError::bad(
            "InvalidField",
            "max_views must be at least 1",
        ));
    }
    let now = now_ms();
    let expires_at = parse_rfc3339(&req.expires_at)
        .ok_or_else(|| ApiError::bad("InvalidField", "expires_at must be an RFC 3339 timestamp"))?;
    if expires_at <= now {
        return Err(ApiError::bad("InvalidField", "expires_at is in the past"));
    }
    let access = hash_secret(ACCESS_LABEL, &req.access_key);
    let proof = req
        .passphrase_proof
        .as_deref()
        .map(|p| hash_secret(PASSPHRASE_LABEL, p));
    store::links::create(
        auth.db(),
        &req,
        auth.user_id(),
        (&access, proof.as_deref()),
        expires_at,
        now,
    )
    .await?;
    tracing::info!(link_id = %req.id, "link created");
    let link = store::links::find(auth.db(), &req.id)
        .await?
        .ok_or(ApiError::NotFound)?;
    created(link.into_link())
}

/// The caller's links, with the views the Vault counted; expired and used-up ones are listed
/// without their ciphertext (`available: false`).
#[utoipa::path(get, path = "/v1/links",
    responses((status = 200, body = Vec<Link>)), security(("bearer" = [])))]
pub async fn list(auth: Authed) -> ApiResult<Json<Vec<Link>>> {
    Ok(Json(
        store::links::list(auth.db(), auth.user_id(), now_ms()).await?,
    ))
}

/// Revokes a link: its row and ciphertext are deleted at once.
#[utoipa::path(delete, path = "/v1/links/{id}", responses((status = 204), (status = 404)), security(("bearer" = [])))]
pub async fn revoke(auth: Authed, Path(id): Path<String>) -> ApiResult<StatusCode> {
    store::links::delete(auth.db(), &id, auth.user_id()).await?;
    tracing::info!(link_id = %id, "link revoked");
    Ok(StatusCode::NO_CONTENT)
}

/// Opens a link without a session: counts a view and serves the ciphertext, if the access key
/// (and, for a passphrase link, the passphrase proof) match and the link is live. Any other id,
/// key or state is the same 404; a wrong passphrase is 401 and counts against the link.
#[utoipa::path(post, path = "/v1/links/{id}/open", request_body = OpenLink,
    responses((status = 200, body = OpenedLink), (status = 401), (status = 404), (status = 429)))]
pub async fn open(
    State(state): State<AppState>,
    addr: ClientAddr,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<OpenLink>,
) -> ApiResult<Json<OpenedLink>> {
    let now = now_ms();
    let by_addr = match addr {
        ClientAddr(Some(ip)) => vec![format!("link-open:{ip}")],
        ClientAddr(None) => Vec::new(),
    };
    limits::check(&state, &by_addr, now).await?;
    store::links::sweep(&state.db, now).await?;
    let row = store::links::find(&state.db, &id).await?;
    let access = hash_secret(ACCESS_LABEL, &req.access_key);
    let Some(row) = row.filter(|r| r.live(now) && r.access_hash == access) else {
        limits::wrong_attempt(&state, &by_addr, now).await?;
        return Err(ApiError::NotFound);
    };
    if let Some(expected) = &row.passphrase_hash {
        let by_link = vec![format!("link:{}", row.id)];
        limits::check(&state, &by_link, now).await?;
        let given = req
            .passphrase_proof
            .as_deref()
            .map(|p| hash_secret(PASSPHRASE_LABEL, p));
        if given.as_ref() != Some(expected) {
            limits::wrong_attempt(&state, &by_link, now).await?;
            return Err(ApiError::Unauthorized("wrong link passphrase"));
        }
    }
    let (ciphertext, views) = store::links::take_view(&state.db, &row.id, now).await?;
    tracing::info!(link_id = %row.id, "link opened");
    let link = row.into_link();
    Ok(Json(OpenedLink {
        id: link.id,
        ciphertext,
        expires_at: link.expires_at,
        max_views: link.max_views,
        views: u32::try_from(views).unwrap_or(u32::MAX),
    }))
}
