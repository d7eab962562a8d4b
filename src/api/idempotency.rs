//! `Idempotency-Key` on POST requests: a retry with the same key and the same request gets
//! the first response back (with `Idempotent-Replayed: true`) and changes nothing; the same
//! key with another request is 422; while the first request runs, a retry gets 409 with
//! `Retry-After`. Keys belong to the signed-in caller and live in the database, so this
//! holds across server processes. The rules of the key's life are in
//! [`crate::store::idempotency`]; this middleware only carries requests through them.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::web::{Bytes, Data};
use actix_web::{HttpMessage, HttpResponse, ResponseError};
use sha2::{Digest, Sha256};

use super::AppState;
use crate::auth::Subject;
use crate::domain::caller::{AccountKind, Caller};
use crate::error::{ApiError, FieldError};
use crate::http::caller::Session;
use crate::store::idempotency::{self, Claim, KeyRequest, Presented, StoredResponse};

pub const IDEMPOTENCY_KEY: HeaderName = HeaderName::from_static("idempotency-key");
/// Set on a response that was stored for an earlier request with the same key.
pub const IDEMPOTENT_REPLAYED: HeaderName = HeaderName::from_static("idempotent-replayed");

/// Longest key accepted; a UUID is 36 characters.
pub const MAX_KEY_LEN: usize = 255;

/// Put in a response's extensions by a handler whose answer holds a secret shown once
/// (a new API client's secret). Such an answer is never written to the key's row: a
/// replay answers [`secret_not_kept`] instead, so no secret rests in the database.
#[derive(Debug, Clone, Copy)]
pub struct SecretInBody;

/// Headers of the first response that a replay repeats.
const STORED_HEADERS: [HeaderName; 3] = [header::CONTENT_TYPE, header::LOCATION, header::ETAG];

/// How much longer than the database deadline a claim protects its request: a request
/// answered 503 by the deadline keeps its key until its transaction can no longer run.
const LEASE_MARGIN_SECONDS: i64 = 30;

/// Whether `req` takes part: POST under the API with a key, except the token endpoints
/// (a replayed answer there would hand out a stored token).
fn key_of(req: &ServiceRequest) -> Option<Result<String, ApiError>> {
    if req.method() != Method::POST
        || !req.path().starts_with("/api/v1/")
        || req.path().starts_with("/api/v1/auth/")
    {
        return None;
    }
    let value = req.headers().get(&IDEMPOTENCY_KEY)?;
    let key = value
        .to_str()
        .ok()
        .filter(|k| (1..=MAX_KEY_LEN).contains(&k.len()) && k.bytes().all(|b| b.is_ascii_graphic()))
        .map(str::to_owned);
    Some(key.ok_or_else(|| ApiError::BadRequest {
        detail: "the Idempotency-Key header is not a valid key".into(),
        errors: vec![FieldError::new(
            "Idempotency-Key",
            "idempotency_key_invalid",
        )],
    }))
}

pub async fn middleware(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let key = match key_of(&req) {
        None => return Ok(next.call(req).await?.map_into_boxed_body()),
        Some(Err(error)) => return Ok(refuse(req, error)),
        Some(Ok(key)) => key,
    };
    let Some(state) = req.app_data::<Data<AppState>>().cloned() else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    // Keys belong to an active account, as it is now (the session middleware read it):
    // without one the handler answers 401 without reading the body. The role and agency
    // are part of the key's scope, so a stored answer is replayed only to an account that
    // still has the rights it had when the answer was made; after a change of role the
    // request runs again and the handler decides.
    let account = match req.extensions().get::<Session>() {
        Some(Session(Ok(Caller::Account(account)))) => Some(account.clone()),
        _ => None,
    };
    let Some(account) = account else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let subject = match account.kind {
        AccountKind::User => Subject::User(account.id),
        AccountKind::Client => Subject::Client(account.name.clone()),
    };
    if !crate::policy::may_write_beyond_own_account(account.role)
        && !req.path().starts_with("/api/v1/me/")
    {
        return Ok(refuse(
            req,
            ApiError::forbidden(format!("the {} role may not do this", account.role)),
        ));
    }
    let scope = format!(
        "{subject}|{}|{}",
        account.role,
        account
            .agency_id
            .map(|id| id.to_string())
            .unwrap_or_default()
    );
    let lease = chrono::Duration::from_std(state.db.deadline())
        .unwrap_or_else(|_| chrono::Duration::seconds(60))
        + chrono::Duration::seconds(LEASE_MARGIN_SECONDS);
    let ttl = chrono::Duration::from_std(state.config.idempotency_ttl)
        .unwrap_or_else(|_| chrono::Duration::hours(24));
    let key = DeferredKey {
        scope,
        key,
        lease,
        ttl,
    };
    if is_upload(&req) {
        // An upload is never buffered to be compared: its handler presents the key once
        // the file has streamed into the store and been hashed (`present_upload`).
        req.extensions_mut().insert(key);
        let response = next.call(req).await;
        let claim = match &response {
            Ok(response) => response.request().extensions().get::<Claim>().cloned(),
            Err(_) => None,
        };
        return keep(&state, claim, response).await;
    }
    let limit = body_limit(&req, &state, account.role);
    let body = match read_body(&mut req, limit).await {
        Ok(body) => body,
        Err(error) => return Ok(refuse(req, error)),
    };
    let request_hash = request_hash(&req, &body);
    let claim = match present(&state, key, request_hash).await {
        Ok(Presented::Claimed(claim)) => claim,
        Ok(Presented::Replay(stored)) => return Ok(req.into_response(replay(stored))),
        Ok(Presented::InProgress) => return Ok(refuse(req, ApiError::IdempotencyKeyInUse)),
        Ok(Presented::OutcomeUnknown) => {
            return Ok(refuse(req, ApiError::IdempotencyOutcomeUnknown));
        }
        Ok(Presented::Reused) => return Ok(refuse(req, ApiError::IdempotencyKeyReused)),
        Err(error) => return Ok(refuse(req, error)),
    };
    req.extensions_mut().insert(claim.clone());
    req.set_payload(Payload::from(body));
    let response = next.call(req).await;
    keep(&state, Some(claim), response).await
}

