//! `/api/v1/index-catalogues`: the yearly innovation index's catalogues of indicators,
//! one per year. Administrators write a draft whole, publish it (frozen from then on) or
//! copy a year into the next; everyone reads the published ones.

use super::prelude::*;

use super::index_catalogue_schema::{
    IndexCatalogue, IndexCatalogueCopy, IndexCatalogueInput, IndexCatalogueSummary,
};
use crate::db::{DbConnection, WriteContext};
use crate::domain::index::catalogue::CatalogueStatus;
use crate::http::list_query::QueryPairs;
use crate::http::pagination::take_sub_collection_controls;
use crate::store::index_catalogues::{self as store, StoredCatalogue};

pub fn configure(config: &mut utoipa_actix_web::service_config::ServiceConfig) {
    config
        .service(list_index_catalogues)
        .service(create_index_catalogue)
        .service(get_index_catalogue)
        .service(replace_index_catalogue)
        .service(delete_index_catalogue)
        .service(publish_index_catalogue)
        .service(copy_index_catalogue)
        .service(import_index_indicators);
}

/// Whether `caller` sees drafts (administrators); to anyone else a draft does not exist.
fn sees_drafts(caller: &Caller) -> bool {
    policy::authorize(caller, Action::ManageIndexCatalogues).is_ok()
}

/// An administrator's change of the catalogues, as one audited write (the handler has
/// authorized the caller before it looked at the request).
async fn manage<T: Send + 'static>(
    actor: &RequestActor,
    state: &AppState,
    change: impl FnOnce(&mut DbConnection, &WriteContext) -> ApiResult<T> + Send + 'static,
) -> ApiResult<T> {
    state.db.write(actor.write_context(), change).await
}

/// The catalogue as JSON with its version as `ETag`.
fn answer(
    req: &HttpRequest,
    response: actix_web::HttpResponseBuilder,
    stored: &StoredCatalogue,
) -> HttpResponse {
    json_with_etag(
        req,
        response,
        stored.row.version,
        &IndexCatalogue::from(stored),
    )
}

fn created(
    req: &HttpRequest,
    state: &AppState,
    stored: &StoredCatalogue,
) -> ApiResult<HttpResponse> {
    let response = super::created(state, "index-catalogues", stored.row.year);
    Ok(answer(req, response, stored))
}

/// List the catalogues
///
/// The published catalogues, oldest first; administrators also see drafts. `status`
/// filters (`draft`, `published`).
#[utoipa::path(
    tag = "index",
    operation_id = "list_index_catalogues",
    params(
        ("page" = Option<i64>, Query, minimum = 1, maximum = 2147483647),
        ("per_page" = Option<i64>, Query, minimum = 1, maximum = 100),
        ("cursor" = Option<String>, Query, max_length = 2048, pattern = "^(eyJ[A-Za-z0-9_-]*)?$",
            description = "Opaque keyset cursor from `next_cursor`; empty starts cursor mode"),
        ("status" = Option<Vec<CatalogueStatus>>, Query, explode = false, max_items = 2,
            description = "Only these statuses (comma-separated)"),
    ),
    responses(
        (status = 200, description = "A page of catalogues", body = Page<IndexCatalogueSummary>),
        (status = 304, description = "The page has not changed since the `If-None-Match` tag"),
        (status = 422, response = super::problems::ValidationFailed),
    ),
    security((), ("bearer_auth" = []))
)]
#[get("")]
pub async fn list_index_catalogues(
    req: HttpRequest,
    actor: RequestActor,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    policy::authorize(&actor.caller, Action::ReadIndexCatalogues)?;
    let mut query = QueryPairs::parse(req.query_string())?;
    let status = query.take_list("status", CatalogueStatus::parse, CatalogueStatus::allowed);
    let controls = take_sub_collection_controls(&mut query);
    query.finish()?;
    let drafts = sees_drafts(&actor.caller);
    let paging = controls.clone();
    let (rows, total) = state
        .db
        .read(move |conn| store::list(conn, status, drafts, &paging))
        .await?;
    let page = Page::by_id(rows, total, &controls, |row| row.id)
        .map(|row| IndexCatalogueSummary::from(&row));
    super::list_response(&req, &state, &page)
}

