//! The schema of a government affair in innovation bodies.

use utoipa::ToSchema;

/// A government affair (urusan pemerintahan) an innovation serves, e.g. "kesehatan":
/// short, not blank, without `|` (see [`crate::domain::innovation::validate_affairs`]).
/// Only describes the schema; bodies carry plain strings.
pub struct GovernmentAffair;

impl utoipa::PartialSchema for GovernmentAffair {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        short_text(
            crate::domain::innovation::AFFAIR_MAX,
            Some("^[^|]+$"),
            "kesehatan",
        )
    }
}

/// The schema of a short string (1 to `max` characters) that bodies carry plain.
pub fn short_text(
    max: usize,
    pattern: Option<&str>,
    example: &str,
) -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    ObjectBuilder::new()
        .schema_type(Type::String)
        .min_length(Some(1))
        .max_length(Some(max))
        .pattern(pattern)
        .examples([serde_json::json!(example)])
        .into()
}

impl ToSchema for GovernmentAffair {}