/// After the handler: stores its response under the key the request claimed (or frees
/// the key), and hands the response on.
async fn keep<B: MessageBody + 'static>(
    state: &AppState,
    claim: Option<Claim>,
    response: Result<ServiceResponse<B>, actix_web::Error>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let Some(claim) = claim else {
        return Ok(response?.map_into_boxed_body());
    };
    let (http_req, response) = match response {
        Ok(response) => response.into_parts(),
        Err(error) => {
            // No response to keep: free the key (a 5xx status is never kept).
            let status = error.as_response_error().status_code();
            finish(state, claim, status, &[], Bytes::new()).await;
            return Err(error);
        }
    };
    let status = response.status();
    let secret_in_body = response.extensions().get::<SecretInBody>().is_some();
    let headers: Vec<(String, String)> = STORED_HEADERS
        .iter()
        .filter_map(|name| {
            let value = response.headers().get(name)?.to_str().ok()?;
            Some((name.as_str().to_owned(), value.to_owned()))
        })
        .collect();
    let (response, body) = response.into_parts();
    let body = actix_web::body::to_bytes(body)
        .await
        .map_err(|e| actix_web::error::ErrorInternalServerError(e.into().to_string()))?;
    if secret_in_body {
        let kept = secret_not_kept(&headers);
        let status = StatusCode::from_u16(kept.status).unwrap_or(StatusCode::CONFLICT);
        finish(state, claim, status, &kept.headers, kept.body.into()).await;
    } else {
        finish(state, claim, status, &headers, body.clone()).await;
    }
    Ok(ServiceResponse::new(
        http_req,
        response.set_body(body).map_into_boxed_body(),
    ))
}

/// Stores (or frees) the key after the handler. A failure here does not change the answer
/// the client gets for its change; the key then stays claimed until its lease runs out.
async fn finish(
    state: &AppState,
    claim: idempotency::Claim,
    status: StatusCode,
    headers: &[(String, String)],
    body: Bytes,
) {
    let stored = StoredResponse {
        status: status.as_u16(),
        headers: headers.to_vec(),
        body: body.to_vec(),
    };
    if let Err(error) = state
        .db
        .transaction(move |conn| idempotency::finish(conn, &claim, &stored))
        .await
    {
        log::warn!("could not store the response to an idempotency key: {error}");
    }
}

/// An `Idempotency-Key` with its scope (the caller, its role and agency) and how long its
/// claim and its answer last; an upload's is presented by its handler once the upload is
/// hashed ([`present_upload`]).
#[derive(Debug, Clone)]
pub struct DeferredKey {
    scope: String,
    key: String,
    lease: chrono::Duration,
    ttl: chrono::Duration,
}

/// What an upload's handler does after presenting its key.
pub enum UploadKey {
    /// Go on; writes fence this claim (none without a key).
    Run(Option<Claim>),
    /// Answer this instead: the stored answer to the first request with this key, or why
    /// the key cannot be used now.
    Answer(HttpResponse),
}

