//! Who is calling: nobody, the operator at the command line, or an account (a person or a
//! machine client) proven by a bearer token. Handlers take the caller as an extractor and
//! ask [`crate::policy`] whether it may act.

use std::future::Future;
use std::pin::Pin;

use actix_web::http::header;
use actix_web::{FromRequest, HttpMessage, HttpRequest, dev::Payload, web};

use crate::api::AppState;
use crate::db::WriteContext;
use crate::domain::account::Role;
use crate::error::ApiError;
use crate::store;
use crate::store::idempotency::Claim;

use super::request_context::RequestId;

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

/// The caller together with the request id and idempotency claim: what a write needs to
/// carry.
#[derive(Debug, Clone)]
pub struct RequestActor {
    pub caller: Caller,
    pub request_id: String,
    pub idempotency: Option<Claim>,
}

impl RequestActor {
    pub fn write_context(&self) -> WriteContext {
        WriteContext {
            caller: self.caller.clone(),
            request_id: self.request_id.clone(),
            idempotency: self.idempotency.clone(),
        }
    }
}

fn invalid_token() -> ApiError {
    ApiError::Unauthorized {
        detail: "the bearer token is invalid, expired, or its account is no longer active",
        invalid_token: true,
    }
}

/// The bearer token of a request: `None` without an `Authorization` header, an error for
/// any other scheme or an empty token.
pub fn bearer_token(req: &HttpRequest) -> Result<Option<String>, ApiError> {
    let Some(value) = req.headers().get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let value = value.to_str().map_err(|_| invalid_token())?;
    match value.split_once(' ') {
        Some((scheme, token))
            if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() =>
        {
            Ok(Some(token.trim().to_owned()))
        }
        _ => Err(invalid_token()),
    }
}

impl FromRequest for RequestActor {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let request_id = req
            .extensions()
            .get::<RequestId>()
            .map(|id| id.0.clone())
            .unwrap_or_default();
        let idempotency = req.extensions().get::<Claim>().cloned();
        let token = bearer_token(req);
        let state = req.app_data::<web::Data<AppState>>().cloned();
        Box::pin(async move {
            let caller = match (token?, state) {
                (None, _) => Caller::Anonymous,
                (Some(_), None) => return Err(ApiError::internal("no application state")),
                (Some(token), Some(state)) => {
                    let subject = state.tokens.verify(&token).ok_or_else(invalid_token)?;
                    let account = state
                        .db
                        .read(move |conn| store::accounts::active_account(conn, &subject))
                        .await?
                        .ok_or_else(invalid_token)?;
                    Caller::Account(account)
                }
            };
            Ok(Self {
                caller,
                request_id,
                idempotency,
            })
        })
    }
}
