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

/// Length of a date as the API writes and reads it: RFC 3339 `full-date`, `YYYY-MM-DD`.
pub const FULL_DATE_LEN: usize = 10;

/// A date written exactly `YYYY-MM-DD` (RFC 3339 `full-date`, what `format: date` means).
/// chrono alone also reads `2016-1-2`, `+2016-10-12` and a date wrapped in any amount of
/// whitespace, so a date's text had no bound; those are refused here.
pub fn parse_full_date(text: &str) -> Option<NaiveDate> {
    let shaped = text.len() == FULL_DATE_LEN
        && text.bytes().enumerate().all(|(at, byte)| match at {
            4 | 7 => byte == b'-',
            _ => byte.is_ascii_digit(),
        });
    shaped
        .then(|| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok())
        .flatten()
}

/// serde `deserialize_with` for a date field of a request body: see [`parse_full_date`].
/// A value of another JSON type stays serde's "invalid type" error.
pub fn full_date<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<NaiveDate, D::Error> {
    read(<String as serde::Deserialize>::deserialize(deserializer)?)
}

/// [`full_date`] for an optional field (with `#[serde(default)]`): null is `None`.
pub fn optional_full_date<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<NaiveDate>, D::Error> {
    <Option<String> as serde::Deserialize>::deserialize(deserializer)?
        .map(read)
        .transpose()
}

/// [`full_date`] for a field of a merge patch: absent (`None`, with `#[serde(default)]`),
/// null (`Some(None)`) or a date.
pub fn patched_full_date<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Option<NaiveDate>>, D::Error> {
    optional_full_date(deserializer).map(Some)
}

fn read<E: serde::de::Error>(text: String) -> Result<NaiveDate, E> {
    parse_full_date(&text).ok_or_else(|| E::custom("not a date written YYYY-MM-DD"))
}

#[cfg(test)]
mod tests {
    use super::parse_full_date;

    #[test]
    fn a_date_is_exactly_yyyy_mm_dd() {
        assert!(parse_full_date("2016-10-12").is_some());
        for bad in [
            "2016-1-2",
            "+2016-10-12",
            " 2016-10-12",
            "2016-10-12 ",
            "2016 - 10 - 12",
            "2016-02-30",
            "2016/10/12",
            "",
        ] {
            assert!(parse_full_date(bad).is_none(), "{bad:?}");
        }
    }
}
