//! Per-caller request limits (OWASP API4): a signed-in caller by its token's subject, the
//! public by its source address, each with a quota per minute (GCRA, the `governor` crate).
//! Every answer says where the caller stands with the IETF `RateLimit-Policy` and
//! `RateLimit` fields (draft-ietf-httpapi-ratelimit-headers); past the quota the answer is
//! 429 with `Retry-After`.
//!
//! The counts live in this process, by design: a check costs no database round trip.
//! Behind a load balancer with N replicas a caller may get up to N quotas; the global
//! limit is the gateway's or proxy's job (README, Rate limits). Sign-in throttling, which
//! must hold across replicas, is counted in the database instead (`store::sign_in`).

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::web::Data;
use actix_web::{HttpMessage, HttpResponse, ResponseError};
use governor::clock::{Clock, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};

use crate::auth::TokenKeys;
use crate::error::ApiError;

use super::caller::bearer_token;
use super::client_address::client_ip;

/// The bearer token's check, made once per request: its subject, or `None` for a token
/// that is invalid, expired or forged. The session middleware reads it.
#[derive(Debug, Clone)]
pub struct TokenChecked(pub Option<crate::auth::Verified>);

pub const RATE_LIMIT: HeaderName = HeaderName::from_static("ratelimit");
pub const RATE_LIMIT_POLICY: HeaderName = HeaderName::from_static("ratelimit-policy");

/// Longest `RateLimit` or `RateLimit-Policy` value: a policy's name, a count of at most
/// `u32::MAX` and a window of 60 seconds (`"anonymous";q=4294967295;w=60`).
pub const MAX_FIELD_LEN: usize = 29;

/// Keys tracked before stale ones are dropped (a key is stale once its quota is full).
const KEYS_BEFORE_CLEANUP: usize = 10_000;

type Limiter =
    RateLimiter<String, DefaultKeyedStateStore<String>, DefaultClock, StateInformationMiddleware>;

/// One quota and the callers' buckets under it.
struct Policy {
    name: &'static str,
    per_minute: u32,
    limiter: Limiter,
}

impl Policy {
    fn new(name: &'static str, per_minute: u32) -> Self {
        let quota =
            Quota::per_minute(NonZeroU32::new(per_minute.max(1)).unwrap_or(NonZeroU32::MIN));
        Self {
            name,
            per_minute: per_minute.max(1),
            limiter: RateLimiter::keyed(quota).with_middleware::<StateInformationMiddleware>(),
        }
    }

    /// `RateLimit-Policy: "signed-in";q=600;w=60`.
    fn policy_field(&self) -> String {
        format!("\"{}\";q={};w=60", self.name, self.per_minute)
    }

    /// Seconds until `remaining` is back to the full quota, rounded up.
    fn reset_seconds(&self, remaining: u32) -> u64 {
        let missing = u64::from(self.per_minute.saturating_sub(remaining));
        (missing * 60).div_ceil(u64::from(self.per_minute))
    }
}

/// The limits of this process: shared by its workers (cheap to clone).
#[derive(Clone)]
pub struct RateLimits {
    inner: Arc<Inner>,
}

struct Inner {
    accounts: Policy,
    anonymous: Policy,
    tokens: TokenKeys,
    trusted_proxies: Vec<ipnet::IpNet>,
}

/// What a check decided, with the header values to send.
enum Verdict {
    Allowed {
        policy: String,
        state: String,
    },
    Refused {
        policy: String,
        state: String,
        retry_after: u64,
    },
}

