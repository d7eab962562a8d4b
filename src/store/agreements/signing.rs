//! Signing: the canonical document a signature covers, its hash, and the signing itself.

use diesel::prelude::*;
use serde_json::{Value, json};

use crate::db::schema::{commitments, performance_agreements as agreements};
use crate::db::{DbConnection, WriteContext};
use crate::domain::agreement::{
    ActingCapacity, AgreementAction, AgreementStatus, CANONICAL_VERSION, Hundredths,
};
use crate::domain::canonical_json::{canonicalize, sha256_hex};
use crate::domain::version::ExpectedVersion;
use crate::error::{ApiError, ApiResult};

use super::*;

/// The canonical document of a signed agreement: what the parties signed and nothing that
/// changes later (no status, version, timestamps or realizations), in the form it was
/// signed with (`canonical_version`; see the README). Form 2 adds each party's `acting`
/// capacity and each commitment's `quarterly` targets; form 1 is kept as it was, so an
/// agreement signed before them still verifies.
pub fn canonical_document(agreement: &AgreementRow, commitments: &[CommitmentRow]) -> Value {
    let form = agreement.canonical_version;
    let party = |name: &Option<String>,
                 nip: &Option<String>,
                 title: &Option<String>,
                 acting: &Option<String>| {
        let mut party = json!({"name": name, "nip": nip, "title": title});
        if form >= 2 {
            party["acting"] = json!(acting);
        }
        party
    };
    let mut ordered: Vec<&CommitmentRow> = commitments.iter().collect();
    ordered.sort_by_key(|c| c.id);
    let commitment = |c: &CommitmentRow| {
        let mut commitment = json!({
            "id": c.id,
            "innovation": {"id": c.innovation_id, "name": c.signed_innovation_name},
            "indicator": c.indicator,
            "target_value": c.target_hundredths.map(|v| Hundredths(v).to_string()),
            "unit": c.unit,
            "target_stage": c.target_stage,
            "due_on": c.due_on.map(|d| d.to_string()),
        });
        if form >= 2 {
            commitment["quarterly"] = json!(c.quarterly().map(|q| json!({
                "method": q.method.as_str(),
                "targets": q.targets.map(|t| t.map(|t| t.to_string())),
            })));
        }
        commitment
    };
    json!({
        "number": agreement.number,
        "year": agreement.year,
        "agency": {"id": agreement.agency_id, "code": agreement.signed_agency_code, "name": agreement.signed_agency_name},
        "statement": agreement.statement,
        "signed_on": agreement.signed_on.map(|d| d.to_string()),
        "signed_place": agreement.signed_place,
        "first_party": party(&agreement.first_party_name, &agreement.first_party_nip, &agreement.first_party_title, &agreement.first_party_acting),
        "second_party": party(&agreement.second_party_name, &agreement.second_party_nip, &agreement.second_party_title, &agreement.second_party_acting),
        "supersedes_id": agreement.supersedes_id,
        "commitments": ordered.into_iter().map(commitment).collect::<Vec<_>>(),
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
    crate::store::check_version(expected, current.version)?;
    check(&current, AgreementAction::Sign)?;
    // One agreement in force per agency and year: signings for an agency take turns.
    const SIGNING_LOCK_BASE: i64 = 0x7369_676e_0000_0000;
    crate::store::serialise_on(conn, SIGNING_LOCK_BASE + current.agency_id)?;
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
    let agency = crate::store::agencies::find(conn, current.agency_id)?;
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
                acting: None,
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
        agreements::first_party_acting.eq(signing.first_party.acting.map(ActingCapacity::as_str)),
        agreements::second_party_acting.eq(second.acting.map(ActingCapacity::as_str)),
        agreements::canonical_version.eq(CANONICAL_VERSION),
        agreements::version.eq(current.version + 1),
        agreements::updated_at.eq(crate::store::now()),
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
                agreements::updated_at.eq(crate::store::now()),
            ))
            .get_result::<AgreementRow>(conn)?;
        crate::store::audit::record(
            conn,
            context,
            "performance_agreement.supersede",
            RESOURCE,
            Some(old.id),
            Some(&old),
            Some(&superseded),
        )?;
    }
    crate::store::audit::record(
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
