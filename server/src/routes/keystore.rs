//! The Keystore: the wrapped KEK (and passphrase change), keypairs and DEKs. Each user sees
//! only their own; another user's id answers 404, exactly like an id that does not exist.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use covault::api::{
    ChangePassphraseRequest, DekRecord, KeyPairRecord, NewDek, NewKeyPair, WrappedKek,
};
use covault::crypto::Algorithm;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::auth::{AUTH_KEY_LABEL, Caller, check_auth_key, hash_secret};
use crate::db::{now_ms, rfc3339};
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::routes::account::check_account_material;
use crate::state::AppState;
use crate::validate;

/// The caller's wrapped KEK.
#[utoipa::path(get, path = "/v1/keystore/kek", responses((status = 200, body = WrappedKek)), security(("bearer" = [])))]
pub async fn get_kek(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<WrappedKek>> {
    let row = sqlx::query("SELECT wrapped_kek FROM users WHERE id = $1")
        .bind(&caller.user_id)
        .fetch_one(&state.db.pool)
        .await?;
    Ok(Json(WrappedKek {
        wrapped_kek: row.try_get("wrapped_kek")?,
    }))
}

/// Changes the passphrase: the same KEK re-wrapped, with new salt, parameters and auth key.
/// Every other session of the user ends.
#[utoipa::path(put, path = "/v1/keystore/kek", request_body = ChangePassphraseRequest,
    responses((status = 204)), security(("bearer" = [])))]
pub async fn change_passphrase(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<ChangePassphraseRequest>,
) -> ApiResult<StatusCode> {
    check_account_material(&req.kdf, &req.salt, &req.auth_key, &req.wrapped_kek)?;
    check_auth_key(&req.current_auth_key)?;
    let mut tx = state.db.pool.begin().await?;
    // Only with the current auth key: whoever holds just a session token changes nothing.
    let changed = sqlx::query(
        "UPDATE users SET wrapped_kek = $1, salt = $2, kdf_memory_kib = $3, kdf_iterations = $4,
         kdf_parallelism = $5, auth_key_hash = $6 WHERE id = $7 AND auth_key_hash = $8",
    )
    .bind(&req.wrapped_kek)
    .bind(&req.salt)
    .bind(i64::from(req.kdf.memory_kib))
    .bind(i64::from(req.kdf.iterations))
    .bind(i64::from(req.kdf.parallelism))
    .bind(hash_secret(AUTH_KEY_LABEL, &req.auth_key))
    .bind(&caller.user_id)
    .bind(hash_secret(AUTH_KEY_LABEL, &req.current_auth_key))
    .execute(&mut *tx)
    .await?;
    if changed.rows_affected() == 0 {
        tracing::info!(user_id = %caller.user_id, "passphrase change refused: wrong current auth key");
        return Err(ApiError::Unauthorized(
            "the current passphrase or secret key is wrong",
        ));
    }
    sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
        .bind(&caller.user_id)
        .bind(&caller.token_hash)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    tracing::info!(user_id = %caller.user_id, "passphrase changed");
    Ok(StatusCode::NO_CONTENT)
}

fn keypair(row: &AnyRow) -> Result<KeyPairRecord, sqlx::Error> {
    Ok(KeyPairRecord {
        id: row.try_get("id")?,
        public_key: row.try_get("public_key")?,
        wrapped_private_key: row.try_get("wrapped_private_key")?,
        created_at: rfc3339(row.try_get("created_at")?),
    })
}

/// Stores a keypair: the public key and the wrapped private key.
#[utoipa::path(post, path = "/v1/keystore/keypairs", request_body = NewKeyPair,
    responses((status = 201, body = KeyPairRecord), (status = 409)), security(("bearer" = [])))]
