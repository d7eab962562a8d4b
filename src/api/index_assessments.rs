//! `/api/v1/index-assessments`: the yearly index's assessments. An agency's editors start,
//! answer and submit their innovations' assessments (administrators the region's own); a
//! reviewer judges each answer, returns or verifies; an administrator may reopen a
//! verified one. The rules are [`crate::domain::index`]'s, who may do what
//! [`crate::policy`]'s; each write checks the caller against the assessment it reads, in
//! the same transaction.

use super::prelude::*;

use super::index_assessment_schema::{
    AnswerInputJson, AssessmentHistoryEntry, IndexAssessment, IndexAssessmentInput,
    IndexAssessmentSummary, ReopenInput, ReturnInput, VerdictInputJson,
};
use crate::db::{DbConnection, WriteContext};
use crate::domain::index::Aspect;
use crate::domain::index::workflow::{AssessmentStatus, AssessmentStep};
use crate::http::list_query::QueryPairs;
use crate::http::pagination::take_sub_collection_controls;
use crate::store::index_assessments::{
    self as store, AnswerChange, AssessmentFilters, StoredAssessment,
};

pub fn configure(config: &mut utoipa_actix_web::service_config::ServiceConfig) {
    config
        .service(list_index_assessments)
        .service(create_index_assessment)
        .service(get_index_assessment)
        .service(answer_indicator)
        .service(review_answer)
        .service(submit_index_assessment)
        .service(return_index_assessment)
        .service(verify_index_assessment)
        .service(reopen_index_assessment)
        .service(list_index_assessment_history);
}

/// Who may take `step` on `assessment`: the policy's word, for the caller of `actor`.
fn may(actor: &RequestActor, step: AssessmentStep, assessment: &StoredAssessment) -> ApiResult<()> {
    let agency_id = assessment.agency_id();
    let action = match step {
        AssessmentStep::Answer | AssessmentStep::Submit => {
            Action::WriteIndexAssessment { agency_id }
        }
        AssessmentStep::Review | AssessmentStep::Return | AssessmentStep::Verify => {
            Action::ReviewIndexAssessment { agency_id }
        }
        AssessmentStep::Reopen => Action::ReopenIndexAssessment,
    };
    policy::authorize(&actor.caller, action)
}

/// One audited write of an assessment, answered with the assessment and its new `ETag`.
async fn write(
    req: &HttpRequest,
    actor: &RequestActor,
    state: &AppState,
    change: impl FnOnce(&mut DbConnection, &WriteContext) -> ApiResult<StoredAssessment>
    + Send
    + 'static,
) -> ApiResult<HttpResponse> {
    let stored = state.db.write(actor.write_context(), change).await?;
    Ok(answer(req, HttpResponse::Ok(), &stored))
}

fn answer(
    req: &HttpRequest,
    response: actix_web::HttpResponseBuilder,
    stored: &StoredAssessment,
) -> HttpResponse {
    json_with_etag(
        req,
        response,
        stored.row.version,
        &IndexAssessment::from(stored),
    )
}

fn validated<T: Validate>(input: &T) -> ApiResult<()> {
    input
        .validate()
        .map_err(|errors| ApiError::Validation(field_errors_from_validator(&errors)))
}

