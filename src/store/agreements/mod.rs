//! Performance agreements: their rows and drafts, and the writes of the agreement itself
//! (create, change and delete a draft, amend, cancel). Commitments, signing, lists and
//! fulfilment are in the modules below; everything is re-exported here.

mod commitment;
mod fulfilment;
mod lists;
mod quarters;
mod signing;
mod warnings;

pub use commitment::*;
pub use fulfilment::*;
pub use lists::*;
pub use quarters::*;
pub use signing::*;
pub use warnings::*;

use chrono::NaiveDate;
use diesel::prelude::*;

use super::{audited_update, check_version};
use crate::db::schema::{agencies, commitments, performance_agreements as agreements};
use crate::db::{DbConnection, WriteContext};
use crate::domain::agreement::ActingCapacity;
use crate::domain::agreement::{AgreementAction, AgreementStatus, Hundredths, LifecycleRefusal};
use crate::domain::lab_stage::LabStage;
use crate::domain::monitoring::{CalculationMethod, QuarterlyTargets};
use crate::domain::version::ExpectedVersion;
use crate::error::{ApiError, ApiResult, FieldError};

pub(super) const RESOURCE: &str = "performance_agreement";
record!(AgreementRow, RESOURCE);
pub(super) const COMMITMENT: &str = "commitment";
record!(CommitmentRow, COMMITMENT);

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = agreements, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct AgreementRow {
    pub id: i64,
    pub number: String,
    pub year: i64,
    pub agency_id: i64,
    pub statement: Option<String>,
    pub status: String,
    pub signed_on: Option<NaiveDate>,
    pub signed_place: Option<String>,
    pub first_party_name: Option<String>,
    pub first_party_nip: Option<String>,
    pub first_party_title: Option<String>,
    pub second_party_name: Option<String>,
    pub second_party_nip: Option<String>,
    pub second_party_title: Option<String>,
    pub signed_agency_code: Option<String>,
    pub signed_agency_name: Option<String>,
    pub supersedes_id: Option<i64>,
    pub amendment_reason: Option<String>,
    pub amendment_reason_text: Option<String>,
    pub cancellation_reason: Option<String>,
    pub content_hash: Option<String>,
    pub version: i64,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
    pub first_party_acting: Option<String>,
    pub second_party_acting: Option<String>,
    /// The canonical form its hash covers ([`crate::domain::agreement::CANONICAL_VERSION`]).
    pub canonical_version: i32,
}

impl AgreementRow {
    pub fn status(&self) -> AgreementStatus {
        AgreementStatus::parse(&self.status).unwrap_or(AgreementStatus::Draft)
    }

    /// Signed and superseded agreements are public records.
    pub fn is_public(&self) -> bool {
        self.status().is_public()
    }
}

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = commitments, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct CommitmentRow {
    pub id: i64,
    pub agreement_id: i64,
    pub innovation_id: i64,
    pub signed_innovation_name: Option<String>,
    pub indicator: String,
    pub target_hundredths: Option<i64>,
    pub unit: Option<String>,
    pub target_stage: Option<String>,
    pub due_on: Option<NaiveDate>,
    pub achieved_hundredths: Option<i64>,
    pub evidence_url: Option<String>,
    pub note: Option<String>,
    pub evaluated_at: Option<chrono::NaiveDateTime>,
    pub version: i64,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
    pub quarterly_method: Option<String>,
    pub q1_target_hundredths: Option<i64>,
    pub q2_target_hundredths: Option<i64>,
    pub q3_target_hundredths: Option<i64>,
    pub q4_target_hundredths: Option<i64>,
}

pub use crate::domain::agreement::{AgreementDraft, CommitmentDraft};

type AgreementValues = (
    diesel::dsl::Eq<agreements::number, String>,
    diesel::dsl::Eq<agreements::year, i64>,
    diesel::dsl::Eq<agreements::agency_id, i64>,
    diesel::dsl::Eq<agreements::statement, Option<String>>,
);

/// The columns a draft agreement writes.
fn agreement_values(draft: &AgreementDraft) -> AgreementValues {
    (
        agreements::number.eq(draft.number.clone()),
        agreements::year.eq(draft.year),
        agreements::agency_id.eq(draft.agency_id),
        agreements::statement.eq(draft.statement.clone()),
    )
}

