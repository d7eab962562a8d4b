//! Uploading a document: the `multipart/form-data` form read into the object store
//! ([`super::uploads`]), checked, a photo cleaned, then the row and its audit event
//! written. The store is written first: a crash leaves at most an unreferenced blob.

use super::prelude::*;
use actix_web::http::header;

use super::evidence::{answer, document_base, may_manage};
use super::idempotency::{UploadKey, present_upload};
use super::uploads::{ReceivedFile, ReceivedForm, receive};
use crate::domain::evidence::{self, DESCRIPTION_MAX, DocumentKind, FileType, TITLE_MAX};
use crate::domain::innovation::URL_MAX;
use crate::domain::text::{not_blank, optional_text};
use crate::storage::photos;
use crate::store::documents::{self as store, NewDocument, Owner, StoredFile};

/// The text parts an upload form takes besides `file`.
const TEXT_PARTS: &[&str] = &["kind", "title", "description", "public", "url"];

/// An upload form (`multipart/form-data`).
#[derive(Debug, Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct DocumentUpload {
    /// The file (not for a `video`): PDF, JPEG, PNG, WebP, or an Office Open XML or
    /// OpenDocument text, spreadsheet or presentation, judged by its content; at most
    /// `INOVIK_UPLOAD_LIMIT` bytes (20 MiB by default).
    #[schema(value_type = Option<String>, format = Binary)]
    file: Option<Vec<u8>>,
    kind: DocumentKind,
    #[schema(min_length = 1, max_length = 200)]
    title: String,
    // A form's part is text or absent, never null.
    #[schema(nullable = false, max_length = 2000)]
    description: Option<String>,
    /// `true` lets the public read it once the innovation is launched; `false` by default.
    /// A form's part is text: `true` or `false`.
    #[schema(value_type = Option<String>, nullable = false, pattern = "^(true|false)$", max_length = 5, example = "true")]
    public: Option<String>,
    /// For a `video` only, instead of a file: an http(s) link to the video.
    #[schema(nullable = false, format = Uri, max_length = 2048, pattern = r"^[hH][tT][tT][pP][sS]?://[^/\s]\S*$",
        example = "https://www.youtube.com/watch?v=inovasi-kebumen")]
    url: Option<String>,
}

/// The text parts of an upload, validated like a JSON body.
#[derive(Debug, Validate)]
struct UploadFields {
    #[validate(required, custom(function = "DocumentKind::validate"))]
    kind: Option<String>,
    #[validate(required, length(min = 1, max = TITLE_MAX), custom(function = "not_blank"))]
    title: Option<String>,
    #[validate(length(max = DESCRIPTION_MAX))]
    description: Option<String>,
    #[validate(length(max = URL_MAX), custom(function = "crate::domain::text::validate_http_url"))]
    url: Option<String>,
}

