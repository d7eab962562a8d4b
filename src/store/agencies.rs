//! Agency queries.

use diesel::prelude::*;

use super::audited_update;
use super::cursor::cursor_key;
use super::listing::{Fingerprint, Listing};
use crate::db::schema::agencies;
use crate::db::{DbConnection, MultiBackend, WriteContext};
use crate::domain::agency::{AgencyDraft, AgencyKind};
use crate::domain::paging::{CursorPosition, ListControls, Sort, SortField};
use crate::domain::text::{like_pattern_contains, optional_text, search_text};
use crate::domain::version::ExpectedVersion;
use crate::error::{ApiError, ApiResult, FieldError};

/// An agency as stored (serialised as such into the audit trail).
#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = agencies, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct AgencyRow {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub short_name: Option<String>,
    pub kind: String,
    pub parent_id: Option<i64>,
    pub region_code: String,
    pub head_name: Option<String>,
    pub head_nip: Option<String>,
    pub head_title: Option<String>,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub active: bool,
    #[serde(skip)]
    pub search_text: String,
    pub version: i64,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

/// The columns a draft writes (on insert and on update alike).
#[derive(Debug, Insertable, AsChangeset)]
#[diesel(table_name = agencies, treat_none_as_null = true)]
struct AgencyValues {
    code: String,
    name: String,
    short_name: Option<String>,
    kind: String,
    parent_id: Option<i64>,
    region_code: String,
    head_name: Option<String>,
    head_nip: Option<String>,
    head_title: Option<String>,
    address: Option<String>,
    phone: Option<String>,
    email: Option<String>,
    active: bool,
    search_text: String,
    version: i64,
    updated_at: chrono::NaiveDateTime,
}

impl AgencyValues {
    fn new(draft: AgencyDraft, version: i64, updated_at: chrono::NaiveDateTime) -> Self {
        let search_text = search_text([
            Some(draft.name.as_str()),
            draft.short_name.as_deref(),
            Some(draft.code.as_str()),
        ]);
        Self {
            code: draft.code,
            name: draft.name,
            // Blank optional text is stored as null (domain::text::optional_text).
            short_name: optional_text(draft.short_name),
            kind: draft.kind.as_str().to_owned(),
            parent_id: draft.parent_id,
            region_code: draft.region_code,
            head_name: optional_text(draft.head_name),
            head_nip: draft.head_nip.map(|nip| nip.into_string()),
            head_title: optional_text(draft.head_title),
            address: optional_text(draft.address),
            phone: optional_text(draft.phone),
            email: draft.email,
            active: draft.active,
            search_text,
            version,
            updated_at,
        }
    }
}

/// What a list of agencies can be filtered by.
#[derive(Debug, Clone, Default)]
pub struct AgencyFilters {
    pub kind: Option<Vec<AgencyKind>>,
    pub parent_id: Option<i64>,
    pub active: Option<bool>,
    pub region_code: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgencySort {
    Name,
    Code,
    CreatedAt,
}

impl SortField for AgencySort {
    const ALL: &'static [Self] = &[Self::Name, Self::Code, Self::CreatedAt];

    fn name(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::Code => "code",
            Self::CreatedAt => "created_at",
        }
    }
}

pub const DEFAULT_SORT: Sort<AgencySort> = Sort {
    field: AgencySort::Name,
    descending: false,
};

/// The sort key of `row` for `sort`, as stored in a cursor.
fn sort_key(row: &AgencyRow, sort: AgencySort) -> serde_json::Value {
    match sort {
        AgencySort::Name => row.name.clone().into(),
        AgencySort::Code => row.code.clone().into(),
        AgencySort::CreatedAt => serde_json::to_value(row.created_at).unwrap_or_default(),
    }
}

/// The 422 a reference to agency `id` causes, if any: `agency_not_found` or
/// `agency_inactive` (new work is only filed under an active agency).
pub fn reference_problem(conn: &mut DbConnection, id: i64) -> ApiResult<Option<FieldError>> {
    let active = agencies::table
        .find(id)
        .select(agencies::active)
        .first::<bool>(conn)
        .optional()?;
    Ok(match active {
        None => Some(FieldError::new("agency_id", "agency_not_found")),
        Some(false) => Some(FieldError::new("agency_id", "agency_inactive")),
        Some(true) => None,
    })
}

pub fn find(conn: &mut DbConnection, id: i64) -> ApiResult<AgencyRow> {
    Ok(agencies::table
        .find(id)
        .select(AgencyRow::as_select())
        .first(conn)?)
}

