//! The workflow's steps that move an assessment on: submit (its writers), return and
//! verify (a reviewer), reopen (an administrator, with a reason).

use super::{RowChange, StoredAssessment, finish, for_step};
use crate::db::{DbConnection, WriteContext};
use crate::domain::index::assessment as rules;
use crate::domain::index::workflow::AssessmentStep;
use crate::domain::version::ExpectedVersion;
use crate::error::ApiResult;
use crate::store::index_catalogues::refuse;

/// Takes `step` (submit, return, verify or reopen) on assessment `id`. Submitting needs
/// the evidence of every mandatory indicator, verifying a verdict on every answer (422
/// listing each one missing); `note` is a return's or a reopening's reason, kept in the
/// history.
pub fn step(
    conn: &mut DbConnection,
    context: &WriteContext,
    id: i64,
    expected: &ExpectedVersion,
    step: AssessmentStep,
    note: Option<&str>,
    check: impl FnOnce(&StoredAssessment) -> ApiResult<()>,
) -> ApiResult<StoredAssessment> {
    let current = for_step(conn, id, expected, step, check)?;
    let states = current.states();
    let issues = match step {
        AssessmentStep::Submit => rules::submit_issues(&states),
        AssessmentStep::Verify => rules::verify_issues(&states),
        _ => Vec::new(),
    };
    if !issues.is_empty() {
        return Err(refuse(issues));
    }
    let now = crate::store::now();
    let mut change = RowChange::keep(&current.row);
    change.status = current.row.status().after(step);
    match step {
        AssessmentStep::Submit => change.submitted_at = Some(now),
        AssessmentStep::Verify => {
            change.verified_score = Some(rules::verified_score(&states).score.0);
            change.verified_at = Some(now);
        }
        AssessmentStep::Reopen => {
            change.verified_score = None;
            change.verified_at = None;
        }
        _ => {}
    }
    finish(conn, context, &current, change, step.action(), note)
}
