//! An agreement's commitments: read, written while the agreement is a draft, and
//! realized once it is signed.

use diesel::prelude::*;

use crate::db::schema::{commitments, innovations, performance_agreements as agreements};
use crate::db::{DbConnection, WriteContext};
use crate::domain::agreement::AgreementAction;
use crate::domain::paging::ListControls;
use crate::domain::version::ExpectedVersion;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::store::{audited_update, check_version};

use super::*;

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
            agreements::updated_at.eq(crate::store::now()),
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
    let now = crate::store::now();
    let row = diesel::insert_into(commitments::table)
        .values((
            commitment_values(draft),
            commitments::agreement_id.eq(agreement_id),
            commitments::version.eq(1),
            commitments::created_at.eq(now),
            commitments::updated_at.eq(now),
        ))
        .get_result::<CommitmentRow>(conn)?;
    touch(conn, &agreement)?;
    crate::store::audit::record(
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
    audited_update(
        conn,
        context,
        expected,
        |conn| find_commitment(conn, agreement_id, id),
        |conn, current| {
            let Some(draft) = revise(current)? else {
                return Ok(None);
            };
            if draft.innovation_id != current.innovation_id {
                let errors = check_innovation(conn, &agreement, draft.innovation_id)?;
                if !errors.is_empty() {
                    return Err(ApiError::Validation(errors));
                }
            }
            Ok(Some(draft))
        },
        |conn, current, draft| {
            let row = diesel::update(
                commitments::table
                    .filter(commitments::id.eq(id))
                    .filter(commitments::version.eq(current.version)),
            )
            .set((
                commitment_values(&draft),
                commitments::version.eq(current.version + 1),
                commitments::updated_at.eq(crate::store::now()),
            ))
            .get_result::<CommitmentRow>(conn)
            .optional()?;
            if row.is_some() {
                touch(conn, &agreement)?;
            }
            Ok(row)
        },
        |_, _| "commitment.update",
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
    check_version(expected, current.version)?;
    diesel::delete(commitments::table.find(id)).execute(conn)?;
    touch(conn, &agreement)?;
    crate::store::audit::record(
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
    audited_update(
        conn,
        context,
        expected,
        |conn| find_commitment(conn, agreement_id, id),
        |_, current| match current.quarterly() {
            Some(_) => Err(yearly_realization_refused()),
            None => Ok(Some(())),
        },
        |conn, current, ()| {
            Ok(diesel::update(
                commitments::table
                    .filter(commitments::id.eq(id))
                    .filter(commitments::version.eq(current.version)),
            )
            .set((
                commitments::achieved_hundredths.eq(realization.achieved_hundredths),
                commitments::evidence_url.eq(&realization.evidence_url),
                commitments::note.eq(&realization.note),
                commitments::evaluated_at.eq(Some(crate::store::now())),
                commitments::version.eq(current.version + 1),
                commitments::updated_at.eq(crate::store::now()),
            ))
            .get_result::<CommitmentRow>(conn)
            .optional()?)
        },
        |_, _| "commitment.realization",
    )
}
