//! NIP (Nomor Induk Pegawai), the 18-digit civil-servant number.
//!
//! Layout: `YYYYMMDD` birth date, `YYYYMM` first appointment, `1`/`2` gender, 3-digit serial,
//! e.g. `19860926 201505 1 001`. Spaces are allowed on input; the NIP is stored bare.
//! A NIP encodes a birth date and gender, so it is personal data (UU 27/2022).

use std::fmt;

use chrono::{Datelike, NaiveDate, Utc};

/// No serving civil servant was born before this year; earlier birth dates are typos.
const EARLIEST_BIRTH_YEAR: i32 = 1900;

/// Digits before each place a space may separate the groups: `19860926 201505 1 001`.
const GROUP_BREAKS: [usize; 3] = [8, 14, 15];

/// A NIP that has passed every check; it cannot hold an invalid value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Nip(String);

/// Each way a NIP can be wrong, with the stable error code the API reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NipError {
    NotDigits,
    InvalidLength,
    InvalidBirthDate,
    InvalidAppointmentMonth,
    AppointmentBeforeBirth,
    InvalidGender,
    InvalidSerial,
}

impl NipError {
    pub fn code(self) -> &'static str {
        match self {
            Self::NotDigits => "nip_not_digits",
            Self::InvalidLength => "nip_invalid_length",
            Self::InvalidBirthDate => "nip_invalid_birth_date",
            Self::InvalidAppointmentMonth => "nip_invalid_month",
            Self::AppointmentBeforeBirth => "nip_appointment_before_birth",
            Self::InvalidGender => "nip_invalid_gender",
            Self::InvalidSerial => "nip_invalid_serial",
        }
    }
}

impl Nip {
    pub fn parse(input: &str) -> Result<Self, NipError> {
        let bare = strip_group_spaces(input)?;
        if bare.len() != 18 {
            return Err(NipError::InvalidLength);
        }
        let number = |range: std::ops::Range<usize>| -> u32 {
            // Only ASCII digits remain, so every slice parses.
            bare[range].parse().unwrap_or(0)
        };
        let birth = NaiveDate::from_ymd_opt(number(0..4) as i32, number(4..6), number(6..8))
            .filter(|date| date.year() >= EARLIEST_BIRTH_YEAR && *date <= Utc::now().date_naive())
            .ok_or(NipError::InvalidBirthDate)?;
        let (appointment_year, appointment_month) = (number(8..12) as i32, number(12..14));
        if !(1..=12).contains(&appointment_month) {
            return Err(NipError::InvalidAppointmentMonth);
        }
        if (appointment_year, appointment_month) <= (birth.year(), birth.month()) {
            return Err(NipError::AppointmentBeforeBirth);
        }
        if !matches!(&bare[14..15], "1" | "2") {
            return Err(NipError::InvalidGender);
        }
        if &bare[15..18] == "000" {
            return Err(NipError::InvalidSerial);
        }
        Ok(Self(bare))
    }

    /// The digits without the optional single spaces between groups.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for Nip {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Removes the single spaces allowed between the groups; anything else is not a NIP.
fn strip_group_spaces(input: &str) -> Result<String, NipError> {
    let mut bare = String::with_capacity(18);
    let mut previous_was_space = false;
    for c in input.chars() {
        match c {
            '0'..='9' => {
                bare.push(c);
                previous_was_space = false;
            }
            ' ' if !previous_was_space && GROUP_BREAKS.contains(&bare.len()) => {
                previous_was_space = true;
            }
            _ => return Err(NipError::NotDigits),
        }
    }
    if previous_was_space {
        return Err(NipError::NotDigits);
    }
    Ok(bare)
}

/// `validator` adapter: reports the specific [`NipError`] code.
pub fn validate_nip(input: &str) -> Result<(), validator::ValidationError> {
    Nip::parse(input)
        .map(|_| ())
        .map_err(|e| validator::ValidationError::new(e.code()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_documented_shape_with_spaces_and_stores_it_bare() {
        let nip = Nip::parse("19860926 201505 1 001").unwrap();
        assert_eq!(nip.as_str(), "198609262015051001");
    }

    #[test]
    fn names_each_way_a_nip_can_be_wrong() {
        let cases = [
            ("19860926 201505 1 00x", NipError::NotDigits),
            ("1986 0926 201505 1 001", NipError::NotDigits),
            ("19860926  201505 1 001", NipError::NotDigits),
            ("19860926 201505 1 001 ", NipError::NotDigits),
            ("18860926 201505 1 001", NipError::InvalidBirthDate),
            ("29860926 299905 1 001", NipError::InvalidBirthDate),
            ("19860926 201505 1 01", NipError::InvalidLength),
            ("19860231 201505 1 001", NipError::InvalidBirthDate),
            ("19860926 201513 1 001", NipError::InvalidAppointmentMonth),
            ("19860926 201500 1 001", NipError::InvalidAppointmentMonth),
            ("19860926 198608 1 001", NipError::AppointmentBeforeBirth),
            ("19860926 198609 1 001", NipError::AppointmentBeforeBirth),
            ("19860926 201505 3 001", NipError::InvalidGender),
            ("19860926 201505 2 000", NipError::InvalidSerial),
        ];
        for (input, expected) in cases {
            assert_eq!(Nip::parse(input), Err(expected), "{input}");
        }
    }

    #[test]
    fn appointment_the_month_after_birth_is_accepted() {
        assert!(Nip::parse("198609262015051001").is_ok());
        assert!(Nip::parse("198609261986102001").is_ok());
    }
}
