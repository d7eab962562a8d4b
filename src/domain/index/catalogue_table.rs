//! A catalogue's indicators as a spreadsheet: one row per option, the variable and the
//! indicator repeated on each of their rows (as the ministry's tables and the regional
//! apps' indicator masters are kept), read back into variables in the order they first
//! appear. Problems are reported per row and column, all at once.

use std::collections::HashMap;

use super::Aspect;
use super::catalogue::{Indicator, IndicatorOption, Variable};
use crate::domain::agreement::Hundredths;
use crate::domain::evidence::DocumentKind;
use crate::domain::spreadsheet;

/// The columns, in the order an export writes them.
pub const COLUMNS: &[&str] = &[
    "variable_code",
    "variable_name",
    "aspect",
    "indicator_code",
    "indicator_text",
    "evidence_required",
    "evidence_kinds",
    "option_label",
    "option_weight",
];

/// What is wrong with a cell: its row (the header is row 1), column and code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellProblem {
    pub row: usize,
    pub column: &'static str,
    pub code: &'static str,
}

/// The variables a table of option rows describes (`rows`: each row's number and its cells
/// by column), or every problem found.
pub fn variables(
    rows: &[(usize, HashMap<&str, String>)],
) -> Result<Vec<Variable>, Vec<CellProblem>> {
    let mut problems = Vec::new();
    let mut variables: Vec<Variable> = Vec::new();
    for (row, cells) in rows {
        let row = *row;
        let mut problem = |column, code| problems.push(CellProblem { row, column, code });
        let cell = |column: &str| cells.get(column).map(|v| v.trim()).unwrap_or("");
        let mut required = |column: &'static str| {
            let value = cell(column);
            if value.is_empty() {
                problem(column, "required");
            }
            value.to_owned()
        };
        let (variable_code, variable_name) = (required("variable_code"), required("variable_name"));
        let (indicator_code, indicator_text) =
            (required("indicator_code"), required("indicator_text"));
        let option_label = required("option_label");
        let aspect = Aspect::parse(cell("aspect"));
        if aspect.is_none() {
            problem("aspect", "invalid_choice");
        }
        let evidence_required = match cell("evidence_required") {
            "" => Some(false),
            value => spreadsheet::boolean(value),
        };
        if evidence_required.is_none() {
            problem("evidence_required", "invalid_boolean");
        }
        let kinds: Option<Vec<DocumentKind>> = cell("evidence_kinds")
            .split('|')
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .map(DocumentKind::parse)
            .collect();
        if kinds.is_none() {
            problem("evidence_kinds", "invalid_choice");
        }
        let weight =
            Hundredths::parse(cell("option_weight")).filter(|w| (0..=999_999).contains(&w.0));
        if weight.is_none() {
            problem("option_weight", "weight_invalid");
        }
        let (Some(aspect), Some(evidence_required), Some(kinds), Some(weight)) =
            (aspect, evidence_required, kinds, weight)
        else {
            continue;
        };
        if [
            &variable_code,
            &variable_name,
            &indicator_code,
            &indicator_text,
            &option_label,
        ]
        .iter()
        .any(|v| v.is_empty())
        {
            continue;
        }
        let option = IndicatorOption {
            label: option_label,
            weight,
        };
        let variable = match variables.iter_mut().position(|v| v.code == variable_code) {
            Some(at) => {
                let variable = &mut variables[at];
                if variable.name != variable_name || variable.aspect != aspect {
                    problem("variable_name", "inconsistent");
                    continue;
                }
                variable
            }
            None => {
                variables.push(Variable {
                    code: variable_code,
                    name: variable_name,
                    aspect,
                    indicators: Vec::new(),
                });
                variables.last_mut().expect("just pushed")
            }
        };
        match variable
            .indicators
            .iter_mut()
            .find(|i| i.code == indicator_code)
        {
            Some(indicator) => {
                if indicator.text != indicator_text
                    || indicator.evidence_required != evidence_required
                    || indicator.evidence_kinds != kinds
                {
                    problem("indicator_text", "inconsistent");
                    continue;
                }
                indicator.options.push(option);
            }
            None => variable.indicators.push(Indicator {
                code: indicator_code,
                text: indicator_text,
                evidence_required,
                evidence_kinds: kinds,
                options: vec![option],
            }),
        }
    }
    if problems.is_empty() {
        Ok(variables)
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(lines: &[[&str; 9]]) -> Vec<(usize, HashMap<&'static str, String>)> {
        lines
            .iter()
            .enumerate()
            .map(|(i, cells)| {
                let cells = COLUMNS
                    .iter()
                    .zip(cells.iter())
                    .map(|(column, value)| (*column, (*value).to_owned()))
                    .collect();
                (i + 2, cells)
            })
            .collect()
    }

    #[test]
    fn option_rows_group_into_indicators_and_variables_in_order() {
        let table = rows(&[
            [
                "K",
                "Kematangan",
                "innovation",
                "K.1",
                "Dasar hukum",
                "true",
                "decree",
                "Belum ada",
                "0",
            ],
            [
                "K",
                "Kematangan",
                "innovation",
                "K.1",
                "Dasar hukum",
                "true",
                "decree",
                "SK Bupati",
                "25",
            ],
            [
                "P",
                "Pemda",
                "government",
                "P.1",
                "Regulasi",
                "",
                "",
                "Ada",
                "40.5",
            ],
            [
                "K",
                "Kematangan",
                "innovation",
                "K.2",
                "Replikasi",
                "false",
                "photo|report",
                "Belum",
                "0",
            ],
        ]);
        let variables = variables(&table).unwrap();
        assert_eq!(
            variables
                .iter()
                .map(|v| v.code.as_str())
                .collect::<Vec<_>>(),
            ["K", "P"]
        );
        let k = &variables[0];
        assert_eq!(k.indicators.len(), 2);
        assert_eq!(k.indicators[0].options.len(), 2);
        assert_eq!(k.indicators[0].options[1].weight, Hundredths(2500));
        assert_eq!(
            k.indicators[1].evidence_kinds,
            [DocumentKind::Photo, DocumentKind::Report]
        );
        assert!(!variables[1].indicators[0].evidence_required);
    }

    #[test]
    fn every_bad_cell_is_named_by_row_and_column() {
        let table = rows(&[
            [
                "K",
                "Kematangan",
                "innovation",
                "K.1",
                "Dasar hukum",
                "true",
                "decree",
                "Belum",
                "0",
            ],
            ["K", "Lain", "innovation", "K.2", "Teks", "1", "", "A", "1"],
            [
                "", "X", "aspek", "K.3", "Teks", "mungkin", "foto", "B", "-1",
            ],
            [
                "K",
                "Kematangan",
                "innovation",
                "K.1",
                "Teks lain",
                "true",
                "decree",
                "C",
                "2",
            ],
        ]);
        let problems = variables(&table).unwrap_err();
        let named: Vec<(usize, &str, &str)> =
            problems.iter().map(|p| (p.row, p.column, p.code)).collect();
        assert_eq!(
            named,
            [
                (3, "variable_name", "inconsistent"),
                (4, "variable_code", "required"),
                (4, "aspect", "invalid_choice"),
                (4, "evidence_required", "invalid_boolean"),
                (4, "evidence_kinds", "invalid_choice"),
                (4, "option_weight", "weight_invalid"),
                (5, "indicator_text", "inconsistent"),
            ]
        );
    }
}
