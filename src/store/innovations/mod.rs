//! Innovations and their stage transitions: rows, drafts, creation, changes and stage
//! moves. The list, its filters and the stats are in `lists`, re-exported here.

mod lists;

pub use lists::*;

use chrono::NaiveDate;
use diesel::prelude::*;

use super::audited_update;
use crate::db::schema::{agencies, cohorts, innovations, stage_transitions};
use crate::db::{DbConnection, MultiBackend, WriteContext};
pub use crate::domain::innovation::InnovationDraft;
use crate::domain::innovation::{InitiatorType, InnovationForm, InnovationStatus};
use crate::domain::lab_stage::LabStage;
use crate::domain::paging::ListControls;
use crate::domain::text::{name_key, normalise_name, optional_text, search_text};
use crate::domain::version::ExpectedVersion;
use crate::error::{ApiError, ApiResult, FieldError};

const RESOURCE: &str = "innovation";
record!(InnovationRow, RESOURCE);

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = innovations, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct InnovationRow {
    pub id: i64,
    pub cohort_id: i64,
    pub agency_id: i64,
    pub name: String,
    pub acronym_expansion: Option<String>,
    pub initiator_type: String,
    pub initiator_name: Option<String>,
    pub form: String,
    pub digital: bool,
    pub government_affairs: String,
    pub problem: Option<String>,
    pub approach: Option<String>,
    pub goals: Option<String>,
    pub benefits: Option<String>,
    pub results: Option<String>,
    pub beneficiaries: Option<String>,
    pub beneficiaries_target: Option<i64>,
    pub trial_on: Option<NaiveDate>,
    pub launched_on: Option<NaiveDate>,
    pub lab_stage: String,
    #[serde(skip)]
    pub stage_rank: i64,
    pub status: String,
    #[serde(skip)]
    pub search_text: String,
    pub version: i64,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
    /// The name folded for uniqueness ([`crate::domain::text::name_key`]).
    #[serde(skip)]
    pub name_key: Option<String>,
}

impl InnovationRow {
    pub fn stage(&self) -> LabStage {
        LabStage::parse(&self.lab_stage).unwrap_or(LabStage::DrumUp)
    }

    pub fn is_archived(&self) -> bool {
        self.status() == InnovationStatus::Archived
    }

    // The stored texts are constrained by CHECKs; the fallbacks are never expected.
    pub fn initiator_type(&self) -> InitiatorType {
        InitiatorType::parse(&self.initiator_type).unwrap_or(InitiatorType::Agency)
    }

    pub fn form(&self) -> InnovationForm {
        InnovationForm::parse(&self.form).unwrap_or(InnovationForm::Other)
    }

    pub fn status(&self) -> InnovationStatus {
        InnovationStatus::parse(&self.status).unwrap_or(InnovationStatus::Draft)
    }

    pub fn affairs(&self) -> Vec<String> {
        serde_json::from_str(&self.government_affairs).unwrap_or_default()
    }

    pub fn draft(&self) -> InnovationDraft {
        InnovationDraft {
            cohort_id: self.cohort_id,
            agency_id: self.agency_id,
            name: self.name.clone(),
            acronym_expansion: self.acronym_expansion.clone(),
            initiator_type: self.initiator_type(),
            initiator_name: self.initiator_name.clone(),
            form: self.form(),
            digital: self.digital,
            government_affairs: self.affairs(),
            problem: self.problem.clone(),
            approach: self.approach.clone(),
            goals: self.goals.clone(),
            benefits: self.benefits.clone(),
            results: self.results.clone(),
            beneficiaries: self.beneficiaries.clone(),
            beneficiaries_target: self.beneficiaries_target,
            trial_on: self.trial_on,
            status: self.status(),
        }
    }
}

/// An innovation with the names a reader wants beside the ids.
#[derive(Debug, Clone, Queryable)]
pub struct InnovationView {
    pub row: InnovationRow,
    pub agency_code: String,
    pub agency_name: String,
    pub cohort_name: String,
}

