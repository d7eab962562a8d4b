//! Diesel queries, one module per entity. No HTTP here: functions take a connection and
//! return rows or an [`crate::error::ApiError`] by meaning.

pub mod agencies;

use chrono::{NaiveDateTime, SubsecRound, Utc};

/// "Now" as stored: UTC, truncated to microseconds (PostgreSQL's precision), so a value
/// read back equals the value written on both backends, as keyset cursors require.
pub fn now() -> NaiveDateTime {
    Utc::now().naive_utc().trunc_subsecs(6)
}

/// Maps a unique-constraint violation on `constraint` to a 409 naming `field`.
pub fn conflict_on_unique(
    error: diesel::result::Error,
    constraint_hint: &str,
    field: &str,
    detail: impl Into<String>,
) -> crate::error::ApiError {
    use diesel::result::{DatabaseErrorKind, Error};
    match &error {
        Error::DatabaseError(DatabaseErrorKind::UniqueViolation, info)
            // PostgreSQL names the constraint; SQLite names the column ("agencies.code").
            if info.constraint_name() == Some(constraint_hint)
                || info.message().contains(constraint_hint)
                || info.message().contains(&format!(".{field}")) =>
        {
            crate::error::ApiError::Conflict {
                slug: "duplicate",
                detail: detail.into(),
                errors: vec![crate::error::FieldError::new(field, "duplicate")],
            }
        }
        _ => error.into(),
    }
}
