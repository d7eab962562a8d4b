//! Who may do what, decided in one place. Handlers ask [`authorize`] before acting.
//!
//! Until sign-in and roles land every caller is anonymous and every action is allowed;
//! the rules of `issue 3` (roles, agency scoping, public display) replace this body.

use crate::error::ApiResult;
use crate::http::caller::Caller;

/// An action on a resource, with what the decision needs to know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    ReadAgencies,
    CreateAgency,
    UpdateAgency { agency_id: i64 },
    ArchiveAgency { agency_id: i64 },
}

pub fn authorize(caller: &Caller, action: Action) -> ApiResult<()> {
    match (caller, action) {
        (Caller::Anonymous | Caller::System, _) => Ok(()),
    }
}

/// Whether `caller` may see personal data such as a NIP (it encodes a birth date and
/// gender: personal data under UU 27/2022). Never an anonymous caller.
pub fn may_see_personal_data(caller: &Caller) -> bool {
    match caller {
        Caller::Anonymous => false,
        Caller::System => true,
    }
}
