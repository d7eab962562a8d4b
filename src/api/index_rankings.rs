//! `/api/v1/index-years/{year}/innovation-rankings` and `.../agency-rankings`: the year's
//! innovations and agencies ranked by self or verified score, in the standard list
//! envelope. A ranking is computed whole (a year has one assessment per innovation) and
//! the page cut from it; a cursor names the last row served, so a ranking that changes
//! between pages may repeat or skip a row (page mode has no such caveat).

use super::prelude::*;

use crate::domain::agreement::Hundredths;
use crate::domain::index::formula::{AssessmentScore, Grade};
use crate::domain::index::workflow::AssessmentStatus;
use crate::domain::index::year::{Basis, competition_ranks};
use crate::domain::paging::{ById, ListControls};
use crate::http::list_query::QueryPairs;
use crate::http::pagination::take_sub_collection_controls;
use crate::store::index_years::StoredYear;

pub fn configure(config: &mut utoipa_actix_web::service_config::ServiceConfig) {
    config
        .service(list_innovation_rankings)
        .service(list_agency_rankings);
}

/// An innovation's place in the year.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"rank": 1, "assessment_id": 12, "innovation_id": 3,
    "innovation_name": "MUTTU 1000", "agency_id": 5, "agency_name": "Dinas Kesehatan",
    "status": "verified", "score": "55.00", "self_score": "65.00", "verified_score": "55.00",
    "complete": true}))]
pub struct InnovationRanking {
    /// Its place by `score` (ties share a place; the next place skips).
    #[schema(minimum = 1, value_type = i64)]
    pub rank: usize,
    pub assessment_id: i64,
    pub innovation_id: i64,
    #[schema(max_length = 200)]
    pub innovation_name: String,
    pub agency_id: i64,
    #[schema(max_length = 200)]
    pub agency_name: String,
    pub status: AssessmentStatus,
    /// The score ranked by (`basis`).
    #[schema(pattern = r"^[0-9]{1,6}\.[0-9]{2}$", max_length = 9)]
    pub score: String,
    #[schema(pattern = r"^[0-9]{1,6}\.[0-9]{2}$", max_length = 9)]
    pub self_score: String,
    #[schema(pattern = r"^[0-9]{1,6}\.[0-9]{2}$", max_length = 9)]
    pub verified_score: Option<String>,
    /// No mandatory indicator lacks evidence.
    pub complete: bool,
}

/// An agency's place in the year: its innovations' aspect by the catalogue's divisor rule.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"rank": 1, "agency_id": 5, "agency_name": "Dinas Kesehatan",
    "innovations": 12, "assessed": 3, "index": "15.50", "grade": "Kurang Inovatif",
    "assessable": true}))]
pub struct AgencyRanking {
    #[schema(minimum = 1, value_type = i64)]
    pub rank: usize,
    pub agency_id: i64,
    #[schema(max_length = 200)]
    pub agency_name: String,
    /// Its innovations (not archived).
    #[schema(minimum = 0)]
    pub innovations: i64,
    /// How many of its assessments were counted (by `basis`).
    #[schema(minimum = 0, value_type = i64)]
    pub assessed: usize,
    /// Its innovations' scores summed, divided by `max(minimum_innovations, n)`.
    #[schema(pattern = r"^[0-9]{1,6}\.[0-9]{2}$", max_length = 9)]
    pub index: String,
    #[schema(max_length = 100)]
    pub grade: String,
    pub assessable: bool,
}

/// The score an assessment is ranked by (`None`: not ranked by this basis).
fn ranked_score(basis: Basis, self_score: i64, verified: Option<i64>) -> Option<Hundredths> {
    match basis {
        Basis::SelfAssessed => Some(Hundredths(self_score)),
        Basis::Verified => verified.map(Hundredths),
    }
}

/// Sorts `rows` best first by `score` (then by `name`) and gives each its rank.
fn ranked<T>(
    mut rows: Vec<(Hundredths, String, T)>,
) -> impl Iterator<Item = (usize, Hundredths, T)> {
    rows.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    let scores: Vec<Hundredths> = rows.iter().map(|row| row.0).collect();
    competition_ranks(&scores)
        .into_iter()
        .zip(rows)
        .map(|(rank, (score, _, row))| (rank, score, row))
}

pub(super) fn innovation_rankings(year: &StoredYear, basis: Basis) -> Vec<InnovationRanking> {
    let rows = year
        .assessments
        .iter()
        .filter_map(|(row, innovation)| {
            let innovation = innovation.as_ref()?;
            let score = ranked_score(basis, row.self_score, row.verified_score)?;
            Some((score, innovation.name.clone(), (row, innovation)))
        })
        .collect();
    ranked(rows)
        .map(|(rank, score, (row, innovation))| InnovationRanking {
            rank,
            assessment_id: row.id,
            innovation_id: innovation.id,
            innovation_name: innovation.name.clone(),
            agency_id: innovation.agency_id,
            agency_name: year.agency_name(innovation.agency_id).to_owned(),
            status: row.status(),
            score: score.to_string(),
            self_score: Hundredths(row.self_score).to_string(),
            verified_score: row.verified_score.map(|v| Hundredths(v).to_string()),
            complete: row.missing_evidence == 0,
        })
        .collect()
}

