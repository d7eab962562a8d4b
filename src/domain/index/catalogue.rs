//! A year's catalogue of indicators: variables (groups) in the two aspects, indicators
//! with their evidence rule and options (levels, each with a weight), and the formula's
//! parameters. Administrators write a draft, then publish it; a published catalogue is
//! frozen (the next year's may be copied from it).

use std::collections::HashSet;

use super::Aspect;
use super::formula::{Formula, GradeBand};
use crate::domain::agreement::Hundredths;
use crate::domain::evidence::DocumentKind;
use crate::domain::field_issue::FieldIssue;

text_enum! {
    /// A catalogue is written as a draft and frozen once published.
    pub enum CatalogueStatus {
        Draft => "draft",
        Published => "published",
    }
}

/// One level of an indicator, with the score it earns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndicatorOption {
    pub label: String,
    pub weight: Hundredths,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Indicator {
    pub code: String,
    pub text: String,
    /// Whether an answer needs evidence to score.
    pub evidence_required: bool,
    /// Which document kinds count as its evidence; empty: any kind.
    pub evidence_kinds: Vec<DocumentKind>,
    pub options: Vec<IndicatorOption>,
}

impl Indicator {
    /// Whether a document of `kind` counts as this indicator's evidence.
    pub fn accepts(&self, kind: DocumentKind) -> bool {
        self.evidence_kinds.is_empty() || self.evidence_kinds.contains(&kind)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variable {
    pub code: String,
    pub name: String,
    pub aspect: Aspect,
    pub indicators: Vec<Indicator>,
}

/// A catalogue's whole content, as an administrator writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogueContent {
    pub title: String,
    /// An example, not the ministry's catalogue (the demo's is).
    pub illustrative: bool,
    pub formula: Formula,
    /// What the grade is called when the evidence is missing ("Tidak Dapat Dinilai").
    pub not_assessable_label: String,
    pub variables: Vec<Variable>,
}

impl CatalogueContent {
    /// The rules every draft keeps: weights adding up to 100, codes unique in the
    /// catalogue, option labels unique in their indicator, grade bands distinct.
    pub fn check(&self) -> Vec<FieldIssue> {
        let mut issues = Vec::new();
        let formula = &self.formula;
        let total = formula.government_weight.0 + formula.innovation_weight.0;
        if total != 10_000 {
            issues.push(
                FieldIssue::new("innovation_weight", "weights_not_100")
                    .with("total", Hundredths(total)),
            );
        }
        let mut labels = HashSet::new();
        let mut bounds = HashSet::new();
        for (i, band) in formula.grades.iter().enumerate() {
            if !labels.insert(band.label.as_str()) {
                issues.push(FieldIssue::new(format!("grades.{i}.label"), "duplicate"));
            }
            if !bounds.insert((band.from, band.from_included)) {
                issues.push(FieldIssue::new(format!("grades.{i}.from"), "duplicate"));
            }
        }
        let mut codes = HashSet::new();
        for (v, variable) in self.variables.iter().enumerate() {
            if !codes.insert(variable.code.as_str()) {
                issues.push(FieldIssue::new(
                    format!("variables.{v}.code"),
                    "duplicate_code",
                ));
            }
            for (i, indicator) in variable.indicators.iter().enumerate() {
                let at = format!("variables.{v}.indicators.{i}");
                if !codes.insert(indicator.code.as_str()) {
                    issues.push(FieldIssue::new(format!("{at}.code"), "duplicate_code"));
                }
                let mut option_labels = HashSet::new();
                for (o, option) in indicator.options.iter().enumerate() {
                    if !option_labels.insert(option.label.as_str()) {
                        issues.push(FieldIssue::new(
                            format!("{at}.options.{o}.label"),
                            "duplicate",
                        ));
                    }
                }
            }
        }
        issues
    }

    /// The rules a catalogue must also keep to be published: both aspects have
    /// indicators, every variable has some, every indicator at least two options, and the
    /// grade bands give every index from 0 up a grade.
    pub fn check_publishable(&self) -> Vec<FieldIssue> {
        let mut issues = self.check();
        for aspect in Aspect::ALL {
            let has_indicators = self
                .variables
                .iter()
                .any(|v| v.aspect == *aspect && !v.indicators.is_empty());
            if !has_indicators {
                issues.push(
                    FieldIssue::new("variables", "aspect_without_indicators")
                        .with("aspect", aspect),
                );
            }
        }
        for (v, variable) in self.variables.iter().enumerate() {
            if variable.indicators.is_empty() {
                issues.push(FieldIssue::new(
                    format!("variables.{v}.indicators"),
                    "variable_without_indicators",
                ));
            }
            for (i, indicator) in variable.indicators.iter().enumerate() {
                if indicator.options.len() < 2 {
                    issues.push(FieldIssue::new(
                        format!("variables.{v}.indicators.{i}.options"),
                        "too_few_options",
                    ));
                }
            }
        }
        let zero = Hundredths(0);
        let covers_zero = self
            .formula
            .grades
            .iter()
            .any(|band| band.from < zero || (band.from == zero && band.from_included));
        if !covers_zero {
            issues.push(FieldIssue::new("grades", "grades_do_not_cover_zero"));
        }
        issues
    }

