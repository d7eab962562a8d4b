//! Who is calling, as handlers take it: the caller the session middleware (`api::session`)
//! put in the request's extensions, with the request id and idempotency claim. Handlers
//! ask `policy` whether it may act.

use std::future::{Ready, ready};

use actix_web::http::header;
use actix_web::{FromRequest, HttpMessage, HttpRequest, dev::Payload};

use crate::db::WriteContext;
use crate::db::fence::Claim;
pub use crate::domain::caller::{Account, AccountKind, Caller};
use crate::error::ApiError;

use super::request_context::RequestId;

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

/// What the session middleware found for a request: who is calling, or why the request's
/// credentials prove nobody (an invalid token, or the account lookup failing).
#[derive(Debug, Clone)]
pub struct Session(pub Result<Caller, ApiError>);

/// Whether the request is answered as the public sees it: no credentials (or none the
/// session middleware accepted as an account), so personal data is left out.
pub fn is_public(req: &HttpRequest) -> bool {
    match req.extensions().get::<Session>() {
        Some(Session(Ok(caller))) => matches!(caller, Caller::Anonymous),
        Some(Session(Err(_))) => false,
        None => matches!(bearer_token(req), Ok(None)),
    }
}

pub fn invalid_token() -> ApiError {
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
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let request_id = req
            .extensions()
            .get::<RequestId>()
            .map(|id| id.0.clone())
            .unwrap_or_default();
        let idempotency = req.extensions().get::<Claim>().cloned();
        let caller = match req.extensions().get::<Session>() {
            Some(Session(found)) => found.clone(),
            // No session middleware ran: only a request without credentials is answerable.
            None => match bearer_token(req) {
                Ok(None) => Ok(Caller::Anonymous),
                Ok(Some(_)) => Err(ApiError::internal("no session for a request with a token")),
                Err(error) => Err(error),
            },
        };
        ready(caller.map(|caller| Self {
            caller,
            request_id,
            idempotency,
        }))
    }
}
