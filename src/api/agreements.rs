//! `/api/v1/performance-agreements`: innovation performance agreements (perjanjian kinerja
//! inovasi) and their commitments. Drafts change freely; a signed agreement is frozen
//! (only realizations are recorded) and carries a SHA-256 of its canonical content.

use super::prelude::*;
use chrono::{DateTime, NaiveDate, Utc};

use crate::domain::agreement::{
    self as rules, ActingCapacity, AgreementStatus, AmendmentReason, fields_fixed_by_amended,
};
use crate::domain::nip::{Nip, validate_nip};
use crate::domain::text::not_blank;
use crate::http::list_query::QueryPairs;
use crate::store::agreements::{self as store, AgreementDraft, AgreementRow, Party};

pub fn configure(config: &mut utoipa_actix_web::service_config::ServiceConfig) {
    config
        .service(super::agreement_lists::list_agreements)
        .service(super::agreement_lists::export_agreements_csv)
        .service(super::agreement_lists::export_agreements_xlsx)
        .service(create_agreement)
        .service(get_agreement)
        .service(update_agreement)
        .service(delete_agreement)
        .service(super::agreement_lifecycle::sign_agreement)
        .service(super::agreement_lifecycle::amend_agreement)
        .service(super::agreement_lifecycle::cancel_agreement)
        .service(super::agreement_lifecycle::agreement_document)
        .service(super::agreement_lifecycle::verify_agreement)
        .configure(super::monitoring::configure)
        .service(super::commitments::list_commitments)
        .service(super::commitments::create_commitment)
        .service(super::commitments::update_commitment)
        .service(super::commitments::delete_commitment)
        .service(super::commitments::record_realization);
    super::evidence_routes::realization_routes(config);
}

/// A party to an agreement as signed. The NIP is left out for callers who may not see
/// personal data.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Ir. H. Mohammad Yahya Fuad, SE", "title": "Bupati Kebumen"}))]
pub struct PartyBody {
    #[validate(length(min = 1, max = 200), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    /// Only where the person is a civil servant (not the Bupati, not a BUMD director).
    #[validate(length(max = 24), custom(function = "validate_nip"))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(
        max_length = 24,
        pattern = r"^[12][0-9]{3}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01]) ?[12][0-9]{3}(0[1-9]|1[0-2]) ?[12] ?(00[1-9]|0[1-9][0-9]|[1-9][0-9]{2})$"
    )]
    pub nip: Option<String>,
    #[validate(length(min = 1, max = 200), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    /// Signing as an acting official: `plt` (pelaksana tugas) or `plh` (pelaksana
    /// harian), printed before the title ("Plt. Kepala Dinas Kesehatan"); part of what is
    /// signed. Absent or null: the office's holder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acting: Option<ActingCapacity>,
}

impl PartyBody {
    pub(super) fn into_party(self) -> Party {
        Party {
            name: self.name,
            // Validated above; stored bare.
            nip: self
                .nip
                .and_then(|nip| Nip::parse(&nip).ok())
                .map(Nip::into_string),
            title: self.title,
            acting: self.acting,
        }
    }
}

/// An innovation performance agreement.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": 4, "number": "060/123/2016", "year": 2016, "agency_id": 2,
    "statement": "Kami berjanji mewujudkan target inovasi sebagaimana tercantum dalam lampiran.",
    "status": "signed", "signed_on": "2016-10-12", "signed_place": "Pendopo Rumah Dinas Bupati Kebumen",
    "first_party": {"name": "Ir. H. Mohammad Yahya Fuad, SE", "title": "Bupati Kebumen"},
    "second_party": {"name": "Rina Wulandari, S.H., M.H.", "title": "Kepala Bagian Hukum"},
    "supersedes_id": null, "superseded_by_id": null, "amendment_reason": null,
    "amendment_reason_text": null, "cancellation_reason": null,
    "content_hash": "9f2c1d0e8b7a6f5e4d3c2b1a09f8e7d6c5b4a3928170f6e5d4c3b2a190817263", "version": 3,
    "created_at": "2016-10-01T02:00:00.000000Z", "updated_at": "2016-10-12T03:00:00.000000Z"}))]
