//! Writes to versioned records: the `If-Match` check, the `UPDATE ... WHERE version = ?`
//! race guard and the audit event, written once for every resource.

use serde::Serialize;

use crate::db::{DbConnection, WriteContext};
use crate::domain::version::ExpectedVersion;
use crate::error::{ApiError, ApiResult};

/// How many times an unconditional write re-reads a record that changed under it.
const WRITE_ATTEMPTS: usize = 5;

/// A stored record with an id and a version, as the audit trail names it.
pub trait Record: Serialize + Clone {
    /// The audit trail's resource type (`"cohort"`, `"user"`, ...).
    const RESOURCE: &'static str;
    fn id(&self) -> i64;
    fn version(&self) -> i64;
}

/// One try at a versioned write: done, or beaten by another writer (try again).
pub enum Attempt<T> {
    Done(T),
    Stale,
}

/// 412 unless `expected` (from `If-Match`) admits `version`.
pub fn check_version(expected: &ExpectedVersion, version: i64) -> ApiResult<()> {
    if expected.matches(version) {
        Ok(())
    } else {
        Err(ApiError::PreconditionFailed {
            current_version: version,
        })
    }
}

/// Read-check-write of one record. Each attempt reads the row, checks `expected` (412 if
/// it does not match) and writes with `UPDATE ... WHERE id = ? AND version = ?`, so two
/// concurrent writers cannot both win. Without `If-Match` a lost race re-reads and
/// re-applies the change to the newer version; with it, the re-read fails the check.
pub fn versioned_write<R, T>(
    conn: &mut DbConnection,
    expected: &ExpectedVersion,
    mut read: impl FnMut(&mut DbConnection) -> ApiResult<R>,
    version_of: impl Fn(&R) -> i64,
    mut attempt: impl FnMut(&mut DbConnection, &R) -> ApiResult<Attempt<T>>,
) -> ApiResult<T> {
    for _ in 0..WRITE_ATTEMPTS {
        let current = read(conn)?;
        check_version(expected, version_of(&current))?;
        if let Attempt::Done(result) = attempt(conn, &current)? {
            return Ok(result);
        }
    }
    Err(ApiError::Conflict {
        slug: "concurrent-update",
        detail: "the record kept changing while this request tried to update it; retry".into(),
        errors: Vec::new(),
    })
}

/// The one audited versioned update: reads the record (`read`), asks `revise` what it
/// becomes (`None`: nothing changes and the record is answered as it is), lets `write`
/// store it under the version guard (`None`: another writer came first, so try again),
/// and records the audit event `action(before, after)` with both states, all in the
/// caller's transaction.
pub fn audited_update<R: Record, D>(
    conn: &mut DbConnection,
    context: &WriteContext,
    expected: &ExpectedVersion,
    read: impl FnMut(&mut DbConnection) -> ApiResult<R>,
    mut revise: impl FnMut(&mut DbConnection, &R) -> ApiResult<Option<D>>,
    mut write: impl FnMut(&mut DbConnection, &R, D) -> ApiResult<Option<R>>,
    action: impl Fn(&R, &R) -> &'static str,
) -> ApiResult<R> {
    versioned_write(conn, expected, read, R::version, |conn, current| {
        let Some(draft) = revise(conn, current)? else {
            return Ok(Attempt::Done(current.clone()));
        };
        let Some(row) = write(conn, current, draft)? else {
            return Ok(Attempt::Stale);
        };
        super::audit::record(
            conn,
            context,
            action(current, &row),
            R::RESOURCE,
            Some(row.id()),
            Some(current),
            Some(&row),
        )?;
        Ok(Attempt::Done(row))
    })
}
