//! `/api/v1/api-clients`: other regional systems that sign in with client credentials
//! (administrators only). A secret is shown once, when it is made.

use super::prelude::*;
use actix_web::http::header;
use chrono::{DateTime, Utc};

use super::accounts::{self, AccountListParams, AccountResource, FieldsPatch, check_name};
use super::idempotency::SecretInBody;
use crate::auth::secrets::{random_token, sha256_hex};
use crate::domain::account::{CLIENT_NAME_MAX, Role};
use crate::store::accounts::{self as store, AccountFields, AccountTable, ClientRow, Clients};

pub fn configure(config: &mut utoipa_actix_web::service_config::ServiceConfig) {
    config
        .service(list_api_clients)
        .service(create_api_client)
        .service(get_api_client)
        .service(update_api_client)
        .service(deactivate_api_client)
        .service(rotate_api_client_secret);
}

/// A machine client. Its secret is never returned after it is made.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": 1, "client_id": "ck_3f9a1c0b7d2e4a61", "name": "SIPD Kemendagri",
    "role": "viewer", "agency_id": null, "active": true, "version": 1,
    "created_at": "2016-10-12T03:00:00.000000Z", "updated_at": "2016-10-12T03:00:00.000000Z"}))]
pub struct ApiClient {
    #[schema(read_only)]
    pub id: i64,
    /// Generated; used as `client_id` at the token endpoint.
    #[schema(read_only)]
    #[schema(max_length = 19, pattern = "^ck_[0-9a-f]{16}$")]
    pub client_id: String,
    #[schema(max_length = 200)]
    pub name: String,
    pub role: Role,
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

impl AccountResource for Clients {
    type View = ApiClient;
    const COLLECTION: &'static str = "api-clients";
    const NAME_FIELD: &'static str = "name";
    const NAME_MAX: u64 = CLIENT_NAME_MAX;
}

impl From<ClientRow> for ApiClient {
    fn from(row: ClientRow) -> Self {
        let fields = Clients::fields(&row);
        Self {
            id: row.id,
            client_id: row.client_id,
            name: row.name,
            role: fields.role,
            agency_id: row.agency_id,
            active: row.active,
            version: row.version,
            created_at: row.created_at.and_utc(),
            updated_at: row.updated_at.and_utc(),
        }
    }
}

/// A client with its secret: the only time the secret is shown. Store it now.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": 1, "client_id": "ck_3f9a1c0b7d2e4a61", "name": "SIPD Kemendagri",
    "role": "viewer", "agency_id": null, "active": true, "version": 1,
    "created_at": "2016-10-12T03:00:00.000000Z", "updated_at": "2016-10-12T03:00:00.000000Z",
    "client_secret": "q0X8mJ3tK9vR2wL5yN7bC4dF6gH1jP0sT8uV3xZ5aE2"}))]
pub struct ApiClientWithSecret {
    #[serde(flatten)]
    pub client: ApiClient,
    #[schema(format = Password)]
    #[schema(max_length = 43, pattern = "^[A-Za-z0-9_-]{43}$")]
    pub client_secret: String,
}

/// A new machine client.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "SIPD Kemendagri", "role": "viewer"}))]
pub struct ApiClientInput {
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    pub role: Role,
    /// Required for `agency_editor`.
    #[schema(minimum = 1)]
    pub agency_id: Option<i64>,
}

/// A merge patch of a client: `name`, `role`, `agency_id`, `active`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"role": "agency_editor", "agency_id": 3}))]
pub struct ApiClientPatch {
    #[serde(default, deserialize_with = "double_option")]
    #[schema(required = false, value_type = String, min_length = 1, max_length = 200)]
    pub name: Option<Option<String>>,
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

/// A new random secret and its hash (the secret itself is never stored).
async fn new_secret(state: &AppState) -> ApiResult<(String, String)> {
    let secret = random_token(32);
    let hash = state.passwords.hash(secret.clone()).await?;
    Ok((secret, hash))
}

/// List API clients
#[utoipa::path(
    tag = "api-clients",
    operation_id = "list_api_clients",
    params(ListParams, AccountListParams),
    responses(
        (status = 200, description = "A page of API clients", body = Page<ApiClient>),
        (status = 403, response = super::problems::Forbidden),
        (status = 422, response = super::problems::ValidationFailed),
    ),
)]
#[get("")]
pub async fn list_api_clients(
    req: HttpRequest,
    actor: RequestActor,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    accounts::list::<Clients>(&req, &actor, &state).await
}

