//! The yearly index's assessments: one per innovation and published catalogue year, and one
//! for the region itself. Each write reads the whole assessment (its catalogue, answers and
//! their evidence), lets the caller's `check` decide who may write it (the policy is not
//! the store's), applies the domain's rules ([`crate::domain::index`]), keeps the stored
//! self score current, moves the version and records the audit event, in one transaction.

mod answers;
mod steps;

pub use answers::{AnswerChange, AnswerInput, VerdictInput, change_answer};
pub use steps::step;

use diesel::prelude::*;
use serde::Serialize;

use super::index_catalogues::{self as catalogues, StoredCatalogue, StoredIndicator};
use crate::db::schema::{
    index_answer_documents, index_answers, index_assessments, index_catalogues, innovations,
};
use crate::db::{DbConnection, WriteContext};
use crate::domain::agreement::Hundredths;
use crate::domain::index::Aspect;
use crate::domain::index::assessment::{self as rules, AnswerState};
use crate::domain::index::catalogue::CatalogueStatus;
use crate::domain::index::workflow::{AssessmentStatus, AssessmentStep, StepRefused};
use crate::domain::paging::{ById, ListControls};
use crate::error::{ApiError, ApiResult, FieldError};

pub const RESOURCE: &str = "index_assessment";

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = index_assessments, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct AssessmentRow {
    pub id: i64,
    pub catalogue_id: i64,
    pub innovation_id: Option<i64>,
    pub status: String,
    pub self_score: i64,
    pub missing_evidence: i64,
    pub verified_score: Option<i64>,
    pub submitted_at: Option<chrono::NaiveDateTime>,
    pub verified_at: Option<chrono::NaiveDateTime>,
    pub version: i64,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

impl AssessmentRow {
    pub fn status(&self) -> AssessmentStatus {
        AssessmentStatus::parse(&self.status).unwrap_or(AssessmentStatus::Draft)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Serialize)]
#[diesel(table_name = index_answers, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct AnswerRow {
    pub id: i64,
    pub assessment_id: i64,
    pub indicator_id: i64,
    pub option_id: i64,
    pub note: Option<String>,
    pub verdict: Option<String>,
    pub verified_option_id: Option<i64>,
    pub review_note: Option<String>,
    pub updated_at: chrono::NaiveDateTime,
}

/// An answer with the documents it cites (ids, in the order cited).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredAnswer {
    pub row: AnswerRow,
    pub document_ids: Vec<i64>,
}

/// The innovation an assessment is of, as its readers and its rules need it.
#[derive(Debug, Clone, Queryable, Serialize)]
pub struct AssessedInnovation {
    pub id: i64,
    pub name: String,
    pub agency_id: i64,
}

/// A whole assessment: its row, its year's catalogue, its innovation (none for the
/// region's own) and its answers.
#[derive(Debug, Clone)]
pub struct StoredAssessment {
    pub row: AssessmentRow,
    pub catalogue: StoredCatalogue,
    pub innovation: Option<AssessedInnovation>,
    pub answers: Vec<StoredAnswer>,
}

/// What the audit trail keeps of an assessment: the row and the answers.
#[derive(Serialize)]
struct Snapshot<'a> {
    #[serde(flatten)]
    row: &'a AssessmentRow,
    answers: &'a [StoredAnswer],
}

impl StoredAssessment {
    pub fn year(&self) -> i64 {
        self.catalogue.row.year
    }

    pub fn aspect(&self) -> Aspect {
        if self.innovation.is_some() {
            Aspect::Innovation
        } else {
            Aspect::Government
        }
    }

    /// The agency whose editors write it (none: the region's, written by administrators).
    pub fn agency_id(&self) -> Option<i64> {
        self.innovation.as_ref().map(|i| i.agency_id)
    }

    /// The indicators it answers (its aspect's), in catalogue order.
    pub fn indicators(&self) -> impl Iterator<Item = &StoredIndicator> {
        let aspect = self.aspect().as_str();
        self.catalogue
            .variables
            .iter()
            .filter(move |v| v.row.aspect == aspect)
            .flat_map(|v| v.indicators.iter())
    }

    pub fn answer_to(&self, indicator_id: i64) -> Option<&StoredAnswer> {
        self.answers
            .iter()
            .find(|a| a.row.indicator_id == indicator_id)
    }

