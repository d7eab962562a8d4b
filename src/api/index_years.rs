//! `/api/v1/index-years/{year}`: a year of the index for dashboards: the region's index and
//! grade by the writers' scores and by the reviewers', the assessments by status, and per
//! agency what is still missing. The figures are [`crate::domain::index`]'s.

use super::prelude::*;

use crate::domain::agreement::Hundredths;
use crate::domain::index::formula::{AssessmentScore, Grade, IndexFigures};
use crate::domain::index::workflow::AssessmentStatus;
use crate::domain::index::year::{self, Assessed};
use crate::store::index_years::{self as store, StoredYear};

pub fn configure(config: &mut utoipa_actix_web::service_config::ServiceConfig) {
    config.service(get_index_year);
    super::index_rankings::configure(config);
    super::index_workbook::configure(config);
    super::index_summary::configure(config);
}

/// The region's figures by one kind of score.
#[derive(Debug, Serialize, ToSchema)]
pub struct IndexFiguresView {
    /// The government aspect's score; `null` when the region's own assessment is not
    /// counted (not started, or not verified for the verified figures).
    #[schema(pattern = r"^[0-9]{1,6}\.[0-9]{2}$", max_length = 9)]
    pub government: Option<String>,
    /// The innovation aspect: the innovations' scores summed, divided by
    /// `max(minimum_innovations, n)`.
    #[schema(pattern = r"^[0-9]{1,6}\.[0-9]{2}$", max_length = 9)]
    pub innovation: String,
    /// How many innovation assessments were counted.
    #[schema(minimum = 0, maximum = 1000000, value_type = i64)]
    pub innovations: usize,
    #[schema(pattern = r"^[0-9]{1,6}\.[0-9]{2}$", max_length = 9)]
    pub index: String,
    /// The grade band's label, or the catalogue's "not assessable" label.
    #[schema(max_length = 100)]
    pub grade: String,
    /// False when the evidence is missing: the region's own assessment absent or
    /// incomplete, or no innovation's complete.
    pub assessable: bool,
}

impl IndexFiguresView {
    fn new(figures: IndexFigures, not_assessable: &str) -> Self {
        let (grade, assessable) = match figures.grade {
            Grade::Band(label) => (label, true),
            Grade::NotAssessable => (not_assessable.to_owned(), false),
        };
        Self {
            government: figures.government.map(|g| g.to_string()),
            innovation: figures.innovation.to_string(),
            innovations: figures.innovations,
            index: figures.index.to_string(),
            grade,
            assessable,
        }
    }
}

/// How many assessments are in each state.
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct StatusCounts {
    #[schema(minimum = 0)]
    pub draft: i64,
    #[schema(minimum = 0)]
    pub submitted: i64,
    #[schema(minimum = 0)]
    pub returned: i64,
    #[schema(minimum = 0)]
    pub verified: i64,
}

/// What one agency still owes the year.
#[derive(Debug, Serialize, ToSchema)]
pub struct AgencyOutstanding {
    pub agency_id: i64,
    #[schema(max_length = 200)]
    pub agency_name: String,
    /// Its innovations (not archived).
    #[schema(minimum = 0)]
    pub innovations: i64,
    /// Innovations without an assessment.
    #[schema(minimum = 0)]
    pub not_started: i64,
    /// Assessments being written with mandatory evidence missing.
    #[schema(minimum = 0)]
    pub missing_evidence: i64,
    /// Assessments complete but not submitted.
    #[schema(minimum = 0)]
    pub not_submitted: i64,
    /// Submitted, waiting for a reviewer.
    #[schema(minimum = 0)]
    pub awaiting_verification: i64,
}

/// A year of the index.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"year": 2026,
    "title": "Katalog ilustratif Indeks Inovasi Daerah", "illustrative": true,
    "self_assessed": {"government": "35.00", "innovation": "15.50", "innovations": 3,
        "index": "20.41", "grade": "Kurang Inovatif", "assessable": true},
    "verified": {"government": null, "innovation": "5.50", "innovations": 1,
        "index": "4.11", "grade": "Tidak Dapat Dinilai", "assessable": false},
    "statuses": {"draft": 2, "submitted": 1, "returned": 0, "verified": 1},
    "outstanding": [{"agency_id": 5, "agency_name": "Dinas Kesehatan", "innovations": 12,
        "not_started": 9, "missing_evidence": 1, "not_submitted": 0,
        "awaiting_verification": 1}]}))]