/// Create an API client
///
/// Answers with the generated `client_id` and `client_secret`. The secret is shown only
/// here; store it in the calling system's secret store.
#[utoipa::path(
    tag = "api-clients",
    operation_id = "create_api_client",
    request_body(content = ApiClientInput, content_type = "application/json"),
    responses(
        (status = 201, description = "Created", body = ApiClientWithSecret,
            headers(("Location" = String, description = "URL of the new client"))),
    ),
)]
#[post("")]
pub async fn create_api_client(
    actor: RequestActor,
    state: web::Data<AppState>,
    JsonBody(input): JsonBody<ApiClientInput>,
) -> ApiResult<HttpResponse> {
    policy::authorize(&actor.caller, Action::ManageAccounts)?;
    let mut errors = Vec::new();
    check_name(&input.name, "name", CLIENT_NAME_MAX, &mut errors);
    let fields = AccountFields {
        name: input.name,
        role: input.role,
        agency_id: input.agency_id,
        active: true,
    };
    let (secret, hash) = new_secret(&state).await?;
    let client_id = format!("ck_{}", &sha256_hex(&random_token(16))[..16]);
    let row = state
        .db
        .write(actor.write_context(), move |conn, context| {
            errors.extend(store::check_agency(conn, &fields)?);
            if !errors.is_empty() {
                return Err(ApiError::Validation(errors));
            }
            store::insert_client(conn, context, &client_id, &fields, &hash)
        })
        .await?;
    let mut response = super::created(&state, Clients::COLLECTION, row.id);
    response.extensions_mut().insert(SecretInBody);
    Ok(response
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(ApiClientWithSecret {
            client: ApiClient::from(row),
            client_secret: secret,
        }))
}

/// Get an API client
#[utoipa::path(
    tag = "api-clients",
    operation_id = "get_api_client",
    params(("id" = i64, Path, description = "API client id", minimum = 1)),
    responses(
        (status = 200, description = "The client", body = ApiClient,
            headers(("ETag" = String, description = "The client's version, quoted"))),
        (status = 304, description = "Unchanged since the `If-None-Match` tag"),
        (status = 403, response = super::problems::Forbidden),
    ),
)]
#[get("/{id}")]
pub async fn get_api_client(
    req: HttpRequest,
    id: web::Path<i64>,
    actor: RequestActor,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    accounts::get::<Clients>(&req, id.into_inner(), &actor, &state).await
}

/// Update an API client
#[utoipa::path(
    tag = "api-clients",
    operation_id = "update_api_client",
    params(("id" = i64, Path, description = "API client id", minimum = 1),
           ("If-Match" = Option<String>, Header, description = "The `ETag` the change is based on")),
    request_body(content = ApiClientPatch, content_type = "application/merge-patch+json"),
    responses(
        (status = 200, description = "The updated client", body = ApiClient),
    ),
)]
#[patch("/{id}")]
pub async fn update_api_client(
    req: HttpRequest,
    id: web::Path<i64>,
    actor: RequestActor,
    IfMatch(expected): IfMatch,
    state: web::Data<AppState>,
    JsonBody(patch): JsonBody<ApiClientPatch>,
) -> ApiResult<HttpResponse> {
    let patch = FieldsPatch {
        name: patch.name,
        role: patch.role,
        agency_id: patch.agency_id,
        active: patch.active,
    };
    accounts::update::<Clients>(&req, id.into_inner(), &actor, expected, &state, patch).await
}

/// Deactivate an API client
#[utoipa::path(
    tag = "api-clients",
    operation_id = "deactivate_api_client",
    params(("id" = i64, Path, description = "API client id", minimum = 1),
           ("If-Match" = Option<String>, Header, description = "The `ETag` the change is based on")),
    responses(
        (status = 204, description = "Deactivated"),
    ),
)]
#[delete("/{id}")]
pub async fn deactivate_api_client(
    id: web::Path<i64>,
    actor: RequestActor,
    IfMatch(expected): IfMatch,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    accounts::deactivate::<Clients>(id.into_inner(), &actor, expected, &state).await
}

/// Rotate an API client's secret
///
/// Makes a new secret (shown once, in this answer); the old one stops working at once.
#[utoipa::path(
    tag = "api-clients",
    operation_id = "rotate_api_client_secret",
    params(("id" = i64, Path, description = "API client id", minimum = 1)),
    responses(
        (status = 200, description = "The client with its new secret", body = ApiClientWithSecret),
    ),
)]
#[post("/{id}/secret")]
pub async fn rotate_api_client_secret(
    id: web::Path<i64>,
    actor: RequestActor,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    policy::authorize(&actor.caller, Action::ManageAccounts)?;
    let id = id.into_inner();
    let (secret, hash) = new_secret(&state).await?;
    let row = state
        .db
        .write(actor.write_context(), move |conn, context| {
            store::set_client_secret(conn, context, id, &hash)
        })
        .await?;
    let mut response = HttpResponse::Ok();
    response.extensions_mut().insert(SecretInBody);
    Ok(response
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(ApiClientWithSecret {
            client: ApiClient::from(row),
            client_secret: secret,
        }))
}
