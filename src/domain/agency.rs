//! Agencies (SKPD/OPD, Setda sections, Puskesmas, RSUD, BUMD) and their rules.

use std::sync::LazyLock;

use regex::Regex;
use validator::ValidationError;

use super::nip::Nip;

text_enum! {
    /// What kind of government body an agency is.
    pub enum AgencyKind {
        /// SKPD/OPD: a dinas, badan or kantor.
        Agency => "agency",
        /// A section (bagian) of the Regional Secretariat (Setda), e.g. Bagian Hukum.
        SecretariatSection => "secretariat_section",
        /// A kecamatan (sub-district) office.
        SubDistrict => "sub_district",
        /// A UPT Puskesmas (community health centre).
        HealthCenter => "health_center",
        /// The RSUD (regional public hospital).
        Hospital => "hospital",
        /// A BUMD (regionally owned enterprise).
        Enterprise => "enterprise",
        Other => "other",
    }
}

pub const CODE_MAX: u64 = 32;
pub const NAME_MAX: u64 = 200;
pub const SHORT_NAME_MAX: u64 = 50;
pub const PERSON_NAME_MAX: u64 = 200;
pub const TITLE_MAX: u64 = 200;
pub const ADDRESS_MAX: u64 = 500;
pub const EMAIL_MAX: u64 = 254;

static AGENCY_CODE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[A-Z0-9-]{2,32}$").expect("static regex"));
static REGION_CODE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[0-9]{4}$").expect("static regex"));
static PHONE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\+?[0-9 ()\-]{6,32}$").expect("static regex"));

/// `BAG-HUKUM`: 2-32 characters of A-Z, 0-9 and `-`.
pub fn validate_agency_code(code: &str) -> Result<(), ValidationError> {
    check(&AGENCY_CODE, code, "agency_code_invalid")
}

/// Kemendagri regency/city code: 4 digits (`3305` is Kebumen).
pub fn validate_region_code(code: &str) -> Result<(), ValidationError> {
    check(&REGION_CODE, code, "region_code_invalid")
}

pub fn validate_phone(phone: &str) -> Result<(), ValidationError> {
    check(&PHONE, phone, "phone_invalid")
}

fn check(pattern: &Regex, value: &str, code: &'static str) -> Result<(), ValidationError> {
    if pattern.is_match(value) {
        Ok(())
    } else {
        Err(ValidationError::new(code))
    }
}

/// An agency's writable fields after validation: every value here is legal on its own.
/// Rules that need the database (the parent exists, no cycles) are checked by the store.
#[derive(Debug, Clone, PartialEq)]
pub struct AgencyDraft {
    pub code: String,
    pub name: String,
    pub short_name: Option<String>,
    pub kind: AgencyKind,
    pub parent_id: Option<i64>,
    pub region_code: String,
    pub head_name: Option<String>,
    pub head_nip: Option<Nip>,
    pub head_title: Option<String>,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub active: bool,
}
