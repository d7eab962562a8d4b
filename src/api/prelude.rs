//! What nearly every resource module of the API uses: `use super::prelude::*;`.

pub(crate) use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, put, web};
pub(crate) use serde::{Deserialize, Serialize};
pub(crate) use utoipa::{IntoParams, ToSchema};
pub(crate) use validator::Validate;

pub(crate) use super::{AppState, json_with_etag, listing};
pub(crate) use crate::error::{ApiError, ApiResult, FieldError, field_errors_from_validator};
pub(crate) use crate::http::caller::{Caller, RequestActor};
pub(crate) use crate::http::conditional::IfMatch;
pub(crate) use crate::http::json_body::{JsonBody, double_option, merge_patch};
pub(crate) use crate::http::pagination::{ListParams, Page};
pub(crate) use crate::policy::{self, Action};
