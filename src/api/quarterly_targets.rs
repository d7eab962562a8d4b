//! A commitment's quarterly targets in bodies: the method and four targets (triwulan I-IV),
//! read and written whole. The rules they keep are the domain's
//! ([`crate::domain::monitoring::QuarterlyTargets::issues`]).

use super::prelude::*;

use crate::domain::agreement::Hundredths;
use crate::domain::monitoring::{CalculationMethod, PerQuarter, QuarterlyTargets};

/// One quarter's target: a decimal with at most two fractional digits, as a string.
pub struct QuarterTarget;

impl utoipa::PartialSchema for QuarterTarget {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        super::government_affair::short_text(20, Some(r"^-?[0-9]{1,13}(\.[0-9]{1,2})?$"), "250")
    }
}

impl ToSchema for QuarterTarget {}

/// A commitment's targets for quarters I to IV and how they make its year. Only with a
/// value target (`target_value` and `unit`); part of what is signed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"method": "cumulative", "targets": ["250", "250", "250", "250"]}))]
pub struct QuarterlyTargetsBody {
    /// `cumulative`: the quarters add up to the yearly target; `latest`: the last quarter's
    /// value is the year's; `increasing` (higher is better) and `decreasing` (lower is
    /// better, e.g. waiting times): each quarter against its own target, the last
    /// quarter's target being the year's.
    #[schema(value_type = CalculationMethod)]
    pub method: String,
    /// Quarters I, II, III and IV, in that order: a decimal string, or null where a
    /// quarter has no target.
    #[schema(value_type = Vec<Option<QuarterTarget>>, min_items = 4, max_items = 4)]
    pub targets: Vec<Option<String>>,
}

impl QuarterlyTargetsBody {
    pub fn from_domain(quarterly: &QuarterlyTargets) -> Self {
        Self {
            method: quarterly.method.as_str().to_owned(),
            targets: quarterly
                .targets
                .iter()
                .map(|t| t.map(|t| t.to_string()))
                .collect(),
        }
    }

    /// The targets, or every field error at `prefix.…` (the method, the count, each
    /// value). The method's rules against the yearly target come after, in the domain.
    pub fn to_domain(&self, prefix: &str) -> Result<QuarterlyTargets, Vec<FieldError>> {
        let mut errors = Vec::new();
        let method = CalculationMethod::parse(&self.method);
        if method.is_none() {
            errors.push(FieldError::with_params(
                format!("{prefix}.method"),
                "invalid_choice",
                &[("allowed", CalculationMethod::allowed())],
            ));
        }
        let mut targets: PerQuarter = [None; 4];
        if self.targets.len() == 4 {
            for (i, text) in self.targets.iter().enumerate() {
                let Some(text) = text else { continue };
                match Hundredths::parse(text).filter(|_| text.len() <= 20) {
                    Some(value) => targets[i] = Some(value),
                    None => errors.push(FieldError::new(
                        format!("{prefix}.targets.{i}"),
                        "decimal_invalid",
                    )),
                }
            }
        } else {
            errors.push(FieldError::new(
                format!("{prefix}.targets"),
                "quarters_count",
            ));
        }
        match method {
            Some(method) if errors.is_empty() => Ok(QuarterlyTargets { method, targets }),
            _ => Err(errors),
        }
    }
}
