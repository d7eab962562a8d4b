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

/// No bearer token where one is needed, or a token that is invalid, expired, or whose
/// account is deactivated. Carries `WWW-Authenticate: Bearer`.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json", example = json!({
    "type": "https://inovik.example/problems/unauthorized", "title": "Authentication required",
    "status": 401, "detail": "this needs a bearer token from /api/v1/auth/token",
    "instance": "/api/v1/users", "request_id": "6f1c2a9e-3b1d-4c8e-9a57-0d2f4b8e7c11"}),
    headers(("WWW-Authenticate" = String, description = "`Bearer realm=\"inovik\"`")))]
pub struct Unauthorized(Problem);

/// Signed in, but the account's role (or agency) does not allow this.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json", example = json!({
    "type": "https://inovik.example/problems/forbidden", "title": "Not allowed",
    "status": 403, "detail": "the viewer role may not do this",
    "instance": "/api/v1/agencies", "request_id": "6f1c2a9e-3b1d-4c8e-9a57-0d2f4b8e7c11"}))]
pub struct Forbidden(Problem);

/// Too many requests from this caller in a minute, or too many attempts (failed sign-ins
/// of this name from this address, failed sign-ins or token requests from this address,
/// failed password changes); retry after `Retry-After` seconds. `error` is OAuth's `temporarily_unavailable`, `error_description` the wait.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json", example = json!({
    "type": "https://inovik.example/problems/too-many-requests", "title": "Too many attempts",
    "status": 429, "detail": "too many failed sign-ins of this name from this address; retry in 8 seconds",
    "error": "temporarily_unavailable",
    "error_description": "too many failed sign-ins of this name from this address; retry in 8 seconds",
    "instance": "/api/v1/auth/token", "request_id": "6f1c2a9e-3b1d-4c8e-9a57-0d2f4b8e7c11"}),
    headers(("Retry-After" = i64, description = "Seconds to wait (rounded up)"),
        ("RateLimit" = String, description = "`r=0` and `t`, the seconds until the quota is full again (request limits only)"),
        ("RateLimit-Policy" = String, description = "The quota that was spent (request limits only)")))]
pub struct TooManyRequests(Problem);

/// An RFC 6749 token error: `error` is `invalid_request`, `invalid_grant`,
/// `unsupported_grant_type` (400) or `invalid_client` (401).
#[derive(ToResponse)]
#[response(content_type = "application/problem+json", example = json!({
    "type": "https://inovik.example/problems/invalid-grant", "title": "Token request refused",
    "status": 400, "detail": "the username or password is wrong, or the account is deactivated",
    "error": "invalid_grant",
    "error_description": "the username or password is wrong, or the account is deactivated",
    "instance": "/api/v1/auth/token", "request_id": "6f1c2a9e-3b1d-4c8e-9a57-0d2f4b8e7c11"}))]
pub struct OAuthError(Problem);

/// Another request with this `Idempotency-Key` is still running (retry after `Retry-After`
/// seconds to get its response), or its change committed but its response was lost
/// (`idempotency-outcome-unknown`: read the resource instead).
#[derive(ToResponse)]
#[response(content_type = "application/problem+json", example = json!({
    "type": "https://inovik.example/problems/idempotency-key-in-use",
    "title": "Idempotency key in use", "status": 409,
    "detail": "a request with this Idempotency-Key is still running; retry in a moment to get its response",
    "instance": "/api/v1/agencies", "request_id": "6f1c2a9e-3b1d-4c8e-9a57-0d2f4b8e7c11"}))]
pub struct IdempotencyConflict(Problem);

/// The path and query string are longer than the server reads (4 KiB).
#[derive(ToResponse)]
#[response(content_type = "application/problem+json", example = json!({
    "type": "https://inovik.example/problems/uri-too-long", "title": "Address too long",
    "status": 414, "detail": "the path and query string are longer than 4096 bytes",
    "instance": "/api/v1/innovations", "request_id": "6f1c2a9e-3b1d-4c8e-9a57-0d2f4b8e7c11"}))]
pub struct UriTooLong(Problem);

/// The request headers together are larger than the server reads (16 KiB).
#[derive(ToResponse)]
#[response(content_type = "application/problem+json", example = json!({
    "type": "https://inovik.example/problems/headers-too-large",
    "title": "Request headers too large", "status": 431,
    "detail": "the request headers are larger than 16384 bytes in all",
    "instance": "/api/v1/innovations", "request_id": "6f1c2a9e-3b1d-4c8e-9a57-0d2f4b8e7c11"}))]
pub struct HeadersTooLarge(Problem);

/// An unexpected fault: logged with the request id, answered without any internals.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json", example = json!({
    "type": "https://inovik.example/problems/internal", "title": "Internal server error",
    "status": 500, "detail": "an unexpected error occurred; it has been logged",
    "instance": "/api/v1/innovations", "request_id": "6f1c2a9e-3b1d-4c8e-9a57-0d2f4b8e7c11"}))]
pub struct InternalError(Problem);

/// A document's file was purged: removed for good, its metadata and history remain.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json", example = json!({
    "type": "https://inovik.example/problems/gone", "title": "Gone", "status": 410,
    "detail": "the document's file was removed for good; its metadata remains",
    "instance": "/api/v1/innovations/7/documents/12/content",
    "request_id": "6f1c2a9e-3b1d-4c8e-9a57-0d2f4b8e7c11"}))]
pub struct Gone(Problem);

/// The `Range` starts past the end of the file; `Content-Range` says its size.
#[derive(ToResponse)]
#[response(content_type = "application/problem+json", example = json!({
    "type": "https://inovik.example/problems/range-not-satisfiable",
    "title": "Range not satisfiable", "status": 416,
    "detail": "the range starts past the end of the file (482113 bytes)",
    "instance": "/api/v1/innovations/7/documents/12/content",
    "request_id": "6f1c2a9e-3b1d-4c8e-9a57-0d2f4b8e7c11"}),
    headers(("Content-Range" = String, description = "`bytes */<size>`")))]
pub struct RangeNotSatisfiable(Problem);
