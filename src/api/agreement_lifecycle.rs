//! What happens to an agreement after drafting: signing, verification, amendments,
//! cancellation, and the printable page of what was signed.

use super::prelude::*;
use chrono::NaiveDate;

use super::agreements::{Agreement, PartyBody, respond, visible};
use crate::domain::agreement::{self as rules, AmendmentReason};
use crate::domain::text::not_blank;
use crate::store::agreements::{self as store, Signing};

/// Signing: where, when, and who.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"signed_on": "2016-10-12", "signed_place": "Pendopo Rumah Dinas Bupati Kebumen",
    "first_party": {"name": "Ir. H. Mohammad Yahya Fuad, SE", "title": "Bupati Kebumen"}}))]
pub struct SignRequest {
    #[validate(custom(function = "crate::domain::dates::validate_date"))]
    #[serde(deserialize_with = "crate::domain::dates::full_date")]
    pub signed_on: NaiveDate,
    #[validate(length(min = 1, max = rules::PLACE_MAX), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 200)]
    pub signed_place: String,
    /// The Bupati: name and title.
    #[validate(nested)]
    pub first_party: PartyBody,
    /// The agency head; absent: the head as stored on the agency now.
    #[validate(nested)]
    pub second_party: Option<PartyBody>,
}

/// The check anyone can make of a signed agreement.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "content_hash": "9f2c1d0e8b7a6f5e4d3c2b1a09f8e7d6c5b4a3928170f6e5d4c3b2a190817263",
    "recomputed_hash": "9f2c1d0e8b7a6f5e4d3c2b1a09f8e7d6c5b4a3928170f6e5d4c3b2a190817263",
    "matches": true, "canonical_version": 2, "canonical_document": null}))]
pub struct Verification {
    /// The hash stored at signing.
    #[schema(max_length = 64, pattern = "^[0-9a-f]{64}$")]
    pub content_hash: Option<String>,
    /// The hash of the canonical document recomputed from what is stored now.
    #[schema(max_length = 64, pattern = "^[0-9a-f]{64}$")]
    pub recomputed_hash: String,
    pub matches: bool,
    /// The canonical form the agreement was signed with, and is verified with: 1 before
    /// quarterly targets and acting officials were signed content, 2 since (the README's
    /// verification section shows both).
    #[schema(minimum = 1, maximum = 2)]
    pub canonical_version: i32,
    /// The RFC 8785 canonical JSON that was hashed: `sha256sum` of these bytes is the hash.
    /// It holds the parties' NIPs (personal data), so it is given to signed-in callers
    /// only; the public gets the comparison.
    pub canonical_document: Option<String>,
}

/// Sign an agreement
///
/// Administrators only. Needs at least one commitment (422) and no other signed agreement
/// for the agency and year unless this one amends it (409). Copies the parties (the second
/// defaults to the agency's head as stored), the agency's code and name and the
/// innovations' names, computes `content_hash` (SHA-256 of the RFC 8785 canonical
/// document), and marks the amended agreement `superseded`, in one transaction.
#[utoipa::path(
    tag = "agreements",
    operation_id = "sign_performance_agreement",
    params(("id" = i64, Path, description = "Agreement id", minimum = 1),
           ("If-Match" = Option<String>, Header, description = "The `ETag` the signing is based on")),
    request_body(content = SignRequest, content_type = "application/json"),
    responses(
        (status = 200, description = "Signed", body = Agreement),
        (status = 409, response = super::problems::Conflict),
    ),
)]
#[post("/{id}/sign")]
pub async fn sign_agreement(
    req: HttpRequest,
    id: web::Path<i64>,
    actor: RequestActor,
    IfMatch(expected): IfMatch,
    state: web::Data<AppState>,
    JsonBody(request): JsonBody<SignRequest>,
) -> ApiResult<HttpResponse> {
    policy::authorize(&actor.caller, Action::SignAgreement)?;
    request.validate()?;
    let id = id.into_inner();
    let signing = Signing {
        signed_on: request.signed_on,
        signed_place: request.signed_place,
        first_party: request.first_party.into_party(),
        second_party: request.second_party.map(PartyBody::into_party),
    };
    let row = state
        .db
        .write(actor.write_context(), move |conn, context| {
            store::sign(conn, context, id, &expected, &signing)
        })
        .await?;
    Ok(respond(&req, HttpResponse::Ok(), row, None, &actor.caller))
}

