//! The answer for an [`ApiError`]: its status, an RFC 9457 `application/problem+json`
//! body in the request's language with its request id and path, and the headers some
//! errors carry (`Allow`, `Retry-After`, `WWW-Authenticate`).

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, ResponseError};

use crate::error::{ApiError, PROBLEM_CONTENT_TYPE, Problem};

/// The problem body for `error`, for the request being answered now.
pub fn problem_of(error: &ApiError) -> Problem {
    let context = super::request_context::current();
    error.problem_in(
        context.as_ref().map(|c| c.language).unwrap_or_default(),
        context.as_ref().map(|c| c.request_id.clone()),
        context.map(|c| c.path),
    )
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        let problem = problem_of(self);
        match self {
            ApiError::Internal(detail) => log::error!(
                "request {} failed: {detail}",
                problem.request_id.as_deref().unwrap_or("-")
            ),
            ApiError::Unavailable => log::warn!(
                "request {}: database unavailable",
                problem.request_id.as_deref().unwrap_or("-")
            ),
            _ => {}
        }
        let mut response = HttpResponse::build(self.status_code());
        response.content_type(PROBLEM_CONTENT_TYPE);
        let language = super::request_context::current()
            .map(|c| c.language)
            .unwrap_or_default();
        response.insert_header((header::CONTENT_LANGUAGE, language.tag()));
        response.insert_header((header::VARY, "Accept-Language"));
        match self {
            ApiError::MethodNotAllowed { allow } => {
                response.insert_header((header::ALLOW, allow.join(", ")));
            }
            ApiError::RangeNotSatisfiable { size } => {
                response.insert_header((header::CONTENT_RANGE, format!("bytes */{size}")));
            }
            ApiError::Unavailable | ApiError::Timeout | ApiError::StorageUnavailable => {
                response.insert_header((header::RETRY_AFTER, "5"));
            }
            ApiError::IdempotencyKeyInUse => {
                response.insert_header((header::RETRY_AFTER, "1"));
            }
            ApiError::Unauthorized { invalid_token, .. } => {
                let challenge = if *invalid_token {
                    r#"Bearer realm="inovik", error="invalid_token""#
                } else {
                    r#"Bearer realm="inovik""#
                };
                response.insert_header((header::WWW_AUTHENTICATE, challenge));
            }
            ApiError::OAuth { status: 401, .. } => {
                response.insert_header((header::WWW_AUTHENTICATE, r#"Basic realm="inovik""#));
            }
            ApiError::OAuth { .. } => {
                response.insert_header((header::CACHE_CONTROL, "no-store"));
            }
            ApiError::TooManyRequests { retry_after, .. } => {
                response.insert_header((header::RETRY_AFTER, retry_after.to_string()));
            }
            _ => {}
        }
        match serde_json::to_vec(&problem) {
            Ok(body) => response.body(body),
            Err(_) => response.finish(),
        }
    }
}
