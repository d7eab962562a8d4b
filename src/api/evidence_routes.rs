//! The routes of evidence documents: the same eight for each owner, an innovation
//! (`/api/v1/innovations/{id}/documents`), one of its stage moves
//! (`.../stage-transitions/{transition_id}/documents`) and a commitment's realization
//! (`/api/v1/performance-agreements/{id}/commitments/{cid}/realization/documents`). One
//! macro writes them, so they behave and are documented alike; the work is
//! [`super::evidence`]'s.

use super::evidence::{self as ops, Document, DocumentListParams, DocumentPatch};
use super::evidence_content::{Which, serve};
use super::evidence_upload::{DocumentUpload, upload};
use super::prelude::*;
use crate::store::documents::Owner;

const UPLOAD: &str = "Evidence (\"bukti dukung\"): a decree, profile, budget, photos, a \
    report, or a link to a video. Administrators, or the agency editor of the owner's agency. \
    A `multipart/form-data` form with a `file` part (or, for a `video`, a `url` part) and the \
    text parts `kind`, `title`, `description` and `public`. The file is streamed into the \
    object store, never held whole; its type is judged from its content (HTML, SVG and \
    executables are 415 whatever their name), a photo loses its metadata (EXIF, GPS) and \
    gains a thumbnail, and the same content twice is stored once. Past the upload limit: \
    413, nothing kept. With an `Idempotency-Key`, a retry of the same form (compared by the \
    file's SHA-256) gets the first answer.";
const LIST: &str = "Oldest first. Archived documents are left out unless `updated_since` is \
    given. The public sees the `public` documents of what it may see (launched innovations, \
    signed agreements).";
const UPDATE: &str = "Its title, description and whether the public may read it; the file \
    never changes (upload a new document instead). A JSON merge patch; `If-Match` honoured. \
    An archived document is a 409.";
const ARCHIVE: &str = "It stays readable with `archived: true` (and its file downloadable); \
    lists leave it out unless `updated_since` is given. Archiving an archived document \
    changes nothing.";
const PURGE: &str = "Administrators only: removes the file itself for good (a photo of a \
    citizen who asked, a document uploaded by mistake). The metadata and the audit trail \
    stay; the document is archived and its content answers 410. A file another document \
    also holds stays for that one. If the file store cannot delete the file, nothing is \
    purged: 503 with `Retry-After`, and the purge can be sent again.";
const DOWNLOAD: &str = "The file as stored (a photo without its metadata), as an attachment \
    named as it was uploaded, with the media type its content was judged to be. `ETag` is the \
    file's SHA-256; `Range` (one range of bytes) answers 206, and `If-Range` is honoured. \
    Public files carry `Cache-Control: public, no-cache`: shared caches keep them and \
    revalidate, and a 304 is answered only to a caller who may still read the document. A \
    purged file is 410; a link (video) has no content (404).";
const THUMBNAIL: &str = "A JPEG at most 480 pixels on its longest side, for listings; 404 for \
    a document that is not a picture.";

/// A route's path parameters: the owner, and for one document's routes the document.
pub(super) trait DocumentPath {
    fn owner(&self) -> Owner;
    fn document_id(&self) -> i64;

    fn one(&self) -> (Owner, i64) {
        (self.owner(), self.document_id())
    }
}

/// `/api/v1/innovations/{id}/documents[/{document_id}]`.
#[derive(Debug, Deserialize)]
pub struct InnovationPath {
    id: i64,
    document_id: Option<i64>,
}

/// `/api/v1/innovations/{id}/stage-transitions/{transition_id}/documents[/{document_id}]`.
#[derive(Debug, Deserialize)]
pub struct TransitionPath {
    id: i64,
    transition_id: i64,
    document_id: Option<i64>,
}

/// `/api/v1/performance-agreements/{id}/commitments/{cid}/realization/documents[/...]`.
#[derive(Debug, Deserialize)]
pub struct RealizationPath {
    id: i64,
    cid: i64,
    document_id: Option<i64>,
}

