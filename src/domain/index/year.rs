//! A year of the index from its assessments: the region's figures by the writers' scores
//! and by the reviewers' (verified assessments only), and per agency what is still missing.

use super::formula::{AssessmentScore, Formula, IndexFigures};
use super::workflow::AssessmentStatus;
use crate::domain::agreement::Hundredths;

text_enum! {
    /// Which score a ranking orders by.
    pub enum Basis {
        /// The writers' self scores, every assessment started.
        SelfAssessed => "self",
        /// The reviewers' verified scores, verified assessments only.
        Verified => "verified",
    }
}

/// One assessment of the year, as the figures need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessed {
    /// The innovation's agency; `None`: the region's own assessment.
    pub agency_id: Option<i64>,
    pub status: AssessmentStatus,
    pub self_score: AssessmentScore,
    /// Once verified.
    pub verified_score: Option<Hundredths>,
}

/// The region's index by self scores (every assessment started) and by verified scores
/// (verified assessments only).
pub fn region(formula: &Formula, assessed: &[Assessed]) -> (IndexFigures, IndexFigures) {
    let own = assessed.iter().find(|a| a.agency_id.is_none());
    let innovations = || assessed.iter().filter(|a| a.agency_id.is_some());
    let by_self: Vec<AssessmentScore> = innovations().map(|a| a.self_score.clone()).collect();
    let verified = |a: &Assessed| {
        a.verified_score
            .map(|score| AssessmentScore::stored(score, 0))
    };
    let by_reviewers: Vec<AssessmentScore> = innovations().filter_map(verified).collect();
    (
        formula.region(own.map(|a| &a.self_score), &by_self),
        formula.region(own.and_then(verified).as_ref(), &by_reviewers),
    )
}

/// What an agency still owes the year.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Outstanding {
    /// Innovations without an assessment.
    pub not_started: i64,
    /// Assessments being written (draft or returned) with mandatory evidence missing.
    pub missing_evidence: i64,
    /// Assessments being written, complete but not submitted.
    pub not_submitted: i64,
    /// Submitted, waiting for a reviewer.
    pub awaiting_verification: i64,
}

impl Outstanding {
    pub fn is_clear(&self) -> bool {
        *self == Self::default()
    }
}

/// What agency `agency_id`, with `innovations` innovations, still owes.
pub fn outstanding(agency_id: i64, innovations: i64, assessed: &[Assessed]) -> Outstanding {
    let mut owed = Outstanding::default();
    let mut started = 0;
    for a in assessed.iter().filter(|a| a.agency_id == Some(agency_id)) {
        started += 1;
        match a.status {
            AssessmentStatus::Submitted => owed.awaiting_verification += 1,
            AssessmentStatus::Verified => {}
            _ if !a.self_score.is_complete() => owed.missing_evidence += 1,
            _ => owed.not_submitted += 1,
        }
    }
    owed.not_started = (innovations - started).max(0);
    owed
}

/// Standard competition ranks ("1, 2, 2, 4") of `scores`, sorted best first.
pub fn competition_ranks(scores: &[Hundredths]) -> Vec<usize> {
    let mut ranks = Vec::with_capacity(scores.len());
    for (index, score) in scores.iter().enumerate() {
        let rank = match index {
            0 => 1,
            _ if scores[index - 1] == *score => ranks[index - 1],
            _ => index + 1,
        };
        ranks.push(rank);
    }
    ranks
}

#[cfg(test)]
mod tests {
    use super::super::formula::{Grade, GradeBand};
    use super::*;

    fn formula() -> Formula {
        Formula {
            government_weight: Hundredths(2520),
            innovation_weight: Hundredths(7480),
            minimum_innovations: 2,
            grades: vec![GradeBand {
                label: "Inovatif".into(),
                from: Hundredths(0),
                from_included: true,
            }],
        }
    }

    fn assessed(
        agency: Option<i64>,
        status: AssessmentStatus,
        score: i64,
        missing: usize,
        verified: Option<i64>,
    ) -> Assessed {
        Assessed {
            agency_id: agency,
            status,
            self_score: AssessmentScore::stored(Hundredths(score), missing),
            verified_score: verified.map(Hundredths),
        }
    }

    #[test]
    fn ties_share_a_rank_and_the_next_rank_skips() {
        let scores = [9000, 7550, 7550, 7000, 0].map(Hundredths);
        assert_eq!(competition_ranks(&scores), [1, 2, 2, 4, 5]);
        assert_eq!(competition_ranks(&[]), Vec::<usize>::new());
    }

    /// By hand: self: government 40; innovations 60 + 30 (+ 0 with evidence missing) over
    /// max(2, 3) = 30; index (25.2 * 40 + 74.8 * 30) / 100 = 10.08 + 22.44 = 32.52.
    /// Verified: the region's own is not verified, so not assessable; innovations: 50 over
    /// max(2, 1) = 25; index 74.8 * 25 / 100 = 18.70.
    #[test]
    fn the_region_is_figured_by_self_scores_and_by_verified_scores() {
        use AssessmentStatus::*;
        let year = [
            assessed(None, Submitted, 4000, 0, None),
            assessed(Some(1), Verified, 6000, 0, Some(5000)),
            assessed(Some(1), Draft, 3000, 0, None),
            assessed(Some(2), Returned, 0, 2, None),
        ];
        let (by_self, verified) = region(&formula(), &year);
        assert_eq!(
            (
                by_self.government,
                by_self.innovation,
                by_self.index,
                by_self.innovations
            ),
            (
                Some(Hundredths(4000)),
                Hundredths(3000),
                Hundredths(3252),
                3
            )
        );
        assert_eq!(by_self.grade, Grade::Band("Inovatif".into()));
        assert_eq!(
            (verified.government, verified.innovation, verified.index),
            (None, Hundredths(2500), Hundredths(1870))
        );
        assert_eq!(verified.grade, Grade::NotAssessable);

        assert_eq!(
            outstanding(1, 4, &year),
            Outstanding {
                not_started: 2,
                missing_evidence: 0,
                not_submitted: 1,
                awaiting_verification: 0
            }
        );
        assert_eq!(
            outstanding(2, 1, &year),
            Outstanding {
                not_started: 0,
                missing_evidence: 1,
                not_submitted: 0,
                awaiting_verification: 0
            }
        );
        assert!(outstanding(3, 0, &year).is_clear());
    }
}