pub struct Agreement {
    #[schema(read_only)]
    pub id: i64,
    #[schema(max_length = 64)]
    pub number: String,
    #[schema(minimum = 2000, maximum = 2100)]
    pub year: i64,
    pub agency_id: i64,
    #[schema(max_length = 5000)]
    pub statement: Option<String>,
    #[schema(read_only)]
    pub status: AgreementStatus,
    #[schema(read_only)]
    pub signed_on: Option<NaiveDate>,
    #[schema(read_only)]
    #[schema(max_length = 200)]
    pub signed_place: Option<String>,
    /// The Bupati, as signed.
    #[schema(read_only)]
    pub first_party: Option<PartyBody>,
    /// The agency head, as signed.
    #[schema(read_only)]
    pub second_party: Option<PartyBody>,
    /// The agreement this one amends.
    #[schema(read_only)]
    pub supersedes_id: Option<i64>,
    /// The amendment that supersedes this one.
    #[schema(read_only)]
    pub superseded_by_id: Option<i64>,
    #[schema(read_only)]
    pub amendment_reason: Option<AmendmentReason>,
    #[schema(read_only)]
    #[schema(max_length = 2000)]
    pub amendment_reason_text: Option<String>,
    #[schema(read_only)]
    #[schema(max_length = 2000)]
    pub cancellation_reason: Option<String>,
    /// SHA-256 (hex) of the canonical content, set at signing; see `/verification`.
    #[schema(read_only)]
    #[schema(max_length = 64, pattern = "^[0-9a-f]{64}$")]
    pub content_hash: Option<String>,
    #[schema(read_only)]
    pub version: i64,
    #[schema(read_only)]
    #[serde(serialize_with = "super::rfc3339")]
    pub created_at: DateTime<Utc>,
    #[schema(read_only)]
    #[serde(serialize_with = "super::rfc3339")]
    pub updated_at: DateTime<Utc>,
}

impl Agreement {
    pub(super) fn for_caller(
        row: AgreementRow,
        superseded_by_id: Option<i64>,
        caller: &Caller,
    ) -> Self {
        let personal = policy::may_see_personal_data(caller);
        let party = |name: Option<String>,
                     nip: Option<String>,
                     title: Option<String>,
                     acting: Option<String>| {
            name.map(|name| PartyBody {
                name,
                nip: nip.filter(|_| personal),
                title: title.unwrap_or_default(),
                acting: acting.as_deref().and_then(ActingCapacity::parse),
            })
        };
        Self {
            id: row.id,
            status: row.status(),
            number: row.number,
            year: row.year,
            agency_id: row.agency_id,
            statement: row.statement,
            signed_on: row.signed_on,
            signed_place: row.signed_place,
            first_party: party(
                row.first_party_name,
                row.first_party_nip,
                row.first_party_title,
                row.first_party_acting,
            ),
            second_party: party(
                row.second_party_name,
                row.second_party_nip,
                row.second_party_title,
                row.second_party_acting,
            ),
            supersedes_id: row.supersedes_id,
            superseded_by_id,
            amendment_reason: row
                .amendment_reason
                .as_deref()
                .and_then(AmendmentReason::parse),
            amendment_reason_text: row.amendment_reason_text,
            cancellation_reason: row.cancellation_reason,
            content_hash: row.content_hash,
            version: row.version,
            created_at: row.created_at.and_utc(),
            updated_at: row.updated_at.and_utc(),
        }
    }
}

/// A draft agreement's writable fields (for create; `PATCH` takes any subset).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"number": "060/123/2016", "year": 2016, "agency_id": 2,
    "statement": "Kami berjanji mewujudkan target inovasi sebagaimana tercantum dalam lampiran."}))]