/// Verify an agreement's content hash
///
/// Recomputes the SHA-256 of the canonical document from what is stored now. Anyone can
/// check a printed hash: `sha256sum` of `canonical_document` is the hash.
#[utoipa::path(
    tag = "agreements",
    operation_id = "verify_performance_agreement",
    params(("id" = i64, Path, description = "Agreement id", minimum = 1)),
    responses(
        (status = 200, description = "The verification", body = Verification),
        (status = 409, response = super::problems::Conflict),
    ),
    security((), ("bearer_auth" = []))
)]
#[get("/{id}/verification")]
pub async fn verify_agreement(
    id: web::Path<i64>,
    actor: RequestActor,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    policy::authorize(&actor.caller, Action::ReadAgreements)?;
    let (row, _) = visible(&state, &actor.caller, id.into_inner()).await?;
    if row.content_hash.is_none() {
        return Err(ApiError::Conflict {
            slug: "agreement-not-signed",
            detail: "an unsigned agreement has no content hash to verify".into(),
            errors: Vec::new(),
        });
    }
    let stored = row.content_hash.clone();
    let canonical_version = row.canonical_version;
    let (canonical, recomputed) = state
        .db
        .read(move |conn| store::content_of(conn, &row))
        .await?;
    Ok(HttpResponse::Ok().json(Verification {
        matches: stored.as_deref() == Some(recomputed.as_str()),
        content_hash: stored,
        recomputed_hash: recomputed,
        canonical_version,
        canonical_document: Some(canonical)
            .filter(|_| policy::may_see_personal_data(&actor.caller)),
    }))
}

// ---- amendments, cancellation, the printable document ----

/// An amendment: a new draft that copies the agreement and supersedes it once signed.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"number": "060/123.A/2016", "reason": "change_of_official",
    "reason_text": "Pergantian Kepala Bagian Hukum Setda"}))]
pub struct AmendmentRequest {
    #[validate(length(min = 1, max = rules::NUMBER_MAX), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 64)]
    pub number: String,
    #[validate(custom(function = "AmendmentReason::validate"))]
    #[schema(value_type = AmendmentReason)]
    pub reason: String,
    #[validate(length(min = 1, max = 2000), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 2000)]
    pub reason_text: String,
}

/// Why an agreement is cancelled.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "Dibuat rangkap karena kesalahan penomoran"}))]
pub struct CancelRequest {
    #[validate(length(min = 1, max = 2000), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 2000)]
    pub reason: String,
}

/// Amend a signed agreement
///
/// Creates a new draft with the given `number` that copies the agreement and its
/// commitments, with `supersedes_id` set. Signing it marks this one `superseded`, in the
/// same transaction. Administrators, or the agency editor of its agency.
#[utoipa::path(
    tag = "agreements",
    operation_id = "amend_performance_agreement",
    params(("id" = i64, Path, description = "The signed agreement", minimum = 1)),
    request_body(content = AmendmentRequest, content_type = "application/json"),
    responses(
        (status = 201, description = "The amendment (a draft)", body = Agreement,
            headers(("Location" = String, description = "URL of the amendment"))),
        (status = 409, response = super::problems::Conflict),
    ),
)]
#[post("/{id}/amendments")]
pub async fn amend_agreement(
    req: HttpRequest,
    id: web::Path<i64>,
    actor: RequestActor,
    state: web::Data<AppState>,
    JsonBody(request): JsonBody<AmendmentRequest>,
) -> ApiResult<HttpResponse> {
    policy::require_account(&actor.caller)?;
    request.validate()?;
    let id = id.into_inner();
    let caller = actor.caller.clone();
    let row = state
        .db
        .write(actor.write_context(), move |conn, context| {
            let source = store::find(conn, id)?;
            policy::authorize(
                &caller,
                Action::DraftAgreement {
                    agency_id: source.agency_id,
                },
            )?;
            store::amend(
                conn,
                context,
                id,
                request.number.trim(),
                &request.reason,
                &request.reason_text,
            )
        })
        .await?;
    let response = super::created(&state, "performance-agreements", row.id);
    Ok(respond(&req, response, row, None, &actor.caller))
}

