//! Failed sign-ins per username or client id, kept in the database so that every server
//! process slows the same guesser down.

use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::sign_in_failures;
use crate::error::ApiResult;

/// How long a block lasts after the free failures: doubling per failure, at most this.
const MAX_BLOCK_SECONDS: i64 = 15 * 60;
/// Failures older than this are forgotten.
const FORGET_AFTER_SECONDS: i64 = 15 * 60;

/// Seconds until `subject` may try again, if it is blocked now.
pub fn blocked_for(conn: &mut DbConnection, subject: &str) -> ApiResult<Option<i64>> {
    let blocked_until = sign_in_failures::table
        .find(subject)
        .select(sign_in_failures::blocked_until)
        .first::<Option<chrono::NaiveDateTime>>(conn)
        .optional()?
        .flatten();
    let now = super::now();
    Ok(blocked_until
        .filter(|until| *until > now)
        .map(|until| (until - now).num_seconds().max(1)))
}

/// Counts a failure; after `free_failures` the subject is blocked for 2, 4, 8, ... seconds
/// (at most 15 minutes).
pub fn record_failure(conn: &mut DbConnection, subject: &str, free_failures: i64) -> ApiResult<()> {
    let now = super::now();
    forget_old(conn, now)?;
    let previous = sign_in_failures::table
        .find(subject)
        .select((sign_in_failures::failures, sign_in_failures::last_failed_at))
        .first::<(i64, chrono::NaiveDateTime)>(conn)
        .optional()?;
    let failures = match previous {
        Some((failures, last)) if (now - last).num_seconds() < FORGET_AFTER_SECONDS => failures + 1,
        _ => 1,
    };
    let blocked_until = (failures > free_failures).then(|| {
        let exponent = (failures - free_failures).min(10) as u32;
        now + chrono::Duration::seconds((1i64 << exponent).min(MAX_BLOCK_SECONDS))
    });
    let values = (
        sign_in_failures::failures.eq(failures),
        sign_in_failures::last_failed_at.eq(now),
        sign_in_failures::blocked_until.eq(blocked_until),
    );
    if previous.is_some() {
        diesel::update(sign_in_failures::table.find(subject))
            .set(values)
            .execute(conn)?;
    } else {
        // Two processes may count the first failure at once: the insert runs in a
        // savepoint, and the loser adds its failure to the winner's row instead.
        let inserted = conn.transaction(|conn| {
            diesel::insert_into(sign_in_failures::table)
                .values((
                    sign_in_failures::subject.eq(subject),
                    values.0,
                    values.1,
                    values.2,
                ))
                .execute(conn)
        });
        match inserted {
            Ok(_) => {}
            Err(diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            )) => {
                diesel::update(sign_in_failures::table.find(subject))
                    .set((
                        sign_in_failures::failures.eq(sign_in_failures::failures + 1),
                        sign_in_failures::last_failed_at.eq(now),
                    ))
                    .execute(conn)?;
            }
            Err(other) => return Err(other.into()),
        }
    }
    Ok(())
}

/// Deletes counters nobody needs any more: past their block and older than the window,
/// so guessed names are not kept (a counter then starts from one, as it would anyway).
fn forget_old(conn: &mut DbConnection, now: chrono::NaiveDateTime) -> ApiResult<()> {
    let cutoff = now - chrono::Duration::seconds(FORGET_AFTER_SECONDS);
    diesel::delete(
        sign_in_failures::table
            .filter(sign_in_failures::last_failed_at.lt(cutoff))
            .filter(
                sign_in_failures::blocked_until
                    .is_null()
                    .or(sign_in_failures::blocked_until.lt(now)),
            ),
    )
    .execute(conn)?;
    Ok(())
}

/// Forgets the failures of `subject` after a successful sign-in.
pub fn clear(conn: &mut DbConnection, subject: &str) -> ApiResult<()> {
    diesel::delete(sign_in_failures::table.find(subject)).execute(conn)?;
    Ok(())
}
