//! The year of a signed agreement quarter by quarter (the monitoring, "monev"):
//! `GET`/`PUT .../commitments/{cid}/realizations[/{quarter}]` read and record a commitment's
//! realizations per quarter with their evidence and achievement, and
//! `/api/v1/monitoring-quarters/{year}/{quarter}/close|reopen` let the lab close a quarter.
//! The achievement rules are [`crate::domain::monitoring`]'s.

use super::prelude::*;
use actix_web::http::header;
use chrono::{DateTime, Utc};

use crate::domain::agreement::{Hundredths, validate_decimal};
use crate::domain::monitoring::{Achievement, AchievementStatus, CalculationMethod, Quarter};
use crate::store::agreements::{
    self as store, CommitmentQuarters, MonitoringQuarterRow, QuarterRealization,
};

pub fn configure(config: &mut utoipa_actix_web::service_config::ServiceConfig) {
    config
        .service(get_commitment_quarters)
        .service(record_quarter_realization);
}

pub fn configure_quarters(config: &mut utoipa_actix_web::service_config::ServiceConfig) {
    config.service(close_quarter).service(reopen_quarter);
}

/// A quarter of a commitment: its target, what was realized, and where it stands.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuarterView {
    #[schema(minimum = 1, maximum = 4)]
    pub quarter: u8,
    /// The quarter's target (signed), if it has one.
    #[schema(max_length = 17, pattern = "^-?[0-9]{1,13}\\.[0-9]{2}$")]
    pub target: Option<String>,
    /// What was realized, once recorded.
    #[schema(max_length = 17, pattern = "^-?[0-9]{1,13}\\.[0-9]{2}$")]
    pub value: Option<String>,
    #[schema(max_length = 2000)]
    pub note: Option<String>,
    /// The evidence documents the realization cites.
    #[schema(max_items = 50)]
    pub document_ids: Vec<i64>,
    /// Percent of the target reached (by the method; to date for `cumulative`).
    #[schema(max_length = 17, pattern = "^-?[0-9]{1,13}\\.[0-9]{2}$")]
    pub achievement: Option<String>,
    pub status: AchievementStatus,
    /// The lab has closed the quarter: only administrators change it now.
    pub closed: bool,
    #[serde(serialize_with = "super::rfc3339_option")]
    #[schema(value_type = Option<DateTime<Utc>>)]
    pub recorded_at: Option<DateTime<Utc>>,
}

/// The year so far.
#[derive(Debug, Serialize, ToSchema)]
pub struct YearView {
    /// The yearly realization computed from the quarters by the method.
    #[schema(max_length = 17, pattern = "^-?[0-9]{1,13}\\.[0-9]{2}$")]
    pub value: Option<String>,
    #[schema(max_length = 17, pattern = "^-?[0-9]{1,13}\\.[0-9]{2}$")]
    pub achievement: Option<String>,
    pub status: AchievementStatus,
}

/// A commitment's quarters.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"commitment_id": 9, "agreement_id": 4, "year": 2016,
    "method": "cumulative", "yearly_target": "1000.00", "quarters": [
        {"quarter": 1, "target": "250.00", "value": "300.00", "note": "Loket daring dibuka",
         "document_ids": [31], "achievement": "120.00", "status": "on_track", "closed": true,
         "recorded_at": "2016-04-05T02:00:00.000000Z"},
        {"quarter": 2, "target": "250.00", "value": "150.00", "note": null, "document_ids": [],
         "achievement": "90.00", "status": "behind", "closed": false,
         "recorded_at": "2016-07-04T02:00:00.000000Z"},
        {"quarter": 3, "target": "250.00", "value": null, "note": null, "document_ids": [],
         "achievement": null, "status": "not_assessable", "closed": false, "recorded_at": null},
        {"quarter": 4, "target": "250.00", "value": null, "note": null, "document_ids": [],
         "achievement": null, "status": "not_assessable", "closed": false, "recorded_at": null}],
    "year_achievement": {"value": "450.00", "achievement": "45.00", "status": "behind"},
    "version": 4}))]
