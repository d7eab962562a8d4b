//! Bounds on the request line. Bodies are bounded where they are read (JSON, CSV, the
//! idempotency middleware), headers by the HTTP server, and time by the database layer
//! (see [`crate::db::PoolOptions`]).

use actix_web::ResponseError;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;

use crate::error::ApiError;

/// Longest path plus query string served. Every filter the API offers fits many times over.
pub const MAX_URI_BYTES: usize = 4096;

/// Middleware: 414 (problem+json) for an over-long address.
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
    Ok(next.call(req).await?.map_into_boxed_body())
}