/// List assessments
///
/// Signed-in accounts. Oldest first; filters: `year`, `status`, `aspect`, `agency_id`
/// (the innovation's agency), `innovation_id`.
#[utoipa::path(
    tag = "index",
    operation_id = "list_index_assessments",
    params(
        ("year" = Option<i64>, Query, minimum = 2000, maximum = 2100),
        ("status" = Option<Vec<AssessmentStatus>>, Query, explode = false, max_items = 4,
            description = "Only these statuses (comma-separated)"),
        ("aspect" = Option<Vec<Aspect>>, Query, explode = false, max_items = 2,
            description = "`government`: the region's own; `innovation`: the innovations'"),
        ("agency_id" = Option<i64>, Query, minimum = 1),
        ("innovation_id" = Option<i64>, Query, minimum = 1),
        ("page" = Option<i64>, Query, minimum = 1, maximum = 2147483647),
        ("per_page" = Option<i64>, Query, minimum = 1, maximum = 100),
        ("cursor" = Option<String>, Query, max_length = 2048, pattern = "^(eyJ[A-Za-z0-9_-]*)?$",
            description = "Opaque keyset cursor from `next_cursor`; empty starts cursor mode"),
    ),
    responses(
        (status = 200, description = "A page of assessments", body = Page<IndexAssessmentSummary>),
        (status = 304, description = "The page has not changed since the `If-None-Match` tag"),
        (status = 422, response = super::problems::ValidationFailed),
    ),
)]
#[get("")]
pub async fn list_index_assessments(
    req: HttpRequest,
    actor: RequestActor,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    policy::authorize(&actor.caller, Action::ReadIndexAssessments)?;
    let mut query = QueryPairs::parse(req.query_string())?;
    let aspects = query.take_list("aspect", Aspect::parse, Aspect::allowed);
    let filters = AssessmentFilters {
        year: query.take_i64("year", 2000, 2100),
        status: query.take_list("status", AssessmentStatus::parse, AssessmentStatus::allowed),
        aspect: aspects.filter(|a| a.len() == 1).map(|a| a[0]),
        agency_id: query.take_i64("agency_id", 1, i64::MAX),
        innovation_id: query.take_i64("innovation_id", 1, i64::MAX),
    };
    let controls = take_sub_collection_controls(&mut query);
    query.finish()?;
    let paging = controls.clone();
    let (rows, total) = state
        .db
        .read(move |conn| store::list(conn, &filters, &paging))
        .await?;
    let page =
        Page::by_id(rows, total, &controls, |row| row.row.id).map(IndexAssessmentSummary::from);
    super::list_response(&req, &state, &page)
}

/// Start an assessment
///
/// A draft assessment of an innovation (its agency's editors, administrators) or, with
/// `innovation_id` null, of the region itself (administrators), for a year whose catalogue
/// is published (422 otherwise). 409 if it has been started already.
#[utoipa::path(
    tag = "index",
    operation_id = "create_index_assessment",
    request_body(content = IndexAssessmentInput, content_type = "application/json"),
    responses(
        (status = 201, description = "The new draft", body = IndexAssessment,
            headers(("Location" = String, description = "URL of the new assessment"))),
        (status = 409, response = super::problems::Conflict),
    ),
)]
#[post("")]
pub async fn create_index_assessment(
    req: HttpRequest,
    actor: RequestActor,
    state: web::Data<AppState>,
    JsonBody(input): JsonBody<IndexAssessmentInput>,
) -> ApiResult<HttpResponse> {
    policy::require_account(&actor.caller)?;
    validated(&input)?;
    let caller = actor.caller.clone();
    let stored = state
        .db
        .write(actor.write_context(), move |conn, context| {
            store::create(
                conn,
                context,
                input.year,
                input.innovation_id,
                |agency_id| policy::authorize(&caller, Action::WriteIndexAssessment { agency_id }),
            )
        })
        .await?;
    let response = super::created(&state, "index-assessments", stored.row.id);
    Ok(answer(&req, response, &stored))
}

/// Get an assessment
///
/// Signed-in accounts: its state, self and verified scores, the mandatory indicators
/// still without evidence, and one entry per indicator of its aspect with the answer and
/// the reviewer's verdict.
#[utoipa::path(
    tag = "index",
    operation_id = "get_index_assessment",
    params(("id" = i64, Path, minimum = 1)),
    responses(
        (status = 200, description = "The assessment", body = IndexAssessment,
            headers(("ETag" = String, description = "The assessment's version, quoted"))),
        (status = 304, description = "Unchanged since the `If-None-Match` tag"),
    ),
)]
#[get("/{id}")]
pub async fn get_index_assessment(
    req: HttpRequest,
    id: web::Path<i64>,
    actor: RequestActor,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    policy::authorize(&actor.caller, Action::ReadIndexAssessments)?;
    let id = id.into_inner();
    let stored = state.db.read(move |conn| store::find(conn, id)).await?;
    Ok(answer(&req, HttpResponse::Ok(), &stored))
}

