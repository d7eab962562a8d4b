//! A document's file, streamed from the object store: `GET .../content` (with `Range`, an
//! `ETag` that is the file's SHA-256, and `Content-Disposition: attachment`) and
//! `GET .../thumbnail` (a photo's small JPEG).

use super::prelude::*;
use actix_web::body::SizedStream;
use actix_web::http::header;
use futures_util::TryStreamExt;

use super::evidence::{InnovationDocument, file_etag, readable};
use crate::domain::evidence::FileType;
use crate::http::conditional::none_match;
use crate::http::download::{Wanted, attachment, wanted};
use crate::store::documents::{DocumentRow, Owner};

/// Which file of a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Which {
    Content,
    Thumbnail,
}

async fn serve(
    req: HttpRequest,
    actor: RequestActor,
    state: web::Data<AppState>,
    (owner, id): (Owner, i64),
    which: Which,
) -> ApiResult<HttpResponse> {
    // A 304 only for a caller who may still read the document: it is looked up first.
    let row = readable(&state, &actor.caller, owner, id).await?;
    if row.purged_at.is_some() {
        return Err(ApiError::Gone {
            detail: "the document's file was removed for good; its metadata remains".into(),
        });
    }
    let sha256 = match which {
        Which::Content => row.sha256.clone(),
        Which::Thumbnail => row.thumbnail_sha256.clone(),
    }
    .ok_or(ApiError::NotFound)?;
    let etag = file_etag(&sha256);
    let mut response = HttpResponse::Ok();
    response.insert_header((header::ETAG, etag.clone()));
    if crate::http::caller::is_public(&req) {
        // Shared caches may keep a public file, revalidating it before each use: a file
        // made private, archived away or purged is then never served from a cache.
        response.insert_header((header::CACHE_CONTROL, "public, no-cache"));
    }
    if none_match(req.headers(), &etag) {
        return Ok(response
            .status(actix_web::http::StatusCode::NOT_MODIFIED)
            .finish());
    }
    let (media_type, file_name) = describe(&row, which);
    response.insert_header((header::CONTENT_TYPE, media_type));
    response.insert_header((header::CONTENT_DISPOSITION, attachment(&file_name)));
    let part = match (which, row.byte_size) {
        (Which::Content, Some(size)) => {
            response.insert_header((header::ACCEPT_RANGES, "bytes"));
            let size = u64::try_from(size).unwrap_or(0);
            match wanted(req.headers(), size, &etag) {
                Wanted::Whole => None,
                Wanted::Part(range) => Some(range),
                Wanted::Unsatisfiable => return Err(ApiError::RangeNotSatisfiable { size }),
            }
        }
        _ => None,
    };
    let blob = state.storage.read(&sha256, part.clone()).await?;
    if part.is_some() {
        response.status(actix_web::http::StatusCode::PARTIAL_CONTENT);
        response.insert_header((
            header::CONTENT_RANGE,
            format!(
                "bytes {}-{}/{}",
                blob.range.start,
                blob.range.end.saturating_sub(1),
                blob.size
            ),
        ));
    }
    let length = blob.range.end - blob.range.start;
    let stream = blob.stream.map_err(|error| {
        log::error!("reading a stored file failed mid-stream: {error}");
        std::io::Error::other(error.to_string())
    });
    Ok(response.body(SizedStream::new(length, stream)))
}

/// The media type and download name of a document's file.
fn describe(row: &DocumentRow, which: Which) -> (String, String) {
    let file_type = row
        .media_type
        .as_deref()
        .and_then(FileType::from_media_type);
    match which {
        Which::Thumbnail => (
            "image/jpeg".to_owned(),
            format!("document-{}-thumbnail.jpg", row.id),
        ),
        Which::Content => (
            row.media_type
                .clone()
                .unwrap_or_else(|| "application/octet-stream".to_owned()),
            row.file_name.clone().unwrap_or_else(|| {
                format!(
                    "document-{}.{}",
                    row.id,
                    file_type.map_or("bin", FileType::extension)
                )
            }),
        ),
    }
}

/// Download a document's file
///
/// The file as stored (a photo without its metadata), as an attachment named as it was
/// uploaded. `ETag` is the file's SHA-256; `Range` (one range of bytes) answers 206, and
/// `If-Range` is honoured. Public files carry `Cache-Control: public, no-cache`: shared
/// caches keep them and revalidate, and a 304 is answered only to a caller who may still
/// read the document. A purged file is 410; a link (video) has no content (404).
#[utoipa::path(
    tag = "documents",
    operation_id = "download_innovation_document",
    params(("id" = i64, Path, description = "Innovation id", minimum = 1),
           ("document_id" = i64, Path, description = "Document id", minimum = 1),
           ("Range" = Option<String>, Header, description = "One range of bytes, e.g. `bytes=0-1023`", max_length = 100),
           ("If-Range" = Option<String>, Header, description = "The `ETag` the range is wanted of", max_length = 100)),
    responses(
        (status = 200, description = "The file", content_type = "application/octet-stream", body = Vec<u8>,
            headers(("ETag" = String, description = "The file's SHA-256, quoted"),
                    ("Content-Disposition" = String, description = "attachment, with the file's name"),
                    ("Accept-Ranges" = String, description = "bytes"))),
        (status = 206, description = "The asked range of the file", content_type = "application/octet-stream", body = Vec<u8>,
            headers(("Content-Range" = String, description = "bytes first-last/size"))),
        (status = 304, description = "Unchanged since the `If-None-Match` tag"),
        (status = 410, response = super::problems::Gone),
        (status = 416, response = super::problems::RangeNotSatisfiable),
    ),
    security((), ("bearer_auth" = []))
)]
#[get("/{id}/documents/{document_id}/content")]
pub async fn innovation_document_content(
    req: HttpRequest,
    path: web::Path<InnovationDocument>,
    actor: RequestActor,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let (owner, document_id) = path.parts();
    serve(req, actor, state, (owner, document_id), Which::Content).await
}

/// Download a photo's thumbnail
///
/// A JPEG at most 480 pixels on its longest side, for listings; 404 for a document that
/// is not a picture.
#[utoipa::path(
    tag = "documents",
    operation_id = "innovation_document_thumbnail",
    params(("id" = i64, Path, description = "Innovation id", minimum = 1),
           ("document_id" = i64, Path, description = "Document id", minimum = 1)),
    responses(
        (status = 200, description = "The thumbnail", content_type = "image/jpeg", body = Vec<u8>,
            headers(("ETag" = String, description = "The thumbnail's SHA-256, quoted"))),
        (status = 304, description = "Unchanged since the `If-None-Match` tag"),
        (status = 410, response = super::problems::Gone),
    ),
    security((), ("bearer_auth" = []))
)]
#[get("/{id}/documents/{document_id}/thumbnail")]
pub async fn innovation_document_thumbnail(
    path: web::Path<InnovationDocument>,
    state: web::Data<AppState>,
    actor: RequestActor,
    req: HttpRequest,
) -> ApiResult<HttpResponse> {
    let (owner, document_id) = path.parts();
    serve(req, actor, state, (owner, document_id), Which::Thumbnail).await
}