type CommitmentValues = (
    diesel::dsl::Eq<commitments::innovation_id, i64>,
    diesel::dsl::Eq<commitments::indicator, String>,
    diesel::dsl::Eq<commitments::target_hundredths, Option<i64>>,
    diesel::dsl::Eq<commitments::unit, Option<String>>,
    diesel::dsl::Eq<commitments::target_stage, Option<&'static str>>,
    diesel::dsl::Eq<commitments::due_on, Option<NaiveDate>>,
    diesel::dsl::Eq<commitments::quarterly_method, Option<&'static str>>,
    diesel::dsl::Eq<commitments::q1_target_hundredths, Option<i64>>,
    diesel::dsl::Eq<commitments::q2_target_hundredths, Option<i64>>,
    diesel::dsl::Eq<commitments::q3_target_hundredths, Option<i64>>,
    diesel::dsl::Eq<commitments::q4_target_hundredths, Option<i64>>,
);

/// The columns a commitment's draft writes.
pub(super) fn commitment_values(draft: &CommitmentDraft) -> CommitmentValues {
    let quarter = |i: usize| {
        draft
            .quarterly
            .as_ref()
            .and_then(|q| q.targets[i])
            .map(|t| t.0)
    };
    (
        commitments::innovation_id.eq(draft.innovation_id),
        commitments::indicator.eq(draft.indicator.clone()),
        commitments::target_hundredths.eq(draft.target.map(|target| target.0)),
        commitments::unit.eq(draft.unit.clone()),
        commitments::target_stage.eq(draft.target_stage.map(LabStage::as_str)),
        commitments::due_on.eq(draft.due_on),
        commitments::quarterly_method.eq(draft.quarterly.as_ref().map(|q| q.method.as_str())),
        commitments::q1_target_hundredths.eq(quarter(0)),
        commitments::q2_target_hundredths.eq(quarter(1)),
        commitments::q3_target_hundredths.eq(quarter(2)),
        commitments::q4_target_hundredths.eq(quarter(3)),
    )
}

impl CommitmentRow {
    pub fn draft(&self) -> CommitmentDraft {
        CommitmentDraft {
            innovation_id: self.innovation_id,
            indicator: self.indicator.clone(),
            target: self.target_hundredths.map(Hundredths),
            unit: self.unit.clone(),
            target_stage: self.target_stage.as_deref().and_then(LabStage::parse),
            due_on: self.due_on,
            quarterly: self.quarterly(),
        }
    }

    /// Its quarterly targets, if it has them.
    pub fn quarterly(&self) -> Option<QuarterlyTargets> {
        let method = CalculationMethod::parse(self.quarterly_method.as_deref()?)?;
        Some(QuarterlyTargets {
            method,
            targets: [
                self.q1_target_hundredths,
                self.q2_target_hundredths,
                self.q3_target_hundredths,
                self.q4_target_hundredths,
            ]
            .map(|t| t.map(Hundredths)),
        })
    }
}

/// One party to an agreement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Party {
    pub name: String,
    pub nip: Option<String>,
    pub title: String,
    /// Signing as an acting official (Plt./Plh.).
    pub acting: Option<ActingCapacity>,
}

/// What signing records.
#[derive(Debug, Clone)]
pub struct Signing {
    pub signed_on: NaiveDate,
    pub signed_place: String,
    pub first_party: Party,
    /// `None`: the agency's head as stored now.
    pub second_party: Option<Party>,
}

/// The realization of a commitment.
#[derive(Debug, Clone)]
pub struct Realization {
    pub achieved_hundredths: Option<i64>,
    pub evidence_url: Option<String>,
    pub note: Option<String>,
}

/// 409 unless the lifecycle ([`AgreementStatus::allows`]) lets `action` happen to `row`.
pub fn check(row: &AgreementRow, action: AgreementAction) -> ApiResult<()> {
    let refusal = match row.status().allows(action) {
        Ok(()) => return Ok(()),
        Err(refusal) => refusal,
    };
    let (slug, detail) = match refusal {
        LifecycleRefusal::Frozen => {
            return Err(ApiError::AgreementFrozen {
                id: row.id,
                number: row.number.clone(),
                status: row.status.clone(),
            });
        }
        LifecycleRefusal::NotSigned if action == AgreementAction::RecordRealization => (
            "agreement-not-signed",
            format!(
                "agreement {} is {}: only a signed agreement's commitments are evaluated",
                row.number, row.status
            ),
        ),
        LifecycleRefusal::NotSigned => (
            "agreement-not-signed",
            format!(
                "agreement {} is {}: only the signed agreement in force is amended",
                row.number, row.status
            ),
        ),
        LifecycleRefusal::Closed => (
            "agreement-closed",
            format!("agreement {} is already {}", row.number, row.status),
        ),
    };
    Err(ApiError::Conflict {
        slug,
        detail,
        errors: Vec::new(),
    })
}

