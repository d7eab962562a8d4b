//! Cohorts: the lab's rounds.

use chrono::NaiveDate;
use diesel::prelude::*;

use super::cursor::cursor_key;
use super::listing::{Listing, key};
use super::{audited_update, check_version};
use crate::db::schema::{cohorts, innovations};
use crate::db::{DbConnection, MultiBackend, WriteContext};
use crate::domain::lab_stage::LabStage;
use crate::domain::paging::{CursorPosition, ListControls, Sort, SortField};
use crate::domain::text::like_pattern_contains;
use crate::domain::version::ExpectedVersion;
use crate::error::{ApiError, ApiResult};

const RESOURCE: &str = "cohort";
record!(CohortRow, RESOURCE);

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = cohorts, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct CohortRow {
    pub id: i64,
    pub name: String,
    pub region_code: String,
    pub year: i64,
    pub partner: Option<String>,
    pub description: Option<String>,
    pub lab_stage: String,
    pub drum_up_on: Option<NaiveDate>,
    pub diagnose_on: Option<NaiveDate>,
    pub design_on: Option<NaiveDate>,
    pub delivery_on: Option<NaiveDate>,
    pub display_on: Option<NaiveDate>,
    pub version: i64,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

/// A cohort's writable fields, validated.
#[derive(Debug, Clone, PartialEq, Eq, Insertable, AsChangeset)]
#[diesel(table_name = cohorts, treat_none_as_null = true)]
pub struct CohortDraft {
    pub name: String,
    pub region_code: String,
    pub year: i64,
    pub partner: Option<String>,
    pub description: Option<String>,
    pub lab_stage: String,
    pub drum_up_on: Option<NaiveDate>,
    pub diagnose_on: Option<NaiveDate>,
    pub design_on: Option<NaiveDate>,
    pub delivery_on: Option<NaiveDate>,
    pub display_on: Option<NaiveDate>,
}

impl CohortRow {
    pub fn draft(&self) -> CohortDraft {
        CohortDraft {
            name: self.name.clone(),
            region_code: self.region_code.clone(),
            year: self.year,
            partner: self.partner.clone(),
            description: self.description.clone(),
            lab_stage: self.lab_stage.clone(),
            drum_up_on: self.drum_up_on,
            diagnose_on: self.diagnose_on,
            design_on: self.design_on,
            delivery_on: self.delivery_on,
            display_on: self.display_on,
        }
    }

    pub fn stage(&self) -> LabStage {
        LabStage::parse(&self.lab_stage).unwrap_or(LabStage::DrumUp)
    }
}

fn duplicate_name(error: diesel::result::Error) -> ApiError {
    super::conflict_on_unique(
        error,
        "cohorts_region_name_key",
        "name",
        "this region already has a cohort with this name",
    )
}

pub fn find(conn: &mut DbConnection, id: i64) -> ApiResult<CohortRow> {
    Ok(cohorts::table
        .find(id)
        .select(CohortRow::as_select())
        .first(conn)?)
}

pub fn exists(conn: &mut DbConnection, id: i64) -> ApiResult<bool> {
    Ok(diesel::select(diesel::dsl::exists(cohorts::table.find(id))).get_result(conn)?)
}

pub fn insert(
    conn: &mut DbConnection,
    context: &WriteContext,
    draft: &CohortDraft,
) -> ApiResult<CohortRow> {
    let now = super::now();
    let row = diesel::insert_into(cohorts::table)
        .values((
            draft,
            cohorts::version.eq(1),
            cohorts::created_at.eq(now),
            cohorts::updated_at.eq(now),
        ))
        .get_result::<CohortRow>(conn)
        .map_err(duplicate_name)?;
    super::audit::record(
        conn,
        context,
        "cohort.create",
        RESOURCE,
        Some(row.id),
        None::<&()>,
        Some(&row),
    )?;
    Ok(row)
}

pub fn update(
    conn: &mut DbConnection,
    context: &WriteContext,
    id: i64,
    expected: &ExpectedVersion,
    mut revise: impl FnMut(&CohortRow) -> ApiResult<Option<CohortDraft>>,
) -> ApiResult<CohortRow> {
    audited_update(
        conn,
        context,
        expected,
        |conn| find(conn, id),
        |_, current| revise(current),
        |conn, current, draft| {
            diesel::update(
                cohorts::table
                    .filter(cohorts::id.eq(id))
                    .filter(cohorts::version.eq(current.version)),
            )
            .set((
                &draft,
                cohorts::version.eq(current.version + 1),
                cohorts::updated_at.eq(super::now()),
            ))
            .get_result::<CohortRow>(conn)
            .optional()
            .map_err(duplicate_name)
        },
        |_, _| "cohort.update",
    )
}

/// Deletes an empty cohort (a mistaken entry); one that has innovations is a 409.
pub fn delete(
    conn: &mut DbConnection,
    context: &WriteContext,
    id: i64,
    expected: &ExpectedVersion,
) -> ApiResult<()> {
    let current = find(conn, id)?;
    check_version(expected, current.version)?;
    let innovations: i64 = innovations::table
        .filter(innovations::cohort_id.eq(id))
        .count()
        .get_result(conn)?;
    if innovations > 0 {
        return Err(ApiError::Conflict {
            slug: "cohort-not-empty",
            detail: format!(
                "the cohort still has {innovations} innovation(s); move or archive them first"
            ),
            errors: Vec::new(),
        });
    }
    let deleted = diesel::delete(
        cohorts::table
            .filter(cohorts::id.eq(id))
            .filter(cohorts::version.eq(current.version)),
    )
    .execute(conn)
    .map_err(|e| match e {
        // An innovation added meanwhile (PostgreSQL) holds the row through its key.
        diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::ForeignKeyViolation,
            _,
        ) => ApiError::Conflict {
            slug: "cohort-not-empty",
            detail: "the cohort has innovations".into(),
            errors: Vec::new(),
        },
        other => other.into(),
    })?;
    if deleted == 0 {
        let now = find(conn, id)?;
        return Err(ApiError::PreconditionFailed {
            current_version: now.version,
        });
    }
    super::audit::record(
        conn,
        context,
        "cohort.delete",
        RESOURCE,
        Some(id),
        Some(&current),
        None::<&()>,
    )?;
    Ok(())
}

