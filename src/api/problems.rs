//! The error responses operations declare, one reusable OpenAPI response per status, all
//! with the [`Problem`] body. Registered as components in [`super::ApiDoc`].

// These types only describe responses to the OpenAPI document; nothing constructs them.
#![allow(dead_code)]

use utoipa::ToResponse;

use crate::error::Problem;

/// The body is not JSON this operation accepts: bad syntax, an unknown or read-only field,
/// or a value of the wrong JSON type.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json", example = json!({
    "type": "https://inovik.example/problems/bad-request", "title": "Malformed request",
    "status": 400, "detail": "`nmae` is not a field of this resource",
    "instance": "/api/v1/agencies", "request_id": "6f1c2a9e-3b1d-4c8e-9a57-0d2f4b8e7c11",
    "errors": [{"field": "nmae", "code": "unknown_field", "message": "is not a field of this resource"}]}))]
pub struct BadRequest(Problem);

/// No such record.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json", example = json!({
    "type": "https://inovik.example/problems/not-found", "title": "Not found", "status": 404,
    "detail": "no resource at this address", "instance": "/api/v1/agencies/999",
    "request_id": "6f1c2a9e-3b1d-4c8e-9a57-0d2f4b8e7c11"}))]
pub struct NotFound(Problem);

/// The request conflicts with the current state, e.g. a duplicate code.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json", example = json!({
    "type": "https://inovik.example/problems/duplicate", "title": "Conflict with the current state",
    "status": 409, "detail": "another agency already has this code", "instance": "/api/v1/agencies",
    "request_id": "6f1c2a9e-3b1d-4c8e-9a57-0d2f4b8e7c11",
    "errors": [{"field": "code", "code": "duplicate", "message": "is already taken"}]}))]
pub struct Conflict(Problem);

/// `If-Match` names a version that is no longer current; nothing was changed.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json", example = json!({
    "type": "https://inovik.example/problems/precondition-failed", "title": "Version mismatch",
    "status": 412, "detail": "If-Match does not match the current version 4; nothing was changed",
    "instance": "/api/v1/agencies/7", "request_id": "6f1c2a9e-3b1d-4c8e-9a57-0d2f4b8e7c11"}))]
pub struct PreconditionFailed(Problem);

/// The body is larger than the configured limit.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json")]
pub struct PayloadTooLarge(Problem);

/// The body is not sent as `application/json` (or `application/merge-patch+json`).
#[derive(ToResponse)]
#[response(content_type = "application/problem+json")]
pub struct UnsupportedMediaType(Problem);

/// Well-formed input that breaks a rule; every bad field is listed with a stable `code`.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json", example = json!({
    "type": "https://inovik.example/problems/validation", "title": "Validation failed",
    "status": 422, "detail": "2 fields are invalid", "instance": "/api/v1/agencies",
    "request_id": "6f1c2a9e-3b1d-4c8e-9a57-0d2f4b8e7c11",
    "errors": [
        {"field": "code", "code": "agency_code_invalid", "message": "must be 2-32 characters of A-Z, 0-9 and -"},
        {"field": "head_nip", "code": "nip_invalid_month", "message": "the appointment month (digits 13-14) must be 01-12"}]}))]
pub struct ValidationFailed(Problem);

/// The database cannot be reached; retry after `Retry-After` seconds.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json", example = json!({
    "type": "https://inovik.example/problems/service-unavailable", "title": "Database unavailable",
    "status": 503, "detail": "the database cannot be reached; retry in a few seconds",
    "instance": "/api/v1/agencies", "request_id": "6f1c2a9e-3b1d-4c8e-9a57-0d2f4b8e7c11"}))]
pub struct Unavailable(Problem);
