//! The one error type of the service and its RFC 9457 `application/problem+json` form.
//!
//! Store and domain code return [`ApiError`] by meaning (not found, conflict, invalid
//! fields, ...); the mapping to an HTTP status and a problem body happens here, once.

mod database;
pub mod limits;
mod messages;
mod messages_id;
mod validation;

use std::fmt;

use serde::Serialize;
use utoipa::ToSchema;

pub use database::{breaks_connection, server_gone};
pub use messages::{Language, message};
pub use validation::field_errors_from_validator;

/// Base of every problem `type` URI. The URIs are stable identifiers; clients match on them.
pub const PROBLEM_BASE: &str = "https://inovik.example/problems/";
pub const PROBLEM_CONTENT_TYPE: &str = "application/problem+json";

/// One problem in the file: spreadsheet row (the header is row 1), column, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[schema(example = json!({"row": 7, "column": "agency_code", "code": "agency_not_found",
    "message": "no agency with this code exists"}))]
pub struct RowError {
    /// At most `api::import::MAX_ROWS` + 2: the header, the rows, and the one too many.
    #[schema(value_type = i64, minimum = 1, maximum = 20002)]
    pub row: usize,
    #[schema(max_length = 200)]
    pub column: String,
    #[schema(max_length = 200)]
    pub code: String,
    #[schema(max_length = 1000)]
    pub message: String,
}

impl RowError {
    pub fn new(row: usize, column: &str, code: &str) -> Self {
        Self {
            row,
            column: column.to_owned(),
            code: code.to_owned(),
            message: message(code, &[]),
        }
    }
}

/// One bad field (or query parameter) in a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[schema(example = json!({"field": "head_nip", "code": "nip_invalid_month",
    "message": "the appointment month (digits 13-14) must be 01-12"}))]
pub struct FieldError {
    /// Dotted path of the field in the request body (`second_party.nip`,
    /// `commitments.2.unit`) or the name of the query parameter.
    #[schema(max_length = 200)]
    pub field: String,
    /// Stable machine-readable code; frontends may show their own text for it.
    #[schema(max_length = 200)]
    pub code: String,
    /// Human-readable explanation, in English or (with `Accept-Language: id`) Indonesian.
    #[schema(max_length = 1000)]
    pub message: String,
    /// What the catalogue fills in (`max`, `allowed`, ...), to render another language;
    /// `None` for a message of its own that the catalogue cannot render.
    #[serde(skip)]
    #[schema(ignore)]
    params: Option<Vec<(String, String)>>,
}

impl FieldError {
    /// An error whose message comes from the message catalog for `code`.
    pub fn new(field: impl Into<String>, code: &str) -> Self {
        Self::with_params(field, code, &[])
    }

    /// An error whose catalogue message is filled with `params` (e.g. `("max", "200")`).
    pub fn with_params(field: impl Into<String>, code: &str, params: &[(&str, String)]) -> Self {
        Self {
            field: field.into(),
            code: code.to_owned(),
            message: message(code, params),
            params: Some(
                params
                    .iter()
                    .map(|(name, value)| ((*name).to_owned(), value.clone()))
                    .collect(),
            ),
        }
    }

    /// An error with its own message (for details the catalog cannot know, e.g. a limit).
    /// It stays in English whatever the request's language.
    pub fn with_message(field: impl Into<String>, code: &str, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            code: code.to_owned(),
            message: message.into(),
            params: None,
        }
    }

    /// This error with its message in `language`.
    fn in_language(mut self, language: Language) -> Self {
        if let (Language::Indonesian, Some(params)) = (language, &self.params) {
            let params: Vec<(&str, String)> = params
                .iter()
                .map(|(name, value)| (name.as_str(), value.clone()))
                .collect();
            self.message = language.message(&self.code, &params);
        }
        self
    }
}

/// Why one innovation of a bulk stage move could not move.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct MoveFailure {
    pub innovation_id: i64,
    /// `not_found`, `forbidden`, `innovation_archived`, `transition_not_allowed`,
    /// `reason_required`, ...
    #[schema(max_length = 200)]
    pub code: String,
    #[schema(max_length = 1000)]
    pub message: String,
    /// Where this innovation may go from its stage (when the move was not allowed).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Vec<crate::domain::lab_stage::LabStage>, max_items = 5)]
    pub allowed_next_stages: Vec<String>,
}

