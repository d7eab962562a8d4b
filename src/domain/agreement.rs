//! Performance agreements (perjanjian kinerja inovasi) and their commitments.

use std::fmt;

use chrono::NaiveDate;

use super::lab_stage::LabStage;
use super::monitoring::QuarterlyTargets;

/// A draft agreement's writable fields after validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgreementDraft {
    pub number: String,
    pub year: i64,
    pub agency_id: i64,
    pub statement: Option<String>,
}

/// A commitment's writable fields after validation (before signing): a value target
/// (`target` with `unit`), a stage target (`target_stage` by `due_on`), or both.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitmentDraft {
    pub innovation_id: i64,
    pub indicator: String,
    pub target: Option<Hundredths>,
    pub unit: Option<String>,
    pub target_stage: Option<LabStage>,
    pub due_on: Option<NaiveDate>,
    /// Only with a value target: its quarters, checked against `target`.
    pub quarterly: Option<QuarterlyTargets>,
}

impl CommitmentDraft {
    /// The rules of its quarterly targets, at `quarterly_targets...`: a value target with
    /// its unit to divide into quarters, and the method's rules against it.
    pub fn quarterly_issues(&self) -> Vec<super::field_issue::FieldIssue> {
        let Some(quarterly) = &self.quarterly else {
            return Vec::new();
        };
        match (self.target, &self.unit) {
            (Some(yearly), Some(_)) => quarterly.issues(yearly, "quarterly_targets"),
            _ => vec![super::field_issue::FieldIssue::new(
                "quarterly_targets",
                "value_target_required",
            )],
        }
    }
}

text_enum! {
    /// A party signing in an office it holds for the time being: printed before the
    /// title ("Plt. Kepala Dinas Kesehatan").
    pub enum ActingCapacity {
        /// Pelaksana tugas: acting while the office is vacant.
        Plt => "plt",
        /// Pelaksana harian: standing in while the holder is away.
        Plh => "plh",
    }
}

impl ActingCapacity {
    /// "Plt." or "Plh.", as a title is printed.
    pub fn prefix(self) -> &'static str {
        match self {
            Self::Plt => "Plt.",
            Self::Plh => "Plh.",
        }
    }
}

/// The canonical form new signatures cover. 1: the form before quarterly targets and
/// acting officials (agreements signed then keep it and verify with it); 2: with both.
pub const CANONICAL_VERSION: i32 = 2;

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

/// What can be done to an agreement; [`AgreementStatus::allows`] says in which states.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgreementAction {
    /// Change a draft's fields, or add, change or remove its commitments.
    EditDraft,
    /// Delete a draft (with its commitments).
    DeleteDraft,
    Sign,
    /// Record what a commitment achieved.
    RecordRealization,
    /// Start an amendment: a new draft that supersedes this agreement when signed.
    Amend,
    Cancel,
    /// Happens to the agreement in force when its amendment is signed.
    Supersede,
}

/// Why an action is refused in the agreement's state: the problem each answers with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LifecycleRefusal {
    /// Signed, superseded or cancelled: its content is fixed (amend it instead).
    Frozen,
    /// Only the signed agreement in force takes this.
    NotSigned,
    /// Already superseded or cancelled.
    Closed,
}

impl AgreementStatus {
    /// The agreement lifecycle, in one place: draft -> signed -> superseded or cancelled,
    /// a draft cancelled too. Every write of an agreement or its commitments asks here.
    pub fn allows(self, action: AgreementAction) -> Result<(), LifecycleRefusal> {
        use AgreementAction as A;
        use AgreementStatus as S;
        match (self, action) {
            (S::Draft, A::EditDraft | A::DeleteDraft | A::Sign | A::Cancel) => Ok(()),
            (_, A::EditDraft | A::DeleteDraft | A::Sign) => Err(LifecycleRefusal::Frozen),
            (S::Signed, A::RecordRealization | A::Amend | A::Cancel | A::Supersede) => Ok(()),
            (_, A::RecordRealization | A::Amend | A::Supersede) => Err(LifecycleRefusal::NotSigned),
            (S::Superseded | S::Cancelled, A::Cancel) => Err(LifecycleRefusal::Closed),
        }
    }

    /// The state an allowed action leads to (the same state for the actions that change
    /// content or records, not the state).
    pub fn after(self, action: AgreementAction) -> Self {
        match action {
            AgreementAction::Sign => Self::Signed,
            AgreementAction::Cancel => Self::Cancelled,
            AgreementAction::Supersede => Self::Superseded,
            _ => self,
        }
    }

    /// Signed and superseded agreements are public records; drafts and cancelled ones are
    /// not.
    pub fn is_public(self) -> bool {
        matches!(self, Self::Signed | Self::Superseded)
    }

    /// The states the public sees, for list filters.
    pub const PUBLIC: [Self; 2] = [Self::Signed, Self::Superseded];
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
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

#[cfg(test)]
mod lifecycle_tests {
    use super::AgreementAction as A;
    use super::AgreementStatus as S;
    use super::LifecycleRefusal as R;

    /// Every (status, action) pair, and what the lifecycle answers.
    #[test]
    fn every_status_and_action() {
        let table: [(S, A, Result<S, R>); 28] = [
            (S::Draft, A::EditDraft, Ok(S::Draft)),
            (S::Draft, A::DeleteDraft, Ok(S::Draft)),
            (S::Draft, A::Sign, Ok(S::Signed)),
            (S::Draft, A::RecordRealization, Err(R::NotSigned)),
            (S::Draft, A::Amend, Err(R::NotSigned)),
            (S::Draft, A::Cancel, Ok(S::Cancelled)),
            (S::Draft, A::Supersede, Err(R::NotSigned)),
            (S::Signed, A::EditDraft, Err(R::Frozen)),
            (S::Signed, A::DeleteDraft, Err(R::Frozen)),
            (S::Signed, A::Sign, Err(R::Frozen)),
            (S::Signed, A::RecordRealization, Ok(S::Signed)),
            (S::Signed, A::Amend, Ok(S::Signed)),
            (S::Signed, A::Cancel, Ok(S::Cancelled)),
            (S::Signed, A::Supersede, Ok(S::Superseded)),
            (S::Superseded, A::EditDraft, Err(R::Frozen)),
            (S::Superseded, A::DeleteDraft, Err(R::Frozen)),
            (S::Superseded, A::Sign, Err(R::Frozen)),
            (S::Superseded, A::RecordRealization, Err(R::NotSigned)),
            (S::Superseded, A::Amend, Err(R::NotSigned)),
            (S::Superseded, A::Cancel, Err(R::Closed)),
            (S::Superseded, A::Supersede, Err(R::NotSigned)),
            (S::Cancelled, A::EditDraft, Err(R::Frozen)),
            (S::Cancelled, A::DeleteDraft, Err(R::Frozen)),
            (S::Cancelled, A::Sign, Err(R::Frozen)),
            (S::Cancelled, A::RecordRealization, Err(R::NotSigned)),
            (S::Cancelled, A::Amend, Err(R::NotSigned)),
            (S::Cancelled, A::Cancel, Err(R::Closed)),
            (S::Cancelled, A::Supersede, Err(R::NotSigned)),
        ];
        for (status, action, expected) in table {
            let answer = status.allows(action).map(|()| status.after(action));
            assert_eq!(answer, expected, "{status:?} {action:?}");
        }
        assert_eq!(
            S::ALL
                .iter()
                .filter(|s| s.is_public())
                .copied()
                .collect::<Vec<_>>(),
            S::PUBLIC.to_vec()
        );
    }
}