impl DocumentPath for InnovationPath {
    fn owner(&self) -> Owner {
        Owner::Innovation(self.id)
    }
    fn document_id(&self) -> i64 {
        self.document_id.unwrap_or(0)
    }
}

impl DocumentPath for TransitionPath {
    fn owner(&self) -> Owner {
        Owner::StageTransition {
            innovation_id: self.id,
            id: self.transition_id,
        }
    }
    fn document_id(&self) -> i64 {
        self.document_id.unwrap_or(0)
    }
}

impl DocumentPath for RealizationPath {
    fn owner(&self) -> Owner {
        Owner::Realization {
            agreement_id: self.id,
            commitment_id: self.cid,
        }
    }
    fn document_id(&self) -> i64 {
        self.document_id.unwrap_or(0)
    }
}

/// The eight routes of one owner's documents: `configure` registers them under the
/// owner's scope; `path` reads the owner from the route; `params` documents its path
/// parameters; the literals are the routes; `of` names the owner in summaries.
macro_rules! document_routes {
    (
        $configure:ident, $path:ty, [$($params:tt)*], $of:literal,
        $collection:literal, $one:literal, $content:literal, $thumbnail:literal, $purge:literal,
        [$upload:ident, $list:ident, $get:ident, $update:ident, $archive:ident,
         $purge_fn:ident, $download:ident, $thumb:ident] $(,)?
    ) => {
        pub fn $configure(config: &mut utoipa_actix_web::service_config::ServiceConfig) {
            config
                .service($upload)
                .service($list)
                .service($get)
                .service($update)
                .service($archive)
                .service($purge_fn)
                .service($download)
                .service($thumb);
        }

        #[utoipa::path(tag = "documents", operation_id = stringify!($upload),
            summary = concat!("Upload a document to ", $of), description = UPLOAD,
            params($($params)*),
            request_body(content = DocumentUpload, content_type = "multipart/form-data",
                example = json!({"kind": "decree", "title": "SK Bupati Kebumen tentang ELEGAN",
                    "public": "true", "file": "(the bytes of SK-Bupati-ELEGAN.pdf)"})),
            responses(
                (status = 201, description = "Stored", body = Document,
                    headers(("Location" = String, description = "The new document"),
                            ("ETag" = String, description = "Its version, quoted"))),
                (status = 415, response = super::problems::UnsupportedMediaType)))]
        #[post($collection)]
        pub async fn $upload(
            req: HttpRequest,
            path: web::Path<$path>,
            payload: web::Payload,
            actor: RequestActor,
            state: web::Data<AppState>,
        ) -> ApiResult<HttpResponse> {
            upload(req, payload, actor, state, path.owner()).await
        }

        #[utoipa::path(tag = "documents", operation_id = stringify!($list),
            summary = concat!("List the documents of ", $of), description = LIST,
            params($($params)*, DocumentListParams, crate::http::pagination::PageParams),
            responses(
                (status = 200, description = "A page of documents", body = Page<Document>,
                    headers(("Link" = String, description = "RFC 8288 links to other pages"))),
                (status = 304, description = "Unchanged since the page's `If-None-Match` tag"),
                (status = 422, response = super::problems::ValidationFailed)),
            security((), ("bearer_auth" = [])))]
        #[get($collection)]
        pub async fn $list(
            req: HttpRequest,
            path: web::Path<$path>,
            actor: RequestActor,
            state: web::Data<AppState>,
        ) -> ApiResult<HttpResponse> {
            ops::list(req, actor, state, path.owner()).await
        }

        #[utoipa::path(tag = "documents", operation_id = stringify!($get),
            summary = concat!("Get a document's metadata (", $of, ")"),
            params($($params)*,
                ("document_id" = i64, Path, description = "Document id", minimum = 1)),
            responses(
                (status = 200, description = "The document", body = Document,
                    headers(("ETag" = String, description = "Its version, quoted"))),
                (status = 304, description = "Unchanged since the `If-None-Match` tag")),
            security((), ("bearer_auth" = [])))]
        #[get($one)]
        pub async fn $get(
            req: HttpRequest,
            path: web::Path<$path>,
            actor: RequestActor,
            state: web::Data<AppState>,
        ) -> ApiResult<HttpResponse> {
            ops::get(req, actor, state, path.one()).await
        }

        #[utoipa::path(tag = "documents", operation_id = stringify!($update),
            summary = concat!("Change a document's metadata (", $of, ")"), description = UPDATE,
            params($($params)*,
                ("document_id" = i64, Path, description = "Document id", minimum = 1),
                ("If-Match" = Option<String>, Header, description = "The `ETag` the change is based on")),
            request_body(content = DocumentPatch, content_type = "application/merge-patch+json"),
            responses(
                (status = 200, description = "The changed document", body = Document),
                (status = 409, response = super::problems::Conflict)))]
        #[patch($one)]
        pub async fn $update(
            req: HttpRequest,
            path: web::Path<$path>,
            actor: RequestActor,
            expected: IfMatch,
            state: web::Data<AppState>,
            JsonBody(patch): JsonBody<DocumentPatch>,
        ) -> ApiResult<HttpResponse> {
            ops::update(req, actor, expected, state, patch, path.one()).await
        }

        #[utoipa::path(tag = "documents", operation_id = stringify!($archive),
            summary = concat!("Archive a document (", $of, ")"), description = ARCHIVE,
            params($($params)*,
                ("document_id" = i64, Path, description = "Document id", minimum = 1),
                ("If-Match" = Option<String>, Header, description = "The `ETag` the change is based on")),
            responses((status = 204, description = "Archived")))]
        #[delete($one)]
        pub async fn $archive(
            path: web::Path<$path>,
            actor: RequestActor,
            expected: IfMatch,
            state: web::Data<AppState>,
        ) -> ApiResult<HttpResponse> {
            ops::archive(actor, expected, state, path.one()).await
        }

        #[utoipa::path(tag = "documents", operation_id = stringify!($purge_fn),
            summary = concat!("Purge a document's file (", $of, ")"), description = PURGE,
            params($($params)*,
                ("document_id" = i64, Path, description = "Document id", minimum = 1),
                ("If-Match" = Option<String>, Header, description = "The `ETag` the purge is based on")),
            responses(
                (status = 200, description = "Purged; the document as it is now", body = Document)))]
        #[post($purge)]
        pub async fn $purge_fn(
            req: HttpRequest,
            path: web::Path<$path>,
            actor: RequestActor,
            expected: IfMatch,
            state: web::Data<AppState>,
        ) -> ApiResult<HttpResponse> {
            ops::purge(req, actor, expected, state, path.one()).await
        }

        #[utoipa::path(tag = "documents", operation_id = stringify!($download),
            summary = concat!("Download a document's file (", $of, ")"), description = DOWNLOAD,
            params($($params)*,
                ("document_id" = i64, Path, description = "Document id", minimum = 1),
                ("Range" = Option<String>, Header, description = "One range of bytes, e.g. `bytes=0-1023`"),
                ("If-Range" = Option<String>, Header, description = "The `ETag` the range is wanted of")),
            responses(
                (status = 200, description = "The file", content_type = "application/octet-stream", body = Vec<u8>,
                    headers(("ETag" = String, description = "The file's SHA-256, quoted"),
                            ("Content-Disposition" = String, description = "attachment, with the file's name"),
                            ("Accept-Ranges" = String, description = "bytes"))),
                (status = 206, description = "The asked range of the file", content_type = "application/octet-stream", body = Vec<u8>,
                    headers(("Content-Range" = String, description = "bytes first-last/size"))),
                (status = 304, description = "Unchanged since the `If-None-Match` tag"),
                (status = 410, response = super::problems::Gone),
                (status = 416, response = super::problems::RangeNotSatisfiable)),
            security((), ("bearer_auth" = [])))]
        #[get($content)]
        pub async fn $download(
            req: HttpRequest,
            path: web::Path<$path>,
            actor: RequestActor,
            state: web::Data<AppState>,
        ) -> ApiResult<HttpResponse> {
            serve(req, actor, state, path.one(), Which::Content).await
        }

        #[utoipa::path(tag = "documents", operation_id = stringify!($thumb),
            summary = concat!("Download a photo's thumbnail (", $of, ")"), description = THUMBNAIL,
            params($($params)*,
                ("document_id" = i64, Path, description = "Document id", minimum = 1)),
            responses(
                (status = 200, description = "The thumbnail", content_type = "image/jpeg", body = Vec<u8>,
                    headers(("ETag" = String, description = "The thumbnail's SHA-256, quoted"))),
                (status = 304, description = "Unchanged since the `If-None-Match` tag"),
                (status = 410, response = super::problems::Gone)),
            security((), ("bearer_auth" = [])))]
        #[get($thumbnail)]
        pub async fn $thumb(
            path: web::Path<$path>,
            state: web::Data<AppState>,
            actor: RequestActor,
            req: HttpRequest,
        ) -> ApiResult<HttpResponse> {
            serve(req, actor, state, path.one(), Which::Thumbnail).await
        }
    };
}