pub struct AgreementInput {
    /// Unique, e.g. `060/123/2016`.
    #[validate(required, length(min = 1, max = rules::NUMBER_MAX), custom(function = "not_blank"))]
    #[schema(required = true, nullable = false, value_type = String, min_length = 1, max_length = 64)]
    pub number: Option<String>,
    #[validate(required, range(min = 2000, max = 2100))]
    #[schema(required = true, nullable = false, value_type = i64, minimum = 2000, maximum = 2100)]
    pub year: Option<i64>,
    #[validate(required, range(min = 1))]
    #[schema(required = true, nullable = false, value_type = i64, minimum = 1)]
    pub agency_id: Option<i64>,
    #[validate(length(max = rules::STATEMENT_MAX))]
    #[schema(max_length = 5000)]
    pub statement: Option<String>,
}

impl AgreementInput {
    fn from_row(row: &AgreementRow) -> Self {
        Self {
            number: Some(row.number.clone()),
            year: Some(row.year),
            agency_id: Some(row.agency_id),
            statement: row.statement.clone(),
        }
    }

    fn into_draft(self) -> ApiResult<AgreementDraft> {
        self.validate()?;
        let required = |field: &str| ApiError::invalid_field(field, "required");
        Ok(AgreementDraft {
            number: self
                .number
                .ok_or_else(|| required("number"))?
                .trim()
                .to_owned(),
            year: self.year.ok_or_else(|| required("year"))?,
            agency_id: self.agency_id.ok_or_else(|| required("agency_id"))?,
            statement: self.statement,
        })
    }
}

/// A JSON merge patch of a draft agreement.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"number": "060/017/PK-INOV/2016", "statement": "Kepala Bagian Tata Pemerintahan \
    berjanji meluncurkan MUTTU 1000 pada tahap Delivery."}))]
pub struct AgreementPatch {
    #[serde(default, deserialize_with = "double_option")]
    #[schema(required = false, value_type = String, min_length = 1, max_length = 64)]
    pub number: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(required = false, value_type = i64, minimum = 2000, maximum = 2100)]
    pub year: Option<Option<i64>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(required = false, value_type = i64, minimum = 1)]
    pub agency_id: Option<Option<i64>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(required = false, value_type = Option<String>, max_length = 5000)]
    pub statement: Option<Option<String>>,
}

// ---- reading helpers ----

/// The agreement `id` if `caller` may see it: drafts and cancelled ones are 404 to the public.
pub(super) async fn visible(
    state: &AppState,
    caller: &Caller,
    id: i64,
) -> ApiResult<(AgreementRow, Option<i64>)> {
    let (row, superseded_by) = state
        .db
        .read(move |conn| Ok((store::find(conn, id)?, store::superseded_by(conn, id)?)))
        .await?;
    if !row.is_public() && !policy::may_see_unsigned_agreements(caller) {
        return Err(ApiError::NotFound);
    }
    Ok((row, superseded_by))
}

pub(super) fn respond(
    req: &HttpRequest,
    response: actix_web::HttpResponseBuilder,
    row: AgreementRow,
    superseded_by: Option<i64>,
    caller: &Caller,
) -> HttpResponse {
    let version = row.version;
    json_with_etag(
        req,
        response,
        version,
        &Agreement::for_caller(row, superseded_by, caller),
    )
}

