//! Who is calling. Until sign-in exists every caller is anonymous; handlers already take
//! the caller as an extractor and ask [`crate::policy`] whether it may act, so adding
//! tokens changes this file and the policy, not the handlers.

use std::future::{Ready, ready};

use actix_web::{FromRequest, HttpMessage, HttpRequest, dev::Payload};

use crate::db::WriteContext;
use crate::error::ApiError;

use super::request_context::RequestId;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    /// No credentials.
    Anonymous,
    /// The operator at the command line (`inovik seed`), not an HTTP request.
    System,
}

/// The caller together with the request id: what a write needs to carry.
#[derive(Debug, Clone)]
pub struct RequestActor {
    pub caller: Caller,
    pub request_id: String,
}

impl RequestActor {
    pub fn write_context(&self) -> WriteContext {
        WriteContext {
            caller: self.caller.clone(),
            request_id: self.request_id.clone(),
        }
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
        ready(Ok(Self {
            caller: Caller::Anonymous,
            request_id,
        }))
    }
}
