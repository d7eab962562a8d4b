//! Diesel queries, one module per entity. No HTTP here: functions take a connection and
//! return rows or an [`crate::error::ApiError`] by meaning.

/// Orders a boxed query by `column` (then `id`) and, in cursor mode, starts after the
/// `(key, id)` of the last row served: the keyset pagination every list uses.
macro_rules! keyset {
    ($query:expr, $column:expr, $id:expr, $descending:expr, $after:expr) => {{
        let query = $query;
        match ($descending, $after) {
            (false, None) => query.order(($column.asc(), $id.asc())),
            (true, None) => query.order(($column.desc(), $id.desc())),
            // The first condition is implied by the second; it is there so that both
            // databases start the index scan at the cursor instead of at the first row
            // (without it a page deep into a million rows read every row before it).
            (false, Some((key, id))) => query
                .filter($column.ge(key.clone()))
                .filter($column.gt(key.clone()).or($column.eq(key).and($id.gt(id))))
                .order(($column.asc(), $id.asc())),
            (true, Some((key, id))) => query
                .filter($column.le(key.clone()))
                .filter($column.lt(key.clone()).or($column.eq(key).and($id.lt(id))))
                .order(($column.desc(), $id.desc())),
        }
    }};
}

/// Makes a row type a [`versioned::Record`] named `$resource` in the audit trail.
macro_rules! record {
    ($row:ty, $resource:expr) => {
        impl crate::store::versioned::Record for $row {
            const RESOURCE: &'static str = $resource;
            fn id(&self) -> i64 {
                self.id
            }
            fn version(&self) -> i64 {
                self.version
            }
        }
    };
}

pub mod accounts;
pub mod agencies;
pub mod agreements;
pub mod audit;
pub mod cohorts;
pub mod cursor;
pub mod documents;
pub mod idempotency;
pub mod index_assessments;
pub mod index_catalogues;
pub mod index_years;
pub mod innovations;
pub mod listing;
pub mod refresh_tokens;
pub mod sign_in;
pub mod versioned;

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

pub use versioned::{Attempt, Record, audited_update, check_version, versioned_write};

diesel::define_sql_function! {
    /// SQL `lower()`: ASCII-only on SQLite, so only for text that is ASCII by rule or where
    /// a near-miss in search is harmless.
    fn lower(text: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

/// Serialises writers on one PostgreSQL advisory lock for the rest of the transaction, for
/// rules that read before they write (no cycle in the agency tree, one agreement in force
/// per agency and year). SQLite writers already take turns.
pub fn serialise_on(conn: &mut crate::db::DbConnection, key: i64) -> crate::error::ApiResult<()> {
    if let crate::db::DbConnection::Postgres(pg) = conn {
        diesel::connection::SimpleConnection::batch_execute(
            pg,
            &format!("SELECT pg_advisory_xact_lock({key})"),
        )?;
    }
    Ok(())
}
