//! Loading a cohort's innovations from a spreadsheet (CSV), for the API and the command
//! line alike. Import only creates: every row is validated (the body's rules, then the
//! database's: agency codes, names taken), every bad row is reported at once, and the rows
//! are written in one transaction or not at all.

use std::collections::{HashMap, HashSet};

use actix_web::{HttpRequest, HttpResponse, post, web};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::AppState;
use super::innovations::InnovationInput;
use crate::db::{DbConnection, WriteContext};
use crate::domain::lab_stage::LabStage;
use crate::domain::spreadsheet;
use crate::domain::text::optional_text;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::http::caller::RequestActor;
use crate::http::list_query::QueryPairs;
use crate::policy::{self, Action};
use crate::store::innovations::InnovationDraft;
use crate::store::{agencies, cohorts, innovations};

/// Columns an import reads. The export's other columns (ids, versions, timestamps, names of
/// the agency and cohort) are accepted and ignored, so an export can be imported again.
const READ: &[&str] = &[
    "name",
    "agency_code",
    "acronym_expansion",
    "initiator_type",
    "initiator_name",
    "form",
    "digital",
    "government_affairs",
    "problem",
    "approach",
    "goals",
    "benefits",
    "results",
    "beneficiaries",
    "beneficiaries_target",
    "trial_on",
    "status",
    "lab_stage",
    "launched_on",
];
const IGNORED: &[&str] = &[
    "id",
    "version",
    "created_at",
    "updated_at",
    "cohort_id",
    "cohort_name",
    "agency_id",
    "agency_name",
];

pub use crate::error::RowError;

/// What an import did (or, in a dry run, would do).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"dry_run": false, "rows": 182, "created": 182, "innovation_ids": [1, 2, 3]}))]
pub struct ImportReport {
    pub dry_run: bool,
    /// Data rows in the file.
    pub rows: usize,
    /// Innovations created (0 in a dry run).
    pub created: usize,
    pub innovation_ids: Vec<i64>,
}

/// A row that passed every check that needs no database.
struct ParsedRow {
    row: usize,
    agency_code: String,
    input: InnovationInput,
    stage: LabStage,
    launched_on: Option<NaiveDate>,
}

/// Most rows one import takes; a larger file is split first.
pub const MAX_ROWS: usize = 20_000;
/// Most problems one answer lists (sorted by row); a file with more is fixed in rounds.
const MAX_ERRORS: usize = 1_000;

/// A read file: the rows that passed every check that needs no database, and the problems
/// of the others.
pub struct ParsedFile {
    rows: Vec<ParsedRow>,
    errors: Vec<RowError>,
    /// The agency code and name of each bad row, so that the database's objections to them
    /// are reported in the same answer ("fix the file in one pass").
    bad_rows: Vec<(usize, String, String)>,
    count: usize,
}

/// A reader of an uploaded file: [`parse`] (CSV) or [`parse_xlsx`].
pub type FileReader = fn(&[u8], &dyn Fn(usize)) -> Result<ParsedFile, ApiError>;

/// Reads a CSV file: every row into an input, listing every bad one. A header that cannot
/// be used is refused at once. `progress` hears each row as it is read.
pub fn parse(bytes: &[u8], progress: &dyn Fn(usize)) -> Result<ParsedFile, ApiError> {
    let table = crate::http::table::read_csv(bytes)?;
    parse_table(table.headers, table.records.into_iter(), progress)
}

/// Reads the first sheet of an XLSX workbook as [`parse`] reads a CSV file (the same
/// columns and rules; cells are taken as they are: an XLSX export guards nothing).
pub fn parse_xlsx(bytes: &[u8], progress: &dyn Fn(usize)) -> Result<ParsedFile, ApiError> {
    let table = crate::http::table::read_xlsx(bytes)?;
    parse_table(table.headers, table.records.into_iter(), progress)
}

