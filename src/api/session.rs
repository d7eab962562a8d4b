//! The session middleware: for a request with a bearer token, checks the token and reads
//! its account from the database (so a deactivated or demoted account loses its rights at
//! once), and puts what it found in the request's extensions as a
//! [`Session`], where the `RequestActor` extractor and the idempotency middleware read it.
//! A request without credentials is anonymous and costs no lookup.

use actix_web::HttpMessage;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::web::Data;

use super::AppState;
use crate::domain::caller::Caller;
use crate::error::ApiError;
use crate::http::caller::{Session, bearer_token, invalid_token};
use crate::http::rate_limit::TokenChecked;
use crate::store;

pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let found = match bearer_token(req.request()) {
        Ok(None) => Ok(Caller::Anonymous),
        Err(error) => Err(error),
        Ok(Some(token)) => {
            let checked = req.extensions().get::<TokenChecked>().cloned();
            match req.app_data::<Data<AppState>>().cloned() {
                None => Err(ApiError::internal("no application state")),
                Some(state) => caller_of(&state, &token, checked).await,
            }
        }
    };
    req.extensions_mut().insert(Session(found));
    Ok(next.call(req).await?.map_into_boxed_body())
}

/// The active account a token names, as the database holds it now. The rate limiter has
/// usually checked the token already (`checked`); otherwise it is checked here.
async fn caller_of(
    state: &AppState,
    token: &str,
    checked: Option<TokenChecked>,
) -> Result<Caller, ApiError> {
    let verified = match checked {
        Some(TokenChecked(verified)) => verified,
        None => state.tokens.verify(token),
    }
    .ok_or_else(invalid_token)?;
    let account = state
        .db
        .read(move |conn| store::accounts::active_account(conn, &verified))
        .await?
        .ok_or_else(invalid_token)?;
    Ok(Caller::Account(account))
}
