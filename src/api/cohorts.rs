//! `/api/v1/cohorts`: the lab's rounds.

use super::prelude::*;
use chrono::{DateTime, NaiveDate, Utc};

use crate::domain::agency::validate_region_code;
use crate::domain::lab_stage::LabStage;
use crate::domain::text::not_blank;
use crate::http::list_query::{Format, QueryPairs};
use crate::http::pagination::{ListControls, ListParams, Page};
use crate::store::cohorts::{self as store, CohortDraft, CohortFilters, CohortList, CohortRow};

pub fn configure(config: &mut utoipa_actix_web::service_config::ServiceConfig) {
    config
        .service(list_cohorts)
        .service(create_cohort)
        .service(get_cohort)
        .service(update_cohort)
        .service(delete_cohort);
}

/// A round of the innovation lab.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": 1, "name": "Laboratorium Inovasi Kebumen 2016", "region_code": "3305",
    "year": 2016, "partner": "LAN RI", "description": "182 inovasi pelayanan publik",
    "lab_stage": "delivery", "drum_up_on": "2016-05-10", "diagnose_on": "2016-06-01",
    "design_on": "2016-07-15", "delivery_on": "2016-10-12", "display_on": null, "version": 3,
    "created_at": "2016-05-10T02:00:00.000000Z", "updated_at": "2016-10-12T03:00:00.000000Z"}))]
pub struct Cohort {
    #[schema(read_only)]
    pub id: i64,
    #[schema(max_length = 200)]
    pub name: String,
    #[schema(max_length = 4, pattern = "^[0-9]{4}$")]
    pub region_code: String,
    #[schema(minimum = 2000, maximum = 2100)]
    pub year: i64,
    /// The lab's partner, e.g. `LAN RI`.
    #[schema(max_length = 200)]
    pub partner: Option<String>,
    #[schema(max_length = 2000)]
    pub description: Option<String>,
    /// The stage the cohort as a whole is in.
    pub lab_stage: LabStage,
    pub drum_up_on: Option<NaiveDate>,
    pub diagnose_on: Option<NaiveDate>,
    pub design_on: Option<NaiveDate>,
    pub delivery_on: Option<NaiveDate>,
    pub display_on: Option<NaiveDate>,
    #[schema(read_only)]
    pub version: i64,
    #[schema(read_only)]
    #[serde(serialize_with = "super::rfc3339")]
    pub created_at: DateTime<Utc>,
    #[schema(read_only)]
    #[serde(serialize_with = "super::rfc3339")]
    pub updated_at: DateTime<Utc>,
}

impl From<CohortRow> for Cohort {
    fn from(row: CohortRow) -> Self {
        Self {
            id: row.id,
            lab_stage: row.stage(),
            name: row.name,
            region_code: row.region_code,
            year: row.year,
            partner: row.partner,
            description: row.description,
            drum_up_on: row.drum_up_on,
            diagnose_on: row.diagnose_on,
            design_on: row.design_on,
            delivery_on: row.delivery_on,
            display_on: row.display_on,
            version: row.version,
            created_at: row.created_at.and_utc(),
            updated_at: row.updated_at.and_utc(),
        }
    }
}

/// A cohort's writable fields (for create; `PATCH` takes any subset).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Laboratorium Inovasi Kebumen 2016", "year": 2016, "partner": "LAN RI",
    "drum_up_on": "2016-05-10"}))]
pub struct CohortInput {
    #[validate(required, length(min = 1, max = 200), custom(function = "not_blank"))]
    #[schema(required = true, nullable = false, value_type = String, min_length = 1, max_length = 200)]
    pub name: Option<String>,
    /// Absent or null on create: the deployment's region.
    #[validate(required, custom(function = "validate_region_code"))]
    #[schema(value_type = Option<String>, pattern = "^[0-9]{4}$", max_length = 4, example = "3305")]
    pub region_code: Option<String>,
    #[validate(required, range(min = 2000, max = 2100))]
    #[schema(required = true, nullable = false, value_type = i64, minimum = 2000, maximum = 2100)]
    pub year: Option<i64>,
    #[validate(length(min = 1, max = 200), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 200)]
    pub partner: Option<String>,
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    pub description: Option<String>,
    /// Absent or null on create: `drum_up`.
    #[validate(required, custom(function = "LabStage::validate"))]
    #[schema(value_type = Option<LabStage>)]
    pub lab_stage: Option<String>,
    #[validate(custom(function = "crate::domain::dates::validate_date"))]
    #[serde(default, deserialize_with = "crate::domain::dates::optional_full_date")]
    pub drum_up_on: Option<NaiveDate>,
    #[validate(custom(function = "crate::domain::dates::validate_date"))]
    #[serde(default, deserialize_with = "crate::domain::dates::optional_full_date")]
    pub diagnose_on: Option<NaiveDate>,
    #[validate(custom(function = "crate::domain::dates::validate_date"))]
    #[serde(default, deserialize_with = "crate::domain::dates::optional_full_date")]
    pub design_on: Option<NaiveDate>,
    #[validate(custom(function = "crate::domain::dates::validate_date"))]
    #[serde(default, deserialize_with = "crate::domain::dates::optional_full_date")]
    pub delivery_on: Option<NaiveDate>,
    #[validate(custom(function = "crate::domain::dates::validate_date"))]
    #[serde(default, deserialize_with = "crate::domain::dates::optional_full_date")]
    pub display_on: Option<NaiveDate>,
}

