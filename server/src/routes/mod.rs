//! The `/v1` routes, one file per resource.

pub mod account;
pub mod account_state;
pub mod connections;
pub mod items;
pub mod keystore;
pub mod shares;

use axum::Router;
use axum::routing::{get, post, put};

use crate::state::AppState;

/// Every API route.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/health", get(health))
        .route("/v1/prelogin", post(account::prelogin))
        .route("/v1/users", post(account::signup))
        .route("/v1/users/me", get(account::me))
        .route("/v1/sessions", post(account::login))
        .route(
            "/v1/sessions/current",
            axum::routing::delete(account::logout),
        )
        .route(
            "/v1/keystore/kek",
            get(keystore::get_kek).put(keystore::change_passphrase),
        )
        .route(
            "/v1/keystore/keypairs",
            post(keystore::create_keypair).get(keystore::list_keypairs),
        )
        .route("/v1/keystore/keypairs/{id}", get(keystore::get_keypair))
        .route(
            "/v1/keystore/deks",
            post(keystore::create_dek).get(keystore::list_deks),
        )
        .route("/v1/keystore/deks/{id}", get(keystore::get_dek))
        .route(
            "/v1/keystore/state",
            get(account_state::get).put(account_state::put),
        )
        .route("/v1/items", post(items::create).get(items::list))
        .route(
            "/v1/items/{id}",
            get(items::get).put(items::update).delete(items::delete),
        )
        .route(
            "/v1/invitations",
            post(connections::invite).get(connections::list_invitations),
        )
        .route(
            "/v1/invitations/{id}",
            axum::routing::delete(connections::cancel_invitation),
        )
        .route(
            "/v1/connections",
            post(connections::accept).get(connections::list),
        )
        .route(
            "/v1/connections/{id}",
            get(connections::get).delete(connections::delete),
        )
        .route("/v1/shares", post(shares::create).get(shares::list))
        .route(
            "/v1/shares/{id}",
            get(shares::get).put(shares::update).delete(shares::delete),
        )
        .route("/v1/shares/{id}/accept", put(shares::accept))
}

/// Liveness for load balancers: answers without touching the database (and is the no-op
/// baseline of the load benchmark).
#[utoipa::path(get, path = "/v1/health", responses((status = 200, description = "the process is up")))]
pub async fn health() -> axum::Json<serde_json::Value> {
    axum::Json(serde_json::json!({"status": "ok"}))
}

/// Runs a `DELETE … WHERE id = $1 AND …$2…` scoped to the caller (`$2` is their user id): a row
/// that is absent or not theirs answers 404 alike; a deletion answers 204.
pub(crate) async fn delete_owned(
    state: &AppState,
    sql: &str,
    id: &str,
    caller: &crate::auth::Caller,
) -> crate::error::ApiResult<axum::http::StatusCode> {
    let done = sqlx::query(sql)
        .bind(id)
        .bind(&caller.user_id)
        .execute(&state.db.pool)
        .await?;
    if done.rows_affected() == 0 {
        return Err(crate::error::ApiError::NotFound);
    }
    Ok(axum::http::StatusCode::NO_CONTENT)
}
