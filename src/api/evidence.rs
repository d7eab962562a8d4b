//! Evidence documents ("bukti dukung") of an innovation: `POST .../documents` (a
//! `multipart/form-data` upload, streamed into the object store), the list, one document's
//! metadata, `PATCH`, `DELETE` (archives) and an administrator's purge. The file itself
//! is served by [`super::evidence_content`]. The store is written first, then the row and
//! its audit event in one transaction: a crash leaves at most an unreferenced blob.

use super::prelude::*;
use chrono::{DateTime, Utc};

use crate::domain::evidence::{DESCRIPTION_MAX, DocumentKind, TITLE_MAX};
use crate::domain::text::{not_blank, optional_text};
use crate::http::list_query::QueryPairs;
use crate::http::pagination::take_sub_collection_controls;
use crate::store::documents::{
    self as store, DocumentChanges, DocumentFilters, DocumentRow, Owner, Retirement,
};

pub fn configure(config: &mut utoipa_actix_web::service_config::ServiceConfig) {
    config
        .service(super::evidence_upload::upload_innovation_document)
        .service(list_innovation_documents)
        .service(get_innovation_document)
        .service(update_innovation_document)
        .service(archive_innovation_document)
        .service(purge_innovation_document)
        .service(super::evidence_content::innovation_document_content)
        .service(super::evidence_content::innovation_document_thumbnail);
}

/// A piece of evidence: a file in the object store (`content_url`), or a link to a video.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": 12, "innovation_id": 7, "stage_transition_id": null,
    "commitment_id": null, "kind": "decree", "title": "SK Bupati Kebumen tentang ELEGAN",
    "description": null, "public": true, "url": null, "file_name": "SK-Bupati-ELEGAN.pdf",
    "media_type": "application/pdf", "byte_size": 482113,
    "sha256": "9f2c4d1b7a5e3f608c1d2e4b6a8f0c3e5d7b9a1c2e4f6a8b0d1c3e5f7a9b0c2d",
    "content_url": "https://inovik.kebumenkab.go.id/api/v1/innovations/7/documents/12/content",
    "thumbnail_url": null, "archived": false, "purged": false, "version": 1,
    "created_at": "2016-10-12T03:00:00.000000Z", "updated_at": "2016-10-12T03:00:00.000000Z"}))]
pub struct Document {
    #[schema(read_only, minimum = 1)]
    pub id: i64,
    pub innovation_id: i64,
    /// Set for evidence of a stage move.
    pub stage_transition_id: Option<i64>,
    /// Set for proof of a commitment's realization.
    pub commitment_id: Option<i64>,
    pub kind: DocumentKind,
    #[schema(max_length = 200)]
    pub title: String,
    #[schema(max_length = 2000)]
    pub description: Option<String>,
    /// Whether the public may read it (once the innovation is launched).
    pub public: bool,
    /// A video's link (kind `video`); null for files.
    #[schema(format = Uri, max_length = 2048)]
    pub url: Option<String>,
    /// The name the file was uploaded with (metadata only).
    #[schema(max_length = 255)]
    pub file_name: Option<String>,
    /// The file's type, judged from its content.
    #[schema(max_length = 100)]
    pub media_type: Option<String>,
    #[schema(minimum = 1)]
    pub byte_size: Option<i64>,
    /// SHA-256 of the stored file, hex; also the `ETag` of its content.
    #[schema(max_length = 64, pattern = "^[0-9a-f]{64}$")]
    pub sha256: Option<String>,
    /// Where the file is downloaded; null for a link or a purged file.
    #[schema(format = Uri, max_length = 512)]
    pub content_url: Option<String>,
    /// A small JPEG of a photo, for listings.
    #[schema(format = Uri, max_length = 512)]
    pub thumbnail_url: Option<String>,
    /// Archived (`DELETE`): still readable here, left out of lists.
    pub archived: bool,
    /// Its file was removed for good by an administrator.
    pub purged: bool,
    #[schema(read_only, minimum = 1)]
    pub version: i64,
    #[serde(serialize_with = "super::rfc3339")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "super::rfc3339")]
    pub updated_at: DateTime<Utc>,
}

