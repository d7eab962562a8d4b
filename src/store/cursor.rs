//! Typed sort keys of client-supplied cursors.

use crate::domain::paging::CursorPosition;
use crate::error::{ApiError, ApiResult};

/// The typed sort key of a cursor. Cursors come from clients, so a key is checked like any
/// input: the database must never see a value it would refuse (a NUL, a year 99999).
pub fn cursor_key<T: CursorKey>(after: Option<&CursorPosition>) -> ApiResult<Option<(T, i64)>> {
    after
        .map(|position| {
            serde_json::from_value::<T>(position.key.clone())
                .ok()
                .filter(T::plausible)
                .map(|key| (key, position.id))
                .ok_or_else(|| ApiError::invalid_field("cursor", "invalid_cursor"))
        })
        .transpose()
}

pub trait CursorKey: serde::de::DeserializeOwned {
    fn plausible(&self) -> bool;
}

impl CursorKey for String {
    fn plausible(&self) -> bool {
        self.len() <= 1024 && !self.contains('\0')
    }
}

impl CursorKey for chrono::NaiveDateTime {
    fn plausible(&self) -> bool {
        (1..=9999).contains(&chrono::Datelike::year(self))
    }
}

impl CursorKey for i64 {
    fn plausible(&self) -> bool {
        true
    }
}
