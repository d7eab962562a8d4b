//! HTTP plumbing shared by every resource: request ids, the caller, JSON bodies, list
//! queries, pagination, conditional requests, CSV, and the answers for unknown routes.

pub mod cache_headers;
pub mod caller;
pub mod client_address;
pub mod conditional;
pub mod csv;
pub mod download;
pub mod fallback;
pub mod head;
pub mod html;
pub mod json_body;
pub mod limits;
pub mod list_query;
pub mod pagination;
pub mod problem;
pub mod rate_limit;
pub mod request_context;
pub mod security_headers;
pub mod table;
pub mod xlsx;

/// The request's media type without its parameters, lower-cased (`text/csv` of
/// `text/csv; charset=utf-8`); `None` without a readable `Content-Type`.
pub fn content_type_essence(req: &actix_web::HttpRequest) -> Option<String> {
    let value = req
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)?
        .to_str()
        .ok()?;
    Some(
        value
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase(),
    )
}