/// An RFC 9457 problem details body, as every error of the API is answered.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "https://inovik.example/problems/validation", "title": "Validation failed",
    "status": 422, "detail": "1 field is invalid", "instance": "/api/v1/agencies",
    "request_id": "6f1c2a9e-3b1d-4c8e-9a57-0d2f4b8e7c11",
    "errors": [{"field": "head_nip", "code": "nip_invalid_month",
                "message": "the appointment month (digits 13-14) must be 01-12"}]}))]
pub struct Problem {
    /// URI identifying the kind of problem.
    #[serde(rename = "type")]
    #[schema(format = Uri, max_length = 100, pattern = "^https://inovik\\.example/problems/[a-z0-9-]+$")]
    pub problem_type: String,
    /// Short summary of the kind of problem.
    #[schema(max_length = 100)]
    pub title: String,
    /// The HTTP status code.
    #[schema(minimum = 400, maximum = 599)]
    pub status: u16,
    /// Explanation of this occurrence.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 1000)]
    pub detail: Option<String>,
    /// The request path this problem occurred on.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 4096)]
    pub instance: Option<String>,
    /// The request id (also in the `X-Request-Id` header and the server's logs).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 128, pattern = "^[A-Za-z0-9._:-]+$")]
    pub request_id: Option<String>,
    /// Every bad field, for 400 and 422 (and the field at fault for some 409s); the first
    /// 100 of them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(nullable = false, max_items = 100)]
    pub errors: Vec<FieldError>,
    /// On the token endpoint: the RFC 6749 error code (`invalid_grant`, `invalid_client`,
    /// `invalid_request`, `unsupported_grant_type`, `slow_down`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false, max_length = 200, pattern = "^[a-z_]+$")]
    pub error: Option<String>,
    /// On a refused stage move: where the innovation may go from its stage.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false, value_type = Vec<crate::domain::lab_stage::LabStage>, max_items = 5, example = json!(["drum_up", "diagnose", "delivery"]))]
    pub allowed_next_stages: Option<Vec<String>>,
    /// On a refused import: every bad row, with its spreadsheet row number (the header is
    /// row 1) and column; the first 1000 of them.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false, value_type = Vec<RowError>, max_items = 1000)]
    pub row_errors: Option<Vec<RowError>>,
    /// On a refused bulk stage move: why each innovation could not move (none moved).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false, max_items = 500)]
    pub failures: Option<Vec<MoveFailure>>,
    /// On the token endpoint: the RFC 6749 error description.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false, max_length = 1000)]
    pub error_description: Option<String>,
}

