//! Paging for every list: page numbers with a `total`, or opaque keyset cursors, both in
//! the same envelope and with an RFC 8288 `Link` header.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::list_query::{DEFAULT_PER_PAGE, MAX_PER_PAGE, MAX_Q_LEN, QueryPairs};
pub use crate::domain::paging::{
    ById, CursorPosition, Format, ListControls, PageRequest, Sort, SortField,
};
use crate::error::FieldError;

/// Longest `cursor` accepted, and issued: a cursor is base64url JSON of the sort, the last
/// row's sort key and its id, and the longest key is a 200-character name of characters
/// JSON escapes to six bytes each (the test below writes it).
pub const MAX_CURSOR_LEN: usize = 2048;

/// How a list answers, which decides the parameters it takes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Presentation {
    /// A JSON page (lists without an export).
    JsonPage,
    /// A JSON page, or every matching row as CSV when the caller asks (`Accept: text/csv`,
    /// which `accepts_csv` says, or `format=csv`).
    PageOrCsv { accepts_csv: bool },
    /// Every matching row as CSV: the `export.csv` operations, which take no paging (a
    /// `page`, `per_page` or `cursor` there is an unknown parameter, not silently ignored).
    CsvExport,
    /// Every matching row as an XLSX workbook: the `export.xlsx` operations (no paging).
    XlsxExport,
}

/// Takes the parameters every list takes out of `query`.
pub fn take_controls<F: SortField>(
    query: &mut QueryPairs,
    default_sort: Sort<F>,
    presentation: Presentation,
) -> ListControls<F> {
    let paged = matches!(
        presentation,
        Presentation::JsonPage | Presentation::PageOrCsv { .. }
    );
    let page = paged
        .then(|| query.take_i64("page", 1, i64::from(i32::MAX)))
        .flatten();
    let cursor = paged
        .then(|| query.take_string("cursor", MAX_CURSOR_LEN))
        .flatten();
    let per_page = paged
        .then(|| query.take_i64("per_page", 1, MAX_PER_PAGE))
        .flatten()
        .unwrap_or(DEFAULT_PER_PAGE);
    let sort = match query.take("sort") {
        None => default_sort,
        Some(text) => F::parse(&text).unwrap_or_else(|| {
            let allowed: Vec<&str> = F::ALL.iter().map(|f| f.name()).collect();
            query.error(FieldError::with_message(
                "sort",
                "invalid_choice",
                format!(
                    "must be one of {} (prefix - for descending)",
                    allowed.join(", ")
                ),
            ));
            default_sort
        }),
    };
    let q = query
        .take_string("q", MAX_Q_LEN)
        .map(|q| q.trim().to_owned())
        .filter(|q| !q.is_empty());
    let updated_since = query.take_datetime("updated_since");
    let csv = match presentation {
        Presentation::JsonPage | Presentation::XlsxExport => false,
        Presentation::CsvExport => true,
        Presentation::PageOrCsv { accepts_csv } => take_format(query, accepts_csv),
    };
    let semicolon = matches!(
        presentation,
        Presentation::PageOrCsv { .. } | Presentation::CsvExport
    ) && take_semicolon(query);
    let page = page_request(
        query,
        page,
        cursor,
        &sort.to_param(),
        "cursor_sort_mismatch",
    );
    ListControls {
        page,
        per_page,
        sort,
        q,
        updated_since,
        format: match (presentation, csv) {
            (Presentation::XlsxExport, _) => Format::Xlsx,
            (_, true) => Format::Csv { semicolon },
            (_, false) => Format::Json,
        },
    }
}

/// `format=json|csv`, defaulting to what `Accept` asked for.
fn take_format(query: &mut QueryPairs, accepts_csv: bool) -> bool {
    match query.take("format").as_deref() {
        None => accepts_csv,
        Some("json") => false,
        Some("csv") => true,
        Some(_) => {
            query.error(FieldError::with_message(
                "format",
                "invalid_choice",
                "must be one of: json, csv",
            ));
            false
        }
    }
}

/// Whether `delimiter=semicolon` asks for `;`-separated CSV (`comma` is the default).
fn take_semicolon(query: &mut QueryPairs) -> bool {
    match query.take("delimiter").as_deref() {
        None | Some("comma") => false,
        Some("semicolon") => true,
        Some(_) => {
            query.error(FieldError::with_message(
                "delimiter",
                "invalid_choice",
                "must be one of: comma, semicolon",
            ));
            false
        }
    }
}

