//! What HTTP caches between the API and its readers (browsers, gateways, client libraries
//! such as hishel or requests-cache) are told, in one place:
//! - an answer to a request with credentials may hold what only that caller may see
//!   (personal data such as NIPs): no cache may keep it (`Cache-Control: no-store`);
//! - a public read under `/api/` may be stored but is revalidated before each use
//!   (`no-cache`; with its `ETag` a 304 costs little), so a stale version is never served;
//! - a read varies by `Accept` (a list URL answers JSON or CSV) and by `Authorization`
//!   (the public copy of a record leaves out what a signed-in caller sees).
//!
//! An answer that sets its own `Cache-Control` keeps it (the token endpoint's `no-store`,
//! the reference values' `public, max-age=3600`).

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;

pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let api_read =
        matches!(*req.method(), Method::GET | Method::HEAD) && req.path().starts_with("/api/");
    let signed_in = req.headers().contains_key(header::AUTHORIZATION);
    let mut response = next.call(req).await?;
    let status = response.status();
    let headers = response.headers_mut();
    let policy = if signed_in {
        Some("no-store")
    } else if api_read && (status.is_success() || status == StatusCode::NOT_MODIFIED) {
        Some("no-cache")
    } else {
        None
    };
    if let Some(policy) = policy
        && !headers.contains_key(header::CACHE_CONTROL)
    {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    }
    if api_read {
        headers.append(
            header::VARY,
            HeaderValue::from_static("Accept, Authorization"),
        );
    }
    Ok(response)
}
