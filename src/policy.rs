//! Who may do what, decided here and nowhere else. Handlers ask [`authorize`] before
//! acting; the answer is 401 for a caller without an account where one is needed, 403 for
//! an account whose role (or agency) does not allow it.
//!
//! - anonymous: reads what is public (agencies without personal data, cohorts, launched
//!   innovations);
//! - `viewer`: reads everything, writes nothing;
//! - `agency_editor`: reads everything; edits its own agency's contact fields; creates and
//!   edits its own agency's innovations and moves them forward;
//! - `reviewer`: reads as a viewer does; judges, returns and verifies the yearly index's
//!   assessments, never its own agency's (if it belongs to one);
//! - `admin`: everything, including accounts and the audit trail.
//!
//! The yearly index's assessments: an agency's editors write their innovations' (the
//! region's own is the administrators'); only administrators reopen a verified one.

use crate::domain::account::Role;
use crate::domain::caller::{AccountKind, Caller};
use crate::error::{ApiError, ApiResult};

/// An action on a resource, with what the decision needs to know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    ReadAgencies,
    CreateAgency,
    /// `contact_only`: the change touches only the head and contact fields.
    UpdateAgency {
        agency_id: i64,
        contact_only: bool,
    },
    ArchiveAgency {
        agency_id: i64,
    },
    /// Users and API clients: list, read, create, change, deactivate, reset credentials.
    ManageAccounts,
    ReadAuditTrail,
    ReadCohorts,
    ManageCohorts,
    /// Innovations before their launch (drum_up to design) are internal.
    ReadInternalInnovations,
    ReadInnovations,
    CreateInnovation {
        agency_id: i64,
    },
    UpdateInnovation {
        agency_id: i64,
    },
    /// Loading a cohort from a spreadsheet (administrators).
    ImportInnovations,
    /// Signed and superseded agreements are public; drafts and cancelled ones are not.
    ReadAgreements,
    ReadUnsignedAgreements,
    /// Drafting an agreement or its commitments for an agency.
    DraftAgreement {
        agency_id: i64,
    },
    SignAgreement,
    CancelAgreement,
    RecordRealization {
        agency_id: i64,
    },
    /// Changing a realization of a quarter the lab has closed (administrators).
    ChangeClosedQuarter,
    /// Closing and reopening a quarter's monitoring (administrators).
    CloseMonitoringQuarter,
    /// Bringing an archived innovation back (administrators).
    RestoreInnovation,
    /// A stage move; backward moves are for administrators.
    MoveInnovation {
        agency_id: i64,
        backward: bool,
    },
    /// `/me`: one's own account.
    ActOnOwnAccount,
    /// Uploading, changing and archiving evidence documents of an agency's innovations.
    ManageDocuments {
        agency_id: i64,
    },
    /// Removing a document's file for good (administrators).
    PurgeDocument,
    /// The yearly index's published catalogues are public.
    ReadIndexCatalogues,
    /// Writing, publishing, copying and deleting catalogues; reading drafts (administrators).
    ManageIndexCatalogues,
    /// Assessments, their answers and evidence: any signed-in account.
    ReadIndexAssessments,
    /// Starting, answering and submitting the assessment of an innovation of `agency_id`
    /// (its agency's editors), or of the region itself (`None`: administrators).
    WriteIndexAssessment {
        agency_id: Option<i64>,
    },
    /// Verdicts, returning and verifying (reviewers, never on their own agency's).
    ReviewIndexAssessment {
        agency_id: Option<i64>,
    },
    /// Taking a verified assessment back (administrators).
    ReopenIndexAssessment,
}

impl Action {
    /// What anyone may do without signing in.
    fn is_public(self) -> bool {
        matches!(
            self,
            Self::ReadAgencies
                | Self::ReadCohorts
                | Self::ReadInnovations
                | Self::ReadAgreements
                | Self::ReadIndexCatalogues
        )
    }
}

