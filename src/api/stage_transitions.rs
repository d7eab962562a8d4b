//! Stage moves: `POST /api/v1/innovations/{id}/stage-transitions`, the bulk move of a
//! cohort's launch, and the history. The rules are [`crate::domain::lab_stage`]'s; who may
//! move what is [`crate::policy`]'s.

use super::prelude::*;
use actix_web::http::header;
use chrono::{DateTime, NaiveDate, Utc};

use crate::db::{DbConnection, WriteContext};
use crate::domain::innovation::{NOTE_MAX, URL_MAX};
use crate::domain::lab_stage::{LabStage, TransitionError, check_move};
use crate::error::{ApiError, ApiResult, FieldError, MoveFailure};
use crate::http::conditional::{IfMatch, version_etag};
use crate::http::pagination::{Page, PageParams, sub_collection_controls};
use crate::store::innovations::{self as store, InnovationRow, MoveDetails, TransitionRow};
use crate::store::{Attempt, versioned_write};

/// One recorded move through the lab's stages.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": 31, "innovation_id": 7, "from_stage": "design", "to_stage": "delivery",
    "occurred_at": "2016-10-12T03:00:00.000000Z", "actor_type": "user", "actor_name": "admin",
    "note": "Diluncurkan Bupati di Pendopo Rumah Dinas", "evidence_url": "https://kebumenkab.go.id/berita/inovik",
    "reason": null, "launched_on": "2016-10-12"}))]
pub struct StageTransition {
    pub id: i64,
    pub innovation_id: i64,
    /// Null for the stage an innovation was created or imported into.
    pub from_stage: Option<LabStage>,
    pub to_stage: LabStage,
    #[serde(serialize_with = "super::rfc3339")]
    pub occurred_at: DateTime<Utc>,
    #[schema(max_length = 9, pattern = "^(user|client|system|anonymous)$")]
    pub actor_type: String,
    /// Username or client id of who moved it; left out for the public.
    #[schema(max_length = 64)]
    pub actor_name: Option<String>,
    #[schema(max_length = 2000)]
    pub note: Option<String>,
    #[schema(max_length = 2048)]
    pub evidence_url: Option<String>,
    #[schema(max_length = 2000)]
    pub reason: Option<String>,
    pub launched_on: Option<NaiveDate>,
}

impl StageTransition {
    /// The record as `caller` may see it: who moved it is not for the public.
    fn for_caller(row: TransitionRow, caller: &Caller) -> Self {
        let transition = Self::from(row);
        Self {
            actor_name: transition
                .actor_name
                .clone()
                .filter(|_| policy::may_see_internal_innovations(caller)),
            ..transition
        }
    }
}

impl From<TransitionRow> for StageTransition {
    fn from(row: TransitionRow) -> Self {
        Self {
            id: row.id,
            innovation_id: row.innovation_id,
            from_stage: row.from_stage.as_deref().and_then(LabStage::parse),
            to_stage: LabStage::parse(&row.to_stage).unwrap_or(LabStage::DrumUp),
            occurred_at: row.occurred_at.and_utc(),
            actor_type: row.actor_type,
            actor_name: Some(row.actor_name),
            note: row.note,
            evidence_url: row.evidence_url,
            reason: row.reason,
            launched_on: row.launched_on,
        }
    }
}

/// A move of one innovation.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"to": "delivery", "note": "Diluncurkan Bupati di Pendopo Rumah Dinas",
    "evidence_url": "https://kebumenkab.go.id/berita/inovik", "launched_on": "2016-10-12"}))]
pub struct TransitionRequest {
    #[validate(custom(function = "LabStage::validate"))]
    #[schema(value_type = LabStage)]
    pub to: String,
    #[validate(length(max = NOTE_MAX))]
    #[schema(max_length = 2000)]
    pub note: Option<String>,
    #[validate(length(max = URL_MAX), custom(function = "crate::domain::text::validate_http_url"))]
    #[schema(format = Uri, max_length = 2048, pattern = r"^[hH][tT][tT][pP][sS]?://[^/\s]\S*$")]
    pub evidence_url: Option<String>,
    /// Required for a backward move (administrators only).
    #[validate(length(max = NOTE_MAX))]
    #[schema(max_length = 2000)]
    pub reason: Option<String>,
    /// Only when moving to `delivery`; defaults to today in the region's time zone.
    #[validate(custom(function = "crate::domain::dates::validate_date"))]
    #[serde(default, deserialize_with = "crate::domain::dates::optional_full_date")]
    pub launched_on: Option<NaiveDate>,
}

