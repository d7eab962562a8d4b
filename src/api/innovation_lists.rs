//! The innovation list: its filters (shared with the stats), sorts, pages, cursors and
//! CSV export.

use actix_web::{HttpRequest, HttpResponse, get};
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::IntoParams;

use super::innovations::Innovation;
use super::{AppState, listing};
use crate::domain::agency::AgencyKind;
use crate::domain::innovation::{InnovationForm, InnovationStatus};
use crate::domain::lab_stage::LabStage;
use crate::error::{ApiResult, FieldError};
use crate::http::caller::{Caller, RequestActor};
use crate::http::list_query::QueryPairs;
use crate::http::pagination::{
    CsvParams, DelimiterParams, ExportParams, ListControls, ListParams, Page, Presentation,
};
use crate::policy::{self, Action};
use crate::store::innovations::{self as store, InnovationFilters, InnovationList};
/// Filters of the innovation list (and of the stats).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct InnovationListParams {
    #[param(minimum = 1)]
    agency_id: Option<i64>,
    /// One agency kind or several, comma-separated.
    #[param(inline, value_type = Option<Vec<AgencyKind>>, style = Form, explode = false, min_items = 1)]
    agency_kind: Option<String>,
    #[param(minimum = 1)]
    cohort_id: Option<i64>,
    /// One stage or several, comma-separated (`delivery,display`).
    #[param(inline, value_type = Option<Vec<LabStage>>, style = Form, explode = false, min_items = 1)]
    lab_stage: Option<String>,
    /// One status or several, comma-separated.
    #[param(inline, value_type = Option<Vec<InnovationStatus>>, style = Form, explode = false, min_items = 1)]
    status: Option<String>,
    /// One form or several, comma-separated.
    #[param(inline, value_type = Option<Vec<InnovationForm>>, style = Form, explode = false, min_items = 1)]
    form: Option<String>,
    digital: Option<bool>,
    /// Launched on or after this date.
    launched_from: Option<NaiveDate>,
    /// Launched on or before this date.
    launched_to: Option<NaiveDate>,
}

/// Sort of the innovation list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct InnovationSortParam {
    /// `name` (default), `created_at`, `launched_on` (unlaunched last) or `lab_stage`
    /// (lifecycle order); prefix `-` for descending.
    #[param(
        pattern = "^-?(name|created_at|launched_on|lab_stage)$",
        max_length = 12
    )]
    sort: Option<String>,
}

/// Reads the filters shared by the list and the stats from `query`.
pub fn take_filters(query: &mut QueryPairs, caller: &Caller) -> InnovationFilters {
    let date = |query: &mut QueryPairs, name: &str| {
        query
            .take(name)
            .and_then(|text| match crate::domain::dates::parse_full_date(&text) {
                Some(day) if crate::domain::dates::plausible(&day) => Some(day),
                Some(_) => {
                    query.error(FieldError::new(name, "date_out_of_range"));
                    None
                }
                None => {
                    query.error(FieldError::new(name, "date_invalid"));
                    None
                }
            })
    };
    InnovationFilters {
        agency_id: query.take_i64("agency_id", 1, i64::MAX),
        agency_kind: query.take_list("agency_kind", AgencyKind::parse, AgencyKind::allowed),
        cohort_id: query.take_i64("cohort_id", 1, i64::MAX),
        lab_stage: query.take_list("lab_stage", LabStage::parse, LabStage::allowed),
        status: query.take_list("status", InnovationStatus::parse, InnovationStatus::allowed),
        form: query.take_list("form", InnovationForm::parse, InnovationForm::allowed),
        digital: query.take_bool("digital"),
        launched_from: date(query, "launched_from"),
        launched_to: date(query, "launched_to"),
        q: None,
        updated_since: None,
        launched_only: !policy::may_see_internal_innovations(caller),
    }
}

