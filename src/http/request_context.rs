//! The request id (`X-Request-Id`) and path of the request being served, available to
//! error rendering without threading them through every call.

use std::future::Future;

use actix_web::HttpMessage;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;

pub const REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// Longest client-supplied request id we echo; longer or odd ones are replaced.
const MAX_REQUEST_ID_LEN: usize = 128;

#[derive(Debug, Clone)]
pub struct RequestContext {
    pub request_id: String,
    pub path: String,
    /// The language of problem titles and messages, from `Accept-Language`.
    pub language: crate::error::Language,
}

tokio::task_local! {
    static CURRENT: RequestContext;
}

/// The context of the request this task is serving, if any.
pub fn current() -> Option<RequestContext> {
    CURRENT.try_with(Clone::clone).ok()
}

/// Runs `future` with `context` as the current request context.
pub fn scope<F: Future>(context: RequestContext, future: F) -> impl Future<Output = F::Output> {
    CURRENT.scope(context, future)
}

/// The request id as an extractor-friendly value stored in the request's extensions.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

fn acceptable(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_REQUEST_ID_LEN
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b))
}

/// Middleware: takes the client's `X-Request-Id` (if sane) or makes one, makes it current
/// for the request, and echoes it on the response, where the access log reads it.
pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let request_id = req
        .headers()
        .get(&REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|id| acceptable(id))
        .map(str::to_owned)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    req.extensions_mut().insert(RequestId(request_id.clone()));
    let language = crate::error::Language::negotiate(
        req.headers()
            .get(actix_web::http::header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    );
    let context = RequestContext {
        request_id: request_id.clone(),
        path: req.path().to_owned(),
        language,
    };
    let mut response = scope(context, next.call(req)).await?;
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert(REQUEST_ID_HEADER, value);
    }
    Ok(response)
}
