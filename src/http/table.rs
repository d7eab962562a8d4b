//! An uploaded spreadsheet (CSV or XLSX) as a header row and records of text cells, for
//! the imports: what they share before each reads its own columns.

use actix_web::HttpRequest;

use crate::error::{ApiError, RowError};

/// A read table: its header cells (trimmed) and each record's cells in column order, or
/// the code of why the record could not be read.
pub struct Table {
    pub headers: Vec<String>,
    pub records: Vec<Result<Vec<String>, &'static str>>,
}

/// A spreadsheet format an import takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
}

impl Format {
    /// The format the request's `Content-Type` names (415 for any other).
    pub fn of(req: &HttpRequest) -> Result<Self, ApiError> {
        match super::content_type_essence(req).as_deref() {
            Some("text/csv") => Ok(Self::Csv),
            Some(super::xlsx::CONTENT_TYPE) => Ok(Self::Xlsx),
            _ => Err(ApiError::UnsupportedMediaType {
                expected: "text/csv or application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            }),
        }
    }

    /// Reads `bytes` in this format.
    pub fn read(self, bytes: &[u8]) -> Result<Table, ApiError> {
        match self {
            Self::Csv => read_csv(bytes),
            Self::Xlsx => read_xlsx(bytes),
        }
    }
}

fn refuse(code: &str) -> ApiError {
    ApiError::ImportRejected {
        rows: vec![RowError::new(1, "", code)],
    }
}

/// A CSV file in UTF-8 (a byte-order mark allowed), separated by `,` or, as
/// Indonesian-locale Excel writes it, `;` (the header decides). The export's guard against
/// formula injection is undone (`'=x` back to `=x`).
pub fn read_csv(bytes: &[u8]) -> Result<Table, ApiError> {
    let text = std::str::from_utf8(bytes).map_err(|_| refuse("csv_not_utf8"))?;
    let text = text.trim_start_matches('\u{feff}');
    let first_line = text.split(['\n', '\r']).next().unwrap_or("");
    let delimiter = if first_line.matches(';').count() > first_line.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|_| refuse("csv_invalid"))?
        .iter()
        .map(|h| h.trim().to_owned())
        .collect();
    let records = reader
        .into_records()
        .map(|record| {
            record
                .map(|cells| cells.iter().map(unneutralise).collect())
                .map_err(|_| "csv_invalid")
        })
        .collect();
    Ok(Table { headers, records })
}

/// The first sheet of an XLSX workbook, read as a CSV file is (cells taken as they are: an
/// XLSX export guards nothing).
pub fn read_xlsx(bytes: &[u8]) -> Result<Table, ApiError> {
    let mut rows = super::xlsx::read_table(bytes)
        .ok_or_else(|| refuse("xlsx_invalid"))?
        .into_iter();
    let headers: Vec<String> = rows
        .next()
        .unwrap_or_default()
        .iter()
        .map(|h| h.trim().to_owned())
        .collect();
    // Excel keeps a sheet rectangular: trailing empty header cells are no columns.
    let width = headers
        .iter()
        .rposition(|h| !h.is_empty())
        .map_or(0, |last| last + 1);
    let headers = headers[..width].to_vec();
    let records = rows
        .map(|mut cells| {
            cells.resize(width, String::new());
            Ok(cells)
        })
        .collect();
    Ok(Table { headers, records })
}

/// Undoes the export's guard against formula injection (`'=x` back to `=x`).
fn unneutralise(cell: &str) -> String {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest.to_owned(),
        _ => cell.to_owned(),
    }
}
