//! `/api/v1/performance-agreements/{id}/commitments`: what an agreement commits to (drafts
//! only) and, once signed, what each commitment achieved (the realization, the one change a
//! signed agreement takes).

use super::prelude::*;
use actix_web::http::header;
use chrono::{DateTime, NaiveDate, Utc};

use super::agreements::visible;
use super::quarterly_targets::QuarterlyTargetsBody;
use super::{AppState, list_response};
use crate::domain::agreement::{self as rules, Hundredths, validate_decimal};
use crate::domain::lab_stage::LabStage;
use crate::domain::text::not_blank;
use crate::http::pagination::{Page, PageParams};
use crate::store::agreements::{self as store, CommitmentDraft, CommitmentRow, Realization};

/// A commitment: a target value with its unit, or a target stage by a date; and its
/// realization once evaluated.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": 9, "agreement_id": 4, "innovation_id": 7, "innovation_name": "ELEGAN",
    "indicator": "Produk hukum daerah yang disusun secara elektronik", "target_value": "80.00",
    "unit": "produk hukum", "target_stage": null, "due_on": null, "achieved_value": "84.00",
    "evidence_url": "https://jdih.kebumenkab.go.id/laporan-2016", "note": null,
    "evaluated_at": "2017-01-15T02:00:00.000000Z", "version": 2,
    "created_at": "2016-10-01T02:00:00.000000Z", "updated_at": "2017-01-15T02:00:00.000000Z"}))]
pub struct Commitment {
    #[schema(read_only)]
    pub id: i64,
    #[schema(read_only)]
    pub agreement_id: i64,
    pub innovation_id: i64,
    /// As signed, once the agreement is signed. A signed agreement is a public record:
    /// the public sees this name even while the innovation itself is not yet launched
    /// (and so not public), and never a name given to it after signing.
    #[schema(read_only)]
    #[schema(max_length = 200)]
    pub innovation_name: String,
    #[schema(max_length = 1000)]
    pub indicator: String,
    /// A decimal with at most two fractional digits, as a string (`"1000.50"`).
    #[schema(max_length = 17, pattern = "^-?[0-9]{1,13}\\.[0-9]{2}$")]
    pub target_value: Option<String>,
    #[schema(max_length = 50)]
    pub unit: Option<String>,
    pub target_stage: Option<LabStage>,
    pub due_on: Option<NaiveDate>,
    /// Its targets per quarter, if it has them (signed content).
    pub quarterly_targets: Option<QuarterlyTargetsBody>,
    #[schema(read_only)]
    #[schema(max_length = 17, pattern = "^-?[0-9]{1,13}\\.[0-9]{2}$")]
    pub achieved_value: Option<String>,
    #[schema(read_only)]
    #[schema(max_length = 2048)]
    pub evidence_url: Option<String>,
    #[schema(read_only)]
    #[schema(max_length = 2000)]
    pub note: Option<String>,
    #[schema(read_only)]
    #[serde(serialize_with = "super::rfc3339_option")]
    #[schema(value_type = Option<DateTime<Utc>>)]
    pub evaluated_at: Option<DateTime<Utc>>,
    #[schema(read_only)]
    pub version: i64,
    #[schema(read_only)]
    #[serde(serialize_with = "super::rfc3339")]
    pub created_at: DateTime<Utc>,
    #[schema(read_only)]
    #[serde(serialize_with = "super::rfc3339")]
    pub updated_at: DateTime<Utc>,
}

impl Commitment {
    fn new(row: CommitmentRow, current_innovation_name: String) -> Self {
        let quarterly_targets = row
            .quarterly()
            .as_ref()
            .map(QuarterlyTargetsBody::from_domain);
        Self {
            id: row.id,
            agreement_id: row.agreement_id,
            innovation_id: row.innovation_id,
            innovation_name: row
                .signed_innovation_name
                .unwrap_or(current_innovation_name),
            indicator: row.indicator,
            target_value: row.target_hundredths.map(|v| Hundredths(v).to_string()),
            unit: row.unit,
            target_stage: row.target_stage.as_deref().and_then(LabStage::parse),
            due_on: row.due_on,
            quarterly_targets,
            achieved_value: row.achieved_hundredths.map(|v| Hundredths(v).to_string()),
            evidence_url: row.evidence_url,
            note: row.note,
            evaluated_at: row.evaluated_at.map(|at| at.and_utc()),
            version: row.version,
            created_at: row.created_at.and_utc(),
            updated_at: row.updated_at.and_utc(),
        }
    }
}

/// A commitment's writable fields (for create; `PATCH` takes any subset).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"innovation_id": 7, "indicator": "Produk hukum daerah yang disusun secara elektronik",
    "target_value": "80", "unit": "produk hukum"}))]
