//! A document's file, streamed from the object store: `GET .../content` (with `Range`, an
//! `ETag` that is the file's SHA-256, and `Content-Disposition: attachment`) and
//! `GET .../thumbnail` (a photo's small JPEG).

use super::prelude::*;
use actix_web::body::SizedStream;
use actix_web::http::header;
use futures_util::TryStreamExt;

use super::evidence::{file_etag, readable};
use crate::domain::evidence::FileType;
use crate::http::conditional::none_match;
use crate::http::download::{Wanted, attachment, wanted};
use crate::store::documents::{DocumentRow, Owner};

/// Which file of a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Which {
    Content,
    Thumbnail,
}

/// A document's file (or its thumbnail), streamed.
pub(super) async fn serve(
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
