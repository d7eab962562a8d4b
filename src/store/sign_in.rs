//! Throttling counters for sign-ins, kept in the database so that every server process
//! slows the same guesser down. A counter belongs to a subject (see [`Throttle`]): the
//! pair of an account name and a source address, a source address alone, an account's
//! password changes, or a source's token requests in the current minute.

use std::net::IpAddr;

use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::sign_in_failures;
use crate::error::ApiResult;

/// How long a block lasts after the free failures: doubling per failure, at most this;
/// and the longest `Retry-After` a throttle answers (the document's bound).
pub const MAX_BLOCK_SECONDS: i64 = 15 * 60;
/// Failures older than this are forgotten.
const FORGET_AFTER_SECONDS: i64 = 15 * 60;

/// What a counter counts. Keyed so that an attacker slows himself, not the owner: a wrong
/// guess from one address never blocks the same name from another address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Throttle {
    /// Failed sign-ins of one username (`user`) or client id (`client`) from one address.
    Pair {
        kind: &'static str,
        name: String,
        source: IpAddr,
    },
    /// Failed sign-ins from one address, whatever the names (password spraying).
    Source(IpAddr),
    /// Failed password changes of one signed-in account (a stolen token's guesses).
    PasswordChange(i64),
    /// Token requests from one address in the current minute (any outcome).
    TokenRequests(IpAddr),
}

impl Throttle {
    /// The counter's key in the table. Names are bounded (64 characters) before they get
    /// here, so a key is never longer than an index row allows.
    pub fn subject(&self) -> String {
        match self {
            Self::Pair { kind, name, source } => format!("{kind}:{name}@{source}"),
            Self::Source(source) => format!("source:{source}"),
            Self::PasswordChange(account) => format!("password:{account}"),
            Self::TokenRequests(source) => format!("token-requests:{source}"),
        }
    }
}

/// Seconds until the caller may try again, rounded up, if any of `throttles` blocks it
/// now: the longest wait of them.
pub fn blocked_for(conn: &mut DbConnection, throttles: &[Throttle]) -> ApiResult<Option<i64>> {
    let subjects: Vec<String> = throttles.iter().map(Throttle::subject).collect();
    let now = super::now();
    let until = sign_in_failures::table
        .filter(sign_in_failures::subject.eq_any(&subjects))
        .filter(sign_in_failures::blocked_until.gt(now))
        .select(diesel::dsl::max(sign_in_failures::blocked_until))
        .first::<Option<chrono::NaiveDateTime>>(conn)?;
    Ok(until.map(|until| seconds_until(now, until)))
}

/// Whole seconds from `now` to `until`, rounded up (a client that waits `Retry-After`
/// seconds must find the block over), at least one and at most [`MAX_BLOCK_SECONDS`]
/// (`until` may come from a replica whose clock is ahead).
fn seconds_until(now: chrono::NaiveDateTime, until: chrono::NaiveDateTime) -> i64 {
    let millis = (until - now).num_milliseconds();
    ((millis + 999) / 1000).clamp(1, MAX_BLOCK_SECONDS)
}

/// Counts a failure; after `free_failures` the subject is blocked for 2, 4, 8, ... seconds
/// (at most 15 minutes).
pub fn record_failure(
    conn: &mut DbConnection,
    throttle: &Throttle,
    free_failures: i64,
) -> ApiResult<()> {
    let subject = throttle.subject();
    let now = super::now();
    forget_old(conn, now)?;
    let previous = sign_in_failures::table
        .find(&subject)
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
    if previous.is_some() {
        diesel::update(sign_in_failures::table.find(&subject))
            .set((
                sign_in_failures::failures.eq(failures),
                sign_in_failures::last_failed_at.eq(now),
                sign_in_failures::blocked_until.eq(blocked_until),
            ))
            .execute(conn)?;
        Ok(())
    } else {
        insert_or_add_one(conn, &subject, now, blocked_until)
    }
}

/// Inserts a counter at one. Two processes may count the first event at once: the insert
/// runs in a savepoint, and the loser adds its event to the winner's row instead.
fn insert_or_add_one(
    conn: &mut DbConnection,
    subject: &str,
    now: chrono::NaiveDateTime,
    blocked_until: Option<chrono::NaiveDateTime>,
) -> ApiResult<()> {
    let inserted = conn.transaction(|conn| {
        diesel::insert_into(sign_in_failures::table)
            .values((
                sign_in_failures::subject.eq(subject),
                sign_in_failures::failures.eq(1),
                sign_in_failures::last_failed_at.eq(now),
                sign_in_failures::blocked_until.eq(blocked_until),
            ))
            .execute(conn)
    });
    match inserted {
        Ok(_) => Ok(()),
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
            Ok(())
        }
        Err(other) => Err(other.into()),
    }
}

/// Counts one request of a per-minute budget (the row's `last_failed_at` is the start of
/// its minute). Past `per_minute`, the subject is blocked until the minute ends; returns
/// the seconds to wait then.
pub fn count_request(
    conn: &mut DbConnection,
    throttle: &Throttle,
    per_minute: i64,
) -> ApiResult<Option<i64>> {
    let subject = throttle.subject();
    let now = super::now();
    let window_start = now - chrono::Duration::seconds(60);
    let counted = diesel::update(
        sign_in_failures::table
            .find(&subject)
            .filter(sign_in_failures::last_failed_at.gt(window_start)),
    )
    .set(sign_in_failures::failures.eq(sign_in_failures::failures + 1))
    .returning((sign_in_failures::failures, sign_in_failures::last_failed_at))
    .get_result::<(i64, chrono::NaiveDateTime)>(conn)
    .optional()?;
    let Some((count, started)) = counted else {
        // No counter, or one of an earlier minute: this request starts a new one.
        diesel::delete(sign_in_failures::table.find(&subject)).execute(conn)?;
        insert_or_add_one(conn, &subject, now, None)?;
        return Ok(None);
    };
    if count <= per_minute {
        return Ok(None);
    }
    let until = started + chrono::Duration::seconds(60);
    diesel::update(sign_in_failures::table.find(&subject))
        .set(sign_in_failures::blocked_until.eq(Some(until)))
        .execute(conn)?;
    Ok(Some(seconds_until(now, until)))
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

/// Forgets the failures counted by `throttle` after a success.
pub fn clear(conn: &mut DbConnection, throttle: &Throttle) -> ApiResult<()> {
    diesel::delete(sign_in_failures::table.find(throttle.subject())).execute(conn)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_are_rounded_up() {
        let now = chrono::NaiveDate::from_ymd_opt(2016, 10, 12)
            .unwrap()
            .and_hms_opt(10, 0, 0)
            .unwrap();
        let later = |millis| now + chrono::Duration::milliseconds(millis);
        assert_eq!(seconds_until(now, later(1)), 1);
        assert_eq!(seconds_until(now, later(1000)), 1);
        assert_eq!(seconds_until(now, later(1001)), 2);
        assert_eq!(seconds_until(now, later(7_999)), 8);
    }
}