fn parse_list(
    req: &HttpRequest,
    caller: &Caller,
    presentation: Presentation,
) -> ApiResult<(InnovationFilters, ListControls<store::InnovationSort>)> {
    let mut query = QueryPairs::parse(req.query_string())?;
    let controls =
        crate::http::pagination::take_controls(&mut query, store::DEFAULT_SORT, presentation);
    let mut filters = take_filters(&mut query, caller);
    filters.q = controls.q.clone();
    filters.updated_since = controls.updated_since;
    query.finish()?;
    Ok((filters, controls))
}

super::listing::list_handler!(
/// List innovations
///
/// Anonymous callers see launched innovations only (`delivery`, `display`). `Accept:
/// text/csv` (or `format=csv`) returns every matching innovation as CSV, with agency code
/// and name and cohort name.
#[utoipa::path(
    tag = "innovations",
    operation_id = "list_innovations",
    params(ListParams, CsvParams, InnovationListParams, InnovationSortParam),
    responses(
        (status = 200, description = "A page of innovations", body = Page<Innovation>,
            headers(("ETag" = String, description = "Weak tag of this page"),
                    ("Link" = String, description = "RFC 8288 links: first, prev, next, last")),
            content((Page<Innovation> = "application/json"), (String = "text/csv"))),
        (status = 304, description = "The page has not changed since the `If-None-Match` tag"),
        (status = 422, response = super::problems::ValidationFailed),
    ),
    security((), ("bearer_auth" = []))
)]
list_innovations, "", |req| Presentation::PageOrCsv {
    accepts_csv: super::accepts_csv(&req),
});

super::listing::list_handler!(
/// Export innovations as CSV
///
/// Every innovation the list's filters match, in its sort order, as one CSV file (UTF-8
/// with a BOM; `delimiter=semicolon` for Indonesian-locale Excel), with agency code and
/// name and cohort name. The same rows as `GET /api/v1/innovations` with `Accept:
/// text/csv`, as an operation of its own for generated clients.
#[utoipa::path(
    tag = "innovations",
    operation_id = "export_innovations_csv",
    params(ExportParams, DelimiterParams, InnovationListParams, InnovationSortParam),
    responses(
        (status = 200, description = "Every matching innovation", content_type = "text/csv",
            body = String,
            headers(("ETag" = String, description = "Weak tag of this export: send it as `If-None-Match` to get a 304 while nothing changed"),
                    ("Content-Disposition" = String, description = "attachment; filename=\"innovations.csv\""))),
        (status = 304, description = "The export has not changed since the `If-None-Match` tag"),
        (status = 422, response = super::problems::ValidationFailed),
    ),
    security((), ("bearer_auth" = []))
)]
export_innovations_csv, "/export.csv", |req| Presentation::CsvExport);

super::listing::list_handler!(
/// Export innovations as XLSX
///
/// Every innovation the list's filters match, in its sort order, as an Excel workbook: one
/// sheet with the CSV export's columns, cells typed (numbers, booleans, text; text is
/// never run as a formula). More rows than a worksheet holds (1,048,575 below the header)
/// is a 422 that points to `export.csv`.
#[utoipa::path(
    tag = "innovations",
    operation_id = "export_innovations_xlsx",
    params(ExportParams, InnovationListParams, InnovationSortParam),
    responses(
        (status = 200, description = "Every matching innovation, one row each",
            content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            body = String,
            headers(("ETag" = String, description = "Weak tag of this export: send it as `If-None-Match` to get a 304 while nothing changed"),
                    ("Content-Disposition" = String, description = "attachment; filename=\"innovations.xlsx\""))),
        (status = 304, description = "The export has not changed since the `If-None-Match` tag"),
        (status = 422, response = super::problems::ValidationFailed),
    ),
    security((), ("bearer_auth" = []))
)]
export_innovations_xlsx, "/export.xlsx", |req| Presentation::XlsxExport);

async fn answer(
    req: &HttpRequest,
    actor: RequestActor,
    state: &AppState,
    presentation: Presentation,
) -> ApiResult<HttpResponse> {
    policy::authorize(&actor.caller, Action::ReadInnovations)?;
    let (filters, controls) = parse_list(req, &actor.caller, presentation)?;
    listing::respond::<InnovationList, _>(
        req,
        state,
        "innovations",
        filters,
        controls,
        Innovation::from,
    )
    .await
}