/// The row a valid form makes (its file still in staging), or every bad field (422); a
/// file of a type not accepted is 415.
fn new_document(
    form: &ReceivedForm,
    owner: Owner,
    innovation_id: i64,
) -> ApiResult<(NewDocument, Option<FileType>)> {
    let text = |name: &str| form.text.get(name).cloned();
    let fields = UploadFields {
        kind: text("kind"),
        title: text("title"),
        description: optional_text(text("description")),
        url: optional_text(text("url")),
    };
    let mut errors = match fields.validate() {
        Ok(()) => Vec::new(),
        Err(invalid) => crate::error::field_errors_from_validator(&invalid),
    };
    // A form leaves a field it does not fill empty (Swagger UI sends every field).
    let public = match text("public").as_deref().map(str::trim) {
        None | Some("" | "false") => false,
        Some("true") => true,
        Some(_) => {
            errors.push(FieldError::new("public", "invalid_boolean"));
            false
        }
    };
    let kind = fields.kind.as_deref().and_then(DocumentKind::parse);
    let file = form.file.as_ref();
    match kind {
        Some(kind) if kind.is_link() => {
            if file.is_some() {
                errors.push(FieldError::new("file", "file_not_allowed"));
            }
            if fields.url.is_none() {
                errors.push(FieldError::new("url", "required"));
            }
        }
        Some(_) => {
            if fields.url.is_some() {
                errors.push(FieldError::new("url", "url_not_allowed"));
            }
            match file {
                None => errors.push(FieldError::new("file", "file_required")),
                Some(file) if file.upload.size() == 0 => {
                    errors.push(FieldError::new("file", "empty_file"));
                }
                Some(_) => {}
            }
        }
        None => {}
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let file_type = match file {
        Some(file) => Some(
            evidence::sniff(file.upload.head())
                .map_err(|found| ApiError::UnsupportedFile { found })?,
        ),
        None => None,
    };
    let new = NewDocument {
        owner,
        innovation_id,
        kind: kind.map_or("other", DocumentKind::as_str).to_owned(),
        title: fields.title.unwrap_or_default(),
        description: fields.description,
        public,
        url: fields.url,
        file: None,
    };
    Ok((new, file_type))
}

/// Files the form's upload under its hash: a photo without its metadata, with a
/// thumbnail beside it; anything else as it came.
async fn store_file(
    state: &AppState,
    file: ReceivedFile,
    file_type: FileType,
    mut new: NewDocument,
) -> ApiResult<NewDocument> {
    let mut thumbnail = None;
    let name = file.file_name.clone();
    let stored = if file_type.is_image() {
        let original = file.upload.finish_in_memory().await?;
        let photo = photos::process(original, file_type)
            .await
            .map_err(|detail| {
                ApiError::Validation(vec![FieldError::with_message(
                    "file",
                    "image_unreadable",
                    detail,
                )])
            })?;
        thumbnail = Some(state.storage.put(photo.thumbnail).await?.sha256);
        state.storage.put(photo.picture).await?
    } else {
        file.upload.finish().await?
    };
    new.file = Some(StoredFile {
        name,
        media_type: file_type.media_type().to_owned(),
        size: i64::try_from(stored.size).map_err(ApiError::internal)?,
        sha256: stored.sha256,
        thumbnail,
    });
    Ok(new)
}

/// One upload, for any owner.
pub(super) async fn upload(
    req: HttpRequest,
    payload: web::Payload,
    actor: RequestActor,
    state: web::Data<AppState>,
    owner: Owner,
) -> ApiResult<HttpResponse> {
    let access = may_manage(&state, &actor.caller, owner).await?;
    if let Some(refusal) = access.closed {
        return Err(refusal);
    }
    let form = receive(
        &req,
        payload,
        &state.storage,
        state.config.upload_limit,
        TEXT_PARTS,
    )
    .await?;
    let claim = match present_upload(&req, &state, &form.request_hash).await {
        Ok(UploadKey::Run(claim)) => claim,
        Ok(UploadKey::Answer(response)) => {
            form.abort().await;
            return Ok(response);
        }
        Err(error) => {
            form.abort().await;
            return Err(error);
        }
    };
    let (new, file_type) = match new_document(&form, owner, access.innovation_id) {
        Ok(checked) => checked,
        Err(error) => {
            form.abort().await;
            return Err(error);
        }
    };
    let new = match (form.file, file_type) {
        (Some(file), Some(file_type)) => store_file(&state, file, file_type, new).await?,
        _ => new,
    };
    let mut context = actor.write_context();
    context.idempotency = claim;
    let storage = state.storage.clone();
    let row = state
        .db
        .write(context, move |conn, context| {
            store::lock_blob_references(conn)?;
            // The same content purged since this upload wrote it took the blob along:
            // refuse (a retry stores it anew) rather than write a row without its file.
            for blob in new.blobs() {
                if !storage.exists_blocking(blob)? {
                    return Err(ApiError::StorageUnavailable);
                }
            }
            store::create(conn, context, new)
        })
        .await?;
    let location = document_base(&state, owner, row.id);
    let mut response = HttpResponse::Created();
    response.insert_header((header::LOCATION, location));
    Ok(answer(&req, &state, response, owner, row))
}
