//! The OpenAPI document, served at `/v1/openapi.json`.

use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Response, ResponseBuilder};
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

/// Documents every error status an operation can answer, each with the JSON error body, so
/// that generated clients (and the schemathesis conformance checks) know every status the
/// Vault sends. The per-handler annotations name only the statuses particular to them.
pub fn document_errors(doc: &mut utoipa::openapi::OpenApi) {
    for (path, item) in doc.paths.paths.iter_mut() {
        for (method, op) in [
            ("GET", item.get.as_mut()),
            ("POST", item.post.as_mut()),
            ("PUT", item.put.as_mut()),
            ("DELETE", item.delete.as_mut()),
        ] {
            let Some(op) = op else { continue };
            let name = format!("{method} {path}");
            for (status, why) in errors_of(&name, op) {
                add_error(op, status, why);
            }
            // The statuses a handler names itself (409, 410…) carry the same body.
            let named: Vec<String> = op
                .responses
                .responses
                .keys()
                .filter(|s| s.starts_with('4') || s.starts_with('5'))
                .cloned()
                .collect();
            for status in named {
                add_error(op, &status, "");
            }
        }
    }
}

/// The error statuses of one operation, with why each happens.
fn errors_of(name: &str, op: &Operation) -> Vec<(&'static str, &'static str)> {
    let mut out = vec![
        (
            "400",
            "the request is malformed or a field is invalid (`error.code` says which)",
        ),
        (
            "408",
            "the request took longer than the server's request timeout",
        ),
        (
            "500",
            "an internal error (logged on the server, never detailed)",
        ),
    ];
    if op.security.is_some() {
        out.push(("401", "no session, or an expired one"));
    }
    if name.contains('{') {
        out.push((
            "404",
            "no such object, or not the caller's (indistinguishable by design)",
        ));
    }
    if op.request_body.is_some() {
        out.push(("413", "the body is larger than the server accepts"));
    }
    if name == "POST /v1/sessions" || name == "POST /v1/invitations" {
        out.push((
            "429",
            "too many attempts; `Retry-After` says when to try again",
        ));
    }
    out
}

/// Adds `status` with the error body, or gives an existing body-less error response the body.
fn add_error(op: &mut Operation, status: &str, why: &str) {
    let body = || {
        ContentBuilder::new()
            .schema(Some(Ref::from_schema_name("ErrorBody")))
            .build()
    };
    match op.responses.responses.get_mut(status) {
        Some(RefOr::T(existing)) => {
            if existing.content.is_empty() {
                existing.content.insert("application/json".into(), body());
            }
        }
        Some(RefOr::Ref(_)) => {}
        None => {
            let response: Response = ResponseBuilder::new()
                .description(why)
                .content("application/json", body())
                .build();
            op.responses
                .responses
                .insert(status.to_owned(), RefOr::T(response));
        }
    }
}