    /// Each indicator with its answer, as the domain's score rules read them.
    pub fn states(&self) -> Vec<AnswerState<'_>> {
        let weight = |indicator: &StoredIndicator, option: Option<i64>| {
            let option = option?;
            indicator
                .options
                .iter()
                .find(|o| o.id == option)
                .map(|o| Hundredths(o.weight_hundredths))
        };
        self.indicators()
            .map(|indicator| {
                let answer = self.answer_to(indicator.row.id);
                AnswerState {
                    code: &indicator.row.code,
                    evidence_required: indicator.row.evidence_required,
                    chosen: weight(indicator, answer.map(|a| a.row.option_id)),
                    verified: weight(indicator, answer.and_then(|a| a.row.verified_option_id)),
                    evidence: answer.map_or(0, |a| a.document_ids.len()),
                }
            })
            .collect()
    }

    /// Which mandatory indicators lack evidence (their codes).
    pub fn missing_evidence(&self) -> Vec<String> {
        rules::self_score(&self.states()).missing_evidence
    }

    fn snapshot(&self) -> Snapshot<'_> {
        Snapshot {
            row: &self.row,
            answers: &self.answers,
        }
    }
}

/// Reads assessment `id` whole (404 if there is none).
pub fn find(conn: &mut DbConnection, id: i64) -> ApiResult<StoredAssessment> {
    let row = index_assessments::table
        .find(id)
        .select(AssessmentRow::as_select())
        .first(conn)?;
    load(conn, row)
}

fn load(conn: &mut DbConnection, row: AssessmentRow) -> ApiResult<StoredAssessment> {
    let year: i64 = index_catalogues::table
        .find(row.catalogue_id)
        .select(index_catalogues::year)
        .first(conn)?;
    let catalogue = catalogues::find(conn, year)?;
    let innovation = match row.innovation_id {
        Some(id) => Some(
            innovations::table
                .find(id)
                .select((innovations::id, innovations::name, innovations::agency_id))
                .first::<AssessedInnovation>(conn)?,
        ),
        None => None,
    };
    let answers = answers_of(conn, row.id)?;
    Ok(StoredAssessment {
        row,
        catalogue,
        innovation,
        answers,
    })
}

/// Assessment `id`'s history (its audit events), oldest first; 404 if there is none.
pub fn history(
    conn: &mut DbConnection,
    id: i64,
    controls: &ListControls<ById>,
) -> ApiResult<(Vec<super::audit::AuditEventRow>, Option<i64>)> {
    index_assessments::table
        .find(id)
        .select(index_assessments::id)
        .first::<i64>(conn)?;
    super::audit::history(conn, RESOURCE, id, controls)
}

/// The answers of assessment `id`, each with the documents it cites.
fn answers_of(conn: &mut DbConnection, id: i64) -> ApiResult<Vec<StoredAnswer>> {
    let rows: Vec<AnswerRow> = index_answers::table
        .filter(index_answers::assessment_id.eq(id))
        .order(index_answers::id)
        .select(AnswerRow::as_select())
        .load(conn)?;
    let cited: Vec<(i64, i64)> = index_answer_documents::table
        .inner_join(index_answers::table)
        .filter(index_answers::assessment_id.eq(id))
        .order((
            index_answer_documents::answer_id,
            index_answer_documents::document_id,
        ))
        .select((
            index_answer_documents::answer_id,
            index_answer_documents::document_id,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|row| StoredAnswer {
            document_ids: cited
                .iter()
                .filter(|(answer, _)| *answer == row.id)
                .map(|(_, document)| *document)
                .collect(),
            row,
        })
        .collect())
}

/// What the assessment list is filtered by.
#[derive(Debug, Clone, Default)]
pub struct AssessmentFilters {
    pub year: Option<i64>,
    pub status: Option<Vec<AssessmentStatus>>,
    pub aspect: Option<Aspect>,
    pub agency_id: Option<i64>,
    pub innovation_id: Option<i64>,
}

/// A row of the assessment list: the assessment with its year and innovation.
#[derive(Debug, Clone, Queryable)]
pub struct AssessmentListRow {
    pub row: AssessmentRow,
    pub year: i64,
    pub innovation: Option<(String, i64)>,
}

