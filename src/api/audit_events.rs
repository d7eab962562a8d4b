//! `/api/v1/audit-events`: the audit trail, read-only, for administrators.

use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{AppState, listing};
use crate::error::{ApiError, ApiResult};
use crate::http::caller::RequestActor;
use crate::http::list_query::{Format, QueryPairs};
use crate::http::pagination::{ListControls, ListParams, Page};
use crate::policy::{self, Action};
use crate::store::audit::{self as store, AuditEventRow, AuditFilters, AuditList};

pub fn configure(config: &mut utoipa_actix_web::service_config::ServiceConfig) {
    config.service(list_audit_events);
}

/// One write: who, when, what, and the record before and after (secrets left out).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": 41, "occurred_at": "2016-10-12T03:00:00.000000Z",
    "actor_type": "user", "actor_id": 1, "actor_name": "admin", "action": "agency.update",
    "resource_type": "agency", "resource_id": 2, "request_id": "6f1c2a9e-3b1d-4c8e-9a57-0d2f4b8e7c11",
    "before": {"phone": null}, "after": {"phone": "(0287) 381234"}}))]
pub struct AuditEvent {
    pub id: i64,
    #[serde(serialize_with = "super::rfc3339")]
    pub occurred_at: DateTime<Utc>,
    /// `user`, `client`, `system` (the command line) or `anonymous`.
    #[schema(max_length = 9, pattern = "^(user|client|system|anonymous)$")]
    pub actor_type: String,
    pub actor_id: Option<i64>,
    /// Username, client id, `command line` or `anonymous`.
    #[schema(max_length = 64)]
    pub actor_name: String,
    /// `<resource>.<verb>`, e.g. `agency.create`, `user.password_change`.
    #[schema(max_length = 64)]
    pub action: String,
    #[schema(max_length = 64)]
    pub resource_type: String,
    pub resource_id: Option<i64>,
    #[schema(max_length = 128)]
    pub request_id: String,
    #[schema(value_type = Option<Object>)]
    pub before: Option<serde_json::Value>,
    #[schema(value_type = Option<Object>)]
    pub after: Option<serde_json::Value>,
}

impl From<AuditEventRow> for AuditEvent {
    fn from(row: AuditEventRow) -> Self {
        let parse = |text: Option<String>| text.and_then(|t| serde_json::from_str(&t).ok());
        Self {
            id: row.id,
            occurred_at: row.occurred_at.and_utc(),
            actor_type: row.actor_type,
            actor_id: row.actor_id,
            actor_name: row.actor_name,
            action: row.action,
            resource_type: row.resource_type,
            resource_id: row.resource_id,
            request_id: row.request_id,
            before: parse(row.before),
            after: parse(row.after),
        }
    }
}

/// Filters of the audit trail.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct AuditListParams {
    /// `agency`, `user`, `api_client`, ...
    #[param(max_length = 64)]
    resource_type: Option<String>,
    #[param(minimum = 1)]
    resource_id: Option<i64>,
    /// Username or client id.
    #[param(max_length = 64)]
    actor: Option<String>,
    /// Events at or after this instant.
    from: Option<DateTime<Utc>>,
    /// Events before this instant.
    to: Option<DateTime<Utc>>,
    /// `occurred_at` or `-occurred_at` (the default: newest first).
    #[param(pattern = "^-?occurred_at$", max_length = 12)]
    sort: Option<String>,
}

fn parse_list(req: &HttpRequest) -> ApiResult<(AuditFilters, ListControls<store::AuditSort>)> {
    let mut query = QueryPairs::parse(req.query_string())?;
    let controls = crate::http::pagination::take_controls(
        &mut query,
        store::DEFAULT_SORT,
        crate::http::pagination::Presentation::JsonPage,
    );
    let filters = AuditFilters {
        resource_type: query.take_string("resource_type", 64),
        resource_id: query.take_i64("resource_id", 1, i64::MAX),
        actor: query.take_string("actor", 64),
        from: query.take_datetime("from"),
        to: query.take_datetime("to"),
    };
    query.finish()?;
    if controls.format != Format::Json {
        return Err(ApiError::invalid_field("format", "invalid_choice"));
    }
    Ok((filters, controls))
}

/// List audit events
///
/// Every write, newest first. Nothing changes or deletes events.
#[utoipa::path(
    tag = "audit",
    operation_id = "list_audit_events",
    params(ListParams, AuditListParams),
    responses(
        (status = 200, description = "A page of events", body = Page<AuditEvent>),
        (status = 403, response = super::problems::Forbidden),
        (status = 422, response = super::problems::ValidationFailed),
    ),
)]
#[get("")]
pub async fn list_audit_events(
    req: HttpRequest,
    actor: RequestActor,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    policy::authorize(&actor.caller, Action::ReadAuditTrail)?;
    let (filters, controls) = parse_list(&req)?;
    listing::page::<AuditList, _>(&req, &state, filters, controls, AuditEvent::from).await
}
