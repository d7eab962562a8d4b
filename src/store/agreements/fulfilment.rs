//! Per agency and year: agreements in force, commitments, evaluated and achieved.

use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::{agencies, performance_agreements as agreements};
use crate::domain::agreement::AgreementStatus;
use crate::error::ApiResult;

use super::*;

/// Per agency, for one year: agreements in force, their commitments, how many were
/// evaluated, and how many were achieved.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fulfilment {
    pub agency_id: i64,
    pub agency_code: String,
    pub agency_name: String,
    pub agreements_in_force: i64,
    pub commitments: i64,
    pub evaluated: i64,
    pub achieved: i64,
}

/// A commitment is achieved when its achieved value reaches the target, or when its
/// innovation reached the target stage by the due date (by its recorded moves).
pub fn fulfilment(conn: &mut DbConnection, year: i64) -> ApiResult<Vec<Fulfilment>> {
    use crate::db::schema::stage_transitions;
    use crate::domain::lab_stage::LabStage;
    let signed: Vec<(AgreementRow, String, String)> = agreements::table
        .inner_join(agencies::table)
        .filter(agreements::year.eq(year))
        .filter(agreements::status.eq(AgreementStatus::Signed.as_str()))
        .order(agreements::id.asc())
        .select((AgreementRow::as_select(), agencies::code, agencies::name))
        .load(conn)?;
    let mut per_agency: Vec<Fulfilment> = Vec::new();
    for (agreement, code, name) in signed {
        let index = match per_agency
            .iter()
            .position(|f| f.agency_id == agreement.agency_id)
        {
            Some(index) => index,
            None => {
                per_agency.push(Fulfilment {
                    agency_id: agreement.agency_id,
                    agency_code: code,
                    agency_name: name,
                    ..Fulfilment::default()
                });
                per_agency.len() - 1
            }
        };
        per_agency[index].agreements_in_force += 1;
        for (commitment, _) in commitments_of(conn, agreement.id)? {
            let entry = &mut per_agency[index];
            entry.commitments += 1;
            if commitment.evaluated_at.is_some() {
                entry.evaluated += 1;
            }
            let by_value = matches!((commitment.achieved_hundredths, commitment.target_hundredths), (Some(a), Some(t)) if a >= t);
            let by_stage = match (
                commitment.target_stage.as_deref().and_then(LabStage::parse),
                commitment.due_on,
            ) {
                (Some(stage), Some(due_on)) => {
                    let reached: Vec<(String, chrono::NaiveDateTime)> = stage_transitions::table
                        .filter(stage_transitions::innovation_id.eq(commitment.innovation_id))
                        .select((stage_transitions::to_stage, stage_transitions::occurred_at))
                        .load(conn)?;
                    reached.iter().any(|(to, at)| {
                        LabStage::parse(to).is_some_and(|to| to.rank() >= stage.rank())
                            && at.date() <= due_on
                    })
                }
                _ => false,
            };
            if by_value || by_stage {
                per_agency[index].achieved += 1;
            }
        }
    }
    per_agency.sort_by(|a, b| a.agency_code.cmp(&b.agency_code));
    Ok(per_agency)
}
