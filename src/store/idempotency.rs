//! Idempotency keys, kept in the database so that every server process sees the same ones.
//!
//! A key goes through three states:
//! - `pending`: claimed by a request that is running now (or died; its lease then runs out
//!   and a retry takes the claim over with a new token);
//! - `committed`: the request's change committed; set by [`fence`] inside the change's own
//!   transaction, so a request whose claim was taken over can no longer commit anything;
//! - `completed`: the response is stored and every retry gets it back.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::idempotency_keys as keys;
use crate::error::{ApiError, ApiResult};

use crate::db::fence::{COMMITTED, PENDING};
pub use crate::db::fence::{Claim, fence};

const COMPLETED: &str = "completed";

/// The first response to a key, as replayed.
#[derive(Debug, Clone)]
pub struct StoredResponse {
    pub status: u16,
    /// `(name, value)` pairs: Content-Type, Location, ETag.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// What a request finds when it presents a key.
#[derive(Debug)]
pub enum Presented {
    /// The key is this request's: run it.
    Claimed(Claim),
    /// An earlier request with this key finished: answer what it answered.
    Replay(StoredResponse),
    /// An earlier request with this key is still running.
    InProgress,
    /// An earlier request with this key made its change, but its response was lost.
    OutcomeUnknown,
    /// The key was used for a different request.
    Reused,
}

/// The request a key is presented with.
pub struct KeyRequest<'a> {
    pub scope: &'a str,
    pub key: &'a str,
    pub request_hash: &'a str,
    /// How long the claim protects a running request.
    pub lease: chrono::Duration,
    /// How long the key and its response are kept.
    pub ttl: chrono::Duration,
}

#[derive(Queryable)]
struct Row {
    id: i64,
    request_hash: String,
    state: String,
    claim_token: String,
    lease_until: NaiveDateTime,
    response_status: Option<i32>,
    response_headers: Option<String>,
    response_body: Option<Vec<u8>>,
}

/// Claims `request.key` for this request, or says why not. Runs in its own transaction;
/// the insert sits in a savepoint so that losing the race to another process leaves the
/// transaction usable on PostgreSQL.
pub fn present(conn: &mut DbConnection, request: &KeyRequest) -> ApiResult<Presented> {
    let now = super::now();
    // Expired keys are forgotten, this one included: it may be used afresh.
    diesel::delete(keys::table.filter(keys::expires_at.le(now))).execute(conn)?;
    let token = crate::auth::secrets::random_token(24);
    let inserted = conn.transaction(|conn| {
        diesel::insert_into(keys::table)
            .values((
                keys::scope.eq(request.scope),
                keys::idempotency_key.eq(request.key),
                keys::request_hash.eq(request.request_hash),
                keys::state.eq(PENDING),
                keys::claim_token.eq(&token),
                keys::lease_until.eq(now + request.lease),
                keys::created_at.eq(now),
                keys::expires_at.eq(now + request.ttl),
            ))
            .returning(keys::id)
            .get_result::<i64>(conn)
    });
    match inserted {
        Ok(id) => return Ok(Presented::Claimed(Claim { id, token })),
        Err(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        )) => {}
        Err(other) => return Err(other.into()),
    }
    let existing = keys::table
        .filter(keys::scope.eq(request.scope))
        .filter(keys::idempotency_key.eq(request.key))
        .select((
            keys::id,
            keys::request_hash,
            keys::state,
            keys::claim_token,
            keys::lease_until,
            keys::response_status,
            keys::response_headers,
            keys::response_body,
        ))
        .first::<Row>(conn)
        .optional()?;
    let Some(row) = existing else {
        // Deleted between our insert and this read: the client may simply retry.
        return Ok(Presented::InProgress);
    };
    if row.request_hash != request.request_hash {
        return Ok(Presented::Reused);
    }
    match row.state.as_str() {
        COMPLETED => Ok(Presented::Replay(stored_response(row)?)),
        // Committed, and the response is being stored right now...
        _ if row.lease_until > now => Ok(Presented::InProgress),
        // ...or never will be: the process died between its commit and storing it.
        COMMITTED => Ok(Presented::OutcomeUnknown),
        _ => {
            // The request holding the claim died (or outlived its lease): take it over.
            // Its transaction, if it still runs, fails its fence on the changed token.
            let taken = diesel::update(
                keys::table
                    .find(row.id)
                    .filter(keys::claim_token.eq(&row.claim_token))
                    .filter(keys::state.eq(PENDING)),
            )
            .set((
                keys::claim_token.eq(&token),
                keys::lease_until.eq(now + request.lease),
            ))
            .execute(conn)?;
            Ok(if taken == 1 {
                Presented::Claimed(Claim { id: row.id, token })
            } else {
                Presented::InProgress
            })
        }
    }
}

fn stored_response(row: Row) -> ApiResult<StoredResponse> {
    let headers: Vec<(String, String)> = match &row.response_headers {
        Some(json) => serde_json::from_str(json)
            .map_err(|e| ApiError::internal(format!("stored idempotent headers: {e}")))?,
        None => Vec::new(),
    };
    Ok(StoredResponse {
        status: row
            .response_status
            .and_then(|s| u16::try_from(s).ok())
            .ok_or_else(|| ApiError::internal("completed idempotency key without a status"))?,
        headers,
        body: row.response_body.unwrap_or_default(),
    })
}

/// After the handler: keeps `response` for replay if it is final (see
/// [`is_replayable`]) or if the change committed; otherwise frees the key for a retry.
pub fn finish(conn: &mut DbConnection, claim: &Claim, response: &StoredResponse) -> ApiResult<()> {
    let mine = keys::table
        .find(claim.id)
        .filter(keys::claim_token.eq(&claim.token));
    let state = mine.select(keys::state).first::<String>(conn).optional()?;
    match state.as_deref() {
        None => Ok(()),
        Some(PENDING) if !is_replayable(response.status) => {
            diesel::delete(mine).execute(conn)?;
            Ok(())
        }
        Some(_) => {
            let headers = serde_json::to_string(&response.headers)
                .map_err(|e| ApiError::internal(format!("idempotent headers: {e}")))?;
            diesel::update(mine)
                .set((
                    keys::state.eq(COMPLETED),
                    keys::response_status.eq(i32::from(response.status)),
                    keys::response_headers.eq(headers),
                    keys::response_body.eq(&response.body),
                ))
                .execute(conn)?;
            Ok(())
        }
    }
}

/// Whether a response is the final answer to its request, so a retry gets it again.
/// Refusals that may go away by themselves (401, 403, 408, 409, 429, 5xx: a token renewed,
/// a conflict resolved, the database back) free the key instead, so the retry runs; so
/// does 413, whose body was never read whole and so never hashed or judged.
pub fn is_replayable(status: u16) -> bool {
    matches!(status, 200..=299 | 400..=499) && !matches!(status, 401 | 403 | 408 | 409 | 413 | 429)
}

#[cfg(test)]
mod tests {
    use super::is_replayable;

    #[test]
    fn final_answers_are_kept_and_passing_refusals_are_not() {
        for status in [200, 201, 204, 400, 404, 412, 415, 422] {
            assert!(is_replayable(status), "{status}");
        }
        for status in [401, 403, 408, 409, 413, 429, 500, 503] {
            assert!(!is_replayable(status), "{status}");
        }
    }
}