/// Create a draft catalogue
///
/// Administrators only. The whole content of a year's catalogue: its formula (aspect
/// weights in percent adding up to 100, the least divisor of the innovation aspect, grade
/// bands), variables, indicators and options. A draft may be incomplete; codes must be
/// unique in the catalogue. 409 if the year has a catalogue.
#[utoipa::path(
    tag = "index",
    operation_id = "create_index_catalogue",
    request_body(content = IndexCatalogueInput, content_type = "application/json"),
    responses(
        (status = 201, description = "The new draft", body = IndexCatalogue,
            headers(("Location" = String, description = "URL of the new catalogue"))),
        (status = 409, response = super::problems::Conflict),
    ),
)]
#[post("")]
pub async fn create_index_catalogue(
    req: HttpRequest,
    actor: RequestActor,
    state: web::Data<AppState>,
    JsonBody(input): JsonBody<IndexCatalogueInput>,
) -> ApiResult<HttpResponse> {
    policy::authorize(&actor.caller, Action::ManageIndexCatalogues)?;
    let (year, content) = input.into_content()?;
    let year = year.ok_or_else(|| ApiError::invalid_field("year", "required"))?;
    let stored = manage(&actor, &state, move |conn, context| {
        store::create(conn, context, year, &content, None)
    })
    .await?;
    created(&req, &state, &stored)
}

/// Get a year's catalogue
///
/// Its whole content, with the ids of its indicators and options (answers name them).
/// A draft is visible to administrators only (404 to anyone else).
#[utoipa::path(
    tag = "index",
    operation_id = "get_index_catalogue",
    params(("year" = i64, Path, minimum = 2000, maximum = 2100)),
    responses(
        (status = 200, description = "The catalogue", body = IndexCatalogue,
            headers(("ETag" = String, description = "The catalogue's version, quoted"))),
        (status = 304, description = "Unchanged since the `If-None-Match` tag"),
    ),
    security((), ("bearer_auth" = []))
)]
#[get("/{year}")]
pub async fn get_index_catalogue(
    req: HttpRequest,
    year: web::Path<i64>,
    actor: RequestActor,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    policy::authorize(&actor.caller, Action::ReadIndexCatalogues)?;
    let year = year.into_inner();
    let stored = state.db.read(move |conn| store::find(conn, year)).await?;
    if stored.row.status() == CatalogueStatus::Draft && !sees_drafts(&actor.caller) {
        return Err(ApiError::NotFound);
    }
    Ok(answer(&req, HttpResponse::Ok(), &stored))
}

/// Replace a draft catalogue
///
/// Administrators only. The draft's whole content, as on create (`year` absent or the
/// same); `If-Match` honoured. A published catalogue is a 409: copy it to a new year.
#[utoipa::path(
    tag = "index",
    operation_id = "replace_index_catalogue",
    params(("year" = i64, Path, minimum = 2000, maximum = 2100),
           ("If-Match" = Option<String>, Header, description = "The `ETag` the change is based on")),
    request_body(content = IndexCatalogueInput, content_type = "application/json"),
    responses(
        (status = 200, description = "The draft as replaced", body = IndexCatalogue),
        (status = 409, response = super::problems::Conflict),
    ),
)]
#[put("/{year}")]
pub async fn replace_index_catalogue(
    req: HttpRequest,
    year: web::Path<i64>,
    actor: RequestActor,
    IfMatch(expected): IfMatch,
    state: web::Data<AppState>,
    JsonBody(input): JsonBody<IndexCatalogueInput>,
) -> ApiResult<HttpResponse> {
    policy::authorize(&actor.caller, Action::ManageIndexCatalogues)?;
    let year = year.into_inner();
    let (given, content) = input.into_content()?;
    if given.is_some_and(|given| given != year) {
        return Err(ApiError::invalid_field("year", "year_mismatch"));
    }
    let stored = manage(&actor, &state, move |conn, context| {
        store::replace(conn, context, year, &expected, &content)
    })
    .await?;
    Ok(answer(&req, HttpResponse::Ok(), &stored))
}

