//! XLSX beside CSV, for the government staff who live in Excel: the same columns as the
//! CSV export (the JSON field names), lists joined with `|`, empty for null. Cells are
//! typed (numbers, booleans, text), and a text cell is never run as a formula, so text
//! needs no `'` guard here and comes back exactly as it was written.
//!
//! Writing uses `rust_xlsxwriter` in constant-memory mode (each row goes to a temporary
//! file as it is written, not into a tree of cells) on blocking threads; the finished
//! file, compressed, is answered in one piece. Reading uses `calamine`, on the first
//! sheet of an uploaded workbook.

use std::future::Future;
use std::io::Cursor;

use actix_web::HttpResponse;
use actix_web::http::header;
use actix_web::web;
use calamine::{Data, Reader, Xlsx};
use rust_xlsxwriter::{Format, Workbook, XlsxError};
use serde::Serialize;
use serde_json::Value;

use super::pagination::CursorPosition;
use crate::error::{ApiError, ApiResult};

pub const CONTENT_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Rows an Excel worksheet holds, the header row included.
pub const MAX_SHEET_ROWS: i64 = 1_048_576;

/// Whether `rows` data rows fit in one worksheet below the header.
pub fn fits_in_a_sheet(rows: i64) -> bool {
    rows < MAX_SHEET_ROWS
}

/// A workbook being written, a sheet at a time: the header row, then rows as they come.
pub struct SheetWriter {
    workbook: Workbook,
    columns: Vec<String>,
    /// The sheet rows go to (the last one started).
    sheet: usize,
    next_row: u32,
}

impl SheetWriter {
    /// A workbook of one sheet with `columns`.
    pub fn new(columns: Vec<String>) -> Result<Self, XlsxError> {
        let mut writer = Self {
            workbook: Workbook::new(),
            columns: Vec::new(),
            sheet: 0,
            next_row: 0,
        };
        writer.write_header(columns)?;
        Ok(writer)
    }

    /// A workbook whose first sheet is `name`, with `columns`.
    pub fn named(name: &str, columns: Vec<String>) -> Result<Self, XlsxError> {
        let mut writer = Self::new(columns)?;
        writer.workbook.worksheet_from_index(0)?.set_name(name)?;
        Ok(writer)
    }

    /// Starts another sheet, `name`, with `columns`; rows go there from now on (a sheet
    /// is written once, in order, as constant-memory mode requires).
    pub fn start_sheet(&mut self, name: &str, columns: Vec<String>) -> Result<(), XlsxError> {
        self.sheet += 1;
        self.write_header(columns)?;
        self.workbook
            .worksheet_from_index(self.sheet)?
            .set_name(name)?;
        Ok(())
    }

    fn write_header(&mut self, columns: Vec<String>) -> Result<(), XlsxError> {
        let sheet = self.workbook.add_worksheet_with_constant_memory()?;
        let bold = Format::new().set_bold();
        for (index, column) in columns.iter().enumerate() {
            sheet.write_string_with_format(0, column_number(index), column, &bold)?;
        }
        sheet.set_freeze_panes(1, 0)?;
        self.columns = columns;
        self.next_row = 1;
        Ok(())
    }

    pub fn append<T: Serialize>(&mut self, rows: &[T]) -> Result<(), XlsxError> {
        let sheet = self.workbook.worksheet_from_index(self.sheet)?;
        for row in rows {
            let value = serde_json::to_value(row).unwrap_or(Value::Null);
            for (index, column) in self.columns.iter().enumerate() {
                let (r, c) = (self.next_row, column_number(index));
                match value.get(column).unwrap_or(&Value::Null) {
                    Value::Null => {}
                    Value::Bool(b) => {
                        sheet.write_boolean(r, c, *b)?;
                    }
                    Value::Number(n) => {
                        sheet.write_number(r, c, n.as_f64().unwrap_or_default())?;
                    }
                    Value::String(s) => {
                        sheet.write_string(r, c, s)?;
                    }
                    Value::Array(items) => {
                        sheet.write_string(r, c, super::csv::joined(items))?;
                    }
                    other @ Value::Object(_) => {
                        sheet.write_string(r, c, other.to_string())?;
                    }
                }
            }
            self.next_row += 1;
        }
        Ok(())
    }

    pub fn finish(mut self) -> Result<Vec<u8>, XlsxError> {
        self.workbook.save_to_buffer()
    }
}

fn column_number(index: usize) -> u16 {
    u16::try_from(index).unwrap_or(u16::MAX)
}

fn failed(error: impl std::fmt::Display) -> ApiError {
    ApiError::internal(format!("XLSX export failed: {error}"))
}

/// A workbook of every row `next_batch` yields, as [`super::csv::response`] reads them
/// (batches after a cursor until one comes back without a next cursor).
pub async fn response<T, F, Fut>(
    filename: &str,
    columns: Vec<String>,
    mut next_batch: F,
) -> ApiResult<HttpResponse>
where
    T: Serialize + Send + 'static,
    F: FnMut(Option<CursorPosition>) -> Fut,
    Fut: Future<Output = ApiResult<(Vec<T>, Option<CursorPosition>)>>,
{
    let mut writer = web::block(move || SheetWriter::new(columns))
        .await
        .map_err(failed)?
        .map_err(failed)?;
    let mut after = None;
    loop {
        let (rows, next) = next_batch(after).await?;
        writer = web::block(move || writer.append(&rows).map(|()| writer))
            .await
            .map_err(failed)?
            .map_err(failed)?;
        match next {
            Some(position) => after = Some(position),
            None => break,
        }
    }
    let bytes = web::block(move || writer.finish())
        .await
        .map_err(failed)?
        .map_err(failed)?;
    Ok(HttpResponse::Ok()
        .content_type(CONTENT_TYPE)
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}.xlsx\""),
        ))
        .body(bytes))
}

/// The first sheet of an XLSX file as text cells, the header row first, in the form the
/// CSV import reads: numbers as written (`1000`, `2.5`), booleans `true`/`false`, dates
/// `2016-10-12`, empty cells empty. `None` when the bytes are not a workbook.
pub fn read_table(bytes: &[u8]) -> Option<Vec<Vec<String>>> {
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).ok()?;
    let range = workbook.worksheet_range_at(0)?.ok()?;
    Some(
        range
            .rows()
            .map(|row| row.iter().map(cell_text).collect())
            .collect(),
    )
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty | Data::Error(_) => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(excel) => match excel.as_datetime() {
            Some(at) if at.time() == chrono::NaiveTime::MIN => at.date().to_string(),
            Some(at) => at.to_string(),
            None => excel.as_f64().to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_written_sheet_reads_back_as_the_csv_import_reads_cells() {
        let columns = vec!["name".to_owned(), "digital".to_owned(), "target".to_owned()];
        let mut writer = SheetWriter::new(columns).unwrap();
        writer
            .append(&[
                serde_json::json!({"name": "\t=1+1", "digital": true, "target": 1000}),
                serde_json::json!({"name": "a|b", "digital": null, "target": null}),
            ])
            .unwrap();
        let table = read_table(&writer.finish().unwrap()).unwrap();
        assert_eq!(
            table,
            vec![
                vec!["name", "digital", "target"],
                vec!["\t=1+1", "true", "1000"],
                vec!["a|b", "", ""],
            ]
        );
        assert_eq!(read_table(b"name,kind\n"), None);
        assert!(fits_in_a_sheet(MAX_SHEET_ROWS - 1));
        assert!(!fits_in_a_sheet(MAX_SHEET_ROWS));
    }
}
