//! Innovations: who started them, what form they take, their status, and field limits.

text_enum! {
    /// Who initiated an innovation (PP 38/2017 art. 5).
    pub enum InitiatorType {
        RegionalHead => "regional_head",
        CouncilMember => "council_member",
        Agency => "agency",
        CivilServant => "civil_servant",
        Public => "public",
    }
}

text_enum! {
    /// The form of a regional innovation (PP 38/2017 art. 4).
    pub enum InnovationForm {
        Governance => "governance",
        PublicService => "public_service",
        Other => "other",
    }
}

text_enum! {
    /// `draft` while being written up, `active` once the lab works on it, `archived` when
    /// withdrawn (still readable).
    pub enum InnovationStatus {
        Draft => "draft",
        Active => "active",
        Archived => "archived",
    }
}

/// An innovation's writable fields after validation: every value here is legal on its own
/// (the stage is not among them: it moves by transitions). Whether the agency and cohort
/// exist is checked by the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InnovationDraft {
    pub cohort_id: i64,
    pub agency_id: i64,
    pub name: String,
    pub acronym_expansion: Option<String>,
    pub initiator_type: InitiatorType,
    pub initiator_name: Option<String>,
    pub form: InnovationForm,
    pub digital: bool,
    pub government_affairs: Vec<String>,
    pub problem: Option<String>,
    pub approach: Option<String>,
    pub goals: Option<String>,
    pub benefits: Option<String>,
    pub results: Option<String>,
    pub beneficiaries: Option<String>,
    pub beneficiaries_target: Option<i64>,
    pub trial_on: Option<chrono::NaiveDate>,
    pub status: InnovationStatus,
}

pub const NAME_MAX: u64 = 200;
pub const ACRONYM_EXPANSION_MAX: u64 = 300;
pub const INITIATOR_NAME_MAX: u64 = 200;
/// Problem, approach, goals, benefits, results, beneficiaries: a page of prose each.
pub const LONG_TEXT_MAX: u64 = 10_000;
pub const AFFAIR_MAX: usize = 100;
pub const AFFAIRS_MAX: u64 = 20;
pub const NOTE_MAX: u64 = 2_000;
pub const URL_MAX: u64 = 2_048;

/// A name at most [`NAME_MAX`] characters long as it is stored: the length rule counts
/// what the client sent, and Unicode NFC ([`crate::domain::text::normalise_name`]) makes a
/// few texts longer (U+0958 is two characters in NFC).
pub fn validate_stored_name(name: &str) -> Result<(), validator::ValidationError> {
    let within = |text: &str| text.chars().count() as u64 <= NAME_MAX;
    // A name already too long as sent is the length rule's to report.
    if within(name) && !within(&crate::domain::text::normalise_name(name)) {
        let mut error = validator::ValidationError::new("length");
        error.add_param("max".into(), &NAME_MAX);
        return Err(error);
    }
    Ok(())
}

/// Each government affair (urusan) is a short non-blank label without `|` (which joins
/// them in CSV exports, so an export can be imported again).
pub fn validate_affairs(affairs: &[String]) -> Result<(), validator::ValidationError> {
    if affairs.iter().any(|affair| {
        affair.trim().is_empty() || affair.chars().count() > AFFAIR_MAX || affair.contains('|')
    }) {
        return Err(validator::ValidationError::new("affair_invalid"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_name_is_measured_as_it_is_stored() {
        // U+0958 is one character as sent and two in NFC.
        assert!(super::validate_stored_name(&"\u{958}".repeat(150)).is_err());
        assert!(super::validate_stored_name(&"a".repeat(200)).is_ok());
    }
}