fn filtered<'a>(
    filters: &AgencyFilters,
    q: Option<&str>,
    updated_since: Option<chrono::NaiveDateTime>,
) -> agencies::BoxedQuery<'a, MultiBackend> {
    let mut query = agencies::table.into_boxed();
    if let Some(kinds) = &filters.kind {
        query = query.filter(
            agencies::kind.eq_any(
                kinds
                    .iter()
                    .map(|k| k.as_str().to_owned())
                    .collect::<Vec<_>>(),
            ),
        );
    }
    if let Some(parent_id) = filters.parent_id {
        query = query.filter(agencies::parent_id.eq(parent_id));
    }
    if let Some(active) = filters.active {
        query = query.filter(agencies::active.eq(active));
    }
    if let Some(region_code) = &filters.region_code {
        query = query.filter(agencies::region_code.eq(region_code.clone()));
    }
    if let Some(q) = q {
        query = query.filter(
            agencies::search_text
                .like(like_pattern_contains(q))
                .escape('\\'),
        );
    }
    if let Some(since) = updated_since {
        query = query.filter(agencies::updated_at.ge(since));
    }
    query
}

/// The agency list: filtered, sorted, paged, exported.
pub struct AgencyList;

impl Listing for AgencyList {
    type Filters = AgencyFilters;
    type Sort = AgencySort;
    type Row = AgencyRow;

    fn count(
        conn: &mut DbConnection,
        filters: &AgencyFilters,
        controls: &ListControls<AgencySort>,
    ) -> ApiResult<i64> {
        Ok(
            filtered(filters, controls.q.as_deref(), controls.updated_since)
                .count()
                .get_result(conn)?,
        )
    }

    fn fingerprint(
        conn: &mut DbConnection,
        filters: &AgencyFilters,
        controls: &ListControls<AgencySort>,
    ) -> ApiResult<Option<Fingerprint>> {
        let matching = filtered(filters, controls.q.as_deref(), controls.updated_since)
            .select((
                diesel::dsl::count_star(),
                diesel::dsl::max(agencies::updated_at),
            ))
            .get_result(conn)?;
        Fingerprint::read(conn, matching)
    }

    fn page(
        conn: &mut DbConnection,
        filters: &AgencyFilters,
        controls: &ListControls<AgencySort>,
        after: Option<&CursorPosition>,
        limit: i64,
        offset: i64,
    ) -> ApiResult<Vec<AgencyRow>> {
        let query = filtered(filters, controls.q.as_deref(), controls.updated_since);
        let descending = controls.sort.descending;
        let query = match controls.sort.field {
            AgencySort::Name => keyset!(
                query,
                agencies::name,
                agencies::id,
                descending,
                cursor_key::<String>(after)?
            ),
            AgencySort::Code => keyset!(
                query,
                agencies::code,
                agencies::id,
                descending,
                cursor_key::<String>(after)?
            ),
            AgencySort::CreatedAt => keyset!(
                query,
                agencies::created_at,
                agencies::id,
                descending,
                cursor_key::<chrono::NaiveDateTime>(after)?
            ),
        };
        Ok(query
            .limit(limit)
            .offset(offset)
            .select(AgencyRow::as_select())
            .load(conn)?)
    }

    fn position(row: &AgencyRow, sort: AgencySort) -> (serde_json::Value, i64) {
        (sort_key(row, sort), row.id)
    }
}

/// Checks the rules that need the database, adding to `errors` what static validation
/// found, so one 422 lists every bad field. `parent_changed` is false when an update keeps
/// its parent (an archived parent does not block editing its children).
pub fn check_references(
    conn: &mut DbConnection,
    agency_id: Option<i64>,
    parent_id: Option<i64>,
    parent_changed: bool,
    mut errors: Vec<FieldError>,
) -> ApiResult<Vec<FieldError>> {
    if let (Some(parent_id), true) = (parent_id, parent_changed) {
        lock_hierarchy(conn)?;
        match agencies::table
            .find(parent_id)
            .select(agencies::active)
            .first::<bool>(conn)
            .optional()?
        {
            None => errors.push(FieldError::new("parent_id", "parent_not_found")),
            Some(false) => errors.push(FieldError::new("parent_id", "parent_inactive")),
            Some(true) if creates_cycle(conn, agency_id, parent_id)? => {
                errors.push(FieldError::new("parent_id", "parent_cycle"))
            }
            Some(true) => {}
        }
    }
    Ok(errors)
}