impl RateLimits {
    pub fn new(
        per_account_per_minute: u32,
        anonymous_per_minute: u32,
        tokens: TokenKeys,
        trusted_proxies: Vec<ipnet::IpNet>,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                accounts: Policy::new("signed-in", per_account_per_minute),
                anonymous: Policy::new("anonymous", anonymous_per_minute),
                tokens,
                trusted_proxies,
            }),
        }
    }

    /// Whose budget a request spends: a valid token's subject, else the source address
    /// (a forged or expired token is the public's, so it cannot buy a fresh budget). The
    /// token's check is left in the request for the session middleware.
    fn key_and_policy(&self, req: &ServiceRequest) -> (String, &Policy) {
        let subject = bearer_token(req.request())
            .ok()
            .flatten()
            .map(|token| self.inner.tokens.verify(&token));
        if let Some(checked) = &subject {
            req.extensions_mut().insert(TokenChecked(checked.clone()));
        }
        match subject.flatten() {
            Some(verified) => (verified.subject.to_string(), &self.inner.accounts),
            None => {
                let source = client_ip(req.request(), &self.inner.trusted_proxies)
                    .unwrap_or(IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED));
                (source.to_string(), &self.inner.anonymous)
            }
        }
    }

    fn check(&self, req: &ServiceRequest) -> Verdict {
        let (key, policy) = self.key_and_policy(req);
        if policy.limiter.len() > KEYS_BEFORE_CLEANUP {
            policy.limiter.retain_recent();
        }
        let name = policy.name;
        match policy.limiter.check_key(&key) {
            Ok(snapshot) => {
                let remaining = snapshot.remaining_burst_capacity();
                Verdict::Allowed {
                    policy: policy.policy_field(),
                    state: format!(
                        "\"{name}\";r={remaining};t={}",
                        policy.reset_seconds(remaining)
                    ),
                }
            }
            Err(not_until) => {
                let wait = not_until.wait_time_from(policy.limiter.clock().now());
                let retry_after = round_up_seconds(wait);
                Verdict::Refused {
                    policy: policy.policy_field(),
                    state: format!("\"{name}\";r=0;t={}", policy.reset_seconds(0)),
                    retry_after,
                }
            }
        }
    }
}

fn round_up_seconds(wait: Duration) -> u64 {
    let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    seconds.max(1)
}

/// Health checks are the orchestrator's and never limited.
fn is_limited(req: &ServiceRequest) -> bool {
    !req.path().starts_with("/health/")
}

pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let limits = req.app_data::<Data<RateLimits>>().cloned();
    let Some(limits) = limits.filter(|_| is_limited(&req)) else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let (policy, state, refused) = match limits.check(&req) {
        Verdict::Allowed { policy, state } => (policy, state, None),
        Verdict::Refused {
            policy,
            state,
            retry_after,
        } => (policy, state, Some(retry_after)),
    };
    let mut response = match refused {
        None => next.call(req).await?.map_into_boxed_body(),
        Some(retry_after) => {
            let error = ApiError::TooManyRequests {
                retry_after: i64::try_from(retry_after).unwrap_or(i64::MAX),
                what: "requests from this caller",
            };
            let answer: HttpResponse = error.error_response();
            req.into_response(answer)
        }
    };
    let headers = response.headers_mut();
    for (name, value) in [(RATE_LIMIT_POLICY, policy), (RATE_LIMIT, state)] {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(name, value);
        }
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resets_and_waits_are_whole_seconds_rounded_up() {
        let policy = Policy::new("signed-in", 600);
        assert_eq!(policy.reset_seconds(600), 0);
        assert_eq!(policy.reset_seconds(599), 1);
        assert_eq!(policy.reset_seconds(0), 60);
        assert_eq!(policy.policy_field(), "\"signed-in\";q=600;w=60");
        assert_eq!(round_up_seconds(Duration::from_millis(100)), 1);
        assert_eq!(round_up_seconds(Duration::from_millis(2001)), 3);
    }

    #[test]
    fn the_fields_are_never_longer_than_declared() {
        for name in ["signed-in", "anonymous"] {
            let policy = Policy::new(name, u32::MAX);
            let state = format!("\"{name}\";r={};t={}", u32::MAX, policy.reset_seconds(0));
            assert!(policy.policy_field().len() <= MAX_FIELD_LEN);
            assert!(state.len() <= MAX_FIELD_LEN, "{state}");
        }
    }
}