/// Get an agreement
#[utoipa::path(
    tag = "agreements",
    operation_id = "get_performance_agreement",
    params(("id" = i64, Path, description = "Agreement id", minimum = 1)),
    responses(
        (status = 200, description = "The agreement", body = Agreement,
            headers(("ETag" = String, description = "The agreement's version, quoted"))),
        (status = 304, description = "Unchanged since the `If-None-Match` tag"),
    ),
    security((), ("bearer_auth" = []))
)]
#[get("/{id}")]
pub async fn get_agreement(
    req: HttpRequest,
    id: web::Path<i64>,
    actor: RequestActor,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    policy::authorize(&actor.caller, Action::ReadAgreements)?;
    let (row, superseded_by) = visible(&state, &actor.caller, id.into_inner()).await?;
    Ok(respond(
        &req,
        HttpResponse::Ok(),
        row,
        superseded_by,
        &actor.caller,
    ))
}

/// Draft an agreement
///
/// Administrators, or the agency editor of its agency.
#[utoipa::path(
    tag = "agreements",
    operation_id = "create_performance_agreement",
    request_body(content = AgreementInput, content_type = "application/json"),
    responses(
        (status = 201, description = "Drafted", body = Agreement,
            headers(("Location" = String, description = "URL of the new agreement"))),
        (status = 409, response = super::problems::Conflict),
    ),
)]
#[post("")]
pub async fn create_agreement(
    req: HttpRequest,
    actor: RequestActor,
    state: web::Data<AppState>,
    JsonBody(input): JsonBody<AgreementInput>,
) -> ApiResult<HttpResponse> {
    policy::authorize(
        &actor.caller,
        Action::DraftAgreement {
            agency_id: input.agency_id.unwrap_or_default(),
        },
    )?;
    let draft = input.into_draft()?;
    let row = state
        .db
        .write(actor.write_context(), move |conn, context| {
            let errors = store::check_agency(conn, draft.agency_id, true)?;
            if !errors.is_empty() {
                return Err(ApiError::Validation(errors));
            }
            store::insert(conn, context, &draft)
        })
        .await?;
    let response = super::created(&state, "performance-agreements", row.id);
    Ok(respond(&req, response, row, None, &actor.caller))
}

/// Update a draft agreement
///
/// A JSON merge patch; a signed agreement is frozen (409, `agreement-signed`): amend it.
#[utoipa::path(
    tag = "agreements",
    operation_id = "update_performance_agreement",
    params(("id" = i64, Path, description = "Agreement id", minimum = 1),
           ("If-Match" = Option<String>, Header, description = "The `ETag` the change is based on")),
    request_body(content = AgreementPatch, content_type = "application/merge-patch+json"),
    responses(
        (status = 200, description = "The updated draft", body = Agreement),
    ),
)]
#[patch("/{id}")]
pub async fn update_agreement(
    req: HttpRequest,
    id: web::Path<i64>,
    actor: RequestActor,
    IfMatch(expected): IfMatch,
    state: web::Data<AppState>,
    JsonBody(patch): JsonBody<AgreementPatch>,
) -> ApiResult<HttpResponse> {
    policy::require_account(&actor.caller)?;
    let id = id.into_inner();
    let caller = actor.caller.clone();
    let row = state
        .db
        .write(actor.write_context(), move |conn, context| {
            store::update(conn, context, id, &expected, |conn, current| {
                policy::authorize(
                    &caller,
                    Action::DraftAgreement {
                        agency_id: current.agency_id,
                    },
                )?;
                let mut input = AgreementInput::from_row(current);
                merge_patch!(patch => input; number, year, agency_id, statement);
                let draft = input.into_draft()?;
                if current.supersedes_id.is_some() {
                    let fixed = fields_fixed_by_amended(
                        (current.year, current.agency_id),
                        (draft.year, draft.agency_id),
                    );
                    if !fixed.is_empty() {
                        return Err(ApiError::Validation(
                            fixed
                                .into_iter()
                                .map(|field| FieldError::new(field, "fixed_by_amended"))
                                .collect(),
                        ));
                    }
                }
                if draft.agency_id != current.agency_id {
                    policy::authorize(
                        &caller,
                        Action::DraftAgreement {
                            agency_id: draft.agency_id,
                        },
                    )?;
                    let errors = store::check_agency(conn, draft.agency_id, true)?;
                    if !errors.is_empty() {
                        return Err(ApiError::Validation(errors));
                    }
                }
                Ok((draft != AgreementInput::from_row(current).into_draft()?).then_some(draft))
            })
        })
        .await?;
    Ok(respond(&req, HttpResponse::Ok(), row, None, &actor.caller))
}

