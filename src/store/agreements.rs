//! Performance agreements and their commitments.

use chrono::NaiveDate;
use diesel::prelude::*;
use serde_json::{Value, json};

use super::cursor::cursor_key;
use super::{Attempt, versioned_write};
use crate::db::schema::{agencies, commitments, innovations, performance_agreements as agreements};
use crate::db::{DbConnection, MultiBackend, WriteContext};
use crate::domain::agreement::{AgreementAction, AgreementStatus, Hundredths, LifecycleRefusal};
use crate::domain::canonical_json::{canonicalize, sha256_hex};
use crate::domain::paging::{ListControls, Sort, SortField};
use crate::domain::version::ExpectedVersion;
use crate::error::{ApiError, ApiResult, FieldError};

const RESOURCE: &str = "performance_agreement";
const COMMITMENT: &str = "commitment";

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
}

/// A draft's writable fields.
#[derive(Debug, Clone, PartialEq, Eq, Insertable, AsChangeset)]
#[diesel(table_name = agreements, treat_none_as_null = true)]
pub struct AgreementDraft {
    pub number: String,
    pub year: i64,
    pub agency_id: i64,
    pub statement: Option<String>,
}

/// A commitment's writable fields (before signing).
#[derive(Debug, Clone, PartialEq, Eq, Insertable, AsChangeset)]
#[diesel(table_name = commitments, treat_none_as_null = true)]
pub struct CommitmentDraft {
    pub innovation_id: i64,
    pub indicator: String,
    pub target_hundredths: Option<i64>,
    pub unit: Option<String>,
    pub target_stage: Option<String>,
    pub due_on: Option<NaiveDate>,
}

impl CommitmentRow {
    pub fn draft(&self) -> CommitmentDraft {
        CommitmentDraft {
            innovation_id: self.innovation_id,
            indicator: self.indicator.clone(),
            target_hundredths: self.target_hundredths,
            unit: self.unit.clone(),
            target_stage: self.target_stage.clone(),
            due_on: self.due_on,
        }
    }
}

