//! `/api/v1/innovations`: the registry's heart. Fields and lists here; stage moves in
//! [`super::stage_transitions`].

use super::prelude::*;
use chrono::{DateTime, NaiveDate, Utc};

use super::government_affair::GovernmentAffair;
use crate::domain::innovation::{
    self as rules, InitiatorType, InnovationForm, InnovationStatus, validate_affairs,
};
use crate::domain::lab_stage::LabStage;
use crate::domain::text::not_blank;
use crate::store::innovations::{self as store, InnovationDraft, InnovationRow, InnovationView};

pub fn configure(config: &mut utoipa_actix_web::service_config::ServiceConfig) {
    config
        .service(super::innovation_lists::list_innovations)
        .service(super::innovation_lists::export_innovations_csv)
        .service(super::innovation_lists::export_innovations_xlsx)
        .service(create_innovation)
        .service(super::import::import_innovations)
        .service(super::stage_transitions::move_innovations)
        .service(get_innovation)
        .service(update_innovation)
        .service(archive_innovation)
        .service(super::stage_transitions::move_innovation)
        .service(super::stage_transitions::list_stage_transitions);
    super::evidence_routes::innovation_routes(config);
    super::evidence_routes::transition_routes(config);
}

/// A public-service innovation of a lab cohort.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 7, "cohort_id": 1, "cohort_name": "Laboratorium Inovasi Kebumen 2016",
    "agency_id": 2, "agency_code": "BAG-HUKUM", "agency_name": "Bagian Hukum Sekretariat Daerah Kabupaten Kebumen",
    "name": "ELEGAN", "acronym_expansion": "Elektronik Legal Drafting",
    "initiator_type": "agency", "initiator_name": "Bagian Hukum Setda", "form": "governance",
    "digital": true, "government_affairs": ["hukum", "komunikasi dan informatika"],
    "problem": "Penyusunan produk hukum daerah lambat dan berkas sering hilang.",
    "approach": "Rancangan peraturan disusun, diperiksa dan disetujui secara daring.",
    "goals": "Produk hukum selesai dalam 14 hari kerja.", "benefits": null, "results": null,
    "beneficiaries": "SKPD pengusul rancangan produk hukum", "beneficiaries_target": 80,
    "trial_on": "2016-09-01", "launched_on": "2016-10-12", "lab_stage": "delivery",
    "status": "active", "version": 5,
    "created_at": "2016-05-10T02:00:00.000000Z", "updated_at": "2016-10-12T03:00:00.000000Z"}))]
pub struct Innovation {
    #[schema(read_only)]
    pub id: i64,
    pub cohort_id: i64,
    #[schema(read_only)]
    #[schema(max_length = 200)]
    pub cohort_name: String,
    pub agency_id: i64,
    #[schema(read_only)]
    #[schema(max_length = 32)]
    pub agency_code: String,
    #[schema(read_only)]
    #[schema(max_length = 200)]
    pub agency_name: String,
    /// Unique within its cohort.
    #[schema(max_length = 200)]
    pub name: String,
    /// What the name stands for (ELEGAN: Elektronik Legal Drafting).
    #[schema(max_length = 300)]
    pub acronym_expansion: Option<String>,
    pub initiator_type: InitiatorType,
    #[schema(max_length = 200)]
    pub initiator_name: Option<String>,
    pub form: InnovationForm,
    pub digital: bool,
    /// Government affairs (urusan pemerintahan) the innovation serves.
    #[schema(value_type = Vec<GovernmentAffair>, max_items = 20)]
    pub government_affairs: Vec<String>,
    #[schema(max_length = 10000)]
    pub problem: Option<String>,
    /// The design: how it works.
    #[schema(max_length = 10000)]
    pub approach: Option<String>,
    #[schema(max_length = 10000)]
    pub goals: Option<String>,
    #[schema(max_length = 10000)]
    pub benefits: Option<String>,
    #[schema(max_length = 10000)]
    pub results: Option<String>,
    /// Who benefits, in words (e.g. 1.000 UMKM).
    #[schema(max_length = 10000)]
    pub beneficiaries: Option<String>,
    /// How many are to benefit.
    #[schema(minimum = 0, maximum = 1000000000)]
    pub beneficiaries_target: Option<i64>,
    pub trial_on: Option<NaiveDate>,
    /// Set when the innovation reaches `delivery`.
    #[schema(read_only)]
    pub launched_on: Option<NaiveDate>,
    /// Moves only through stage transitions.
    #[schema(read_only)]
    pub lab_stage: LabStage,
    pub status: InnovationStatus,
    #[schema(read_only)]
    pub version: i64,
    #[schema(read_only)]
    #[serde(serialize_with = "super::rfc3339")]
    pub created_at: DateTime<Utc>,
    #[schema(read_only)]
    #[serde(serialize_with = "super::rfc3339")]
    pub updated_at: DateTime<Utc>,
}