/// Answer an indicator
///
/// Its writers, while the assessment is a draft or returned (409 otherwise): the chosen
/// option, a note and the evidence documents, replacing any earlier answer (and the
/// reviewer's verdict on it). 422 for an indicator of another year or aspect, an option
/// of another indicator, or a document that cannot be its evidence (another innovation's,
/// archived, or of a kind the indicator does not accept). `If-Match` honoured.
#[utoipa::path(
    tag = "index",
    operation_id = "answer_index_indicator",
    params(("id" = i64, Path, minimum = 1), ("indicator_id" = i64, Path, minimum = 1),
           ("If-Match" = Option<String>, Header, description = "The `ETag` the change is based on")),
    request_body(content = AnswerInputJson, content_type = "application/json"),
    responses(
        (status = 200, description = "The assessment with the answer", body = IndexAssessment),
        (status = 409, response = super::problems::Conflict),
    ),
)]
#[put("/{id}/answers/{indicator_id}")]
pub async fn answer_indicator(
    req: HttpRequest,
    path: web::Path<(i64, i64)>,
    actor: RequestActor,
    IfMatch(expected): IfMatch,
    state: web::Data<AppState>,
    JsonBody(input): JsonBody<AnswerInputJson>,
) -> ApiResult<HttpResponse> {
    validated(&input)?;
    let change = AnswerChange::Answer(input.into());
    change_answer(&req, &actor, &state, path.into_inner(), expected, change).await
}

/// Judge an answer
///
/// Reviewers (never on their own agency's assessment) and administrators, while the
/// assessment is submitted: `accepted`, or `adjusted` to another option of the same
/// indicator, with a note. `If-Match` honoured.
#[utoipa::path(
    tag = "index",
    operation_id = "review_index_answer",
    params(("id" = i64, Path, minimum = 1), ("indicator_id" = i64, Path, minimum = 1),
           ("If-Match" = Option<String>, Header, description = "The `ETag` the change is based on")),
    request_body(content = VerdictInputJson, content_type = "application/json"),
    responses(
        (status = 200, description = "The assessment with the verdict", body = IndexAssessment),
        (status = 409, response = super::problems::Conflict),
    ),
)]
#[put("/{id}/answers/{indicator_id}/verdict")]
pub async fn review_answer(
    req: HttpRequest,
    actor: RequestActor,
    path: web::Path<(i64, i64)>,
    IfMatch(expected): IfMatch,
    state: web::Data<AppState>,
    JsonBody(input): JsonBody<VerdictInputJson>,
) -> ApiResult<HttpResponse> {
    validated(&input)?;
    let change = AnswerChange::Verdict(input.into());
    change_answer(&req, &actor, &state, path.into_inner(), expected, change).await
}

/// Writes or judges one answer (the two handlers above differ only in their change).
async fn change_answer(
    req: &HttpRequest,
    actor: &RequestActor,
    state: &AppState,
    (id, indicator_id): (i64, i64),
    expected: crate::domain::version::ExpectedVersion,
    change: AnswerChange,
) -> ApiResult<HttpResponse> {
    policy::require_account(&actor.caller)?;
    let who = actor.clone();
    write(req, actor, state, move |conn, context| {
        let step = change.step();
        store::change_answer(
            conn,
            context,
            id,
            &expected,
            indicator_id,
            &change,
            |current| may(&who, step, current),
        )
    })
    .await
}

/// Takes a workflow step (the handlers below differ only in their step and note).
async fn take_step(
    req: &HttpRequest,
    actor: &RequestActor,
    state: &AppState,
    id: i64,
    expected: crate::domain::version::ExpectedVersion,
    step: AssessmentStep,
    note: Option<String>,
) -> ApiResult<HttpResponse> {
    policy::require_account(&actor.caller)?;
    let who = actor.clone();
    write(req, actor, state, move |conn, context| {
        store::step(
            conn,
            context,
            id,
            &expected,
            step,
            note.as_deref(),
            |current| may(&who, step, current),
        )
    })
    .await
}

/// Submit an assessment
///
/// Its writers: locks it for verification. 422 listing every mandatory indicator still
/// without evidence (`answers.<code>`: `evidence_missing`).
#[utoipa::path(
    tag = "index",
    operation_id = "submit_index_assessment",
    params(("id" = i64, Path, minimum = 1),
           ("If-Match" = Option<String>, Header, description = "The `ETag` the change is based on")),
    responses(
        (status = 200, description = "The submitted assessment", body = IndexAssessment),
        (status = 409, response = super::problems::Conflict),
    ),
)]
#[post("/{id}/submit")]
pub async fn submit_index_assessment(
    req: HttpRequest,
    id: web::Path<i64>,
    actor: RequestActor,
    IfMatch(expected): IfMatch,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let step = AssessmentStep::Submit;
    take_step(&req, &actor, &state, id.into_inner(), expected, step, None).await
}

