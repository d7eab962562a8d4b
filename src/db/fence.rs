//! The idempotency fence every write transaction passes first (see
//! `store::idempotency` for a key's whole life): a change commits only while its request
//! still holds the claim on its key, so one key never has two effects, even when a
//! request outlived its claim and another took it over.

use diesel::prelude::*;

use super::DbConnection;
use super::schema::idempotency_keys as keys;
use crate::error::{ApiError, ApiResult};

/// A key claimed by a request that is running now (or died).
pub const PENDING: &str = "pending";
/// A key whose request's change committed.
pub const COMMITTED: &str = "committed";

/// The claim a request holds on its key while it runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    pub id: i64,
    pub token: String,
}

/// Inside the transaction of the change: marks the key committed if this request still
/// holds it, else fails the change (409), so one key never has two effects.
pub fn fence(conn: &mut DbConnection, claim: &Claim) -> ApiResult<()> {
    let held = diesel::update(
        keys::table
            .find(claim.id)
            .filter(keys::claim_token.eq(&claim.token))
            .filter(keys::state.eq_any([PENDING, COMMITTED])),
    )
    .set(keys::state.eq(COMMITTED))
    .execute(conn)?;
    if held == 1 {
        Ok(())
    } else {
        Err(ApiError::IdempotencyKeyInUse)
    }
}
