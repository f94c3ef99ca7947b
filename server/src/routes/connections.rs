//! Invitations and connections. An invitation carries the inviter's connection public key and
//! a single-use token (stored hashed, expiring); the invitee accepts with their own public key,
//! and the connection shows each side the other's key.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use covault::api::{
    AcceptInvitation, Connection, ConnectionSide, CreatedInvitation, Invitation, NewInvitation,
};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::auth::{Caller, INVITATION_LABEL, hash_secret, new_token};
use crate::db::{now_ms, rfc3339};
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::mail::InvitationMail;
use crate::state::AppState;
use crate::validate;

/// The keypair must be the caller's and carry this public key.
async fn check_keypair(
    state: &AppState,
    caller: &Caller,
    keypair_id: &str,
    public_key: &str,
) -> ApiResult<()> {
    let row = sqlx::query("SELECT public_key FROM keypairs WHERE id = $1 AND user_id = $2")
        .bind(keypair_id)
        .bind(&caller.user_id)
        .fetch_optional(&state.db.pool)
        .await?
        .ok_or_else(|| {
            ApiError::bad("InvalidReference", "keypair_id is not one of your keypairs")
        })?;
    if row.try_get::<String, _>("public_key")? != public_key {
        return Err(ApiError::bad(
            "InvalidPublicKey",
            "public_key does not match the stored keypair",
        ));
    }
    Ok(())
}

async fn email_of(state: &AppState, user_id: &str) -> ApiResult<String> {
    let row = sqlx::query("SELECT email FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(&state.db.pool)
        .await?;
    Ok(row.try_get("email")?)
}

/// Invites someone by email. Returns the id and the token (shown once).
#[utoipa::path(post, path = "/v1/invitations", request_body = NewInvitation,
    responses((status = 201, body = CreatedInvitation)), security(("bearer" = [])))]
pub async fn invite(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<NewInvitation>,
) -> ApiResult<(StatusCode, Json<CreatedInvitation>)> {
    let email = validate::email(&req.email)?;
    validate::public_key("public_key", &req.public_key)?;
    validate::id("keypair_id", &req.keypair_id)?;
    check_keypair(&state, &caller, &req.keypair_id, &req.public_key).await?;
    let inviter = email_of(&state, &caller.user_id).await?;
    if inviter == email {
        return Err(ApiError::bad("InvalidEmail", "you cannot invite yourself"));
    }
    let now = now_ms();
    crate::limits::invitation(&state, &caller.user_id, now).await?;
    let id = covault::crypto::new_id().map_err(|e| ApiError::Internal(e.into()))?;
    let token = new_token()?;
    let expires_at = now + state.config.invitation_ttl_secs * 1000;
    sqlx::query(
        "INSERT INTO invitations (id, inviter_id, email, public_key, keypair_id, token_hash, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&id)
    .bind(&caller.user_id)
    .bind(&email)
    .bind(&req.public_key)
    .bind(&req.keypair_id)
    .bind(hash_secret(INVITATION_LABEL, &token))
    .bind(now)
    .bind(expires_at)
    .execute(&state.db.pool)
    .await?;
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
    Ok((
        StatusCode::CREATED,
        Json(CreatedInvitation {
            id,
            token,
            expires_at: expires,
        }),
    ))
}

fn invitation(row: &AnyRow) -> ApiResult<Invitation> {
    Ok(Invitation {
        id: row.try_get("id")?,
        email: row.try_get("email")?,
        public_key: row.try_get("public_key")?,
        keypair_id: row.try_get("keypair_id")?,
        created_at: rfc3339(row.try_get("created_at")?),
        expires_at: rfc3339(row.try_get("expires_at")?),
    })
}

/// The caller's open (unaccepted, unexpired) invitations.
#[utoipa::path(get, path = "/v1/invitations", responses((status = 200, body = Vec<Invitation>)), security(("bearer" = [])))]
pub async fn list_invitations(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<Vec<Invitation>>> {
    let rows = sqlx::query(
        "SELECT * FROM invitations WHERE inviter_id = $1 AND accepted_at IS NULL AND expires_at > $2 ORDER BY created_at, id",
    )
    .bind(&caller.user_id)
    .bind(now_ms())
    .fetch_all(&state.db.pool)
    .await?;
    Ok(Json(rows.iter().map(invitation).collect::<Result<_, _>>()?))
}

/// Cancels one of the caller's open invitations.
#[utoipa::path(delete, path = "/v1/invitations/{id}", responses((status = 204), (status = 404)), security(("bearer" = [])))]
pub async fn cancel_invitation(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    super::delete_owned(
        &state,
        "DELETE FROM invitations WHERE id = $1 AND inviter_id = $2 AND accepted_at IS NULL",
        &id,
        &caller,
    )
    .await
}

/// Accepts an invitation sent to the caller's email, creating the connection.
#[utoipa::path(post, path = "/v1/connections", request_body = AcceptInvitation,
    responses((status = 201, body = Connection), (status = 404), (status = 410)), security(("bearer" = [])))]
