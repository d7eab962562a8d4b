//! Users (people) and API clients (machines): the accounts that sign in.

use diesel::prelude::*;
use serde::Serialize;

use super::cursor::cursor_key;
use super::listing::{Listing, key};
use super::{Record, audited_update};
use crate::auth::{Subject, Verified};
use crate::db::schema::{api_clients, refresh_tokens, users};
use crate::db::{DbConnection, MultiBackend, WriteContext};
use crate::domain::account::Role;
use crate::domain::caller::{Account, AccountKind};
use crate::domain::paging::{CursorPosition, ListControls, Sort, SortField};
use crate::domain::text::like_pattern_contains;
use crate::domain::version::ExpectedVersion;
use crate::error::{ApiError, ApiResult, FieldError};

/// A user as stored. Serialises without the password hash (for the audit trail).
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = users, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct UserRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub agency_id: Option<i64>,
    pub active: bool,
    #[serde(skip)]
    pub password_hash: String,
    pub version: i64,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

/// An API client as stored. Serialises without the secret hash.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = api_clients, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct ClientRow {
    pub id: i64,
    pub client_id: String,
    pub name: String,
    pub role: String,
    pub agency_id: Option<i64>,
    pub active: bool,
    #[serde(skip)]
    pub secret_hash: String,
    pub version: i64,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

record!(UserRow, "user");
record!(ClientRow, "api_client");

/// The fields an administrator may change on either kind of account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountFields {
    /// `display_name` of a user, `name` of a client.
    pub name: String,
    pub role: Role,
    pub agency_id: Option<i64>,
    pub active: bool,
}

fn role_of(stored: &str) -> Role {
    Role::parse(stored).unwrap_or_else(|| {
        // The CHECK constraint admits only known roles; least privilege if it ever fails.
        log::error!("unknown role {stored:?} in the database");
        Role::Viewer
    })
}

/// The account a token names, if it exists and is active and, for a person's token, its
/// sign-in has not ended: read on every request, in one query, so a deactivated or demoted
/// account loses its rights at once and a revoked sign-in's access tokens stop working.
pub fn active_account(conn: &mut DbConnection, token: &Verified) -> ApiResult<Option<Account>> {
    Ok(match &token.subject {
        Subject::User(id) => {
            let mut query = users::table
                .find(id)
                .filter(users::active.eq(true))
                .select(UserRow::as_select())
                .into_boxed::<MultiBackend>();
            if let Some(sign_in) = &token.sign_in {
                query = query.filter(diesel::dsl::not(diesel::dsl::exists(
                    refresh_tokens::table
                        .filter(refresh_tokens::family.eq(sign_in.clone()))
                        .filter(refresh_tokens::revoked_at.is_not_null()),
                )));
            }
            query.first(conn).optional()?.map(|user| Account {
                kind: AccountKind::User,
                id: user.id,
                role: role_of(&user.role),
                agency_id: user.agency_id,
                name: user.username,
                sign_in: token.sign_in.clone(),
            })
        }
        Subject::Client(client_id) => api_clients::table
            .filter(api_clients::client_id.eq(client_id))
            .filter(api_clients::active.eq(true))
            .select(ClientRow::as_select())
            .first(conn)
            .optional()?
            .map(|client| Account {
                kind: AccountKind::Client,
                id: client.id,
                role: role_of(&client.role),
                agency_id: client.agency_id,
                name: client.client_id,
                sign_in: None,
            }),
    })
}

/// The 422s an account's agency can cause: it must exist and be active (editors need one).
pub fn check_agency(conn: &mut DbConnection, fields: &AccountFields) -> ApiResult<Vec<FieldError>> {
    let mut errors = Vec::new();
    if let Some(code) = crate::domain::account::agency_rule(fields.role, fields.agency_id) {
        errors.push(FieldError::new("agency_id", code));
    }
    if let Some(agency_id) = fields.agency_id {
        errors.extend(super::agencies::reference_problem(conn, agency_id)?);
    }
    Ok(errors)
}

