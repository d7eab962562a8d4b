//! The demo's assessments for the illustrative catalogue, at different stages, written
//! through the store's own workflow (so scores, verdicts and history are real): MUTTU 1000
//! verified (a reviewer lowered one answer), Siperi submitted, ELEGAN a draft with one
//! answer, and the region's own assessment a draft. Safe to run again: an innovation (or
//! the region) that has an assessment for the year is left as it is.

use diesel::prelude::*;

use crate::db::schema::{documents, index_assessments, index_catalogues, innovations};
use crate::db::{DbConnection, WriteContext};
use crate::domain::index::workflow::{AssessmentStep, Verdict};
use crate::domain::version::ExpectedVersion;
use crate::error::ApiResult;
use crate::store::index_assessments::{
    self as store, AnswerChange, AnswerInput, StoredAssessment, VerdictInput,
};

/// How far the demo takes an assessment.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd)]
enum Stage {
    Draft,
    Submitted,
    Verified,
}

/// `(indicator code, option position, cite evidence of this kind)`.
type Answer = (&'static str, usize, Option<&'static str>);

const FULL: &[Answer] = &[
    ("K.1", 2, Some("decree")),
    ("K.2", 0, None),
    ("K.3", 1, None),
    ("M.1", 2, Some("photo")),
    ("M.2", 1, None),
];

const PLAN: &[(Option<&str>, Stage, &[Answer])] = &[
    (Some("MUTTU 1000"), Stage::Verified, FULL),
    (Some("Siperi"), Stage::Submitted, FULL),
    (Some("ELEGAN"), Stage::Draft, &[("K.1", 2, Some("decree"))]),
    (
        None,
        Stage::Draft,
        &[("P.1", 1, Some("decree")), ("P.3", 1, None)],
    ),
];

/// Adds the plan's assessments to `year`; answers how many were created and how many were
/// there. Innovations the demo does not have are skipped.
pub fn seed(
    conn: &mut DbConnection,
    context: &WriteContext,
    year: i64,
) -> ApiResult<(usize, usize)> {
    let (mut created, mut present) = (0, 0);
    // Only the demo's own catalogue: a region's official one has other indicators.
    let illustrative = index_catalogues::table
        .filter(index_catalogues::year.eq(year))
        .filter(index_catalogues::illustrative.eq(true))
        .filter(index_catalogues::published_at.is_not_null())
        .count()
        .get_result::<i64>(conn)?;
    if illustrative == 0 {
        return Ok((created, present));
    }
    for (name, stage, answers) in PLAN {
        let innovation_id = match name {
            Some(name) => match innovations::table
                .filter(innovations::name.eq(*name))
                .select(innovations::id)
                .first::<i64>(conn)
                .optional()?
            {
                Some(id) => Some(id),
                None => continue,
            },
            None => None,
        };
        if exists(conn, year, innovation_id)? {
            present += 1;
            continue;
        }
        let mut assessment = store::create(conn, context, year, innovation_id, |_| Ok(()))?;
        let evidence_of = innovation_id.or(first_story_innovation(conn)?);
        for (code, position, kind) in *answers {
            let Some(indicator) = assessment
                .indicators()
                .find(|i| i.row.code == *code)
                .cloned()
            else {
                continue;
            };
            let Some(option) = indicator.options.get(*position) else {
                continue;
            };
            let document_ids = match (kind, evidence_of) {
                (Some(kind), Some(innovation)) => {
                    document(conn, innovation, kind)?.into_iter().collect()
                }
                _ => Vec::new(),
            };
            let input = AnswerInput {
                option_id: option.id,
                note: None,
                document_ids,
            };
            let change = AnswerChange::Answer(input);
            assessment = change_answer(conn, context, &assessment, indicator.row.id, &change)?;
        }
        if *stage >= Stage::Submitted {
            assessment = step(conn, context, &assessment, AssessmentStep::Submit)?;
        }
        if *stage == Stage::Verified {
            review_all(conn, context, &mut assessment)?;
            step(conn, context, &assessment, AssessmentStep::Verify)?;
        }
        created += 1;
    }
    Ok((created, present))
}

fn exists(conn: &mut DbConnection, year: i64, innovation_id: Option<i64>) -> ApiResult<bool> {
    let mut query = index_assessments::table
        .inner_join(index_catalogues::table)
        .filter(index_catalogues::year.eq(year))
        .into_boxed();
    query = match innovation_id {
        Some(id) => query.filter(index_assessments::innovation_id.eq(id)),
        None => query.filter(index_assessments::innovation_id.is_null()),
    };
    Ok(query
        .select(index_assessments::id)
        .first::<i64>(conn)
        .optional()?
        .is_some())
}

/// The innovation whose evidence the region's own answers cite.
fn first_story_innovation(conn: &mut DbConnection) -> ApiResult<Option<i64>> {
    Ok(innovations::table
        .filter(innovations::name.eq(PLAN[0].0.unwrap_or_default()))
        .select(innovations::id)
        .first(conn)
        .optional()?)
}

fn document(conn: &mut DbConnection, innovation_id: i64, kind: &str) -> ApiResult<Option<i64>> {
    Ok(documents::table
        .filter(documents::innovation_id.eq(innovation_id))
        .filter(documents::kind.eq(kind))
        .filter(documents::archived_at.is_null())
        .select(documents::id)
        .order(documents::id)
        .first(conn)
        .optional()?)
}

fn change_answer(
    conn: &mut DbConnection,
    context: &WriteContext,
    assessment: &StoredAssessment,
    indicator_id: i64,
    change: &AnswerChange,
) -> ApiResult<StoredAssessment> {
    let id = assessment.row.id;
    let any = ExpectedVersion::Any;
    store::change_answer(conn, context, id, &any, indicator_id, change, |_| Ok(()))
}

fn step(
    conn: &mut DbConnection,
    context: &WriteContext,
    assessment: &StoredAssessment,
    step: AssessmentStep,
) -> ApiResult<StoredAssessment> {
    store::step(
        conn,
        context,
        assessment.row.id,
        &ExpectedVersion::Any,
        step,
        None,
        |_| Ok(()),
    )
}

/// A reviewer's verdicts: every answer accepted, except that replication ("M.2") is lowered
/// to its first option for want of a replication agreement.
fn review_all(
    conn: &mut DbConnection,
    context: &WriteContext,
    assessment: &mut StoredAssessment,
) -> ApiResult<()> {
    let answered: Vec<(i64, String, i64)> = assessment
        .indicators()
        .filter(|i| assessment.answer_to(i.row.id).is_some())
        .map(|i| (i.row.id, i.row.code.clone(), i.options[0].id))
        .collect();
    for (indicator_id, code, lowest) in answered {
        let input = if code == "M.2" {
            VerdictInput {
                verdict: Verdict::Adjusted,
                option_id: Some(lowest),
                note: Some("Belum ada perjanjian replikasi yang dilampirkan".to_owned()),
            }
        } else {
            VerdictInput {
                verdict: Verdict::Accepted,
                option_id: None,
                note: None,
            }
        };
        let change = AnswerChange::Verdict(input);
        *assessment = change_answer(conn, context, assessment, indicator_id, &change)?;
    }
    Ok(())
}
