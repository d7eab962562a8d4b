//! `/api/v1/agencies`: the government bodies that own innovations.

use super::prelude::*;
use chrono::{DateTime, Utc};

use crate::domain::agency::{
    self as rules, AgencyDraft, AgencyKind, validate_agency_code, validate_phone,
    validate_region_code,
};
use crate::domain::nip::{Nip, validate_nip};
use crate::domain::text::not_blank;
use crate::store::agencies::{self as store, AgencyRow};

pub fn configure(config: &mut utoipa_actix_web::service_config::ServiceConfig) {
    config
        .service(super::agency_lists::list_agencies)
        .service(super::agency_lists::export_agencies_csv)
        .service(super::agency_lists::export_agencies_xlsx)
        .service(create_agency)
        .service(get_agency)
        .service(update_agency)
        .service(archive_agency);
}

/// An agency: a dinas or badan (SKPD/OPD), a section of the Regional Secretariat, a
/// Puskesmas, the RSUD, a BUMD or a sub-district office, with its head.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 2, "code": "BAG-HUKUM", "name": "Bagian Hukum Sekretariat Daerah Kabupaten Kebumen",
    "short_name": "Bagian Hukum Setda", "kind": "secretariat_section", "parent_id": 1,
    "region_code": "3305", "head_name": "Rina Wulandari, S.H., M.H.",
    "head_nip": "197805122005012003", "head_title": "Kepala Bagian Hukum",
    "address": "Jl. Veteran No. 2, Kebumen", "phone": "(0287) 381234",
    "email": "hukum@kebumenkab.go.id", "active": true, "version": 1,
    "created_at": "2016-10-12T03:00:00Z", "updated_at": "2016-10-12T03:00:00Z"}))]
pub struct Agency {
    #[schema(read_only)]
    pub id: i64,
    /// Unique code: 2-32 characters of A-Z, 0-9 and `-`.
    #[schema(max_length = 32)]
    pub code: String,
    #[schema(max_length = 200)]
    pub name: String,
    #[schema(max_length = 50)]
    pub short_name: Option<String>,
    pub kind: AgencyKind,
    /// The agency this one belongs to (a Setda section's parent is the Setda).
    pub parent_id: Option<i64>,
    /// Kemendagri region code (`3305` is Kabupaten Kebumen).
    #[schema(max_length = 4, pattern = "^[0-9]{4}$")]
    pub region_code: String,
    /// Name of the head of the agency.
    #[schema(max_length = 200)]
    pub head_name: Option<String>,
    /// The head's 18-digit NIP (civil-servant number), stored without spaces; absent for
    /// non-civil-servants, and left out for callers who may not see personal data
    /// (anonymous callers).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 18, pattern = "^[0-9]{18}$")]
    pub head_nip: Option<String>,
    #[schema(max_length = 200)]
    pub head_title: Option<String>,
    #[schema(max_length = 500)]
    pub address: Option<String>,
    #[schema(max_length = 32)]
    pub phone: Option<String>,
    #[schema(format = Email)]
    #[schema(max_length = 254)]
    pub email: Option<String>,
    /// False once archived (`DELETE`); archived agencies stay readable.
    pub active: bool,
    /// Increases with every change; sent as the `ETag`, checked against `If-Match`.
    #[schema(read_only, minimum = 1)]
    pub version: i64,
    #[schema(read_only)]
    #[serde(serialize_with = "super::rfc3339")]
    pub created_at: DateTime<Utc>,
    #[schema(read_only)]
    #[serde(serialize_with = "super::rfc3339")]
    pub updated_at: DateTime<Utc>,
}

impl Agency {
    /// The agency as `caller` may see it: the head's NIP is personal data (it encodes a
    /// birth date and gender) and is left out for callers the policy does not allow.
    pub fn for_caller(row: AgencyRow, caller: &Caller) -> Self {
        let show_nip = policy::may_see_personal_data(caller);
        Self {
            id: row.id,
            code: row.code,
            name: row.name,
            short_name: row.short_name,
            kind: AgencyKind::parse(&row.kind).unwrap_or_else(|| {
                // The column's CHECK constraint admits only known kinds.
                log::error!("agency {} has an unknown kind {:?}", row.id, row.kind);
                AgencyKind::Other
            }),
            parent_id: row.parent_id,
            region_code: row.region_code,
            head_name: row.head_name,
            head_nip: row.head_nip.filter(|_| show_nip),
            head_title: row.head_title,
            address: row.address,
            phone: row.phone,
            email: row.email,
            active: row.active,
            version: row.version,
            created_at: row.created_at.and_utc(),
            updated_at: row.updated_at.and_utc(),
        }
    }
}

