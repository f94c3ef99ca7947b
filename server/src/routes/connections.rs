//! Invitations and connections. An invitation carries the inviter's connection public key and
//! a single-use token (stored hashed, expiring); the invitee accepts with their own public key,
//! and the connection shows each side the other's key.

use axum::Json;
use axum::extract::Path;
use axum::http::StatusCode;
use covault::api::{AcceptInvitation, Connection, CreatedInvitation, Invitation, NewInvitation};

use super::{Created, created};
use crate::auth::{Authed, Caller, INVITATION_LABEL, hash_secret, new_token};
use crate::db::{now_ms, rfc3339};
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::mail::InvitationMail;
use crate::state::AppState;
use crate::store;
use crate::store::connections::Side;
use crate::validate;

/// The caller's side of a new connection: the keypair must be theirs and carry this public key.
async fn callers_side<'a>(
    state: &AppState,
    caller: &'a Caller,
    keypair_id: &'a str,
    public_key: &'a str,
) -> ApiResult<Side<'a>> {
    validate::public_key("public_key", public_key)?;
    validate::id("keypair_id", keypair_id)?;
    let stored = store::keystore::keypair_public_key(&state.db, keypair_id, &caller.user_id)
        .await?
        .ok_or_else(|| {
            ApiError::bad("InvalidReference", "keypair_id is not one of your keypairs")
        })?;
    if stored != public_key {
        return Err(ApiError::bad(
            "InvalidPublicKey",
            "public_key does not match the stored keypair",
        ));
    }
    Ok(Side {
        user_id: &caller.user_id,
        keypair_id,
        public_key,
    })
}

/// Invites someone by email. Returns the id and the token (shown once).
#[utoipa::path(post, path = "/v1/invitations", request_body = NewInvitation,
    responses((status = 201, body = CreatedInvitation)), security(("bearer" = [])))]
pub async fn invite(
    Authed { state, caller }: Authed,
    ApiJson(req): ApiJson<NewInvitation>,
) -> ApiResult<Created<CreatedInvitation>> {
    let email = validate::email(&req.email)?;
    let inviter_side = callers_side(&state, &caller, &req.keypair_id, &req.public_key).await?;
    let inviter = store::users::email(&state.db, &caller.user_id).await?;
    if inviter == email {
        return Err(ApiError::bad("InvalidEmail", "you cannot invite yourself"));
    }
    let now = now_ms();
    crate::limits::invitation(&state, &caller.user_id, now).await?;
    let id = covault::crypto::new_id().map_err(|e| ApiError::Internal(e.into()))?;
    let token = new_token()?;
    let expires_at = now + state.config.invitation_ttl_secs * 1000;
    let new = store::invitations::NewInvitation {
        id: &id,
        inviter: inviter_side,
        email: &email,
        token_hash: &hash_secret(INVITATION_LABEL, &token),
        created_at: now,
        expires_at,
    };
    store::invitations::create(&state.db, &new).await?;
    let expires = rfc3339(expires_at);
    let mail = InvitationMail {
        to: &email,
        inviter: &inviter,
        id: &id,
        token: &token,
        expires_at: &expires,
    };
    if let Err(error) = state.mailer.send_invitation(mail).await {
        // The invitation stands (the inviter has the token); say that the email failed.
        tracing::error!(invitation_id = %id, error = %error, "sending the invitation email failed");
    }
    created(CreatedInvitation {
        id,
        token,
        expires_at: expires,
    })
}

/// The caller's open (unaccepted, unexpired) invitations.
#[utoipa::path(get, path = "/v1/invitations", responses((status = 200, body = Vec<Invitation>)), security(("bearer" = [])))]
pub async fn list_invitations(auth: Authed) -> ApiResult<Json<Vec<Invitation>>> {
    Ok(Json(
        store::invitations::list_open(auth.db(), auth.user_id(), now_ms()).await?,
    ))
}

/// Cancels one of the caller's open invitations.
#[utoipa::path(delete, path = "/v1/invitations/{id}", responses((status = 204), (status = 404)), security(("bearer" = [])))]
pub async fn cancel_invitation(auth: Authed, Path(id): Path<String>) -> ApiResult<StatusCode> {
    store::invitations::cancel(auth.db(), &id, auth.user_id()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Accepts an invitation sent to the caller's email, creating the connection.
#[utoipa::path(post, path = "/v1/connections", request_body = AcceptInvitation,
    responses((status = 201, body = Connection), (status = 404), (status = 410)), security(("bearer" = [])))]
pub async fn accept(
    Authed { state, caller }: Authed,
    ApiJson(req): ApiJson<AcceptInvitation>,
) -> ApiResult<Created<Connection>> {
    validate::id("id", &req.id)?;
    let invitee = callers_side(&state, &caller, &req.keypair_id, &req.public_key).await?;
    let my_email = store::users::email(&state.db, &caller.user_id).await?;
    let now = now_ms();
    let mut tx = store::begin(&state.db).await?;
    let inv = store::invitations::find(&mut tx, &req.invitation_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    // The wrong token, or an invitation for someone else, looks like no invitation at all.
    if inv.token_hash != hash_secret(INVITATION_LABEL, &req.token) || inv.email != my_email {
        return Err(ApiError::NotFound);
    }
    if inv.accepted_at.is_some() {
        return Err(ApiError::Gone("this invitation was already used"));
    }
    if inv.expires_at <= now {
        return Err(ApiError::Gone("this invitation has expired"));
    }
    if !store::invitations::mark_accepted(&mut tx, &req.invitation_id, now).await? {
        return Err(ApiError::Gone("this invitation was already used"));
    }
    let inviter = Side {
        user_id: &inv.inviter_id,
        keypair_id: &inv.keypair_id,
        public_key: &inv.public_key,
    };
    store::connections::create(&mut tx, &req.id, &req.invitation_id, inviter, invitee, now).await?;
    tx.commit().await?;
    tracing::info!(connection_id = %req.id, "connection created");
    let connection = store::connections::get(&state.db, &req.id, &caller.user_id).await?;
    created(connection)
}

/// The caller's connections, oldest first.
#[utoipa::path(get, path = "/v1/connections", responses((status = 200, body = Vec<Connection>)), security(("bearer" = [])))]
pub async fn list(auth: Authed) -> ApiResult<Json<Vec<Connection>>> {
    Ok(Json(
        store::connections::list(auth.db(), auth.user_id()).await?,
    ))
}

/// One connection.
#[utoipa::path(get, path = "/v1/connections/{id}", responses((status = 200, body = Connection), (status = 404)), security(("bearer" = [])))]
pub async fn get(auth: Authed, Path(id): Path<String>) -> ApiResult<Json<Connection>> {
    Ok(Json(
        store::connections::get(auth.db(), &id, auth.user_id()).await?,
    ))
}

/// Deletes a connection (either side may), and every share on it.
#[utoipa::path(delete, path = "/v1/connections/{id}", responses((status = 204), (status = 404)), security(("bearer" = [])))]
pub async fn delete(
    Authed { state, caller }: Authed,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    store::connections::delete(&state.db, &id, &caller.user_id).await?;
    // Its shares went with it, and attached files whose last reference they were.
    super::files::delete_orphans(&state).await?;
    Ok(StatusCode::NO_CONTENT)
}