/// The parameters every list takes (documented once, listed in each list operation).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct ListParams {
    /// Page number, from 1 (page mode; the answer has `total`).
    #[param(minimum = 1, maximum = 2147483647, example = 1)]
    page: Option<i64>,
    /// Items per page, 1-100 (more is a 422, not silently clamped).
    #[param(minimum = 1, maximum = 100, example = 20)]
    per_page: Option<i64>,
    /// Opaque keyset cursor from `next_cursor` (cursor mode; `page` and `total` are null).
    /// An empty value starts cursor mode from the first row. (Cursors are base64url JSON,
    /// so they start with `eyJ`; the pattern says so to validators and generated clients.)
    #[param(max_length = 2048, pattern = "^(eyJ[A-Za-z0-9_-]*)?$")]
    cursor: Option<String>,
    /// Case-insensitive free-text search.
    #[param(max_length = 100)]
    q: Option<String>,
    /// Only records changed at or after this instant, archived ones included (for sync).
    updated_since: Option<chrono::DateTime<chrono::Utc>>,
}

/// The CSV export parameters of lists that offer one.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct CsvParams {
    /// `csv` returns every matching row as CSV (same as `Accept: text/csv`).
    #[param(inline)]
    format: Option<ListFormat>,
    /// CSV separator; `semicolon` suits Indonesian-locale Excel.
    #[param(inline)]
    delimiter: Option<CsvDelimiter>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ListFormat {
    Json,
    Csv,
}

/// The parameters of an `export.csv` or `export.xlsx` operation besides its list's
/// filters and sort: the list's without paging.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct ExportParams {
    /// Case-insensitive free-text search.
    #[param(max_length = 100)]
    q: Option<String>,
    /// Only records changed at or after this instant, archived ones included (for sync).
    updated_since: Option<chrono::DateTime<chrono::Utc>>,
}

/// The separator of an `export.csv` operation.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct DelimiterParams {
    /// CSV separator; `semicolon` suits Indonesian-locale Excel.
    #[param(inline)]
    delimiter: Option<CsvDelimiter>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CsvDelimiter {
    Comma,
    Semicolon,
}

/// One page of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    /// At most `per_page` of them.
    #[schema(max_items = 100)]
    pub items: Vec<T>,
    /// The page number (null in cursor mode).
    #[schema(minimum = 1, maximum = 2147483647)]
    pub page: Option<i64>,
    #[schema(minimum = 1, maximum = 100)]
    pub per_page: i64,
    /// How many rows match in all (null in cursor mode).
    #[schema(minimum = 0)]
    pub total: Option<i64>,
    /// Pass as `cursor` to get the rows after this page; null on the last page.
    #[schema(max_length = 2048, pattern = "^eyJ[A-Za-z0-9_-]*$")]
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// Builds the page from up to `per_page + 1` rows (the extra one only says "more follow").
    pub fn from_rows<F: SortField>(
        mut rows: Vec<T>,
        total: Option<i64>,
        controls: &ListControls<F>,
        key_of: impl Fn(&T) -> (serde_json::Value, i64),
    ) -> Self {
        let more = rows.len() as i64 > controls.per_page;
        rows.truncate(controls.per_page as usize);
        let next_cursor = more.then(|| rows.last()).flatten().map(|last| {
            let (key, id) = key_of(last);
            CursorPosition {
                sort: controls.sort.to_param(),
                key,
                id,
            }
            .encode()
        });
        let page = match controls.page {
            PageRequest::Number { page } => Some(page),
            PageRequest::Cursor { .. } => None,
        };
        Self {
            items: rows,
            page,
            per_page: controls.per_page,
            total,
            next_cursor,
        }
    }

    /// The page of a sub-collection (oldest first, by id) from up to `per_page + 1` rows.
    pub fn by_id(
        rows: Vec<T>,
        total: Option<i64>,
        controls: &ListControls<ById>,
        id_of: impl Fn(&T) -> i64,
    ) -> Self {
        Self::from_rows(rows, total, controls, |row| {
            (serde_json::Value::Null, id_of(row))
        })
    }

    /// The RFC 8288 `Link` header value: `first`/`prev`/`next`/`last` in page mode, `next`
    /// in cursor mode. `base` is the public URL of the list without a query string.
    pub fn link_header(&self, base: &str, query: &str) -> Option<String> {
        let others: Vec<(String, String)> =
            serde_urlencoded::from_str::<Vec<(String, String)>>(query)
                .unwrap_or_default()
                .into_iter()
                .filter(|(name, _)| name != "page" && name != "cursor")
                .collect();
        let url = |extra: (&str, String)| {
            let mut pairs = others.clone();
            pairs.push((extra.0.to_owned(), extra.1));
            let query = serde_urlencoded::to_string(&pairs).unwrap_or_default();
            format!("<{base}?{query}>")
        };
        let mut links = Vec::new();
        match (self.page, self.total) {
            (Some(page), Some(total)) => {
                let last = ((total + self.per_page - 1) / self.per_page).max(1);
                links.push(format!("{}; rel=\"first\"", url(("page", "1".into()))));
                if page > 1 {
                    let prev = (page - 1).min(last);
                    links.push(format!("{}; rel=\"prev\"", url(("page", prev.to_string()))));
                }
                if page < last {
                    links.push(format!(
                        "{}; rel=\"next\"",
                        url(("page", (page + 1).to_string()))
                    ));
                }
                links.push(format!("{}; rel=\"last\"", url(("page", last.to_string()))));
            }
            _ => {
                if let Some(cursor) = &self.next_cursor {
                    links.push(format!("{}; rel=\"next\"", url(("cursor", cursor.clone()))));
                }
            }
        }
        (!links.is_empty()).then(|| links.join(", "))
    }
}