#[derive(Insertable, AsChangeset)]
#[diesel(table_name = innovations, treat_none_as_null = true)]
struct InnovationValues {
    cohort_id: i64,
    agency_id: i64,
    name: String,
    acronym_expansion: Option<String>,
    initiator_type: String,
    initiator_name: Option<String>,
    form: String,
    digital: bool,
    government_affairs: String,
    problem: Option<String>,
    approach: Option<String>,
    goals: Option<String>,
    benefits: Option<String>,
    results: Option<String>,
    beneficiaries: Option<String>,
    beneficiaries_target: Option<i64>,
    trial_on: Option<NaiveDate>,
    status: String,
    search_text: String,
    name_key: String,
    updated_at: chrono::NaiveDateTime,
}

impl InnovationValues {
    fn new(mut draft: InnovationDraft, now: chrono::NaiveDateTime) -> Self {
        // The one place names are normalised on their way in (API, import, seed alike), and
        // blank optional text becomes null.
        let name = normalise_name(&draft.name);
        for text in [
            &mut draft.acronym_expansion,
            &mut draft.initiator_name,
            &mut draft.problem,
            &mut draft.approach,
            &mut draft.goals,
            &mut draft.benefits,
            &mut draft.results,
            &mut draft.beneficiaries,
        ] {
            *text = optional_text(text.take());
        }
        let search_text = search_text([
            Some(name.as_str()),
            draft.acronym_expansion.as_deref(),
            draft.problem.as_deref(),
            draft.approach.as_deref(),
        ]);
        Self {
            cohort_id: draft.cohort_id,
            agency_id: draft.agency_id,
            name_key: name_key(&name),
            name,
            acronym_expansion: draft.acronym_expansion,
            initiator_type: draft.initiator_type.as_str().to_owned(),
            initiator_name: draft.initiator_name,
            form: draft.form.as_str().to_owned(),
            digital: draft.digital,
            government_affairs: serde_json::to_string(&draft.government_affairs)
                .unwrap_or_else(|_| "[]".into()),
            problem: draft.problem,
            approach: draft.approach,
            goals: draft.goals,
            benefits: draft.benefits,
            results: draft.results,
            beneficiaries: draft.beneficiaries,
            beneficiaries_target: draft.beneficiaries_target,
            trial_on: draft.trial_on,
            status: draft.status.as_str().to_owned(),
            search_text,
            updated_at: now,
        }
    }
}

/// A recorded stage move.
#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = stage_transitions, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct TransitionRow {
    pub id: i64,
    pub innovation_id: i64,
    pub from_stage: Option<String>,
    pub to_stage: String,
    pub occurred_at: chrono::NaiveDateTime,
    pub actor_type: String,
    pub actor_id: Option<i64>,
    pub actor_name: String,
    pub note: Option<String>,
    pub evidence_url: Option<String>,
    pub reason: Option<String>,
    pub launched_on: Option<NaiveDate>,
}

/// What a move says about itself.
#[derive(Debug, Clone, Default)]
pub struct MoveDetails {
    pub note: Option<String>,
    pub evidence_url: Option<String>,
    pub reason: Option<String>,
    pub launched_on: Option<NaiveDate>,
}

/// Both unique indexes on names end up here: `innovations_cohort_name_key` (exact) and
/// `innovations_cohort_name_key_folded` (ignoring case, width and spacing), whose name
/// starts the same; SQLite names the columns (`innovations.name`, `innovations.name_key`).
fn duplicate_name(error: diesel::result::Error) -> ApiError {
    super::conflict_on_unique(
        error,
        "innovations_cohort_name_key",
        "name",
        "this cohort already has an innovation with this name (ignoring case, width and spacing)",
    )
}

pub(super) type ViewColumns = (
    diesel::dsl::AsSelect<InnovationRow, MultiBackend>,
    agencies::code,
    agencies::name,
    cohorts::name,
);