pub async fn create_keypair(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<NewKeyPair>,
) -> ApiResult<(StatusCode, Json<KeyPairRecord>)> {
    validate::id("id", &req.id)?;
    validate::public_key("public_key", &req.public_key)?;
    validate::envelope(
        "wrapped_private_key",
        &req.wrapped_private_key,
        Algorithm::A256Gcm,
    )?;
    let now = now_ms();
    sqlx::query("INSERT INTO keypairs (id, user_id, public_key, wrapped_private_key, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(&req.id)
        .bind(&caller.user_id)
        .bind(&req.public_key)
        .bind(&req.wrapped_private_key)
        .bind(now)
        .execute(&state.db.pool)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(KeyPairRecord {
            id: req.id,
            public_key: req.public_key,
            wrapped_private_key: req.wrapped_private_key,
            created_at: rfc3339(now),
        }),
    ))
}

/// The caller's keypairs, oldest first.
#[utoipa::path(get, path = "/v1/keystore/keypairs", responses((status = 200, body = Vec<KeyPairRecord>)), security(("bearer" = [])))]
pub async fn list_keypairs(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<Vec<KeyPairRecord>>> {
    let rows = sqlx::query("SELECT * FROM keypairs WHERE user_id = $1 ORDER BY created_at, id")
        .bind(&caller.user_id)
        .fetch_all(&state.db.pool)
        .await?;
    Ok(Json(rows.iter().map(keypair).collect::<Result<_, _>>()?))
}

/// One of the caller's keypairs.
#[utoipa::path(get, path = "/v1/keystore/keypairs/{id}", responses((status = 200, body = KeyPairRecord), (status = 404)), security(("bearer" = [])))]
pub async fn get_keypair(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<KeyPairRecord>> {
    let row = sqlx::query("SELECT * FROM keypairs WHERE id = $1 AND user_id = $2")
        .bind(&id)
        .bind(&caller.user_id)
        .fetch_optional(&state.db.pool)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(keypair(&row)?))
}

fn dek(row: &AnyRow) -> Result<DekRecord, sqlx::Error> {
    Ok(DekRecord {
        id: row.try_get("id")?,
        wrapped_key: row.try_get("wrapped_key")?,
        created_at: rfc3339(row.try_get("created_at")?),
    })
}

/// Stores a wrapped DEK.
#[utoipa::path(post, path = "/v1/keystore/deks", request_body = NewDek,
    responses((status = 201, body = DekRecord), (status = 409)), security(("bearer" = [])))]
pub async fn create_dek(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<NewDek>,
) -> ApiResult<(StatusCode, Json<DekRecord>)> {
    validate::id("id", &req.id)?;
    validate::envelope("wrapped_key", &req.wrapped_key, Algorithm::A256Gcm)?;
    let now = now_ms();
    sqlx::query("INSERT INTO deks (id, user_id, wrapped_key, created_at) VALUES ($1, $2, $3, $4)")
        .bind(&req.id)
        .bind(&caller.user_id)
        .bind(&req.wrapped_key)
        .bind(now)
        .execute(&state.db.pool)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(DekRecord {
            id: req.id,
            wrapped_key: req.wrapped_key,
            created_at: rfc3339(now),
        }),
    ))
}

/// The caller's DEKs, oldest first.
#[utoipa::path(get, path = "/v1/keystore/deks", responses((status = 200, body = Vec<DekRecord>)), security(("bearer" = [])))]
pub async fn list_deks(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<Vec<DekRecord>>> {
    let rows = sqlx::query("SELECT * FROM deks WHERE user_id = $1 ORDER BY created_at, id")
        .bind(&caller.user_id)
        .fetch_all(&state.db.pool)
        .await?;
    Ok(Json(rows.iter().map(dek).collect::<Result<_, _>>()?))
}

/// One of the caller's DEKs.
#[utoipa::path(get, path = "/v1/keystore/deks/{id}", responses((status = 200, body = DekRecord), (status = 404)), security(("bearer" = [])))]
pub async fn get_dek(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<DekRecord>> {
    let row = sqlx::query("SELECT * FROM deks WHERE id = $1 AND user_id = $2")
        .bind(&id)
        .bind(&caller.user_id)
        .fetch_optional(&state.db.pool)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(dek(&row)?))
}
