//! Operator tasks at the command line: the first administrator, and machine clients.
//! They go through the same rules and write path (with an audit event) as the API.

use std::io::{BufRead, IsTerminal};

use crate::api::AppState;
use crate::auth::secrets::{random_token, sha256_hex};
use crate::db::WriteContext;
use crate::domain::account::{
    CLIENT_NAME_MAX, DISPLAY_NAME_MAX, Role, normalise_username, password_problem,
    validate_username,
};
use crate::domain::caller::Caller;
use crate::error::{ApiError, ApiResult, message};
use crate::store::accounts::AccountFields;
use crate::store::{accounts, agencies};

pub mod storage;

fn context(task: &str) -> WriteContext {
    WriteContext {
        caller: Caller::System,
        request_id: format!("cli-{task}-{}", uuid::Uuid::new_v4()),
        idempotency: None,
    }
}

/// Reads a new password: twice at a prompt on a terminal, else one line of stdin (for
/// scripts: `printf '%s\n' "$PASSWORD" | inovik create-user ...`). Never from a flag, where
/// it would land in the shell history and the process list.
pub fn read_password() -> Result<String, String> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("New password: ").map_err(|e| e.to_string())?;
        let second = rpassword::prompt_password("Repeat it: ").map_err(|e| e.to_string())?;
        if first != second {
            return Err("the two passwords differ".into());
        }
        Ok(first)
    } else {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| format!("cannot read the password from stdin: {e}"))?;
        Ok(line.trim_end_matches(['\r', '\n']).to_owned())
    }
}

async fn agency_id(state: &AppState, agency_code: Option<String>) -> ApiResult<Option<i64>> {
    let Some(code) = agency_code else {
        return Ok(None);
    };
    let found = state
        .db
        .read(move |conn| agencies::find_by_code(conn, &code))
        .await?;
    found
        .map(|agency| Some(agency.id))
        .ok_or_else(|| ApiError::invalid_field("agency_code", "agency_not_found"))
}

/// A display name or client name as the API takes it: not blank, at most `max` characters.
fn account_name(flag: &str, name: String, max: u64) -> Result<String, String> {
    let length = name.chars().count() as u64;
    if crate::domain::text::not_blank(&name).is_err() || length > max {
        return Err(format!(
            "{flag} must be 1 to {max} characters and not blank"
        ));
    }
    Ok(name)
}

fn describe(error: ApiError) -> String {
    match error {
        ApiError::Validation(errors) => errors
            .iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    }
}

/// Creates a user; returns a one-line report.
pub async fn create_user(
    state: &AppState,
    username: &str,
    display_name: Option<String>,
    role: &str,
    agency_code: Option<String>,
    password: String,
) -> Result<String, String> {
    let role =
        Role::parse(role).ok_or_else(|| format!("--role must be one of: {}", Role::allowed()))?;
    validate_username(username)
        .map_err(|_| format!("--username {}", message("username_invalid", &[])))?;
    if let Some(code) = password_problem(&password, Some(username)) {
        return Err(format!("the password {}", message(code, &[])));
    }
    let username = normalise_username(username);
    let display_name = display_name
        .map(|name| account_name("--display-name", name, DISPLAY_NAME_MAX))
        .transpose()?;
    let fields = AccountFields {
        name: display_name.unwrap_or_else(|| username.clone()),
        role,
        agency_id: agency_id(state, agency_code).await.map_err(describe)?,
        active: true,
    };
    let hash = state.passwords.hash(password).await.map_err(describe)?;
    let row = state
        .db
        .write(context("create-user"), move |conn, context| {
            let errors = accounts::check_agency(conn, &fields)?;
            if !errors.is_empty() {
                return Err(ApiError::Validation(errors));
            }
            accounts::insert_user(conn, context, &username, &fields, &hash)
        })
        .await
        .map_err(describe)?;
    Ok(format!(
        "created user {} (id {}, role {})",
        row.username, row.id, row.role
    ))
}

/// Creates an API client; returns its client id and secret (shown only now).
pub async fn create_client(
    state: &AppState,
    name: String,
    role: &str,
    agency_code: Option<String>,
) -> Result<String, String> {
    let role =
        Role::parse(role).ok_or_else(|| format!("--role must be one of: {}", Role::allowed()))?;
    let fields = AccountFields {
        name: account_name("--name", name, CLIENT_NAME_MAX)?,
        role,
        agency_id: agency_id(state, agency_code).await.map_err(describe)?,
        active: true,
    };
    let secret = random_token(32);
    let hash = state
        .passwords
        .hash(secret.clone())
        .await
        .map_err(describe)?;
    let client_id = format!("ck_{}", &sha256_hex(&random_token(16))[..16]);
    let row = state
        .db
        .write(context("create-client"), move |conn, context| {
            let errors = accounts::check_agency(conn, &fields)?;
            if !errors.is_empty() {
                return Err(ApiError::Validation(errors));
            }
            accounts::insert_client(conn, context, &client_id, &fields, &hash)
        })
        .await
        .map_err(describe)?;
    Ok(format!(
        "client_id={}\nclient_secret={secret}\n(the secret is shown only now)",
        row.client_id
    ))
}

/// Imports innovations from a CSV file or an XLSX workbook with a progress bar on stderr;
/// returns a summary, or every bad row.
pub async fn import_innovations(
    state: &AppState,
    bytes: Vec<u8>,
    cohort_id: i64,
    dry_run: bool,
) -> Result<String, String> {
    let rows = bytecount_lines(&bytes).saturating_sub(1);
    let bar = indicatif::ProgressBar::new(rows as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} rows checked")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    // An XLSX workbook is a zip archive; anything else is read as CSV.
    let parse = if bytes.starts_with(b"PK\x03\x04") {
        crate::api::import::parse_xlsx
    } else {
        crate::api::import::parse
    };
    let parsed = parse(&bytes, &|row| bar.set_position(row as u64));
    let result = match parsed {
        Ok(file) => {
            crate::api::import::import_file(state, context("import"), cohort_id, file, dry_run)
                .await
        }
        Err(error) => Err(error),
    };
    bar.finish_and_clear();
    match result {
        Ok(report) if report.dry_run => Ok(format!(
            "dry run: all {} rows are good; nothing was changed",
            report.rows
        )),
        Ok(report) => Ok(format!(
            "imported {} innovations into cohort {cohort_id}",
            report.created
        )),
        Err(ApiError::ImportRejected { rows }) => Err(format!(
            "nothing was imported; fix these rows and try again:\n{}",
            rows.iter()
                .map(|r| format!("  row {}, {}: {} ({})", r.row, r.column, r.message, r.code))
                .collect::<Vec<_>>()
                .join("\n")
        )),
        Err(other) => Err(describe(other)),
    }
}

/// Lines in the file, for the progress bar's length (quoted newlines make it an estimate).
fn bytecount_lines(bytes: &[u8]) -> usize {
    bytes.iter().filter(|b| **b == b'\n').count()
}