/// Delete a draft catalogue
///
/// Administrators only: a mistaken draft. A published catalogue is a 409.
#[utoipa::path(
    tag = "index",
    operation_id = "delete_index_catalogue",
    params(("year" = i64, Path, minimum = 2000, maximum = 2100),
           ("If-Match" = Option<String>, Header, description = "The `ETag` the change is based on")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 409, response = super::problems::Conflict),
    ),
)]
#[delete("/{year}")]
pub async fn delete_index_catalogue(
    year: web::Path<i64>,
    actor: RequestActor,
    IfMatch(expected): IfMatch,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    policy::authorize(&actor.caller, Action::ManageIndexCatalogues)?;
    let year = year.into_inner();
    manage(&actor, &state, move |conn, context| {
        store::delete(conn, context, year, &expected)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Publish a draft catalogue
///
/// Administrators only. Checks what a catalogue must have to be answered: both aspects
/// with indicators, every variable with some, every indicator with at least two options,
/// a grade band from 0; a 422 lists each rule broken. Published, it is frozen.
#[utoipa::path(
    tag = "index",
    operation_id = "publish_index_catalogue",
    params(("year" = i64, Path, minimum = 2000, maximum = 2100),
           ("If-Match" = Option<String>, Header, description = "The `ETag` the change is based on")),
    responses(
        (status = 200, description = "The published catalogue", body = IndexCatalogue),
        (status = 409, response = super::problems::Conflict),
    ),
)]
#[post("/{year}/publish")]
pub async fn publish_index_catalogue(
    req: HttpRequest,
    state: web::Data<AppState>,
    actor: RequestActor,
    year: web::Path<i64>,
    IfMatch(expected): IfMatch,
) -> ApiResult<HttpResponse> {
    policy::authorize(&actor.caller, Action::ManageIndexCatalogues)?;
    let year = year.into_inner();
    let stored = manage(&actor, &state, move |conn, context| {
        store::publish(conn, context, year, &expected)
    })
    .await?;
    Ok(answer(&req, HttpResponse::Ok(), &stored))
}

/// Copy a catalogue to a new year
///
/// Administrators only. A new draft for `year` with this catalogue's content (its
/// `copied_from_year` says where it came from); 409 if that year has a catalogue.
#[utoipa::path(
    tag = "index",
    operation_id = "copy_index_catalogue",
    params(("year" = i64, Path, minimum = 2000, maximum = 2100,
        description = "The year copied from")),
    request_body(content = IndexCatalogueCopy, content_type = "application/json"),
    responses(
        (status = 409, response = super::problems::Conflict),
        (status = 201, description = "The copy: a draft", body = IndexCatalogue,
            headers(("Location" = String, description = "URL of the copy"))),
    ),
)]
#[post("/{year}/copy")]
pub async fn copy_index_catalogue(
    req: HttpRequest,
    year: web::Path<i64>,
    actor: RequestActor,
    state: web::Data<AppState>,
    JsonBody(target): JsonBody<IndexCatalogueCopy>,
) -> ApiResult<HttpResponse> {
    policy::authorize(&actor.caller, Action::ManageIndexCatalogues)?;
    if let Err(errors) = target.validate() {
        return Err(ApiError::Validation(field_errors_from_validator(&errors)));
    }
    let from = year.into_inner();
    let stored = manage(&actor, &state, move |conn, context| {
        store::copy(conn, context, from, target.year)
    })
    .await?;
    created(&req, &state, &stored)
}

/// What an indicator table did (or, in a dry run, would do) to a draft.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"dry_run": false, "rows": 18, "variables": 3, "indicators": 8,
    "options": 18, "version": 4}))]
