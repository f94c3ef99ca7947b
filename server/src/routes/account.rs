//! Prelogin, sign-up, login and logout.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use covault::api::{LoginRequest, PreloginRequest, PreloginResponse, Session, SignupRequest, User};
use covault::crypto::encoding::{from_base64url, to_base64url};
use covault::crypto::{Algorithm, KdfParams};
use hmac::{KeyInit, Mac};
use sqlx::Row;

use crate::auth::{AUTH_KEY_LABEL, Caller, SESSION_LABEL, check_auth_key, hash_secret, new_token};
use crate::db::{now_ms, rfc3339};
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::limits::{self, ClientAddr};
use crate::state::AppState;
use crate::validate;

/// KDF parameters and salt for an email; a stable decoy for an unknown one.
#[utoipa::path(post, path = "/v1/prelogin", request_body = PreloginRequest,
    responses((status = 200, body = PreloginResponse)))]
pub async fn prelogin(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<PreloginRequest>,
) -> ApiResult<Json<PreloginResponse>> {
    let email = validate::email(&req.email)?;
    let row = sqlx::query(
        "SELECT kdf_memory_kib, kdf_iterations, kdf_parallelism, salt FROM users WHERE email = $1",
    )
    .bind(&email)
    .fetch_optional(&state.db.pool)
    .await?;
    let response = match row {
        Some(row) => PreloginResponse {
            kdf: kdf_from_row(&row)?,
            salt: row.try_get("salt")?,
        },
        None => decoy(&state, &email)?,
    };
    Ok(Json(response))
}

/// The same answer for the same unknown email, from every instance, forever: default
/// parameters and a salt that is an HMAC of the email under a key kept in the database.
fn decoy(state: &AppState, email: &str) -> ApiResult<PreloginResponse> {
    let mut mac = <hmac::Hmac<sha2::Sha256> as KeyInit>::new_from_slice(state.decoy_key.as_slice())
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("hmac key: {e}")))?;
    mac.update(email.as_bytes());
    let tag = mac.finalize().into_bytes();
    Ok(PreloginResponse {
        kdf: KdfParams::default(),
        salt: to_base64url(tag.get(..16).unwrap_or_default()),
    })
}

pub(crate) fn kdf_from_row(row: &sqlx::any::AnyRow) -> Result<KdfParams, sqlx::Error> {
    let get = |name: &str| -> Result<u32, sqlx::Error> {
        let value: i64 = row.try_get(name)?;
        u32::try_from(value).map_err(|e| sqlx::Error::Decode(Box::new(e)))
    };
    Ok(KdfParams {
        memory_kib: get("kdf_memory_kib")?,
        iterations: get("kdf_iterations")?,
        parallelism: get("kdf_parallelism")?,
    })
}

/// Checks the parts of a sign-up or passphrase change that the server can check.
pub(crate) fn check_account_material(
    kdf: &KdfParams,
    salt: &str,
    auth_key: &str,
    wrapped_kek: &str,
) -> ApiResult<()> {
    kdf.check()
        .map_err(|e| ApiError::bad("InvalidKdfParams", e.to_string()))?;
    match from_base64url(salt, "salt") {
        Ok(bytes) if bytes.len() == 16 => {}
        _ => {
            return Err(ApiError::bad(
                "InvalidField",
                "salt must be 16 bytes of base64url",
            ));
        }
    }
    check_auth_key(auth_key)?;
    validate::envelope("wrapped_kek", wrapped_kek, Algorithm::A256Gcm)
}

/// Creates an account. Returns the user; log in next.
#[utoipa::path(post, path = "/v1/users", request_body = SignupRequest,
    responses((status = 201, body = User), (status = 409, description = "email or id taken"),
        (status = 429, description = "this address tried too many taken emails; `Retry-After` says when to try again")))]