/// The writable fields of an agency. Server-owned fields (`id`, `version`, `created_at`,
/// `updated_at`) are rejected with 400 `read_only`, like any unknown field.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "code": "BAG-HUKUM", "name": "Bagian Hukum Sekretariat Daerah Kabupaten Kebumen",
    "short_name": "Bagian Hukum Setda", "kind": "secretariat_section", "parent_id": 1,
    "head_name": "Rina Wulandari, S.H., M.H.", "head_nip": "19780512 200501 2 003",
    "head_title": "Kepala Bagian Hukum", "email": "hukum@kebumenkab.go.id"}))]
pub struct AgencyInput {
    /// Unique code: 2-32 characters of A-Z, 0-9 and `-`.
    #[validate(required, custom(function = "validate_agency_code"))]
    #[schema(required = true, nullable = false, value_type = String, pattern = "^[A-Z0-9-]{2,32}$", min_length = 2, max_length = 32)]
    pub code: Option<String>,
    #[validate(required, length(min = 1, max = rules::NAME_MAX), custom(function = "not_blank"))]
    #[schema(required = true, nullable = false, value_type = String, min_length = 1, max_length = 200)]
    pub name: Option<String>,
    #[validate(length(min = 1, max = rules::SHORT_NAME_MAX), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 50)]
    pub short_name: Option<String>,
    #[validate(required, custom(function = "AgencyKind::validate"))]
    #[schema(required = true, nullable = false, value_type = AgencyKind)]
    pub kind: Option<String>,
    /// Must be an existing, active agency, and not one of this agency's descendants.
    #[validate(range(min = 1))]
    #[schema(minimum = 1)]
    pub parent_id: Option<i64>,
    /// Absent or null on create: the deployment's region (`INOVIK_REGION_CODE`, `3305`).
    #[validate(required, custom(function = "validate_region_code"))]
    #[schema(value_type = Option<String>, pattern = "^[0-9]{4}$", max_length = 4, example = "3305")]
    pub region_code: Option<String>,
    #[validate(length(min = 1, max = rules::PERSON_NAME_MAX), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 200)]
    pub head_name: Option<String>,
    /// 18 digits (`YYYYMMDD` birth date, `YYYYMM` appointment, gender `1`/`2`, serial);
    /// spaces between groups are allowed and removed.
    #[validate(length(max = 24), custom(function = "validate_nip"))]
    #[schema(
        max_length = 24,
        pattern = r"^[12][0-9]{3}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01]) ?[12][0-9]{3}(0[1-9]|1[0-2]) ?[12] ?(00[1-9]|0[1-9][0-9]|[1-9][0-9]{2})$",
        example = "19780512 200501 2 003"
    )]
    pub head_nip: Option<String>,
    #[validate(length(min = 1, max = rules::TITLE_MAX), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 200)]
    pub head_title: Option<String>,
    #[validate(length(min = 1, max = rules::ADDRESS_MAX), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 500)]
    pub address: Option<String>,
    #[validate(custom(function = "validate_phone"))]
    #[schema(pattern = r"^\+?[0-9 ()\-]{6,32}$", max_length = 32)]
    pub phone: Option<String>,
    #[validate(email(code = "email_invalid"), length(max = rules::EMAIL_MAX))]
    #[schema(format = Email, max_length = 254)]
    pub email: Option<String>,
    /// Absent or null on create: true.
    #[schema(value_type = Option<bool>)]
    pub active: Option<bool>,
}

impl AgencyInput {
    fn from_row(row: &AgencyRow) -> Self {
        Self {
            code: Some(row.code.clone()),
            name: Some(row.name.clone()),
            short_name: row.short_name.clone(),
            kind: Some(row.kind.clone()),
            parent_id: row.parent_id,
            region_code: Some(row.region_code.clone()),
            head_name: row.head_name.clone(),
            head_nip: row.head_nip.clone(),
            head_title: row.head_title.clone(),
            address: row.address.clone(),
            phone: row.phone.clone(),
            email: row.email.clone(),
            active: Some(row.active),
        }
    }