/// Return an assessment to its writers
///
/// Reviewers and administrators, while it is submitted: editable again, with the
/// verdicts' notes per indicator and an optional general note (`{}` for none).
#[utoipa::path(
    tag = "index",
    operation_id = "return_index_assessment",
    params(("id" = i64, Path, minimum = 1),
           ("If-Match" = Option<String>, Header, description = "The `ETag` the change is based on")),
    request_body(content = ReturnInput, content_type = "application/json"),
    responses(
        (status = 200, description = "The returned assessment", body = IndexAssessment),
        (status = 409, response = super::problems::Conflict),
    ),
)]
#[post("/{id}/return")]
pub async fn return_index_assessment(
    req: HttpRequest,
    id: web::Path<i64>,
    actor: RequestActor,
    IfMatch(expected): IfMatch,
    state: web::Data<AppState>,
    JsonBody(input): JsonBody<ReturnInput>,
) -> ApiResult<HttpResponse> {
    validated(&input)?;
    let id = id.into_inner();
    let step = AssessmentStep::Return;
    take_step(&req, &actor, &state, id, expected, step, input.note).await
}

/// Verify an assessment
///
/// Reviewers and administrators, while it is submitted: every answer needs a verdict
/// (422 listing each without one, `answers.<code>`: `verdict_missing`); stores the
/// verified score beside the self score.
#[utoipa::path(
    tag = "index",
    operation_id = "verify_index_assessment",
    params(("id" = i64, Path, minimum = 1),
           ("If-Match" = Option<String>, Header, description = "The `ETag` the change is based on")),
    responses(
        (status = 200, description = "The verified assessment", body = IndexAssessment),
        (status = 409, response = super::problems::Conflict),
    ),
)]
#[post("/{id}/verify")]
pub async fn verify_index_assessment(
    req: HttpRequest,
    id: web::Path<i64>,
    actor: RequestActor,
    IfMatch(expected): IfMatch,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let step = AssessmentStep::Verify;
    take_step(&req, &actor, &state, id.into_inner(), expected, step, None).await
}

/// Reopen a verified assessment
///
/// Administrators, with a reason (kept in its history): it is returned to its writers and
/// its verified score no longer stands.
#[utoipa::path(
    tag = "index",
    operation_id = "reopen_index_assessment",
    params(("id" = i64, Path, minimum = 1),
           ("If-Match" = Option<String>, Header, description = "The `ETag` the change is based on")),
    request_body(content = ReopenInput, content_type = "application/json"),
    responses(
        (status = 200, description = "The reopened (returned) assessment", body = IndexAssessment),
        (status = 409, response = super::problems::Conflict),
    ),
)]
#[post("/{id}/reopen")]
pub async fn reopen_index_assessment(
    req: HttpRequest,
    id: web::Path<i64>,
    actor: RequestActor,
    IfMatch(expected): IfMatch,
    state: web::Data<AppState>,
    JsonBody(input): JsonBody<ReopenInput>,
) -> ApiResult<HttpResponse> {
    validated(&input)?;
    let id = id.into_inner();
    let step = AssessmentStep::Reopen;
    take_step(&req, &actor, &state, id, expected, step, Some(input.reason)).await
}

/// An assessment's history
///
/// Signed-in accounts. Every step, oldest first: who took it, when, the state after it,
/// and a return's note or a reopening's reason.
#[utoipa::path(
    tag = "index",
    operation_id = "list_index_assessment_history",
    params(("id" = i64, Path, minimum = 1), crate::http::pagination::PageParams),
    responses(
        (status = 200, description = "The history, oldest first", body = Page<AssessmentHistoryEntry>),
        (status = 304, description = "The page has not changed since the `If-None-Match` tag"),
        (status = 422, response = super::problems::ValidationFailed),
    ),
)]
#[get("/{id}/history")]
pub async fn list_index_assessment_history(
    actor: RequestActor,
    id: web::Path<i64>,
    req: HttpRequest,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    policy::authorize(&actor.caller, Action::ReadIndexAssessments)?;
    let (id, mut query) = (id.into_inner(), QueryPairs::parse(req.query_string())?);
    let controls = take_sub_collection_controls(&mut query);
    query.finish()?;
    let paging = controls.clone();
    let (rows, total) = state
        .db
        .read(move |conn| store::history(conn, id, &paging))
        .await?;
    let page = Page::by_id(rows, total, &controls, |row| row.id).map(AssessmentHistoryEntry::from);
    super::list_response(&req, &state, &page)
}
