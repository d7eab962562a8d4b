//! CSV exports of lists: every matching row, fetched in keyset batches and streamed, so
//! memory stays flat however many rows match. UTF-8 with a BOM (Excel needs it to read
//! UTF-8), a header row of the JSON field names, lists joined with `|`, empty for null, and
//! cells that a spreadsheet would run as a formula neutralised with a leading `'`.

use std::future::Future;

use actix_web::HttpResponse;
use actix_web::http::header;
use actix_web::web::Bytes;
use futures_util::stream;
use serde::Serialize;
use serde_json::Value;
use utoipa::openapi::{RefOr, Schema};

use super::pagination::CursorPosition;
use crate::error::ApiResult;

/// Rows fetched per database round trip while exporting.
pub const BATCH_SIZE: i64 = 500;

/// The CSV columns of `T`: the properties of its OpenAPI schema, in order, so the header
/// row and the JSON field names cannot drift apart.
pub fn columns<T: utoipa::PartialSchema>() -> Vec<String> {
    match T::schema() {
        RefOr::T(Schema::Object(object)) => object.properties.keys().cloned().collect(),
        _ => Vec::new(),
    }
}

/// One CSV line for `row`, with `delimiter` between cells.
pub fn line<T: Serialize>(columns: &[String], row: &T, delimiter: u8) -> Vec<u8> {
    let value = serde_json::to_value(row).unwrap_or(Value::Null);
    let cells: Vec<String> = columns
        .iter()
        .map(|column| cell(value.get(column).unwrap_or(&Value::Null)))
        .collect();
    record(&cells, delimiter)
}

fn cell(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => neutralise(s),
        Value::Array(items) => neutralise(
            &items
                .iter()
                .map(|item| match item {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect::<Vec<_>>()
                .join("|"),
        ),
        Value::Object(_) => neutralise(&value.to_string()),
    }
}

/// OWASP's advice against CSV injection: text starting with `=`, `+`, `-`, `@`, tab or CR
/// is prefixed with `'` so spreadsheets show it instead of evaluating it.
fn neutralise(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_owned(),
    }
}

fn record(cells: &[String], delimiter: u8) -> Vec<u8> {
    let mut writer = ::csv::WriterBuilder::new()
        .delimiter(delimiter)
        .terminator(::csv::Terminator::CRLF)
        .from_writer(Vec::new());
    // Writing to a Vec cannot fail.
    let _ = writer.write_record(cells);
    writer.into_inner().unwrap_or_default()
}

/// Streams a CSV of every row `next_batch` yields. `next_batch(after)` returns up to
/// [`BATCH_SIZE`] rows after the cursor and the cursor of its last row (None when done).
pub fn response<T, F, Fut>(
    filename: &str,
    columns: Vec<String>,
    semicolon: bool,
    mut next_batch: F,
) -> HttpResponse
where
    T: Serialize + 'static,
    F: FnMut(Option<CursorPosition>) -> Fut + 'static,
    Fut: Future<Output = ApiResult<(Vec<T>, Option<CursorPosition>)>> + 'static,
{
    let delimiter = if semicolon { b';' } else { b',' };
    let mut header_line = "\u{feff}".as_bytes().to_vec();
    header_line.extend(record(&columns, delimiter));

    enum State {
        Header,
        After(Option<CursorPosition>),
        Done,
    }
    let body = stream::unfold(State::Header, move |state| {
        let batch = match &state {
            State::After(after) => Some(next_batch(after.clone())),
            _ => None,
        };
        let columns = columns.clone();
        let header_line = header_line.clone();
        async move {
            match state {
                State::Done => None,
                State::Header => Some((
                    Ok::<_, actix_web::Error>(Bytes::from(header_line)),
                    State::After(None),
                )),
                State::After(_) => match batch?.await {
                    Ok((rows, next)) => {
                        let mut chunk = Vec::new();
                        for row in &rows {
                            chunk.extend(line(&columns, row, delimiter));
                        }
                        let state = next.map_or(State::Done, |n| State::After(Some(n)));
                        Some((Ok(Bytes::from(chunk)), state))
                    }
                    Err(error) => {
                        // The status line is long gone; ending the stream with an error
                        // makes the client see a truncated download, not a short file.
                        log::error!("CSV export stopped: {error}");
                        Some((
                            Err(actix_web::error::ErrorInternalServerError("export failed")),
                            State::Done,
                        ))
                    }
                },
            }
        }
    });
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}.csv\""),
        ))
        .streaming(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_follow_the_conventions() {
        assert_eq!(cell(&Value::Null), "");
        assert_eq!(cell(&serde_json::json!(true)), "true");
        assert_eq!(cell(&serde_json::json!(-5)), "-5");
        assert_eq!(cell(&serde_json::json!(["a", "b"])), "a|b");
        assert_eq!(cell(&serde_json::json!("=SUM(A1)")), "'=SUM(A1)");
        assert_eq!(cell(&serde_json::json!("@cmd")), "'@cmd");
        assert_eq!(
            record(&["a;b".into(), "c\"d".into()], b';'),
            b"\"a;b\";\"c\"\"d\"\r\n".to_vec()
        );
    }
}