/// Ids start at 1: a smaller one names no record and is refused as the document's
/// `minimum` says (422 `range`), not looked up.
fn every_id_positive(ids: &[i64]) -> Result<(), validator::ValidationError> {
    if ids.iter().all(|id| *id >= 1) {
        return Ok(());
    }
    let mut error = validator::ValidationError::new("range");
    error.add_param("min".into(), &1);
    Err(error)
}

/// A move of many innovations at once: all or none.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"innovation_ids": [7, 8, 9], "to": "delivery", "note": "Peluncuran tahap Deliveri oleh Bupati"}))]
pub struct BulkTransitionRequest {
    #[validate(length(min = 1, max = 500), custom(function = "every_id_positive"))]
    #[schema(min_items = 1, max_items = 500)]
    pub innovation_ids: Vec<i64>,
    #[validate(custom(function = "LabStage::validate"))]
    #[schema(value_type = LabStage)]
    pub to: String,
    #[validate(length(max = NOTE_MAX))]
    #[schema(max_length = 2000)]
    pub note: Option<String>,
    #[validate(length(max = URL_MAX), custom(function = "crate::domain::text::validate_http_url"))]
    #[schema(format = Uri, max_length = 2048, pattern = r"^[hH][tT][tT][pP][sS]?://[^/\s]\S*$")]
    pub evidence_url: Option<String>,
    #[validate(length(max = NOTE_MAX))]
    #[schema(max_length = 2000)]
    pub reason: Option<String>,
    #[validate(custom(function = "crate::domain::dates::validate_date"))]
    #[serde(default, deserialize_with = "crate::domain::dates::optional_full_date")]
    pub launched_on: Option<NaiveDate>,
}

/// The moves that were made.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"transitions": [{"id": 31, "innovation_id": 7, "from_stage": "design",
    "to_stage": "delivery", "occurred_at": "2016-10-12T03:00:00.000000Z", "actor_type": "user",
    "actor_name": "admin", "note": "Peluncuran tahap Deliveri oleh Bupati", "evidence_url": null,
    "reason": null, "launched_on": "2016-10-12"}]}))]
pub struct BulkTransitionResult {
    #[schema(max_items = 500)]
    pub transitions: Vec<StageTransition>,
}

/// Why `current` cannot move to `to`, as a problem (policy first, then the lifecycle).
fn refusal(
    caller: &Caller,
    current: &InnovationRow,
    to: LabStage,
    details: &MoveDetails,
) -> Option<ApiError> {
    let backward = to.rank() < current.stage().rank();
    if let Err(error) = policy::authorize(
        caller,
        Action::MoveInnovation {
            agency_id: current.agency_id,
            backward,
        },
    ) {
        return Some(error);
    }
    let checked = check_move(
        current.stage(),
        to,
        current.is_archived(),
        details.reason.as_deref(),
        details.launched_on.is_some(),
    );
    match checked {
        Ok(_) => None,
        Err(error @ (TransitionError::ReasonRequired | TransitionError::LaunchDateOutOfPlace)) => {
            let field = if error == TransitionError::ReasonRequired {
                "reason"
            } else {
                "launched_on"
            };
            Some(ApiError::Validation(vec![FieldError::new(
                field,
                error.code(),
            )]))
        }
        Err(error) => Some(ApiError::IllegalTransition {
            detail: error.describe(),
            code: error.code(),
            allowed: match &error {
                TransitionError::NotAllowed { allowed, .. } => {
                    allowed.iter().map(|s| s.as_str().to_owned()).collect()
                }
                _ => Vec::new(),
            },
        }),
    }
}