pub struct CommitmentQuartersView {
    pub commitment_id: i64,
    pub agreement_id: i64,
    #[schema(minimum = 2000, maximum = 2100)]
    pub year: i64,
    pub method: CalculationMethod,
    #[schema(max_length = 17, pattern = "^-?[0-9]{1,13}\\.[0-9]{2}$")]
    pub yearly_target: String,
    #[schema(min_items = 4, max_items = 4)]
    pub quarters: Vec<QuarterView>,
    pub year_achievement: YearView,
    /// The commitment's version (its `ETag`), for `If-Match`.
    pub version: i64,
}

fn shown(achievement: Achievement) -> (Option<String>, AchievementStatus) {
    (
        achievement.percent.map(|p| p.to_string()),
        achievement.status,
    )
}

impl CommitmentQuartersView {
    fn new(agreement_id: i64, stored: &CommitmentQuarters) -> ApiResult<Self> {
        let monitored = stored
            .monitored()
            .ok_or_else(|| ApiError::internal("quarters read of a commitment without them"))?;
        let quarters = Quarter::ALL
            .iter()
            .map(|&q| {
                let realization = stored.realizations[q.index()].as_ref();
                let (achievement, status) = shown(monitored.quarter(q));
                QuarterView {
                    quarter: q.number(),
                    target: monitored.quarterly.targets[q.index()].map(|t| t.to_string()),
                    value: realization.map(|r| Hundredths(r.row.value_hundredths).to_string()),
                    note: realization.and_then(|r| r.row.note.clone()),
                    document_ids: realization
                        .map(|r| r.document_ids.clone())
                        .unwrap_or_default(),
                    achievement,
                    status,
                    closed: stored.closed[q.index()],
                    recorded_at: realization.map(|r| r.row.updated_at.and_utc()),
                }
            })
            .collect();
        let (achievement, status) = shown(monitored.year());
        Ok(Self {
            commitment_id: stored.commitment.id,
            agreement_id,
            year: stored.year,
            method: monitored.quarterly.method,
            yearly_target: monitored.yearly_target.to_string(),
            quarters,
            year_achievement: YearView {
                value: monitored.yearly_realization().map(|v| v.to_string()),
                achievement,
                status,
            },
            version: stored.commitment.version,
        })
    }

    fn response(self) -> HttpResponse {
        HttpResponse::Ok()
            .insert_header((
                header::ETAG,
                crate::http::conditional::version_etag(self.version),
            ))
            .json(self)
    }
}

/// What one quarter realized.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"value": "300", "note": "Loket daring dibuka", "document_ids": [31]}))]
pub struct QuarterRealizationRequest {
    /// Never negative: a count, a time, a rate.
    #[validate(length(max = 20), custom(function = "validate_decimal"))]
    #[schema(pattern = r"^[0-9]{1,13}(\.[0-9]{1,2})?$", max_length = 20)]
    pub value: String,
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    pub note: Option<String>,
    /// Evidence documents of the commitment's innovation (replacing those cited before).
    #[validate(length(max = 50))]
    #[serde(default)]
    #[schema(max_items = 50)]
    pub document_ids: Vec<i64>,
}

