//! Conditional requests: `ETag` from a record's `version`, `If-None-Match` -> 304 on reads,
//! `If-Match` -> 412 on writes (RFC 9110 section 13).

use std::future::{Ready, ready};

use actix_web::http::header::{self, HeaderMap};
use actix_web::{FromRequest, HttpRequest, HttpResponse, dev::Payload};
use sha2::{Digest, Sha256};

use crate::domain::version::ExpectedVersion;
use crate::error::ApiError;

pub use crate::domain::version::entity_tag as version_etag;

/// A weak entity tag for a computed representation (a list page): a hash of its bytes.
pub fn content_etag(body: &[u8]) -> String {
    let digest = Sha256::digest(body);
    let hex: String = digest[..12].iter().map(|b| format!("{b:02x}")).collect();
    format!("W/\"{hex}\"")
}

/// Whether `If-None-Match` matches `etag` (weak comparison), so the answer is 304.
pub fn none_match(headers: &HeaderMap, etag: &str) -> bool {
    let opaque = |tag: &str| tag.trim().trim_start_matches("W/").to_owned();
    let wanted = opaque(etag);
    headers
        .get_all(header::IF_NONE_MATCH)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|tag| tag.trim() == "*" || opaque(tag) == wanted)
}

/// 304 Not Modified carrying the `ETag`.
pub fn not_modified(etag: &str) -> HttpResponse {
    HttpResponse::NotModified()
        .insert_header((header::ETAG, etag.to_owned()))
        .finish()
}

/// Reads `If-Match` (every header line, comma-separated lists) into the condition a
/// write is under.
pub fn expected_version(headers: &HeaderMap) -> ExpectedVersion {
    let mut tags = Vec::new();
    let mut present = false;
    for value in headers.get_all(header::IF_MATCH) {
        present = true;
        // A value that is not text can match nothing; it still makes the write conditional.
        let Ok(value) = value.to_str() else { continue };
        for tag in value.split(',').map(str::trim).filter(|t| !t.is_empty()) {
            if tag == "*" {
                return ExpectedVersion::Any;
            }
            tags.push(tag.to_owned());
        }
    }
    if present {
        ExpectedVersion::OneOf(tags)
    } else {
        ExpectedVersion::Any
    }
}

/// `If-Match` as an extractor.
pub struct IfMatch(pub ExpectedVersion);

impl FromRequest for IfMatch {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(Self(expected_version(req.headers()))))
    }
}
