//! List answers written once over [`Listing`]: a JSON page (with `ETag`, `Link` and the
//! total in page mode) or, when the caller asked for it, every matching row as a CSV
//! file read in keyset batches.

use actix_web::{HttpRequest, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

use super::{AppState, list_response};
use crate::domain::paging::{CursorPosition, Format, ListControls};
use crate::error::ApiResult;
use crate::http::csv;
use crate::http::pagination::Page;
use crate::store::listing::Listing;

/// Answers with the rows `controls` asks for, each shown as `view(row)`: a JSON page, or
/// a CSV download named `name.csv` when the format is CSV.
pub async fn respond<L, V>(
    req: &HttpRequest,
    state: &AppState,
    name: &'static str,
    filters: L::Filters,
    controls: ListControls<L::Sort>,
    view: impl Fn(L::Row) -> V + Clone + 'static,
) -> ApiResult<HttpResponse>
where
    L: Listing,
    V: Serialize + ToSchema + 'static,
{
    if let Format::Csv { semicolon } = controls.format {
        return csv_export::<L, V>(state, name, filters, controls, semicolon, view).await;
    }
    page::<L, V>(req, state, filters, controls, view).await
}

/// A JSON page of `view(row)`s.
pub async fn page<L, V>(
    req: &HttpRequest,
    state: &AppState,
    filters: L::Filters,
    controls: ListControls<L::Sort>,
    view: impl FnMut(L::Row) -> V,
) -> ApiResult<HttpResponse>
where
    L: Listing,
    V: Serialize + ToSchema,
{
    let (rows, total) = {
        let controls = controls.clone();
        state
            .db
            .read(move |conn| L::list(conn, &filters, &controls))
            .await?
    };
    let sort = controls.sort.field;
    let page = Page::from_rows(rows, total, &controls, |row| L::position(row, sort)).map(view);
    list_response(req, state, &page)
}

/// Every matching row as CSV, streamed in batches of [`csv::BATCH_SIZE`].
async fn csv_export<L, V>(
    state: &AppState,
    name: &'static str,
    filters: L::Filters,
    controls: ListControls<L::Sort>,
    semicolon: bool,
    view: impl Fn(L::Row) -> V + Clone + 'static,
) -> ApiResult<HttpResponse>
where
    L: Listing,
    V: Serialize + ToSchema + 'static,
{
    let db = state.db.clone();
    let sort = controls.sort;
    let next_batch = move |after: Option<CursorPosition>| {
        let (db, filters, controls) = (db.clone(), filters.clone(), controls.clone());
        let view = view.clone();
        async move {
            let rows = db
                .read(move |conn| {
                    L::page(
                        conn,
                        &filters,
                        &controls,
                        after.as_ref(),
                        csv::BATCH_SIZE,
                        0,
                    )
                })
                .await?;
            let next = csv::next_batch_start(&rows, sort, |row| L::position(row, sort.field));
            Ok((rows.into_iter().map(view).collect::<Vec<_>>(), next))
        }
    };
    csv::response(name, csv::columns::<V>(), semicolon, next_batch).await
}