/// The rows of a table whose first row was `headers`, each record's cells in column order
/// (or the code of why the record could not be read).
fn parse_table(
    headers: Vec<String>,
    records: impl Iterator<Item = Result<Vec<String>, &'static str>>,
    progress: &dyn Fn(usize),
) -> Result<ParsedFile, ApiError> {
    let refuse = |errors: Vec<RowError>| ApiError::ImportRejected { rows: errors };
    let mut errors = Vec::new();
    for (index, header) in headers.iter().enumerate() {
        if !READ.contains(&header.as_str()) && !IGNORED.contains(&header.as_str()) {
            errors.push(RowError::new(1, header, "unknown_column"));
        } else if headers[..index].contains(header) {
            errors.push(RowError::new(1, header, "duplicate_column"));
        }
    }
    for required in ["name", "agency_code", "initiator_type", "form"] {
        if !headers.iter().any(|h| h == required) {
            errors.push(RowError::new(1, required, "column_missing"));
        }
    }
    if !errors.is_empty() {
        return Err(refuse(errors));
    }
    let mut rows = Vec::new();
    let mut bad_rows = Vec::new();
    let mut count = 0;
    for (index, record) in records.enumerate() {
        let row = index + 2;
        count = index + 1;
        if count > MAX_ROWS {
            return Err(refuse(vec![RowError::new(row, "", "too_many_rows")]));
        }
        progress(count);
        let record = match record {
            Ok(record) => record,
            Err(code) => {
                errors.push(RowError::new(row, "", code));
                continue;
            }
        };
        let cells: HashMap<&str, String> = headers.iter().map(String::as_str).zip(record).collect();
        match parse_row(row, &cells) {
            Ok(parsed) => rows.push(parsed),
            Err(row_errors) => {
                // A cell with U+0000 is already reported, and must not reach the database.
                let cell = |column: &str| {
                    cells
                        .get(column)
                        .map(|v| v.trim().to_owned())
                        .filter(|v| !v.contains('\0'))
                        .unwrap_or_default()
                };
                bad_rows.push((row, cell("agency_code"), cell("name")));
                errors.extend(row_errors);
            }
        }
    }
    if count == 0 {
        return Err(refuse(vec![RowError::new(1, "", "no_rows")]));
    }
    Ok(ParsedFile {
        rows,
        errors,
        bad_rows,
        count,
    })
}

