//! The schema of a government affair in innovation bodies.

use utoipa::ToSchema;

/// A government affair (urusan pemerintahan) an innovation serves, e.g. "kesehatan":
/// short, not blank, without `|` (see [`crate::domain::innovation::validate_affairs`]).
/// Only describes the schema; bodies carry plain strings.
pub struct GovernmentAffair;

impl utoipa::PartialSchema for GovernmentAffair {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .min_length(Some(1))
            .max_length(Some(crate::domain::innovation::AFFAIR_MAX))
            .pattern(Some("^[^|]+$"))
            .examples([serde_json::json!("kesehatan")])
            .into()
    }
}

impl ToSchema for GovernmentAffair {}