/// Cancel an agreement
///
/// Administrators only. A draft or a signed agreement becomes `cancelled`, with the reason;
/// it is kept, never deleted.
#[utoipa::path(
    tag = "agreements",
    operation_id = "cancel_performance_agreement",
    params(("id" = i64, Path, description = "Agreement id", minimum = 1),
           ("If-Match" = Option<String>, Header, description = "The `ETag` the cancellation is based on")),
    request_body(content = CancelRequest, content_type = "application/json"),
    responses(
        (status = 200, description = "Cancelled", body = Agreement),
        (status = 409, response = super::problems::Conflict),
    ),
)]
#[post("/{id}/cancel")]
pub async fn cancel_agreement(
    req: HttpRequest,
    id: web::Path<i64>,
    actor: RequestActor,
    IfMatch(expected): IfMatch,
    state: web::Data<AppState>,
    JsonBody(request): JsonBody<CancelRequest>,
) -> ApiResult<HttpResponse> {
    policy::authorize(&actor.caller, Action::CancelAgreement)?;
    request.validate()?;
    let id = id.into_inner();
    let row = state
        .db
        .write(actor.write_context(), move |conn, context| {
            store::cancel(conn, context, id, &expected, request.reason.trim())
        })
        .await?;
    Ok(respond(&req, HttpResponse::Ok(), row, None, &actor.caller))
}

/// The agreement as a printable page
///
/// An HTML page in Indonesian ("PERJANJIAN KINERJA INOVASI TAHUN ..."): the parties, the
/// statement, the commitments, place and date, and the content hash in the footer.
#[utoipa::path(
    tag = "agreements",
    operation_id = "get_performance_agreement_document",
    params(("id" = i64, Path, description = "Agreement id", minimum = 1)),
    responses(
        (status = 200, description = "The printable page", content(
            (String = "text/html", example = json!("<!DOCTYPE html><html lang=\"id\"><head><meta charset=\"utf-8\"><title>Perjanjian Kinerja Inovasi 060/017/PK-INOV/2016</title>...</head><body><h1>PERJANJIAN KINERJA INOVASI TAHUN 2016</h1><p>Nomor: 060/017/PK-INOV/2016<br>Bagian Tata Pemerintahan Setda<br>Status: Ditandatangani</p>...</body></html>")),
        )),
    ),
    security((), ("bearer_auth" = []))
)]
#[get("/{id}/document")]
pub async fn agreement_document(
    id: web::Path<i64>,
    actor: RequestActor,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    policy::authorize(&actor.caller, Action::ReadAgreements)?;
    let id = id.into_inner();
    let (row, _) = visible(&state, &actor.caller, id).await?;
    // A signed agreement prints the agency as it was signed; a draft, as it is now.
    let agency_name = match row.signed_agency_name.clone() {
        Some(signed) => signed,
        None => {
            let agency_id = row.agency_id;
            state
                .db
                .read(move |conn| crate::store::agencies::find(conn, agency_id))
                .await?
                .name
        }
    };
    let commitments = state
        .db
        .read(move |conn| store::commitments_of(conn, id))
        .await?;
    let html = super::agreement_document::render(
        &Agreement::for_caller(row, None, &actor.caller),
        &agency_name,
        &commitments,
    );
    Ok(crate::http::html::page_response(html))
}
