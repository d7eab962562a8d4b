//! Performance agreements (perjanjian kinerja inovasi) and their commitments.

use std::fmt;

text_enum! {
    /// `draft` until signed; a signed agreement is frozen until an amendment supersedes it
    /// or it is cancelled (kept, never deleted).
    pub enum AgreementStatus {
        Draft => "draft",
        Signed => "signed",
        Superseded => "superseded",
        Cancelled => "cancelled",
    }
}

text_enum! {
    /// Why an agreement is amended.
    pub enum AmendmentReason {
        ChangeOfOfficial => "change_of_official",
        ChangeOfStrategy => "change_of_strategy",
        ChangeOfPriorities => "change_of_priorities",
    }
}

/// The fields an amendment takes from the agreement it amends and may not change: it
/// supersedes that agreement, for that agency and year, when signed. Changing either would
/// leave the original in force beside it. Returns the fields a change would alter.
pub fn fields_fixed_by_amended(
    (year, agency_id): (i64, i64),
    (new_year, new_agency_id): (i64, i64),
) -> Vec<&'static str> {
    let mut fixed = Vec::new();
    if new_year != year {
        fixed.push("year");
    }
    if new_agency_id != agency_id {
        fixed.push("agency_id");
    }
    fixed
}

pub const NUMBER_MAX: u64 = 64;
pub const STATEMENT_MAX: u64 = 5_000;
pub const PLACE_MAX: u64 = 200;
pub const INDICATOR_MAX: u64 = 1_000;
pub const UNIT_MAX: u64 = 50;

/// A decimal with at most two fractional digits, held as a whole number of hundredths so
/// that it is exact on both backends and in JSON (where it is written as a string,
/// `"1000.50"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Hundredths(pub i64);

/// Largest magnitude accepted: thirteen integer digits.
const MAX_HUNDREDTHS: i64 = 9_999_999_999_999_999;

impl Hundredths {
    /// `"1000"`, `"1000.5"`, `"-3.25"`; not `"1e3"`, `"1.234"`, `"1,5"`.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        let (negative, digits) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty()
            || whole.len() > 13
            || fraction.len() > 2
            || !all_digits(whole)
            || !all_digits(fraction)
            || (digits.contains('.') && fraction.is_empty())
        {
            return None;
        }
        let whole: i64 = whole.parse().ok()?;
        let fraction: i64 = format!("{fraction:0<2}").parse().ok()?;
        let value = whole.checked_mul(100)?.checked_add(fraction)?;
        (value <= MAX_HUNDREDTHS).then_some(Self(if negative { -value } else { value }))
    }
}

impl fmt::Display for Hundredths {
    /// Always two fractional digits: `1000.00`, `-3.25`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let magnitude = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}", magnitude / 100, magnitude % 100)
    }
}

/// `validator` adapter for a decimal field.
pub fn validate_decimal(text: &str) -> Result<(), validator::ValidationError> {
    Hundredths::parse(text)
        .map(|_| ())
        .ok_or_else(|| validator::ValidationError::new("decimal_invalid"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_exact_with_two_fractional_digits() {
        let cases = [
            ("1000", 100_000),
            ("1000.5", 100_050),
            ("0.07", 7),
            ("-3.25", -325),
            ("12.30", 1230),
        ];
        for (text, hundredths) in cases {
            assert_eq!(
                Hundredths::parse(text),
                Some(Hundredths(hundredths)),
                "{text}"
            );
        }
        assert_eq!(Hundredths(100_050).to_string(), "1000.50");
        assert_eq!(Hundredths(-7).to_string(), "-0.07");
        for bad in [
            "",
            "1.234",
            "1e3",
            "1,5",
            "abc",
            "1.",
            ".5",
            "--1",
            "99999999999999",
        ] {
            assert_eq!(Hundredths::parse(bad), None, "{bad}");
        }
    }
}
