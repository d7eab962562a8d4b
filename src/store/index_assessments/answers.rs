//! Writing an answer (its writers) and judging one (a reviewer).

use diesel::prelude::*;

use super::{RowChange, StoredAssessment, finish, for_step};
use crate::db::schema::{index_answer_documents, index_answers};
use crate::db::{DbConnection, WriteContext};
use crate::domain::field_issue::FieldIssue;
use crate::domain::index::assessment::{self as rules, IndicatorTerms};
use crate::domain::index::workflow::{AssessmentStep, Verdict};
use crate::domain::version::ExpectedVersion;
use crate::error::{ApiError, ApiResult};
use crate::store::index_catalogues::{StoredIndicator, refuse};

/// An answer as its writers give it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerInput {
    pub option_id: i64,
    pub note: Option<String>,
    /// The evidence documents it cites (no repeats).
    pub document_ids: Vec<i64>,
}

/// A reviewer's verdict on an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerdictInput {
    pub verdict: Verdict,
    /// The option that stands: another of the indicator's when adjusted.
    pub option_id: Option<i64>,
    pub note: Option<String>,
}

/// A change to the answer to one indicator: written by its writers, or judged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnswerChange {
    Answer(AnswerInput),
    Verdict(VerdictInput),
}

impl AnswerChange {
    /// The workflow step it is.
    pub fn step(&self) -> AssessmentStep {
        match self {
            Self::Answer(_) => AssessmentStep::Answer,
            Self::Verdict(_) => AssessmentStep::Review,
        }
    }
}

/// Writes (or judges) the answer to `indicator_id` of assessment `id`; `check` decides,
/// from the assessment as read, whether the caller may.
pub fn change_answer(
    conn: &mut DbConnection,
    context: &WriteContext,
    id: i64,
    expected: &ExpectedVersion,
    indicator_id: i64,
    change: &AnswerChange,
    check: impl FnOnce(&StoredAssessment) -> ApiResult<()>,
) -> ApiResult<StoredAssessment> {
    let current = for_step(conn, id, expected, change.step(), check)?;
    match change {
        AnswerChange::Answer(input) => answer(conn, context, current, indicator_id, input),
        AnswerChange::Verdict(input) => review(conn, context, current, indicator_id, input),
    }
}

/// The indicator `indicator_id` of the assessment's catalogue and aspect (422 for an
/// indicator of another year or aspect, or none).
fn indicator_of(assessment: &StoredAssessment, indicator_id: i64) -> ApiResult<StoredIndicator> {
    assessment
        .indicators()
        .find(|i| i.row.id == indicator_id)
        .cloned()
        .ok_or_else(|| {
            refuse(vec![
                FieldIssue::new("indicator_id", "indicator_not_in_assessment")
                    .with("year", assessment.year())
                    .with("aspect", assessment.aspect()),
            ])
        })
}

fn option_ids(indicator: &StoredIndicator) -> Vec<i64> {
    indicator.options.iter().map(|o| o.id).collect()
}

/// Writes the answer to `indicator_id` whole (its option, note and evidence) while the
/// assessment is editable. A changed answer loses the reviewer's verdict on it; an
/// unchanged one is answered as it is, without a new version.
fn answer(
    conn: &mut DbConnection,
    context: &WriteContext,
    current: StoredAssessment,
    indicator_id: i64,
    input: &AnswerInput,
) -> ApiResult<StoredAssessment> {
    let id = current.row.id;
    let indicator = indicator_of(&current, indicator_id)?;
    let options = option_ids(&indicator);
    let kinds = indicator.row.kinds();
    let terms = IndicatorTerms {
        option_ids: &options,
        evidence_kinds: &kinds,
    };
    let cited = crate::store::documents::cited(conn, &input.document_ids)?;
    let innovation_id = current.innovation.as_ref().map(|i| i.id);
    let issues = rules::answer_issues(terms, input.option_id, &cited, innovation_id);
    if !issues.is_empty() {
        return Err(refuse(issues));
    }
    let previous = current.answer_to(indicator_id);
    let mut wanted_documents = input.document_ids.clone();
    wanted_documents.sort_unstable();
    if previous.is_some_and(|p| {
        p.row.option_id == input.option_id
            && p.row.note == input.note
            && p.document_ids == wanted_documents
    }) {
        return Ok(current);
    }
    if let Some(previous) = previous {
        diesel::delete(index_answers::table.find(previous.row.id)).execute(conn)?;
    }
    let answer_id: i64 = diesel::insert_into(index_answers::table)
        .values((
            index_answers::assessment_id.eq(id),
            index_answers::indicator_id.eq(indicator_id),
            index_answers::option_id.eq(input.option_id),
            index_answers::note.eq(&input.note),
            index_answers::updated_at.eq(crate::store::now()),
        ))
        .returning(index_answers::id)
        .get_result(conn)?;
    for document_id in &wanted_documents {
        diesel::insert_into(index_answer_documents::table)
            .values((
                index_answer_documents::answer_id.eq(answer_id),
                index_answer_documents::document_id.eq(document_id),
            ))
            .execute(conn)?;
    }
    let change = RowChange::keep(&current.row);
    finish(
        conn,
        context,
        &current,
        change,
        AssessmentStep::Answer.action(),
        None,
    )
}

/// Records a reviewer's verdict on the answer to `indicator_id` of a submitted assessment.
fn review(
    conn: &mut DbConnection,
    context: &WriteContext,
    current: StoredAssessment,
    indicator_id: i64,
    input: &VerdictInput,
) -> ApiResult<StoredAssessment> {
    let indicator = indicator_of(&current, indicator_id)?;
    let Some(answer) = current.answer_to(indicator_id) else {
        return Err(ApiError::invalid_field("indicator_id", "not_answered"));
    };
    let options = option_ids(&indicator);
    let terms = IndicatorTerms {
        option_ids: &options,
        evidence_kinds: &[],
    };
    let standing =
        rules::verdict_option(input.verdict, answer.row.option_id, input.option_id, terms)
            .map_err(|issue| refuse(vec![issue]))?;
    diesel::update(index_answers::table.find(answer.row.id))
        .set((
            index_answers::verdict.eq(input.verdict.as_str()),
            index_answers::verified_option_id.eq(standing),
            index_answers::review_note.eq(&input.note),
            index_answers::updated_at.eq(crate::store::now()),
        ))
        .execute(conn)?;
    let change = RowChange::keep(&current.row);
    finish(
        conn,
        context,
        &current,
        change,
        AssessmentStep::Review.action(),
        None,
    )
}