pub struct CommitmentInput {
    /// An innovation of the agreement's agency.
    #[validate(required, range(min = 1))]
    #[schema(required = true, nullable = false, value_type = i64, minimum = 1)]
    pub innovation_id: Option<i64>,
    #[validate(required, length(min = 1, max = rules::INDICATOR_MAX), custom(function = "not_blank"))]
    #[schema(required = true, nullable = false, value_type = String, min_length = 1, max_length = 1000)]
    pub indicator: Option<String>,
    /// With `unit`: a decimal with at most two fractional digits, as a string.
    #[validate(length(max = 20), custom(function = "validate_decimal"))]
    #[schema(
        pattern = r"^-?[0-9]{1,13}(\.[0-9]{1,2})?$",
        max_length = 20,
        example = "1000"
    )]
    pub target_value: Option<String>,
    #[validate(length(min = 1, max = rules::UNIT_MAX), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 50, example = "UMKM")]
    pub unit: Option<String>,
    /// With `due_on`: the stage the innovation is to reach by then.
    #[validate(custom(function = "LabStage::validate"))]
    #[schema(value_type = Option<LabStage>)]
    pub target_stage: Option<String>,
    #[validate(custom(function = "crate::domain::dates::validate_date"))]
    #[serde(default, deserialize_with = "crate::domain::dates::optional_full_date")]
    pub due_on: Option<NaiveDate>,
    /// With a value target: its quarters I-IV and how they make the year.
    pub quarterly_targets: Option<QuarterlyTargetsBody>,
}

impl CommitmentInput {
    fn from_row(row: &CommitmentRow) -> Self {
        Self {
            innovation_id: Some(row.innovation_id),
            indicator: Some(row.indicator.clone()),
            target_value: row.target_hundredths.map(|v| Hundredths(v).to_string()),
            unit: row.unit.clone(),
            target_stage: row.target_stage.clone(),
            due_on: row.due_on,
            quarterly_targets: row
                .quarterly()
                .as_ref()
                .map(QuarterlyTargetsBody::from_domain),
        }
    }

    fn into_draft(self) -> ApiResult<CommitmentDraft> {
        let mut errors = match self.validate() {
            Ok(()) => Vec::new(),
            Err(e) => field_errors_from_validator(&e),
        };
        let value_target = self.target_value.is_some() && self.unit.is_some();
        let stage_target = self.target_stage.is_some() && self.due_on.is_some();
        if !value_target && !stage_target {
            errors.push(FieldError::new("target_value", "target_required"));
        }
        let quarterly = match self
            .quarterly_targets
            .as_ref()
            .map(|q| q.to_domain("quarterly_targets"))
        {
            Some(Ok(quarterly)) => Some(quarterly),
            Some(Err(quarterly_errors)) => {
                errors.extend(quarterly_errors);
                None
            }
            None => None,
        };
        if !errors.is_empty() {
            return Err(ApiError::Validation(errors));
        }
        let required = |field: &str| ApiError::invalid_field(field, "required");
        let draft = CommitmentDraft {
            innovation_id: self
                .innovation_id
                .ok_or_else(|| required("innovation_id"))?,
            indicator: self.indicator.ok_or_else(|| required("indicator"))?,
            target: self.target_value.as_deref().and_then(Hundredths::parse),
            unit: self.unit,
            target_stage: self.target_stage.as_deref().and_then(LabStage::parse),
            due_on: self.due_on,
            quarterly,
        };
        let issues = draft.quarterly_issues();
        if !issues.is_empty() {
            return Err(ApiError::Validation(
                issues.into_iter().map(FieldError::from).collect(),
            ));
        }
        Ok(draft)
    }
}

/// A JSON merge patch of a draft's commitment.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"target_value": "1000", "unit": "sertifikat", "due_on": "2016-12-31"}))]
pub struct CommitmentPatch {
    #[serde(default, deserialize_with = "double_option")]
    #[schema(required = false, value_type = i64, minimum = 1)]
    pub innovation_id: Option<Option<i64>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(required = false, value_type = String, min_length = 1, max_length = 1000)]
    pub indicator: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(required = false, value_type = Option<String>, pattern = r"^-?[0-9]{1,13}(\.[0-9]{1,2})?$", max_length = 20)]
    pub target_value: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(required = false, value_type = Option<String>, min_length = 1, max_length = 50)]
    pub unit: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(required = false, value_type = Option<LabStage>)]
    pub target_stage: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::domain::dates::patched_full_date")]
    #[schema(required = false, value_type = Option<NaiveDate>)]
    pub due_on: Option<Option<NaiveDate>>,
    /// Replaces the quarterly targets whole; null removes them.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(required = false, value_type = Option<QuarterlyTargetsBody>)]
    pub quarterly_targets: Option<Option<QuarterlyTargetsBody>>,
}