    /// Validates every field at once into a draft, or lists every bad field.
    fn into_draft(self) -> Result<AgencyDraft, Vec<FieldError>> {
        let mut errors = match self.validate() {
            Ok(()) => Vec::new(),
            Err(e) => field_errors_from_validator(&e),
        };
        if self.active.is_none() {
            errors.push(FieldError::new("active", "required"));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let invalid = |field: &str| vec![FieldError::new(field, "required")];
        Ok(AgencyDraft {
            code: self.code.ok_or_else(|| invalid("code"))?,
            name: self.name.ok_or_else(|| invalid("name"))?,
            short_name: self.short_name,
            kind: self
                .kind
                .as_deref()
                .and_then(AgencyKind::parse)
                .ok_or_else(|| invalid("kind"))?,
            parent_id: self.parent_id,
            region_code: self.region_code.ok_or_else(|| invalid("region_code"))?,
            head_name: self.head_name,
            head_nip: self
                .head_nip
                .as_deref()
                .map(Nip::parse)
                .transpose()
                .map_err(|e| vec![FieldError::new("head_nip", e.code())])?,
            head_title: self.head_title,
            address: self.address,
            phone: self.phone,
            email: self.email,
            active: self.active.unwrap_or(true),
        })
    }
}

/// A JSON merge patch (RFC 7396) of an agency: absent fields stay as they are, `null`
/// clears an optional field (and is a 422 `required` for a required one).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"head_name": "Dr. Bambang Sutrisno, M.Si.", "head_nip": null, "phone": "(0287) 385000"}))]
pub struct AgencyPatch {
    #[serde(default, deserialize_with = "double_option")]
    #[schema(required = false, value_type = String, nullable = false, pattern = "^[A-Z0-9-]{2,32}$", min_length = 2, max_length = 32)]
    pub code: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(required = false, value_type = String, nullable = false, min_length = 1, max_length = 200)]
    pub name: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(required = false, value_type = Option<String>, min_length = 1, max_length = 50)]
    pub short_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(required = false, value_type = AgencyKind, nullable = false)]
    pub kind: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(required = false, value_type = Option<i64>, minimum = 1)]
    pub parent_id: Option<Option<i64>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(required = false, value_type = String, nullable = false, pattern = "^[0-9]{4}$", max_length = 4)]
    pub region_code: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(required = false, value_type = Option<String>, min_length = 1, max_length = 200)]
    pub head_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(required = false, value_type = Option<String>, max_length = 24, pattern = r"^[12][0-9]{3}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01]) ?[12][0-9]{3}(0[1-9]|1[0-2]) ?[12] ?(00[1-9]|0[1-9][0-9]|[1-9][0-9]{2})$")]
    pub head_nip: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(required = false, value_type = Option<String>, min_length = 1, max_length = 200)]
    pub head_title: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(required = false, value_type = Option<String>, min_length = 1, max_length = 500)]
    pub address: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(required = false, value_type = Option<String>, pattern = r"^\+?[0-9 ()\-]{6,32}$", max_length = 32)]
    pub phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(required = false, value_type = Option<String>, format = Email, max_length = 254)]
    pub email: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(required = false, value_type = bool, nullable = false)]
    pub active: Option<Option<bool>>,
}

impl AgencyPatch {
    /// Whether the patch touches only the head and contact fields, which an agency editor
    /// may change on its own agency.
    fn contact_only(&self) -> bool {
        self.code.is_none()
            && self.name.is_none()
            && self.short_name.is_none()
            && self.kind.is_none()
            && self.parent_id.is_none()
            && self.region_code.is_none()
            && self.active.is_none()
    }

    fn apply(&self, mut input: AgencyInput) -> AgencyInput {
        merge_patch!(self => input;
            code,
            name,
            short_name,
            kind,
            parent_id,
            region_code,
            head_name,
            head_nip,
            head_title,
            address,
            phone,
            email,
            active
        );
        input
    }
}

/// The draft `patch` makes of the stored agency `current`: `None` when it changes nothing
/// (compared after normalisation, so a NIP re-sent with spaces is no change), a 422 listing
/// every bad field otherwise.
fn revise(
    conn: &mut crate::db::DbConnection,
    current: &AgencyRow,
    patch: &AgencyPatch,
) -> ApiResult<Option<AgencyDraft>> {
    let before = AgencyInput::from_row(current);
    let after = patch.apply(before.clone());
    let parent_changed = after.parent_id != current.parent_id;
    let parent_id = after.parent_id;
    let draft = after.into_draft();
    let errors = draft.as_ref().err().cloned().unwrap_or_default();
    let errors =
        store::check_references(conn, Some(current.id), parent_id, parent_changed, errors)?;
    match draft {
        Ok(draft) if errors.is_empty() => {
            let unchanged = before.into_draft().is_ok_and(|stored| stored == draft);
            Ok((!unchanged).then_some(draft))
        }
        _ => Err(ApiError::Validation(errors)),
    }
}

/// An agency answer with its `ETag` (and 304 for a matching `If-None-Match` on `GET`).
fn agency_response(
    req: &HttpRequest,
    response: actix_web::HttpResponseBuilder,
    row: AgencyRow,
    caller: &Caller,
) -> HttpResponse {
    let version = row.version;
    json_with_etag(req, response, version, &Agency::for_caller(row, caller))
}