pub async fn signup(
    State(state): State<AppState>,
    addr: ClientAddr,
    ApiJson(req): ApiJson<SignupRequest>,
) -> ApiResult<(StatusCode, Json<User>)> {
    validate::id("user_id", &req.user_id)?;
    let email = validate::email(&req.email)?;
    check_account_material(&req.kdf, &req.salt, &req.auth_key, &req.wrapped_kek)?;
    let now = now_ms();
    // An address that keeps hitting taken emails learns nothing more until it has waited.
    let subjects = limits::signup_subject(addr);
    limits::check(&state, &subjects, now).await?;
    let created = sqlx::query(
        "INSERT INTO users (id, email, kdf_memory_kib, kdf_iterations, kdf_parallelism, salt, auth_key_hash, wrapped_kek, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&req.user_id)
    .bind(&email)
    .bind(i64::from(req.kdf.memory_kib))
    .bind(i64::from(req.kdf.iterations))
    .bind(i64::from(req.kdf.parallelism))
    .bind(&req.salt)
    .bind(hash_secret(AUTH_KEY_LABEL, &req.auth_key))
    .bind(&req.wrapped_kek)
    .bind(now)
    .execute(&state.db.pool)
    .await;
    if let Err(e) = created {
        return Err(match ApiError::from(e) {
            ApiError::Conflict(_) => {
                limits::wrong_attempt(&state, &subjects, now).await?;
                ApiError::Conflict("an account with this email or id already exists")
            }
            other => other,
        });
    }
    tracing::info!(user_id = %req.user_id, "user created");
    Ok((
        StatusCode::CREATED,
        Json(User {
            id: req.user_id,
            email,
            created_at: rfc3339(now),
        }),
    ))
}

/// The caller.
#[utoipa::path(get, path = "/v1/users/me", responses((status = 200, body = User)), security(("bearer" = [])))]
pub async fn me(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<User>> {
    let row = sqlx::query("SELECT id, email, created_at FROM users WHERE id = $1")
        .bind(&caller.user_id)
        .fetch_one(&state.db.pool)
        .await?;
    Ok(Json(User {
        id: row.try_get("id")?,
        email: row.try_get("email")?,
        created_at: rfc3339(row.try_get("created_at")?),
    }))
}

/// Logs in with the auth key. A correct key always logs in; wrong ones are limited per account
/// and per client address with an exponential back-off (see `limits`; in the database, so the
/// limits hold across instances and restarts).
#[utoipa::path(post, path = "/v1/sessions", request_body = LoginRequest,
    responses((status = 201, body = Session), (status = 401), (status = 429)))]
pub async fn login(
    State(state): State<AppState>,
    addr: ClientAddr,
    ApiJson(req): ApiJson<LoginRequest>,
) -> ApiResult<(StatusCode, Json<Session>)> {
    let email = validate::email(&req.email)?;
    let now = now_ms();
    let user =
        sqlx::query("SELECT id, email, created_at, auth_key_hash FROM users WHERE email = $1")
            .bind(&email)
            .fetch_optional(&state.db.pool)
            .await?;
    let presented = hash_secret(AUTH_KEY_LABEL, &req.auth_key);
    let user = match user {
        Some(row) if row.try_get::<String, _>("auth_key_hash")? == presented => row,
        // An unknown email is counted and limited exactly like a wrong key.
        _ => {
            limits::wrong_attempt(&state, &limits::subjects(&email, addr), now).await?;
            return Err(ApiError::Unauthorized("wrong email or credentials"));
        }
    };
    limits::correct_attempt(&state, &email).await?;
    let token = new_token()?;
    let expires_at = now + state.config.session_ttl_secs * 1000;
    let user_id: String = user.try_get("id")?;
    sqlx::query("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
        .bind(hash_secret(SESSION_LABEL, &token))
        .bind(&user_id)
        .bind(now)
        .bind(expires_at)
        .execute(&state.db.pool)
        .await?;
    // Opportunistic clean-up of this user's expired sessions.
    sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND expires_at <= $2")
        .bind(&user_id)
        .bind(now)
        .execute(&state.db.pool)
        .await?;
    tracing::info!(user_id = %user_id, "session opened");
    Ok((
        StatusCode::CREATED,
        Json(Session {
            token,
            expires_at: rfc3339(expires_at),
            user: User {
                id: user_id,
                email: user.try_get("email")?,
                created_at: rfc3339(user.try_get("created_at")?),
            },
        }),
    ))
}

/// Ends the current session.
#[utoipa::path(delete, path = "/v1/sessions/current", responses((status = 204)), security(("bearer" = [])))]
pub async fn logout(State(state): State<AppState>, caller: Caller) -> ApiResult<StatusCode> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(&caller.token_hash)
        .execute(&state.db.pool)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
