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

pub const NAME_MAX: u64 = 200;
pub const ACRONYM_EXPANSION_MAX: u64 = 300;
pub const INITIATOR_NAME_MAX: u64 = 200;
/// Problem, approach, goals, benefits, results, beneficiaries: a page of prose each.
pub const LONG_TEXT_MAX: u64 = 10_000;
pub const AFFAIR_MAX: usize = 100;
pub const AFFAIRS_MAX: u64 = 20;
pub const NOTE_MAX: u64 = 2_000;
pub const URL_MAX: u64 = 2_048;

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