impl From<InnovationView> for Innovation {
    fn from(view: InnovationView) -> Self {
        let row = view.row;
        Self {
            id: row.id,
            cohort_id: row.cohort_id,
            cohort_name: view.cohort_name,
            agency_id: row.agency_id,
            agency_code: view.agency_code,
            agency_name: view.agency_name,
            government_affairs: row.affairs(),
            lab_stage: row.stage(),
            initiator_type: row.initiator_type(),
            form: row.form(),
            status: row.status(),
            name: row.name,
            acronym_expansion: row.acronym_expansion,
            initiator_name: row.initiator_name,
            digital: row.digital,
            problem: row.problem,
            approach: row.approach,
            goals: row.goals,
            benefits: row.benefits,
            results: row.results,
            beneficiaries: row.beneficiaries,
            beneficiaries_target: row.beneficiaries_target,
            trial_on: row.trial_on,
            launched_on: row.launched_on,
            version: row.version,
            created_at: row.created_at.and_utc(),
            updated_at: row.updated_at.and_utc(),
        }
    }
}

/// An innovation's writable fields. `lab_stage` and `launched_on` are not among them: the
/// stage moves through `/stage-transitions`, and reaching `delivery` sets the launch date.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"cohort_id": 1, "agency_id": 3, "name": "MUTTU 1000",
    "acronym_expansion": "MoU Sertifikat Tanah untuk 1.000 UMKM", "initiator_type": "agency",
    "form": "public_service", "digital": false, "government_affairs": ["pertanahan", "koperasi dan UMKM"],
    "problem": "Banyak UMKM belum memiliki sertifikat tanah sebagai agunan.",
    "beneficiaries": "UMKM di Kabupaten Kebumen", "beneficiaries_target": 1000}))]
pub struct InnovationInput {
    #[validate(required, range(min = 1))]
    #[schema(required = true, nullable = false, value_type = i64, minimum = 1)]
    pub cohort_id: Option<i64>,
    /// Must be an existing, active agency; an agency editor names its own.
    #[validate(required, range(min = 1))]
    #[schema(required = true, nullable = false, value_type = i64, minimum = 1)]
    pub agency_id: Option<i64>,
    #[validate(
        required,
        length(min = 1, max = rules::NAME_MAX),
        custom(function = "not_blank"),
        custom(function = "rules::validate_stored_name")
    )]
    #[schema(required = true, nullable = false, value_type = String, min_length = 1, max_length = 200)]
    pub name: Option<String>,
    #[validate(length(min = 1, max = rules::ACRONYM_EXPANSION_MAX), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 300)]
    pub acronym_expansion: Option<String>,
    #[validate(required, custom(function = "InitiatorType::validate"))]
    #[schema(required = true, nullable = false, value_type = InitiatorType)]
    pub initiator_type: Option<String>,
    #[validate(length(min = 1, max = rules::INITIATOR_NAME_MAX), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 200)]
    pub initiator_name: Option<String>,
    #[validate(required, custom(function = "InnovationForm::validate"))]
    #[schema(required = true, nullable = false, value_type = InnovationForm)]
    pub form: Option<String>,
    /// Absent or null on create: false.
    #[schema(value_type = Option<bool>)]
    pub digital: Option<bool>,
    /// Absent or null on create: none.
    #[validate(length(max = rules::AFFAIRS_MAX), custom(function = "validate_affairs"))]
    #[schema(value_type = Option<Vec<GovernmentAffair>>, max_items = 20)]
    pub government_affairs: Option<Vec<String>>,
    #[validate(length(max = rules::LONG_TEXT_MAX))]
    #[schema(max_length = 10000)]
    pub problem: Option<String>,
    #[validate(length(max = rules::LONG_TEXT_MAX))]
    #[schema(max_length = 10000)]
    pub approach: Option<String>,
    #[validate(length(max = rules::LONG_TEXT_MAX))]
    #[schema(max_length = 10000)]
    pub goals: Option<String>,
    #[validate(length(max = rules::LONG_TEXT_MAX))]
    #[schema(max_length = 10000)]
    pub benefits: Option<String>,
    #[validate(length(max = rules::LONG_TEXT_MAX))]
    #[schema(max_length = 10000)]
    pub results: Option<String>,
    #[validate(length(max = rules::LONG_TEXT_MAX))]
    #[schema(max_length = 10000)]
    pub beneficiaries: Option<String>,
    #[validate(range(min = 0, max = 1_000_000_000))]
    #[schema(minimum = 0, maximum = 1000000000)]
    pub beneficiaries_target: Option<i64>,
    #[validate(custom(function = "crate::domain::dates::validate_date"))]
    #[serde(default, deserialize_with = "crate::domain::dates::optional_full_date")]
    pub trial_on: Option<NaiveDate>,
    /// Absent or null on create: `draft`.
    #[validate(required, custom(function = "InnovationStatus::validate"))]
    #[schema(value_type = Option<InnovationStatus>)]
    pub status: Option<String>,
}

