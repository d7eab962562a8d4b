//! How answers become scores, and scores an index and a grade, by a year's formula (as
//! the 2023 method presents it; the numbers are the catalogue's):
//!
//! - an assessment's score is the sum of the weights of its chosen options, except that an
//!   answer whose indicator requires evidence and has none scores 0 (and is listed as
//!   missing, as is an unanswered one; an answer at a zero-weight option needs none);
//! - the innovation aspect is the innovations' scores summed and divided by
//!   `max(minimum_innovations, n)`, so a region with few innovations is not rewarded for it;
//! - the index is the aspects weighted in percent: `(w_gov * gov + w_inn * inn) / 100`;
//! - the grade is the band the index falls in, or "not assessable" when the evidence is
//!   missing: the region's own assessment is absent or incomplete, or no innovation's is
//!   complete.
//!
//! All arithmetic is exact, in hundredths, rounded half up once per figure.

use crate::domain::agreement::Hundredths;

/// One grade band: an index above `from` (or at it, with `from_included`) earns `label`,
/// unless a higher band takes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GradeBand {
    pub label: String,
    pub from: Hundredths,
    pub from_included: bool,
}

/// A year's formula parameters, from its catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Formula {
    /// The government aspect's weight in the index, in percent.
    pub government_weight: Hundredths,
    /// The innovation aspect's weight, in percent (the two add up to 100).
    pub innovation_weight: Hundredths,
    /// The least divisor of the innovation aspect.
    pub minimum_innovations: i64,
    pub grades: Vec<GradeBand>,
}

/// One indicator of an assessment, as the score needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndicatorResult<'a> {
    pub code: &'a str,
    /// The chosen option's weight; `None` when the indicator is not answered.
    pub weight: Option<Hundredths>,
    pub evidence_required: bool,
    pub evidence_present: bool,
}

/// An assessment's score and what keeps it from being complete.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssessmentScore {
    pub score: Hundredths,
    /// The codes of the indicators that require evidence and have none, in the order given.
    pub missing_evidence: Vec<String>,
}

impl AssessmentScore {
    /// A stored assessment's score, of which only how many indicators lack evidence is
    /// known: the index needs no more than whether any do (the codes are left blank).
    pub fn stored(score: Hundredths, missing: usize) -> Self {
        Self {
            score,
            missing_evidence: vec![String::new(); missing],
        }
    }

    pub fn is_complete(&self) -> bool {
        self.missing_evidence.is_empty()
    }
}

/// A grade, or none when the evidence is missing ("tidak dapat dinilai").
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Grade {
    Band(String),
    NotAssessable,
}

/// The figures of the region (or of one agency, which has no government aspect).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexFigures {
    /// The government aspect's score; `None` for an agency, or when it is not assessed.
    pub government: Option<Hundredths>,
    pub innovation: Hundredths,
    /// How many innovation assessments were counted.
    pub innovations: usize,
    pub index: Hundredths,
    pub grade: Grade,
}

/// The score of one assessment from its indicators.
pub fn score<'a>(indicators: impl IntoIterator<Item = IndicatorResult<'a>>) -> AssessmentScore {
    let mut total = 0;
    let mut missing_evidence = Vec::new();
    for indicator in indicators {
        // An answer at a zero-weight option ("none yet") claims nothing to prove.
        let claims = indicator.weight.is_none_or(|weight| weight.0 > 0);
        if indicator.evidence_required && !indicator.evidence_present && claims {
            missing_evidence.push(indicator.code.to_owned());
        } else if let Some(weight) = indicator.weight {
            total += weight.0;
        }
    }
    AssessmentScore {
        score: Hundredths(total),
        missing_evidence,
    }
}

/// `numerator / denominator` rounded half up (both non-negative, denominator positive).
fn divide_rounded(numerator: i128, denominator: i128) -> i64 {
    i64::try_from((2 * numerator + denominator) / (2 * denominator)).unwrap_or(i64::MAX)
}

impl Formula {
    /// The innovation aspect: the scores summed, divided by `max(minimum, n)`.
    pub fn innovation_aspect(&self, innovations: &[AssessmentScore]) -> Hundredths {
        let sum: i128 = innovations.iter().map(|a| i128::from(a.score.0)).sum();
        let count = i64::try_from(innovations.len()).unwrap_or(i64::MAX);
        let divisor = count.max(self.minimum_innovations).max(1);
        Hundredths(divide_rounded(sum, i128::from(divisor)))
    }

