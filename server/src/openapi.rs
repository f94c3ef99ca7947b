//! The OpenAPI document, served at `/v1/openapi.json`.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::routes::{account, account_state, connections, items, keystore, shares};

#[derive(OpenApi)]
#[openapi(
    info(title = "covault Vault API", description = "Stores only ciphertext, wrapped keys and public keys."),
    paths(
        crate::routes::health, account::prelogin, account::signup, account::me, account::login, account::logout,
        keystore::get_kek, keystore::change_passphrase, keystore::create_keypair, keystore::list_keypairs,
        keystore::get_keypair, keystore::create_dek, keystore::list_deks, keystore::get_dek,
        account_state::get, account_state::put,
        items::create, items::list, items::get, items::update, items::delete,
        connections::invite, connections::list_invitations, connections::cancel_invitation,
        connections::accept, connections::list, connections::get, connections::delete,
        shares::create, shares::list, shares::get, shares::accept, shares::update, shares::delete,
    ),
    components(schemas(covault::api::ErrorBody, covault::api::Direction)),
    modifiers(&BearerAuth)
)]
/// The API description.
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(components) = openapi.components.as_mut() {
            components.add_security_scheme(
                "bearer",
                SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
            );
        }
    }
}