/// What a commitment achieved.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"achieved_value": "84", "evidence_url": "https://jdih.kebumenkab.go.id/laporan-2016"}))]
pub struct RealizationRequest {
    #[validate(length(max = 20), custom(function = "validate_decimal"))]
    #[schema(pattern = r"^-?[0-9]{1,13}(\.[0-9]{1,2})?$", max_length = 20)]
    pub achieved_value: Option<String>,
    #[validate(
        length(max = 2048),
        custom(function = "crate::domain::text::validate_http_url")
    )]
    #[schema(format = Uri, max_length = 2048, pattern = r"^[hH][tT][tT][pP][sS]?://[^/\s]\S*$")]
    pub evidence_url: Option<String>,
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    pub note: Option<String>,
}

// ---- commitments ----

/// List an agreement's commitments
#[utoipa::path(
    tag = "agreements",
    operation_id = "list_commitments",
    params(("id" = i64, Path, description = "Agreement id", minimum = 1), PageParams),
    responses(
        (status = 200, description = "The commitments, in id order", body = Page<Commitment>,
            headers(("Link" = String, description = "RFC 8288 links"))),
        (status = 304, description = "The page has not changed since the `If-None-Match` tag"),
        (status = 422, response = super::problems::ValidationFailed),
    ),
    security((), ("bearer_auth" = []))
)]
#[get("/{id}/commitments")]
pub async fn list_commitments(
    req: HttpRequest,
    id: web::Path<i64>,
    actor: RequestActor,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    policy::authorize(&actor.caller, Action::ReadAgreements)?;
    let controls = crate::http::pagination::sub_collection_controls(req.query_string())?;
    let id = id.into_inner();
    visible(&state, &actor.caller, id).await?;
    let (rows, total) = {
        let controls = controls.clone();
        state
            .db
            .read(move |conn| store::commitments_page(conn, id, &controls))
            .await?
    };
    let page = Page::from_rows(rows, total, &controls, |(row, _)| {
        (serde_json::Value::Null, row.id)
    })
    .map(|(row, name)| Commitment::new(row, name));
    list_response(&req, &state, &page)
}

async fn commitment_answer(
    state: &AppState,
    agreement_id: i64,
    row: CommitmentRow,
    status: actix_web::http::StatusCode,
) -> ApiResult<HttpResponse> {
    let commitment_id = row.id;
    let name = state
        .db
        .read(move |conn| {
            Ok(store::commitments_of(conn, agreement_id)?
                .into_iter()
                .find(|(c, _)| c.id == commitment_id)
                .map(|(_, name)| name)
                .unwrap_or_default())
        })
        .await?;
    let version = row.version;
    Ok(HttpResponse::build(status)
        .insert_header((
            header::ETAG,
            crate::http::conditional::version_etag(version),
        ))
        .json(Commitment::new(row, name)))
}

/// Loads agreement `agreement_id` (404 if missing) and asks the policy whether `caller`
/// may take `action` on its agency's agreements.
fn authorize_on_agreement(
    conn: &mut crate::db::DbConnection,
    caller: &Caller,
    agreement_id: i64,
    action: impl FnOnce(i64) -> Action,
) -> ApiResult<()> {
    let agreement = store::find(conn, agreement_id)?;
    policy::authorize(caller, action(agreement.agency_id))
}

/// Add a commitment to a draft
///
/// The innovation must belong to the agreement's agency (422); a signed agreement takes no
/// new commitments (409).
#[utoipa::path(
    tag = "agreements",
    operation_id = "create_commitment",
    params(("id" = i64, Path, description = "Agreement id", minimum = 1)),
    request_body(content = CommitmentInput, content_type = "application/json"),
    responses(
        (status = 201, description = "Added", body = Commitment),
        (status = 409, response = super::problems::Conflict),
    ),
)]
#[post("/{id}/commitments")]
pub async fn create_commitment(
    id: web::Path<i64>,
    actor: RequestActor,
    state: web::Data<AppState>,
    JsonBody(input): JsonBody<CommitmentInput>,
) -> ApiResult<HttpResponse> {
    policy::require_account(&actor.caller)?;
    let agreement_id = id.into_inner();
    let draft = input.into_draft()?;
    let caller = actor.caller.clone();
    let row = state
        .db
        .write(actor.write_context(), move |conn, context| {
            authorize_on_agreement(conn, &caller, agreement_id, |agency_id| {
                Action::DraftAgreement { agency_id }
            })?;
            store::insert_commitment(conn, context, agreement_id, &draft)
        })
        .await?;
    commitment_answer(
        &state,
        agreement_id,
        row,
        actix_web::http::StatusCode::CREATED,
    )
    .await
}

