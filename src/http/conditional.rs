//! Conditional requests: `ETag` from a record's `version`, `If-None-Match` -> 304 on reads,
//! `If-Match` -> 412 on writes (RFC 9110 section 13).

use std::future::{Ready, ready};

use actix_web::http::header::{self, HeaderMap};
use actix_web::{FromRequest, HttpRequest, HttpResponse, dev::Payload};
use sha2::{Digest, Sha256};

use crate::error::ApiError;

/// The strong entity tag of a record at `version`: `"3"`.
pub fn version_etag(version: i64) -> String {
    format!("\"{version}\"")
}

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

/// The version a write is conditional on, from `If-Match`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IfMatch {
    /// No `If-Match`, or `*`: the write applies to the current version.
    Any,
    /// The write applies only if the record is still at this version.
    Version(i64),
    /// An `If-Match` naming no version we ever issued: it can never match (412).
    Never,
}

impl IfMatch {
    pub fn from_headers(headers: &HeaderMap) -> Self {
        let Some(value) = headers.get(header::IF_MATCH) else {
            return Self::Any;
        };
        let Ok(value) = value.to_str() else {
            return Self::Never;
        };
        let value = value.trim();
        if value == "*" {
            return Self::Any;
        }
        // Strong comparison: a weak tag never matches for If-Match.
        value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .and_then(|v| v.parse::<i64>().ok())
            .map_or(Self::Never, Self::Version)
    }

    /// Fails with 412 unless the record's `current` version satisfies this condition.
    pub fn check(self, current: i64) -> Result<(), ApiError> {
        match self {
            Self::Any => Ok(()),
            Self::Version(expected) if expected == current => Ok(()),
            _ => Err(ApiError::PreconditionFailed {
                current_version: current,
            }),
        }
    }
}

impl FromRequest for IfMatch {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(Self::from_headers(req.headers())))
    }
}