/// A commitment's quarters
///
/// Its quarterly targets, what each quarter realized with its evidence, the achievement
/// of each quarter and of the year by the commitment's method, with a status (`achieved`,
/// `on_track`, `behind`, `not_assessable`), and which quarters the lab has closed. 409 for
/// a commitment without quarterly targets.
#[utoipa::path(
    tag = "agreements",
    operation_id = "get_commitment_quarters",
    params(("id" = i64, Path, description = "Agreement id", minimum = 1),
           ("cid" = i64, Path, description = "Commitment id", minimum = 1)),
    responses(
        (status = 200, description = "The quarters", body = CommitmentQuartersView,
            headers(("ETag" = String, description = "The commitment's version"))),
        (status = 409, response = super::problems::Conflict),
    ),
    security((), ("bearer_auth" = []))
)]
#[get("/{id}/commitments/{cid}/realizations")]
pub async fn get_commitment_quarters(
    path: web::Path<(i64, i64)>,
    actor: RequestActor,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    policy::authorize(&actor.caller, Action::ReadAgreements)?;
    let (agreement_id, commitment_id) = path.into_inner();
    let (agreement, _) = super::agreements::visible(&state, &actor.caller, agreement_id).await?;
    let stored = state
        .db
        .read(move |conn| store::quarters_of(conn, &agreement, commitment_id))
        .await?;
    if stored.monitored().is_none() {
        return Err(store::no_quarterly_targets());
    }
    Ok(CommitmentQuartersView::new(agreement_id, &stored)?.response())
}

/// Record a quarter's realization
///
/// Administrators or the agreement agency's editors, on a signed agreement in force (409
/// otherwise) whose commitment has quarterly targets (409 otherwise), once the quarter
/// has begun (422 before); after the lab closes the quarter, administrators only. Cited
/// documents must be the commitment's innovation's and not archived (422 at
/// `document_ids.N`). Keeps the commitment's yearly realization (`achieved_value`) by
/// its method. Not part of the content hash; audited (`commitment.quarter_realization`).
#[utoipa::path(
    tag = "agreements",
    operation_id = "record_quarter_realization",
    params(("id" = i64, Path, description = "Agreement id", minimum = 1),
           ("cid" = i64, Path, description = "Commitment id", minimum = 1),
           ("quarter" = i64, Path, description = "Quarter (triwulan) 1-4", minimum = 1, maximum = 4),
           ("If-Match" = Option<String>, Header, description = "The commitment's `ETag`")),
    request_body(content = QuarterRealizationRequest, content_type = "application/json"),
    responses(
        (status = 200, description = "Recorded", body = CommitmentQuartersView,
            headers(("ETag" = String, description = "The commitment's version"))),
        (status = 409, response = super::problems::Conflict),
    ),
)]
#[put("/{id}/commitments/{cid}/realizations/{quarter}")]
pub async fn record_quarter_realization(
    path: web::Path<(i64, i64, i64)>,
    actor: RequestActor,
    IfMatch(expected): IfMatch,
    state: web::Data<AppState>,
    JsonBody(request): JsonBody<QuarterRealizationRequest>,
) -> ApiResult<HttpResponse> {
    policy::require_account(&actor.caller)?;
    let (agreement_id, commitment_id, quarter) = path.into_inner();
    let quarter =
        Quarter::new(quarter).ok_or_else(|| ApiError::Validation(vec![quarter_out_of_range()]))?;
    request.validate()?;
    let value = Hundredths::parse(&request.value).unwrap_or(Hundredths(-1));
    if let Some(issue) = crate::domain::monitoring::realization_issue(value, "value") {
        return Err(ApiError::Validation(vec![issue.into()]));
    }
    let realization = QuarterRealization {
        quarter,
        value,
        note: request.note,
        document_ids: request.document_ids,
        today: state.config.today(),
    };
    let caller = actor.caller.clone();
    let stored = state
        .db
        .write(actor.write_context(), move |conn, context| {
            let agreement = store::find(conn, agreement_id)?;
            policy::authorize(
                &caller,
                Action::RecordRealization {
                    agency_id: agreement.agency_id,
                },
            )?;
            store::record_quarter(
                conn,
                context,
                agreement_id,
                commitment_id,
                &expected,
                &realization,
                || policy::authorize(&caller, Action::ChangeClosedQuarter),
            )
        })
        .await?;
    Ok(CommitmentQuartersView::new(agreement_id, &stored)?.response())
}