/// Delete a draft agreement
///
/// Drafts only (with their commitments); a signed agreement is a record (409): cancel or
/// amend it.
#[utoipa::path(
    tag = "agreements",
    operation_id = "delete_performance_agreement",
    params(("id" = i64, Path, description = "Agreement id", minimum = 1),
           ("If-Match" = Option<String>, Header, description = "The `ETag` the change is based on")),
    responses(
        (status = 204, description = "Deleted"),
    ),
)]
#[delete("/{id}")]
pub async fn delete_agreement(
    id: web::Path<i64>,
    actor: RequestActor,
    IfMatch(expected): IfMatch,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    policy::require_account(&actor.caller)?;
    let id = id.into_inner();
    let caller = actor.caller.clone();
    state
        .db
        .write(actor.write_context(), move |conn, context| {
            let current = store::find(conn, id)?;
            policy::authorize(
                &caller,
                Action::DraftAgreement {
                    agency_id: current.agency_id,
                },
            )?;
            store::delete(conn, context, id, &expected)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Fulfilment per agency
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"agency_id": 2, "agency_code": "BAG-HUKUM", "agency_name": "Bagian Hukum Setda",
    "agreements_in_force": 1, "commitments": 3, "evaluated": 2, "achieved": 1}))]
pub struct AgencyFulfilment {
    pub agency_id: i64,
    #[schema(max_length = 32)]
    pub agency_code: String,
    #[schema(max_length = 200)]
    pub agency_name: String,
    #[schema(minimum = 0)]
    pub agreements_in_force: i64,
    #[schema(minimum = 0)]
    pub commitments: i64,
    /// Commitments with a recorded realization.
    #[schema(minimum = 0)]
    pub evaluated: i64,
    /// Achieved value at or above the target, or the target stage reached by the due date.
    #[schema(minimum = 0)]
    pub achieved: i64,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct FulfilmentParams {
    #[param(minimum = 2000, maximum = 2100)]
    year: i64,
}

/// Agreement fulfilment per agency
///
/// For one year: signed agreements in force per agency, their commitments, how many were
/// evaluated and how many achieved (a public record, like the agreements).
#[utoipa::path(
    tag = "stats",
    operation_id = "get_agreement_stats",
    params(FulfilmentParams),
    responses(
        (status = 200, description = "Per agency", body = Vec<AgencyFulfilment>),
        (status = 422, response = super::problems::ValidationFailed),
    ),
    security((), ("bearer_auth" = []))
)]
#[get("/agreements")]
pub async fn agreement_stats(
    req: HttpRequest,
    actor: RequestActor,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    policy::authorize(&actor.caller, Action::ReadAgreements)?;
    let mut query = QueryPairs::parse(req.query_string())?;
    let year = query.take_i64("year", 2000, 2100);
    if year.is_none() && !req.query_string().contains("year=") {
        query.error(FieldError::new("year", "required"));
    }
    query.finish()?;
    let year = year.ok_or_else(|| ApiError::invalid_field("year", "required"))?;
    let rows = state
        .db
        .read(move |conn| store::fulfilment(conn, year))
        .await?;
    Ok(HttpResponse::Ok().json(
        rows.into_iter()
            .map(|f| AgencyFulfilment {
                agency_id: f.agency_id,
                agency_code: f.agency_code,
                agency_name: f.agency_name,
                agreements_in_force: f.agreements_in_force,
                commitments: f.commitments,
                evaluated: f.evaluated,
                achieved: f.achieved,
            })
            .collect::<Vec<_>>(),
    ))
}