/// The move's details with its launch date as the lab records it
/// ([`crate::domain::lab_stage::recorded_launch`]).
fn launch_date(details: &MoveDetails, to: LabStage, today: NaiveDate) -> MoveDetails {
    MoveDetails {
        launched_on: crate::domain::lab_stage::recorded_launch(to, details.launched_on, today),
        ..details.clone()
    }
}

/// Move an innovation to another stage
///
/// One step forward (administrators, or the agency editor of its agency), or back to any
/// earlier stage with a `reason` (administrators only). Anything else is a 409 naming the
/// allowed next stages. Reaching `delivery` sets `launched_on`. The innovation's `version`
/// goes up (`ETag` of the answer); `If-Match` on the innovation is honoured.
#[utoipa::path(
    tag = "innovations",
    operation_id = "move_innovation",
    params(("id" = i64, Path, description = "Innovation id", minimum = 1),
           ("If-Match" = Option<String>, Header, description = "The innovation's `ETag` the move is based on")),
    request_body(content = TransitionRequest, content_type = "application/json"),
    responses(
        (status = 201, description = "Moved; the recorded transition", body = StageTransition,
            headers(("ETag" = String, description = "The innovation's new version, quoted"))),
        (status = 409, response = super::problems::Conflict),
    ),
)]
#[post("/{id}/stage-transitions")]
pub async fn move_innovation(
    id: web::Path<i64>,
    actor: RequestActor,
    IfMatch(expected): IfMatch,
    state: web::Data<AppState>,
    JsonBody(request): JsonBody<TransitionRequest>,
) -> ApiResult<HttpResponse> {
    policy::require_account(&actor.caller)?;
    request.validate()?;
    let id = id.into_inner();
    let to = LabStage::parse(&request.to)
        .ok_or_else(|| ApiError::invalid_field("to", "invalid_choice"))?;
    let details = MoveDetails {
        note: request.note,
        evidence_url: request.evidence_url,
        reason: request.reason,
        launched_on: request.launched_on,
    };
    let today = state.config.today();
    let caller = actor.caller.clone();
    let (row, transition) = state
        .db
        .write(actor.write_context(), move |conn, context| {
            versioned_write(
                conn,
                &expected,
                |conn| store::find(conn, id),
                |row| row.version,
                |conn, current| {
                    if let Some(error) = refusal(&caller, current, to, &details) {
                        return Err(error);
                    }
                    let details = launch_date(&details, to, today);
                    Ok(store::move_stage(conn, context, current, to, &details)?
                        .map_or(Attempt::Stale, Attempt::Done))
                },
            )
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::ETAG, version_etag(row.version)))
        .json(StageTransition::from(transition)))
}

/// Move many innovations at once
///
/// A cohort's launch: every listed innovation moves to `to`, or none does. When any cannot
/// move, the 409 lists each one and why (`failures`); when the caller may not move some of
/// them, 403.
#[utoipa::path(
    tag = "innovations",
    operation_id = "move_innovations",
    request_body(content = BulkTransitionRequest, content_type = "application/json"),
    responses(
        (status = 201, description = "All moved", body = BulkTransitionResult),
        (status = 409, response = super::problems::Conflict),
    ),
)]
#[post("/stage-transitions")]
pub async fn move_innovations(
    actor: RequestActor,
    state: web::Data<AppState>,
    JsonBody(request): JsonBody<BulkTransitionRequest>,
) -> ApiResult<HttpResponse> {
    policy::require_account(&actor.caller)?;
    request.validate()?;
    let to = LabStage::parse(&request.to)
        .ok_or_else(|| ApiError::invalid_field("to", "invalid_choice"))?;
    let mut ids = request.innovation_ids.clone();
    ids.sort_unstable();
    ids.dedup();
    let details = MoveDetails {
        note: request.note,
        evidence_url: request.evidence_url,
        reason: request.reason,
        launched_on: request.launched_on,
    };
    let details = launch_date(&details, to, state.config.today());
    let caller = actor.caller.clone();
    let transitions = state
        .db
        .write(actor.write_context(), move |conn, context| {
            move_all(conn, context, &caller, &ids, to, &details)
        })
        .await?;
    Ok(HttpResponse::Created().json(BulkTransitionResult {
        transitions: transitions.into_iter().map(StageTransition::from).collect(),
    }))
}

