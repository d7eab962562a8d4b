//! The list of agreements: filters, sorts, pages.

use diesel::prelude::*;
use serde_json::Value;

use crate::db::schema::performance_agreements as agreements;
use crate::db::{DbConnection, MultiBackend};
use crate::domain::agreement::AgreementStatus;
use crate::domain::paging::{ListControls, Sort, SortField};
use crate::error::ApiResult;
use crate::store::cursor::cursor_key;
use crate::store::listing::{Fingerprint, Listing};

use super::*;

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

fn sort_key(row: &AgreementRow, sort: AgreementSort) -> Value {
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
            crate::store::lower(agreements::number)
                .like(pattern.clone())
                .escape('\\')
                .or(crate::store::lower(agreements::statement.assume_not_null())
                    .like(pattern)
                    .escape('\\')),
        );
    }
    if let Some(since) = filters.updated_since {
        query = query.filter(agreements::updated_at.ge(since));
    }
    query
}

/// The agreement list: filtered, sorted, paged, exported.
pub struct AgreementList;

impl Listing for AgreementList {
    type Filters = AgreementFilters;
    type Sort = AgreementSort;
    type Row = AgreementRow;

    fn count(
        conn: &mut DbConnection,
        filters: &AgreementFilters,
        _: &ListControls<AgreementSort>,
    ) -> ApiResult<i64> {
        Ok(filtered(filters).count().get_result(conn)?)
    }

    fn fingerprint(
        conn: &mut DbConnection,
        filters: &AgreementFilters,
        _: &ListControls<AgreementSort>,
    ) -> ApiResult<Option<Fingerprint>> {
        let matching = filtered(filters)
            .select((
                diesel::dsl::count_star(),
                diesel::dsl::max(agreements::updated_at),
            ))
            .get_result(conn)?;
        Fingerprint::read(conn, matching)
    }

    fn page(
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

    fn position(row: &AgreementRow, sort: AgreementSort) -> (Value, i64) {
        (sort_key(row, sort), row.id)
    }
}
