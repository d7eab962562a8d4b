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