/// One party to an agreement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Party {
    pub name: String,
    pub nip: Option<String>,
    pub title: String,
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
fn check(row: &AgreementRow, action: AgreementAction) -> ApiResult<()> {
    let refusal = match row.status().allows(action) {
        Ok(()) => return Ok(()),
        Err(refusal) => refusal,
    };
    let (slug, detail) = match refusal {
        LifecycleRefusal::Frozen => (
            "agreement-signed",
            format!(
                "agreement {} is {} and cannot change; amend it with POST \
                 /api/v1/performance-agreements/{}/amendments",
                row.number, row.status, row.id
            ),
        ),
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

fn duplicate_number(error: diesel::result::Error) -> ApiError {
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
fn lock(conn: &mut DbConnection, id: i64) -> ApiResult<AgreementRow> {
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
            draft,
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
    versioned_write(
        conn,
        expected,
        |conn| lock(conn, id),
        |row| row.version,
        |conn, current| {
            check(current, AgreementAction::EditDraft)?;
            let Some(draft) = revise(conn, current)? else {
                return Ok(Attempt::Done(current.clone()));
            };
            let updated = diesel::update(
                agreements::table
                    .filter(agreements::id.eq(id))
                    .filter(agreements::version.eq(current.version)),
            )
            .set((
                &draft,
                agreements::version.eq(current.version + 1),
                agreements::updated_at.eq(super::now()),
            ))
            .get_result::<AgreementRow>(conn)
            .optional()
            .map_err(duplicate_number)?;
            let Some(row) = updated else {
                return Ok(Attempt::Stale);
            };
            super::audit::record(
                conn,
                context,
                "performance_agreement.update",
                RESOURCE,
                Some(id),
                Some(current),
                Some(&row),
            )?;
            Ok(Attempt::Done(row))
        },
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
    if !expected.matches(current.version) {
        return Err(ApiError::PreconditionFailed {
            current_version: current.version,
        });
    }
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

// ---- commitments ----

pub fn commitments_of(
    conn: &mut DbConnection,
    agreement_id: i64,
) -> ApiResult<Vec<(CommitmentRow, String)>> {
    Ok(commitments::table
        .inner_join(innovations::table)
        .filter(commitments::agreement_id.eq(agreement_id))
        .order(commitments::id.asc())
        .select((CommitmentRow::as_select(), innovations::name))
        .load(conn)?)
}

/// A commitment with its innovation's current name.
pub type CommitmentWithName = (CommitmentRow, String);

/// One page (plus one row) of an agreement's commitments, in id order, and in page mode the
/// total.
pub fn commitments_page(
    conn: &mut DbConnection,
    agreement_id: i64,
    controls: &ListControls<crate::domain::paging::ById>,
) -> ApiResult<(Vec<CommitmentWithName>, Option<i64>)> {
    let total = if controls.wants_total() {
        Some(
            commitments::table
                .filter(commitments::agreement_id.eq(agreement_id))
                .count()
                .get_result::<i64>(conn)?,
        )
    } else {
        None
    };
    let after = controls.cursor_after().map_or(0, |position| position.id);
    let rows = commitments::table
        .inner_join(innovations::table)
        .filter(commitments::agreement_id.eq(agreement_id))
        .filter(commitments::id.gt(after))
        .order(commitments::id.asc())
        .limit(controls.per_page + 1)
        .offset(controls.offset())
        .select((CommitmentRow::as_select(), innovations::name))
        .load(conn)?;
    Ok((rows, total))
}

pub fn find_commitment(
    conn: &mut DbConnection,
    agreement_id: i64,
    id: i64,
) -> ApiResult<CommitmentRow> {
    Ok(commitments::table
        .filter(commitments::agreement_id.eq(agreement_id))
        .filter(commitments::id.eq(id))
        .select(CommitmentRow::as_select())
        .first(conn)?)
}

/// 422 unless the innovation exists and belongs to the agreement's agency.
pub fn check_innovation(
    conn: &mut DbConnection,
    agreement: &AgreementRow,
    innovation_id: i64,
) -> ApiResult<Vec<FieldError>> {
    Ok(
        match innovations::table
            .find(innovation_id)
            .select(innovations::agency_id)
            .first::<i64>(conn)
            .optional()?
        {
            None => vec![FieldError::new("innovation_id", "innovation_not_found")],
            Some(agency_id) if agency_id != agreement.agency_id => {
                vec![FieldError::new("innovation_id", "innovation_other_agency")]
            }
            Some(_) => Vec::new(),
        },
    )
}

/// Bumps the agreement's version: its commitments are part of it.
fn touch(conn: &mut DbConnection, agreement: &AgreementRow) -> ApiResult<()> {
    diesel::update(agreements::table.find(agreement.id))
        .set((
            agreements::version.eq(agreements::version + 1),
            agreements::updated_at.eq(super::now()),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn insert_commitment(
    conn: &mut DbConnection,
    context: &WriteContext,
    agreement_id: i64,
    draft: &CommitmentDraft,
) -> ApiResult<CommitmentRow> {
    let agreement = lock(conn, agreement_id)?;
    check(&agreement, AgreementAction::EditDraft)?;
    let errors = check_innovation(conn, &agreement, draft.innovation_id)?;
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let now = super::now();
    let row = diesel::insert_into(commitments::table)
        .values((
            draft,
            commitments::agreement_id.eq(agreement_id),
            commitments::version.eq(1),
            commitments::created_at.eq(now),
            commitments::updated_at.eq(now),
        ))
        .get_result::<CommitmentRow>(conn)?;
    touch(conn, &agreement)?;
    super::audit::record(
        conn,
        context,
        "commitment.create",
        COMMITMENT,
        Some(row.id),
        None::<&()>,
        Some(&row),
    )?;
    Ok(row)
}

pub fn update_commitment(
    conn: &mut DbConnection,
    context: &WriteContext,
    agreement_id: i64,
    id: i64,
    expected: &ExpectedVersion,
    mut revise: impl FnMut(&CommitmentRow) -> ApiResult<Option<CommitmentDraft>>,
) -> ApiResult<CommitmentRow> {
    let agreement = lock(conn, agreement_id)?;
    check(&agreement, AgreementAction::EditDraft)?;
    versioned_write(
        conn,
        expected,
        |conn| find_commitment(conn, agreement_id, id),
        |row| row.version,
        |conn, current| {
            let Some(draft) = revise(current)? else {
                return Ok(Attempt::Done(current.clone()));
            };
            if draft.innovation_id != current.innovation_id {
                let errors = check_innovation(conn, &agreement, draft.innovation_id)?;
                if !errors.is_empty() {
                    return Err(ApiError::Validation(errors));
                }
            }
            let updated = diesel::update(
                commitments::table
                    .filter(commitments::id.eq(id))
                    .filter(commitments::version.eq(current.version)),
            )
            .set((
                &draft,
                commitments::version.eq(current.version + 1),
                commitments::updated_at.eq(super::now()),
            ))
            .get_result::<CommitmentRow>(conn)
            .optional()?;
            let Some(row) = updated else {
                return Ok(Attempt::Stale);
            };
            touch(conn, &agreement)?;
            super::audit::record(
                conn,
                context,
                "commitment.update",
                COMMITMENT,
                Some(id),
                Some(current),
                Some(&row),
            )?;
            Ok(Attempt::Done(row))
        },
    )
}

pub fn delete_commitment(
    conn: &mut DbConnection,
    context: &WriteContext,
    agreement_id: i64,
    id: i64,
    expected: &ExpectedVersion,
) -> ApiResult<()> {
    let agreement = lock(conn, agreement_id)?;
    check(&agreement, AgreementAction::EditDraft)?;
    let current = find_commitment(conn, agreement_id, id)?;
    if !expected.matches(current.version) {
        return Err(ApiError::PreconditionFailed {
            current_version: current.version,
        });
    }
    diesel::delete(commitments::table.find(id)).execute(conn)?;
    touch(conn, &agreement)?;
    super::audit::record(
        conn,
        context,
        "commitment.delete",
        COMMITMENT,
        Some(id),
        Some(&current),
        None::<&()>,
    )?;
    Ok(())
}

/// Records what a commitment achieved: the one change a signed agreement takes. It is not
/// part of the signed content, so verification still holds.
pub fn record_realization(
    conn: &mut DbConnection,
    context: &WriteContext,
    agreement_id: i64,
    id: i64,
    expected: &ExpectedVersion,
    realization: &Realization,
) -> ApiResult<CommitmentRow> {
    let agreement = lock(conn, agreement_id)?;
    check(&agreement, AgreementAction::RecordRealization)?;
    versioned_write(
        conn,
        expected,
        |conn| find_commitment(conn, agreement_id, id),
        |row| row.version,
        |conn, current| {
            let updated = diesel::update(
                commitments::table
                    .filter(commitments::id.eq(id))
                    .filter(commitments::version.eq(current.version)),
            )
            .set((
                commitments::achieved_hundredths.eq(realization.achieved_hundredths),
                commitments::evidence_url.eq(&realization.evidence_url),
                commitments::note.eq(&realization.note),
                commitments::evaluated_at.eq(Some(super::now())),
                commitments::version.eq(current.version + 1),
                commitments::updated_at.eq(super::now()),
            ))
            .get_result::<CommitmentRow>(conn)
            .optional()?;
            let Some(row) = updated else {
                return Ok(Attempt::Stale);
            };
            super::audit::record(
                conn,
                context,
                "commitment.realization",
                COMMITMENT,
                Some(id),
                Some(current),
                Some(&row),
            )?;
            Ok(Attempt::Done(row))
        },
    )
}

// ---- signing ----

/// The canonical document of a signed agreement: what the parties signed and nothing that
/// changes later (no status, version, timestamps or realizations). See the README.
pub fn canonical_document(agreement: &AgreementRow, commitments: &[CommitmentRow]) -> Value {
    let party = |name: &Option<String>, nip: &Option<String>, title: &Option<String>| json!({"name": name, "nip": nip, "title": title});
    let mut ordered: Vec<&CommitmentRow> = commitments.iter().collect();
    ordered.sort_by_key(|c| c.id);
    json!({
        "number": agreement.number,
        "year": agreement.year,
        "agency": {"id": agreement.agency_id, "code": agreement.signed_agency_code, "name": agreement.signed_agency_name},
        "statement": agreement.statement,
        "signed_on": agreement.signed_on.map(|d| d.to_string()),
        "signed_place": agreement.signed_place,
        "first_party": party(&agreement.first_party_name, &agreement.first_party_nip, &agreement.first_party_title),
        "second_party": party(&agreement.second_party_name, &agreement.second_party_nip, &agreement.second_party_title),
        "supersedes_id": agreement.supersedes_id,
        "commitments": ordered.iter().map(|c| json!({
            "id": c.id,
            "innovation": {"id": c.innovation_id, "name": c.signed_innovation_name},
            "indicator": c.indicator,
            "target_value": c.target_hundredths.map(|v| Hundredths(v).to_string()),
            "unit": c.unit,
            "target_stage": c.target_stage,
            "due_on": c.due_on.map(|d| d.to_string()),
        })).collect::<Vec<_>>(),
    })
}

/// The canonical JSON text and its SHA-256, recomputed from what is stored.
pub fn content_of(
    conn: &mut DbConnection,
    agreement: &AgreementRow,
) -> ApiResult<(String, String)> {
    let rows: Vec<CommitmentRow> = commitments_of(conn, agreement.id)?
        .into_iter()
        .map(|(c, _)| c)
        .collect();
    let canonical = canonicalize(&canonical_document(agreement, &rows))
        .ok_or_else(|| ApiError::internal("the agreement document holds a fractional number"))?;
    let hash = sha256_hex(&canonical);
    Ok((canonical, hash))
}

/// Signs draft `id`: checks the rules, copies the parties, the agency and the innovation
/// names, computes the content hash, and supersedes the agreement this one amends, all in
/// the caller's transaction.
pub fn sign(
    conn: &mut DbConnection,
    context: &WriteContext,
    id: i64,
    expected: &ExpectedVersion,
    signing: &Signing,
) -> ApiResult<AgreementRow> {
    let current = lock(conn, id)?;
    if !expected.matches(current.version) {
        return Err(ApiError::PreconditionFailed {
            current_version: current.version,
        });
    }
    check(&current, AgreementAction::Sign)?;
    // One agreement in force per agency and year: signings for an agency take turns.
    const SIGNING_LOCK_BASE: i64 = 0x7369_676e_0000_0000;
    super::serialise_on(conn, SIGNING_LOCK_BASE + current.agency_id)?;
    let commitments = commitments_of(conn, id)?;
    if commitments.is_empty() {
        return Err(ApiError::invalid_field(
            "commitments",
            "commitments_required",
        ));
    }
    let in_force: Option<AgreementRow> = agreements::table
        .filter(agreements::agency_id.eq(current.agency_id))
        .filter(agreements::year.eq(current.year))
        .filter(agreements::status.eq(AgreementStatus::Signed.as_str()))
        .filter(agreements::id.ne(id))
        .select(AgreementRow::as_select())
        .first(conn)
        .optional()?;
    if let Some(other) = &in_force
        && current.supersedes_id != Some(other.id)
    {
        return Err(ApiError::Conflict {
            slug: "agreement-in-force",
            detail: format!(
                "agreement {} is already in force for this agency and year; amend it instead",
                other.number
            ),
            errors: Vec::new(),
        });
    }
    let agency = super::agencies::find(conn, current.agency_id)?;
    let second =
        match &signing.second_party {
            Some(party) => party.clone(),
            None => Party {
                name: agency.head_name.clone().ok_or_else(|| {
                    ApiError::invalid_field("second_party", "second_party_required")
                })?,
                nip: agency.head_nip.clone(),
                title: agency.head_title.clone().ok_or_else(|| {
                    ApiError::invalid_field("second_party", "second_party_required")
                })?,
            },
        };
    for (commitment, innovation_name) in &commitments {
        diesel::update(commitments::table.find(commitment.id))
            .set(commitments::signed_innovation_name.eq(innovation_name))
            .execute(conn)?;
    }
    let mut signed = diesel::update(
        agreements::table
            .filter(agreements::id.eq(id))
            .filter(agreements::version.eq(current.version)),
    )
    .set((
        agreements::status.eq(current.status().after(AgreementAction::Sign).as_str()),
        agreements::signed_on.eq(signing.signed_on),
        agreements::signed_place.eq(&signing.signed_place),
        agreements::first_party_name.eq(&signing.first_party.name),
        agreements::first_party_nip.eq(&signing.first_party.nip),
        agreements::first_party_title.eq(&signing.first_party.title),
        agreements::second_party_name.eq(&second.name),
        agreements::second_party_nip.eq(&second.nip),
        agreements::second_party_title.eq(&second.title),
        agreements::signed_agency_code.eq(&agency.code),
        agreements::signed_agency_name.eq(&agency.name),
        agreements::version.eq(current.version + 1),
        agreements::updated_at.eq(super::now()),
    ))
    .get_result::<AgreementRow>(conn)
    .optional()?
    .ok_or(ApiError::PreconditionFailed {
        current_version: current.version + 1,
    })?;
    let (_, hash) = content_of(conn, &signed)?;
    signed = diesel::update(agreements::table.find(id))
        .set(agreements::content_hash.eq(&hash))
        .get_result::<AgreementRow>(conn)?;
    if let Some(old) = in_force {
        check(&old, AgreementAction::Supersede)?;
        let superseded = diesel::update(agreements::table.find(old.id))
            .set((
                agreements::status.eq(old.status().after(AgreementAction::Supersede).as_str()),
                agreements::version.eq(old.version + 1),
                agreements::updated_at.eq(super::now()),
            ))
            .get_result::<AgreementRow>(conn)?;
        super::audit::record(
            conn,
            context,
            "performance_agreement.supersede",
            RESOURCE,
            Some(old.id),
            Some(&old),
            Some(&superseded),
        )?;
    }
    super::audit::record(
        conn,
        context,
        "performance_agreement.sign",
        RESOURCE,
        Some(id),
        Some(&current),
        Some(&signed),
    )?;
    Ok(signed)
}

// ---- lists ----

#[derive(Debug, Clone, Default)]
pub struct AgreementFilters {
    pub agency_id: Option<i64>,
    pub year: Option<i64>,
    pub status: Option<Vec<AgreementStatus>>,
    pub q: Option<String>,
    pub updated_since: Option<chrono::NaiveDateTime>,
    /// For the public: signed and superseded agreements only.
    pub public_only: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgreementSort {
    Number,
    CreatedAt,
}

impl SortField for AgreementSort {
    const ALL: &'static [Self] = &[Self::Number, Self::CreatedAt];

    fn name(self) -> &'static str {
        match self {
            Self::Number => "number",
            Self::CreatedAt => "created_at",
        }
    }
}

pub const DEFAULT_SORT: Sort<AgreementSort> = Sort {
    field: AgreementSort::Number,
    descending: false,
};

pub fn sort_key(row: &AgreementRow, sort: AgreementSort) -> Value {
    match sort {
        AgreementSort::Number => row.number.clone().into(),
        AgreementSort::CreatedAt => serde_json::to_value(row.created_at).unwrap_or_default(),
    }
}

fn filtered<'a>(filters: &AgreementFilters) -> agreements::BoxedQuery<'a, MultiBackend> {
    let mut query = agreements::table.into_boxed();
    if filters.public_only {
        query = query.filter(
            agreements::status.eq_any(AgreementStatus::PUBLIC.map(AgreementStatus::as_str)),
        );
    }
    if let Some(agency_id) = filters.agency_id {
        query = query.filter(agreements::agency_id.eq(agency_id));
    }
    if let Some(year) = filters.year {
        query = query.filter(agreements::year.eq(year));
    }
    if let Some(statuses) = &filters.status {
        query = query.filter(
            agreements::status.eq_any(statuses.iter().map(|s| s.as_str()).collect::<Vec<_>>()),
        );
    }
    if let Some(q) = &filters.q {
        let pattern = crate::domain::text::like_pattern_contains(q);
        query = query.filter(
            super::lower(agreements::number)
                .like(pattern.clone())
                .escape('\\')
                .or(super::lower(agreements::statement.assume_not_null())
                    .like(pattern)
                    .escape('\\')),
        );
    }
    if let Some(since) = filters.updated_since {
        query = query.filter(agreements::updated_at.ge(since));
    }
    query
}

pub fn list(
    conn: &mut DbConnection,
    filters: &AgreementFilters,
    controls: &ListControls<AgreementSort>,
) -> ApiResult<(Vec<AgreementRow>, Option<i64>)> {
    let total = if controls.wants_total() {
        Some(filtered(filters).count().get_result::<i64>(conn)?)
    } else {
        None
    };
    let rows = page(
        conn,
        filters,
        controls,
        controls.cursor_after(),
        controls.per_page + 1,
        controls.offset(),
    )?;
    Ok((rows, total))
}

pub fn page(
    conn: &mut DbConnection,
    filters: &AgreementFilters,
    controls: &ListControls<AgreementSort>,
    after: Option<&crate::domain::paging::CursorPosition>,
    limit: i64,
    offset: i64,
) -> ApiResult<Vec<AgreementRow>> {
    let descending = controls.sort.descending;
    let query = match controls.sort.field {
        AgreementSort::Number => keyset!(
            filtered(filters),
            agreements::number,
            agreements::id,
            descending,
            cursor_key::<String>(after)?
        ),
        AgreementSort::CreatedAt => keyset!(
            filtered(filters),
            agreements::created_at,
            agreements::id,
            descending,
            cursor_key::<chrono::NaiveDateTime>(after)?
        ),
    };
    Ok(query
        .limit(limit)
        .offset(offset)
        .select(AgreementRow::as_select())
        .load(conn)?)
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
            &draft,
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
                &commitment.draft(),
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
    versioned_write(
        conn,
        expected,
        |conn| lock(conn, id),
        |row| row.version,
        |conn, current| {
            check(current, AgreementAction::Cancel)?;
            let updated = diesel::update(
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
            .optional()?;
            let Some(row) = updated else {
                return Ok(Attempt::Stale);
            };
            super::audit::record(
                conn,
                context,
                "performance_agreement.cancel",
                RESOURCE,
                Some(id),
                Some(current),
                Some(&row),
            )?;
            Ok(Attempt::Done(row))
        },
    )
}

// ---- fulfilment ----

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