/// Checks every innovation first, then moves them all, in the caller's transaction.
fn move_all(
    conn: &mut DbConnection,
    context: &WriteContext,
    caller: &Caller,
    ids: &[i64],
    to: LabStage,
    details: &MoveDetails,
) -> ApiResult<Vec<TransitionRow>> {
    let mut current = Vec::with_capacity(ids.len());
    let mut failures = Vec::new();
    let mut forbidden = Vec::new();
    for &id in ids {
        let row = match store::find(conn, id) {
            Ok(row) => row,
            Err(ApiError::NotFound) => {
                failures.push(failure(
                    id,
                    "not_found",
                    "no innovation with this id exists".into(),
                    Vec::new(),
                ));
                continue;
            }
            Err(other) => return Err(other),
        };
        match refusal(caller, &row, to, details) {
            None => current.push(row),
            Some(ApiError::Forbidden { .. } | ApiError::Unauthorized { .. }) => forbidden.push(id),
            Some(ApiError::IllegalTransition {
                detail,
                code,
                allowed,
            }) => {
                failures.push(failure(id, code, detail, allowed));
            }
            Some(ApiError::Validation(errors)) => {
                for error in errors {
                    failures.push(failure(id, &error.code, error.message, Vec::new()));
                }
            }
            Some(other) => return Err(other),
        }
    }
    if !forbidden.is_empty() {
        return Err(ApiError::forbidden(format!(
            "you may not move innovations {}; none moved",
            forbidden
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    if !failures.is_empty() {
        return Err(ApiError::BulkMoveRefused { failures });
    }
    let mut moved = Vec::with_capacity(current.len());
    for row in &current {
        let Some((_, transition)) = store::move_stage(conn, context, row, to, details)? else {
            return Err(ApiError::Conflict {
                slug: "concurrent-update",
                detail: format!(
                    "innovation {} changed while moving; none moved, retry",
                    row.id
                ),
                errors: Vec::new(),
            });
        };
        moved.push(transition);
    }
    Ok(moved)
}

fn failure(innovation_id: i64, code: &str, message: String, allowed: Vec<String>) -> MoveFailure {
    MoveFailure {
        innovation_id,
        code: code.to_owned(),
        message,
        allowed_next_stages: allowed,
    }
}

/// List an innovation's stage transitions
///
/// Oldest first: the whole history from the stage it was created or imported into.
#[utoipa::path(
    tag = "innovations",
    operation_id = "list_stage_transitions",
    params(("id" = i64, Path, description = "Innovation id", minimum = 1), PageParams),
    responses(
        (status = 200, description = "The history, oldest first", body = Page<StageTransition>,
            headers(("Link" = String, description = "RFC 8288 links"))),
        (status = 304, description = "The page has not changed since the `If-None-Match` tag"),
        (status = 422, response = super::problems::ValidationFailed),
    ),
    security((), ("bearer_auth" = []))
)]
#[get("/{id}/stage-transitions")]
pub async fn list_stage_transitions(
    req: HttpRequest,
    id: web::Path<i64>,
    actor: RequestActor,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    policy::authorize(&actor.caller, Action::ReadInnovations)?;
    let controls = sub_collection_controls(req.query_string())?;
    let id = id.into_inner();
    super::innovations::visible(&state, &actor.caller, id).await?;
    let (rows, total) = {
        let controls = controls.clone();
        state
            .db
            .read(move |conn| store::transitions(conn, id, &controls))
            .await?
    };
    let caller = &actor.caller;
    let page = Page::from_rows(rows, total, &controls, |row| {
        (serde_json::Value::Null, row.id)
    })
    .map(|row| StageTransition::for_caller(row, caller));
    super::list_response(&req, &state, &page)
}
