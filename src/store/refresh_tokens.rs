//! Refresh tokens: stored as SHA-256 hashes, rotated on every use. A token used twice
//! means it was stolen (or replayed), so its whole family is revoked.

use diesel::prelude::*;

use crate::auth::secrets::{random_token, sha256_hex};
use crate::db::DbConnection;
use crate::db::schema::refresh_tokens;
use crate::error::ApiResult;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = refresh_tokens, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct RefreshTokenRow {
    pub id: i64,
    pub token_hash: String,
    pub family: String,
    pub user_id: i64,
    pub expires_at: chrono::NaiveDateTime,
    pub retired_at: Option<chrono::NaiveDateTime>,
    pub revoked_at: Option<chrono::NaiveDateTime>,
    pub created_at: chrono::NaiveDateTime,
}

/// A refresh token as handed out: the token itself (never stored) and its sign-in.
pub struct Issued {
    pub token: String,
    pub family: String,
}

/// Issues a new refresh token for `user_id` in `family` (a new family for a new sign-in).
pub fn issue(
    conn: &mut DbConnection,
    user_id: i64,
    family: Option<&str>,
    lifetime_seconds: i64,
) -> ApiResult<Issued> {
    let token = random_token(32);
    let now = super::now();
    let family = family.map_or_else(|| random_token(16), str::to_owned);
    diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::token_hash.eq(sha256_hex(&token)),
            refresh_tokens::family.eq(&family),
            refresh_tokens::user_id.eq(user_id),
            refresh_tokens::expires_at.eq(now + chrono::Duration::seconds(lifetime_seconds)),
            refresh_tokens::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(Issued { token, family })
}

pub fn find(conn: &mut DbConnection, token: &str) -> ApiResult<Option<RefreshTokenRow>> {
    Ok(refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(sha256_hex(token)))
        .select(RefreshTokenRow::as_select())
        .first(conn)
        .optional()?)
}

/// Marks a token used; false if another request used it first (a replay).
pub fn retire(conn: &mut DbConnection, id: i64) -> ApiResult<bool> {
    let retired = diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::id.eq(id))
            .filter(refresh_tokens::retired_at.is_null()),
    )
    .set(refresh_tokens::retired_at.eq(super::now()))
    .execute(conn)?;
    Ok(retired == 1)
}

pub fn revoke_family(conn: &mut DbConnection, family: &str) -> ApiResult<()> {
    diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::family.eq(family))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(super::now()))
    .execute(conn)?;
    Ok(())
}

/// Ends every sign-in of a user but `keep` (the caller's own, when they change their own
/// password): password changes, resets and deactivation.
pub fn revoke_user(conn: &mut DbConnection, user_id: i64, keep: Option<&str>) -> ApiResult<()> {
    let mut query = diesel::update(refresh_tokens::table)
        .filter(refresh_tokens::user_id.eq(user_id))
        .filter(refresh_tokens::revoked_at.is_null())
        .into_boxed();
    if let Some(family) = keep {
        query = query.filter(refresh_tokens::family.ne(family.to_owned()));
    }
    query
        .set(refresh_tokens::revoked_at.eq(super::now()))
        .execute(conn)?;
    Ok(())
}
