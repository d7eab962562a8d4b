//! Dates the registry takes: 1900-2100. Wider ones are typos, and PostgreSQL and SQLite
//! would store them differently (or not at all).

use chrono::{Datelike, NaiveDate};
use validator::ValidationError;

pub fn plausible(date: &NaiveDate) -> bool {
    (1900..=2100).contains(&date.year())
}

/// `validator` adapter.
pub fn validate_date(date: &NaiveDate) -> Result<(), ValidationError> {
    if plausible(date) {
        Ok(())
    } else {
        Err(ValidationError::new("date_out_of_range"))
    }
}
