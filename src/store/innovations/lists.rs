//! The innovation list: filters (shared with the stats), sorts, keyset and page-number
//! pages, and the counts per group for the dashboards.

use chrono::NaiveDate;
use diesel::prelude::*;

use crate::db::schema::{agencies, cohorts, innovations};
use crate::db::{DbConnection, MultiBackend};
use crate::domain::agency::AgencyKind;
use crate::domain::innovation::{InnovationForm, InnovationStatus};
use crate::domain::lab_stage::LabStage;
use crate::domain::paging::{CursorPosition, ListControls, Sort, SortField};
use crate::domain::text::like_pattern_contains;
use crate::error::{ApiError, ApiResult};
use crate::store::cursor::cursor_key;
use crate::store::listing::{Fingerprint, Listing};

use super::*;

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

fn sort_key(row: &InnovationRow, sort: InnovationSort) -> serde_json::Value {
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

/// Keyset order on the nullable `launched_on`: unlaunched innovations (null) come last in
/// ascending order and first in descending, the same on both backends (whose own NULL
/// ordering differs), by ordering on `launched_on IS NULL` first.
fn launched_on_keyset<'a>(
    query: diesel::helper_types::IntoBoxed<'a, Joined, MultiBackend>,
    descending: bool,
    after: Option<&CursorPosition>,
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

/// The innovation list: filtered, sorted, paged, exported.
pub struct InnovationList;

impl Listing for InnovationList {
    type Filters = InnovationFilters;
    type Sort = InnovationSort;
    type Row = InnovationView;

    fn count(
        conn: &mut DbConnection,
        filters: &InnovationFilters,
        _: &ListControls<InnovationSort>,
    ) -> ApiResult<i64> {
        count(conn, filters)
    }

    fn fingerprint(
        conn: &mut DbConnection,
        filters: &InnovationFilters,
        _: &ListControls<InnovationSort>,
    ) -> ApiResult<Option<Fingerprint>> {
        let matching = apply_filters!(innovations::table.into_boxed::<MultiBackend>(), filters)
            .select((
                diesel::dsl::count_star(),
                diesel::dsl::max(innovations::updated_at),
            ))
            .get_result(conn)?;
        Fingerprint::read(conn, matching)
    }

    fn page(
        conn: &mut DbConnection,
        filters: &InnovationFilters,
        controls: &ListControls<InnovationSort>,
        after: Option<&CursorPosition>,
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

    fn position(view: &InnovationView, sort: InnovationSort) -> (serde_json::Value, i64) {
        (sort_key(&view.row, sort), view.row.id)
    }
}