impl<T> Page<T> {
    /// The same page with each item converted.
    pub fn map<U>(self, convert: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(convert).collect(),
            page: self.page,
            per_page: self.per_page,
            total: self.total,
            next_cursor: self.next_cursor,
        }
    }
}

/// Paging of a sub-collection: no filters, no search, oldest (lowest id) first.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct PageParams {
    #[param(minimum = 1, maximum = 2147483647, example = 1)]
    page: Option<i64>,
    #[param(minimum = 1, maximum = 100, example = 20)]
    per_page: Option<i64>,
    /// Opaque keyset cursor from `next_cursor`; empty starts cursor mode.
    #[param(max_length = 2048, pattern = "^(eyJ[A-Za-z0-9_-]*)?$")]
    cursor: Option<String>,
}

/// Page mode or cursor mode from the `page` and `cursor` parameters: not both (422); an
/// empty cursor starts cursor mode; a cursor that does not decode is `invalid_cursor`, and
/// one made for another sort than `sort` is the 422 code `mismatch`.
fn page_request(
    query: &mut QueryPairs,
    page: Option<i64>,
    cursor: Option<String>,
    sort: &str,
    mismatch: &'static str,
) -> PageRequest {
    let invalid = |query: &mut QueryPairs, code: &'static str| {
        query.error(FieldError::new("cursor", code));
        PageRequest::Number { page: 1 }
    };
    match (page, cursor) {
        (Some(_), Some(_)) => invalid(query, "page_and_cursor"),
        (_, Some(cursor)) if cursor.is_empty() => PageRequest::Cursor { after: None },
        (_, Some(cursor)) => match CursorPosition::decode(&cursor) {
            Some(position) if position.sort == sort => PageRequest::Cursor {
                after: Some(position),
            },
            Some(_) => invalid(query, mismatch),
            None => invalid(query, "invalid_cursor"),
        },
        (page, None) => PageRequest::Number {
            page: page.unwrap_or(1),
        },
    }
}

/// Reads the paging of a sub-collection; anything else in the query is a 422.
pub fn sub_collection_controls(
    query_string: &str,
) -> Result<ListControls<ById>, crate::error::ApiError> {
    let mut query = QueryPairs::parse(query_string)?;
    let controls = take_sub_collection_controls(&mut query);
    query.finish()?;
    Ok(controls)
}

/// Takes the paging of a sub-collection out of `query`, whose own filters the caller takes.
pub fn take_sub_collection_controls(query: &mut QueryPairs) -> ListControls<ById> {
    let page = query.take_i64("page", 1, i64::from(i32::MAX));
    let cursor = query.take_string("cursor", MAX_CURSOR_LEN);
    let per_page = query
        .take_i64("per_page", 1, MAX_PER_PAGE)
        .unwrap_or(DEFAULT_PER_PAGE);
    let page = page_request(query, page, cursor, "id", "invalid_cursor");
    ListControls {
        page,
        per_page,
        sort: Sort {
            field: ById,
            descending: false,
        },
        q: None,
        updated_since: None,
        format: Format::Json,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_longest_cursor_the_server_issues_is_taken_back() {
        // A 200-character name of control characters, each escaped to `\u0001` in JSON.
        let cursor = CursorPosition {
            sort: "-launched_on".into(),
            key: serde_json::Value::String("\u{1}".repeat(200)),
            id: i64::MIN,
        }
        .encode();
        assert!(cursor.len() <= MAX_CURSOR_LEN, "{}", cursor.len());
        assert!(cursor.starts_with("eyJ"));
    }
}
