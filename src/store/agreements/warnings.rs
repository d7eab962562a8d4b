//! The year's monitored commitments, read whole for early warnings: every commitment with
//! quarterly targets of an agreement in force, with its agency, its innovation's name as
//! signed and its realizations per quarter. The domain decides which warn.

use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::{
    agencies, commitments, innovations, performance_agreements as agreements,
    quarterly_realizations as realizations,
};
use crate::domain::agreement::{AgreementStatus, Hundredths};
use crate::domain::monitoring::{Monitored, PerQuarter, Quarter};
use crate::error::ApiResult;

use super::CommitmentRow;

/// One commitment under monitoring, with what a dashboard shows of it.
#[derive(Debug, Clone)]
pub struct MonitoredCommitment {
    pub agency_id: i64,
    pub agency_name: String,
    pub agreement_id: i64,
    pub agreement_number: String,
    pub innovation_name: String,
    pub commitment: CommitmentRow,
    pub monitored: Monitored,
}

/// Every commitment with quarterly targets of `year`'s agreements in force, by agency name
/// and commitment id.
pub fn monitored_in_year(
    conn: &mut DbConnection,
    year: i64,
) -> ApiResult<Vec<MonitoredCommitment>> {
    let rows: Vec<(CommitmentRow, String, i64, String, Option<String>, String)> =
        commitments::table
            .inner_join(agreements::table.inner_join(agencies::table))
            .inner_join(innovations::table)
            .filter(agreements::year.eq(year))
            .filter(agreements::status.eq(AgreementStatus::Signed.as_str()))
            .filter(commitments::quarterly_method.is_not_null())
            .select((
                CommitmentRow::as_select(),
                innovations::name,
                agreements::agency_id,
                agreements::number,
                agreements::signed_agency_name,
                agencies::name,
            ))
            .load(conn)?;
    let ids: Vec<i64> = rows.iter().map(|row| row.0.id).collect();
    let values: Vec<(i64, i16, i64)> = realizations::table
        .filter(realizations::commitment_id.eq_any(&ids))
        .select((
            realizations::commitment_id,
            realizations::quarter,
            realizations::value_hundredths,
        ))
        .load(conn)?;
    let mut monitored: Vec<MonitoredCommitment> = rows
        .into_iter()
        .filter_map(
            |(commitment, innovation, agency_id, number, signed_agency, agency)| {
                let mut realized: PerQuarter = [None; 4];
                for (_, quarter, value) in values.iter().filter(|v| v.0 == commitment.id) {
                    if let Some(quarter) = Quarter::new(i64::from(*quarter)) {
                        realized[quarter.index()] = Some(Hundredths(*value));
                    }
                }
                let monitored = Monitored {
                    yearly_target: Hundredths(commitment.target_hundredths?),
                    quarterly: commitment.quarterly()?,
                    realizations: realized,
                };
                Some(MonitoredCommitment {
                    agency_id,
                    agency_name: signed_agency.unwrap_or(agency),
                    agreement_id: commitment.agreement_id,
                    agreement_number: number,
                    innovation_name: commitment
                        .signed_innovation_name
                        .clone()
                        .unwrap_or(innovation),
                    commitment,
                    monitored,
                })
            },
        )
        .collect();
    monitored.sort_by(|a, b| {
        a.agency_name
            .cmp(&b.agency_name)
            .then(a.commitment.id.cmp(&b.commitment.id))
    });
    Ok(monitored)
}
