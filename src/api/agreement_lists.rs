//! The agreement list: filters, sorts, pages, cursors and CSV export.

use actix_web::{HttpRequest, HttpResponse, get};
use serde::Deserialize;
use utoipa::IntoParams;

use super::agreements::Agreement;
use super::{AppState, listing};
use crate::domain::agreement::AgreementStatus;
use crate::error::ApiResult;
use crate::http::caller::{Caller, RequestActor};
use crate::http::list_query::QueryPairs;
use crate::http::pagination::{
    CsvParams, DelimiterParams, ExportParams, ListControls, ListParams, Page, Presentation,
};
use crate::policy::{self, Action};
use crate::store::agreements::{self as store, AgreementFilters, AgreementList};
/// Filters of the agreement list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct AgreementListParams {
    #[param(minimum = 1)]
    agency_id: Option<i64>,
    #[param(minimum = 2000, maximum = 2100)]
    year: Option<i64>,
    /// One status or several, comma-separated.
    #[param(inline, value_type = Option<Vec<AgreementStatus>>, style = Form, explode = false, min_items = 1)]
    status: Option<String>,
    /// `number` (default) or `created_at`; prefix `-` for descending.
    #[param(pattern = "^-?(number|created_at)$", max_length = 11)]
    sort: Option<String>,
}

fn parse_list(
    req: &HttpRequest,
    caller: &Caller,
    presentation: Presentation,
) -> ApiResult<(AgreementFilters, ListControls<store::AgreementSort>)> {
    let mut query = QueryPairs::parse(req.query_string())?;
    let controls =
        crate::http::pagination::take_controls(&mut query, store::DEFAULT_SORT, presentation);
    let filters = AgreementFilters {
        agency_id: query.take_i64("agency_id", 1, i64::MAX),
        year: query.take_i64("year", 2000, 2100),
        status: query.take_list("status", AgreementStatus::parse, AgreementStatus::allowed),
        q: controls.q.clone(),
        updated_since: controls.updated_since,
        public_only: !policy::may_see_unsigned_agreements(caller),
    };
    query.finish()?;
    Ok((filters, controls))
}

super::listing::list_handler!(
/// List agreements
///
/// The public sees signed and superseded agreements (public records); signed-in callers
/// see drafts and cancelled ones too. `q` searches number and statement. CSV with
/// `Accept: text/csv`.
#[utoipa::path(
    tag = "agreements",
    operation_id = "list_performance_agreements",
    params(ListParams, CsvParams, AgreementListParams),
    responses(
        (status = 200, description = "A page of agreements", body = Page<Agreement>,
            content((Page<Agreement> = "application/json"), (String = "text/csv"))),
        (status = 304, description = "The page has not changed since the `If-None-Match` tag"),
        (status = 422, response = super::problems::ValidationFailed),
    ),
    security((), ("bearer_auth" = []))
)]
list_agreements, "", |req| Presentation::PageOrCsv {
    accepts_csv: super::accepts_csv(&req),
});

super::listing::list_handler!(
/// Export agreements as CSV
///
/// Every agreement the list's filters match, in its sort order, as one CSV file (UTF-8
/// with a BOM; `delimiter=semicolon` for Indonesian-locale Excel). The same rows as
/// `GET /api/v1/performance-agreements` with `Accept: text/csv`, as an operation of its
/// own for generated clients.
#[utoipa::path(
    tag = "agreements",
    operation_id = "export_performance_agreements_csv",
    params(ExportParams, DelimiterParams, AgreementListParams),
    responses(
        (status = 200, description = "Every matching agreement", content_type = "text/csv",
            body = String,
            headers(("ETag" = String, description = "Weak tag of this export: send it as `If-None-Match` to get a 304 while nothing changed"),
                    ("Content-Disposition" = String, description = "attachment; filename=\"performance-agreements.csv\""))),
        (status = 304, description = "The export has not changed since the `If-None-Match` tag"),
        (status = 422, response = super::problems::ValidationFailed),
    ),
    security((), ("bearer_auth" = []))
)]
export_agreements_csv, "/export.csv", |req| Presentation::CsvExport);

super::listing::list_handler!(
/// Export performance agreements as XLSX
///
/// Every agreement the list's filters match, in its sort order, as an Excel workbook: one
/// sheet with the CSV export's columns, cells typed (numbers, booleans, text; text is
/// never run as a formula). More rows than a worksheet holds (1,048,575 below the header)
/// is a 422 that points to `export.csv`.
#[utoipa::path(
    tag = "agreements",
    operation_id = "export_performance_agreements_xlsx",
    params(ExportParams, AgreementListParams),
    responses(
        (status = 200, description = "Every matching agreement, one row each",
            content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            body = String,
            headers(("ETag" = String, description = "Weak tag of this export: send it as `If-None-Match` to get a 304 while nothing changed"),
                    ("Content-Disposition" = String, description = "attachment; filename=\"performance-agreements.xlsx\""))),
        (status = 304, description = "The export has not changed since the `If-None-Match` tag"),
        (status = 422, response = super::problems::ValidationFailed),
    ),
    security((), ("bearer_auth" = []))
)]
export_agreements_xlsx, "/export.xlsx", |req| Presentation::XlsxExport);

async fn answer(
    req: &HttpRequest,
    actor: RequestActor,
    state: &AppState,
    presentation: Presentation,
) -> ApiResult<HttpResponse> {
    policy::authorize(&actor.caller, Action::ReadAgreements)?;
    let (filters, controls) = parse_list(req, &actor.caller, presentation)?;
    let caller = actor.caller;
    listing::respond::<AgreementList, _>(
        req,
        state,
        "performance-agreements",
        filters,
        controls,
        move |row| Agreement::for_caller(row, None, &caller),
    )
    .await
}