impl CohortInput {
    fn from_row(row: &CohortRow) -> Self {
        Self {
            name: Some(row.name.clone()),
            region_code: Some(row.region_code.clone()),
            year: Some(row.year),
            partner: row.partner.clone(),
            description: row.description.clone(),
            lab_stage: Some(row.lab_stage.clone()),
            drum_up_on: row.drum_up_on,
            diagnose_on: row.diagnose_on,
            design_on: row.design_on,
            delivery_on: row.delivery_on,
            display_on: row.display_on,
        }
    }

    fn into_draft(self) -> ApiResult<CohortDraft> {
        if let Err(errors) = self.validate() {
            return Err(ApiError::Validation(field_errors_from_validator(&errors)));
        }
        let required = |field: &str| ApiError::Validation(vec![FieldError::new(field, "required")]);
        Ok(CohortDraft {
            name: self.name.ok_or_else(|| required("name"))?,
            region_code: self.region_code.ok_or_else(|| required("region_code"))?,
            year: self.year.ok_or_else(|| required("year"))?,
            partner: self.partner,
            description: self.description,
            lab_stage: self.lab_stage.ok_or_else(|| required("lab_stage"))?,
            drum_up_on: self.drum_up_on,
            diagnose_on: self.diagnose_on,
            design_on: self.design_on,
            delivery_on: self.delivery_on,
            display_on: self.display_on,
        })
    }
}

/// A JSON merge patch of a cohort.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"lab_stage": "delivery", "delivery_on": "2016-10-12"}))]
pub struct CohortPatch {
    #[serde(default, deserialize_with = "double_option")]
    #[schema(required = false, value_type = String, min_length = 1, max_length = 200)]
    pub name: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(required = false, value_type = String, pattern = "^[0-9]{4}$", max_length = 4)]
    pub region_code: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(required = false, value_type = i64, minimum = 2000, maximum = 2100)]
    pub year: Option<Option<i64>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(required = false, value_type = Option<String>, min_length = 1, max_length = 200)]
    pub partner: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(required = false, value_type = Option<String>, max_length = 2000)]
    pub description: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(required = false, value_type = LabStage)]
    pub lab_stage: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::domain::dates::patched_full_date")]
    #[schema(required = false, value_type = Option<NaiveDate>)]
    pub drum_up_on: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "crate::domain::dates::patched_full_date")]
    #[schema(required = false, value_type = Option<NaiveDate>)]
    pub diagnose_on: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "crate::domain::dates::patched_full_date")]
    #[schema(required = false, value_type = Option<NaiveDate>)]
    pub design_on: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "crate::domain::dates::patched_full_date")]
    #[schema(required = false, value_type = Option<NaiveDate>)]
    pub delivery_on: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "crate::domain::dates::patched_full_date")]
    #[schema(required = false, value_type = Option<NaiveDate>)]
    pub display_on: Option<Option<NaiveDate>>,
}

impl CohortPatch {
    fn apply(&self, mut input: CohortInput) -> CohortInput {
        merge_patch!(self => input;
            name,
            region_code,
            year,
            partner,
            description,
            lab_stage,
            drum_up_on,
            diagnose_on,
            design_on,
            delivery_on,
            display_on
        );
        input
    }
}

/// Filters of the cohort list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct CohortListParams {
    #[param(minimum = 2000, maximum = 2100)]
    year: Option<i64>,
    #[param(pattern = "^[0-9]{4}$", max_length = 4)]
    region_code: Option<String>,
    /// `name` or `created_at` (default `-created_at`); prefix `-` for descending.
    #[param(pattern = "^-?(name|created_at)$", max_length = 11)]
    sort: Option<String>,
}

fn parse_list(req: &HttpRequest) -> ApiResult<(CohortFilters, ListControls<store::CohortSort>)> {
    let mut query = QueryPairs::parse(req.query_string())?;
    let controls = crate::http::pagination::take_controls(
        &mut query,
        store::DEFAULT_SORT,
        crate::http::pagination::Presentation::JsonPage,
    );
    let filters = CohortFilters {
        year: query.take_i64("year", 2000, 2100),
        region_code: query.take("region_code").and_then(|code| {
            if validate_region_code(&code).is_ok() {
                Some(code)
            } else {
                query.error(FieldError::new("region_code", "region_code_invalid"));
                None
            }
        }),
    };
    query.finish()?;
    if controls.format != Format::Json {
        return Err(ApiError::invalid_field("format", "invalid_choice"));
    }
    Ok((filters, controls))
}