impl Document {
    /// The document as answered, its file's addresses under `base` (the document's own
    /// address, e.g. `https://host/api/v1/innovations/7/documents/12`).
    fn new(row: DocumentRow, base: &str) -> Self {
        let has_file = row.sha256.is_some();
        Self {
            id: row.id,
            innovation_id: row.innovation_id,
            stage_transition_id: row.stage_transition_id,
            commitment_id: row.commitment_id,
            kind: DocumentKind::parse(&row.kind).unwrap_or(DocumentKind::Other),
            title: row.title,
            description: row.description,
            public: row.public,
            url: row.url,
            file_name: row.file_name,
            media_type: row.media_type,
            byte_size: row.byte_size,
            sha256: row.sha256,
            content_url: has_file.then(|| format!("{base}/content")),
            thumbnail_url: row
                .thumbnail_sha256
                .as_ref()
                .map(|_| format!("{base}/thumbnail")),
            archived: row.archived_at.is_some(),
            purged: row.purged_at.is_some(),
            version: row.version,
            created_at: row.created_at.and_utc(),
            updated_at: row.updated_at.and_utc(),
        }
    }
}

/// The path of one document of an innovation: `/{id}/documents/{document_id}`.
#[derive(Debug, Deserialize)]
pub struct InnovationDocument {
    id: i64,
    document_id: i64,
}

impl InnovationDocument {
    /// The document's owner and its id.
    pub(super) fn parts(&self) -> (Owner, i64) {
        (Owner::Innovation(self.id), self.document_id)
    }
}

/// The address of `owner`'s documents under `/api/v1`.
pub(super) fn collection(owner: Owner) -> String {
    match owner {
        Owner::Innovation(id) => format!("innovations/{id}/documents"),
        Owner::StageTransition { innovation_id, id } => {
            format!("innovations/{innovation_id}/stage-transitions/{id}/documents")
        }
        Owner::Realization { commitment_id, .. } => {
            format!("commitments/{commitment_id}/realization/documents")
        }
    }
}

pub(super) fn document_base(state: &AppState, owner: Owner, id: i64) -> String {
    format!(
        "{}/api/v1/{}/{id}",
        state.config.public_url,
        collection(owner)
    )
}

/// A document answered with its `ETag`.
pub(super) fn answer(
    req: &HttpRequest,
    state: &AppState,
    response: actix_web::HttpResponseBuilder,
    owner: Owner,
    row: DocumentRow,
) -> HttpResponse {
    let base = document_base(state, owner, row.id);
    json_with_etag(req, response, row.version, &Document::new(row, &base))
}

/// Checks that `caller` may see `owner` and answers the agency its documents belong to.
pub(super) async fn owner_agency(
    state: &AppState,
    caller: &Caller,
    owner: Owner,
) -> ApiResult<i64> {
    let view = super::innovations::visible(state, caller, owner.innovation_id()).await?;
    Ok(view.row.agency_id)
}

/// Filters of a document list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct DocumentListParams {
    /// Comma-separated kinds.
    #[param(value_type = Option<Vec<DocumentKind>>, max_items = 7, explode = false, style = Form)]
    kind: Option<String>,
    public: Option<bool>,
    /// Documents changed since then, archived ones included (for systems that sync).
    #[param(value_type = Option<String>, format = DateTime, max_length = 35)]
    updated_since: Option<String>,
}

async fn list(
    req: HttpRequest,
    actor: RequestActor,
    state: web::Data<AppState>,
    owner: Owner,
) -> ApiResult<HttpResponse> {
    let mut query = QueryPairs::parse(req.query_string())?;
    let filters = DocumentFilters {
        kind: query
            .take_list("kind", DocumentKind::parse, DocumentKind::allowed)
            .map(|kinds| kinds.iter().map(|k| k.as_str().to_owned()).collect()),
        public: query.take_bool("public"),
        updated_since: query.take_datetime("updated_since"),
    };
    let controls = take_sub_collection_controls(&mut query);
    query.finish()?;
    owner_agency(&state, &actor.caller, owner).await?;
    let public_only = !policy::may_read_document(&actor.caller, false);
    let paging = controls.clone();
    let (rows, total) = state
        .db
        .read(move |conn| store::list(conn, owner, &filters, public_only, &paging))
        .await?;
    let page = Page::by_id(rows, total, &controls, |row| row.id).map(|row| {
        let base = document_base(&state, owner, row.id);
        Document::new(row, &base)
    });
    super::list_response(&req, &state, &page)
}