/// Everything that can go wrong while serving a request.
#[derive(Debug, Clone)]
pub enum ApiError {
    /// The body is not JSON we accept (syntax, unknown field, wrong JSON type).
    BadRequest {
        detail: String,
        errors: Vec<FieldError>,
    },
    /// No credentials where they are needed, or credentials that are not valid.
    Unauthorized {
        detail: &'static str,
        /// The token was presented but is not valid (RFC 6750 `invalid_token`).
        invalid_token: bool,
    },
    /// Signed in, but this account may not do this.
    Forbidden {
        detail: String,
    },
    /// An OAuth 2.0 token-endpoint error (RFC 6749 section 5.2).
    OAuth {
        status: u16,
        error: &'static str,
        description: String,
    },
    /// Too many attempts or requests (`what`: "failed sign-ins from this address");
    /// retry after this many seconds.
    TooManyRequests {
        retry_after: i64,
        what: &'static str,
    },
    NotFound,
    MethodNotAllowed {
        allow: Vec<String>,
    },
    /// The request conflicts with the current state (duplicate, illegal transition, ...).
    Conflict {
        slug: &'static str,
        detail: String,
        errors: Vec<FieldError>,
    },
    /// A write to a signed, superseded or cancelled agreement, whose content is fixed: the
    /// answer names the way forward (an amendment).
    AgreementFrozen {
        id: i64,
        number: String,
        status: String,
    },
    /// A stage move the lifecycle does not allow.
    IllegalTransition {
        detail: String,
        code: &'static str,
        allowed: Vec<String>,
    },
    /// A CSV import refused as a whole: every bad row.
    ImportRejected {
        rows: Vec<RowError>,
    },
    /// A bulk stage move refused as a whole.
    BulkMoveRefused {
        failures: Vec<MoveFailure>,
    },
    /// `If-Match` names a version that is no longer current.
    PreconditionFailed {
        current_version: i64,
    },
    PayloadTooLarge {
        limit: usize,
    },
    UnsupportedMediaType {
        expected: &'static str,
    },
    NotAcceptable {
        available: &'static str,
    },
    /// Well-formed input that breaks rules; every bad field is listed.
    Validation(Vec<FieldError>),
    /// Another request with this `Idempotency-Key` is running (or its claim moved on).
    IdempotencyKeyInUse,
    /// The first request with this `Idempotency-Key` committed, but its response was lost.
    IdempotencyOutcomeUnknown,
    /// This `Idempotency-Key` was used for a different request.
    IdempotencyKeyReused,
    /// The database cannot be reached or is overloaded.
    Unavailable,
    /// The file store cannot be reached, or a file it should hold is missing.
    StorageUnavailable,
    /// The resource existed and was removed for good (a purged document's file).
    Gone {
        detail: String,
    },
    /// A `Range` that starts past the end of a file of `size` bytes.
    RangeNotSatisfiable {
        size: u64,
    },
    /// An uploaded file whose content is of a type the service does not accept (`found`
    /// says what it is, as far as its first bytes tell).
    UnsupportedFile {
        found: String,
    },
    /// The request's database work ran longer than the query timeout and was stopped.
    Timeout,
    /// The path and query string are longer than the server reads.
    UriTooLong {
        limit: usize,
    },
    /// The request's headers together are larger than the server reads.
    HeadersTooLarge {
        limit: usize,
    },
    /// A bug or an unexpected fault; the detail is logged, never sent.
    Internal(String),
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn validation(errors: Vec<FieldError>) -> Self {
        Self::Validation(errors)
    }

    pub fn invalid_field(field: &str, code: &str) -> Self {
        Self::Validation(vec![FieldError::new(field, code)])
    }

    pub fn internal(detail: impl fmt::Display) -> Self {
        Self::Internal(detail.to_string())
    }

