//! The OpenAPI document, served at `/v1/openapi.json`.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(title = "covault Vault API", description = "Stores only ciphertext, wrapped keys and public keys."),
    components(schemas(covault::api::ErrorBody, covault::api::Direction)),
    modifiers(&BearerAuth)
)]
/// The API description; `routes::router()` adds every operation to it.
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