pub(super) fn view_columns() -> ViewColumns {
    (
        InnovationRow::as_select(),
        agencies::code,
        agencies::name,
        cohorts::name,
    )
}

pub fn find(conn: &mut DbConnection, id: i64) -> ApiResult<InnovationRow> {
    Ok(innovations::table
        .find(id)
        .select(InnovationRow::as_select())
        .first(conn)?)
}

pub fn find_view(conn: &mut DbConnection, id: i64) -> ApiResult<InnovationView> {
    Ok(innovations::table
        .inner_join(agencies::table)
        .inner_join(cohorts::table)
        .filter(innovations::id.eq(id))
        .select(view_columns())
        .first(conn)?)
}

/// The 422s an innovation's references can cause: the agency must exist and be active,
/// the cohort must exist. Only checked when they change (archiving an agency does not
/// freeze its innovations).
pub fn check_references(
    conn: &mut DbConnection,
    draft: &InnovationDraft,
    before: Option<&InnovationRow>,
) -> ApiResult<Vec<FieldError>> {
    let mut errors = Vec::new();
    if before.is_none_or(|b| b.agency_id != draft.agency_id) {
        errors.extend(super::agencies::reference_problem(conn, draft.agency_id)?);
    }
    if before.is_none_or(|b| b.cohort_id != draft.cohort_id)
        && !super::cohorts::exists(conn, draft.cohort_id)?
    {
        errors.push(FieldError::new("cohort_id", "cohort_not_found"));
    }
    Ok(errors)
}

fn record_transition(
    conn: &mut DbConnection,
    context: &WriteContext,
    innovation_id: i64,
    from: Option<LabStage>,
    to: LabStage,
    details: &MoveDetails,
) -> ApiResult<TransitionRow> {
    let (actor_type, actor_id, actor_name) = context.caller.audit_identity();
    Ok(diesel::insert_into(stage_transitions::table)
        .values((
            stage_transitions::innovation_id.eq(innovation_id),
            stage_transitions::from_stage.eq(from.map(|s| s.as_str())),
            stage_transitions::to_stage.eq(to.as_str()),
            stage_transitions::occurred_at.eq(super::now()),
            stage_transitions::actor_type.eq(actor_type),
            stage_transitions::actor_id.eq(actor_id),
            stage_transitions::actor_name.eq(actor_name),
            stage_transitions::note.eq(&details.note),
            stage_transitions::evidence_url.eq(&details.evidence_url),
            stage_transitions::reason.eq(&details.reason),
            stage_transitions::launched_on.eq(details.launched_on),
        ))
        .get_result::<TransitionRow>(conn)?)
}

/// Creates an innovation at `stage` and records the transition into it (`note` says how:
/// "created", "imported"), so every innovation's history starts at its first stage.
pub fn insert(
    conn: &mut DbConnection,
    context: &WriteContext,
    draft: InnovationDraft,
    stage: LabStage,
    launched_on: Option<NaiveDate>,
    note: &str,
) -> ApiResult<InnovationRow> {
    let now = super::now();
    let row = diesel::insert_into(innovations::table)
        .values((
            InnovationValues::new(draft, now),
            innovations::lab_stage.eq(stage.as_str()),
            innovations::stage_rank.eq(stage.rank()),
            innovations::launched_on.eq(launched_on),
            innovations::version.eq(1),
            innovations::created_at.eq(now),
        ))
        .get_result::<InnovationRow>(conn)
        .map_err(duplicate_name)?;
    let details = MoveDetails {
        note: Some(note.to_owned()),
        launched_on,
        ..MoveDetails::default()
    };
    record_transition(conn, context, row.id, None, stage, &details)?;
    super::audit::record(
        conn,
        context,
        "innovation.create",
        RESOURCE,
        Some(row.id),
        None::<&()>,
        Some(&row),
    )?;
    Ok(row)
}

