//! What the OpenAPI document says about behaviour shared by many operations, added once
//! after the routes are collected rather than repeated in every handler's annotation.

use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
use utoipa::openapi::{Deprecated, ObjectBuilder, OpenApi, Ref, RefOr, Required, Type};

use crate::http::idempotency::MAX_KEY_LEN;

/// Completes the generated document; called wherever it is generated.
pub fn complete(doc: &mut OpenApi) {
    document_idempotency_keys(doc);
}

/// Every POST under `/api/v1` except the token endpoints takes `Idempotency-Key`
/// (see [`crate::http::idempotency`]); it can answer 400 (malformed key), 409 (key in use)
/// and 422 (key reused with another request).
fn document_idempotency_keys(doc: &mut OpenApi) {
    for (path, item) in doc.paths.paths.iter_mut() {
        if !path.starts_with("/api/v1/") || path.starts_with("/api/v1/auth/") {
            continue;
        }
        let Some(operation) = item.post.as_mut() else {
            continue;
        };
        operation
            .parameters
            .get_or_insert_with(Vec::new)
            .push(idempotency_key_parameter());
        let responses = &mut operation.responses.responses;
        for (status, component) in [
            ("400", "BadRequest"),
            ("409", "IdempotencyConflict"),
            ("422", "ValidationFailed"),
        ] {
            responses
                .entry(status.to_owned())
                .or_insert_with(|| RefOr::Ref(Ref::from_response_name(component)));
        }
    }
}

fn idempotency_key_parameter() -> utoipa::openapi::path::Parameter {
    ParameterBuilder::new()
        .name("Idempotency-Key")
        .parameter_in(ParameterIn::Header)
        .required(Required::False)
        .deprecated(Some(Deprecated::False))
        .description(Some(
            "Makes a retry safe: a repeat with the same key and the same request gets the \
             first response again (with `Idempotent-Replayed: true`) and changes nothing. The \
             same key with another request is 422; while the first is still running, 409 with \
             `Retry-After`. Keys belong to the caller and are kept 24 hours. A UUID is a good \
             key.",
        ))
        .schema(Some(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .min_length(Some(1))
                .max_length(Some(MAX_KEY_LEN))
                .pattern(Some("^[!-~]+$"))
                .examples([serde_json::json!("5b0c8b8e-0f5e-4c1e-9a55-2f0c1d6d2a11")]),
        ))
        .build()
}