fn duplicate(error: diesel::result::Error, constraint: &str, field: &str) -> ApiError {
    super::conflict_on_unique(
        error,
        constraint,
        field,
        format!("this {field} is already taken"),
    )
}

// ---- users ----

pub fn insert_user(
    conn: &mut DbConnection,
    context: &WriteContext,
    username: &str,
    fields: &AccountFields,
    password_hash: &str,
) -> ApiResult<UserRow> {
    let now = super::now();
    let row = diesel::insert_into(users::table)
        .values((
            users::username.eq(username),
            users::display_name.eq(&fields.name),
            users::role.eq(fields.role.as_str()),
            users::agency_id.eq(fields.agency_id),
            users::active.eq(fields.active),
            users::password_hash.eq(password_hash),
            users::version.eq(1),
            users::created_at.eq(now),
            users::updated_at.eq(now),
        ))
        .get_result::<UserRow>(conn)
        .map_err(|e| duplicate(e, "users_username_key", "username"))?;
    super::audit::record(
        conn,
        context,
        "user.create",
        "user",
        Some(row.id),
        None::<&()>,
        Some(&row),
    )?;
    Ok(row)
}

pub fn find_user_by_username(
    conn: &mut DbConnection,
    username: &str,
) -> ApiResult<Option<UserRow>> {
    Ok(users::table
        .filter(users::username.eq(username))
        .select(UserRow::as_select())
        .first(conn)
        .optional()?)
}

/// Replaces a user's password hash and ends their sign-ins: every one but the caller's own
/// when they change their own password (it signs out every other session).
pub fn set_password(
    conn: &mut DbConnection,
    context: &WriteContext,
    id: i64,
    password_hash: &str,
) -> ApiResult<UserRow> {
    let current = Users::find(conn, id)?;
    let row = diesel::update(users::table.find(id))
        .set((
            users::password_hash.eq(password_hash),
            users::version.eq(users::version + 1),
            users::updated_at.eq(super::now()),
        ))
        .get_result::<UserRow>(conn)?;
    let own_sign_in = context
        .caller
        .account()
        .filter(|account| account.kind == AccountKind::User && account.id == id)
        .and_then(|account| account.sign_in.as_deref());
    super::refresh_tokens::revoke_user(conn, id, own_sign_in)?;
    super::audit::record(
        conn,
        context,
        "user.password_change",
        "user",
        Some(id),
        Some(&current),
        Some(&row),
    )?;
    Ok(row)
}

// ---- API clients ----

pub fn insert_client(
    conn: &mut DbConnection,
    context: &WriteContext,
    client_id: &str,
    fields: &AccountFields,
    secret_hash: &str,
) -> ApiResult<ClientRow> {
    let now = super::now();
    let row = diesel::insert_into(api_clients::table)
        .values((
            api_clients::client_id.eq(client_id),
            api_clients::name.eq(&fields.name),
            api_clients::role.eq(fields.role.as_str()),
            api_clients::agency_id.eq(fields.agency_id),
            api_clients::active.eq(fields.active),
            api_clients::secret_hash.eq(secret_hash),
            api_clients::version.eq(1),
            api_clients::created_at.eq(now),
            api_clients::updated_at.eq(now),
        ))
        .get_result::<ClientRow>(conn)
        .map_err(|e| duplicate(e, "api_clients_client_id_key", "client_id"))?;
    super::audit::record(
        conn,
        context,
        "api_client.create",
        "api_client",
        Some(row.id),
        None::<&()>,
        Some(&row),
    )?;
    Ok(row)
}