/// Replaces innovation `id`'s fields with what `revise` makes of the current row.
pub fn update(
    conn: &mut DbConnection,
    context: &WriteContext,
    id: i64,
    expected: &ExpectedVersion,
    revise: impl FnMut(&mut DbConnection, &InnovationRow) -> ApiResult<Option<InnovationDraft>>,
) -> ApiResult<InnovationRow> {
    audited_update(
        conn,
        context,
        expected,
        |conn| find(conn, id),
        revise,
        |conn, current, draft| {
            diesel::update(
                innovations::table
                    .filter(innovations::id.eq(id))
                    .filter(innovations::version.eq(current.version)),
            )
            .set((
                InnovationValues::new(draft, super::now()),
                innovations::version.eq(current.version + 1),
            ))
            .get_result::<InnovationRow>(conn)
            .optional()
            .map_err(duplicate_name)
        },
        |before, after| {
            if after.is_archived() && !before.is_archived() {
                "innovation.archive"
            } else {
                "innovation.update"
            }
        },
    )
}

/// Moves `current` to `to` (already checked by the domain rules and the policy), records
/// the transition and the audit event; `None` if another writer changed it first.
pub fn move_stage(
    conn: &mut DbConnection,
    context: &WriteContext,
    current: &InnovationRow,
    to: LabStage,
    details: &MoveDetails,
) -> ApiResult<Option<(InnovationRow, TransitionRow)>> {
    let launched_on = crate::domain::lab_stage::launched_on_after(
        current.stage(),
        current.launched_on,
        to,
        details.launched_on,
    );
    let updated = diesel::update(
        innovations::table
            .filter(innovations::id.eq(current.id))
            .filter(innovations::version.eq(current.version)),
    )
    .set((
        innovations::lab_stage.eq(to.as_str()),
        innovations::stage_rank.eq(to.rank()),
        innovations::launched_on.eq(launched_on),
        innovations::version.eq(current.version + 1),
        innovations::updated_at.eq(super::now()),
    ))
    .get_result::<InnovationRow>(conn)
    .optional()?;
    let Some(row) = updated else {
        return Ok(None);
    };
    let transition = record_transition(conn, context, row.id, Some(current.stage()), to, details)?;
    super::audit::record(
        conn,
        context,
        "innovation.stage_transition",
        RESOURCE,
        Some(row.id),
        Some(current),
        Some(&row),
    )?;
    Ok(Some((row, transition)))
}

/// One page (plus one row) of an innovation's moves, oldest first, and in page mode the
/// total.
pub fn transitions(
    conn: &mut DbConnection,
    innovation_id: i64,
    controls: &ListControls<crate::domain::paging::ById>,
) -> ApiResult<(Vec<TransitionRow>, Option<i64>)> {
    let total = if controls.wants_total() {
        Some(
            stage_transitions::table
                .filter(stage_transitions::innovation_id.eq(innovation_id))
                .count()
                .get_result::<i64>(conn)?,
        )
    } else {
        None
    };
    let after = controls.cursor_after().map_or(0, |position| position.id);
    let rows = stage_transitions::table
        .filter(stage_transitions::innovation_id.eq(innovation_id))
        .filter(stage_transitions::id.gt(after))
        .order(stage_transitions::id.asc())
        .limit(controls.per_page + 1)
        .offset(controls.offset())
        .select(TransitionRow::as_select())
        .load(conn)?;
    Ok((rows, total))
}

/// Whether cohort `cohort_id` already has an innovation called `name`, ignoring case, width
/// and spacing.
pub fn name_taken(conn: &mut DbConnection, cohort_id: i64, name: &str) -> ApiResult<bool> {
    Ok(diesel::select(diesel::dsl::exists(
        innovations::table
            .filter(innovations::cohort_id.eq(cohort_id))
            .filter(innovations::name_key.eq(name_key(name))),
    ))
    .get_result(conn)?)
}
