//! Bounds on the request line and the condition headers. Bodies are bounded where they are read (JSON, CSV, the
//! idempotency middleware), headers by the HTTP server, and time by the database layer
//! (see [`crate::db::PoolOptions`]).

use actix_web::ResponseError;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;

use actix_web::http::header;

use crate::error::{ApiError, FieldError};

/// Longest path plus query string served. Every filter the API offers fits many times over.
pub const MAX_URI_BYTES: usize = 4096;

/// Largest set of request headers served (names and values together). The HTTP server
/// itself stops reading at 128 KiB; no client of this API needs a tenth of that.
pub const MAX_HEADER_BYTES: usize = 16 * 1024;

/// Longest `If-Match` / `If-None-Match` read: dozens of this API's entity tags.
pub const MAX_CONDITION_BYTES: usize = 1024;

/// Middleware: 414 (problem+json) for an over-long address, 431 for too many header
/// bytes, 400 for an over-long condition header.
pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let uri_bytes = req.path().len() + req.query_string().len();
    if uri_bytes > MAX_URI_BYTES {
        let response = ApiError::UriTooLong {
            limit: MAX_URI_BYTES,
        }
        .error_response();
        return Ok(req.into_response(response));
    }
    let header_bytes: usize = req
        .headers()
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len())
        .sum();
    if header_bytes > MAX_HEADER_BYTES {
        let response = ApiError::HeadersTooLarge {
            limit: MAX_HEADER_BYTES,
        }
        .error_response();
        return Ok(req.into_response(response));
    }
    for name in [header::IF_MATCH, header::IF_NONE_MATCH] {
        let bytes: usize = req.headers().get_all(&name).map(|v| v.len()).sum();
        if bytes > MAX_CONDITION_BYTES {
            let response = ApiError::BadRequest {
                detail: format!("{name} is longer than {MAX_CONDITION_BYTES} bytes"),
                errors: vec![FieldError::with_params(
                    name.as_str(),
                    "header_too_long",
                    &[("max", MAX_CONDITION_BYTES.to_string())],
                )],
            }
            .error_response();
            return Ok(req.into_response(response));
        }
    }
    Ok(next.call(req).await?.map_into_boxed_body())
}