/// Presents an upload's deferred key (if the request sent one) with the hash of the form
/// as it streamed in. A claim is left in the request's extensions, where the middleware
/// finds it to store the response.
pub async fn present_upload(
    req: &actix_web::HttpRequest,
    state: &AppState,
    request_hash: &str,
) -> Result<UploadKey, ApiError> {
    let Some(deferred) = req.extensions().get::<DeferredKey>().cloned() else {
        return Ok(UploadKey::Run(None));
    };
    match present(state, deferred, request_hash.to_owned()).await? {
        Presented::Claimed(claim) => {
            req.extensions_mut().insert(claim.clone());
            Ok(UploadKey::Run(Some(claim)))
        }
        Presented::Replay(stored) => Ok(UploadKey::Answer(replay(stored))),
        Presented::InProgress => Err(ApiError::IdempotencyKeyInUse),
        Presented::OutcomeUnknown => Err(ApiError::IdempotencyOutcomeUnknown),
        Presented::Reused => Err(ApiError::IdempotencyKeyReused),
    }
}

/// Presents `key` for a request whose content hashes to `request_hash`, in a transaction
/// of its own.
async fn present(
    state: &AppState,
    key: DeferredKey,
    request_hash: String,
) -> Result<Presented, ApiError> {
    state
        .db
        .transaction(move |conn| {
            idempotency::present(
                conn,
                &KeyRequest {
                    scope: &key.scope,
                    key: &key.key,
                    request_hash: &request_hash,
                    lease: key.lease,
                    ttl: key.ttl,
                },
            )
        })
        .await
}

/// Whether `req` is a file upload (`multipart/form-data`), whose body the middleware
/// never reads.
fn is_upload(req: &ServiceRequest) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim_start()
                .to_ascii_lowercase()
                .starts_with("multipart/form-data")
        })
}

/// The largest body the request's route takes, known before any of it is read: only an
/// administrator's CSV upload (the cohort import) may be as large as the CSV limit; every
/// other body is JSON and bounded by the JSON limit. Reading more only to refuse it
/// later let any signed-in caller make the server hold megabytes per request.
fn body_limit(req: &ServiceRequest, state: &AppState, role: crate::domain::account::Role) -> usize {
    let is_csv = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("text/csv"));
    if is_csv && role == crate::domain::account::Role::Admin {
        state.config.csv_limit.max(state.config.json_limit)
    } else {
        state.config.json_limit
    }
}

/// What a retry of a request whose answer held a secret gets: the change was made, the
/// secret is not kept. The `Location` of the first answer is kept, so the client can find
/// what it created and rotate its secret.
fn secret_not_kept(first_headers: &[(String, String)]) -> StoredResponse {
    let problem = ApiError::Conflict {
        slug: "secret-shown-once",
        detail: "the first request with this Idempotency-Key succeeded; its answer held a \
                 secret, which is shown once and never stored: rotate the secret to get a new \
                 one"
        .into(),
        errors: Vec::new(),
    };
    let mut headers: Vec<(String, String)> = vec![(
        header::CONTENT_TYPE.as_str().to_owned(),
        "application/problem+json".to_owned(),
    )];
    headers.extend(
        first_headers
            .iter()
            .filter(|(name, _)| name.as_str() == header::LOCATION.as_str())
            .cloned(),
    );
    StoredResponse {
        status: problem.status_code().as_u16(),
        headers,
        body: serde_json::to_vec(&crate::http::problem::problem_of(&problem)).unwrap_or_default(),
    }
}

fn refuse(req: ServiceRequest, error: ApiError) -> ServiceResponse<BoxBody> {
    req.into_response(error.error_response())
}

fn replay(stored: StoredResponse) -> HttpResponse {
    let mut response = HttpResponse::build(
        StatusCode::from_u16(stored.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
    );
    for (name, value) in &stored.headers {
        response.insert_header((name.as_str(), value.as_str()));
    }
    response.insert_header((IDEMPOTENT_REPLAYED, HeaderValue::from_static("true")));
    response.body(stored.body)
}

/// Reads the whole body (it is hashed, and then handed on to the handler unchanged).
async fn read_body(req: &mut ServiceRequest, limit: usize) -> Result<Bytes, ApiError> {
    crate::http::json_body::read_limited(req.take_payload(), limit).await
}

/// What makes two requests "the same": method, path, query, content type and body.
fn request_hash(req: &ServiceRequest, body: &[u8]) -> String {
    let mut hasher = Sha256::new();
    for part in [
        req.method().as_str(),
        req.path(),
        req.query_string(),
        req.headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or(""),
    ] {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    hasher.update(body);
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