    /// 401 for a request that needs an account and has none.
    pub fn sign_in_required() -> Self {
        Self::Unauthorized {
            detail: "this needs a bearer token from /api/v1/auth/token",
            invalid_token: false,
        }
    }

    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::Forbidden {
            detail: detail.into(),
        }
    }

    pub fn oauth(status: u16, error: &'static str, description: impl Into<String>) -> Self {
        Self::OAuth {
            status,
            error,
            description: description.into(),
        }
    }

    fn slug_and_title(&self) -> (&'static str, &'static str) {
        match self {
            Self::BadRequest { .. } => ("bad-request", "Malformed request"),
            Self::Unauthorized { .. } => ("unauthorized", "Authentication required"),
            Self::Forbidden { .. } => ("forbidden", "Not allowed"),
            Self::OAuth { error, .. } => (oauth_slug(error), "Token request refused"),
            Self::TooManyRequests { .. } => ("too-many-requests", "Too many attempts"),
            Self::NotFound => ("not-found", "Not found"),
            Self::MethodNotAllowed { .. } => ("method-not-allowed", "Method not allowed"),
            Self::Conflict { slug, .. } => (slug, "Conflict with the current state"),
            Self::AgreementFrozen { .. } => ("agreement-signed", "Conflict with the current state"),
            Self::IllegalTransition { .. } => ("illegal-transition", "Stage move not allowed"),
            Self::BulkMoveRefused { .. } => ("illegal-transition", "Stage moves not allowed"),
            Self::PreconditionFailed { .. } => ("precondition-failed", "Version mismatch"),
            Self::PayloadTooLarge { .. } => ("payload-too-large", "Request body too large"),
            Self::UnsupportedMediaType { .. } => {
                ("unsupported-media-type", "Unsupported content type")
            }
            Self::NotAcceptable { .. } => ("not-acceptable", "No acceptable representation"),
            Self::Validation(_) => ("validation", "Validation failed"),
            Self::ImportRejected { .. } => ("import-rejected", "The file has bad rows"),
            Self::IdempotencyKeyInUse => ("idempotency-key-in-use", "Idempotency key in use"),
            Self::IdempotencyOutcomeUnknown => (
                "idempotency-outcome-unknown",
                "Outcome of the first request unknown",
            ),
            Self::IdempotencyKeyReused => ("idempotency-key-reused", "Idempotency key reused"),
            Self::Unavailable => ("service-unavailable", "Database unavailable"),
            Self::StorageUnavailable => ("storage-unavailable", "File store unavailable"),
            Self::Gone { .. } => ("gone", "Gone"),
            Self::RangeNotSatisfiable { .. } => ("range-not-satisfiable", "Range not satisfiable"),
            Self::UnsupportedFile { .. } => ("unsupported-file-type", "Unsupported file type"),
            Self::Timeout => ("timeout", "Request timed out"),
            Self::UriTooLong { .. } => ("uri-too-long", "Address too long"),
            Self::HeadersTooLarge { .. } => ("headers-too-large", "Request headers too large"),
            Self::Internal(_) => ("internal", "Internal server error"),
        }
    }

    fn detail(&self) -> Option<String> {
        Some(match self {
            Self::BadRequest { detail, .. } | Self::Conflict { detail, .. } => detail.clone(),
            Self::Unauthorized { detail, .. } => (*detail).to_owned(),
            Self::Forbidden { detail } => detail.clone(),
            Self::OAuth { description, .. } => description.clone(),
            Self::TooManyRequests { retry_after, what } => {
                format!("too many {what}; retry in {retry_after} seconds")
            }
            Self::NotFound => "no resource at this address".into(),
            Self::AgreementFrozen { id, number, status } => format!(
                "agreement {number} is {status} and cannot change; amend it with POST \
                 /api/v1/performance-agreements/{id}/amendments"
            ),
            Self::IllegalTransition { detail, .. } => detail.clone(),
            Self::BulkMoveRefused { failures } => format!(
                "{} of the innovations cannot move, so none moved",
                failures.len()
            ),
            Self::MethodNotAllowed { allow } => {
                format!("allowed methods: {}", allow.join(", "))
            }
            Self::PreconditionFailed { current_version } => format!(
                "If-Match does not match the current version {current_version}; nothing was changed"
            ),
            Self::PayloadTooLarge { limit } => {
                format!("the body is larger than the limit of {limit} bytes")
            }
            Self::UnsupportedMediaType { expected } => format!("send the body as {expected}"),
            Self::NotAcceptable { available } => format!("available: {available}"),
            Self::ImportRejected { rows } => {
                let bad: std::collections::BTreeSet<usize> = rows.iter().map(|r| r.row).collect();
                format!("{} row(s) have problems; nothing was imported", bad.len())
            }
            Self::Validation(errors) => match errors.len() {
                1 => "1 field is invalid".into(),
                n => format!("{n} fields are invalid"),
            },
            Self::IdempotencyKeyInUse => "a request with this Idempotency-Key is still running; \
                 retry in a moment to get its response"
                .into(),
            Self::IdempotencyOutcomeUnknown => "the first request with this Idempotency-Key made \
                 its change but its response was not kept; read the resource to see the result"
                .into(),
            Self::IdempotencyKeyReused => "this Idempotency-Key was sent with a different \
                 request; use a new key for a new request"
                .into(),
            Self::Unavailable => "the database cannot be reached; retry in a few seconds".into(),
            Self::StorageUnavailable => "the file store cannot be reached or lacks the file; \
                 nothing was changed; retry in a few seconds"
                .into(),
            Self::Gone { detail } => detail.clone(),
            Self::RangeNotSatisfiable { size } => {
                format!("the range starts past the end of the file ({size} bytes)")
            }
            Self::UnsupportedFile { found } => format!(
                "the file's content is {found}, which is not accepted as evidence; send PDF, \
                 JPEG, PNG, WebP, or an Office Open XML or OpenDocument text, spreadsheet or \
                 presentation"
            ),
            Self::Timeout => "the request's database work took too long and was stopped; \
                 retry later (a write retried with the same Idempotency-Key is never made twice)"
                .into(),
            Self::UriTooLong { limit } => {
                format!("the path and query string are longer than {limit} bytes")
            }
            Self::HeadersTooLarge { limit } => {
                format!("the request headers are larger than {limit} bytes in all")
            }
            Self::Internal(_) => "an unexpected error occurred; it has been logged".into(),
        })
    }

    fn field_errors(&self) -> Vec<FieldError> {
        match self {
            Self::BadRequest { errors, .. }
            | Self::Conflict { errors, .. }
            | Self::Validation(errors) => errors.clone(),
            Self::IllegalTransition { code, .. } => vec![FieldError::new("to", code)],
            Self::IdempotencyKeyReused => vec![FieldError::new("Idempotency-Key", "reused")],
            Self::UnsupportedFile { .. } => vec![FieldError::new("file", "file_type_not_accepted")],
            _ => Vec::new(),
        }
    }

    /// The problem body for this error, in `language`, for the request with this id at
    /// this path (`instance`).
    pub fn problem_in(
        &self,
        language: Language,
        request_id: Option<String>,
        instance: Option<String>,
    ) -> Problem {
        let (slug, title) = self.slug_and_title();
        let title = match language {
            Language::Indonesian => messages_id::title(slug).unwrap_or(title),
            Language::English => title,
        };
        Problem {
            problem_type: format!("{PROBLEM_BASE}{slug}"),
            title: title.to_owned(),
            status: self.status(),
            detail: self.detail(),
            instance,
            request_id,
            errors: self
                .field_errors()
                .into_iter()
                .map(|error| error.in_language(language))
                .collect(),
            allowed_next_stages: match self {
                Self::IllegalTransition { allowed, .. } => Some(allowed.clone()),
                _ => None,
            },
            row_errors: match self {
                Self::ImportRejected { rows } => Some(rows.clone()),
                _ => None,
            },
            failures: match self {
                Self::BulkMoveRefused { failures } => Some(failures.clone()),
                _ => None,
            },
            error: match self {
                Self::OAuth { error, .. } => Some((*error).to_owned()),
                // RFC 6749 section 4.1.2.1's code for "try again later" (`slow_down` is
                // RFC 8628's, for device polling).
                Self::TooManyRequests { .. } => Some("temporarily_unavailable".to_owned()),
                _ => None,
            },
            error_description: match self {
                Self::OAuth { description, .. } => Some(description.clone()),
                Self::TooManyRequests { .. } => self.detail(),
                _ => None,
            },
        }
        .bounded()
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (_, title) = self.slug_and_title();
        match self {
            Self::Internal(detail) => write!(f, "{title}: {detail}"),
            _ => write!(f, "{title}: {}", self.detail().unwrap_or_default()),
        }
    }
}

