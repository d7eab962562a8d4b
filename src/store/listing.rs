//! The shape every list shares: filters, a sort, pages by number or by keyset cursor,
//! and the batches a CSV export reads. A list implements [`Listing`] once; the handlers
//! that answer with a JSON page or a CSV file are written once over it.

use diesel::dsl::max;
use diesel::prelude::*;
use serde_json::Value;

use crate::db::DbConnection;
use crate::db::schema::{agencies, cohorts};
use crate::domain::paging::{CursorPosition, ListControls, SortField};
use crate::error::ApiResult;

pub trait Listing: 'static {
    /// The list's own filters, parsed from the query string.
    type Filters: Clone + Send + 'static;
    type Sort: SortField + Send;
    type Row: Send + 'static;

    /// How many rows match (the total of page mode).
    fn count(
        conn: &mut DbConnection,
        filters: &Self::Filters,
        controls: &ListControls<Self::Sort>,
    ) -> ApiResult<i64>;

    /// Up to `limit` matching rows in `controls`' order, after `after` (a cursor), skipping
    /// `offset` (page mode).
    fn page(
        conn: &mut DbConnection,
        filters: &Self::Filters,
        controls: &ListControls<Self::Sort>,
        after: Option<&CursorPosition>,
        limit: i64,
        offset: i64,
    ) -> ApiResult<Vec<Self::Row>>;

    /// The row's sort key and id: where a cursor after it points.
    fn position(row: &Self::Row, sort: Self::Sort) -> (Value, i64);

    /// What a whole export of the matching rows depends on, read before it is streamed
    /// (its `ETag` is made from it). Lists that export override it; `None`: no `ETag`.
    fn fingerprint(
        _conn: &mut DbConnection,
        _filters: &Self::Filters,
        _controls: &ListControls<Self::Sort>,
    ) -> ApiResult<Option<Fingerprint>> {
        Ok(None)
    }

    /// One page plus one row (which only says that more follow) and, in page mode, the
    /// total.
    fn list(
        conn: &mut DbConnection,
        filters: &Self::Filters,
        controls: &ListControls<Self::Sort>,
    ) -> ApiResult<(Vec<Self::Row>, Option<i64>)> {
        let total = if controls.wants_total() {
            Some(Self::count(conn, filters, controls)?)
        } else {
            None
        };
        let rows = Self::page(
            conn,
            filters,
            controls,
            controls.cursor_after(),
            controls.per_page + 1,
            controls.offset(),
        )?;
        Ok((rows, total))
    }
}

/// How many rows match and when the last of them changed, with when the last agency or
/// cohort changed (exports show their names). Every write sets `updated_at` to its time,
/// and a row that joins the matching set was written, so any change to an export changes
/// one of these.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint {
    pub rows: i64,
    pub last_change: Option<chrono::NaiveDateTime>,
    pub names_changed: (Option<chrono::NaiveDateTime>, Option<chrono::NaiveDateTime>),
}

impl Fingerprint {
    /// The fingerprint of `rows` matching rows last changed at `last_change`.
    pub fn read(
        conn: &mut DbConnection,
        (rows, last_change): (i64, Option<chrono::NaiveDateTime>),
    ) -> ApiResult<Option<Self>> {
        let agencies_changed = agencies::table
            .select(max(agencies::updated_at))
            .get_result(conn)?;
        let cohorts_changed = cohorts::table
            .select(max(cohorts::updated_at))
            .get_result(conn)?;
        Ok(Some(Self {
            rows,
            last_change,
            names_changed: (agencies_changed, cohorts_changed),
        }))
    }
}

/// A sort key as a cursor stores it.
pub fn key<T: serde::Serialize>(value: T) -> Value {
    serde_json::to_value(value).unwrap_or_default()
}
