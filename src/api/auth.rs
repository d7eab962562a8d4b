//! `/api/v1/auth`: the OAuth 2.0 token endpoint (RFC 6749) and revocation (RFC 7009).
//!
//! People sign in with `grant_type=password`, machine clients of other regional systems
//! with `grant_type=client_credentials` (in the body or with HTTP Basic, as OAuth client
//! libraries send them), and browsers renew sessions with `grant_type=refresh_token`.

use std::net::IpAddr;

use actix_web::http::header;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, post, web};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::AppState;
use crate::auth::Subject;
use crate::db::WriteContext;
use crate::domain::account::{Role, normalise_username};
use crate::error::{ApiError, ApiResult};
use crate::http::caller::Caller;
use crate::http::client_address::client_ip;
use crate::http::request_context::RequestId;
use crate::store::accounts::{AccountTable, Clients, Users};
use crate::store::sign_in::{self, Throttle};
use crate::store::{accounts, refresh_tokens};

pub fn configure(config: &mut utoipa_actix_web::service_config::ServiceConfig) {
    config
        .service(issue_token)
        .service(super::revocation::revoke_token);
}

/// A token request, as JSON or `application/x-www-form-urlencoded`. Parameters not listed
/// here are ignored (RFC 6749 section 3.2), unlike everywhere else in the API.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[schema(example = json!({"grant_type": "password", "username": "rina.w", "password": "gong-pendopo-2016"}))]
pub struct TokenRequest {
    /// `password`, `client_credentials` or `refresh_token`.
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false, max_length = 32, example = "password")]
    pub grant_type: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false, max_length = 64)]
    pub username: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false, max_length = 128, format = Password)]
    pub password: Option<String>,
    /// For `client_credentials` when not sent with HTTP Basic.
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false, max_length = 64)]
    pub client_id: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false, max_length = 128, format = Password)]
    pub client_secret: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false, max_length = 128)]
    pub refresh_token: Option<String>,
    /// Accepted for OAuth client libraries that always send it; Inovik has no scopes.
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false, max_length = 256)]
    pub scope: Option<String>,
}

impl TokenRequest {
    /// The longest value of each field, as the document declares them. Checked as the
    /// body is parsed, before any field reaches the database: a name longer than an index
    /// row allows was a 500 on PostgreSQL, and failure counters kept any raw value.
    const LIMITS: [(&'static str, usize); 7] = [
        ("grant_type", 32),
        ("username", 64),
        ("password", 128),
        ("client_id", 64),
        ("client_secret", 128),
        ("refresh_token", 128),
        ("scope", 256),
    ];

    fn check_lengths(&self) -> ApiResult<()> {
        let values = [
            &self.grant_type,
            &self.username,
            &self.password,
            &self.client_id,
            &self.client_secret,
            &self.refresh_token,
            &self.scope,
        ];
        for ((field, max), value) in Self::LIMITS.iter().zip(values) {
            if value.as_ref().is_some_and(|v| v.chars().count() > *max) {
                return Err(invalid_request(format!(
                    "{field} is longer than {max} characters"
                )));
            }
        }
        Ok(())
    }
}

/// A successful token answer.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "access_token": "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyOjMiLCJyb2xlIjoiYWdlbmN5X2VkaXRvciJ9.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg",
    "token_type": "Bearer", "expires_in": 3600,
    "refresh_token": "q3V0ZW1wZWxpay1zZWtyZXQtcmVmcmVzaC10b2tlbi0"}))]
pub struct TokenResponse {
    #[schema(
        max_length = 1024,
        pattern = "^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$"
    )]
    pub access_token: String,
    /// Always `Bearer`.
    #[schema(max_length = 6, pattern = "^Bearer$")]
    pub token_type: String,
    /// Seconds until the access token expires.
    #[schema(minimum = 1, maximum = 86400)]
    pub expires_in: i64,
    /// For people only: exchange it for a new pair with `grant_type=refresh_token`; each
    /// refresh token works once.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 43, pattern = "^[A-Za-z0-9_-]{43}$")]
    pub refresh_token: Option<String>,
}

/// Token bodies are small; anything larger is not a token request.
const TOKEN_BODY_LIMIT: usize = 64 * 1024;

