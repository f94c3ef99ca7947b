//! The Keystore: the wrapped KEK (and passphrase change), keypairs and DEKs. Each user sees
//! only their own; another user's id answers 404, exactly like an id that does not exist.

use axum::Json;
use axum::extract::Path;
use axum::http::StatusCode;
use covault::api::{
    ChangePassphraseRequest, DekRecord, KeyPairRecord, NewDek, NewKeyPair, WrappedKek,
};
use covault::crypto::Algorithm;

use super::{Created, created};
use crate::auth::{AUTH_KEY_LABEL, Authed, check_auth_key, hash_secret};
use crate::db::now_ms;
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::routes::account::check_account_material;
use crate::store;
use crate::validate;

/// The caller's wrapped KEK.
#[utoipa::path(get, path = "/v1/keystore/kek", responses((status = 200, body = WrappedKek)), security(("bearer" = [])))]
pub async fn get_kek(auth: Authed) -> ApiResult<Json<WrappedKek>> {
    Ok(Json(WrappedKek {
        wrapped_kek: store::users::wrapped_kek(auth.db(), auth.user_id()).await?,
    }))
}

/// Changes the passphrase: the same KEK re-wrapped, with new salt, parameters and auth key.
/// Every other session of the user ends.
#[utoipa::path(put, path = "/v1/keystore/kek", request_body = ChangePassphraseRequest,
    responses((status = 204)), security(("bearer" = [])))]
pub async fn change_passphrase(
    Authed { state, caller }: Authed,
    ApiJson(req): ApiJson<ChangePassphraseRequest>,
) -> ApiResult<StatusCode> {
    check_account_material(&req.kdf, &req.salt, &req.auth_key, &req.wrapped_kek)?;
    check_auth_key(&req.current_auth_key)?;
    // Only with the current auth key: whoever holds just a session token changes nothing.
    let changed = store::users::change_passphrase(
        &state.db,
        &caller.user_id,
        &caller.token_hash,
        &req,
        &hash_secret(AUTH_KEY_LABEL, &req.auth_key),
        &hash_secret(AUTH_KEY_LABEL, &req.current_auth_key),
    )
    .await?;
    if !changed {
        tracing::info!(user_id = %caller.user_id, "passphrase change refused: wrong current auth key");
        return Err(ApiError::Unauthorized(
            "the current passphrase or secret key is wrong",
        ));
    }
    tracing::info!(user_id = %caller.user_id, "passphrase changed");
    Ok(StatusCode::NO_CONTENT)
}

/// Stores a keypair: the public key and the wrapped private key.
#[utoipa::path(post, path = "/v1/keystore/keypairs", request_body = NewKeyPair,
    responses((status = 201, body = KeyPairRecord), (status = 409)), security(("bearer" = [])))]
pub async fn create_keypair(
    auth: Authed,
    ApiJson(req): ApiJson<NewKeyPair>,
) -> ApiResult<Created<KeyPairRecord>> {
    validate::id("id", &req.id)?;
    validate::public_key("public_key", &req.public_key)?;
    validate::envelope(
        "wrapped_private_key",
        &req.wrapped_private_key,
        Algorithm::A256Gcm,
    )?;
    let record = store::keystore::create_keypair(auth.db(), auth.user_id(), req, now_ms()).await?;
    created(record)
}

/// The caller's keypairs, oldest first.
#[utoipa::path(get, path = "/v1/keystore/keypairs", responses((status = 200, body = Vec<KeyPairRecord>)), security(("bearer" = [])))]
pub async fn list_keypairs(auth: Authed) -> ApiResult<Json<Vec<KeyPairRecord>>> {
    Ok(Json(
        store::keystore::list_keypairs(auth.db(), auth.user_id()).await?,
    ))
}

/// One of the caller's keypairs.
#[utoipa::path(get, path = "/v1/keystore/keypairs/{id}", responses((status = 200, body = KeyPairRecord), (status = 404)), security(("bearer" = [])))]
pub async fn get_keypair(auth: Authed, Path(id): Path<String>) -> ApiResult<Json<KeyPairRecord>> {
    Ok(Json(
        store::keystore::get_keypair(auth.db(), &id, auth.user_id()).await?,
    ))
}

/// Stores a wrapped DEK.
#[utoipa::path(post, path = "/v1/keystore/deks", request_body = NewDek,
    responses((status = 201, body = DekRecord), (status = 409)), security(("bearer" = [])))]
pub async fn create_dek(
    auth: Authed,
    ApiJson(req): ApiJson<NewDek>,
) -> ApiResult<Created<DekRecord>> {
    validate::id("id", &req.id)?;
    validate::envelope("wrapped_key", &req.wrapped_key, Algorithm::A256Gcm)?;
    let record =
        store::keystore::create_dek(auth.db().writer(), auth.user_id(), req, now_ms()).await?;
    created(record)
}

/// The caller's DEKs, oldest first.
#[utoipa::path(get, path = "/v1/keystore/deks", responses((status = 200, body = Vec<DekRecord>)), security(("bearer" = [])))]
pub async fn list_deks(auth: Authed) -> ApiResult<Json<Vec<DekRecord>>> {
    Ok(Json(
        store::keystore::list_deks(auth.db(), auth.user_id()).await?,
    ))
}

/// One of the caller's DEKs.
#[utoipa::path(get, path = "/v1/keystore/deks/{id}", responses((status = 200, body = DekRecord), (status = 404)), security(("bearer" = [])))]
pub async fn get_dek(auth: Authed, Path(id): Path<String>) -> ApiResult<Json<DekRecord>> {
    Ok(Json(
        store::keystore::get_dek(auth.db(), &id, auth.user_id()).await?,
    ))
}
