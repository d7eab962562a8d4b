//! `/api/v1/stats`: counts for dashboards.

use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::AppState;
use super::innovation_lists::{InnovationListParams, take_filters};
use crate::error::{ApiError, ApiResult, FieldError};
use crate::http::caller::RequestActor;
use crate::http::list_query::{MAX_Q_LEN, QueryPairs};
use crate::policy::{self, Action};
use crate::store::innovations::{self as store, GroupBy};

pub fn configure(config: &mut utoipa_actix_web::service_config::ServiceConfig) {
    config
        .service(innovation_stats)
        .service(super::agreements::agreement_stats)
        .configure(super::monitoring_warnings::configure);
}

/// What to count innovations by.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StatsGroup {
    Agency,
    AgencyKind,
    LabStage,
    Form,
    Digital,
    Cohort,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct StatsParams {
    #[param(inline)]
    group_by: StatsGroup,
    /// Case-insensitive search, as in the list.
    #[param(max_length = 100)]
    q: Option<String>,
}

/// The count of one group.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"key": "BAG-HUKUM", "label": "Bagian Hukum Sekretariat Daerah Kabupaten Kebumen", "count": 4}))]
pub struct GroupCount {
    /// The group's value: agency code, cohort id, stage, form, kind, `true`/`false`.
    #[schema(max_length = 32)]
    pub key: String,
    /// Its name for people (agency or cohort name; else the key).
    #[schema(max_length = 200)]
    pub label: String,
    #[schema(minimum = 0)]
    pub count: i64,
}

/// Innovation counts per group.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"group_by": "lab_stage", "total": 182, "groups": [
    {"key": "delivery", "label": "delivery", "count": 150}, {"key": "design", "label": "design", "count": 32}]}))]
pub struct InnovationStats {
    #[schema(value_type = StatsGroup)]
    pub group_by: String,
    #[schema(minimum = 0)]
    pub total: i64,
    /// Largest first.
    pub groups: Vec<GroupCount>,
}

/// Count innovations
///
/// Counts per agency, agency kind, lab stage, form, digital or cohort, with the list's
/// filters. Anonymous callers count launched innovations only.
#[utoipa::path(
    tag = "stats",
    operation_id = "get_innovation_stats",
    params(StatsParams, InnovationListParams),
    responses(
        (status = 200, description = "Counts per group", body = InnovationStats),
        (status = 422, response = super::problems::ValidationFailed),
    ),
    security((), ("bearer_auth" = []))
)]
#[get("/innovations")]
pub async fn innovation_stats(
    req: HttpRequest,
    actor: RequestActor,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    policy::authorize(&actor.caller, Action::ReadInnovations)?;
    let mut query = QueryPairs::parse(req.query_string())?;
    let group_name = query.take("group_by");
    let group_by = match group_name.as_deref() {
        Some("agency") => Some(GroupBy::Agency),
        Some("agency_kind") => Some(GroupBy::AgencyKind),
        Some("lab_stage") => Some(GroupBy::LabStage),
        Some("form") => Some(GroupBy::Form),
        Some("digital") => Some(GroupBy::Digital),
        Some("cohort") => Some(GroupBy::Cohort),
        Some(_) => {
            query.error(FieldError::with_message(
                "group_by",
                "invalid_choice",
                "must be one of: agency, agency_kind, lab_stage, form, digital, cohort",
            ));
            None
        }
        None => {
            query.error(FieldError::new("group_by", "required"));
            None
        }
    };
    let mut filters = take_filters(&mut query, &actor.caller);
    filters.q = query
        .take_string("q", MAX_Q_LEN)
        .map(|q| q.trim().to_owned())
        .filter(|q| !q.is_empty());
    query.finish()?;
    // A missing or bad `group_by` was reported by `finish()` above.
    let group_by = group_by.ok_or_else(|| ApiError::invalid_field("group_by", "required"))?;
    let groups = state
        .db
        .read(move |conn| store::stats(conn, &filters, group_by))
        .await?;
    Ok(HttpResponse::Ok().json(InnovationStats {
        group_by: group_name.unwrap_or_default(),
        total: groups.iter().map(|(_, _, count)| count).sum(),
        groups: groups
            .into_iter()
            .map(|(key, label, count)| GroupCount { key, label, count })
            .collect(),
    }))
}
