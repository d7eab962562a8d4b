//! Innovations and their stage transitions.

use chrono::NaiveDate;
use diesel::prelude::*;

use super::cursor::cursor_key;
use super::{Attempt, versioned_write};
use crate::db::schema::{agencies, cohorts, innovations, stage_transitions};
use crate::db::{DbConnection, MultiBackend, WriteContext};
use crate::domain::agency::AgencyKind;
use crate::domain::innovation::{InnovationForm, InnovationStatus};
use crate::domain::lab_stage::LabStage;
use crate::domain::paging::{ListControls, Sort, SortField};
use crate::domain::text::{like_pattern_contains, name_key, normalise_name, search_text};
use crate::domain::version::ExpectedVersion;
use crate::error::{ApiError, ApiResult, FieldError};

const RESOURCE: &str = "innovation";

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
        self.status == InnovationStatus::Archived.as_str()
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
            initiator_type: self.initiator_type.clone(),
            initiator_name: self.initiator_name.clone(),
            form: self.form.clone(),
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
            status: self.status.clone(),
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

/// The writable fields of an innovation, validated (the stage is not among them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InnovationDraft {
    pub cohort_id: i64,
    pub agency_id: i64,
    pub name: String,
    pub acronym_expansion: Option<String>,
    pub initiator_type: String,
    pub initiator_name: Option<String>,
    pub form: String,
    pub digital: bool,
    pub government_affairs: Vec<String>,
    pub problem: Option<String>,
    pub approach: Option<String>,
    pub goals: Option<String>,
    pub benefits: Option<String>,
    pub results: Option<String>,
    pub beneficiaries: Option<String>,
    pub beneficiaries_target: Option<i64>,
    pub trial_on: Option<NaiveDate>,
    pub status: String,
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
    fn new(draft: InnovationDraft, now: chrono::NaiveDateTime) -> Self {
        // The one place names are normalised on their way in (API, import, seed alike).
        let name = normalise_name(&draft.name);
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
            initiator_type: draft.initiator_type,
            initiator_name: draft.initiator_name,
            form: draft.form,
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
            status: draft.status,
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

type ViewColumns = (
    diesel::dsl::AsSelect<InnovationRow, MultiBackend>,
    agencies::code,
    agencies::name,
    cohorts::name,
);

fn view_columns() -> ViewColumns {
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
        match agencies::table
            .find(draft.agency_id)
            .select(agencies::active)
            .first::<bool>(conn)
            .optional()?
        {
            None => errors.push(FieldError::new("agency_id", "agency_not_found")),
            Some(false) => errors.push(FieldError::new("agency_id", "agency_inactive")),
            Some(true) => {}
        }
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
    mut revise: impl FnMut(&mut DbConnection, &InnovationRow) -> ApiResult<Option<InnovationDraft>>,
) -> ApiResult<InnovationRow> {
    versioned_write(
        conn,
        expected,
        |conn| find(conn, id),
        |row| row.version,
        |conn, current| {
            let Some(draft) = revise(conn, current)? else {
                return Ok(Attempt::Done(current.clone()));
            };
            let action =
                if draft.status == InnovationStatus::Archived.as_str() && !current.is_archived() {
                    "innovation.archive"
                } else {
                    "innovation.update"
                };
            let updated = diesel::update(
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
            .map_err(duplicate_name)?;
            let Some(row) = updated else {
                return Ok(Attempt::Stale);
            };
            super::audit::record(
                conn,
                context,
                action,
                RESOURCE,
                Some(id),
                Some(current),
                Some(&row),
            )?;
            Ok(Attempt::Done(row))
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

/// What the innovation list (and the stats) can be filtered by.
#[derive(Debug, Clone, Default)]
pub struct InnovationFilters {
    pub agency_id: Option<i64>,
    pub agency_kind: Option<Vec<AgencyKind>>,
    pub cohort_id: Option<i64>,
    pub lab_stage: Option<Vec<LabStage>>,
    pub status: Option<Vec<InnovationStatus>>,
    pub form: Option<Vec<InnovationForm>>,
    pub digital: Option<bool>,
    pub launched_from: Option<NaiveDate>,
    pub launched_to: Option<NaiveDate>,
    pub q: Option<String>,
    pub updated_since: Option<chrono::NaiveDateTime>,
    /// Set by the policy for the public: only launched innovations (delivery, display).
    pub launched_only: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InnovationSort {
    Name,
    CreatedAt,
    LaunchedOn,
    LabStage,
}

impl SortField for InnovationSort {
    const ALL: &'static [Self] = &[
        Self::Name,
        Self::CreatedAt,
        Self::LaunchedOn,
        Self::LabStage,
    ];

    fn name(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::CreatedAt => "created_at",
            Self::LaunchedOn => "launched_on",
            Self::LabStage => "lab_stage",
        }
    }
}

pub const DEFAULT_SORT: Sort<InnovationSort> = Sort {
    field: InnovationSort::Name,
    descending: false,
};

pub fn sort_key(row: &InnovationRow, sort: InnovationSort) -> serde_json::Value {
    match sort {
        InnovationSort::Name => row.name.clone().into(),
        InnovationSort::CreatedAt => serde_json::to_value(row.created_at).unwrap_or_default(),
        InnovationSort::LaunchedOn => serde_json::to_value(row.launched_on).unwrap_or_default(),
        InnovationSort::LabStage => row.stage_rank.into(),
    }
}

type Joined = diesel::dsl::InnerJoin<
    diesel::dsl::InnerJoin<innovations::table, agencies::table>,
    cohorts::table,
>;

/// Applies the list filters to a boxed query over innovations joined with their agency and
/// cohort (grouped or not: the stats use it after `group_by`).
macro_rules! apply_filters {
    ($query:expr, $filters:expr) => {{
        let filters: &InnovationFilters = $filters;
        let mut query = $query;
        if filters.launched_only {
            query = query.filter(innovations::stage_rank.ge(LabStage::Delivery.rank()));
        }
        if let Some(agency_id) = filters.agency_id {
            query = query.filter(innovations::agency_id.eq(agency_id));
        }
        // A subquery rather than a condition on the joined agency, so that counts need no
        // join at all.
        if let Some(kinds) = &filters.agency_kind {
            // Aliased: the page's query joins `agencies` as well.
            let of_kind = diesel::alias!(agencies as agencies_of_kind);
            query = query.filter(
                innovations::agency_id.eq_any(
                    of_kind
                        .filter(
                            of_kind
                                .field(agencies::kind)
                                .eq_any(kinds.iter().map(|k| k.as_str()).collect::<Vec<_>>()),
                        )
                        .select(of_kind.field(agencies::id)),
                ),
            );
        }
        if let Some(cohort_id) = filters.cohort_id {
            query = query.filter(innovations::cohort_id.eq(cohort_id));
        }
        // By rank, which the service keeps with the stage: one index on (cohort or agency,
        // rank) then serves both this filter and the public's "launched only".
        if let Some(stages) = &filters.lab_stage {
            query = query.filter(
                innovations::stage_rank.eq_any(stages.iter().map(|s| s.rank()).collect::<Vec<_>>()),
            );
        }
        if let Some(statuses) = &filters.status {
            query = query.filter(
                innovations::status.eq_any(statuses.iter().map(|s| s.as_str()).collect::<Vec<_>>()),
            );
        }
        if let Some(forms) = &filters.form {
            query = query.filter(
                innovations::form.eq_any(forms.iter().map(|f| f.as_str()).collect::<Vec<_>>()),
            );
        }
        if let Some(digital) = filters.digital {
            query = query.filter(innovations::digital.eq(digital));
        }
        if let Some(from) = filters.launched_from {
            query = query.filter(innovations::launched_on.ge(from));
        }
        if let Some(to) = filters.launched_to {
            query = query.filter(innovations::launched_on.le(to));
        }
        if let Some(q) = &filters.q {
            query = query.filter(
                innovations::search_text
                    .like(like_pattern_contains(q))
                    .escape('\\'),
            );
        }
        if let Some(since) = filters.updated_since {
            query = query.filter(innovations::updated_at.ge(since));
        }
        query
    }};
}

fn filtered<'a>(
    filters: &InnovationFilters,
) -> diesel::helper_types::IntoBoxed<'a, Joined, MultiBackend> {
    apply_filters!(
        innovations::table
            .inner_join(agencies::table)
            .inner_join(cohorts::table)
            .into_boxed::<MultiBackend>(),
        filters
    )
}

/// How many innovations match `filters`: on the innovations table alone, since every
/// filter is on its columns (the joins only add names to a page's rows).
fn count(conn: &mut DbConnection, filters: &InnovationFilters) -> ApiResult<i64> {
    Ok(
        apply_filters!(innovations::table.into_boxed::<MultiBackend>(), filters)
            .count()
            .get_result(conn)?,
    )
}

/// One page (plus one row) and, in page mode, the total.
pub fn list(
    conn: &mut DbConnection,
    filters: &InnovationFilters,
    controls: &ListControls<InnovationSort>,
) -> ApiResult<(Vec<InnovationView>, Option<i64>)> {
    let total = if controls.wants_total() {
        Some(count(conn, filters)?)
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

/// Rows in `controls`' order after `after`, at most `limit`, skipping `offset`.
pub fn page(
    conn: &mut DbConnection,
    filters: &InnovationFilters,
    controls: &ListControls<InnovationSort>,
    after: Option<&crate::domain::paging::CursorPosition>,
    limit: i64,
    offset: i64,
) -> ApiResult<Vec<InnovationView>> {
    let query = filtered(filters);
    let descending = controls.sort.descending;
    let query = match controls.sort.field {
        InnovationSort::Name => {
            keyset!(
                query,
                innovations::name,
                innovations::id,
                descending,
                cursor_key::<String>(after)?
            )
        }
        InnovationSort::CreatedAt => keyset!(
            query,
            innovations::created_at,
            innovations::id,
            descending,
            cursor_key::<chrono::NaiveDateTime>(after)?
        ),
        InnovationSort::LabStage => {
            keyset!(
                query,
                innovations::stage_rank,
                innovations::id,
                descending,
                cursor_key::<i64>(after)?
            )
        }
        InnovationSort::LaunchedOn => launched_on_keyset(query, descending, after)?,
    };
    Ok(query
        .limit(limit)
        .offset(offset)
        .select(view_columns())
        .load(conn)?)
}

/// Keyset order on the nullable `launched_on`: unlaunched innovations (null) come last in
/// ascending order and first in descending, the same on both backends (whose own NULL
/// ordering differs), by ordering on `launched_on IS NULL` first.
fn launched_on_keyset<'a>(
    query: diesel::helper_types::IntoBoxed<'a, Joined, MultiBackend>,
    descending: bool,
    after: Option<&crate::domain::paging::CursorPosition>,
) -> ApiResult<diesel::helper_types::IntoBoxed<'a, Joined, MultiBackend>> {
    let after = match after {
        None => None,
        Some(position) => Some((
            serde_json::from_value::<Option<NaiveDate>>(position.key.clone())
                .ok()
                .filter(|key| key.is_none_or(|day| crate::domain::dates::plausible(&day)))
                .ok_or_else(|| ApiError::invalid_field("cursor", "invalid_cursor"))?,
            position.id,
        )),
    };
    let is_null = innovations::launched_on.is_null();
    let date = innovations::launched_on;
    let id = innovations::id;
    Ok(match (descending, after) {
        (false, None) => query.order((is_null.asc(), date.asc(), id.asc())),
        (true, None) => query.order((is_null.desc(), date.desc(), id.desc())),
        (false, Some((Some(key), last))) => query
            .filter(date.gt(key).or(date.eq(key).and(id.gt(last))).or(is_null))
            .order((is_null.asc(), date.asc(), id.asc())),
        (false, Some((None, last))) => {
            query
                .filter(is_null.and(id.gt(last)))
                .order((is_null.asc(), date.asc(), id.asc()))
        }
        (true, Some((None, last))) => query
            .filter(is_null.and(id.lt(last)).or(date.is_not_null()))
            .order((is_null.desc(), date.desc(), id.desc())),
        (true, Some((Some(key), last))) => query
            .filter(date.lt(key).or(date.eq(key).and(id.lt(last))))
            .order((is_null.desc(), date.desc(), id.desc())),
    })
}

/// Counts per group, for the dashboards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupBy {
    Agency,
    AgencyKind,
    LabStage,
    Form,
    Digital,
    Cohort,
}

/// `(key, label, count)` per group, largest first.
pub fn stats(
    conn: &mut DbConnection,
    filters: &InnovationFilters,
    group_by: GroupBy,
) -> ApiResult<Vec<(String, String, i64)>> {
    use diesel::dsl::count_star;
    // Joined only to what the grouping names: counting by stage, form or digital reads
    // the innovations table alone.
    macro_rules! grouped {
        ($table:expr; $($column:expr),+) => {
            apply_filters!(
                $table
                    .group_by(($($column),+))
                    .select(($($column),+, count_star()))
                    .into_boxed::<MultiBackend>(),
                filters
            )
        };
    }
    let with_agencies = || innovations::table.inner_join(agencies::table);
    let mut groups: Vec<(String, String, i64)> = match group_by {
        GroupBy::Agency => {
            grouped!(with_agencies(); agencies::code, agencies::name)
                .load::<(String, String, i64)>(conn)?
        }
        GroupBy::Cohort => {
            grouped!(innovations::table.inner_join(cohorts::table); cohorts::id, cohorts::name)
                .load::<(i64, String, i64)>(conn)?
                .into_iter()
                .map(|(id, name, count)| (id.to_string(), name, count))
                .collect()
        }
        GroupBy::AgencyKind => labelled(grouped!(with_agencies(); agencies::kind).load(conn)?),
        // Grouped by rank too (one group per stage either way), so both databases read
        // the groups in order from the (rank, stage) index instead of sorting.
        GroupBy::LabStage => labelled(
            grouped!(innovations::table; innovations::stage_rank, innovations::lab_stage)
                .load::<(i64, String, i64)>(conn)?
                .into_iter()
                .map(|(_, stage, count)| (stage, count))
                .collect(),
        ),
        GroupBy::Form => labelled(grouped!(innovations::table; innovations::form).load(conn)?),
        GroupBy::Digital => grouped!(innovations::table; innovations::digital)
            .load::<(bool, i64)>(conn)?
            .into_iter()
            .map(|(digital, count)| (digital.to_string(), digital.to_string(), count))
            .collect(),
    };
    groups.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.0.cmp(&b.0)));
    Ok(groups)
}

fn labelled(groups: Vec<(String, i64)>) -> Vec<(String, String, i64)> {
    groups
        .into_iter()
        .map(|(key, count)| (key.clone(), key, count))
        .collect()
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