    /// The band `index` falls in (the highest band it reaches).
    pub fn band(&self, index: Hundredths) -> Grade {
        let mut bands: Vec<&GradeBand> = self.grades.iter().collect();
        bands.sort_by_key(|band| std::cmp::Reverse(band.from));
        bands
            .into_iter()
            .find(|band| index > band.from || (band.from_included && index == band.from))
            .map_or(Grade::NotAssessable, |band| Grade::Band(band.label.clone()))
    }

    /// The region's index: its own assessment and its innovations'.
    pub fn region(
        &self,
        government: Option<&AssessmentScore>,
        innovations: &[AssessmentScore],
    ) -> IndexFigures {
        let innovation = self.innovation_aspect(innovations);
        let government_score = government.map_or(Hundredths(0), |g| g.score);
        let weighted = i128::from(self.government_weight.0) * i128::from(government_score.0)
            + i128::from(self.innovation_weight.0) * i128::from(innovation.0);
        // Weights in hundredths of a percent times scores in hundredths: / 100 / 100.
        let index = Hundredths(divide_rounded(weighted, 10_000));
        let assessable = government.is_some_and(AssessmentScore::is_complete)
            && innovations.iter().any(AssessmentScore::is_complete);
        IndexFigures {
            government: government.map(|g| g.score),
            innovation,
            innovations: innovations.len(),
            index,
            grade: if assessable {
                self.band(index)
            } else {
                Grade::NotAssessable
            },
        }
    }