/// 422 at `quarter`: quarters are 1 to 4.
fn quarter_out_of_range() -> FieldError {
    FieldError::with_params(
        "quarter",
        "range",
        &[("min", "1".into()), ("max", "4".into())],
    )
}

/// A quarter of the region's monitoring.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"year": 2016, "quarter": 1, "closed": true, "version": 1,
    "updated_at": "2016-04-10T02:00:00.000000Z"}))]
pub struct MonitoringQuarter {
    #[schema(minimum = 2000, maximum = 2100)]
    pub year: i64,
    #[schema(minimum = 1, maximum = 4)]
    pub quarter: i16,
    pub closed: bool,
    pub version: i64,
    #[serde(serialize_with = "super::rfc3339")]
    #[schema(value_type = DateTime<Utc>)]
    pub updated_at: DateTime<Utc>,
}

impl From<MonitoringQuarterRow> for MonitoringQuarter {
    fn from(row: MonitoringQuarterRow) -> Self {
        Self {
            year: row.year,
            quarter: row.quarter,
            closed: row.closed,
            version: row.version,
            updated_at: row.updated_at.and_utc(),
        }
    }
}

async fn set_closed(
    path: (i64, i64),
    actor: &RequestActor,
    state: &AppState,
    closed: bool,
) -> ApiResult<HttpResponse> {
    policy::authorize(&actor.caller, Action::CloseMonitoringQuarter)?;
    let (year, quarter) = path;
    let mut errors = Vec::new();
    if !(2000..=2100).contains(&year) {
        errors.push(FieldError::with_params(
            "year",
            "range",
            &[("min", "2000".into()), ("max", "2100".into())],
        ));
    }
    let quarter_value = Quarter::new(quarter);
    if quarter_value.is_none() {
        errors.push(quarter_out_of_range());
    }
    let Some(quarter) = quarter_value.filter(|_| errors.is_empty()) else {
        return Err(ApiError::Validation(errors));
    };
    let row = state
        .db
        .write(actor.write_context(), move |conn, context| {
            store::set_quarter_closed(conn, context, year, quarter, closed)
        })
        .await?;
    Ok(HttpResponse::Ok().json(MonitoringQuarter::from(row)))
}

/// Close a quarter's monitoring
///
/// Administrators. From then on only administrators record or change that quarter's
/// realizations, for every agreement of the year. Closing a closed quarter changes
/// nothing. Audited (`monitoring_quarter.close`).
#[utoipa::path(
    tag = "agreements",
    operation_id = "close_monitoring_quarter",
    params(("year" = i64, Path, minimum = 2000, maximum = 2100),
           ("quarter" = i64, Path, description = "Quarter (triwulan) 1-4", minimum = 1, maximum = 4)),
    responses(
        (status = 200, description = "Closed", body = MonitoringQuarter),
    ),
)]
#[post("/{year}/{quarter}/close")]
pub async fn close_quarter(
    path: web::Path<(i64, i64)>,
    actor: RequestActor,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    set_closed(path.into_inner(), &actor, &state, true).await
}

/// Reopen a quarter's monitoring
///
/// Administrators: the agencies' editors may change that quarter's realizations again.
/// Audited (`monitoring_quarter.reopen`).
#[utoipa::path(
    tag = "agreements",
    operation_id = "reopen_monitoring_quarter",
    params(("year" = i64, Path, minimum = 2000, maximum = 2100),
           ("quarter" = i64, Path, description = "Quarter (triwulan) 1-4", minimum = 1, maximum = 4)),
    responses(
        (status = 200, description = "Reopened", body = MonitoringQuarter),
    ),
)]
#[post("/{year}/{quarter}/reopen")]
pub async fn reopen_quarter(
    actor: RequestActor,
    path: web::Path<(i64, i64)>,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    set_closed(path.into_inner(), &actor, &state, false).await
}