pub struct IndexYear {
    #[schema(minimum = 2000, maximum = 2100)]
    pub year: i64,
    #[schema(max_length = 200)]
    pub title: String,
    pub illustrative: bool,
    /// By the writers' self scores, every assessment started.
    pub self_assessed: IndexFiguresView,
    /// By the reviewers' verified scores, verified assessments only.
    pub verified: IndexFiguresView,
    pub statuses: StatusCounts,
    /// The agencies that still owe something, by name.
    #[schema(max_items = 10000)]
    pub outstanding: Vec<AgencyOutstanding>,
}

impl From<&StoredYear> for IndexYear {
    fn from(stored: &StoredYear) -> Self {
        let catalogue = &stored.catalogue;
        let assessed: Vec<Assessed> = stored
            .assessments
            .iter()
            .map(|(row, innovation)| Assessed {
                agency_id: innovation.as_ref().map(|i| i.agency_id),
                status: row.status(),
                self_score: AssessmentScore::stored(
                    Hundredths(row.self_score),
                    usize::try_from(row.missing_evidence).unwrap_or(usize::MAX),
                ),
                verified_score: row.verified_score.map(Hundredths),
            })
            .collect();
        let formula = catalogue.content().formula;
        let (by_self, verified) = year::region(&formula, &assessed);
        let label = &catalogue.row.not_assessable_label;
        let mut statuses = StatusCounts::default();
        for a in &assessed {
            *match a.status {
                AssessmentStatus::Draft => &mut statuses.draft,
                AssessmentStatus::Submitted => &mut statuses.submitted,
                AssessmentStatus::Returned => &mut statuses.returned,
                AssessmentStatus::Verified => &mut statuses.verified,
            } += 1;
        }
        let outstanding = stored
            .agencies
            .iter()
            .map(|agency| {
                let owed = year::outstanding(agency.agency_id, agency.innovations, &assessed);
                (agency, owed)
            })
            .filter(|(_, owed)| !owed.is_clear())
            .map(|(agency, owed)| AgencyOutstanding {
                agency_id: agency.agency_id,
                agency_name: agency.name.clone(),
                innovations: agency.innovations,
                not_started: owed.not_started,
                missing_evidence: owed.missing_evidence,
                not_submitted: owed.not_submitted,
                awaiting_verification: owed.awaiting_verification,
            })
            .collect();
        Self {
            year: catalogue.row.year,
            title: catalogue.row.title.clone(),
            illustrative: catalogue.row.illustrative,
            self_assessed: IndexFiguresView::new(by_self, label),
            verified: IndexFiguresView::new(verified, label),
            statuses,
            outstanding,
        }
    }
}

/// The year `year`, for a caller who may read assessments.
pub(super) async fn read_year(
    actor: &RequestActor,
    state: &AppState,
    year: i64,
) -> ApiResult<StoredYear> {
    policy::authorize(&actor.caller, Action::ReadIndexAssessments)?;
    state.db.read(move |conn| store::find(conn, year)).await
}

/// A year of the index
///
/// Signed-in accounts. The region's index and grade by the catalogue's formula, by self
/// scores and by verified scores, with both aspects' scores; the assessments by status;
/// and per agency what is still missing (innovations not started, evidence missing, not
/// submitted, awaiting verification). 404 unless the year's catalogue is published.
#[utoipa::path(
    tag = "index",
    operation_id = "get_index_year",
    params(("year" = i64, Path, minimum = 2000, maximum = 2100)),
    responses(
        (status = 200, description = "The year's figures", body = IndexYear),
    ),
)]
#[get("/{year}")]
pub async fn get_index_year(
    req: HttpRequest,
    year: web::Path<i64>,
    actor: RequestActor,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let stored = read_year(&actor, &state, year.into_inner()).await?;
    let body = serde_json::to_vec(&IndexYear::from(&stored)).map_err(ApiError::internal)?;
    Ok(super::json_with_content_etag(&req, body))
}