impl InnovationInput {
    fn from_row(row: &InnovationRow) -> Self {
        Self {
            cohort_id: Some(row.cohort_id),
            agency_id: Some(row.agency_id),
            name: Some(row.name.clone()),
            acronym_expansion: row.acronym_expansion.clone(),
            initiator_type: Some(row.initiator_type.clone()),
            initiator_name: row.initiator_name.clone(),
            form: Some(row.form.clone()),
            digital: Some(row.digital),
            government_affairs: Some(row.affairs()),
            problem: row.problem.clone(),
            approach: row.approach.clone(),
            goals: row.goals.clone(),
            benefits: row.benefits.clone(),
            results: row.results.clone(),
            beneficiaries: row.beneficiaries.clone(),
            beneficiaries_target: row.beneficiaries_target,
            trial_on: row.trial_on,
            status: Some(row.status.clone()),
        }
    }

    /// Validates every field at once into a draft, or lists every bad field.
    pub fn into_draft(self) -> Result<InnovationDraft, Vec<FieldError>> {
        if let Err(errors) = self.validate() {
            return Err(field_errors_from_validator(&errors));
        }
        let required = |field: &str| vec![FieldError::new(field, "required")];
        Ok(InnovationDraft {
            cohort_id: self.cohort_id.ok_or_else(|| required("cohort_id"))?,
            agency_id: self.agency_id.ok_or_else(|| required("agency_id"))?,
            name: self.name.ok_or_else(|| required("name"))?,
            acronym_expansion: self.acronym_expansion,
            initiator_type: choice(self.initiator_type, "initiator_type", InitiatorType::parse)?,
            initiator_name: self.initiator_name,
            form: choice(self.form, "form", InnovationForm::parse)?,
            digital: self.digital.unwrap_or(false),
            government_affairs: self
                .government_affairs
                .unwrap_or_default()
                .into_iter()
                .map(|affair| affair.trim().to_owned())
                .collect(),
            problem: self.problem,
            approach: self.approach,
            goals: self.goals,
            benefits: self.benefits,
            results: self.results,
            beneficiaries: self.beneficiaries,
            beneficiaries_target: self.beneficiaries_target,
            trial_on: self.trial_on,
            status: choice(self.status, "status", InnovationStatus::parse)?,
        })
    }
}

/// A required choice field of a validated input, parsed into its domain type (a value that
/// does not parse is reported as the validator reports it).
fn choice<T>(
    value: Option<String>,
    field: &str,
    parse: fn(&str) -> Option<T>,
) -> Result<T, Vec<FieldError>> {
    let value = value.ok_or_else(|| vec![FieldError::new(field, "required")])?;
    parse(&value).ok_or_else(|| vec![FieldError::new(field, "invalid_choice")])
}

