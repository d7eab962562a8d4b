//! Query-string parsing for list endpoints: every problem is collected and answered as one
//! 422, and any parameter the endpoint does not know is refused rather than ignored.

use chrono::{DateTime, NaiveDateTime, Utc};

use crate::domain::labels::Labelled;
use crate::error::{ApiError, FieldError};

pub const DEFAULT_PER_PAGE: i64 = 20;
pub const MAX_PER_PAGE: i64 = 100;
/// Longest `q` accepted.
pub const MAX_Q_LEN: usize = 100;
/// Longest instant accepted: RFC 3339 to the nanosecond with an offset,
/// `2016-10-12T10:00:00.123456789+07:00` (chrono would read any number of digits).
pub const MAX_DATETIME_LEN: usize = 35;

/// The query string as name/value pairs, consumed by typed getters.
pub struct QueryPairs {
    pairs: Vec<(String, String)>,
    errors: Vec<FieldError>,
}

impl QueryPairs {
    pub fn parse(query: &str) -> Result<Self, ApiError> {
        let pairs: Vec<(String, String)> =
            serde_urlencoded::from_str(query).map_err(|e| ApiError::BadRequest {
                detail: format!("the query string cannot be decoded: {e}"),
                errors: Vec::new(),
            })?;
        let mut errors = Vec::new();
        for (name, value) in &pairs {
            if value.contains('\0') || name.contains('\0') {
                errors.push(FieldError::new(
                    name.replace('\0', ""),
                    "invalid_characters",
                ));
            }
        }
        Ok(Self { pairs, errors })
    }

    /// Removes every occurrence of `name` and returns their raw values, in order.
    fn take_all(&mut self, name: &str) -> Vec<String> {
        let mut values = Vec::new();
        self.pairs.retain(|(n, value)| {
            let matches = n == name;
            if matches {
                values.push(value.clone());
            }
            !matches
        });
        values
    }

    /// Removes and returns the raw value of the single-valued parameter `name`; given more
    /// than once, it is a 422 (`duplicate_parameter`).
    pub fn take(&mut self, name: &str) -> Option<String> {
        let mut values = self.take_all(name).into_iter();
        let first = values.next()?;
        if values.next().is_some() && !self.errors.iter().any(|e| e.field == name) {
            self.errors
                .push(FieldError::new(name, "duplicate_parameter"));
        }
        Some(first)
    }

    pub fn error(&mut self, error: FieldError) {
        self.errors.push(error);
    }

    pub fn take_string(&mut self, name: &str, max_len: usize) -> Option<String> {
        let value = self.take(name)?;
        if value.chars().count() > max_len {
            self.error(FieldError::with_message(
                name,
                "too_long",
                format!("must be at most {max_len} characters long"),
            ));
            return None;
        }
        Some(value)
    }

    pub fn take_i64(&mut self, name: &str, min: i64, max: i64) -> Option<i64> {
        let value = self.take(name)?;
        match value.parse::<i64>() {
            Ok(n) if (min..=max).contains(&n) => Some(n),
            Ok(_) => {
                self.error(FieldError::with_message(
                    name,
                    "range",
                    format!("must be between {min} and {max}"),
                ));
                None
            }
            Err(_) => {
                self.error(FieldError::new(name, "invalid_integer"));
                None
            }
        }
    }

    pub fn take_bool(&mut self, name: &str) -> Option<bool> {
        match self.take(name)?.as_str() {
            "true" => Some(true),
            "false" => Some(false),
            _ => {
                self.error(FieldError::new(name, "invalid_boolean"));
                None
            }
        }
    }

    /// An RFC 3339 instant, at most [`MAX_DATETIME_LEN`] characters long.
    pub fn take_datetime(&mut self, name: &str) -> Option<NaiveDateTime> {
        let value = self.take(name)?;
        if value.len() > MAX_DATETIME_LEN {
            self.error(FieldError::with_message(
                name,
                "too_long",
                format!("must be at most {MAX_DATETIME_LEN} characters long"),
            ));
            return None;
        }
        match DateTime::parse_from_rfc3339(&value) {
            Ok(at) => Some(at.with_timezone(&Utc).naive_utc()),
            Err(_) => {
                self.error(FieldError::new(name, "invalid_datetime"));
                None
            }
        }
    }

    /// A comma-separated list of values, each checked by `parse`. It names at most as
    /// many values as `T` has (the document's `maxItems`): more is a 422 `too_many_values`.
    pub fn take_list<T: Labelled>(
        &mut self,
        name: &str,
        parse: impl Fn(&str) -> Option<T>,
        allowed: impl Fn() -> String,
    ) -> Option<Vec<T>> {
        // A list comes comma-separated (`explode: false`) or as the parameter repeated, which
        // is what most generated clients send whatever the document says.
        let values = self.take_all(name);
        if values.is_empty() {
            return None;
        }
        let value = values.join(",");
        let count = value.split(',').count();
        if count > T::ALL.len() {
            self.error(FieldError::with_message(
                name,
                "too_many_values",
                format!(
                    "names {count} values; there are {} to choose from",
                    T::ALL.len()
                ),
            ));
            return None;
        }
        let mut items = Vec::new();
        for part in value.split(',') {
            match parse(part.trim()) {
                Some(item) => items.push(item),
                None => {
                    self.error(FieldError::with_message(
                        name,
                        "invalid_choice",
                        format!("`{part}` is not one of: {}", allowed()),
                    ));
                    return None;
                }
            }
        }
        Some(items)
    }

    /// Ends parsing: any parameter nobody took is unknown; every collected error is
    /// reported at once.
    pub fn finish(mut self) -> Result<(), ApiError> {
        let mut unknown: Vec<String> = Vec::new();
        for (name, _) in self.pairs.drain(..) {
            if !unknown.contains(&name) {
                unknown.push(name);
            }
        }
        for name in unknown {
            self.errors.push(FieldError::new(name, "unknown_parameter"));
        }
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(ApiError::Validation(self.errors))
        }
    }
}

pub use crate::domain::paging::Format;
