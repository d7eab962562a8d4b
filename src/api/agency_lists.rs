//! The agency list: filters, sorts, pages, cursors and CSV export.

use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::agencies::Agency;
use super::{AppState, list_response};
use crate::domain::agency::{AgencyKind, validate_region_code};
use crate::error::{ApiResult, FieldError};
use crate::http::caller::{Caller, RequestActor};
use crate::http::list_query::{Format, QueryPairs};
use crate::http::pagination::{CsvParams, ListControls, ListParams, Page};
use crate::policy::{self, Action};
use crate::store::agencies::{self as store, AgencyFilters};
/// Filters of the agency list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct AgencyListParams {
    /// One kind or several, comma-separated (`health_center,hospital`).
    #[param(inline, value_type = Option<Vec<AgencyKind>>, style = Form, explode = false, min_items = 1)]
    kind: Option<String>,
    #[param(minimum = 1)]
    parent_id: Option<i64>,
    active: Option<bool>,
    #[param(pattern = "^[0-9]{4}$", max_length = 4, example = "3305")]
    region_code: Option<String>,
    /// `name`, `code` or `created_at`; prefix `-` for descending. Default `name`.
    #[param(
        pattern = "^-?(name|code|created_at)$",
        max_length = 11,
        example = "-created_at"
    )]
    sort: Option<String>,
}

fn parse_list(req: &HttpRequest) -> ApiResult<(AgencyFilters, ListControls<store::AgencySort>)> {
    let mut query = QueryPairs::parse(req.query_string())?;
    let accepts_csv = super::accepts_csv(req);
    let controls =
        crate::http::pagination::take_controls(&mut query, store::DEFAULT_SORT, accepts_csv);
    let filters = AgencyFilters {
        kind: query.take_list("kind", AgencyKind::parse, AgencyKind::allowed),
        parent_id: query.take_i64("parent_id", 1, i64::MAX),
        active: query.take_bool("active"),
        region_code: query.take("region_code").and_then(|code| {
            if validate_region_code(&code).is_ok() {
                Some(code)
            } else {
                query.error(FieldError::new("region_code", "region_code_invalid"));
                None
            }
        }),
    };
    query.finish()?;
    Ok((filters, controls))
}

/// List agencies
///
/// Filters combine with AND. `Accept: text/csv` (or `format=csv`) returns every matching
/// agency as CSV instead of a page.
#[utoipa::path(
    tag = "agencies",
    operation_id = "list_agencies",
    params(ListParams, CsvParams, AgencyListParams),
    responses(
        (status = 200, description = "A page of agencies", body = Page<Agency>,
            headers(("ETag" = String, description = "Weak tag of this page"),
                    ("Link" = String, description = "RFC 8288 links: first, prev, next, last")),
            content((Page<Agency> = "application/json"), (String = "text/csv"))),
        (status = 304, description = "The page has not changed since the `If-None-Match` tag"),
        (status = 422, response = super::problems::ValidationFailed),
    ),
    security((), ("bearer_auth" = []))
)]
#[get("")]
pub async fn list_agencies(
    req: HttpRequest,
    actor: RequestActor,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    policy::authorize(&actor.caller, Action::ReadAgencies)?;
    let (filters, controls) = parse_list(&req)?;
    if let Format::Csv { semicolon } = controls.format {
        return csv_export(
            state.get_ref().clone(),
            actor.caller,
            filters,
            controls,
            semicolon,
        )
        .await;
    }
    let (rows, total) = {
        let (filters, controls) = (filters.clone(), controls.clone());
        state
            .db
            .read(move |conn| store::list(conn, &filters, &controls))
            .await?
    };
    let sort = controls.sort.field;
    let page = Page::from_rows(rows, total, &controls, |row| {
        (store::sort_key(row, sort), row.id)
    })
    .map(|row| Agency::for_caller(row, &actor.caller));
    list_response(&req, &state, &page)
}

async fn csv_export(
    state: AppState,
    caller: Caller,
    filters: AgencyFilters,
    controls: ListControls<store::AgencySort>,
    semicolon: bool,
) -> ApiResult<HttpResponse> {
    use crate::http::csv;
    use crate::http::pagination::CursorPosition;
    let sort = controls.sort;
    let next_batch = move |after: Option<CursorPosition>| {
        let (db, filters, controls) = (state.db.clone(), filters.clone(), controls.clone());
        let caller = caller.clone();
        async move {
            let rows = db
                .read(move |conn| {
                    store::page(
                        conn,
                        &filters,
                        &controls,
                        after.as_ref(),
                        csv::BATCH_SIZE,
                        0,
                    )
                })
                .await?;
            let next = csv::next_batch_start(&rows, sort, |row| {
                (store::sort_key(row, sort.field), row.id)
            });
            let agencies = rows.into_iter().map(|row| Agency::for_caller(row, &caller));
            Ok((agencies.collect::<Vec<_>>(), next))
        }
    };
    csv::response("agencies", csv::columns::<Agency>(), semicolon, next_batch).await
}
