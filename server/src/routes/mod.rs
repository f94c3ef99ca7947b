//! The `/v1` routes, one file per resource. Handlers extract, check input, decide who may do
//! what and answer with status codes; every query they make is in `crate::store`.

pub mod account;
pub mod account_state;
pub mod chunk_wire;
pub mod connections;
pub mod files;
pub mod items;
pub mod keystore;
pub mod links;
pub mod share_answers;
pub mod share_create;
pub mod share_files;
pub mod shares;

use axum::Json;
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::ApiResult;
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
        .routes(routes!(items::create_batch))
        .routes(routes!(items::get, items::update, items::delete))
        .routes(routes!(connections::invite, connections::list_invitations))
        .routes(routes!(connections::cancel_invitation))
        .routes(routes!(connections::accept, connections::list))
        .routes(routes!(connections::get, connections::delete))
        .routes(routes!(share_create::create, shares::list))
        .routes(routes!(share_create::create_batch))
        .routes(routes!(shares::get, shares::update, shares::delete))
        .routes(routes!(share_answers::accept))
        .routes(routes!(share_answers::reject))
        .routes(routes!(shares::copies))
        .routes(routes!(links::create, links::list))
        .routes(routes!(links::revoke))
        .routes(routes!(links::open))
        .routes(routes!(files::create, files::list))
        .routes(routes!(files::get, files::delete))
        .routes(routes!(files::put_chunk, files::get_chunk))
        .routes(routes!(files::finish))
        .routes(routes!(share_files::put))
        .routes(routes!(share_files::get_chunk))
}

/// Liveness for load balancers: answers without touching the database (and is the no-op
/// baseline of the load benchmark).
#[utoipa::path(get, path = "/v1/health", responses((status = 200, description = "the process is up")))]
pub async fn health() -> axum::Json<serde_json::Value> {
    axum::Json(serde_json::json!({"status": "ok"}))
}

/// What a handler that makes something answers: 201 and the new object.
pub type Created<T> = (StatusCode, Json<T>);

/// Answers 201 with `value`.
pub fn created<T>(value: T) -> ApiResult<Created<T>> {
    Ok((StatusCode::CREATED, Json(value)))
}