/// Get an agency
#[utoipa::path(
    tag = "agencies",
    operation_id = "get_agency",
    params(("id" = i64, Path, description = "Agency id", minimum = 1),
           ("If-None-Match" = Option<String>, Header, description = "An `ETag` from an earlier answer")),
    responses(
        (status = 200, description = "The agency", body = Agency,
            headers(("ETag" = String, description = "The agency's version, quoted: `\"3\"`"))),
        (status = 304, description = "Unchanged since the `If-None-Match` tag"),
    ),
    security((), ("bearer_auth" = []))
)]
#[get("/{id}")]
pub async fn get_agency(
    req: HttpRequest,
    id: web::Path<i64>,
    actor: RequestActor,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    policy::authorize(&actor.caller, Action::ReadAgencies)?;
    let id = id.into_inner();
    let row = state.db.read(move |conn| store::find(conn, id)).await?;
    Ok(agency_response(
        &req,
        HttpResponse::Ok(),
        row,
        &actor.caller,
    ))
}

/// Create an agency
///
/// Administrators only. Answers 201 with the agency and its `Location`. A duplicate `code` is 409; every rule
/// the input breaks is listed in one 422.
#[utoipa::path(
    tag = "agencies",
    operation_id = "create_agency",
    request_body(content = AgencyInput, content_type = "application/json"),
    responses(
        (status = 201, description = "Created", body = Agency,
            headers(("Location" = String, description = "URL of the new agency"),
                    ("ETag" = String, description = "The agency's version, quoted"))),
        (status = 409, response = super::problems::Conflict),
    ),
)]
#[post("")]
pub async fn create_agency(
    req: HttpRequest,
    actor: RequestActor,
    state: web::Data<AppState>,
    JsonBody(mut input): JsonBody<AgencyInput>,
) -> ApiResult<HttpResponse> {
    policy::authorize(&actor.caller, Action::CreateAgency)?;
    input
        .region_code
        .get_or_insert_with(|| state.config.region_code.clone());
    input.active.get_or_insert(true);
    let parent_id = input.parent_id;
    let draft = input.into_draft();
    let row = state
        .db
        .write(actor.write_context(), move |conn, context| {
            let errors = draft.as_ref().err().cloned().unwrap_or_default();
            let errors = store::check_references(conn, None, parent_id, true, errors)?;
            match draft {
                Ok(draft) if errors.is_empty() => store::insert(conn, context, draft),
                _ => Err(ApiError::Validation(errors)),
            }
        })
        .await?;
    let response = super::created(&state, "agencies", row.id);
    Ok(agency_response(&req, response, row, &actor.caller))
}

/// Update an agency
///
/// A JSON merge patch (`application/merge-patch+json` or `application/json`).
/// Administrators change anything; an agency editor changes only its own agency's head and
/// contact fields (`head_name`, `head_nip`, `head_title`, `address`, `phone`, `email`). With
/// `If-Match`, the change applies only to that version (412 otherwise). A patch that
/// changes nothing keeps the version.
#[utoipa::path(
    tag = "agencies",
    operation_id = "update_agency",
    params(("id" = i64, Path, description = "Agency id", minimum = 1),
           ("If-Match" = Option<String>, Header, description = "The `ETag` the change is based on")),
    request_body(content = AgencyPatch, content_type = "application/merge-patch+json"),
    responses(
        (status = 200, description = "The updated agency", body = Agency,
            headers(("ETag" = String, description = "The agency's new version, quoted"))),
    ),
)]
#[patch("/{id}")]
pub async fn update_agency(
    req: HttpRequest,
    id: web::Path<i64>,
    actor: RequestActor,
    IfMatch(expected): IfMatch,
    state: web::Data<AppState>,
    JsonBody(patch): JsonBody<AgencyPatch>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let action = Action::UpdateAgency {
        agency_id: id,
        contact_only: patch.contact_only(),
    };
    policy::authorize(&actor.caller, action)?;
    let row = state
        .db
        .write(actor.write_context(), move |conn, context| {
            store::update(conn, context, id, &expected, |conn, current| {
                revise(conn, current, &patch)
            })
        })
        .await?;
    Ok(agency_response(
        &req,
        HttpResponse::Ok(),
        row,
        &actor.caller,
    ))
}

/// Archive an agency
///
/// Administrators only. Sets `active` to false; the agency stays readable. Archiving an
/// archived agency changes nothing.
#[utoipa::path(
    tag = "agencies",
    operation_id = "archive_agency",
    params(("id" = i64, Path, description = "Agency id", minimum = 1),
           ("If-Match" = Option<String>, Header, description = "The `ETag` the change is based on")),
    responses(
        (status = 204, description = "Archived"),
    ),
)]
#[delete("/{id}")]
pub async fn archive_agency(
    id: web::Path<i64>,
    actor: RequestActor,
    IfMatch(expected): IfMatch,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    policy::authorize(&actor.caller, Action::ArchiveAgency { agency_id: id })?;
    state
        .db
        .write(actor.write_context(), move |conn, context| {
            store::archive(conn, context, id, &expected)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
