//! What users and API clients share: their list, read, update and deactivate handlers
//! (written once over [`AccountResource`]), role/agency rules on change, list parameters,
//! and the guard that keeps an administrator from locking themselves out.

use actix_web::{HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{AppState, json_with_etag, listing};
use crate::domain::version::ExpectedVersion;
use crate::http::caller::RequestActor;
use crate::policy::Action;
use crate::store::Record;
use crate::store::accounts::AccountTable;

use crate::db::DbConnection;
use crate::domain::account::Role;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::http::caller::{AccountKind, Caller};
use crate::http::list_query::QueryPairs;
use crate::http::pagination::ListControls;
use crate::policy;
use crate::store::accounts::{self as store, AccountFields, AccountFilters, AccountSort};

/// A merge patch of the fields every account has (the name field is named per kind).
#[derive(Debug, Default)]
pub struct FieldsPatch {
    pub name: Option<Option<String>>,
    pub role: Option<Option<String>>,
    pub agency_id: Option<Option<i64>>,
    pub active: Option<Option<bool>>,
}

/// The fields `patch` makes of `current`, checked: `None` when nothing changes, a 422
/// listing every bad field otherwise. `name_field` is how the body calls the name.
pub fn revise(
    conn: &mut DbConnection,
    current: AccountFields,
    patch: &FieldsPatch,
    name_field: &str,
    name_max: u64,
) -> ApiResult<Option<AccountFields>> {
    let mut errors = Vec::new();
    let name = match &patch.name {
        None => current.name.clone(),
        Some(Some(name)) => {
            check_name(name, name_field, name_max, &mut errors);
            name.clone()
        }
        Some(None) => {
            errors.push(FieldError::new(name_field, "required"));
            String::new()
        }
    };
    let role = match &patch.role {
        None => current.role,
        Some(Some(role)) => Role::parse(role).unwrap_or_else(|| {
            errors.push(FieldError::with_message(
                "role",
                "invalid_choice",
                format!("must be one of: {}", Role::allowed()),
            ));
            current.role
        }),
        Some(None) => {
            errors.push(FieldError::new("role", "required"));
            current.role
        }
    };
    let active = match patch.active {
        None => current.active,
        Some(Some(active)) => active,
        Some(None) => {
            errors.push(FieldError::new("active", "required"));
            current.active
        }
    };
    let agency_id = patch.agency_id.unwrap_or(current.agency_id);
    let fields = AccountFields {
        name,
        role,
        agency_id,
        active,
    };
    if errors.is_empty() && fields == current {
        return Ok(None);
    }
    let agency_changed = fields.agency_id != current.agency_id || fields.role != current.role;
    if agency_changed {
        errors.extend(store::check_agency(conn, &fields)?);
    }
    if errors.is_empty() {
        Ok(Some(fields))
    } else {
        Err(ApiError::Validation(errors))
    }
}

pub fn check_name(name: &str, field: &str, max: u64, errors: &mut Vec<FieldError>) {
    let length = name.chars().count() as u64;
    if name.trim().is_empty() {
        errors.push(FieldError::new(field, "blank"));
    } else if length > max {
        errors.push(FieldError::with_message(
            field,
            "length",
            format!("must be 1 to {max} characters long"),
        ));
    }
}

/// The own-account rule ([`crate::policy::may_change_own_account`]) for a change to `fields`.
pub fn guard_self(
    caller: &Caller,
    kind: AccountKind,
    id: i64,
    fields: &AccountFields,
) -> ApiResult<()> {
    policy::may_change_own_account(caller, kind, id, fields.role, fields.active)
}

/// Filters of the user and client lists.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct AccountListParams {
    /// One role or several, comma-separated.
    #[param(inline, value_type = Option<Vec<Role>>, style = Form, explode = false, min_items = 1)]
    role: Option<String>,
    #[param(minimum = 1)]
    agency_id: Option<i64>,
    active: Option<bool>,
    /// `name` (username or client id) or `created_at`; prefix `-` for descending.
    #[param(pattern = "^-?(name|created_at)$", max_length = 11)]
    sort: Option<String>,
}