    /// The indicators of `aspect`, in catalogue order.
    pub fn indicators(&self, aspect: Aspect) -> impl Iterator<Item = &Indicator> {
        self.variables
            .iter()
            .filter(move |v| v.aspect == aspect)
            .flat_map(|v| &v.indicators)
    }
}

/// The grade bands of the 2023 method as the ministry's public material presents them.
pub fn bands_2023() -> Vec<GradeBand> {
    let band = |label: &str, from: i64, from_included| GradeBand {
        label: label.to_owned(),
        from: Hundredths(from * 100),
        from_included,
    };
    vec![
        band("Sangat Inovatif", 60, false),
        band("Inovatif", 35, true),
        band("Kurang Inovatif", 0, true),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn option(label: &str, weight: i64) -> IndicatorOption {
        IndicatorOption {
            label: label.into(),
            weight: Hundredths(weight * 100),
        }
    }

    fn indicator(code: &str) -> Indicator {
        Indicator {
            code: code.into(),
            text: format!("Indikator {code}"),
            evidence_required: true,
            evidence_kinds: vec![DocumentKind::Decree],
            options: vec![option("Tidak ada", 0), option("Ada", 10)],
        }
    }

    fn catalogue() -> CatalogueContent {
        CatalogueContent {
            title: "Contoh".into(),
            illustrative: true,
            formula: Formula {
                government_weight: Hundredths(2520),
                innovation_weight: Hundredths(7480),
                minimum_innovations: 10,
                grades: bands_2023(),
            },
            not_assessable_label: "Tidak Dapat Dinilai".into(),
            variables: vec![
                Variable {
                    code: "G".into(),
                    name: "Pemerintah daerah".into(),
                    aspect: Aspect::Government,
                    indicators: vec![indicator("G.1")],
                },
                Variable {
                    code: "I".into(),
                    name: "Inovasi".into(),
                    aspect: Aspect::Innovation,
                    indicators: vec![indicator("I.1"), indicator("I.2")],
                },
            ],
        }
    }

    fn codes(issues: &[FieldIssue]) -> Vec<(String, &'static str)> {
        issues.iter().map(|i| (i.path.clone(), i.code)).collect()
    }

    #[test]
    fn a_complete_catalogue_has_no_issues() {
        assert_eq!(catalogue().check_publishable(), vec![]);
    }

    #[test]
    fn a_draft_keeps_weights_codes_and_labels_apart() {
        let mut draft = catalogue();
        draft.formula.innovation_weight = Hundredths(7000);
        draft.variables[1].indicators[1].code = "G.1".into();
        draft.variables[1].indicators[0].options[1].label = "Tidak ada".into();
        draft.formula.grades[1].label = "Sangat Inovatif".into();
        let issues = draft.check();
        assert_eq!(
            codes(&issues),
            [
                ("innovation_weight".to_owned(), "weights_not_100"),
                ("grades.1.label".to_owned(), "duplicate"),
                (
                    "variables.1.indicators.0.options.1.label".to_owned(),
                    "duplicate"
                ),
                ("variables.1.indicators.1.code".to_owned(), "duplicate_code"),
            ]
        );
        assert_eq!(issues[0].params, [("total", "95.20".to_owned())]);
    }

    #[test]
    fn publishing_needs_both_aspects_options_and_a_grade_for_zero() {
        let mut draft = catalogue();
        draft.variables.remove(0);
        draft.variables[0].indicators[0].options.truncate(1);
        draft.variables.push(Variable {
            code: "I2".into(),
            name: "Kosong".into(),
            aspect: Aspect::Innovation,
            indicators: vec![],
        });
        draft
            .formula
            .grades
            .retain(|b| b.label != "Kurang Inovatif");
        assert_eq!(draft.check(), vec![], "a draft may be incomplete");
        assert_eq!(
            codes(&draft.check_publishable()),
            [
                ("variables".to_owned(), "aspect_without_indicators"),
                (
                    "variables.0.indicators.0.options".to_owned(),
                    "too_few_options"
                ),
                (
                    "variables.1.indicators".to_owned(),
                    "variable_without_indicators"
                ),
                ("grades".to_owned(), "grades_do_not_cover_zero"),
            ]
        );
    }

    #[test]
    fn an_indicator_without_kinds_takes_any_evidence() {
        let mut any = indicator("X");
        assert!(any.accepts(DocumentKind::Decree));
        assert!(!any.accepts(DocumentKind::Photo));
        any.evidence_kinds.clear();
        assert!(any.accepts(DocumentKind::Photo));
    }
}