pub fn authorize(caller: &Caller, action: Action) -> ApiResult<()> {
    let account = match caller {
        Caller::System => return Ok(()),
        Caller::Anonymous if action.is_public() => return Ok(()),
        Caller::Anonymous => return Err(ApiError::sign_in_required()),
        Caller::Account(account) => account,
    };
    let allowed = match (account.role, action) {
        (Role::Admin, _) => true,
        (
            _,
            Action::ReadAgencies
            | Action::ActOnOwnAccount
            | Action::ReadCohorts
            | Action::ReadInnovations
            | Action::ReadInternalInnovations
            | Action::ReadAgreements
            | Action::ReadUnsignedAgreements
            | Action::ReadIndexCatalogues,
        ) => true,
        (Role::Viewer | Role::AgencyEditor | Role::Reviewer, Action::ReadIndexAssessments) => true,
        (
            Role::AgencyEditor,
            Action::WriteIndexAssessment {
                agency_id: Some(agency_id),
            },
        ) => account.agency_id == Some(agency_id),
        (Role::Reviewer, Action::ReviewIndexAssessment { agency_id }) => {
            agency_id.is_none() || account.agency_id != agency_id
        }
        (
            Role::AgencyEditor,
            Action::CreateInnovation { agency_id }
            | Action::UpdateInnovation { agency_id }
            | Action::MoveInnovation {
                agency_id,
                backward: false,
            }
            | Action::DraftAgreement { agency_id }
            | Action::RecordRealization { agency_id }
            | Action::ManageDocuments { agency_id },
        ) => account.agency_id == Some(agency_id),
        (
            Role::AgencyEditor,
            Action::UpdateAgency {
                agency_id,
                contact_only,
            },
        ) => contact_only && account.agency_id == Some(agency_id),
        _ => false,
    };
    if allowed {
        Ok(())
    } else {
        Err(ApiError::forbidden(format!(
            "the {} role may not do this{}",
            account.role,
            match (account.role, action) {
                (Role::AgencyEditor, Action::UpdateAgency { .. }) => {
                    ": an agency editor changes only its own agency's head and contact fields"
                }
                (Role::AgencyEditor, Action::MoveInnovation { backward: true, .. }) => {
                    ": moving an innovation back a stage is for administrators"
                }
                (
                    Role::AgencyEditor,
                    Action::CreateInnovation { .. }
                    | Action::UpdateInnovation { .. }
                    | Action::MoveInnovation { .. }
                    | Action::ManageDocuments { .. },
                ) => ": an agency editor works only on its own agency's innovations",
                (_, Action::PurgeDocument) => ": purging a file is for administrators",
                (_, Action::ChangeClosedQuarter) => {
                    ": the lab has closed this quarter; only administrators change it now"
                }
                (_, Action::CloseMonitoringQuarter) => {
                    ": closing and reopening a quarter is for administrators"
                }
                (Role::AgencyEditor, Action::WriteIndexAssessment { agency_id: None }) => {
                    ": the region's own assessment is written by administrators"
                }
                (Role::AgencyEditor, Action::WriteIndexAssessment { .. }) => {
                    ": an agency editor assesses only its own agency's innovations"
                }
                (Role::Reviewer, Action::ReviewIndexAssessment { .. }) => {
                    ": a reviewer does not verify its own agency's assessments"
                }
                (_, Action::ReviewIndexAssessment { .. }) => {
                    ": verifying assessments is for reviewers"
                }
                (_, Action::ReopenIndexAssessment) => {
                    ": reopening a verified assessment is for administrators"
                }
                _ => "",
            }
        )))
    }
}

/// Whether an account with `role` may change anything besides its own account: what the
/// idempotency middleware asks before it reads a body, so a viewer's upload is refused
/// (403) without being held.
pub fn may_write_beyond_own_account(role: Role) -> bool {
    role != Role::Viewer
}

/// Whether `caller` may see personal data such as a NIP (it encodes a birth date and
/// gender: personal data under UU 27/2022). Any signed-in account may; the public may not.
pub fn may_see_personal_data(caller: &Caller) -> bool {
    !matches!(caller, Caller::Anonymous)
}

/// Whether `caller` may see an innovation at `stage`: the public sees launched ones only
/// (`delivery`, `display`); anything earlier is internal.
pub fn may_see_innovation(caller: &Caller, stage: crate::domain::lab_stage::LabStage) -> bool {
    stage.is_launched() || may_see_internal_innovations(caller)
}

/// 409 when `caller` would demote or deactivate its own account (kind and id) to `role`
/// and `active`: an administrator cannot lock the service out of its last administrator
/// by accident; another administrator must do it.
pub fn may_change_own_account(
    caller: &Caller,
    kind: AccountKind,
    id: i64,
    role: Role,
    active: bool,
) -> ApiResult<()> {
    let is_self =
        matches!(caller, Caller::Account(account) if account.kind == kind && account.id == id);
    if is_self && (role != Role::Admin || !active) {
        return Err(ApiError::Conflict {
            slug: "own-account",
            detail: "you cannot demote or deactivate your own account; ask another administrator"
                .into(),
            errors: Vec::new(),
        });
    }
    Ok(())
}

/// Whether `caller` may see innovations that have not been launched yet.
pub fn may_see_internal_innovations(caller: &Caller) -> bool {
    authorize(caller, Action::ReadInternalInnovations).is_ok()
}

/// 401 unless the caller has an account: for writes whose finer check needs the record.
pub fn require_account(caller: &Caller) -> ApiResult<()> {
    match caller {
        Caller::Anonymous => Err(ApiError::sign_in_required()),
        _ => Ok(()),
    }
}

/// Whether `caller` may read a document: signed-in accounts read every document of an
/// innovation they see; the public reads the `public` ones only.
pub fn may_read_document(caller: &Caller, public: bool) -> bool {
    public || !matches!(caller, Caller::Anonymous)
}

/// Whether `caller` may see draft and cancelled agreements.
pub fn may_see_unsigned_agreements(caller: &Caller) -> bool {
    authorize(caller, Action::ReadUnsignedAgreements).is_ok()
}