pub fn parse_list(req: &HttpRequest) -> ApiResult<(AccountFilters, ListControls<AccountSort>)> {
    let mut query = QueryPairs::parse(req.query_string())?;
    let controls = crate::http::pagination::take_controls(
        &mut query,
        store::DEFAULT_SORT,
        crate::http::pagination::Presentation::JsonPage,
    );
    let filters = AccountFilters {
        role: query.take_list("role", Role::parse, Role::allowed),
        agency_id: query.take_i64("agency_id", 1, i64::MAX),
        active: query.take_bool("active"),
    };
    query.finish()?;
    if controls.format != crate::http::list_query::Format::Json {
        return Err(ApiError::invalid_field("format", "invalid_choice"));
    }
    Ok((filters, controls))
}

/// One kind of account as the API shows it.
pub trait AccountResource: AccountTable {
    /// The body of an answer about one account.
    type View: Serialize + ToSchema + From<Self::Row>;
    /// Where the accounts live under `/api/v1`.
    const COLLECTION: &'static str;
    /// What request bodies call the display name, and its longest length.
    const NAME_FIELD: &'static str;
    const NAME_MAX: u64;
}

/// A page of accounts (administrators only).
pub async fn list<K: AccountResource>(
    req: &HttpRequest,
    actor: &RequestActor,
    state: &AppState,
) -> ApiResult<HttpResponse> {
    policy::authorize(&actor.caller, Action::ManageAccounts)?;
    let (filters, controls) = parse_list(req)?;
    listing::page::<K, K::View>(req, state, filters, controls, K::View::from).await
}

/// One account, with its version as `ETag`.
pub async fn get<K: AccountResource>(
    req: &HttpRequest,
    id: i64,
    actor: &RequestActor,
    state: &AppState,
) -> ApiResult<HttpResponse> {
    policy::authorize(&actor.caller, Action::ManageAccounts)?;
    let row = state.db.read(move |conn| K::find(conn, id)).await?;
    let version = row.version();
    Ok(json_with_etag(
        req,
        HttpResponse::Ok(),
        version,
        &K::View::from(row),
    ))
}

/// A merge patch of an account's name, role, agency and active flag.
pub async fn update<K: AccountResource>(
    req: &HttpRequest,
    id: i64,
    actor: &RequestActor,
    expected: ExpectedVersion,
    state: &AppState,
    patch: FieldsPatch,
) -> ApiResult<HttpResponse> {
    policy::authorize(&actor.caller, Action::ManageAccounts)?;
    let caller = actor.caller.clone();
    let row = state
        .db
        .write(actor.write_context(), move |conn, context| {
            K::update(conn, context, id, &expected, |conn, current| {
                let revised = revise(conn, K::fields(current), &patch, K::NAME_FIELD, K::NAME_MAX)?;
                if let Some(fields) = &revised {
                    guard_self(&caller, K::KIND, id, fields)?;
                }
                Ok(revised)
            })
        })
        .await?;
    let version = row.version();
    Ok(json_with_etag(
        req,
        HttpResponse::Ok(),
        version,
        &K::View::from(row),
    ))
}

/// Deactivates an account: it can no longer sign in and its tokens stop working.
pub async fn deactivate<K: AccountResource>(
    id: i64,
    actor: &RequestActor,
    expected: ExpectedVersion,
    state: &AppState,
) -> ApiResult<HttpResponse> {
    policy::authorize(&actor.caller, Action::ManageAccounts)?;
    let caller = actor.caller.clone();
    state
        .db
        .write(actor.write_context(), move |conn, context| {
            K::update(conn, context, id, &expected, |_, current| {
                let current = K::fields(current);
                let was_active = current.active;
                let fields = AccountFields {
                    active: false,
                    ..current
                };
                guard_self(&caller, K::KIND, id, &fields)?;
                Ok(was_active.then_some(fields))
            })
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