pub(super) fn duplicate_number(error: diesel::result::Error) -> ApiError {
    super::conflict_on_unique(
        error,
        "performance_agreements_number_key",
        "number",
        "another agreement has this number",
    )
}

pub fn find(conn: &mut DbConnection, id: i64) -> ApiResult<AgreementRow> {
    Ok(agreements::table
        .find(id)
        .select(AgreementRow::as_select())
        .first(conn)?)
}

/// Reads agreement `id` and locks it for the rest of the transaction. Signing and every
/// write of an agreement or of its commitments start here, so they take turns on the
/// agreement's row: a commitment written while the agreement is being signed waits for the
/// signature and then finds the agreement frozen, instead of landing after the hash was
/// taken. On SQLite a write transaction already holds the only write lock (`BEGIN
/// IMMEDIATE`), so a plain read is enough there.
pub(super) fn lock(conn: &mut DbConnection, id: i64) -> ApiResult<AgreementRow> {
    match conn {
        DbConnection::Postgres(pg) => Ok(agreements::table
            .find(id)
            .select(AgreementRow::as_select())
            .for_update()
            .first(pg)?),
        DbConnection::Sqlite(_) => find(conn, id),
    }
}

/// The agreement that supersedes `id`, if any (the chain seen from the older end).
pub fn superseded_by(conn: &mut DbConnection, id: i64) -> ApiResult<Option<i64>> {
    Ok(agreements::table
        .filter(agreements::supersedes_id.eq(id))
        .filter(agreements::status.ne(AgreementStatus::Cancelled.as_str()))
        .select(agreements::id)
        .first(conn)
        .optional()?)
}

/// 422s the agreement's agency can cause.
pub fn check_agency(
    conn: &mut DbConnection,
    agency_id: i64,
    changed: bool,
) -> ApiResult<Vec<FieldError>> {
    if !changed {
        return Ok(Vec::new());
    }
    Ok(
        match agencies::table
            .find(agency_id)
            .select(agencies::active)
            .first::<bool>(conn)
            .optional()?
        {
            None => vec![FieldError::new("agency_id", "agency_not_found")],
            Some(false) => vec![FieldError::new("agency_id", "agency_inactive")],
            Some(true) => Vec::new(),
        },
    )
}

pub fn insert(
    conn: &mut DbConnection,
    context: &WriteContext,
    draft: &AgreementDraft,
) -> ApiResult<AgreementRow> {
    let now = super::now();
    let row = diesel::insert_into(agreements::table)
        .values((
            agreement_values(draft),
            agreements::status.eq(AgreementStatus::Draft.as_str()),
            agreements::version.eq(1),
            agreements::created_at.eq(now),
            agreements::updated_at.eq(now),
        ))
        .get_result::<AgreementRow>(conn)
        .map_err(duplicate_number)?;
    super::audit::record(
        conn,
        context,
        "performance_agreement.create",
        RESOURCE,
        Some(row.id),
        None::<&()>,
        Some(&row),
    )?;
    Ok(row)
}

/// Changes a draft (409 once signed).
pub fn update(
    conn: &mut DbConnection,
    context: &WriteContext,
    id: i64,
    expected: &ExpectedVersion,
    mut revise: impl FnMut(&mut DbConnection, &AgreementRow) -> ApiResult<Option<AgreementDraft>>,
) -> ApiResult<AgreementRow> {
    audited_update(
        conn,
        context,
        expected,
        |conn| lock(conn, id),
        |conn, current| {
            check(current, AgreementAction::EditDraft)?;
            revise(conn, current)
        },
        |conn, current, draft| {
            diesel::update(
                agreements::table
                    .filter(agreements::id.eq(id))
                    .filter(agreements::version.eq(current.version)),
            )
            .set((
                agreement_values(&draft),
                agreements::version.eq(current.version + 1),
                agreements::updated_at.eq(super::now()),
            ))
            .get_result::<AgreementRow>(conn)
            .optional()
            .map_err(duplicate_number)
        },
        |_, _| "performance_agreement.update",
    )
}