/// List an innovation's documents
///
/// Oldest first. Archived documents are left out unless `updated_since` is given. The
/// public sees the `public` documents of launched innovations.
#[utoipa::path(
    tag = "documents",
    operation_id = "list_innovation_documents",
    params(("id" = i64, Path, description = "Innovation id", minimum = 1),
           DocumentListParams, crate::http::pagination::PageParams),
    responses(
        (status = 422, response = super::problems::ValidationFailed),
        (status = 200, description = "A page of the innovation's documents", body = Page<Document>,
            headers(("Link" = String, description = "RFC 8288 links to other pages"))),
        (status = 304, description = "Unchanged since the page's `If-None-Match` tag"),
    ),
    security((), ("bearer_auth" = []))
)]
#[get("/{id}/documents")]
pub async fn list_innovation_documents(
    req: HttpRequest,
    id: web::Path<i64>,
    actor: RequestActor,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    list(req, actor, state, Owner::Innovation(id.into_inner())).await
}

/// Document `id` of `owner` as `caller` may see it: 404 for a document it may not read.
pub(super) async fn readable(
    state: &AppState,
    caller: &Caller,
    owner: Owner,
    id: i64,
) -> ApiResult<DocumentRow> {
    owner_agency(state, caller, owner).await?;
    let row = state
        .db
        .read(move |conn| store::find(conn, owner, id))
        .await?;
    if !policy::may_read_document(caller, row.public) {
        return Err(ApiError::NotFound);
    }
    Ok(row)
}

/// Get a document's metadata
#[utoipa::path(
    tag = "documents",
    operation_id = "get_innovation_document",
    params(("id" = i64, Path, description = "Innovation id", minimum = 1),
           ("document_id" = i64, Path, description = "Document id", minimum = 1)),
    responses(
        (status = 200, description = "The document", body = Document,
            headers(("ETag" = String, description = "Its version, quoted"))),
        (status = 304, description = "Unchanged since the `If-None-Match` tag"),
    ),
    security((), ("bearer_auth" = []))
)]
#[get("/{id}/documents/{document_id}")]
pub async fn get_innovation_document(
    req: HttpRequest,
    path: web::Path<InnovationDocument>,
    actor: RequestActor,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let (owner, document_id) = path.parts();
    let row = readable(&state, &actor.caller, owner, document_id).await?;
    Ok(answer(&req, &state, HttpResponse::Ok(), owner, row))
}

/// What a `PATCH` of a document may change.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"title": "SK Bupati Kebumen Nomor 065/123/2016", "public": true}))]
pub struct DocumentPatch {
    #[validate(length(min = 1, max = TITLE_MAX), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 200)]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[validate(length(max = DESCRIPTION_MAX))]
    #[schema(max_length = 2000)]
    pub description: Option<Option<String>>,
    pub public: Option<bool>,
}

/// Change a document's metadata
///
/// Its title, description and whether the public may read it; the file never changes
/// (upload a new document instead). A JSON merge patch; `If-Match` honoured. An archived
/// document is a 409.
#[utoipa::path(
    tag = "documents",
    operation_id = "update_innovation_document",
    params(("id" = i64, Path, description = "Innovation id", minimum = 1),
           ("document_id" = i64, Path, description = "Document id", minimum = 1),
           ("If-Match" = Option<String>, Header, description = "The `ETag` the change is based on")),
    request_body(content = DocumentPatch, content_type = "application/merge-patch+json"),
    responses(
        (status = 200, description = "The changed document", body = Document),
        (status = 409, response = super::problems::Conflict),
    ),
)]
#[patch("/{id}/documents/{document_id}")]
pub async fn update_innovation_document(
    req: HttpRequest,
    path: web::Path<InnovationDocument>,
    actor: RequestActor,
    IfMatch(expected): IfMatch,
    state: web::Data<AppState>,
    JsonBody(patch): JsonBody<DocumentPatch>,
) -> ApiResult<HttpResponse> {
    let (owner, document_id) = path.parts();
    policy::require_account(&actor.caller)?;
    patch.validate()?;
    let agency_id = owner_agency(&state, &actor.caller, owner).await?;
    policy::authorize(&actor.caller, Action::ManageDocuments { agency_id })?;
    let row = state
        .db
        .write(actor.write_context(), move |conn, context| {
            store::update(conn, context, owner, document_id, &expected, |current| {
                let changes = DocumentChanges {
                    title: patch.title.clone().unwrap_or_else(|| current.title.clone()),
                    description: match &patch.description {
                        Some(description) => optional_text(description.clone()),
                        None => current.description.clone(),
                    },
                    public: patch.public.unwrap_or(current.public),
                };
                let unchanged = changes.title == current.title
                    && changes.description == current.description
                    && changes.public == current.public;
                Ok((!unchanged).then_some(changes))
            })
        })
        .await?;
    Ok(answer(&req, &state, HttpResponse::Ok(), owner, row))
}

