//! A signed commitment's quarters (the monitoring, "monev"): a realization per quarter with
//! the evidence documents it cites, the yearly realization they make kept on the commitment
//! (so the fulfilment figures read it as before), and the lab's closing of a quarter.
//! Realizations are not signed content: the hash never covers them.

use chrono::NaiveDate;
use diesel::prelude::*;
use serde_json::json;

use crate::db::schema::{
    commitments, monitoring_quarters, quarterly_realization_documents as cited,
    quarterly_realizations as realizations,
};
use crate::db::{DbConnection, WriteContext};
use crate::domain::agreement::{AgreementAction, Hundredths};
use crate::domain::evidence::citation_issues;
use crate::domain::field_issue::FieldIssue;
use crate::domain::monitoring::{Monitored, PerQuarter, Quarter};
use crate::domain::version::ExpectedVersion;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::store::check_version;

use super::*;

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = realizations, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct QuarterRealizationRow {
    pub id: i64,
    pub commitment_id: i64,
    pub quarter: i16,
    pub value_hundredths: i64,
    pub note: Option<String>,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

/// A quarter's realization with the ids of the documents it cites.
#[derive(Debug, Clone, serde::Serialize)]
pub struct StoredRealization {
    #[serde(flatten)]
    pub row: QuarterRealizationRow,
    pub document_ids: Vec<i64>,
}

/// A commitment with its quarters: what monitoring shows.
#[derive(Debug, Clone)]
pub struct CommitmentQuarters {
    pub commitment: CommitmentRow,
    pub year: i64,
    pub realizations: [Option<StoredRealization>; 4],
    /// Which quarters of the agreement's year the lab has closed.
    pub closed: [bool; 4],
}

impl CommitmentQuarters {
    /// The commitment as the domain's achievement rules see it (`None` without quarterly
    /// targets or a yearly target).
    pub fn monitored(&self) -> Option<Monitored> {
        Some(Monitored {
            yearly_target: Hundredths(self.commitment.target_hundredths?),
            quarterly: self.commitment.quarterly()?,
            realizations: values(&self.realizations),
        })
    }
}

fn values(realizations: &[Option<StoredRealization>; 4]) -> PerQuarter {
    realizations
        .each_ref()
        .map(|r| r.as_ref().map(|r| Hundredths(r.row.value_hundredths)))
}

/// A quarter's realization as its writer gives it.
#[derive(Debug, Clone)]
pub struct QuarterRealization {
    pub quarter: Quarter,
    pub value: Hundredths,
    pub note: Option<String>,
    pub document_ids: Vec<i64>,
    /// Today in the region: a quarter not yet begun takes no realization.
    pub today: NaiveDate,
}

fn quarter_number(quarter: Quarter) -> i16 {
    i16::from(quarter.number())
}

/// The quarters of `year` the lab has closed.
pub fn closed_quarters(conn: &mut DbConnection, year: i64) -> ApiResult<[bool; 4]> {
    let rows: Vec<i16> = monitoring_quarters::table
        .filter(monitoring_quarters::year.eq(year))
        .filter(monitoring_quarters::closed.eq(true))
        .select(monitoring_quarters::quarter)
        .load(conn)?;
    Ok(Quarter::ALL.map(|q| rows.contains(&quarter_number(q))))
}

/// Commitment `id` of agreement `agreement_id` with its quarters.
pub fn quarters_of(
    conn: &mut DbConnection,
    agreement: &AgreementRow,
    id: i64,
) -> ApiResult<CommitmentQuarters> {
    let commitment = find_commitment(conn, agreement.id, id)?;
    let rows: Vec<QuarterRealizationRow> = realizations::table
        .filter(realizations::commitment_id.eq(id))
        .select(QuarterRealizationRow::as_select())
        .load(conn)?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let citations: Vec<(i64, i64)> = cited::table
        .filter(cited::realization_id.eq_any(&ids))
        .order((cited::realization_id, cited::document_id))
        .select((cited::realization_id, cited::document_id))
        .load(conn)?;
    let mut stored: [Option<StoredRealization>; 4] = Default::default();
    for row in rows {
        let Some(quarter) = Quarter::new(i64::from(row.quarter)) else {
            continue;
        };
        let document_ids = citations
            .iter()
            .filter(|(realization, _)| *realization == row.id)
            .map(|(_, document)| *document)
            .collect();
        stored[quarter.index()] = Some(StoredRealization { row, document_ids });
    }
    Ok(CommitmentQuarters {
        commitment,
        year: agreement.year,
        realizations: stored,
        closed: closed_quarters(conn, agreement.year)?,
    })
}

/// 409 for the quarters of a commitment that has no quarterly targets.
pub fn no_quarterly_targets() -> ApiError {
    ApiError::Conflict {
        slug: "no-quarterly-targets",
        detail: "this commitment has no quarterly targets: record its yearly realization \
                 with PUT .../realization"
            .into(),
        errors: Vec::new(),
    }
}

/// Records `realization` for its quarter of signed commitment `id` (If-Match: the
/// commitment's version): the agreement in force (409), quarterly targets (409), a quarter
/// already begun (422), evidence of the commitment's innovation (422 per
/// document); a closed quarter only if `may_change_closed` allows. Keeps the commitment's
/// yearly realization by its method and bumps its version; audited.
pub fn record_quarter(
    conn: &mut DbConnection,
    context: &WriteContext,
    agreement_id: i64,
    id: i64,
    expected: &ExpectedVersion,
    realization: &QuarterRealization,
    may_change_closed: impl FnOnce() -> ApiResult<()>,
) -> ApiResult<CommitmentQuarters> {
    let agreement = lock(conn, agreement_id)?;
    check(&agreement, AgreementAction::RecordRealization)?;
    let before = quarters_of(conn, &agreement, id)?;
    check_version(expected, before.commitment.version)?;
    if before.commitment.quarterly().is_none() {
        return Err(no_quarterly_targets());
    }
    let quarter = realization.quarter;
    let year = i32::try_from(agreement.year).unwrap_or(i32::MAX);
    let mut issues: Vec<FieldIssue> = Vec::new();
    if !quarter.has_started(year, realization.today) {
        issues.push(
            FieldIssue::new("quarter", "quarter_not_started").with(
                "starts_on",
                quarter
                    .starts_on(year)
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
            ),
        );
    }
    let documents = crate::store::documents::cited(conn, &realization.document_ids)?;
    issues.extend(citation_issues(
        &documents,
        Some(before.commitment.innovation_id),
        &[],
    ));
    if !issues.is_empty() {
        return Err(ApiError::Validation(
            issues.into_iter().map(FieldError::from).collect(),
        ));
    }
    if before.closed[quarter.index()] {
        may_change_closed()?;
    }
    let now = crate::store::now();
    let existing = before.realizations[quarter.index()]
        .as_ref()
        .map(|r| r.row.id);
    let realization_id = match existing {
        Some(existing) => {
            diesel::update(realizations::table.find(existing))
                .set((
                    realizations::value_hundredths.eq(realization.value.0),
                    realizations::note.eq(&realization.note),
                    realizations::updated_at.eq(now),
                ))
                .execute(conn)?;
            diesel::delete(cited::table.filter(cited::realization_id.eq(existing)))
                .execute(conn)?;
            existing
        }
        None => diesel::insert_into(realizations::table)
            .values((
                realizations::commitment_id.eq(id),
                realizations::quarter.eq(quarter_number(quarter)),
                realizations::value_hundredths.eq(realization.value.0),
                realizations::note.eq(&realization.note),
                realizations::created_at.eq(now),
                realizations::updated_at.eq(now),
            ))
            .returning(realizations::id)
            .get_result(conn)?,
    };
    let mut document_ids = realization.document_ids.clone();
    document_ids.sort_unstable();
    document_ids.dedup();
    for document_id in &document_ids {
        diesel::insert_into(cited::table)
            .values((
                cited::realization_id.eq(realization_id),
                cited::document_id.eq(document_id),
            ))
            .execute(conn)?;
    }
    let mut after = quarters_of(conn, &agreement, id)?;
    let yearly = after.monitored().and_then(|m| m.yearly_realization());
    after.commitment = diesel::update(commitments::table.find(id))
        .set((
            commitments::achieved_hundredths.eq(yearly.map(|v| v.0)),
            commitments::evaluated_at.eq(Some(now)),
            commitments::version.eq(before.commitment.version + 1),
            commitments::updated_at.eq(now),
        ))
        .get_result::<CommitmentRow>(conn)?;
    let snapshot = |q: &CommitmentQuarters| {
        json!({
            "quarter": quarter.number(),
            "realization": q.realizations[quarter.index()],
            "achieved_hundredths": q.commitment.achieved_hundredths,
            "version": q.commitment.version,
        })
    };
    crate::store::audit::record(
        conn,
        context,
        "commitment.quarter_realization",
        COMMITMENT,
        Some(id),
        Some(&snapshot(&before)),
        Some(&snapshot(&after)),
    )?;
    Ok(after)
}

/// 409 for the yearly realization of a commitment monitored by quarters.
pub fn yearly_realization_refused() -> ApiError {
    ApiError::Conflict {
        slug: "realization-from-quarters",
        detail: "this commitment has quarterly targets: its yearly realization is computed \
                 from the quarters; record them with PUT .../realizations/{quarter}"
            .into(),
        errors: Vec::new(),
    }
}

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = monitoring_quarters, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct MonitoringQuarterRow {
    pub id: i64,
    pub year: i64,
    pub quarter: i16,
    pub closed: bool,
    pub version: i64,
    pub updated_at: chrono::NaiveDateTime,
}

/// Closes (or reopens) `quarter` of `year` for the region; the same state again changes
/// nothing. Audited as `monitoring_quarter.close` / `.reopen`.
pub fn set_quarter_closed(
    conn: &mut DbConnection,
    context: &WriteContext,
    year: i64,
    quarter: Quarter,
    closed: bool,
) -> ApiResult<MonitoringQuarterRow> {
    let find = |conn: &mut DbConnection| -> ApiResult<Option<MonitoringQuarterRow>> {
        Ok(monitoring_quarters::table
            .filter(monitoring_quarters::year.eq(year))
            .filter(monitoring_quarters::quarter.eq(quarter_number(quarter)))
            .select(MonitoringQuarterRow::as_select())
            .first(conn)
            .optional()?)
    };
    let now = crate::store::now();
    let current = find(conn)?;
    let row = match &current {
        Some(row) if row.closed == closed => return Ok(row.clone()),
        Some(row) => diesel::update(monitoring_quarters::table.find(row.id))
            .set((
                monitoring_quarters::closed.eq(closed),
                monitoring_quarters::version.eq(row.version + 1),
                monitoring_quarters::updated_at.eq(now),
            ))
            .get_result::<MonitoringQuarterRow>(conn)?,
        None => diesel::insert_into(monitoring_quarters::table)
            .values((
                monitoring_quarters::year.eq(year),
                monitoring_quarters::quarter.eq(quarter_number(quarter)),
                monitoring_quarters::closed.eq(closed),
                monitoring_quarters::version.eq(1),
                monitoring_quarters::updated_at.eq(now),
            ))
            .get_result::<MonitoringQuarterRow>(conn)?,
    };
    crate::store::audit::record(
        conn,
        context,
        if closed {
            "monitoring_quarter.close"
        } else {
            "monitoring_quarter.reopen"
        },
        "monitoring_quarter",
        Some(row.id),
        current.as_ref(),
        Some(&row),
    )?;
    Ok(row)
}
