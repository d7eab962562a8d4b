//! CSV exports of lists: every matching row, fetched in keyset batches and streamed, so
//! memory stays flat however many rows match. UTF-8 with a BOM (Excel needs it to read
//! UTF-8), a header row of the JSON field names, lists joined with `|`, empty for null, and
//! cells that a spreadsheet would run as a formula neutralised with a leading `'`.

use std::future::Future;

use actix_web::HttpResponse;
use actix_web::http::header;
use actix_web::web::Bytes;
use futures_util::{StreamExt, stream};
use serde::Serialize;
use serde_json::Value;
use utoipa::openapi::{RefOr, Schema};

use super::pagination::{CursorPosition, Sort, SortField};
use crate::error::ApiResult;

/// Rows fetched per database round trip while exporting.
pub const BATCH_SIZE: i64 = 500;

/// Where the batch after `rows` starts: after its last row, if the batch was full (a
/// shorter one was the last). `key_of` gives a row's sort key and id.
pub fn next_batch_start<T, F: SortField>(
    rows: &[T],
    sort: Sort<F>,
    key_of: impl Fn(&T) -> (Value, i64),
) -> Option<CursorPosition> {
    let last = rows.last().filter(|_| rows.len() as i64 == BATCH_SIZE)?;
    let (key, id) = key_of(last);
    Some(CursorPosition {
        sort: sort.to_param(),
        key,
        id,
    })
}

/// The CSV columns of `T`: the properties of its OpenAPI schema, in order, so the header
/// row and the JSON field names cannot drift apart.
pub fn columns<T: utoipa::PartialSchema>() -> Vec<String> {
    match T::schema() {
        RefOr::T(Schema::Object(object)) => object.properties.keys().cloned().collect(),
        _ => Vec::new(),
    }
}

/// The header line of `columns`, comma-separated.
pub fn header(columns: &[String]) -> Vec<u8> {
    record(columns, b',')
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

/// A CSV export of `rows` as the server writes it (header, then one line per row),
/// without the byte-order mark: for examples in the OpenAPI document.
pub fn text(columns: &[String], rows: &[Value]) -> String {
    let mut bytes = record(columns, b',');
    bytes.extend(lines(columns, rows, b','));
    String::from_utf8_lossy(&bytes).into_owned()
}

fn cell(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => neutralise(s),
        Value::Array(items) => neutralise(&joined(items)),
        Value::Object(_) => neutralise(&value.to_string()),
    }
}

/// A list in one cell: its items joined with `|` (the XLSX export writes them alike).
pub fn joined(items: &[Value]) -> String {
    items
        .iter()
        .map(|item| match item {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
        .collect::<Vec<_>>()
        .join("|")
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
/// The first batch is read before the answer starts, so a database that is down is still
/// a 503 rather than a 200 with a cut-off body.
pub async fn response<T, F, Fut>(
    filename: &str,
    columns: Vec<String>,
    semicolon: bool,
    mut next_batch: F,
) -> ApiResult<HttpResponse>
where
    T: Serialize + 'static,
    F: FnMut(Option<CursorPosition>) -> Fut + 'static,
    Fut: Future<Output = ApiResult<(Vec<T>, Option<CursorPosition>)>> + 'static,
{
    let delimiter = if semicolon { b';' } else { b',' };
    let (first_rows, mut after) = next_batch(None).await?;
    let mut first_chunk = "\u{feff}".as_bytes().to_vec();
    first_chunk.extend(record(&columns, delimiter));
    first_chunk.extend(lines(&columns, &first_rows, delimiter));

    let rest = stream::unfold(after.take(), move |after| {
        let batch = after.map(|after| next_batch(Some(after)));
        let columns = columns.clone();
        async move {
            match batch?.await {
                Ok((rows, next)) => {
                    Some((Ok(Bytes::from(lines(&columns, &rows, delimiter))), next))
                }
                Err(error) => {
                    // The status line is long gone; ending the stream with an error
                    // makes the client see a truncated download, not a short file.
                    log::error!("CSV export stopped: {error}");
                    Some((
                        Err(actix_web::error::ErrorServiceUnavailable("export failed")),
                        None,
                    ))
                }
            }
        }
    });
    let body = stream::once(async move { Ok::<_, actix_web::Error>(Bytes::from(first_chunk)) })
        .chain(rest);
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}.csv\""),
        ))
        .streaming(body))
}

fn lines<T: Serialize>(columns: &[String], rows: &[T], delimiter: u8) -> Vec<u8> {
    rows.iter()
        .flat_map(|row| line(columns, row, delimiter))
        .collect()
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