/// A JSON merge patch of an innovation (`lab_stage` is not writable: use stage transitions).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"results": "1.012 UMKM menerima sertifikat tanah.", "status": "active"}))]
pub struct InnovationPatch {
    #[serde(default, deserialize_with = "double_option")]
    #[schema(required = false, value_type = i64, minimum = 1)]
    pub cohort_id: Option<Option<i64>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(required = false, value_type = i64, minimum = 1)]
    pub agency_id: Option<Option<i64>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(required = false, value_type = String, min_length = 1, max_length = 200)]
    pub name: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(required = false, value_type = Option<String>, min_length = 1, max_length = 300)]
    pub acronym_expansion: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(required = false, value_type = InitiatorType)]
    pub initiator_type: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(required = false, value_type = Option<String>, min_length = 1, max_length = 200)]
    pub initiator_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(required = false, value_type = InnovationForm)]
    pub form: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(required = false, value_type = bool)]
    pub digital: Option<Option<bool>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(required = false, value_type = Vec<GovernmentAffair>, max_items = 20)]
    pub government_affairs: Option<Option<Vec<String>>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(required = false, value_type = Option<String>, max_length = 10000)]
    pub problem: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(required = false, value_type = Option<String>, max_length = 10000)]
    pub approach: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(required = false, value_type = Option<String>, max_length = 10000)]
    pub goals: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(required = false, value_type = Option<String>, max_length = 10000)]
    pub benefits: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(required = false, value_type = Option<String>, max_length = 10000)]
    pub results: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(required = false, value_type = Option<String>, max_length = 10000)]
    pub beneficiaries: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(required = false, value_type = Option<i64>, minimum = 0, maximum = 1000000000)]
    pub beneficiaries_target: Option<Option<i64>>,
    #[serde(default, deserialize_with = "crate::domain::dates::patched_full_date")]
    #[schema(required = false, value_type = Option<NaiveDate>)]
    pub trial_on: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(required = false, value_type = InnovationStatus)]
    pub status: Option<Option<String>>,
}

impl InnovationPatch {
    fn apply(&self, mut input: InnovationInput) -> InnovationInput {
        merge_patch!(self => input;
            cohort_id,
            agency_id,
            name,
            acronym_expansion,
            initiator_type,
            initiator_name,
            form,
            digital,
            government_affairs,
            problem,
            approach,
            goals,
            benefits,
            results,
            beneficiaries,
            beneficiaries_target,
            trial_on,
            status
        );
        input
    }
}

/// The innovation `id` if `caller` may see it: unlaunched ones are 404 to the public.
pub async fn visible(state: &AppState, caller: &Caller, id: i64) -> ApiResult<InnovationView> {
    let view = state
        .db
        .read(move |conn| store::find_view(conn, id))
        .await?;
    if !policy::may_see_innovation(caller, view.row.stage()) {
        return Err(ApiError::NotFound);
    }
    Ok(view)
}

/// Get an innovation
#[utoipa::path(
    tag = "innovations",
    operation_id = "get_innovation",
    params(("id" = i64, Path, description = "Innovation id", minimum = 1)),
    responses(
        (status = 200, description = "The innovation", body = Innovation,
            headers(("ETag" = String, description = "The innovation's version, quoted"))),
        (status = 304, description = "Unchanged since the `If-None-Match` tag"),
    ),
    security((), ("bearer_auth" = []))
)]
#[get("/{id}")]
pub async fn get_innovation(
    req: HttpRequest,
    id: web::Path<i64>,
    actor: RequestActor,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    policy::authorize(&actor.caller, Action::ReadInnovations)?;
    let view = visible(&state, &actor.caller, id.into_inner()).await?;
    Ok(json_with_etag(
        &req,
        HttpResponse::Ok(),
        view.row.version,
        &Innovation::from(view),
    ))
}

/// Create an innovation
///
/// Administrators for any agency, agency editors for their own. It starts at `drum_up`
/// (recorded as its first stage transition). A name taken in the cohort is a 409.
#[utoipa::path(
    tag = "innovations",
    operation_id = "create_innovation",
    request_body(content = InnovationInput, content_type = "application/json"),
    responses(
        (status = 201, description = "Created", body = Innovation,
            headers(("Location" = String, description = "URL of the new innovation"))),
        (status = 409, response = super::problems::Conflict),
    ),
)]
#[post("")]
pub async fn create_innovation(
    req: HttpRequest,
    actor: RequestActor,
    state: web::Data<AppState>,
    JsonBody(mut input): JsonBody<InnovationInput>,
) -> ApiResult<HttpResponse> {
    let agency_id = input.agency_id.unwrap_or_default();
    policy::authorize(&actor.caller, Action::CreateInnovation { agency_id })?;
    input
        .status
        .get_or_insert_with(|| InnovationStatus::Draft.as_str().to_owned());
    let draft = input.into_draft();
    let id = state
        .db
        .write(actor.write_context(), move |conn, context| {
            let draft = draft.map_err(ApiError::Validation)?;
            let errors = store::check_references(conn, &draft, None)?;
            if !errors.is_empty() {
                return Err(ApiError::Validation(errors));
            }
            Ok(store::insert(conn, context, draft, LabStage::DrumUp, None, "created")?.id)
        })
        .await?;
    let view = state
        .db
        .read(move |conn| store::find_view(conn, id))
        .await?;
    let response = super::created(&state, "innovations", id);
    Ok(json_with_etag(
        &req,
        response,
        view.row.version,
        &Innovation::from(view),
    ))
}