/// Deletes a draft and its commitments (409 once signed: signed agreements are records).
pub fn delete(
    conn: &mut DbConnection,
    context: &WriteContext,
    id: i64,
    expected: &ExpectedVersion,
) -> ApiResult<()> {
    let current = lock(conn, id)?;
    check_version(expected, current.version)?;
    check(&current, AgreementAction::DeleteDraft)?;
    diesel::delete(commitments::table.filter(commitments::agreement_id.eq(id))).execute(conn)?;
    let deleted = diesel::delete(
        agreements::table
            .filter(agreements::id.eq(id))
            .filter(agreements::version.eq(current.version)),
    )
    .execute(conn)?;
    if deleted == 0 {
        return Err(ApiError::PreconditionFailed {
            current_version: find(conn, id)?.version,
        });
    }
    super::audit::record(
        conn,
        context,
        "performance_agreement.delete",
        RESOURCE,
        Some(id),
        Some(&current),
        None::<&()>,
    )?;
    Ok(())
}

// ---- amendments and cancellation ----

/// A new draft that copies signed agreement `id` and its commitments, to supersede it when
/// signed.
pub fn amend(
    conn: &mut DbConnection,
    context: &WriteContext,
    id: i64,
    number: &str,
    reason: &str,
    reason_text: &str,
) -> ApiResult<AgreementRow> {
    let source = lock(conn, id)?;
    check(&source, AgreementAction::Amend)?;
    let draft = AgreementDraft {
        number: number.to_owned(),
        year: source.year,
        agency_id: source.agency_id,
        statement: source.statement.clone(),
    };
    let now = super::now();
    let amendment = diesel::insert_into(agreements::table)
        .values((
            agreement_values(&draft),
            agreements::status.eq(AgreementStatus::Draft.as_str()),
            agreements::supersedes_id.eq(Some(source.id)),
            agreements::amendment_reason.eq(Some(reason)),
            agreements::amendment_reason_text.eq(Some(reason_text)),
            agreements::version.eq(1),
            agreements::created_at.eq(now),
            agreements::updated_at.eq(now),
        ))
        .get_result::<AgreementRow>(conn)
        .map_err(duplicate_number)?;
    super::audit::record(
        conn,
        context,
        "performance_agreement.amend",
        RESOURCE,
        Some(amendment.id),
        Some(&source),
        Some(&amendment),
    )?;
    for (commitment, _) in commitments_of(conn, source.id)? {
        let copy = diesel::insert_into(commitments::table)
            .values((
                commitment_values(&commitment.draft()),
                commitments::agreement_id.eq(amendment.id),
                commitments::version.eq(1),
                commitments::created_at.eq(now),
                commitments::updated_at.eq(now),
            ))
            .get_result::<CommitmentRow>(conn)?;
        // Every write is audited, copies too: the amendment's history starts here.
        super::audit::record(
            conn,
            context,
            "commitment.create",
            COMMITMENT,
            Some(copy.id),
            None::<&()>,
            Some(&copy),
        )?;
    }
    Ok(amendment)
}

/// Cancels a draft or a signed agreement; it is kept, never deleted.
pub fn cancel(
    conn: &mut DbConnection,
    context: &WriteContext,
    id: i64,
    expected: &ExpectedVersion,
    reason: &str,
) -> ApiResult<AgreementRow> {
    audited_update(
        conn,
        context,
        expected,
        |conn| lock(conn, id),
        |_, current| check(current, AgreementAction::Cancel).map(Some),
        |conn, current, ()| {
            Ok(diesel::update(
                agreements::table
                    .filter(agreements::id.eq(id))
                    .filter(agreements::version.eq(current.version)),
            )
            .set((
                agreements::status.eq(current.status().after(AgreementAction::Cancel).as_str()),
                agreements::cancellation_reason.eq(Some(reason)),
                agreements::version.eq(current.version + 1),
                agreements::updated_at.eq(super::now()),
            ))
            .get_result::<AgreementRow>(conn)
            .optional()?)
        },
        |_, _| "performance_agreement.cancel",
    )
}
