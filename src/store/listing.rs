//! The shape every list shares: filters, a sort, pages by number or by keyset cursor,
//! and the batches a CSV export reads. A list implements [`Listing`] once; the handlers
//! that answer with a JSON page or a CSV file are written once over it.

use serde_json::Value;

use crate::db::DbConnection;
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

/// A sort key as a cursor stores it.
pub fn key<T: serde::Serialize>(value: T) -> Value {
    serde_json::to_value(value).unwrap_or_default()
}