/// Update an innovation
///
/// A JSON merge patch; `If-Match` honoured. An agency editor changes only its own agency's
/// innovations (and cannot hand them to another agency). `lab_stage` is not writable.
#[utoipa::path(
    tag = "innovations",
    operation_id = "update_innovation",
    params(("id" = i64, Path, description = "Innovation id", minimum = 1),
           ("If-Match" = Option<String>, Header, description = "The `ETag` the change is based on")),
    request_body(content = InnovationPatch, content_type = "application/merge-patch+json"),
    responses(
        (status = 200, description = "The updated innovation", body = Innovation),
    ),
)]
#[patch("/{id}")]
pub async fn update_innovation(
    req: HttpRequest,
    id: web::Path<i64>,
    actor: RequestActor,
    IfMatch(expected): IfMatch,
    state: web::Data<AppState>,
    JsonBody(patch): JsonBody<InnovationPatch>,
) -> ApiResult<HttpResponse> {
    policy::require_account(&actor.caller)?;
    let id = id.into_inner();
    let caller = actor.caller.clone();
    state
        .db
        .write(actor.write_context(), move |conn, context| {
            store::update(conn, context, id, &expected, |conn, current| {
                revise(conn, &caller, current, &patch)
            })
        })
        .await?;
    let view = state
        .db
        .read(move |conn| store::find_view(conn, id))
        .await?;
    Ok(json_with_etag(
        &req,
        HttpResponse::Ok(),
        view.row.version,
        &Innovation::from(view),
    ))
}

/// The draft `patch` makes of `current`, if `caller` may make it: `None` when nothing
/// changes, a 422 listing every bad field otherwise.
fn revise(
    conn: &mut crate::db::DbConnection,
    caller: &Caller,
    current: &InnovationRow,
    patch: &InnovationPatch,
) -> ApiResult<Option<InnovationDraft>> {
    policy::authorize(
        caller,
        Action::UpdateInnovation {
            agency_id: current.agency_id,
        },
    )?;
    let draft = patch
        .apply(InnovationInput::from_row(current))
        .into_draft()
        .map_err(ApiError::Validation)?;
    if draft == current.draft() {
        return Ok(None);
    }
    if draft.agency_id != current.agency_id {
        policy::authorize(
            caller,
            Action::CreateInnovation {
                agency_id: draft.agency_id,
            },
        )?;
    }
    if current.is_archived() && draft.status != InnovationStatus::Archived {
        policy::authorize(caller, Action::RestoreInnovation)?;
    }
    let errors = store::check_references(conn, &draft, Some(current))?;
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    Ok(Some(draft))
}

/// Archive an innovation
///
/// Sets `status` to `archived`; the innovation stays readable and stops moving through the
/// stages. Archiving an archived innovation changes nothing.
#[utoipa::path(
    tag = "innovations",
    operation_id = "archive_innovation",
    params(("id" = i64, Path, description = "Innovation id", minimum = 1),
           ("If-Match" = Option<String>, Header, description = "The `ETag` the change is based on")),
    responses(
        (status = 204, description = "Archived"),
    ),
)]
#[delete("/{id}")]
pub async fn archive_innovation(
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
            store::update(conn, context, id, &expected, |_, current| {
                policy::authorize(
                    &caller,
                    Action::UpdateInnovation {
                        agency_id: current.agency_id,
                    },
                )?;
                if current.is_archived() {
                    return Ok(None);
                }
                Ok(Some(InnovationDraft {
                    status: InnovationStatus::Archived,
                    ..current.draft()
                }))
            })
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
