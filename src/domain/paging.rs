//! Paging requests as plain data: the sort a list is asked for, where a keyset page
//! starts, and the page or cursor with its size. Parsed from a query string by
//! `http::pagination`, read by the stores' queries.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

/// The representation a list is asked for (`Accept: text/csv` or `?format=csv`, or an
/// `export.csv` / `export.xlsx` operation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Csv { semicolon: bool },
    Xlsx,
}

/// A sort order a list offers: `field` ascending or `-field` descending, `id` breaking ties.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort<F> {
    pub field: F,
    pub descending: bool,
}

/// A resource's sortable fields.
pub trait SortField: Copy + PartialEq + Sized + 'static {
    const ALL: &'static [Self];
    fn name(self) -> &'static str;

    fn parse(text: &str) -> Option<Sort<Self>> {
        let (descending, name) = match text.strip_prefix('-') {
            Some(name) => (true, name),
            None => (false, text),
        };
        Self::ALL
            .iter()
            .find(|f| f.name() == name)
            .map(|&field| Sort { field, descending })
    }
}

impl<F: SortField> Sort<F> {
    pub fn to_param(self) -> String {
        format!(
            "{}{}",
            if self.descending { "-" } else { "" },
            self.field.name()
        )
    }
}

/// Where a keyset page starts: just after the row with this sort key and id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CursorPosition {
    /// The sort this cursor was issued for (`-name`).
    #[serde(rename = "s")]
    pub sort: String,
    /// The sort key of the last row served.
    #[serde(rename = "k")]
    pub key: serde_json::Value,
    #[serde(rename = "i")]
    pub id: i64,
}

impl CursorPosition {
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(self).unwrap_or_default())
    }

    pub fn decode(cursor: &str) -> Option<Self> {
        let bytes = URL_SAFE_NO_PAD.decode(cursor).ok()?;
        serde_json::from_slice(&bytes).ok()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum PageRequest {
    /// `?page=N`: offset paging with a `total`.
    Number { page: i64 },
    /// `?cursor=...`: keyset paging; `None` starts from the beginning (`?cursor=`).
    Cursor { after: Option<CursorPosition> },
}

/// The parameters every list takes, besides its own filters.
#[derive(Debug, Clone)]
pub struct ListControls<F> {
    pub page: PageRequest,
    pub per_page: i64,
    pub sort: Sort<F>,
    pub q: Option<String>,
    pub updated_since: Option<chrono::NaiveDateTime>,
    pub format: Format,
}

impl<F: SortField> ListControls<F> {
    /// Rows to skip in page-number mode.
    pub fn offset(&self) -> i64 {
        match self.page {
            PageRequest::Number { page } => (page - 1).saturating_mul(self.per_page),
            PageRequest::Cursor { .. } => 0,
        }
    }

    pub fn cursor_after(&self) -> Option<&CursorPosition> {
        match &self.page {
            PageRequest::Cursor { after } => after.as_ref(),
            PageRequest::Number { .. } => None,
        }
    }

    pub fn wants_total(&self) -> bool {
        matches!(self.page, PageRequest::Number { .. })
    }
}

impl ListControls<ById> {
    /// A page cut from `rows` held whole in their list's order (a list computed in memory,
    /// such as a ranking): in page mode the page and the total; in cursor mode the rows
    /// after the one the cursor names (none if it is gone), with one more that only says
    /// more follow.
    pub fn cut<T>(&self, rows: Vec<T>, id_of: impl Fn(&T) -> i64) -> (Vec<T>, Option<i64>) {
        let total = self
            .wants_total()
            .then(|| i64::try_from(rows.len()).unwrap_or(i64::MAX));
        let start = match self.cursor_after() {
            Some(after) => rows
                .iter()
                .position(|row| id_of(row) == after.id)
                .map_or(rows.len(), |found| found + 1),
            None => usize::try_from(self.offset()).unwrap_or(usize::MAX),
        };
        let take = usize::try_from(self.per_page + 1).unwrap_or(usize::MAX);
        (rows.into_iter().skip(start).take(take).collect(), total)
    }
}

/// The one order of a sub-collection (a history, an agreement's commitments): by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ById;

impl SortField for ById {
    const ALL: &'static [Self] = &[Self];

    fn name(self) -> &'static str {
        "id"
    }
}