#[derive(Debug, Clone, Default)]
pub struct CohortFilters {
    pub year: Option<i64>,
    pub region_code: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CohortSort {
    Name,
    CreatedAt,
}

impl SortField for CohortSort {
    const ALL: &'static [Self] = &[Self::Name, Self::CreatedAt];

    fn name(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::CreatedAt => "created_at",
        }
    }
}

pub const DEFAULT_SORT: Sort<CohortSort> = Sort {
    field: CohortSort::CreatedAt,
    descending: true,
};

fn filtered<'a>(
    filters: &CohortFilters,
    controls: &ListControls<CohortSort>,
) -> cohorts::BoxedQuery<'a, MultiBackend> {
    let mut query = cohorts::table.into_boxed::<MultiBackend>();
    if let Some(year) = filters.year {
        query = query.filter(cohorts::year.eq(year));
    }
    if let Some(region_code) = &filters.region_code {
        query = query.filter(cohorts::region_code.eq(region_code.clone()));
    }
    if let Some(q) = &controls.q {
        query = query.filter(
            super::lower(cohorts::name)
                .like(like_pattern_contains(q))
                .escape('\\'),
        );
    }
    if let Some(since) = controls.updated_since {
        query = query.filter(cohorts::updated_at.ge(since));
    }
    query
}

/// The cohort list: filtered, sorted, paged.
pub struct CohortList;

impl Listing for CohortList {
    type Filters = CohortFilters;
    type Sort = CohortSort;
    type Row = CohortRow;

    fn count(
        conn: &mut DbConnection,
        filters: &CohortFilters,
        controls: &ListControls<CohortSort>,
    ) -> ApiResult<i64> {
        Ok(filtered(filters, controls).count().get_result(conn)?)
    }

    fn page(
        conn: &mut DbConnection,
        filters: &CohortFilters,
        controls: &ListControls<CohortSort>,
        after: Option<&CursorPosition>,
        limit: i64,
        offset: i64,
    ) -> ApiResult<Vec<CohortRow>> {
        let descending = controls.sort.descending;
        let query = match controls.sort.field {
            CohortSort::Name => keyset!(
                filtered(filters, controls),
                cohorts::name,
                cohorts::id,
                descending,
                cursor_key::<String>(after)?
            ),
            CohortSort::CreatedAt => keyset!(
                filtered(filters, controls),
                cohorts::created_at,
                cohorts::id,
                descending,
                cursor_key::<chrono::NaiveDateTime>(after)?
            ),
        };
        Ok(query
            .limit(limit)
            .offset(offset)
            .select(CohortRow::as_select())
            .load(conn)?)
    }

    fn position(row: &CohortRow, sort: CohortSort) -> (serde_json::Value, i64) {
        let key = match sort {
            CohortSort::Name => row.name.clone().into(),
            CohortSort::CreatedAt => key(row.created_at),
        };
        (key, row.id)
    }
}

pub fn find_by_name(
    conn: &mut DbConnection,
    region_code: &str,
    name: &str,
) -> ApiResult<Option<CohortRow>> {
    Ok(cohorts::table
        .filter(cohorts::region_code.eq(region_code))
        .filter(cohorts::name.eq(name))
        .select(CohortRow::as_select())
        .first(conn)
        .optional()?)
}