/// Reads a JSON or form body into `T`, answering problems in RFC 6749's terms.
pub(super) async fn read_body<T: serde::de::DeserializeOwned + Default>(
    req: &HttpRequest,
    payload: web::Payload,
) -> ApiResult<T> {
    let body = crate::http::json_body::read_limited(payload, TOKEN_BODY_LIMIT)
        .await
        .map_err(as_oauth_error)?;
    let content_type = req.content_type().to_ascii_lowercase();
    match content_type.as_str() {
        "application/x-www-form-urlencoded" => serde_urlencoded::from_bytes(&body)
            .map_err(|e| invalid_request(format!("the form cannot be read: {e}"))),
        "application/json" => crate::http::json_body::parse(&body).map_err(as_oauth_error),
        _ => Err(ApiError::UnsupportedMediaType {
            expected: "application/x-www-form-urlencoded or application/json",
        }),
    }
}

/// A body the token endpoints cannot take is an RFC 6749 `invalid_request` (400), whatever
/// the rest of the API would answer (400 or 422).
fn as_oauth_error(error: ApiError) -> ApiError {
    match error {
        ApiError::BadRequest { detail, .. } => invalid_request(detail),
        ApiError::Validation(errors) => invalid_request(
            errors
                .iter()
                .map(|e| format!("{}: {}", e.field, e.code))
                .collect::<Vec<_>>()
                .join("; "),
        ),
        other => other,
    }
}

/// A field that, when sent, is a string: `null` is refused like any other wrong type.
pub(super) fn present<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<String>, D::Error> {
    String::deserialize(deserializer).map(Some)
}

pub(super) fn invalid_request(description: impl Into<String>) -> ApiError {
    ApiError::oauth(400, "invalid_request", description)
}

fn invalid_grant(description: &str) -> ApiError {
    ApiError::oauth(400, "invalid_grant", description)
}

fn invalid_client() -> ApiError {
    ApiError::oauth(
        401,
        "invalid_client",
        "unknown client, wrong secret, or client deactivated",
    )
}

/// HTTP Basic client credentials (RFC 6749 section 2.3.1: both parts form-urlencoded).
fn basic_credentials(req: &HttpRequest) -> ApiResult<Option<(String, String)>> {
    let Some(value) = req.headers().get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let value = value.to_str().map_err(|_| invalid_client())?;
    let Some((scheme, encoded)) = value.split_once(' ') else {
        return Err(invalid_client());
    };
    if !scheme.eq_ignore_ascii_case("basic") {
        return Err(invalid_request(
            "use HTTP Basic or the body for client credentials",
        ));
    }
    let decoded = STANDARD
        .decode(encoded.trim())
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .ok_or_else(invalid_client)?;
    let (id, secret) = decoded.split_once(':').ok_or_else(invalid_client)?;
    let unescape = |part: &str| percent_decode(part).ok_or_else(invalid_client);
    let (id, secret) = (unescape(id)?, unescape(secret)?);
    if id.chars().count() > 64 || secret.chars().count() > 128 {
        return Err(invalid_request(
            "client_id is longer than 64 or client_secret than 128 characters",
        ));
    }
    Ok(Some((id, secret)))
}

fn percent_decode(text: &str) -> Option<String> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(&format!("v={}", text.replace('&', "%26")))
        .ok()?
        .pop()
        .map(|(_, value)| value)
}

pub(super) fn context(req: &HttpRequest, caller: Caller) -> WriteContext {
    WriteContext {
        caller,
        request_id: req
            .extensions()
            .get::<RequestId>()
            .map(|id| id.0.clone())
            .unwrap_or_default(),
        // The token endpoints take no Idempotency-Key: a replayed answer would hand out
        // a stored token.
        idempotency: None,
    }
}

fn token_answer(body: &TokenResponse) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::PRAGMA, "no-cache"))
        .json(body)
}

/// Get an access token
///
/// The OAuth 2.0 token endpoint. `grant_type=password` (people; also returns a
/// `refresh_token`), `client_credentials` (machine clients; credentials in the body or by
/// HTTP Basic) or `refresh_token` (a new pair; the old refresh token is retired, and using
/// a retired one revokes every token of that sign-in). Errors carry RFC 6749's `error` and
/// `error_description`. Repeated failures for one username or client are slowed down
/// (429 with `Retry-After`). The body is a form, as RFC 6749 says; a JSON object with the
/// same fields is taken too, for clients that cannot send forms (one content type in the
/// document, because generated clients fail on two for one body).
#[utoipa::path(
    tag = "auth",
    operation_id = "issue_token",
    request_body(content((TokenRequest = "application/x-www-form-urlencoded"))),
    responses(
        (status = 200, description = "Tokens", body = TokenResponse),
        (status = 400, response = super::problems::OAuthError),
        (status = 401, response = super::problems::Unauthorized),
        (status = 415, response = super::problems::UnsupportedMediaType),
        (status = 429, response = super::problems::TooManyRequests),
        (status = 503, response = super::problems::Unavailable),
    ),
    security((), ("client_basic" = []))
)]
#[post("/token")]
pub async fn issue_token(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let basic = basic_credentials(&req)?;
    let request: TokenRequest = read_body(&req, payload).await?;
    request.check_lengths()?;
    count_token_request(&state, source_of(&req, &state)).await?;
    let response = match request.grant_type.as_deref() {
        Some("password") => password_grant(&req, &state, request).await?,
        Some("client_credentials") => client_grant(&req, &state, request, basic).await?,
        Some("refresh_token") => refresh_grant(&req, &state, request).await?,
        Some(_) => {
            return Err(ApiError::oauth(
                400,
                "unsupported_grant_type",
                "grant_type must be password, client_credentials or refresh_token",
            ));
        }
        None => return Err(invalid_request("grant_type is required")),
    };
    Ok(token_answer(&response))
}