document_routes!(
    innovation_routes,
    InnovationPath,
    [("id" = i64, Path, description = "Innovation id", minimum = 1)],
    "an innovation",
    "/{id}/documents",
    "/{id}/documents/{document_id}",
    "/{id}/documents/{document_id}/content",
    "/{id}/documents/{document_id}/thumbnail",
    "/{id}/documents/{document_id}/purge",
    [
        upload_innovation_document,
        list_innovation_documents,
        get_innovation_document,
        update_innovation_document,
        archive_innovation_document,
        purge_innovation_document,
        download_innovation_document,
        innovation_document_thumbnail
    ],
);

document_routes!(
    transition_routes,
    TransitionPath,
    [
        ("id" = i64, Path, description = "Innovation id", minimum = 1),
        (
            "transition_id" = i64,
            Path,
            description = "Stage transition id",
            minimum = 1
        )
    ],
    "a stage move",
    "/{id}/stage-transitions/{transition_id}/documents",
    "/{id}/stage-transitions/{transition_id}/documents/{document_id}",
    "/{id}/stage-transitions/{transition_id}/documents/{document_id}/content",
    "/{id}/stage-transitions/{transition_id}/documents/{document_id}/thumbnail",
    "/{id}/stage-transitions/{transition_id}/documents/{document_id}/purge",
    [
        upload_transition_document,
        list_transition_documents,
        get_transition_document,
        update_transition_document,
        archive_transition_document,
        purge_transition_document,
        download_transition_document,
        transition_document_thumbnail
    ],
);

document_routes!(
    realization_routes,
    RealizationPath,
    [
        ("id" = i64, Path, description = "Agreement id", minimum = 1),
        (
            "cid" = i64,
            Path,
            description = "Commitment id",
            minimum = 1
        )
    ],
    "a commitment's realization",
    "/{id}/commitments/{cid}/realization/documents",
    "/{id}/commitments/{cid}/realization/documents/{document_id}",
    "/{id}/commitments/{cid}/realization/documents/{document_id}/content",
    "/{id}/commitments/{cid}/realization/documents/{document_id}/thumbnail",
    "/{id}/commitments/{cid}/realization/documents/{document_id}/purge",
    [
        upload_realization_document,
        list_realization_documents,
        get_realization_document,
        update_realization_document,
        archive_realization_document,
        purge_realization_document,
        download_realization_document,
        realization_document_thumbnail
    ],
);