/// Change a draft's commitment
#[utoipa::path(
    tag = "agreements",
    operation_id = "update_commitment",
    params(("id" = i64, Path, description = "Agreement id", minimum = 1),
           ("cid" = i64, Path, description = "Commitment id", minimum = 1),
           ("If-Match" = Option<String>, Header, description = "The commitment's `ETag`")),
    request_body(content = CommitmentPatch, content_type = "application/merge-patch+json"),
    responses(
        (status = 200, description = "Changed", body = Commitment),
    ),
)]
#[patch("/{id}/commitments/{cid}")]
pub async fn update_commitment(
    path: web::Path<(i64, i64)>,
    actor: RequestActor,
    IfMatch(expected): IfMatch,
    state: web::Data<AppState>,
    JsonBody(patch): JsonBody<CommitmentPatch>,
) -> ApiResult<HttpResponse> {
    policy::require_account(&actor.caller)?;
    let (agreement_id, commitment_id) = path.into_inner();
    let caller = actor.caller.clone();
    let row = state
        .db
        .write(actor.write_context(), move |conn, context| {
            authorize_on_agreement(conn, &caller, agreement_id, |agency_id| {
                Action::DraftAgreement { agency_id }
            })?;
            store::update_commitment(
                conn,
                context,
                agreement_id,
                commitment_id,
                &expected,
                |current| {
                    let mut input = CommitmentInput::from_row(current);
                    merge_patch!(patch => input;
                        innovation_id, indicator, target_value, unit, target_stage, due_on,
                        quarterly_targets);
                    let draft = input.into_draft()?;
                    Ok((draft != current.draft()).then_some(draft))
                },
            )
        })
        .await?;
    commitment_answer(&state, agreement_id, row, actix_web::http::StatusCode::OK).await
}

/// Remove a draft's commitment
#[utoipa::path(
    tag = "agreements",
    operation_id = "delete_commitment",
    params(("id" = i64, Path, description = "Agreement id", minimum = 1),
           ("cid" = i64, Path, description = "Commitment id", minimum = 1),
           ("If-Match" = Option<String>, Header, description = "The commitment's `ETag`")),
    responses(
        (status = 204, description = "Removed"),
    ),
)]
#[delete("/{id}/commitments/{cid}")]
pub async fn delete_commitment(
    path: web::Path<(i64, i64)>,
    actor: RequestActor,
    IfMatch(expected): IfMatch,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    policy::require_account(&actor.caller)?;
    let (agreement_id, commitment_id) = path.into_inner();
    let caller = actor.caller.clone();
    state
        .db
        .write(actor.write_context(), move |conn, context| {
            authorize_on_agreement(conn, &caller, agreement_id, |agency_id| {
                Action::DraftAgreement { agency_id }
            })?;
            store::delete_commitment(conn, context, agreement_id, commitment_id, &expected)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Record what a commitment achieved
///
/// The one change a signed agreement takes; administrators or the agreement agency's
/// editor. Sets `evaluated_at`. Not part of the content hash.
#[utoipa::path(
    tag = "agreements",
    operation_id = "record_realization",
    params(("id" = i64, Path, description = "Agreement id", minimum = 1),
           ("cid" = i64, Path, description = "Commitment id", minimum = 1),
           ("If-Match" = Option<String>, Header, description = "The commitment's `ETag`")),
    request_body(content = RealizationRequest, content_type = "application/json"),
    responses(
        (status = 200, description = "Recorded", body = Commitment),
    ),
)]
#[put("/{id}/commitments/{cid}/realization")]
pub async fn record_realization(
    path: web::Path<(i64, i64)>,
    actor: RequestActor,
    IfMatch(expected): IfMatch,
    state: web::Data<AppState>,
    JsonBody(request): JsonBody<RealizationRequest>,
) -> ApiResult<HttpResponse> {
    policy::require_account(&actor.caller)?;
    request.validate()?;
    let (agreement_id, commitment_id) = path.into_inner();
    let realization = Realization {
        achieved_hundredths: request
            .achieved_value
            .as_deref()
            .and_then(Hundredths::parse)
            .map(|h| h.0),
        evidence_url: request.evidence_url,
        note: request.note,
    };
    let caller = actor.caller.clone();
    let row = state
        .db
        .write(actor.write_context(), move |conn, context| {
            authorize_on_agreement(conn, &caller, agreement_id, |agency_id| {
                Action::RecordRealization { agency_id }
            })?;
            store::record_realization(
                conn,
                context,
                agreement_id,
                commitment_id,
                &expected,
                &realization,
            )
        })
        .await?;
    commitment_answer(&state, agreement_id, row, actix_web::http::StatusCode::OK).await
}
