//! Who may do what, decided here and nowhere else. Handlers ask [`authorize`] before
//! acting; the answer is 401 for a caller without an account where one is needed, 403 for
//! an account whose role (or agency) does not allow it.
//!
//! - anonymous: reads what is public (agencies, without personal data);
//! - `viewer`: reads everything, writes nothing;
//! - `agency_editor`: reads everything; edits its own agency's contact fields;
//! - `admin`: everything, including accounts and the audit trail.

use crate::domain::account::Role;
use crate::error::{ApiError, ApiResult};
use crate::http::caller::Caller;

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
    /// `/me`: one's own account.
    ActOnOwnAccount,
}

impl Action {
    /// What anyone may do without signing in.
    fn is_public(self) -> bool {
        matches!(self, Self::ReadAgencies)
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
        (_, Action::ReadAgencies | Action::ActOnOwnAccount) => true,
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
                _ => "",
            }
        )))
    }
}

/// Whether `caller` may see personal data such as a NIP (it encodes a birth date and
/// gender: personal data under UU 27/2022). Any signed-in account may; the public may not.
pub fn may_see_personal_data(caller: &Caller) -> bool {
    !matches!(caller, Caller::Anonymous)
}