pub async fn accept(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<AcceptInvitation>,
) -> ApiResult<(StatusCode, Json<Connection>)> {
    validate::id("id", &req.id)?;
    validate::public_key("public_key", &req.public_key)?;
    validate::id("keypair_id", &req.keypair_id)?;
    check_keypair(&state, &caller, &req.keypair_id, &req.public_key).await?;
    let my_email = email_of(&state, &caller.user_id).await?;
    let now = now_ms();
    let mut tx = state.db.pool.begin().await?;
    let inv = sqlx::query("SELECT * FROM invitations WHERE id = $1")
        .bind(&req.invitation_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(ApiError::NotFound)?;
    // The wrong token, or an invitation for someone else, looks like no invitation at all.
    if inv.try_get::<String, _>("token_hash")? != hash_secret(INVITATION_LABEL, &req.token)
        || inv.try_get::<String, _>("email")? != my_email
    {
        return Err(ApiError::NotFound);
    }
    if inv.try_get::<Option<i64>, _>("accepted_at")?.is_some() {
        return Err(ApiError::Gone("this invitation was already used"));
    }
    if inv.try_get::<i64, _>("expires_at")? <= now {
        return Err(ApiError::Gone("this invitation has expired"));
    }
    let used = sqlx::query(
        "UPDATE invitations SET accepted_at = $1 WHERE id = $2 AND accepted_at IS NULL",
    )
    .bind(now)
    .bind(&req.invitation_id)
    .execute(&mut *tx)
    .await?;
    if used.rows_affected() != 1 {
        return Err(ApiError::Gone("this invitation was already used"));
    }
    let inviter: String = inv.try_get("inviter_id")?;
    sqlx::query(
        "INSERT INTO connections (id, invitation_id, a_user_id, a_keypair_id, a_public_key, b_user_id, b_keypair_id, b_public_key, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&req.id)
    .bind(&req.invitation_id)
    .bind(&inviter)
    .bind(inv.try_get::<String, _>("keypair_id")?)
    .bind(inv.try_get::<String, _>("public_key")?)
    .bind(&caller.user_id)
    .bind(&req.keypair_id)
    .bind(&req.public_key)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    tracing::info!(connection_id = %req.id, "connection created");
    let connection = find(&state, &caller, &req.id).await?;
    Ok((StatusCode::CREATED, Json(connection)))
}

const SELECT: &str = "SELECT c.*, ua.email AS a_email, ub.email AS b_email FROM connections c
     JOIN users ua ON ua.id = c.a_user_id JOIN users ub ON ub.id = c.b_user_id";

fn connection(row: &AnyRow, caller: &Caller) -> ApiResult<Connection> {
    let side = |p: &str| -> ApiResult<ConnectionSide> {
        Ok(ConnectionSide {
            user_id: row.try_get(format!("{p}_user_id").as_str())?,
            email: row.try_get(format!("{p}_email").as_str())?,
            public_key: row.try_get(format!("{p}_public_key").as_str())?,
            keypair_id: row.try_get(format!("{p}_keypair_id").as_str())?,
        })
    };
    let (a, b) = (side("a")?, side("b")?);
    let (me, peer) = if a.user_id == caller.user_id {
        (a, b)
    } else {
        (b, a)
    };
    Ok(Connection {
        id: row.try_get("id")?,
        me,
        peer,
        created_at: rfc3339(row.try_get("created_at")?),
    })
}

/// A connection the caller is on, or 404.
pub(crate) async fn find(state: &AppState, caller: &Caller, id: &str) -> ApiResult<Connection> {
    let row = sqlx::query(&format!(
        "{SELECT} WHERE c.id = $1 AND (c.a_user_id = $2 OR c.b_user_id = $2)"
    ))
    .bind(id)
    .bind(&caller.user_id)
    .fetch_optional(&state.db.pool)
    .await?
    .ok_or(ApiError::NotFound)?;
    connection(&row, caller)
}

/// The caller's connections, oldest first.
#[utoipa::path(get, path = "/v1/connections", responses((status = 200, body = Vec<Connection>)), security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<Vec<Connection>>> {
    let rows = sqlx::query(&format!(
        "{SELECT} WHERE c.a_user_id = $1 OR c.b_user_id = $1 ORDER BY c.created_at, c.id"
    ))
    .bind(&caller.user_id)
    .fetch_all(&state.db.pool)
    .await?;
    Ok(Json(
        rows.iter()
            .map(|r| connection(r, &caller))
            .collect::<Result<_, _>>()?,
    ))
}

/// One connection.
#[utoipa::path(get, path = "/v1/connections/{id}", responses((status = 200, body = Connection), (status = 404)), security(("bearer" = [])))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Connection>> {
    Ok(Json(find(&state, &caller, &id).await?))
}

/// Deletes a connection (either side may), and every share on it.
#[utoipa::path(delete, path = "/v1/connections/{id}", responses((status = 204), (status = 404)), security(("bearer" = [])))]
pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    super::delete_owned(
        &state,
        "DELETE FROM connections WHERE id = $1 AND (a_user_id = $2 OR b_user_id = $2)",
        &id,
        &caller,
    )
    .await
}
