//! One assessment's answers against its catalogue's indicators: what an answer may choose
//! and cite, what a reviewer's verdict may say, its self and verified scores, and what keeps
//! it from being submitted or verified. The store reads the rows; the rules are here.

use super::formula::{self, AssessmentScore, IndicatorResult};
use super::workflow::Verdict;
use crate::domain::agreement::Hundredths;
use crate::domain::evidence::{CitedDocument, DocumentKind, citation_issues};
use crate::domain::field_issue::FieldIssue;

/// What an answer to one indicator may choose and cite.
#[derive(Debug, Clone, Copy)]
pub struct IndicatorTerms<'a> {
    /// The ids of the indicator's options.
    pub option_ids: &'a [i64],
    /// The document kinds that count as its evidence (empty: any).
    pub evidence_kinds: &'a [DocumentKind],
}

/// What is wrong with an answer: an option of another indicator, or a document that cannot
/// be its evidence (`documents` in the order given; `None`: no such document).
/// `innovation_id` is the assessed innovation's (none for the region's own assessment, which
/// may cite the evidence of any innovation).
pub fn answer_issues(
    terms: IndicatorTerms,
    option_id: i64,
    documents: &[Option<CitedDocument>],
    innovation_id: Option<i64>,
) -> Vec<FieldIssue> {
    let mut issues = Vec::new();
    if !terms.option_ids.contains(&option_id) {
        issues.push(FieldIssue::new("option_id", "option_of_another_indicator"));
    }
    issues.extend(citation_issues(
        documents,
        innovation_id,
        terms.evidence_kinds,
    ));
    issues
}

/// The option a verdict leaves standing: the answer's own when accepted (an `option_id`
/// given must be that one), another option of the same indicator when adjusted.
pub fn verdict_option(
    verdict: Verdict,
    answered_option: i64,
    option_id: Option<i64>,
    terms: IndicatorTerms,
) -> Result<i64, FieldIssue> {
    match (verdict, option_id) {
        (Verdict::Accepted, None) => Ok(answered_option),
        (Verdict::Accepted, Some(id)) if id == answered_option => Ok(id),
        (Verdict::Accepted, Some(_)) => {
            Err(FieldIssue::new("option_id", "accepted_keeps_the_answer"))
        }
        (Verdict::Adjusted, None) => Err(FieldIssue::new("option_id", "required")),
        (Verdict::Adjusted, Some(id)) if id == answered_option => {
            Err(FieldIssue::new("option_id", "adjusted_to_the_same_option"))
        }
        (Verdict::Adjusted, Some(id)) if !terms.option_ids.contains(&id) => {
            Err(FieldIssue::new("option_id", "option_of_another_indicator"))
        }
        (Verdict::Adjusted, Some(id)) => Ok(id),
    }
}

/// One indicator of the assessment's aspect, with its answer if it has one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerState<'a> {
    pub code: &'a str,
    pub evidence_required: bool,
    /// The chosen option's weight; `None`: not answered.
    pub chosen: Option<Hundredths>,
    /// The weight of the option the reviewer's verdict leaves standing; `None`: no verdict.
    pub verified: Option<Hundredths>,
    /// How many documents the answer cites.
    pub evidence: usize,
}

impl AnswerState<'_> {
    fn result(&self, weight: Option<Hundredths>) -> IndicatorResult<'_> {
        IndicatorResult {
            code: self.code,
            weight,
            evidence_required: self.evidence_required,
            evidence_present: self.evidence > 0,
        }
    }
}

/// The score by the writers' answers, and the mandatory indicators without evidence.
pub fn self_score(states: &[AnswerState]) -> AssessmentScore {
    formula::score(states.iter().map(|s| s.result(s.chosen)))
}

/// The score by the reviewer's verdicts (an answer without one counts as given).
pub fn verified_score(states: &[AnswerState]) -> AssessmentScore {
    formula::score(states.iter().map(|s| s.result(s.verified.or(s.chosen))))
}

/// Why the assessment cannot be submitted: each indicator that requires evidence and has
/// none, under `answers.<code>`.
pub fn submit_issues(states: &[AnswerState]) -> Vec<FieldIssue> {
    self_score(states)
        .missing_evidence
        .into_iter()
        .map(|code| FieldIssue::new(format!("answers.{code}"), "evidence_missing"))
        .collect()
}

