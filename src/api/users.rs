//! `/api/v1/users`: the people who sign in (administrators only).

use super::prelude::*;
use chrono::{DateTime, Utc};

use super::accounts::{self, AccountListParams, AccountResource, FieldsPatch, check_name};
use crate::domain::account::{
    DISPLAY_NAME_MAX, Role, normalise_username, password_problem, validate_username,
};
use crate::store::accounts::{self as store, AccountFields, AccountTable, UserRow, Users};

pub fn configure(config: &mut utoipa_actix_web::service_config::ServiceConfig) {
    config
        .service(list_users)
        .service(create_user)
        .service(get_user)
        .service(update_user)
        .service(deactivate_user)
        .service(reset_user_password);
}

/// A person who signs in. Passwords are never returned.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": 3, "username": "rina.w", "display_name": "Rina Wulandari, S.H., M.H.",
    "role": "agency_editor", "agency_id": 2, "active": true, "version": 1,
    "created_at": "2016-10-12T03:00:00.000000Z", "updated_at": "2016-10-12T03:00:00.000000Z"}))]
pub struct User {
    #[schema(read_only)]
    pub id: i64,
    #[schema(max_length = 64)]
    pub username: String,
    #[schema(max_length = 200)]
    pub display_name: String,
    pub role: Role,
    /// The agency an `agency_editor` acts for.
    pub agency_id: Option<i64>,
    pub active: bool,
    #[schema(read_only)]
    pub version: i64,
    #[schema(read_only)]
    #[serde(serialize_with = "super::rfc3339")]
    pub created_at: DateTime<Utc>,
    #[schema(read_only)]
    #[serde(serialize_with = "super::rfc3339")]
    pub updated_at: DateTime<Utc>,
}

impl AccountResource for Users {
    type View = User;
    const COLLECTION: &'static str = "users";
    const NAME_FIELD: &'static str = "display_name";
    const NAME_MAX: u64 = DISPLAY_NAME_MAX;
}

impl From<UserRow> for User {
    fn from(row: UserRow) -> Self {
        let fields = Users::fields(&row);
        Self {
            id: row.id,
            username: row.username,
            display_name: row.display_name,
            role: fields.role,
            agency_id: row.agency_id,
            active: row.active,
            version: row.version,
            created_at: row.created_at.and_utc(),
            updated_at: row.updated_at.and_utc(),
        }
    }
}

/// A new user.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"username": "rina.w", "display_name": "Rina Wulandari, S.H., M.H.",
    "role": "agency_editor", "agency_id": 2, "password": "gong-pendopo-2016"}))]
pub struct UserInput {
    /// 3-64 characters of a-z, 0-9, `.`, `_`, `-` (stored lower-cased).
    #[schema(pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{2,63}$", max_length = 64)]
    pub username: String,
    #[schema(min_length = 1, max_length = 200)]
    pub display_name: String,
    pub role: Role,
    /// Required for `agency_editor`.
    #[schema(minimum = 1)]
    pub agency_id: Option<i64>,
    /// 12-128 characters, not containing the username.
    #[schema(format = Password, min_length = 12, max_length = 128)]
    pub password: String,
}

/// A merge patch of a user: `display_name`, `role`, `agency_id`, `active`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"role": "viewer", "agency_id": null}))]
pub struct UserPatch {
    #[serde(default, deserialize_with = "double_option")]
    #[schema(required = false, value_type = String, min_length = 1, max_length = 200)]
    pub display_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(required = false, value_type = Role)]
    pub role: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(required = false, value_type = Option<i64>, minimum = 1)]
    pub agency_id: Option<Option<i64>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(required = false, value_type = bool)]
    pub active: Option<Option<bool>>,
}

/// A new password set by an administrator.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"password": "kebumen-beriman-2017"}))]
pub struct PasswordReset {
    #[schema(format = Password, min_length = 12, max_length = 128)]
    pub password: String,
}

/// List users
#[utoipa::path(
    tag = "users",
    operation_id = "list_users",
    params(ListParams, AccountListParams),
    responses(
        (status = 200, description = "A page of users", body = Page<User>),
        (status = 403, response = super::problems::Forbidden),
        (status = 422, response = super::problems::ValidationFailed),
    ),
)]
#[get("")]
pub async fn list_users(
    req: HttpRequest,
    actor: RequestActor,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    accounts::list::<Users>(&req, &actor, &state).await
}

