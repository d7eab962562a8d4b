//! Access tokens: HS256 JWTs with `sub`, `role`, `agency_id`, `iss`, `aud`, `iat`, `nbf`,
//! `exp`, and for a person's token `sid`, the sign-in it belongs to (ended by revocation,
//! a refresh-token replay, a password change or deactivation). The role and agency in a token are informative only: every request reads the
//! account from the database, so a demoted or deactivated account loses its rights at once.

use std::fmt;

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::domain::account::Role;

/// Shortest secret accepted for HS256 (RFC 7518 section 3.2: at least the hash size).
pub const MIN_SECRET_BYTES: usize = 32;

/// Clock difference tolerated between the server that issued a token and the one
/// checking it.
const LEEWAY_SECONDS: u64 = 30;

/// Longest access-token lifetime (`INOVIK_ACCESS_TOKEN_SECONDS`): a day. Access tokens
/// are meant to be short-lived (RFC 8725, OWASP API2); refresh tokens carry a session on.
pub const MAX_LIFETIME_SECONDS: i64 = 24 * 3600;

/// Longest issuer and audience (`INOVIK_JWT_ISSUER`, `INOVIK_JWT_AUDIENCE`): visible
/// ASCII, so that a token's length is bounded ([`MAX_TOKEN_LEN`]).
pub const MAX_CLAIM_LEN: usize = 100;

/// Longest access token issued, whatever the subject, agency, issuer and audience (the
/// test below issues the longest one).
pub const MAX_TOKEN_LEN: usize = 1024;

/// Who a token was issued to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    User(i64),
    Client(String),
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::User(id) => write!(f, "user:{id}"),
            Self::Client(client_id) => write!(f, "client:{client_id}"),
        }
    }
}

impl Subject {
    fn parse(sub: &str) -> Option<Self> {
        match sub.split_once(':')? {
            ("user", id) => id.parse().ok().map(Self::User),
            ("client", client_id) if !client_id.is_empty() => Some(Self::Client(client_id.into())),
            _ => None,
        }
    }
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub role: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agency_id: Option<i64>,
    pub iss: String,
    pub aud: String,
    pub iat: i64,
    pub nbf: i64,
    pub exp: i64,
    /// The sign-in (refresh-token family) a person's token was issued in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
}

/// What a valid token says: who it was issued to and, for a person, in which sign-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub subject: Subject,
    pub sign_in: Option<String>,
}

/// Signs and checks access tokens.
#[derive(Clone)]
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    issuer: String,
    audience: String,
    lifetime_seconds: i64,
}

impl TokenKeys {
    pub fn new(
        secret: &[u8],
        issuer: &str,
        audience: &str,
        lifetime_seconds: i64,
    ) -> Result<Self, String> {
        if secret.len() < MIN_SECRET_BYTES {
            return Err(format!(
                "the JWT secret must be at least {MIN_SECRET_BYTES} bytes"
            ));
        }
        for (name, value) in [("issuer", issuer), ("audience", audience)] {
            if value.is_empty()
                || value.len() > MAX_CLAIM_LEN
                || !value.bytes().all(|b| b.is_ascii_graphic())
            {
                return Err(format!(
                    "the JWT {name} must be 1 to {MAX_CLAIM_LEN} visible ASCII characters"
                ));
            }
        }
        if !(1..=MAX_LIFETIME_SECONDS).contains(&lifetime_seconds) {
            return Err(format!(
                "the access-token lifetime must be 1 to {MAX_LIFETIME_SECONDS} seconds"
            ));
        }
        let encoding = EncodingKey::from_secret(secret).map_err(|e| e.to_string())?;
        let decoding = DecodingKey::from_secret(secret).map_err(|e| e.to_string())?;
        // Only HS256: `alg: none` and algorithm confusion are refused by construction.
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[issuer]);
        validation.set_audience(&[audience]);
        validation.set_required_spec_claims(&["exp", "nbf", "iss", "aud", "sub"]);
        validation.validate_nbf = true;
        validation.leeway = LEEWAY_SECONDS;
        Ok(Self {
            encoding,
            decoding,
            validation,
            issuer: issuer.to_owned(),
            audience: audience.to_owned(),
            lifetime_seconds,
        })
    }

    pub fn lifetime_seconds(&self) -> i64 {
        self.lifetime_seconds
    }

    /// A signed token for `subject`, outside any sign-in (machine clients).
    pub fn issue(&self, subject: &Subject, role: Role, agency_id: Option<i64>) -> String {
        self.issue_in(subject, role, agency_id, None)
    }

    /// A signed token for `subject` that works while `sign_in` has not ended (people).
    pub fn issue_in(
        &self,
        subject: &Subject,
        role: Role,
        agency_id: Option<i64>,
        sign_in: Option<&str>,
    ) -> String {
        let now = chrono::Utc::now().timestamp();
        let claims = Claims {
            sub: subject.to_string(),
            role: role.as_str().to_owned(),
            agency_id,
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            iat: now,
            nbf: now,
            exp: now + self.lifetime_seconds,
            sid: sign_in.map(str::to_owned),
        };
        // Signing with a valid HMAC key cannot fail.
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .unwrap_or_default()
    }

    /// The subject of a valid token; `None` for anything expired, not yet valid, tampered,
    /// unsigned, for another issuer or audience, or malformed.
    pub fn verify(&self, token: &str) -> Option<Verified> {
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation).ok()?;
        Some(Verified {
            subject: Subject::parse(&data.claims.sub)?,
            sign_in: data.claims.sid,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_longest_token_fits_its_bound() {
        let claim = "\"".repeat(MAX_CLAIM_LEN);
        let keys = TokenKeys::new(&[7; 32], &claim, &claim, MAX_LIFETIME_SECONDS).unwrap();
        // Client ids are `ck_` and 16 hex digits; sign-ins 16 random bytes in base64url.
        let subject = Subject::Client("ck_0123456789abcdef".into());
        let token = keys.issue_in(
            &subject,
            Role::AgencyEditor,
            Some(i64::MIN),
            Some(&"s".repeat(22)),
        );
        assert!(token.len() <= MAX_TOKEN_LEN, "{}", token.len());
        assert!(keys.verify(&token).is_some());
        for (issuer, lifetime) in [("", 60), ("a b", 60), ("inovik", 0), ("inovik", 86_401)] {
            assert!(TokenKeys::new(&[7; 32], issuer, "aud", lifetime).is_err());
        }
    }
}