fn parse_row(row: usize, cells: &HashMap<&str, String>) -> Result<ParsedRow, Vec<RowError>> {
    let text = |column: &str| {
        cells
            .get(column)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    // Free text is taken as the cell has it (a leading tab or space included), so an
    // export imported again reproduces it; a blank cell is null, as the API stores it.
    let free_text = |column: &str| optional_text(cells.get(column).cloned());
    let mut errors = Vec::new();
    // Text with U+0000 cannot be stored (PostgreSQL refuses it); name the cell.
    for (column, value) in cells {
        if value.contains('\0') {
            errors.push(RowError::new(row, column, "invalid_characters"));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut date = |column: &str| {
        text(column).and_then(|value| match value.parse::<NaiveDate>() {
            Ok(day) if crate::domain::dates::plausible(&day) => Some(day),
            _ => {
                errors.push(RowError::new(row, column, "date_invalid"));
                None
            }
        })
    };
    let trial_on = date("trial_on");
    let launched_on = date("launched_on");
    let digital = match text("digital").as_deref().map(spreadsheet::boolean) {
        None => Some(false),
        Some(Some(digital)) => Some(digital),
        Some(None) => {
            errors.push(RowError::new(row, "digital", "invalid_boolean"));
            None
        }
    };
    let beneficiaries_target =
        text("beneficiaries_target").and_then(|value| match spreadsheet::integer(&value) {
            Some(n) => Some(n),
            None => {
                errors.push(RowError::new(
                    row,
                    "beneficiaries_target",
                    "invalid_integer",
                ));
                None
            }
        });
    let stage = match text("lab_stage") {
        None => Some(LabStage::DrumUp),
        Some(value) => LabStage::parse(&value).or_else(|| {
            errors.push(RowError::new(row, "lab_stage", "invalid_choice"));
            None
        }),
    };
    let input = InnovationInput {
        // The cohort comes from the request; a placeholder passes the field's own rule.
        cohort_id: Some(1),
        agency_id: Some(1),
        name: text("name"),
        acronym_expansion: free_text("acronym_expansion"),
        initiator_type: text("initiator_type"),
        initiator_name: free_text("initiator_name"),
        form: text("form"),
        digital,
        government_affairs: text("government_affairs").map(|list| {
            list.split('|')
                .map(|a| a.trim().to_owned())
                .filter(|a| !a.is_empty())
                .collect()
        }),
        problem: free_text("problem"),
        approach: free_text("approach"),
        goals: free_text("goals"),
        benefits: free_text("benefits"),
        results: free_text("results"),
        beneficiaries: free_text("beneficiaries"),
        beneficiaries_target,
        trial_on,
        status: Some(text("status").unwrap_or_else(|| "draft".into())),
    };
    if let Err(field_errors) = input.clone().into_draft() {
        errors.extend(field_errors.into_iter().map(|e| RowError {
            row,
            column: e.field,
            code: e.code,
            message: e.message,
        }));
    }
    let agency_code = text("agency_code").unwrap_or_else(|| {
        errors.push(RowError::new(row, "agency_code", "required"));
        String::new()
    });
    if let (Some(stage), Some(_)) = (stage, launched_on)
        && !stage.is_launched()
    {
        errors.push(RowError::new(
            row,
            "launched_on",
            "launched_on_not_delivery",
        ));
    }
    match (errors.is_empty(), stage) {
        (true, Some(stage)) => Ok(ParsedRow {
            row,
            agency_code,
            input,
            stage,
            launched_on,
        }),
        _ => Err(errors),
    }
}

/// A row ready to be created.
type Ready = (InnovationDraft, LabStage, Option<NaiveDate>);

/// Checks the rows against the database: agencies by code, names not taken (in the cohort
/// or earlier in the file). Adds what is wrong to `errors`.
fn check(
    conn: &mut DbConnection,
    cohort_id: i64,
    rows: Vec<ParsedRow>,
    bad_rows: &[(usize, String, String)],
    today: NaiveDate,
    errors: &mut Vec<RowError>,
) -> ApiResult<Vec<Ready>> {
    if !cohorts::exists(conn, cohort_id)? {
        return Err(ApiError::invalid_field("cohort_id", "cohort_not_found"));
    }
    for (row, agency_code, name) in bad_rows {
        if !agency_code.is_empty() {
            match agencies::find_by_code(conn, agency_code)? {
                None => errors.push(RowError::new(*row, "agency_code", "agency_not_found")),
                Some(agency) if !agency.active => {
                    errors.push(RowError::new(*row, "agency_code", "agency_inactive"))
                }
                Some(_) => {}
            }
        }
        if !name.is_empty() && innovations::name_taken(conn, cohort_id, name)? {
            errors.push(RowError::new(*row, "name", "duplicate"));
        }
    }
    let mut agency_ids: HashMap<String, Option<i64>> = HashMap::new();
    let mut names_in_file: HashSet<String> = HashSet::new();
    let mut ready = Vec::with_capacity(rows.len());
    for parsed in rows {
        let agency_id = match agency_ids.get(&parsed.agency_code) {
            Some(known) => *known,
            None => {
                let found = match agencies::find_by_code(conn, &parsed.agency_code)? {
                    Some(agency) if agency.active => Some(agency.id),
                    Some(_) => None,
                    None => None,
                };
                agency_ids.insert(parsed.agency_code.clone(), found);
                found
            }
        };
        if agency_id.is_none() {
            let code = match agencies::find_by_code(conn, &parsed.agency_code)? {
                Some(_) => "agency_inactive",
                None => "agency_not_found",
            };
            errors.push(RowError::new(parsed.row, "agency_code", code));
        }
        let name = parsed.input.name.clone().unwrap_or_default();
        // Compared as the registry compares them: ignoring case, width and spacing.
        if !names_in_file.insert(crate::domain::text::name_key(&name)) {
            errors.push(RowError::new(parsed.row, "name", "duplicate_in_file"));
        } else if innovations::name_taken(conn, cohort_id, &name)? {
            errors.push(RowError::new(parsed.row, "name", "duplicate"));
        }
        let input = InnovationInput {
            cohort_id: Some(cohort_id),
            agency_id: agency_id.or(Some(1)),
            ..parsed.input
        };
        let Ok(draft) = input.into_draft() else {
            continue;
        };
        let launched_on =
            crate::domain::lab_stage::launch_on_arrival(parsed.stage, parsed.launched_on, today);
        ready.push((draft, parsed.stage, launched_on));
    }
    Ok(ready)
}

fn rejected(mut errors: Vec<RowError>) -> ApiError {
    errors.sort_by(|a, b| (a.row, &a.column).cmp(&(b.row, &b.column)));
    errors.truncate(MAX_ERRORS);
    ApiError::ImportRejected { rows: errors }
}

/// Checks `file` against the database and, unless `dry_run` or anything is wrong, creates
/// every row in one transaction (a dry run only reads, and takes no writer's turn).
pub async fn import_file(
    state: &AppState,
    context: WriteContext,
    cohort_id: i64,
    file: ParsedFile,
    dry_run: bool,
) -> ApiResult<ImportReport> {
    let ParsedFile {
        rows,
        mut errors,
        bad_rows,
        count,
    } = file;
    let today = state.config.today();
    if dry_run {
        let errors = state
            .db
            .read(move |conn| {
                check(conn, cohort_id, rows, &bad_rows, today, &mut errors)?;
                Ok(errors)
            })
            .await?;
        if !errors.is_empty() {
            return Err(rejected(errors));
        }
        return Ok(ImportReport {
            dry_run,
            rows: count,
            created: 0,
            innovation_ids: Vec::new(),
        });
    }
    let ids = state
        .db
        .write(context, move |conn, context| {
            let ready = check(conn, cohort_id, rows, &bad_rows, today, &mut errors)?;
            if !errors.is_empty() {
                return Err(rejected(errors));
            }
            let mut ids = Vec::with_capacity(ready.len());
            for (draft, stage, launched_on) in ready {
                ids.push(
                    innovations::insert(conn, context, draft, stage, launched_on, "imported")?.id,
                );
            }
            Ok(ids)
        })
        .await?;
    Ok(ImportReport {
        dry_run,
        rows: count,
        created: ids.len(),
        innovation_ids: ids,
    })
}

// ---- the HTTP operation ----

/// Where and how to import.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct ImportParams {
    /// The cohort the innovations join.
    #[param(minimum = 1)]
    cohort_id: i64,
    /// `true` checks every row and changes nothing.
    dry_run: Option<bool>,
}

/// Import innovations from CSV or XLSX
///
/// Administrators only. The body is CSV (UTF-8, `,` or `;`) or an XLSX workbook (its first
/// sheet) with the export's columns:
/// agencies by `agency_code`; `id`, `version`, timestamps and names of the agency and cohort
/// are ignored; `lab_stage` is optional (default `drum_up`). Import only creates. Every row
/// is checked and every bad row listed (`row_errors`, 422); otherwise all rows are created in
/// one transaction, each with a transition into its starting stage (note `imported`).
/// `dry_run=true` checks and changes nothing.
#[utoipa::path(
    tag = "innovations",
    operation_id = "import_innovations",
    params(ImportParams),
    request_body(content(
        (String = "text/csv",
            example = "name,agency_code,initiator_type,form,lab_stage\nELEGAN,BAG-HUKUM,agency,governance,delivery\n"),
        (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    )),
    responses(
        (status = 200, description = "Dry run: every row is good", body = ImportReport),
        (status = 201, description = "Imported", body = ImportReport),
    ),
)]
#[post("/import")]
pub async fn import_innovations(
    req: HttpRequest,
    payload: web::Payload,
    actor: RequestActor,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    policy::authorize(&actor.caller, Action::ImportInnovations)?;
    let mut query = QueryPairs::parse(req.query_string())?;
    let cohort_id = query.take_i64("cohort_id", 1, i64::MAX);
    let dry_run = query.take_bool("dry_run").unwrap_or(false);
    if cohort_id.is_none() {
        query.error(FieldError::new("cohort_id", "required"));
    }
    query.finish()?;
    let cohort_id = cohort_id.ok_or_else(|| ApiError::invalid_field("cohort_id", "required"))?;
    let read: FileReader = match crate::http::table::Format::of(&req)? {
        crate::http::table::Format::Csv => parse,
        crate::http::table::Format::Xlsx => parse_xlsx,
    };
    let body = crate::http::json_body::read_limited(payload, state.config.csv_limit).await?;
    // Parsing a large file is CPU work: off the async workers.
    let file = web::block(move || read(&body, &|_| {}))
        .await
        .map_err(ApiError::internal)??;
    let report = import_file(&state, actor.write_context(), cohort_id, file, dry_run).await?;
    let status = if dry_run {
        actix_web::http::StatusCode::OK
    } else {
        actix_web::http::StatusCode::CREATED
    };
    Ok(HttpResponse::build(status).json(report))
}
