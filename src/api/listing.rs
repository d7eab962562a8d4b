//! List answers written once over [`Listing`]: a JSON page (with `ETag`, `Link` and the
//! total in page mode) or, when the caller asked for it, every matching row as a CSV
//! file or an XLSX workbook read in keyset batches.

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

use super::{AppState, list_response};
use crate::domain::paging::{CursorPosition, Format, ListControls};
use crate::error::{ApiError, ApiResult, FieldError};
use crate::http::conditional::{content_etag, none_match, not_modified};
use crate::http::pagination::Page;
use crate::http::{csv, xlsx};
use crate::store::listing::{Fingerprint, Listing};

/// A list operation's handler. A list, its CSV export and its workbook answer alike
/// (authorise, read the query, answer as `$presentation`) through the list module's own
/// `answer`; the operation's documentation and OpenAPI attributes stay at the call site.
macro_rules! list_handler {
    ($(#[$attr:meta])* $name:ident, $route:literal, |$req:ident| $presentation:expr) => {
        $(#[$attr])*
        #[get($route)]
        pub async fn $name(
            $req: actix_web::HttpRequest,
            actor: crate::http::caller::RequestActor,
            state: actix_web::web::Data<crate::api::AppState>,
        ) -> crate::error::ApiResult<actix_web::HttpResponse> {
            answer(&$req, actor, &state, $presentation).await
        }
    };
}
pub(crate) use list_handler;

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
    V: Serialize + ToSchema + Send + 'static,
{
    if controls.format == Format::Json {
        return page::<L, V>(req, state, filters, controls, view).await;
    }
    let fingerprint = {
        let (filters, controls) = (filters.clone(), controls.clone());
        state
            .db
            .read(move |conn| L::fingerprint(conn, &filters, &controls))
            .await?
    };
    let etag = fingerprint
        .as_ref()
        .map(|fingerprint| export_etag(req, controls.format, fingerprint));
    if let Some(etag) = &etag
        && none_match(req.headers(), etag)
    {
        return Ok(not_modified(etag));
    }
    if let (Format::Xlsx, Some(fingerprint)) = (controls.format, &fingerprint)
        && !xlsx::fits_in_a_sheet(fingerprint.rows)
    {
        return Err(too_many_rows_for_a_sheet(fingerprint.rows));
    }
    let (format, columns) = (controls.format, csv::columns::<V>());
    let next_batch = batches::<L, V>(state, filters, controls, view);
    let mut response = match format {
        Format::Csv { semicolon } => csv::response(name, columns, semicolon, next_batch).await?,
        _ => xlsx::response(name, columns, next_batch).await?,
    };
    if let Some(etag) = etag
        && let Ok(value) = HeaderValue::from_str(&etag)
    {
        response.headers_mut().insert(header::ETAG, value);
    }
    Ok(response)
}

/// The weak `ETag` of an export, known before a row is streamed: the list's
/// [`Fingerprint`] with everything else the file depends on (the query, the format,
/// whether it is the public's copy).
fn export_etag(req: &HttpRequest, format: Format, fingerprint: &Fingerprint) -> String {
    let public = crate::http::caller::is_public(req);
    let identity = format!(
        "{} {}?{} {format:?} public={public} {fingerprint:?}",
        req.method(),
        req.path(),
        req.query_string(),
    );
    content_etag(identity.as_bytes())
}

/// More rows match than an Excel worksheet holds: a 422 that points to the CSV export.
fn too_many_rows_for_a_sheet(rows: i64) -> ApiError {
    ApiError::Validation(vec![FieldError::with_message(
        "rows",
        "too_many_rows_for_xlsx",
        format!(
            "{rows} rows match, more than an Excel worksheet holds ({} below its header): \
             narrow the filters or use export.csv",
            xlsx::MAX_SHEET_ROWS - 1
        ),
    )])
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

/// One batch of an export being read: its rows and where the next batch starts.
type Batch<V> = std::pin::Pin<
    Box<dyn std::future::Future<Output = ApiResult<(Vec<V>, Option<CursorPosition>)>>>,
>;

/// The batches of an export: `next(after)` reads up to [`csv::BATCH_SIZE`] rows after the
/// cursor and says where the next batch starts (`None` after the last).
fn batches<L, V>(
    state: &AppState,
    filters: L::Filters,
    controls: ListControls<L::Sort>,
    view: impl Fn(L::Row) -> V + Clone + 'static,
) -> impl FnMut(Option<CursorPosition>) -> Batch<V> + 'static
where
    L: Listing,
    V: 'static,
{
    let db = state.db.clone();
    let sort = controls.sort;
    move |after: Option<CursorPosition>| {
        let (db, filters, controls) = (db.clone(), filters.clone(), controls.clone());
        let view = view.clone();
        Box::pin(async move {
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
        })
    }
}