/// List cohorts
#[utoipa::path(
    tag = "cohorts",
    operation_id = "list_cohorts",
    params(ListParams, CohortListParams),
    responses(
        (status = 200, description = "A page of cohorts", body = Page<Cohort>),
        (status = 304, description = "The page has not changed since the `If-None-Match` tag"),
        (status = 422, response = super::problems::ValidationFailed),
    ),
    security((), ("bearer_auth" = []))
)]
#[get("")]
pub async fn list_cohorts(
    req: HttpRequest,
    actor: RequestActor,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    policy::authorize(&actor.caller, Action::ReadCohorts)?;
    let (filters, controls) = parse_list(&req)?;
    listing::page::<CohortList, _>(&req, &state, filters, controls, Cohort::from).await
}

/// Create a cohort
///
/// Administrators only.
#[utoipa::path(
    tag = "cohorts",
    operation_id = "create_cohort",
    request_body(content = CohortInput, content_type = "application/json"),
    responses(
        (status = 201, description = "Created", body = Cohort,
            headers(("Location" = String, description = "URL of the new cohort"))),
        (status = 409, response = super::problems::Conflict),
    ),
)]
#[post("")]
pub async fn create_cohort(
    req: HttpRequest,
    actor: RequestActor,
    state: web::Data<AppState>,
    JsonBody(mut input): JsonBody<CohortInput>,
) -> ApiResult<HttpResponse> {
    policy::authorize(&actor.caller, Action::ManageCohorts)?;
    input
        .region_code
        .get_or_insert_with(|| state.config.region_code.clone());
    input
        .lab_stage
        .get_or_insert_with(|| LabStage::DrumUp.as_str().to_owned());
    let draft = input.into_draft()?;
    let row = state
        .db
        .write(actor.write_context(), move |conn, context| {
            store::insert(conn, context, &draft)
        })
        .await?;
    let response = super::created(&state, "cohorts", row.id);
    Ok(json_with_etag(
        &req,
        response,
        row.version,
        &Cohort::from(row),
    ))
}

/// Get a cohort
#[utoipa::path(
    tag = "cohorts",
    operation_id = "get_cohort",
    params(("id" = i64, Path, description = "Cohort id", minimum = 1)),
    responses(
        (status = 200, description = "The cohort", body = Cohort,
            headers(("ETag" = String, description = "The cohort's version, quoted"))),
        (status = 304, description = "Unchanged since the `If-None-Match` tag"),
    ),
    security((), ("bearer_auth" = []))
)]
#[get("/{id}")]
pub async fn get_cohort(
    req: HttpRequest,
    id: web::Path<i64>,
    actor: RequestActor,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    policy::authorize(&actor.caller, Action::ReadCohorts)?;
    let id = id.into_inner();
    let row = state.db.read(move |conn| store::find(conn, id)).await?;
    Ok(json_with_etag(
        &req,
        HttpResponse::Ok(),
        row.version,
        &Cohort::from(row),
    ))
}

/// Update a cohort
///
/// Administrators only. A JSON merge patch; `If-Match` honoured.
#[utoipa::path(
    tag = "cohorts",
    operation_id = "update_cohort",
    params(("id" = i64, Path, description = "Cohort id", minimum = 1),
           ("If-Match" = Option<String>, Header, description = "The `ETag` the change is based on")),
    request_body(content = CohortPatch, content_type = "application/merge-patch+json"),
    responses(
        (status = 200, description = "The updated cohort", body = Cohort),
    ),
)]
#[patch("/{id}")]
pub async fn update_cohort(
    req: HttpRequest,
    id: web::Path<i64>,
    actor: RequestActor,
    IfMatch(expected): IfMatch,
    state: web::Data<AppState>,
    JsonBody(patch): JsonBody<CohortPatch>,
) -> ApiResult<HttpResponse> {
    policy::authorize(&actor.caller, Action::ManageCohorts)?;
    let id = id.into_inner();
    let row = state
        .db
        .write(actor.write_context(), move |conn, context| {
            store::update(conn, context, id, &expected, |current| {
                let draft = patch.apply(CohortInput::from_row(current)).into_draft()?;
                Ok((draft != current.draft()).then_some(draft))
            })
        })
        .await?;
    Ok(json_with_etag(
        &req,
        HttpResponse::Ok(),
        row.version,
        &Cohort::from(row),
    ))
}

/// Delete a cohort
///
/// Administrators only. Only an empty cohort (a mistaken entry) can be deleted; one that
/// still has innovations is a 409.
#[utoipa::path(
    tag = "cohorts",
    operation_id = "delete_cohort",
    params(("id" = i64, Path, description = "Cohort id", minimum = 1),
           ("If-Match" = Option<String>, Header, description = "The `ETag` the change is based on")),
    responses(
        (status = 204, description = "Deleted"),
    ),
)]
#[delete("/{id}")]
pub async fn delete_cohort(
    id: web::Path<i64>,
    actor: RequestActor,
    IfMatch(expected): IfMatch,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    policy::authorize(&actor.caller, Action::ManageCohorts)?;
    let id = id.into_inner();
    state
        .db
        .write(actor.write_context(), move |conn, context| {
            store::delete(conn, context, id, &expected)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