/// Why the assessment cannot be verified: each answer the reviewer has not judged.
pub fn verify_issues(states: &[AnswerState]) -> Vec<FieldIssue> {
    states
        .iter()
        .filter(|s| s.chosen.is_some() && s.verified.is_none())
        .map(|s| FieldIssue::new(format!("answers.{}", s.code), "verdict_missing"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const OPTIONS: &[i64] = &[11, 12, 13];
    const TERMS: IndicatorTerms = IndicatorTerms {
        option_ids: OPTIONS,
        evidence_kinds: &[DocumentKind::Decree, DocumentKind::Report],
    };

    fn document(kind: DocumentKind, innovation_id: i64) -> Option<CitedDocument> {
        Some(CitedDocument {
            kind,
            innovation_id,
            archived: false,
        })
    }

    fn codes(issues: &[FieldIssue]) -> Vec<(String, &str)> {
        issues.iter().map(|i| (i.path.clone(), i.code)).collect()
    }

    #[test]
    fn an_answer_chooses_an_option_of_its_indicator_and_cites_its_innovations_evidence() {
        let cited = [document(DocumentKind::Decree, 7)];
        assert!(answer_issues(TERMS, 12, &cited, Some(7)).is_empty());
        let archived = Some(CitedDocument {
            archived: true,
            ..document(DocumentKind::Report, 7).unwrap()
        });
        let cited = [
            document(DocumentKind::Photo, 7),
            document(DocumentKind::Decree, 8),
            None,
            archived,
        ];
        assert_eq!(
            codes(&answer_issues(TERMS, 99, &cited, Some(7))),
            [
                ("option_id".into(), "option_of_another_indicator"),
                ("document_ids.0".into(), "evidence_kind_not_accepted"),
                ("document_ids.1".into(), "document_of_another_innovation"),
                ("document_ids.2".into(), "unknown_document"),
                ("document_ids.3".into(), "document_archived"),
            ]
        );
        // The region's own assessment cites any innovation's evidence.
        let cited = [document(DocumentKind::Decree, 8)];
        assert!(answer_issues(TERMS, 11, &cited, None).is_empty());
    }

    #[test]
    fn a_verdict_accepts_the_answer_or_adjusts_it_to_another_option_of_the_indicator() {
        use Verdict::*;
        let code = |r: Result<i64, FieldIssue>| r.map_err(|issue| issue.code);
        assert_eq!(code(verdict_option(Accepted, 12, None, TERMS)), Ok(12));
        assert_eq!(code(verdict_option(Accepted, 12, Some(12), TERMS)), Ok(12));
        assert_eq!(
            code(verdict_option(Accepted, 12, Some(13), TERMS)),
            Err("accepted_keeps_the_answer")
        );
        assert_eq!(code(verdict_option(Adjusted, 12, Some(11), TERMS)), Ok(11));
        assert_eq!(
            code(verdict_option(Adjusted, 12, None, TERMS)),
            Err("required")
        );
        assert_eq!(
            code(verdict_option(Adjusted, 12, Some(12), TERMS)),
            Err("adjusted_to_the_same_option")
        );
        assert_eq!(
            code(verdict_option(Adjusted, 12, Some(99), TERMS)),
            Err("option_of_another_indicator")
        );
    }

    /// Three indicators worked by hand: I1 (evidence required) answered 10 with a document,
    /// reviewer adjusted to 5; I2 (evidence required) answered 20 without one; I3 (no
    /// evidence rule) answered 7.5, accepted. Self: 10 + 0 (I2 lacks evidence) + 7.5 = 17.5;
    /// verified: 5 + 0 + 7.5 = 12.5.
    #[test]
    fn scores_count_the_chosen_and_the_verified_options_and_zero_where_evidence_is_missing() {
        let h = |text: &str| Some(Hundredths::parse(text).unwrap());
        let states = [
            AnswerState {
                code: "I1",
                evidence_required: true,
                chosen: h("10"),
                verified: h("5"),
                evidence: 1,
            },
            AnswerState {
                code: "I2",
                evidence_required: true,
                chosen: h("20"),
                verified: None,
                evidence: 0,
            },
            AnswerState {
                code: "I3",
                evidence_required: false,
                chosen: h("7.5"),
                verified: h("7.5"),
                evidence: 0,
            },
        ];
        assert_eq!(self_score(&states).score, Hundredths(1750));
        assert_eq!(self_score(&states).missing_evidence, ["I2"]);
        assert_eq!(verified_score(&states).score, Hundredths(1250));
        assert_eq!(
            codes(&submit_issues(&states)),
            [("answers.I2".into(), "evidence_missing")]
        );
        assert_eq!(
            codes(&verify_issues(&states)),
            [("answers.I2".into(), "verdict_missing")]
        );
    }
}