/// A page of assessments, oldest first.
pub fn list(
    conn: &mut DbConnection,
    filters: &AssessmentFilters,
    controls: &ListControls<ById>,
) -> ApiResult<(Vec<AssessmentListRow>, Option<i64>)> {
    let filtered = || {
        let mut query = index_assessments::table
            .inner_join(index_catalogues::table)
            .left_join(innovations::table)
            .into_boxed();
        if let Some(year) = filters.year {
            query = query.filter(index_catalogues::year.eq(year));
        }
        if let Some(statuses) = &filters.status {
            let statuses: Vec<&str> = statuses.iter().map(|s| s.as_str()).collect();
            query = query.filter(index_assessments::status.eq_any(statuses));
        }
        match filters.aspect {
            Some(Aspect::Government) => {
                query = query.filter(index_assessments::innovation_id.is_null())
            }
            Some(Aspect::Innovation) => {
                query = query.filter(index_assessments::innovation_id.is_not_null());
            }
            None => {}
        }
        if let Some(agency_id) = filters.agency_id {
            query = query.filter(innovations::agency_id.eq(agency_id));
        }
        if let Some(innovation_id) = filters.innovation_id {
            query = query.filter(index_assessments::innovation_id.eq(innovation_id));
        }
        query
    };
    let after = controls.cursor_after().map_or(0, |position| position.id);
    let rows = filtered()
        .filter(index_assessments::id.gt(after))
        .order(index_assessments::id.asc())
        .limit(controls.per_page + 1)
        .offset(controls.offset())
        .select((
            AssessmentRow::as_select(),
            index_catalogues::year,
            (innovations::name, innovations::agency_id).nullable(),
        ))
        .load::<AssessmentListRow>(conn)?;
    let total = controls
        .wants_total()
        .then(|| filtered().count().get_result::<i64>(conn))
        .transpose()?;
    Ok((rows, total))
}

/// Starts the draft assessment of `innovation_id` (none: the region's own) in `year`,
/// whose catalogue must be published. `check` decides, from the agency whose editors
/// would write it (none for the region's), whether the caller may.
pub fn create(
    conn: &mut DbConnection,
    context: &WriteContext,
    year: i64,
    innovation_id: Option<i64>,
    check: impl FnOnce(Option<i64>) -> ApiResult<()>,
) -> ApiResult<StoredAssessment> {
    let agency_id = match innovation_id {
        Some(id) => Some(assessable_innovation(conn, id)?),
        None => None,
    };
    check(agency_id)?;
    let catalogue = index_catalogues::table
        .filter(index_catalogues::year.eq(year))
        .select((index_catalogues::id, index_catalogues::status))
        .first::<(i64, String)>(conn)
        .optional()?;
    let catalogue_id = match catalogue {
        Some((id, status)) if status == CatalogueStatus::Published.as_str() => id,
        _ => {
            return Err(ApiError::Validation(vec![FieldError::with_params(
                "year",
                "catalogue_not_published",
                &[("year", year.to_string())],
            )]));
        }
    };
    let now = super::now();
    let row = diesel::insert_into(index_assessments::table)
        .values((
            index_assessments::catalogue_id.eq(catalogue_id),
            index_assessments::innovation_id.eq(innovation_id),
            index_assessments::status.eq(AssessmentStatus::Draft.as_str()),
            index_assessments::self_score.eq(0),
            index_assessments::missing_evidence.eq(0),
            index_assessments::version.eq(1),
            index_assessments::created_at.eq(now),
            index_assessments::updated_at.eq(now),
        ))
        .get_result::<AssessmentRow>(conn)
        .map_err(|error| {
            super::conflict_on_unique(
                error,
                "index_assessments",
                "innovation_id",
                format!("this {year} assessment has been started already"),
            )
        })?;
    let mut stored = load(conn, row)?;
    let missing = i64::try_from(stored.missing_evidence().len()).unwrap_or(i64::MAX);
    stored.row = diesel::update(index_assessments::table.find(stored.row.id))
        .set(index_assessments::missing_evidence.eq(missing))
        .get_result(conn)?;
    super::audit::record(
        conn,
        context,
        "assessment.create",
        RESOURCE,
        Some(stored.row.id),
        None::<&()>,
        Some(&stored.snapshot()),
    )?;
    Ok(stored)
}

