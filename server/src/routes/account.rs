//! Prelogin, sign-up, login and logout.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use covault::api::{LoginRequest, PreloginRequest, PreloginResponse, Session, SignupRequest, User};
use covault::crypto::encoding::{from_base64url, to_base64url};
use covault::crypto::{Algorithm, KdfParams};
use hmac::{KeyInit, Mac};

use super::{Created, created};
use crate::auth::{AUTH_KEY_LABEL, Authed, SESSION_LABEL, check_auth_key, hash_secret, new_token};
use crate::db::{now_ms, rfc3339};
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::limits::{self, ClientAddr};
use crate::state::AppState;
use crate::store;
use crate::validate;

/// KDF parameters and salt for an email; a stable decoy for an unknown one.
#[utoipa::path(post, path = "/v1/prelogin", request_body = PreloginRequest,
    responses((status = 200, body = PreloginResponse)))]
pub async fn prelogin(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<PreloginRequest>,
) -> ApiResult<Json<PreloginResponse>> {
    let email = validate::email(&req.email)?;
    let response = match store::users::kdf_and_salt(&state.db, &email).await? {
        Some((kdf, salt)) => PreloginResponse { kdf, salt },
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
) -> ApiResult<Created<User>> {
    validate::id("user_id", &req.user_id)?;
    let email = validate::email(&req.email)?;
    check_account_material(&req.kdf, &req.salt, &req.auth_key, &req.wrapped_kek)?;
    let now = now_ms();
    // An address that keeps hitting taken emails learns nothing more until it has waited.
    let subjects = limits::signup_subject(addr);
    limits::check(&state, &subjects, now).await?;
    let auth_key_hash = hash_secret(AUTH_KEY_LABEL, &req.auth_key);
    let stored = store::users::create(&state.db, &req, &email, &auth_key_hash, now).await;
    if let Err(e) = stored {
        return Err(match e {
            ApiError::Conflict(_) => {
                limits::wrong_attempt(&state, &subjects, now).await?;
                ApiError::Conflict("an account with this email or id already exists")
            }
            other => other,
        });
    }
    tracing::info!(user_id = %req.user_id, "user created");
    created(User {
        id: req.user_id,
        email,
        created_at: rfc3339(now),
    })
}

/// The caller.
#[utoipa::path(get, path = "/v1/users/me", responses((status = 200, body = User)), security(("bearer" = [])))]
pub async fn me(auth: Authed) -> ApiResult<Json<User>> {
    Ok(Json(store::users::get(auth.db(), auth.user_id()).await?))
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
) -> ApiResult<Created<Session>> {
    let email = validate::email(&req.email)?;
    let now = now_ms();
    let user = store::users::login(&state.db, &email).await?;
    let presented = hash_secret(AUTH_KEY_LABEL, &req.auth_key);
    let user = match user {
        Some(login) if login.auth_key_hash == presented => login.user,
        // An unknown email is counted and limited exactly like a wrong key.
        _ => {
            limits::wrong_attempt(&state, &limits::subjects(&email, addr), now).await?;
            return Err(ApiError::Unauthorized("wrong email or credentials"));
        }
    };
    let token = new_token()?;
    let expires_at = now + state.config.session_ttl_secs * 1000;
    store::users::open_session(
        &state.db,
        &hash_secret(SESSION_LABEL, &token),
        &user.id,
        now,
        expires_at,
        &limits::account_subject(&email),
    )
    .await?;
    tracing::info!(user_id = %user.id, "session opened");
    created(Session {
        token,
        expires_at: rfc3339(expires_at),
        user,
    })
}

/// Ends the current session.
#[utoipa::path(delete, path = "/v1/sessions/current", responses((status = 204)), security(("bearer" = [])))]
pub async fn logout(Authed { state, caller }: Authed) -> ApiResult<StatusCode> {
    store::users::close_session(&state.db, &caller.token_hash).await?;
    Ok(StatusCode::NO_CONTENT)
}