    /// One agency's index: the innovation aspect of its innovations alone, by the same
    /// divisor rule, graded by the same bands.
    pub fn agency(&self, innovations: &[AssessmentScore]) -> IndexFigures {
        let innovation = self.innovation_aspect(innovations);
        IndexFigures {
            government: None,
            innovation,
            innovations: innovations.len(),
            index: innovation,
            grade: if innovations.iter().any(AssessmentScore::is_complete) {
                self.band(innovation)
            } else {
                Grade::NotAssessable
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(text: &str) -> Hundredths {
        Hundredths::parse(text).unwrap()
    }

    /// The illustrative 2023-shaped formula: 25.2% and 74.8%, divisor at least 10,
    /// "Sangat Inovatif" above 60, "Inovatif" 35 to 60, "Kurang Inovatif" below 35.
    fn formula() -> Formula {
        let band = |label: &str, from: &str, from_included| GradeBand {
            label: label.into(),
            from: h(from),
            from_included,
        };
        Formula {
            government_weight: h("25.2"),
            innovation_weight: h("74.8"),
            minimum_innovations: 10,
            grades: vec![
                band("Kurang Inovatif", "0", true),
                band("Sangat Inovatif", "60", false),
                band("Inovatif", "35", true),
            ],
        }
    }

    fn assessed(score: &str) -> AssessmentScore {
        AssessmentScore {
            score: h(score),
            missing_evidence: vec![],
        }
    }

    #[test]
    fn an_answer_without_its_required_evidence_scores_nothing_and_is_listed() {
        let result = score([
            IndicatorResult {
                code: "G.1",
                weight: Some(h("30")),
                evidence_required: true,
                evidence_present: true,
            },
            IndicatorResult {
                code: "G.2",
                weight: Some(h("25.5")),
                evidence_required: false,
                evidence_present: false,
            },
            IndicatorResult {
                code: "G.3",
                weight: Some(h("20")),
                evidence_required: true,
                evidence_present: false,
            },
            IndicatorResult {
                code: "G.4",
                weight: None,
                evidence_required: true,
                evidence_present: false,
            },
            IndicatorResult {
                code: "G.5",
                weight: Some(h("0")),
                evidence_required: true,
                evidence_present: false,
            },
        ]);
        assert_eq!(result.score, h("55.5"));
        assert_eq!(result.missing_evidence, ["G.3", "G.4"]);
        assert!(!result.is_complete());
    }

    /// Worked out by hand:
    /// government aspect 55.50; innovations 80.00 + 45.25 + 60.00 = 185.25, three of them,
    /// divided by max(10, 3) = 10: 18.525, rounded half up 18.53;
    /// index = (25.2 * 55.50 + 74.8 * 18.53) / 100 = (1398.60 + 1386.044) / 100
    ///       = 27.84644, rounded 27.85: below 35, "Kurang Inovatif".
    #[test]
    fn a_region_with_three_innovations_is_divided_by_ten() {
        let figures = formula().region(
            Some(&assessed("55.5")),
            &[assessed("80"), assessed("45.25"), assessed("60")],
        );
        assert_eq!(
            figures,
            IndexFigures {
                government: Some(h("55.5")),
                innovation: h("18.53"),
                innovations: 3,
                index: h("27.85"),
                grade: Grade::Band("Kurang Inovatif".into()),
            }
        );
    }

    /// Twelve innovations of 70.00: 840.00 / max(10, 12) = 70.00;
    /// index = (25.2 * 55.50 + 74.8 * 70.00) / 100 = (1398.60 + 5236.00) / 100 = 66.346,
    /// rounded 66.35: above 60, "Sangat Inovatif".
    #[test]
    fn a_region_with_twelve_innovations_is_divided_by_twelve() {
        let innovations = vec![assessed("70"); 12];
        let figures = formula().region(Some(&assessed("55.5")), &innovations);
        assert_eq!(figures.innovation, h("70"));
        assert_eq!(figures.index, h("66.35"));
        assert_eq!(figures.grade, Grade::Band("Sangat Inovatif".into()));
    }

    #[test]
    fn the_bands_meet_where_the_catalogue_says() {
        let cases = [
            ("100", "Sangat Inovatif"),
            ("60.01", "Sangat Inovatif"),
            ("60", "Inovatif"),
            ("35", "Inovatif"),
            ("34.99", "Kurang Inovatif"),
            ("0", "Kurang Inovatif"),
        ];
        for (index, label) in cases {
            assert_eq!(
                formula().band(h(index)),
                Grade::Band(label.into()),
                "{index}"
            );
        }
    }

    #[test]
    fn missing_evidence_makes_the_region_not_assessable_but_still_computed() {
        let incomplete = AssessmentScore {
            score: h("40"),
            missing_evidence: vec!["G.1".into()],
        };
        let figures = formula().region(Some(&incomplete), &[assessed("90")]);
        assert_eq!(figures.grade, Grade::NotAssessable);
        // 25.2 * 40 + 74.8 * 9 = 1008 + 673.2 = 1681.2 / 100 = 16.812 -> 16.81
        assert_eq!(figures.index, h("16.81"));

        let without_government = formula().region(None, &[assessed("90")]);
        assert_eq!(without_government.grade, Grade::NotAssessable);
        assert_eq!(without_government.government, None);

        let no_complete_innovation = formula().region(
            Some(&assessed("40")),
            &[AssessmentScore {
                score: h("10"),
                missing_evidence: vec!["I.2".into()],
            }],
        );
        assert_eq!(no_complete_innovation.grade, Grade::NotAssessable);
        assert_eq!(
            formula().region(Some(&assessed("40")), &[]).grade,
            Grade::NotAssessable
        );
    }

    /// An agency with two innovations of 90 and 70: 160 / max(10, 2) = 16.00,
    /// "Kurang Inovatif"; one with eleven of 50: 550 / 11 = 50.00, "Inovatif".
    #[test]
    fn an_agency_is_graded_on_its_innovations_by_the_same_divisor() {
        let small = formula().agency(&[assessed("90"), assessed("70")]);
        assert_eq!(
            (small.index, small.grade),
            (h("16"), Grade::Band("Kurang Inovatif".into()))
        );
        let large = formula().agency(&vec![assessed("50"); 11]);
        assert_eq!(
            (large.index, large.grade),
            (h("50"), Grade::Band("Inovatif".into()))
        );
        assert_eq!(formula().agency(&[]).grade, Grade::NotAssessable);
    }

    #[test]
    fn halves_round_up_once_per_figure() {
        // 0.05 + 0.00 over 10 = 0.005 -> 0.01
        let figures = formula().agency(&[assessed("0.05")]);
        assert_eq!(figures.index, h("0.01"));
    }
}
