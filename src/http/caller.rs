//! Who is calling: nobody, the operator at the command line, or an account (a person or a
//! machine client) proven by a bearer token. Handlers take the caller as an extractor and
//! ask [`crate::policy`] whether it may act.

use std::future::Future;
use std::pin::Pin;

use actix_web::http::header;
use actix_web::{FromRequest, HttpMessage, HttpRequest, dev::Payload, web};

use crate::api::AppState;
use crate::db::WriteContext;
pub use crate::domain::caller::{Account, AccountKind, Caller};
use crate::error::ApiError;
use crate::store;
use crate::store::idempotency::Claim;

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
