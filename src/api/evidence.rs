//! Evidence documents ("bukti dukung"): the operations on the documents of an owner (an
//! innovation, a stage move, a commitment's realization), whatever the route that names
//! the owner ([`super::evidence_routes`] declares the routes of each). The upload is
//! [`super::evidence_upload`]'s and the file itself [`super::evidence_content`]'s.

use super::prelude::*;
use chrono::{DateTime, Utc};

use crate::domain::agreement::AgreementAction;
use crate::domain::evidence::{DESCRIPTION_MAX, DocumentKind, TITLE_MAX};
use crate::domain::text::{not_blank, optional_text};
use crate::http::list_query::QueryPairs;
use crate::http::pagination::take_sub_collection_controls;
use crate::store::documents::{
    self as store, DocumentChanges, DocumentFilters, DocumentRow, Owner, Retirement,
};

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

/// The address of `owner`'s documents under `/api/v1`.
pub(super) fn collection(owner: Owner) -> String {
    match owner {
        Owner::Innovation(id) => format!("innovations/{id}/documents"),
        Owner::StageTransition { innovation_id, id } => {
            format!("innovations/{innovation_id}/stage-transitions/{id}/documents")
        }
        Owner::Realization {
            agreement_id,
            commitment_id,
        } => format!(
            "performance-agreements/{agreement_id}/commitments/{commitment_id}/realization/documents"
        ),
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

/// What a caller may do with the documents of an owner it may see.
pub(super) struct Access {
    /// The innovation a new document of this owner is evidence for.
    pub innovation_id: i64,
    /// What writing this owner's documents takes (the policy decides who may).
    pub manage: Action,
    /// Why nothing may be added now: a realization of an agreement that is not signed.
    pub closed: Option<ApiError>,
}

/// 404 unless `caller` may see `owner` (an innovation it may see, a stage move of it, a
/// commitment of an agreement it may see); then what it may do with its documents.
pub(super) async fn access(state: &AppState, caller: &Caller, owner: Owner) -> ApiResult<Access> {
    match owner {
        Owner::Innovation(innovation_id) | Owner::StageTransition { innovation_id, .. } => {
            let view = super::innovations::visible(state, caller, innovation_id).await?;
            if let Owner::StageTransition { id, .. } = owner {
                state
                    .db
                    .read(move |conn| store::stage_transition_of(conn, innovation_id, id))
                    .await?;
            }
            Ok(Access {
                innovation_id,
                manage: Action::ManageDocuments {
                    agency_id: view.row.agency_id,
                },
                closed: None,
            })
        }
        Owner::Realization {
            agreement_id,
            commitment_id,
        } => {
            let (agreement, _) = super::agreements::visible(state, caller, agreement_id).await?;
            let commitment = state
                .db
                .read(move |conn| {
                    crate::store::agreements::find_commitment(conn, agreement_id, commitment_id)
                })
                .await?;
            Ok(Access {
                innovation_id: commitment.innovation_id,
                manage: Action::RecordRealization {
                    agency_id: agreement.agency_id,
                },
                closed: crate::store::agreements::check(
                    &agreement,
                    AgreementAction::RecordRealization,
                )
                .err(),
            })
        }
    }
}

/// 401/403 unless `caller` may change `owner`'s documents; answers its access.
pub(super) async fn may_manage(
    state: &AppState,
    caller: &Caller,
    owner: Owner,
) -> ApiResult<Access> {
    policy::require_account(caller)?;
    let access = access(state, caller, owner).await?;
    policy::authorize(caller, access.manage)?;
    Ok(access)
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

/// A page of `owner`'s documents as `caller` may see them.
pub(super) async fn list(
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
    access(&state, &actor.caller, owner).await?;
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

/// Document `id` of `owner` as `caller` may see it: 404 for a document it may not read.
pub(super) async fn readable(
    state: &AppState,
    caller: &Caller,
    owner: Owner,
    id: i64,
) -> ApiResult<DocumentRow> {
    access(state, caller, owner).await?;
    let row = state
        .db
        .read(move |conn| store::find(conn, owner, id))
        .await?;
    if !policy::may_read_document(caller, row.public) {
        return Err(ApiError::NotFound);
    }
    Ok(row)
}

/// One document's metadata.
pub(super) async fn get(
    req: HttpRequest,
    actor: RequestActor,
    state: web::Data<AppState>,
    (owner, id): (Owner, i64),
) -> ApiResult<HttpResponse> {
    let row = readable(&state, &actor.caller, owner, id).await?;
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

/// Changes a document's metadata (a merge patch; `If-Match` honoured).
pub(super) async fn update(
    req: HttpRequest,
    actor: RequestActor,
    IfMatch(expected): IfMatch,
    state: web::Data<AppState>,
    patch: DocumentPatch,
    (owner, document_id): (Owner, i64),
) -> ApiResult<HttpResponse> {
    patch.validate()?;
    may_manage(&state, &actor.caller, owner).await?;
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

/// Archives or purges document `id` of `owner` in one audited write. A purge deletes the
/// blobs no document holds any longer inside that write, under the blob-references lock:
/// if the store fails, nothing is purged (503) and the administrator retries.
async fn retire(
    actor: &RequestActor,
    expected: crate::domain::version::ExpectedVersion,
    state: &AppState,
    (owner, id): (Owner, i64),
    how: Retirement,
) -> ApiResult<DocumentRow> {
    let storage = state.storage.clone();
    state
        .db
        .write(actor.write_context(), move |conn, context| {
            if how == Retirement::Purge {
                store::lock_blob_references(conn)?;
            }
            let (row, unreferenced) = store::retire(conn, context, owner, id, &expected, how)?;
            for blob in unreferenced {
                storage.delete_blocking(&blob)?;
            }
            Ok(row)
        })
        .await
}

/// Archives a document (`DELETE`).
pub(super) async fn archive(
    actor: RequestActor,
    IfMatch(expected): IfMatch,
    state: web::Data<AppState>,
    (owner, document_id): (Owner, i64),
) -> ApiResult<HttpResponse> {
    may_manage(&state, &actor.caller, owner).await?;
    let one = (owner, document_id);
    retire(&actor, expected, &state, one, Retirement::Archive).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Purges a document's file (administrators).
pub(super) async fn purge(
    req: HttpRequest,
    actor: RequestActor,
    IfMatch(expected): IfMatch,
    state: web::Data<AppState>,
    (owner, document_id): (Owner, i64),
) -> ApiResult<HttpResponse> {
    policy::authorize(&actor.caller, Action::PurgeDocument)?;
    access(&state, &actor.caller, owner).await?;
    let one = (owner, document_id);
    let row = retire(&actor, expected, &state, one, Retirement::Purge).await?;
    Ok(answer(&req, &state, HttpResponse::Ok(), owner, row))
}

/// `"<sha256>"`: a file's strong entity tag.
pub(super) fn file_etag(sha256: &str) -> String {
    format!("\"{sha256}\"")
}