/// Create a user
#[utoipa::path(
    tag = "users",
    operation_id = "create_user",
    request_body(content = UserInput, content_type = "application/json"),
    responses(
        (status = 201, description = "Created", body = User,
            headers(("Location" = String, description = "URL of the new user"))),
        (status = 409, response = super::problems::Conflict),
    ),
)]
#[post("")]
pub async fn create_user(
    req: HttpRequest,
    actor: RequestActor,
    state: web::Data<AppState>,
    JsonBody(input): JsonBody<UserInput>,
) -> ApiResult<HttpResponse> {
    policy::authorize(&actor.caller, Action::ManageAccounts)?;
    let mut errors = Vec::new();
    if validate_username(&input.username).is_err() {
        errors.push(FieldError::new("username", "username_invalid"));
    }
    check_name(
        &input.display_name,
        "display_name",
        DISPLAY_NAME_MAX,
        &mut errors,
    );
    if let Some(code) = password_problem(&input.password, Some(&input.username)) {
        errors.push(FieldError::new("password", code));
    }
    let username = normalise_username(&input.username);
    let fields = AccountFields {
        name: input.display_name,
        role: input.role,
        agency_id: input.agency_id,
        active: true,
    };
    // Hashing is slow by design: only for input that is otherwise valid.
    let hash = if errors.is_empty() {
        Some(state.passwords.hash(input.password).await?)
    } else {
        None
    };
    let row = state
        .db
        .write(actor.write_context(), move |conn, context| {
            errors.extend(store::check_agency(conn, &fields)?);
            match hash {
                Some(hash) if errors.is_empty() => {
                    store::insert_user(conn, context, &username, &fields, &hash)
                }
                _ => Err(ApiError::Validation(errors)),
            }
        })
        .await?;
    let version = row.version;
    let response = super::created(&state, Users::COLLECTION, row.id);
    Ok(json_with_etag(&req, response, version, &User::from(row)))
}

/// Get a user
#[utoipa::path(
    tag = "users",
    operation_id = "get_user",
    params(("id" = i64, Path, description = "User id", minimum = 1)),
    responses(
        (status = 200, description = "The user", body = User,
            headers(("ETag" = String, description = "The user's version, quoted"))),
        (status = 304, description = "Unchanged since the `If-None-Match` tag"),
        (status = 403, response = super::problems::Forbidden),
    ),
)]
#[get("/{id}")]
pub async fn get_user(
    req: HttpRequest,
    id: web::Path<i64>,
    actor: RequestActor,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    accounts::get::<Users>(&req, id.into_inner(), &actor, &state).await
}

/// Update a user
///
/// Change `display_name`, `role`, `agency_id` or `active`. Deactivating signs the user out
/// everywhere (their refresh tokens are revoked, their access tokens stop working at once).
/// An administrator cannot demote or deactivate their own account (409).
#[utoipa::path(
    tag = "users",
    operation_id = "update_user",
    params(("id" = i64, Path, description = "User id", minimum = 1),
           ("If-Match" = Option<String>, Header, description = "The `ETag` the change is based on")),
    request_body(content = UserPatch, content_type = "application/merge-patch+json"),
    responses(
        (status = 200, description = "The updated user", body = User),
    ),
)]
#[patch("/{id}")]
pub async fn update_user(
    req: HttpRequest,
    id: web::Path<i64>,
    actor: RequestActor,
    IfMatch(expected): IfMatch,
    state: web::Data<AppState>,
    JsonBody(patch): JsonBody<UserPatch>,
) -> ApiResult<HttpResponse> {
    let patch = FieldsPatch {
        name: patch.display_name,
        role: patch.role,
        agency_id: patch.agency_id,
        active: patch.active,
    };
    accounts::update::<Users>(&req, id.into_inner(), &actor, expected, &state, patch).await
}

/// Deactivate a user
///
/// The user can no longer sign in and their tokens stop working; the record stays.
#[utoipa::path(
    tag = "users",
    operation_id = "deactivate_user",
    params(("id" = i64, Path, description = "User id", minimum = 1),
           ("If-Match" = Option<String>, Header, description = "The `ETag` the change is based on")),
    responses(
        (status = 204, description = "Deactivated"),
    ),
)]
#[delete("/{id}")]
pub async fn deactivate_user(
    id: web::Path<i64>,
    actor: RequestActor,
    IfMatch(expected): IfMatch,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    accounts::deactivate::<Users>(id.into_inner(), &actor, expected, &state).await
}

/// Reset a user's password
///
/// Sets a new password (for a user who lost theirs) and signs them out everywhere.
#[utoipa::path(
    tag = "users",
    operation_id = "reset_user_password",
    params(("id" = i64, Path, description = "User id", minimum = 1)),
    request_body(content = PasswordReset, content_type = "application/json"),
    responses(
        (status = 204, description = "Reset"),
    ),
)]
#[post("/{id}/password")]
pub async fn reset_user_password(
    id: web::Path<i64>,
    actor: RequestActor,
    state: web::Data<AppState>,
    JsonBody(reset): JsonBody<PasswordReset>,
) -> ApiResult<HttpResponse> {
    policy::authorize(&actor.caller, Action::ManageAccounts)?;
    let id = id.into_inner();
    let user = state.db.read(move |conn| Users::find(conn, id)).await?;
    if let Some(code) = password_problem(&reset.password, Some(&user.username)) {
        return Err(ApiError::invalid_field("password", code));
    }
    let hash = state.passwords.hash(reset.password).await?;
    state
        .db
        .write(actor.write_context(), move |conn, context| {
            store::set_password(conn, context, id, &hash)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
