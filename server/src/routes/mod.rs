//! The `/v1` routes, one file per resource.

pub mod account;
pub mod account_state;
pub mod connections;
pub mod items;
pub mod keystore;
pub mod shares;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::state::AppState;

/// Every API route, each with its OpenAPI operation: the router and the document are built from
/// one list (each handler's `#[utoipa::path]`), so neither can gain a route the other lacks.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(health))
        .routes(routes!(account::prelogin))
        .routes(routes!(account::signup))
        .routes(routes!(account::me))
        .routes(routes!(account::login))
        .routes(routes!(account::logout))
        .routes(routes!(keystore::get_kek, keystore::change_passphrase))
        .routes(routes!(keystore::create_keypair, keystore::list_keypairs))
        .routes(routes!(keystore::get_keypair))
        .routes(routes!(keystore::create_dek, keystore::list_deks))
        .routes(routes!(keystore::get_dek))
        .routes(routes!(account_state::get, account_state::put))
        .routes(routes!(items::create, items::list))
        .routes(routes!(items::get, items::update, items::delete))
        .routes(routes!(connections::invite, connections::list_invitations))
        .routes(routes!(connections::cancel_invitation))
        .routes(routes!(connections::accept, connections::list))
        .routes(routes!(connections::get, connections::delete))
        .routes(routes!(shares::create, shares::list))
        .routes(routes!(shares::get, shares::update, shares::delete))
        .routes(routes!(shares::accept))
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