pub fn find_client_by_client_id(
    conn: &mut DbConnection,
    client_id: &str,
) -> ApiResult<Option<ClientRow>> {
    Ok(api_clients::table
        .filter(api_clients::client_id.eq(client_id))
        .select(ClientRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn set_client_secret(
    conn: &mut DbConnection,
    context: &WriteContext,
    id: i64,
    secret_hash: &str,
) -> ApiResult<ClientRow> {
    let current = Clients::find(conn, id)?;
    let row = diesel::update(api_clients::table.find(id))
        .set((
            api_clients::secret_hash.eq(secret_hash),
            api_clients::version.eq(api_clients::version + 1),
            api_clients::updated_at.eq(super::now()),
        ))
        .get_result::<ClientRow>(conn)?;
    super::audit::record(
        conn,
        context,
        "api_client.rotate_secret",
        "api_client",
        Some(id),
        Some(&current),
        Some(&row),
    )?;
    Ok(row)
}

// ---- lists ----

/// Filters shared by the user and client lists.
#[derive(Debug, Clone, Default)]
pub struct AccountFilters {
    pub role: Option<Vec<Role>>,
    pub agency_id: Option<i64>,
    pub active: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountSort {
    /// `username` of users, `client_id` of clients.
    Name,
    CreatedAt,
}

pub const DEFAULT_SORT: Sort<AccountSort> = Sort {
    field: AccountSort::Name,
    descending: false,
};

impl SortField for AccountSort {
    const ALL: &'static [Self] = &[Self::Name, Self::CreatedAt];

    fn name(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::CreatedAt => "created_at",
        }
    }
}

/// One kind of account as stored: what the handlers shared by users and API clients need
/// (their list is a [`Listing`]).
pub trait AccountTable:
    Listing<Filters = AccountFilters, Sort = AccountSort, Row: Record + Clone>
{
    const KIND: AccountKind;
    fn fields(row: &Self::Row) -> AccountFields;
    fn find(conn: &mut DbConnection, id: i64) -> ApiResult<Self::Row>;
    /// Changes the account's fields to what `revise` makes of them (`None`: no change).
    fn update(
        conn: &mut DbConnection,
        context: &WriteContext,
        id: i64,
        expected: &ExpectedVersion,
        revise: impl FnMut(&mut DbConnection, &Self::Row) -> ApiResult<Option<AccountFields>>,
    ) -> ApiResult<Self::Row>;
}

/// The people who sign in with a password.
pub struct Users;
/// The machines that sign in with client credentials.
pub struct Clients;

/// Implements [`AccountTable`] for `$kind`, stored in `$table` as `$row`: `$login` is the
/// unique sign-in name (the `name` sort), `$name` the display name, and `$after_update`
/// runs in the transaction once a change has landed.
macro_rules! account_table {
    ($kind:ty, $account_kind:expr, $table:ident, $row:ty,
     login = $login:ident, name = $name:ident, action = $action:literal,
     after_update = $after_update:expr) => {
        impl AccountTable for $kind {
            const KIND: AccountKind = $account_kind;

            fn fields(row: &$row) -> AccountFields {
                AccountFields {
                    name: row.$name.clone(),
                    role: role_of(&row.role),
                    agency_id: row.agency_id,
                    active: row.active,
                }
            }

            fn find(conn: &mut DbConnection, id: i64) -> ApiResult<$row> {
                Ok($table::table
                    .find(id)
                    .select(<$row>::as_select())
                    .first(conn)?)
            }

            fn update(
                conn: &mut DbConnection,
                context: &WriteContext,
                id: i64,
                expected: &ExpectedVersion,
                revise: impl FnMut(&mut DbConnection, &$row) -> ApiResult<Option<AccountFields>>,
            ) -> ApiResult<$row> {
                audited_update(
                    conn,
                    context,
                    expected,
                    |conn| Self::find(conn, id),
                    revise,
                    |conn, current, fields| {
                        let row = diesel::update(
                            $table::table
                                .filter($table::id.eq(id))
                                .filter($table::version.eq(current.version)),
                        )
                        .set((
                            $table::$name.eq(&fields.name),
                            $table::role.eq(fields.role.as_str()),
                            $table::agency_id.eq(fields.agency_id),
                            $table::active.eq(fields.active),
                            $table::version.eq(current.version + 1),
                            $table::updated_at.eq(super::now()),
                        ))
                        .get_result::<$row>(conn)
                        .optional()?;
                        if let Some(row) = &row {
                            let after_update: fn(&mut DbConnection, &$row) -> ApiResult<()> =
                                $after_update;
                            after_update(conn, row)?;
                        }
                        Ok(row)
                    },
                    |_, _| $action,
                )
            }
        }

        impl Listing for $kind {
            type Filters = AccountFilters;
            type Sort = AccountSort;
            type Row = $row;

            fn count(
                conn: &mut DbConnection,
                filters: &AccountFilters,
                controls: &ListControls<AccountSort>,
            ) -> ApiResult<i64> {
                Ok(Self::filtered(filters, controls).count().get_result(conn)?)
            }

            fn page(
                conn: &mut DbConnection,
                filters: &AccountFilters,
                controls: &ListControls<AccountSort>,
                after: Option<&CursorPosition>,
                limit: i64,
                offset: i64,
            ) -> ApiResult<Vec<$row>> {
                let descending = controls.sort.descending;
                let query = match controls.sort.field {
                    AccountSort::Name => keyset!(
                        Self::filtered(filters, controls),
                        $table::$login,
                        $table::id,
                        descending,
                        cursor_key::<String>(after)?
                    ),
                    AccountSort::CreatedAt => keyset!(
                        Self::filtered(filters, controls),
                        $table::created_at,
                        $table::id,
                        descending,
                        cursor_key::<chrono::NaiveDateTime>(after)?
                    ),
                };
                Ok(query
                    .limit(limit)
                    .offset(offset)
                    .select(<$row>::as_select())
                    .load(conn)?)
            }

            fn position(row: &$row, sort: AccountSort) -> (serde_json::Value, i64) {
                let key = match sort {
                    AccountSort::Name => row.$login.clone().into(),
                    AccountSort::CreatedAt => key(row.created_at),
                };
                (key, row.id)
            }
        }

        impl $kind {
            fn filtered<'a>(
                filters: &AccountFilters,
                controls: &ListControls<AccountSort>,
            ) -> $table::BoxedQuery<'a, MultiBackend> {
                let mut query = $table::table.into_boxed::<MultiBackend>();
                if let Some(roles) = &filters.role {
                    let roles: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
                    query = query.filter($table::role.eq_any(roles));
                }
                if let Some(agency_id) = filters.agency_id {
                    query = query.filter($table::agency_id.eq(agency_id));
                }
                if let Some(active) = filters.active {
                    query = query.filter($table::active.eq(active));
                }
                if let Some(q) = &controls.q {
                    // Names are stored as given; compare lower-cased on both sides.
                    query = query.filter(
                        crate::store::lower($table::$login)
                            .like(like_pattern_contains(q))
                            .escape('\\')
                            .or(crate::store::lower($table::$name)
                                .like(like_pattern_contains(q))
                                .escape('\\')),
                    );
                }
                if let Some(since) = controls.updated_since {
                    query = query.filter($table::updated_at.ge(since));
                }
                query
            }
        }
    };
}

account_table!(
    Users,
    AccountKind::User,
    users,
    UserRow,
    login = username,
    name = display_name,
    action = "user.update",
    // A deactivated user is signed out everywhere.
    after_update = |conn, row| {
        if row.active {
            Ok(())
        } else {
            super::refresh_tokens::revoke_user(conn, row.id, None)
        }
    }
);
account_table!(
    Clients,
    AccountKind::Client,
    api_clients,
    ClientRow,
    login = client_id,
    name = name,
    action = "api_client.update",
    after_update = |_, _| Ok(())
);