/// Whether making `parent_id` the parent of `agency_id` would make it its own ancestor.
fn creates_cycle(
    conn: &mut DbConnection,
    agency_id: Option<i64>,
    parent_id: i64,
) -> ApiResult<bool> {
    let Some(agency_id) = agency_id else {
        return Ok(false); // a new agency has no descendants
    };
    let mut ancestor = Some(parent_id);
    // Bounded: an existing cycle (which these checks prevent) must not loop forever.
    for _ in 0..1000 {
        match ancestor {
            None => return Ok(false),
            Some(id) if id == agency_id => return Ok(true),
            Some(id) => {
                ancestor = agencies::table
                    .find(id)
                    .select(agencies::parent_id)
                    .first::<Option<i64>>(conn)
                    .optional()?
                    .flatten();
            }
        }
    }
    Ok(true)
}

fn duplicate_code(error: diesel::result::Error) -> ApiError {
    super::conflict_on_unique(
        error,
        "agencies_code_key",
        "code",
        "another agency already has this code",
    )
}

/// The resource type agencies have in the audit trail.
const RESOURCE: &str = "agency";
record!(AgencyRow, RESOURCE);

pub fn insert(
    conn: &mut DbConnection,
    context: &WriteContext,
    draft: AgencyDraft,
) -> ApiResult<AgencyRow> {
    let now = super::now();
    let row = diesel::insert_into(agencies::table)
        .values((
            AgencyValues::new(draft, 1, now),
            agencies::created_at.eq(now),
        ))
        .get_result::<AgencyRow>(conn)
        .map_err(duplicate_code)?;
    let (before, after) = (None::<&AgencyRow>, Some(&row));
    super::audit::record(
        conn,
        context,
        "agency.create",
        RESOURCE,
        Some(row.id),
        before,
        after,
    )?;
    Ok(row)
}

/// Replaces agency `id` with the draft `revise` makes of the current row (`None`: nothing
/// to change, the row is returned as it is).
pub fn update(
    conn: &mut DbConnection,
    context: &WriteContext,
    id: i64,
    expected: &ExpectedVersion,
    revise: impl FnMut(&mut DbConnection, &AgencyRow) -> ApiResult<Option<AgencyDraft>>,
) -> ApiResult<AgencyRow> {
    audited_update(
        conn,
        context,
        expected,
        |conn| find(conn, id),
        revise,
        |conn, current, draft| {
            diesel::update(
                agencies::table
                    .filter(agencies::id.eq(current.id))
                    .filter(agencies::version.eq(current.version)),
            )
            .set(AgencyValues::new(draft, current.version + 1, super::now()))
            .get_result::<AgencyRow>(conn)
            .optional()
            .map_err(duplicate_code)
        },
        |_, _| "agency.update",
    )
}

/// Archives agency `id` (`active = false`); archiving an archived agency changes nothing.
/// Only `active` changes, so a row stored under older rules can always be archived.
pub fn archive(
    conn: &mut DbConnection,
    context: &WriteContext,
    id: i64,
    expected: &ExpectedVersion,
) -> ApiResult<()> {
    audited_update(
        conn,
        context,
        expected,
        |conn| find(conn, id),
        |conn, current| {
            if !current.active {
                return Ok(None);
            }
            lock_hierarchy(conn)?;
            Ok(Some(()))
        },
        |conn, current, ()| {
            Ok(diesel::update(
                agencies::table
                    .filter(agencies::id.eq(current.id))
                    .filter(agencies::version.eq(current.version)),
            )
            .set((
                agencies::active.eq(false),
                agencies::version.eq(current.version + 1),
                agencies::updated_at.eq(super::now()),
            ))
            .get_result::<AgencyRow>(conn)
            .optional()?)
        },
        |_, _| "agency.archive",
    )?;
    Ok(())
}

/// Changes to the agency tree take turns: two writers that each pass the cycle check (A
/// under B, B under A), or archive a parent while a child is added under it, would
/// otherwise both commit on PostgreSQL.
fn lock_hierarchy(conn: &mut DbConnection) -> ApiResult<()> {
    /// Arbitrary but fixed advisory-lock key for the agency tree.
    const AGENCY_TREE_LOCK: i64 = 0x6167_656e_6379;
    super::serialise_on(conn, AGENCY_TREE_LOCK)
}

pub fn find_by_code(conn: &mut DbConnection, code: &str) -> ApiResult<Option<AgencyRow>> {
    Ok(agencies::table
        .filter(agencies::code.eq(code))
        .select(AgencyRow::as_select())
        .first(conn)
        .optional()?)
}
