//! Reading a `multipart/form-data` upload: the file part streamed into the object store
//! as it arrives (counted, hashed and bounded on the way, never held whole), the other
//! parts as short text. What the form means is the caller's business.

use std::collections::BTreeMap;

use actix_multipart::{Field, Multipart, MultipartError};
use actix_web::http::header;
use actix_web::{HttpRequest, web};
use futures_util::StreamExt;
use sha2::{Digest, Sha256};

use crate::domain::evidence;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::storage::{Storage, StorageError, Upload};

/// Longest text part read (a description is at most 2,000 characters of up to 4 bytes).
const TEXT_PART_MAX: usize = 8 * 1024;

/// The file part of a form, in the store's staging area until [`ReceivedForm::finish`].
pub struct ReceivedFile {
    pub upload: Upload,
    /// The client's name for it, cleaned ([`evidence::file_name`]).
    pub file_name: Option<String>,
}

/// A form read whole: its text parts and, if one came, its file.
pub struct ReceivedForm {
    pub text: BTreeMap<String, String>,
    pub file: Option<ReceivedFile>,
    /// What makes two uploads "the same request" for `Idempotency-Key`: the method, path,
    /// query, text parts, file name and the file's SHA-256, computed while it streamed.
    pub request_hash: String,
}

impl ReceivedForm {
    /// Drops the file, if one came: nothing of this request is kept.
    pub async fn abort(self) {
        if let Some(file) = self.file {
            file.upload.abort().await;
        }
    }
}

/// Reads the form of `req`, whose text parts must be among `text_parts` and whose file,
/// if any, is the part named `file`. Refusals: 415 for another content type, 413 past
/// `limit` bytes of file (nothing kept), 400 for a malformed or cut-short body, an unknown
/// part or a part sent twice.
pub async fn receive(
    req: &HttpRequest,
    payload: web::Payload,
    storage: &Storage,
    limit: u64,
    text_parts: &[&str],
) -> ApiResult<ReceivedForm> {
    if !is_multipart(req) {
        return Err(ApiError::UnsupportedMediaType {
            expected: "multipart/form-data",
        });
    }
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared
        .is_some_and(|length| length > limit.saturating_add(crate::config::UPLOAD_FORM_OVERHEAD))
    {
        return Err(StorageError::TooLarge { limit }.into());
    }
    let mut form = Multipart::new(req.headers(), payload);
    let mut text = BTreeMap::new();
    let mut file: Option<ReceivedFile> = None;
    let outcome = read_parts(&mut form, storage, limit, text_parts, &mut text, &mut file).await;
    if let Err(error) = outcome {
        if let Some(file) = file {
            file.upload.abort().await;
        }
        if matches!(error, ApiError::PayloadTooLarge { .. }) {
            // Read (and drop) what the client is still sending, up to the limit again,
            // so it gets the 413 instead of a connection reset.
            drain(&mut form, limit).await;
        }
        return Err(error);
    }
    let request_hash = request_hash(req, &text, file.as_ref());
    Ok(ReceivedForm {
        text,
        file,
        request_hash,
    })
}

async fn read_parts(
    form: &mut Multipart,
    storage: &Storage,
    limit: u64,
    text_parts: &[&str],
    text: &mut BTreeMap<String, String>,
    file: &mut Option<ReceivedFile>,
) -> ApiResult<()> {
    while let Some(part) = form.next().await {
        let mut part = part.map_err(malformed)?;
        let name = part.name().unwrap_or_default().to_owned();
        if text.contains_key(&name) || (name == "file" && file.is_some()) {
            return Err(bad_part(&name, "duplicate_part"));
        }
        if name == "file" {
            let file_name = part
                .content_disposition()
                .and_then(|d| d.get_filename())
                .and_then(evidence::file_name);
            let mut upload = storage.upload(limit).await?;
            let streamed = stream_into(&mut part, &mut upload).await;
            // The upload is kept even when streaming failed, so the caller aborts it.
            *file = Some(ReceivedFile { upload, file_name });
            streamed?;
        } else if text_parts.contains(&name.as_str()) {
            let value = read_text(&mut part, &name).await?;
            text.insert(name, value);
        } else {
            return Err(bad_part(&name, "unknown_part"));
        }
    }
    Ok(())
}

async fn stream_into(part: &mut Field, upload: &mut Upload) -> ApiResult<()> {
    while let Some(chunk) = part.next().await {
        upload.write(chunk.map_err(malformed)?).await?;
    }
    Ok(())
}

async fn read_text(part: &mut Field, name: &str) -> ApiResult<String> {
    let mut bytes = Vec::new();
    while let Some(chunk) = part.next().await {
        let chunk = chunk.map_err(malformed)?;
        if bytes.len() + chunk.len() > TEXT_PART_MAX {
            return Err(ApiError::Validation(vec![FieldError::with_params(
                name,
                "too_long",
                &[("max", TEXT_PART_MAX.to_string())],
            )]));
        }
        bytes.extend_from_slice(&chunk);
    }
    String::from_utf8(bytes).map_err(|_| bad_part(name, "invalid_value"))
}

/// Reads and drops up to `limit` more bytes of the body.
async fn drain(form: &mut Multipart, limit: u64) {
    let mut left = limit;
    while let Some(Ok(mut part)) = form.next().await {
        while let Some(Ok(chunk)) = part.next().await {
            left = left.saturating_sub(chunk.len() as u64);
            if left == 0 {
                return;
            }
        }
    }
}

fn is_multipart(req: &HttpRequest) -> bool {
    crate::http::content_type_essence(req).as_deref() == Some("multipart/form-data")
}

fn malformed(error: MultipartError) -> ApiError {
    ApiError::BadRequest {
        detail: format!("the multipart/form-data body cannot be read: {error}"),
        errors: vec![FieldError::new("body", "multipart_invalid")],
    }
}

fn bad_part(name: &str, code: &str) -> ApiError {
    ApiError::BadRequest {
        detail: format!("the form's part {name:?} is not what this endpoint takes"),
        errors: vec![FieldError::new(name, code)],
    }
}

fn request_hash(
    req: &HttpRequest,
    text: &BTreeMap<String, String>,
    file: Option<&ReceivedFile>,
) -> String {
    let mut hasher = Sha256::new();
    for part in [req.method().as_str(), req.path(), req.query_string()] {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    for (name, value) in text {
        hasher.update(name.as_bytes());
        hasher.update([0]);
        hasher.update(value.as_bytes());
        hasher.update([0]);
    }
    if let Some(file) = file {
        hasher.update(file.file_name.as_deref().unwrap_or("").as_bytes());
        hasher.update([0]);
        hasher.update(file.upload.sha256().as_bytes());
    }
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
