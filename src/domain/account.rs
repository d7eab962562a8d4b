//! People and machines that sign in, their roles, and the rules for their credentials.

use std::sync::LazyLock;

use regex::Regex;
use validator::ValidationError;

text_enum! {
    /// What an account may do (see `policy`).
    pub enum Role {
        /// The lab's managers: everything, including users, clients and the audit trail.
        Admin => "admin",
        /// Writes the records of one agency (its innovations, agreements, contact fields).
        AgencyEditor => "agency_editor",
        /// Verifies the yearly index's assessments across the region (never its own
        /// agency's, if it belongs to one); otherwise reads what a viewer reads.
        Reviewer => "reviewer",
        /// Reads everything, writes nothing.
        Viewer => "viewer",
    }
}

pub const PASSWORD_MIN: usize = 12;
pub const PASSWORD_MAX: usize = 128;
pub const USERNAME_MAX: u64 = 64;
pub const DISPLAY_NAME_MAX: u64 = 200;
pub const CLIENT_NAME_MAX: u64 = 200;

static USERNAME: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[a-z0-9][a-z0-9._-]{2,63}$").expect("static regex"));

/// Usernames: 3-64 characters of a-z, 0-9, `.`, `_` and `-`, starting with a letter or
/// digit (they are compared lower-cased; `Rina.W` signs in as `rina.w`).
pub fn validate_username(username: &str) -> Result<(), ValidationError> {
    if USERNAME.is_match(&username.to_lowercase()) {
        Ok(())
    } else {
        Err(ValidationError::new("username_invalid"))
    }
}

/// The one form a username is stored and compared in.
pub fn normalise_username(username: &str) -> String {
    username.trim().to_lowercase()
}

/// Why a new password is refused, as the error code the API reports.
pub fn password_problem(password: &str, username: Option<&str>) -> Option<&'static str> {
    let length = password.chars().count();
    if length < PASSWORD_MIN {
        return Some("password_too_short");
    }
    if length > PASSWORD_MAX {
        return Some("password_too_long");
    }
    if password.chars().all(|c| password.starts_with(c)) {
        return Some("password_too_simple");
    }
    if let Some(username) = username
        && password
            .to_lowercase()
            .contains(&normalise_username(username))
    {
        return Some("password_contains_username");
    }
    None
}

/// Agency editors act for one agency; the other roles for none in particular.
pub fn agency_rule(role: Role, agency_id: Option<i64>) -> Option<&'static str> {
    match (role, agency_id) {
        (Role::AgencyEditor, None) => Some("agency_required"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_need_length_and_must_not_be_the_username() {
        assert_eq!(password_problem("short", None), Some("password_too_short"));
        assert_eq!(
            password_problem(&"a".repeat(129), None),
            Some("password_too_long")
        );
        assert_eq!(
            password_problem("aaaaaaaaaaaaaaa", None),
            Some("password_too_simple")
        );
        assert_eq!(
            password_problem("xx-Rina.W-2016!", Some("rina.w")),
            Some("password_contains_username")
        );
        assert_eq!(password_problem("gong-pendopo-2016", Some("rina.w")), None);
    }

    #[test]
    fn usernames_are_compared_lower_cased() {
        assert!(validate_username("Rina.W").is_ok());
        assert_eq!(normalise_username(" Rina.W "), "rina.w");
        assert!(validate_username("r").is_err());
        assert!(validate_username("rina w").is_err());
    }
}
