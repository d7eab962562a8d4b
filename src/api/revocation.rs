//! `POST /api/v1/auth/revoke` (RFC 7009): ending a person's sign-in with its refresh token
//! or one of its access tokens.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, post, web};
use serde::Deserialize;
use utoipa::ToSchema;

use super::AppState;
use super::auth::{context, invalid_request, present, read_body};
use crate::error::{ApiError, ApiResult};
use crate::http::caller::Caller;
use crate::store::refresh_tokens;

/// Longer than any token Inovik issues (an access token is a few hundred characters).
const MAX_REVOKED_TOKEN: usize = 4096;

/// A revocation request (RFC 7009). Other parameters (such as the `client_id` and
/// `client_secret` OAuth libraries send) are ignored: the token is the only credential a
/// revocation needs.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[schema(example = json!({"token": "nDuf_aKDvfPpaYRx3g0v7aq2Hx75sClwE_pANXWFuqI",
    "token_type_hint": "refresh_token"}))]
pub struct RevokeRequest {
    /// A refresh token or a person's access token: either ends its sign-in (every token of
    /// it).
    #[serde(default, deserialize_with = "present")]
    #[schema(
        required = true,
        nullable = false,
        min_length = 1,
        max_length = 4096,
        pattern = "^[!-~]+$"
    )]
    pub token: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(nullable = false, max_length = 32, pattern = "^[!-~]*$")]
    pub token_type_hint: Option<String>,
}

impl RevokeRequest {
    /// The token to revoke, or what is wrong with the request. An unknown token is no
    /// error (RFC 7009 section 2.2); a missing, over-long or malformed field is (every token
    /// Inovik issues, and every hint, is visible ASCII).
    fn token(self) -> ApiResult<String> {
        let visible_ascii = |text: &str| text.bytes().all(|b| (b'!'..=b'~').contains(&b));
        if let Some(hint) = &self.token_type_hint
            && (hint.len() > 32 || !visible_ascii(hint))
        {
            return Err(invalid_request(
                "token_type_hint must be at most 32 visible ASCII characters",
            ));
        }
        match self.token {
            Some(token)
                if !token.is_empty()
                    && token.len() <= MAX_REVOKED_TOKEN
                    && visible_ascii(&token) =>
            {
                Ok(token)
            }
            Some(token) if !token.is_empty() => Err(invalid_request(format!(
                "token must be at most {MAX_REVOKED_TOKEN} visible ASCII characters"
            ))),
            _ => Err(invalid_request("token is required")),
        }
    }
}

/// Revoke a token
///
/// Ends the sign-in of a refresh token or of a person's access token (RFC 7009): every
/// refresh and access token of that sign-in stops working at once. Answers 200 whether or
/// not the token was known, so it reveals nothing; a machine client's access token is
/// `unsupported_token_type` (it has no sign-in: deactivate the client instead). The body
/// is a form (RFC 7009); a JSON object with the same fields is taken too.
#[utoipa::path(
    tag = "auth",
    operation_id = "revoke_token",
    request_body(content((RevokeRequest = "application/x-www-form-urlencoded"))),
    responses(
        (status = 200, description = "Revoked (or never valid)"),
        (status = 400, response = super::problems::OAuthError),
        (status = 415, response = super::problems::UnsupportedMediaType),
        (status = 503, response = super::problems::Unavailable),
    ),
    security(())
)]
#[post("/revoke")]
pub async fn revoke_token(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let token = read_body::<RevokeRequest>(&req, payload).await?.token()?;
    // An access token ends its sign-in; a machine client's has none to end.
    let sign_in = match state.tokens.verify(&token) {
        Some(verified) => match verified.sign_in {
            Some(sign_in) => Some(sign_in),
            None => {
                return Err(ApiError::oauth(
                    400,
                    "unsupported_token_type",
                    "a client-credentials access token cannot be revoked; it expires on its \
                     own, and deactivating the API client ends it at once",
                ));
            }
        },
        None => None,
    };
    state
        .db
        .write(context(&req, Caller::Anonymous), move |conn, _| {
            let family = match sign_in {
                Some(sign_in) => Some(sign_in),
                None => refresh_tokens::find(conn, &token)?.map(|stored| stored.family),
            };
            if let Some(family) = family {
                refresh_tokens::revoke_family(conn, &family)?;
            }
            Ok(())
        })
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .finish())
}