/// The address throttles are counted for (see [`crate::http::client_address`]).
fn source_of(req: &HttpRequest, state: &AppState) -> IpAddr {
    client_ip(req, &state.config.trusted_proxies)
        .unwrap_or(IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED))
}

/// The throttles of one sign-in attempt: this name from this address, and this address.
fn sign_in_throttles(kind: &'static str, name: &str, source: IpAddr) -> [Throttle; 2] {
    [
        Throttle::Pair {
            kind,
            name: name.to_owned(),
            source,
        },
        Throttle::Source(source),
    ]
}

/// Counts this token request against its address's budget for the minute (429 past it).
async fn count_token_request(state: &AppState, source: IpAddr) -> ApiResult<()> {
    let per_minute = state.config.auth.token_requests_per_minute;
    let wait = state
        .db
        .transaction(move |conn| {
            sign_in::count_request(conn, &Throttle::TokenRequests(source), per_minute)
        })
        .await?;
    match wait {
        Some(retry_after) => Err(ApiError::TooManyRequests {
            retry_after,
            what: "token requests from this address",
        }),
        None => Ok(()),
    }
}

/// Refuses an attempt that failed too often lately (429), before any hashing.
async fn check_throttle(state: &AppState, throttles: &[Throttle; 2]) -> ApiResult<()> {
    let throttles = throttles.clone();
    match state
        .db
        .read(move |conn| sign_in::blocked_for(conn, &throttles))
        .await?
    {
        Some(retry_after) => Err(ApiError::TooManyRequests {
            retry_after,
            what: "failed sign-ins of this name or from this address",
        }),
        None => Ok(()),
    }
}

/// After the password check: a success clears the pair's count (not the address's: one
/// right guess among many wrong ones must not reset a sprayer), a failure counts on both.
async fn record_outcome(
    req: &HttpRequest,
    state: &AppState,
    throttles: [Throttle; 2],
    succeeded: bool,
) -> ApiResult<()> {
    let free = [
        state.config.auth.free_failures,
        state.config.auth.source_free_failures,
    ];
    state
        .db
        .write(context(req, Caller::Anonymous), move |conn, _| {
            if succeeded {
                sign_in::clear(conn, &throttles[0])
            } else {
                for (throttle, free_failures) in throttles.iter().zip(free) {
                    sign_in::record_failure(conn, throttle, free_failures)?;
                }
                Ok(())
            }
        })
        .await
}

async fn password_grant(
    req: &HttpRequest,
    state: &AppState,
    request: TokenRequest,
) -> ApiResult<TokenResponse> {
    let (Some(username), Some(password)) = (request.username, request.password) else {
        return Err(invalid_request("username and password are required"));
    };
    let username = normalise_username(&username);
    let throttles = sign_in_throttles("user", &username, source_of(req, state));
    check_throttle(state, &throttles).await?;
    let user = {
        let username = username.clone();
        state
            .db
            .read(move |conn| accounts::find_user_by_username(conn, &username))
            .await?
    };
    // Unknown users are checked against a decoy hash, so timing does not reveal them.
    let hash = user.as_ref().map(|u| u.password_hash.clone());
    let password_ok = state.passwords.verify(password, hash).await?;
    let user = match user {
        Some(user) if password_ok && user.active => user,
        _ => {
            record_outcome(req, state, throttles, false).await?;
            return Err(invalid_grant(
                "the username or password is wrong, or the account is deactivated",
            ));
        }
    };
    record_outcome(req, state, throttles, true).await?;
    let lifetime = state.config.auth.refresh_token_seconds;
    let user_id = user.id;
    let refresh = state
        .db
        .write(context(req, Caller::Anonymous), move |conn, _| {
            refresh_tokens::issue(conn, user_id, None, lifetime)
        })
        .await?;
    let fields = Users::fields(&user);
    Ok(TokenResponse {
        access_token: state.tokens.issue_in(
            &Subject::User(user.id),
            fields.role,
            fields.agency_id,
            Some(&refresh.family),
        ),
        token_type: "Bearer".into(),
        expires_in: state.tokens.lifetime_seconds(),
        refresh_token: Some(refresh.token),
    })
}