pub struct IndicatorImportReport {
    pub dry_run: bool,
    /// Data rows in the file: one per option.
    #[schema(value_type = i64, minimum = 0, maximum = 20000)]
    pub rows: usize,
    #[schema(value_type = i64, minimum = 0, maximum = 20000)]
    pub variables: usize,
    #[schema(value_type = i64, minimum = 0, maximum = 20000)]
    pub indicators: usize,
    #[schema(value_type = i64, minimum = 0, maximum = 20000)]
    pub options: usize,
    /// The draft's version after the import (unchanged in a dry run): its `ETag`.
    pub version: i64,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct IndicatorImportParams {
    /// `true` checks every row and changes nothing.
    dry_run: Option<bool>,
}

/// Import a draft's indicators from CSV or XLSX
///
/// Administrators only. Replaces the draft's variables, indicators and options with a
/// table of one row per option: `variable_code`, `variable_name`, `aspect` (`government`
/// or `innovation`), `indicator_code`, `indicator_text`, `evidence_required` (`true`,
/// `false`, `1`, `0`; blank: false), `evidence_kinds` (document kinds separated by `|`;
/// blank: any), `option_label`, `option_weight`. A variable's and an indicator's columns
/// repeat on each of their rows and must agree. The body is CSV (UTF-8, `,` or `;`) or an
/// XLSX workbook (its first sheet). Every bad cell is listed at once (422); the formula is
/// kept. `If-Match` honoured.
#[utoipa::path(
    tag = "index",
    operation_id = "import_index_indicators",
    params(("year" = i64, Path, minimum = 2000, maximum = 2100),
           ("If-Match" = Option<String>, Header, description = "The `ETag` the change is based on"),
           IndicatorImportParams),
    request_body(content(
        (String = "text/csv",
            example = "variable_code,variable_name,aspect,indicator_code,indicator_text,evidence_required,evidence_kinds,option_label,option_weight\nK,Kematangan inovasi,innovation,K.1,Dasar hukum inovasi,true,decree,Belum ada,0\nK,Kematangan inovasi,innovation,K.1,Dasar hukum inovasi,true,decree,SK/Perbup Bupati,25\n"),
        (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    )),
    responses(
        (status = 200, description = "Imported, or (dry run) every row is good", body = IndicatorImportReport),
        (status = 409, response = super::problems::Conflict),
    ),
)]
#[put("/{year}/indicators")]
pub async fn import_index_indicators(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
    actor: RequestActor,
    IfMatch(expected): IfMatch,
    year: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    policy::authorize(&actor.caller, Action::ManageIndexCatalogues)?;
    let year = year.into_inner();
    let mut query = QueryPairs::parse(req.query_string())?;
    let dry_run = query.take_bool("dry_run").unwrap_or(false);
    query.finish()?;
    let format = crate::http::table::Format::of(&req)?;
    let body = crate::http::json_body::read_limited(payload, state.config.csv_limit).await?;
    // Reading a workbook is CPU work: off the async workers.
    let (rows, variables) = web::block(move || read_indicators(format, &body))
        .await
        .map_err(ApiError::internal)??;
    let count = |f: fn(&crate::domain::index::catalogue::Variable) -> usize| {
        variables.iter().map(f).sum::<usize>()
    };
    let indicators = count(|v| v.indicators.len());
    let options = count(|v| v.indicators.iter().map(|i| i.options.len()).sum());
    let variable_count = variables.len();
    let stored = manage(&actor, &state, move |conn, context| {
        store::replace_variables(conn, context, year, &expected, variables, dry_run)
    })
    .await?;
    Ok(HttpResponse::Ok().json(IndicatorImportReport {
        dry_run,
        rows,
        variables: variable_count,
        indicators,
        options,
        version: stored.row.version,
    }))
}

/// The variables of an indicator table, with its row count; every bad header or cell
/// refused at once.
fn read_indicators(
    format: crate::http::table::Format,
    bytes: &[u8],
) -> ApiResult<(usize, Vec<crate::domain::index::catalogue::Variable>)> {
    use crate::domain::index::catalogue_table::{COLUMNS, variables};
    use crate::error::RowError;
    let table = format.read(bytes)?;
    let mut errors = Vec::new();
    for (index, header) in table.headers.iter().enumerate() {
        if !COLUMNS.contains(&header.as_str()) {
            errors.push(RowError::new(1, header, "unknown_column"));
        } else if table.headers[..index].contains(header) {
            errors.push(RowError::new(1, header, "duplicate_column"));
        }
    }
    for required in COLUMNS {
        let optional = matches!(*required, "evidence_required" | "evidence_kinds");
        if !optional && !table.headers.iter().any(|h| h == required) {
            errors.push(RowError::new(1, required, "column_missing"));
        }
    }
    let count = table.records.len();
    if count > super::import::MAX_ROWS {
        errors.push(RowError::new(count + 1, "", "too_many_rows"));
    }
    if errors.is_empty() && count == 0 {
        errors.push(RowError::new(1, "", "no_rows"));
    }
    if !errors.is_empty() {
        return Err(ApiError::ImportRejected { rows: errors });
    }
    let mut rows = Vec::with_capacity(count);
    for (index, record) in table.records.into_iter().enumerate() {
        match record {
            Ok(cells) => rows.push((
                index + 2,
                table
                    .headers
                    .iter()
                    .map(String::as_str)
                    .zip(cells)
                    .collect(),
            )),
            Err(code) => errors.push(RowError::new(index + 2, "", code)),
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::ImportRejected { rows: errors });
    }
    variables(&rows)
        .map(|v| (count, v))
        .map_err(|problems| ApiError::ImportRejected {
            rows: problems
                .into_iter()
                .map(|p| RowError::new(p.row, p.column, p.code))
                .collect(),
        })
}