/// Archive a document
///
/// It stays readable with `archived: true` (and its file downloadable); lists leave it out
/// unless `updated_since` is given. Archiving an archived document changes nothing.
#[utoipa::path(
    tag = "documents",
    operation_id = "archive_innovation_document",
    params(("id" = i64, Path, description = "Innovation id", minimum = 1),
           ("document_id" = i64, Path, description = "Document id", minimum = 1),
           ("If-Match" = Option<String>, Header, description = "The `ETag` the change is based on")),
    responses(
        (status = 204, description = "Archived"),
    ),
)]
#[delete("/{id}/documents/{document_id}")]
pub async fn archive_innovation_document(
    path: web::Path<InnovationDocument>,
    actor: RequestActor,
    IfMatch(expected): IfMatch,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let (owner, document_id) = path.parts();
    policy::require_account(&actor.caller)?;
    let agency_id = owner_agency(&state, &actor.caller, owner).await?;
    policy::authorize(&actor.caller, Action::ManageDocuments { agency_id })?;
    state
        .db
        .write(actor.write_context(), move |conn, context| {
            store::retire(
                conn,
                context,
                owner,
                document_id,
                &expected,
                Retirement::Archive,
            )
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Purge a document's file
///
/// Administrators only: removes the file itself for good (a photo of a citizen who asked,
/// a document uploaded by mistake). The metadata and the audit trail stay; the document is
/// archived and its content answers 410. A file another document also holds stays for
/// that one.
#[utoipa::path(
    tag = "documents",
    operation_id = "purge_innovation_document",
    params(("id" = i64, Path, description = "Innovation id", minimum = 1),
           ("document_id" = i64, Path, description = "Document id", minimum = 1),
           ("If-Match" = Option<String>, Header, description = "The `ETag` the purge is based on")),
    responses(
        (status = 200, description = "Purged; the document as it is now", body = Document),
    ),
)]
#[post("/{id}/documents/{document_id}/purge")]
pub async fn purge_innovation_document(
    IfMatch(expected): IfMatch,
    path: web::Path<InnovationDocument>,
    req: HttpRequest,
    state: web::Data<AppState>,
    actor: RequestActor,
) -> ApiResult<HttpResponse> {
    let (owner, document_id) = path.parts();
    policy::authorize(&actor.caller, Action::PurgeDocument)?;
    owner_agency(&state, &actor.caller, owner).await?;
    let (row, unreferenced) = state
        .db
        .write(actor.write_context(), move |conn, context| {
            store::retire(
                conn,
                context,
                owner,
                document_id,
                &expected,
                Retirement::Purge,
            )
        })
        .await?;
    for blob in unreferenced {
        // The row no longer names it; a blob the store keeps by mistake is `gc`'s.
        if let Err(error) = state.storage.delete(&blob).await {
            log::error!("purged document {document_id}: its blob {blob} stays: {error}");
        }
    }
    Ok(answer(&req, &state, HttpResponse::Ok(), owner, row))
}

/// `"<sha256>"`: a file's strong entity tag.
pub(super) fn file_etag(sha256: &str) -> String {
    format!("\"{sha256}\"")
}
