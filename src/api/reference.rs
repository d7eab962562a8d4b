//! `GET /api/v1/reference`: every enum of the API with its labels in Indonesian and
//! English, so frontends render "Tahap III - Delivery" without hard-coding it.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get};
use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::account::Role;
use crate::domain::agency::AgencyKind;
use crate::domain::agreement::{ActingCapacity, AgreementStatus, AmendmentReason};
use crate::domain::evidence::DocumentKind;
use crate::domain::index::Aspect;
use crate::domain::index::catalogue::CatalogueStatus;
use crate::domain::index::workflow::{AssessmentStatus, Verdict};
use crate::domain::innovation::{InitiatorType, InnovationForm, InnovationStatus};
use crate::domain::lab_stage::LabStage;
use crate::domain::labels::Labelled;
use crate::domain::monitoring::CalculationMethod;
use crate::error::{ApiError, ApiResult};
use crate::http::conditional::{content_etag, none_match, not_modified};

pub fn configure(config: &mut utoipa_actix_web::service_config::ServiceConfig) {
    config.service(get_reference);
}

/// A value's name in both languages.
#[derive(Debug, Serialize, ToSchema)]
pub struct Label {
    /// Indonesian.
    #[schema(example = "Tahap III - Delivery")]
    pub id: &'static str,
    /// English.
    #[schema(example = "Stage III - Delivery")]
    pub en: &'static str,
}

/// One value of an enum, as the API sends and takes it, with its labels.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReferenceValue {
    #[schema(example = "delivery")]
    pub value: &'static str,
    pub label: Label,
}

/// Every enum of the API, values in the order the API uses (lab stages in lab order).
#[derive(Debug, Serialize, ToSchema)]
pub struct Reference {
    pub agency_kinds: Vec<ReferenceValue>,
    pub lab_stages: Vec<ReferenceValue>,
    pub innovation_forms: Vec<ReferenceValue>,
    pub initiator_types: Vec<ReferenceValue>,
    pub innovation_statuses: Vec<ReferenceValue>,
    pub agreement_statuses: Vec<ReferenceValue>,
    pub amendment_reasons: Vec<ReferenceValue>,
    pub roles: Vec<ReferenceValue>,
    pub document_kinds: Vec<ReferenceValue>,
    pub index_aspects: Vec<ReferenceValue>,
    pub index_catalogue_statuses: Vec<ReferenceValue>,
    pub index_assessment_statuses: Vec<ReferenceValue>,
    pub index_verdicts: Vec<ReferenceValue>,
    pub calculation_methods: Vec<ReferenceValue>,
    pub acting_capacities: Vec<ReferenceValue>,
}

fn values<T: Labelled>() -> Vec<ReferenceValue> {
    T::ALL
        .iter()
        .map(|value| {
            let (id, en) = value.label();
            ReferenceValue {
                value: value.value(),
                label: Label { id, en },
            }
        })
        .collect()
}

impl Reference {
    pub fn build() -> Self {
        Self {
            agency_kinds: values::<AgencyKind>(),
            lab_stages: values::<LabStage>(),
            innovation_forms: values::<InnovationForm>(),
            initiator_types: values::<InitiatorType>(),
            innovation_statuses: values::<InnovationStatus>(),
            agreement_statuses: values::<AgreementStatus>(),
            amendment_reasons: values::<AmendmentReason>(),
            roles: values::<Role>(),
            document_kinds: values::<DocumentKind>(),
            index_aspects: values::<Aspect>(),
            index_catalogue_statuses: values::<CatalogueStatus>(),
            index_assessment_statuses: values::<AssessmentStatus>(),
            index_verdicts: values::<Verdict>(),
            calculation_methods: values::<CalculationMethod>(),
            acting_capacities: values::<ActingCapacity>(),
        }
    }
}

/// Get the reference values
///
/// Every enum of the API (agency kinds, lab stages, innovation forms, initiator types,
/// statuses, amendment reasons, roles, document kinds, the index's aspects, catalogue
/// and assessment statuses and verdicts, quarterly calculation methods, acting officials) with labels in Indonesian (`id`) and English
/// (`en`). Public, cacheable for an hour, with an `ETag`.
#[utoipa::path(
    tag = "reference",
    operation_id = "get_reference",
    responses(
        (status = 200, description = "The reference values", body = Reference,
            headers(("ETag" = String, description = "Changes only with a new release"))),
        (status = 304, description = "Unchanged since the `If-None-Match` tag"),
    ),
    security(())
)]
#[get("")]
pub async fn get_reference(req: HttpRequest) -> ApiResult<HttpResponse> {
    let body = serde_json::to_vec(&Reference::build()).map_err(ApiError::internal)?;
    let etag = content_etag(&body);
    if none_match(req.headers(), &etag) {
        return Ok(not_modified(&etag));
    }
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .content_type("application/json")
        .body(body))
}
