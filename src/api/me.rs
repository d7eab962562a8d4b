//! `/api/v1/me`: the caller's own account.

use actix_web::{HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::AppState;
use crate::domain::account::{Role, password_problem};
use crate::error::{ApiError, ApiResult, FieldError};
use crate::http::caller::{AccountKind, RequestActor};
use crate::http::json_body::JsonBody;
use crate::policy::{self, Action};
use crate::store::accounts::{self, AccountTable, Users};
use crate::store::sign_in::{self, Throttle};

pub fn configure(config: &mut utoipa_actix_web::service_config::ServiceConfig) {
    config.service(get_me).service(change_my_password);
}

/// The signed-in account, as the server sees it now.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"kind": "user", "id": 3, "name": "rina.w", "role": "agency_editor", "agency_id": 2}))]
pub struct Me {
    /// `user` (a person) or `client` (a machine client).
    #[schema(example = "user")]
    #[schema(max_length = 6, pattern = "^(user|client)$")]
    pub kind: String,
    pub id: i64,
    /// Username or client id.
    #[schema(max_length = 64)]
    pub name: String,
    pub role: Role,
    pub agency_id: Option<i64>,
}

/// Get the caller's account
#[utoipa::path(
    tag = "me",
    operation_id = "get_me",
    responses(
        (status = 200, description = "The caller", body = Me),
    ),
)]
#[get("")]
pub async fn get_me(actor: RequestActor) -> ApiResult<HttpResponse> {
    policy::authorize(&actor.caller, Action::ActOnOwnAccount)?;
    let account = actor
        .caller
        .account()
        .ok_or_else(ApiError::sign_in_required)?;
    Ok(HttpResponse::Ok().json(Me {
        kind: account.kind.as_str().to_owned(),
        id: account.id,
        name: account.name.clone(),
        role: account.role,
        agency_id: account.agency_id,
    }))
}

/// A change of one's own password.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"current_password": "gong-pendopo-2016", "new_password": "kebumen-beriman-2017"}))]
pub struct PasswordChange {
    #[validate(length(max = 128))]
    #[schema(format = Password, max_length = 128)]
    pub current_password: String,
    /// 12-128 characters, not containing the username.
    #[schema(format = Password, min_length = 12, max_length = 128)]
    pub new_password: String,
}

/// Change the caller's password
///
/// People only. Signs out every other session: all refresh tokens are revoked.
#[utoipa::path(
    tag = "me",
    operation_id = "change_my_password",
    request_body(content = PasswordChange, content_type = "application/json"),
    responses(
        (status = 204, description = "Changed"),
        (status = 429, response = super::problems::TooManyRequests),
    ),
)]
#[post("/password")]
pub async fn change_my_password(
    actor: RequestActor,
    state: web::Data<AppState>,
    JsonBody(change): JsonBody<PasswordChange>,
) -> ApiResult<HttpResponse> {
    policy::authorize(&actor.caller, Action::ActOnOwnAccount)?;
    let account = actor
        .caller
        .account()
        .ok_or_else(ApiError::sign_in_required)?;
    if account.kind != AccountKind::User {
        return Err(ApiError::forbidden(
            "machine clients have a secret, not a password",
        ));
    }
    let mut errors = match change.validate() {
        Ok(()) => Vec::new(),
        Err(e) => crate::error::field_errors_from_validator(&e),
    };
    if let Some(code) = password_problem(&change.new_password, Some(&account.name)) {
        errors.push(FieldError::new("new_password", code));
    }
    let user_id = account.id;
    // A stolen token must not be a way to guess the password: failed checks are counted
    // per account, and past a few each attempt waits longer (429) before any hashing.
    let throttle = Throttle::PasswordChange(user_id);
    let (user, blocked) = {
        let throttle = throttle.clone();
        state
            .db
            .read(move |conn| {
                Ok((
                    Users::find(conn, user_id)?,
                    sign_in::blocked_for(conn, &[throttle])?,
                ))
            })
            .await?
    };
    if let Some(retry_after) = blocked {
        return Err(ApiError::TooManyRequests {
            retry_after,
            what: "failed password checks for this account",
        });
    }
    let current_ok = state
        .passwords
        .verify(change.current_password, Some(user.password_hash))
        .await?;
    let free_failures = state.config.auth.password_change_free_failures;
    if !current_ok {
        errors.push(FieldError::new("current_password", "password_incorrect"));
        state
            .db
            .write(actor.write_context(), move |conn, _| {
                sign_in::record_failure(conn, &throttle, free_failures)
            })
            .await?;
        return Err(ApiError::Validation(errors));
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let hash = state.passwords.hash(change.new_password).await?;
    state
        .db
        .write(actor.write_context(), move |conn, context| {
            sign_in::clear(conn, &throttle)?;
            accounts::set_password(conn, context, user_id, &hash)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