pub(super) fn agency_rankings(year: &StoredYear, basis: Basis) -> Vec<AgencyRanking> {
    let formula = year.catalogue.content().formula;
    let label = &year.catalogue.row.not_assessable_label;
    let rows = year
        .agencies
        .iter()
        .map(|agency| {
            let scores: Vec<AssessmentScore> = year
                .assessments
                .iter()
                .filter(|(_, i)| i.as_ref().is_some_and(|i| i.agency_id == agency.agency_id))
                .filter_map(|(row, _)| {
                    let score = ranked_score(basis, row.self_score, row.verified_score)?;
                    let missing = match basis {
                        Basis::SelfAssessed => row.missing_evidence,
                        Basis::Verified => 0,
                    };
                    Some(AssessmentScore::stored(
                        score,
                        usize::try_from(missing).unwrap_or(0),
                    ))
                })
                .collect();
            let figures = formula.agency(&scores);
            (figures.index, agency.name.clone(), (agency, figures))
        })
        .collect();
    ranked(rows)
        .map(|(rank, index, (agency, figures))| {
            let (grade, assessable) = match figures.grade {
                Grade::Band(label) => (label, true),
                Grade::NotAssessable => (label.clone(), false),
            };
            AgencyRanking {
                rank,
                agency_id: agency.agency_id,
                agency_name: agency.name.clone(),
                innovations: agency.innovations,
                assessed: figures.innovations,
                index: index.to_string(),
                grade,
                assessable,
            }
        })
        .collect()
}

/// Rank the year's innovations
///
/// Signed-in accounts. Every innovation assessment of the year, best first by `basis`
/// (`self`: every assessment by its self score, the default; `verified`: verified ones by
/// their verified score); ties share a rank. `agency_id` and `status` filter the ranking
/// without changing the ranks. 404 unless the year's catalogue is published.
#[utoipa::path(
    tag = "index",
    operation_id = "list_index_innovation_rankings",
    params(
        ("year" = i64, Path, minimum = 2000, maximum = 2100),
        ("basis" = Option<Basis>, Query, description = "`self` (default) or `verified`"),
        ("agency_id" = Option<i64>, Query, minimum = 1),
        ("status" = Option<Vec<AssessmentStatus>>, Query, explode = false, max_items = 4,
            description = "Only these statuses (comma-separated)"),
        crate::http::pagination::PageParams,
    ),
    responses(
        (status = 200, description = "A page of the ranking", body = Page<InnovationRanking>),
        (status = 304, description = "The page has not changed since the `If-None-Match` tag"),
        (status = 422, response = super::problems::ValidationFailed),
    ),
)]
#[get("/{year}/innovation-rankings")]
pub async fn list_innovation_rankings(
    req: HttpRequest,
    year: web::Path<i64>,
    actor: RequestActor,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let (basis, (agency_id, statuses), controls) = ranking_query(&actor, &req, |query| {
        let agency_id = query.take_i64("agency_id", 1, i64::MAX);
        let statuses =
            query.take_list("status", AssessmentStatus::parse, AssessmentStatus::allowed);
        (agency_id, statuses)
    })?;
    let stored = super::index_years::read_year(&actor, &state, year.into_inner()).await?;
    let rows: Vec<InnovationRanking> = innovation_rankings(&stored, basis)
        .into_iter()
        .filter(|r| agency_id.is_none_or(|id| r.agency_id == id))
        .filter(|r| statuses.as_ref().is_none_or(|s| s.contains(&r.status)))
        .collect();
    let (rows, total) = controls.cut(rows, |r| r.assessment_id);
    let page = Page::by_id(rows, total, &controls, |r| r.assessment_id);
    super::list_response(&req, &state, &page)
}

/// A ranking's query, once the caller may read it (401/403 before any 422): `basis`, the
/// filters `filters` takes, and the paging.
fn ranking_query<T>(
    actor: &RequestActor,
    req: &HttpRequest,
    filters: impl FnOnce(&mut QueryPairs) -> T,
) -> ApiResult<(Basis, T, ListControls<ById>)> {
    policy::authorize(&actor.caller, Action::ReadIndexAssessments)?;
    let mut query = QueryPairs::parse(req.query_string())?;
    let basis = take_basis(&mut query);
    let filters = filters(&mut query);
    let controls = take_sub_collection_controls(&mut query);
    query.finish()?;
    Ok((basis, filters, controls))
}

/// The `basis` parameter: `self` unless given.
pub(super) fn take_basis(query: &mut QueryPairs) -> Basis {
    query
        .take_list("basis", Basis::parse, Basis::allowed)
        .and_then(|list| list.first().copied())
        .unwrap_or(Basis::SelfAssessed)
}

/// Rank the year's agencies
///
/// Signed-in accounts. Every agency with innovations, best first by its index: its
/// innovations' scores (by `basis`) summed and divided by `max(minimum_innovations, n)`,
/// graded by the catalogue's bands (not assessable without a complete assessment); ties
/// share a rank. 404 unless the year's catalogue is published.
#[utoipa::path(
    tag = "index",
    operation_id = "list_index_agency_rankings",
    params(
        ("year" = i64, Path, minimum = 2000, maximum = 2100),
        ("basis" = Option<Basis>, Query, description = "`self` (default) or `verified`"),
        crate::http::pagination::PageParams,
    ),
    responses(
        (status = 200, description = "A page of the ranking", body = Page<AgencyRanking>),
        (status = 304, description = "The page has not changed since the `If-None-Match` tag"),
        (status = 422, response = super::problems::ValidationFailed),
    ),
)]
#[get("/{year}/agency-rankings")]
pub async fn list_agency_rankings(
    actor: RequestActor,
    year: web::Path<i64>,
    req: HttpRequest,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let (basis, (), controls) = ranking_query(&actor, &req, |_| ())?;
    let stored = super::index_years::read_year(&actor, &state, year.into_inner()).await?;
    let (rows, total) = controls.cut(agency_rankings(&stored, basis), |r| r.agency_id);
    let page = Page::by_id(rows, total, &controls, |r| r.agency_id);
    super::list_response(&req, &state, &page)
}