async fn client_grant(
    req: &HttpRequest,
    state: &AppState,
    request: TokenRequest,
    basic: Option<(String, String)>,
) -> ApiResult<TokenResponse> {
    let (client_id, secret) = match (basic, request.client_id, request.client_secret) {
        (Some(_), Some(_), _) | (Some(_), _, Some(_)) => {
            return Err(invalid_request(
                "send client credentials once: HTTP Basic or the body",
            ));
        }
        (Some(credentials), None, None) => credentials,
        (None, Some(id), Some(secret)) => (id, secret),
        _ => return Err(invalid_request("client_id and client_secret are required")),
    };
    let throttles = sign_in_throttles("client", &client_id, source_of(req, state));
    check_throttle(state, &throttles).await?;
    let client = {
        let client_id = client_id.clone();
        state
            .db
            .read(move |conn| accounts::find_client_by_client_id(conn, &client_id))
            .await?
    };
    let hash = client.as_ref().map(|c| c.secret_hash.clone());
    let secret_ok = state.passwords.verify(secret, hash).await?;
    let client = match client {
        Some(client) if secret_ok && client.active => client,
        _ => {
            record_outcome(req, state, throttles, false).await?;
            return Err(invalid_client());
        }
    };
    record_outcome(req, state, throttles, true).await?;
    let fields = Clients::fields(&client);
    Ok(TokenResponse {
        access_token: state.tokens.issue(
            &Subject::Client(client.client_id),
            fields.role,
            fields.agency_id,
        ),
        token_type: "Bearer".into(),
        expires_in: state.tokens.lifetime_seconds(),
        refresh_token: None,
    })
}

/// What a refresh attempt found, decided inside one transaction.
enum Refresh {
    Renewed {
        user_id: i64,
        role: Role,
        agency_id: Option<i64>,
        refresh: refresh_tokens::Issued,
    },
    /// A retired token was used again: its family is now revoked (and that is committed).
    Replayed,
    Invalid,
}

async fn refresh_grant(
    req: &HttpRequest,
    state: &AppState,
    request: TokenRequest,
) -> ApiResult<TokenResponse> {
    let Some(token) = request.refresh_token else {
        return Err(invalid_request("refresh_token is required"));
    };
    let lifetime = state.config.auth.refresh_token_seconds;
    let outcome = state
        .db
        .write(context(req, Caller::Anonymous), move |conn, _| {
            let Some(stored) = refresh_tokens::find(conn, &token)? else {
                return Ok(Refresh::Invalid);
            };
            if stored.revoked_at.is_some() || stored.expires_at <= crate::store::now() {
                return Ok(Refresh::Invalid);
            }
            if stored.retired_at.is_some() || !refresh_tokens::retire(conn, stored.id)? {
                refresh_tokens::revoke_family(conn, &stored.family)?;
                return Ok(Refresh::Replayed);
            }
            let user = Users::find(conn, stored.user_id)?;
            if !user.active {
                return Ok(Refresh::Invalid);
            }
            let fields = Users::fields(&user);
            let refresh = refresh_tokens::issue(conn, user.id, Some(&stored.family), lifetime)?;
            Ok(Refresh::Renewed {
                user_id: user.id,
                role: fields.role,
                agency_id: fields.agency_id,
                refresh,
            })
        })
        .await?;
    match outcome {
        Refresh::Renewed {
            user_id,
            role,
            agency_id,
            refresh,
        } => Ok(TokenResponse {
            access_token: state.tokens.issue_in(
                &Subject::User(user_id),
                role,
                agency_id,
                Some(&refresh.family),
            ),
            token_type: "Bearer".into(),
            expires_in: state.tokens.lifetime_seconds(),
            refresh_token: Some(refresh.token),
        }),
        Refresh::Replayed => Err(invalid_grant(
            "this refresh token was already used; every token of its sign-in is now revoked",
        )),
        Refresh::Invalid => Err(invalid_grant(
            "the refresh token is unknown, expired or revoked",
        )),
    }
}