/// The agency of innovation `id`, which must exist and not be archived (422 otherwise).
fn assessable_innovation(conn: &mut DbConnection, id: i64) -> ApiResult<i64> {
    let found = innovations::table
        .find(id)
        .select((innovations::agency_id, innovations::status))
        .first::<(i64, String)>(conn)
        .optional()?;
    match found {
        Some((agency_id, status)) if status != "archived" => Ok(agency_id),
        Some(_) => Err(ApiError::invalid_field("innovation_id", "archived")),
        None => Err(ApiError::invalid_field(
            "innovation_id",
            "unknown_innovation",
        )),
    }
}

/// 409 naming the state a step is refused in.
fn refused(refusal: StepRefused) -> ApiError {
    ApiError::Conflict {
        slug: "assessment-state",
        detail: format!(
            "a {} assessment does not take this step ({})",
            refusal.status,
            refusal.step.action()
        ),
        errors: Vec::new(),
    }
}

/// Reads assessment `id` for a write: `check` (the caller's right), the `If-Match`
/// version, and whether its state takes `step`.
fn for_step(
    conn: &mut DbConnection,
    id: i64,
    expected: &crate::domain::version::ExpectedVersion,
    step: AssessmentStep,
    check: impl FnOnce(&StoredAssessment) -> ApiResult<()>,
) -> ApiResult<StoredAssessment> {
    let current = find(conn, id)?;
    check(&current)?;
    super::check_version(expected, current.row.version)?;
    current.row.status().allows(step).map_err(refused)?;
    Ok(current)
}

/// What a write changes on the assessment row besides its version.
#[derive(Debug, Clone, Copy)]
struct RowChange {
    status: AssessmentStatus,
    verified_score: Option<i64>,
    submitted_at: Option<chrono::NaiveDateTime>,
    verified_at: Option<chrono::NaiveDateTime>,
}

impl RowChange {
    fn keep(row: &AssessmentRow) -> Self {
        Self {
            status: row.status(),
            verified_score: row.verified_score,
            submitted_at: row.submitted_at,
            verified_at: row.verified_at,
        }
    }
}

/// Moves the assessment to its next version with `change`, its self score recomputed from
/// its answers as they now are, and records `action` with both states; `note` (a return's
/// or a reopening's reason) goes into the audit event.
fn finish(
    conn: &mut DbConnection,
    context: &WriteContext,
    before: &StoredAssessment,
    change: RowChange,
    action: &'static str,
    note: Option<&str>,
) -> ApiResult<StoredAssessment> {
    let current = &before.row;
    // The answers as this write left them; the catalogue and innovation are as read.
    let answers = StoredAssessment {
        answers: answers_of(conn, current.id)?,
        ..before.clone()
    };
    let score = rules::self_score(&answers.states());
    let missing = i64::try_from(score.missing_evidence.len()).unwrap_or(i64::MAX);
    let row = diesel::update(
        index_assessments::table
            .filter(index_assessments::id.eq(current.id))
            .filter(index_assessments::version.eq(current.version)),
    )
    .set((
        index_assessments::status.eq(change.status.as_str()),
        index_assessments::self_score.eq(score.score.0),
        index_assessments::missing_evidence.eq(missing),
        index_assessments::verified_score.eq(change.verified_score),
        index_assessments::submitted_at.eq(change.submitted_at),
        index_assessments::verified_at.eq(change.verified_at),
        index_assessments::version.eq(current.version + 1),
        index_assessments::updated_at.eq(super::now()),
    ))
    .get_result::<AssessmentRow>(conn)
    .optional()?
    .ok_or(ApiError::PreconditionFailed {
        current_version: current.version,
    })?;
    let after = StoredAssessment { row, ..answers };
    #[derive(Serialize)]
    struct WithNote<'a> {
        #[serde(flatten)]
        snapshot: Snapshot<'a>,
        #[serde(skip_serializing_if = "Option::is_none")]
        note: Option<&'a str>,
    }
    super::audit::record(
        conn,
        context,
        action,
        RESOURCE,
        Some(after.row.id),
        Some(&before.snapshot()),
        Some(&WithNote {
            snapshot: after.snapshot(),
            note,
        }),
    )?;
    Ok(after)
}