impl std::error::Error for ApiError {}

impl ApiError {
    /// The HTTP status this error is answered with.
    pub fn status(&self) -> u16 {
        match self {
            Self::BadRequest { .. } => 400,
            Self::Unauthorized { .. } => 401,
            Self::Forbidden { .. } => 403,
            Self::OAuth { status, .. } => *status,
            Self::TooManyRequests { .. } => 429,
            Self::NotFound => 404,
            Self::MethodNotAllowed { .. } => 405,
            Self::Conflict { .. }
            | Self::AgreementFrozen { .. }
            | Self::IdempotencyKeyInUse
            | Self::IdempotencyOutcomeUnknown
            | Self::IllegalTransition { .. }
            | Self::BulkMoveRefused { .. } => 409,
            Self::PreconditionFailed { .. } => 412,
            Self::PayloadTooLarge { .. } => 413,
            Self::UnsupportedMediaType { .. } => 415,
            Self::NotAcceptable { .. } => 406,
            Self::Validation(_) | Self::ImportRejected { .. } | Self::IdempotencyKeyReused => 422,
            Self::Unavailable | Self::Timeout | Self::StorageUnavailable => 503,
            Self::Gone { .. } => 410,
            Self::RangeNotSatisfiable { .. } => 416,
            Self::UnsupportedFile { .. } => 415,
            Self::UriTooLong { .. } => 414,
            Self::HeadersTooLarge { .. } => 431,
            Self::Internal(_) => 500,
        }
    }
}

fn oauth_slug(error: &str) -> &'static str {
    match error {
        "invalid_client" => "invalid-client",
        "invalid_grant" => "invalid-grant",
        "unsupported_grant_type" => "unsupported-grant-type",
        "unauthorized_client" => "unauthorized-client",
        "unsupported_token_type" => "unsupported-token-type",
        _ => "invalid-request",
    }
}

impl From<crate::domain::field_issue::FieldIssue> for FieldError {
    fn from(issue: crate::domain::field_issue::FieldIssue) -> Self {
        Self::with_params(issue.path, issue.code, &issue.params)
    }
}
