//! `GET /api/v1/stats/agreements/warnings`: a quarter's early warnings for dashboards:
//! commitments of the agreements in force that fall behind the quarter's target, or have
//! no realization once the quarter is over (or closed by the lab), by agency.

use super::prelude::*;

use crate::domain::monitoring::{Quarter, WarningReason};
use crate::http::list_query::QueryPairs;
use crate::http::pagination::take_sub_collection_controls;
use crate::store::agreements as store;

pub fn configure(config: &mut utoipa_actix_web::service_config::ServiceConfig) {
    config.service(list_agreement_warnings);
}

/// A commitment that warns in the quarter.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"commitment_id": 9, "agreement_id": 4, "agreement_number": "060/017/PK-INOV/2026",
    "agency_id": 5, "agency_name": "Bagian Hukum Setda", "innovation_name": "ELEGAN",
    "indicator": "Produk hukum daerah yang disusun secara elektronik", "quarter": 2,
    "reason": "behind", "target": "500.00", "value": "450.00", "achievement": "90.00"}))]
pub struct AgreementWarning {
    pub commitment_id: i64,
    pub agreement_id: i64,
    #[schema(max_length = 100)]
    pub agreement_number: String,
    pub agency_id: i64,
    #[schema(max_length = 200)]
    pub agency_name: String,
    #[schema(max_length = 200)]
    pub innovation_name: String,
    #[schema(max_length = 1000)]
    pub indicator: String,
    #[schema(minimum = 1, maximum = 4)]
    pub quarter: u8,
    pub reason: WarningReason,
    /// The quarter's own target.
    #[schema(max_length = 17, pattern = "^-?[0-9]{1,13}\\.[0-9]{2}$")]
    pub target: Option<String>,
    /// The quarter's own realization (absent when missing).
    #[schema(max_length = 17, pattern = "^-?[0-9]{1,13}\\.[0-9]{2}$")]
    pub value: Option<String>,
    /// Percent of the target reached (to date for `cumulative`, as monitoring shows it).
    #[schema(max_length = 17, pattern = "^-?[0-9]{1,13}\\.[0-9]{2}$")]
    pub achievement: Option<String>,
}

/// A quarter's early warnings
///
/// Signed-in accounts. For `year` (default: this year) and `quarter` (1-4; default: the
/// current one), every commitment with quarterly targets of an agreement in force whose
/// quarter falls behind its target (`reason: behind`), or has no realization once the
/// quarter is over or the lab has closed it (`missing`), by agency name; `agency_id`
/// narrows it to one agency. The standard list envelope; computed whole per request.
#[utoipa::path(
    tag = "stats",
    operation_id = "list_agreement_warnings",
    params(
        ("year" = Option<i64>, Query, minimum = 2000, maximum = 2100),
        ("quarter" = Option<i64>, Query, minimum = 1, maximum = 4),
        ("agency_id" = Option<i64>, Query, minimum = 1),
        crate::http::pagination::PageParams,
    ),
    responses(
        (status = 200, description = "A page of the warnings", body = Page<AgreementWarning>),
        (status = 304, description = "The page has not changed since the `If-None-Match` tag"),
        (status = 422, response = super::problems::ValidationFailed),
    ),
)]
#[get("/agreements/warnings")]
pub async fn list_agreement_warnings(
    req: HttpRequest,
    actor: RequestActor,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    policy::authorize(&actor.caller, Action::ReadUnsignedAgreements)?;
    let today = state.config.today();
    let mut query = QueryPairs::parse(req.query_string())?;
    let year = query
        .take_i64("year", 2000, 2100)
        .unwrap_or_else(|| i64::from(chrono::Datelike::year(&today)));
    let quarter = query
        .take_i64("quarter", 1, 4)
        .and_then(Quarter::new)
        .unwrap_or_else(|| Quarter::of(today));
    let agency_id = query.take_i64("agency_id", 1, i64::MAX);
    let controls = take_sub_collection_controls(&mut query);
    query.finish()?;
    let (commitments, closed) = state
        .db
        .read(move |conn| {
            Ok((
                store::monitored_in_year(conn, year)?,
                store::closed_quarters(conn, year)?,
            ))
        })
        .await?;
    let calendar_year = i32::try_from(year).unwrap_or(i32::MAX);
    let over = closed[quarter.index()]
        || quarter
            .ends_on(calendar_year)
            .is_some_and(|end| end < today);
    let rows: Vec<AgreementWarning> = commitments
        .into_iter()
        .filter(|c| agency_id.is_none_or(|id| c.agency_id == id))
        .filter_map(|c| {
            let reason = c.monitored.warning(quarter, over)?;
            let achievement = c.monitored.quarter(quarter);
            Some(AgreementWarning {
                commitment_id: c.commitment.id,
                agreement_id: c.agreement_id,
                agreement_number: c.agreement_number,
                agency_id: c.agency_id,
                agency_name: c.agency_name,
                innovation_name: c.innovation_name,
                indicator: c.commitment.indicator,
                quarter: quarter.number(),
                reason,
                target: c.monitored.quarterly.targets[quarter.index()].map(|t| t.to_string()),
                value: c.monitored.realizations[quarter.index()].map(|v| v.to_string()),
                achievement: achievement.percent.map(|p| p.to_string()),
            })
        })
        .collect();
    let (rows, total) = controls.cut(rows, |r| r.commitment_id);
    let page = Page::by_id(rows, total, &controls, |r| r.commitment_id);
    super::list_response(&req, &state, &page)
}
