//! The agency list: filters, sorts, pages, cursors and CSV export.

use actix_web::{HttpRequest, HttpResponse, get};
use serde::Deserialize;
use utoipa::IntoParams;

use super::agencies::Agency;
use super::{AppState, listing};
use crate::domain::agency::{AgencyKind, validate_region_code};
use crate::error::{ApiResult, FieldError};
use crate::http::caller::RequestActor;
use crate::http::list_query::QueryPairs;
use crate::http::pagination::{
    CsvParams, DelimiterParams, ExportParams, ListControls, ListParams, Page, Presentation,
};
use crate::policy::{self, Action};
use crate::store::agencies::{self as store, AgencyFilters, AgencyList};
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

fn parse_list(
    req: &HttpRequest,
    presentation: Presentation,
) -> ApiResult<(AgencyFilters, ListControls<store::AgencySort>)> {
    let mut query = QueryPairs::parse(req.query_string())?;
    let controls =
        crate::http::pagination::take_controls(&mut query, store::DEFAULT_SORT, presentation);
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

super::listing::list_handler!(
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
list_agencies, "", |req| Presentation::PageOrCsv {
    accepts_csv: super::accepts_csv(&req),
});

super::listing::list_handler!(
/// Export agencies as CSV
///
/// Every agency the list's filters match, in its sort order, as one CSV file (UTF-8 with
/// a BOM; `delimiter=semicolon` for Indonesian-locale Excel). The same rows as
/// `GET /api/v1/agencies` with `Accept: text/csv`, as an operation of its own for
/// generated clients.
#[utoipa::path(
    tag = "agencies",
    operation_id = "export_agencies_csv",
    params(ExportParams, DelimiterParams, AgencyListParams),
    responses(
        (status = 200, description = "Every matching agency", content_type = "text/csv",
            body = String,
            headers(("ETag" = String, description = "Weak tag of this export: send it as `If-None-Match` to get a 304 while nothing changed"),
                    ("Content-Disposition" = String, description = "attachment; filename=\"agencies.csv\""))),
        (status = 304, description = "The export has not changed since the `If-None-Match` tag"),
        (status = 422, response = super::problems::ValidationFailed),
    ),
    security((), ("bearer_auth" = []))
)]
export_agencies_csv, "/export.csv", |req| Presentation::CsvExport);

super::listing::list_handler!(
/// Export agencies as XLSX
///
/// Every agency the list's filters match, in its sort order, as an Excel workbook: one
/// sheet with the CSV export's columns, cells typed (numbers, booleans, text; text is
/// never run as a formula). More rows than a worksheet holds (1,048,575 below the header)
/// is a 422 that points to `export.csv`.
#[utoipa::path(
    tag = "agencies",
    operation_id = "export_agencies_xlsx",
    params(ExportParams, AgencyListParams),
    responses(
        (status = 200, description = "Every matching agency, one row each",
            content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            body = String,
            headers(("ETag" = String, description = "Weak tag of this export: send it as `If-None-Match` to get a 304 while nothing changed"),
                    ("Content-Disposition" = String, description = "attachment; filename=\"agencies.xlsx\""))),
        (status = 304, description = "The export has not changed since the `If-None-Match` tag"),
        (status = 422, response = super::problems::ValidationFailed),
    ),
    security((), ("bearer_auth" = []))
)]
export_agencies_xlsx, "/export.xlsx", |req| Presentation::XlsxExport);

async fn answer(
    req: &HttpRequest,
    actor: RequestActor,
    state: &AppState,
    presentation: Presentation,
) -> ApiResult<HttpResponse> {
    policy::authorize(&actor.caller, Action::ReadAgencies)?;
    let (filters, controls) = parse_list(req, presentation)?;
    let caller = actor.caller;
    listing::respond::<AgencyList, _>(req, state, "agencies", filters, controls, move |row| {
        Agency::for_caller(row, &caller)
    })
    .await
}
