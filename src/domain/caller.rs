//! Who is calling, as plain data: nobody, the operator at the command line, or an account
//! (a person or a machine client) as the database says it is now. How a request proves
//! it is the HTTP layer's business; what it may do is [`crate::policy`]'s.

use super::account::Role;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    /// No credentials.
    Anonymous,
    /// The operator at the command line (`inovik seed`), not an HTTP request.
    System,
    /// A signed-in person or machine client, as the database says it is now.
    Account(Account),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountKind {
    User,
    Client,
}

impl AccountKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::User => "user",
            Self::Client => "client",
        }
    }
}

/// An active account, read from the database on this request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub kind: AccountKind,
    pub id: i64,
    /// Username or client id.
    pub name: String,
    pub role: Role,
    pub agency_id: Option<i64>,
    /// The sign-in the request's token belongs to (people signed in with a password).
    pub sign_in: Option<String>,
}

impl Caller {
    pub fn account(&self) -> Option<&Account> {
        match self {
            Self::Account(account) => Some(account),
            _ => None,
        }
    }

    /// How the audit trail names this caller: (type, id, name).
    pub fn audit_identity(&self) -> (&'static str, Option<i64>, String) {
        match self {
            Self::Anonymous => ("anonymous", None, "anonymous".into()),
            Self::System => ("system", None, "command line".into()),
            Self::Account(account) => (
                account.kind.as_str(),
                Some(account.id),
                account.name.clone(),
            ),
        }
    }
}
