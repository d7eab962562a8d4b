//! The HTTP API: every route, registered through utoipa so the OpenAPI document lists
//! them all, and the response helpers the handlers share.

mod accounts;
pub mod agencies;
pub mod agency_lists;
mod agreement_document;
pub mod agreement_lifecycle;
pub mod agreement_lists;
pub mod agreements;
pub mod api_clients;
pub mod audit_events;
pub mod auth;
pub mod cohorts;
pub mod commitments;
pub mod document;
pub mod document_limits;
pub mod evidence;
mod evidence_content;
mod evidence_routes;
mod evidence_upload;
pub mod government_affair;
pub mod health;
pub mod idempotency;
pub mod import;
pub mod index_assessment_schema;
pub mod index_assessments;
pub mod index_catalogue_schema;
pub mod index_catalogues;
pub mod index_rankings;
pub mod index_summary;
pub mod index_workbook;
pub mod index_years;
pub mod innovation_lists;
pub mod innovations;
pub(crate) mod listing;
pub mod me;
pub mod metrics;
pub mod monitoring;
pub mod monitoring_warnings;
pub mod openapi30;
mod prelude;
pub mod problems;
pub mod quarterly_targets;
pub mod reference;
pub mod revocation;
pub mod session;
pub mod stage_transitions;
pub mod stats;
pub mod uploads;
pub mod users;

use std::sync::Arc;

use actix_web::http::header;
use actix_web::{App, HttpRequest, HttpResponse, HttpResponseBuilder};
use serde::Serialize;
use utoipa::OpenApi;
use utoipa_actix_web::{AppExt, scope};

use crate::auth::{PasswordHasher, TokenKeys};
use crate::config::Config;
use crate::db::Db;
use crate::error::{ApiError, ApiResult, FieldError, Problem};
use crate::http::conditional::{content_etag, none_match, not_modified, version_etag};
use crate::http::pagination::Page;

/// What every handler may use; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
    pub tokens: TokenKeys,
    pub passwords: PasswordHasher,
    /// This process's counters, shared by its workers.
    pub metrics: Arc<crate::metrics::Metrics>,
    /// Where evidence files are kept.
    pub storage: crate::storage::Storage,
}

impl AppState {
    /// The state for `config` on `db`, with its token keys and password hasher.
    pub fn new(db: Db, config: Config) -> Result<Self, String> {
        let auth = &config.auth;
        let tokens = TokenKeys::new(
            &auth.jwt_secret,
            &auth.issuer,
            &auth.audience,
            auth.access_token_seconds,
        )?;
        let (memory, iterations, parallelism) = auth.argon2;
        let passwords =
            PasswordHasher::new(memory, iterations, parallelism, crate::config::cores())?;
        let metrics = Arc::new(crate::metrics::Metrics::new(&db));
        let storage = crate::storage::Storage::open(&config.storage_url)?;
        Ok(Self {
            db,
            storage,
            metrics,
            config: Arc::new(config),
            tokens,
            passwords,
        })
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Inovik API",
        description = "The open registry of the Laboratorium Inovasi Pelayanan Publik of \
            Kabupaten Kebumen: the agencies that run public-service innovations, the \
            innovations and their lab stages, and the innovation performance agreements \
            their heads sign with the Bupati.\n\nErrors are RFC 9457 problem details \
            (`application/problem+json`) with a stable `code` per bad field; send \
            `Accept-Language: id` for their titles and messages in Indonesian. Lists page \
            with `page`/`per_page` or keyset `cursor`s and export CSV with `Accept: text/csv`.\n\n\
            `HEAD` is answered wherever `GET` is, with the same headers and no body. A \
            record's `ETag` is `\"<version>\"` for the full copy (what `If-Match` \
            compares) and `\"<version>-public\"` for the public's copy; answers to \
            requests with credentials are `Cache-Control: no-store`, public reads \
            `no-cache` (revalidate with the `ETag`), and reads vary by `Accept` and \
            `Authorization`.",
        license(name = "Apache-2.0", identifier = "Apache-2.0"),
    ),
    components(
        schemas(Problem, FieldError, crate::domain::index::year::Basis),
        responses(
            problems::BadRequest, problems::NotFound, problems::Conflict,
            problems::PreconditionFailed, problems::PayloadTooLarge,
            problems::UnsupportedMediaType, problems::ValidationFailed, problems::Unavailable,
            problems::Unauthorized, problems::Forbidden, problems::TooManyRequests,
            problems::OAuthError, problems::IdempotencyConflict, problems::UriTooLong,
            problems::HeadersTooLarge, problems::InternalError, problems::Gone,
            problems::RangeNotSatisfiable,
        )
    ),
    modifiers(&SecuritySchemes),
    tags(
        (name = "auth", description = "Tokens: OAuth 2.0 password, client-credentials and \
            refresh-token grants; revocation."),
        (name = "me", description = "The signed-in account."),
        (name = "agencies", description = "Government bodies that own innovations: dinas and \
            badan (SKPD/OPD), Setda sections, Puskesmas, the RSUD, BUMD."),
        (name = "cohorts", description = "Rounds of the innovation lab, e.g. Laboratorium \
            Inovasi Kebumen 2016 with LAN RI."),
        (name = "innovations", description = "Public-service innovations and their moves \
            through the lab's stages (drum_up, diagnose, design, delivery, display)."),
        (name = "documents", description = "Evidence (bukti dukung) of innovations: decrees, \
            profiles, budgets, photos, reports and video links, in the object store."),
        (name = "agreements", description = "Innovation performance agreements (perjanjian \
            kinerja inovasi) between the Bupati and agency heads, their commitments, signing \
            with a verifiable content hash, and realizations."),
        (name = "index", description = "The yearly innovation index (Indeks Inovasi Daerah, \
            Kemendagri): each year's catalogue of indicators, options and formula."),
        (name = "stats", description = "Counts for dashboards."),
        (name = "users", description = "People who sign in (administrators only)."),
        (name = "api-clients", description = "Other regional systems that sign in with client \
            credentials (administrators only)."),
        (name = "audit", description = "Every write, who made it and what changed \
            (administrators only)."),
        (name = "reference", description = "Every enum of the API with labels in Indonesian \
            and English, for frontends."),
        (name = "health", description = "Liveness and readiness probes, and Prometheus \
            metrics."),
    )
)]
pub struct ApiDoc;

/// The security schemes: bearer JWTs from `/api/v1/auth/token` for every operation that
/// needs an account, and HTTP Basic client credentials at the token endpoint.
struct SecuritySchemes;

impl utoipa::Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer_auth",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some(
                        "An access token from POST /api/v1/auth/token (valid one hour by \
                         default, at most a day). A JWS validated as RFC8725 (JSON Web Token \
                         Best Current Practices) advises: one algorithm only, HS256 with a key \
                         of at least 256 bits (`alg: none` and any other algorithm are \
                         refused), and the issuer, audience, expiry and not-before claims \
                         always checked (30 seconds of clock skew allowed). Tokens are not \
                         explicitly typed (RFC8725 section 3.11).",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "client_basic",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Basic)
                    .description(Some(
                        "client_id and client_secret of an API client, at the token endpoint only.",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "metrics_token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "INOVIK_METRICS_TOKEN, at /metrics only, when the operator set one.",
                    ))
                    .build(),
            ),
        );
    }
}

/// Registers every route; used both to serve and to generate the document.
pub fn routes(config: &mut utoipa_actix_web::service_config::ServiceConfig) {
    config
        .service(scope("/api/v1/auth").configure(auth::configure))
        .service(scope("/api/v1/me").configure(me::configure))
        .service(scope("/api/v1/agencies").configure(agencies::configure))
        .service(scope("/api/v1/cohorts").configure(cohorts::configure))
        .service(scope("/api/v1/innovations").configure(innovations::configure))
        .service(scope("/api/v1/performance-agreements").configure(agreements::configure))
        .service(scope("/api/v1/index-catalogues").configure(index_catalogues::configure))
        .service(scope("/api/v1/index-assessments").configure(index_assessments::configure))
        .service(scope("/api/v1/index-years").configure(index_years::configure))
        .service(scope("/api/v1/monitoring-quarters").configure(monitoring::configure_quarters))
        .service(scope("/api/v1/stats").configure(stats::configure))
        .service(scope("/api/v1/users").configure(users::configure))
        .service(scope("/api/v1/api-clients").configure(api_clients::configure))
        .service(scope("/api/v1/audit-events").configure(audit_events::configure))
        .service(scope("/api/v1/reference").configure(reference::configure))
        .service(scope("/health").configure(health::configure))
        .configure(metrics::configure);
}

/// The OpenAPI document, generated from the code (`inovik openapi` prints it).
pub fn openapi() -> utoipa::openapi::OpenApi {
    let (_, doc) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(routes)
        .split_for_parts();
    let mut doc = doc;
    document::complete(&mut doc);
    doc
}

/// The OpenAPI 3.0.3 rendition of [`openapi`], for gateways and tools that read no 3.1
/// (`inovik openapi --openapi-version 3.0`, served at `/api-docs/openapi-3.0.json`).
pub fn openapi_30() -> serde_json::Value {
    openapi30::downgrade(&serde_json::to_value(openapi()).unwrap_or_default())
}

/// Whether the client asked for CSV with `Accept: text/csv` (and not with `q=0`).
pub fn accepts_csv(req: &HttpRequest) -> bool {
    req.headers()
        .get_all(header::ACCEPT)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|media| {
            let mut parts = media.split(';').map(str::trim);
            let is_csv = parts
                .next()
                .is_some_and(|m| m.eq_ignore_ascii_case("text/csv"));
            let refused = parts.any(|p| {
                p.strip_prefix("q=")
                    .and_then(|q| q.parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            is_csv && !refused
        })
}

/// Timestamps in answers: RFC 3339 in UTC with a fixed six fractional digits
/// (`2016-10-12T03:00:00.000000Z`), so every value has the same shape.
/// [`rfc3339`] for an instant that may be absent (`null`).
pub fn rfc3339_option<S: serde::Serializer>(
    at: &Option<chrono::DateTime<chrono::Utc>>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match at {
        Some(at) => rfc3339(at, serializer),
        None => serializer.serialize_none(),
    }
}

pub fn rfc3339<S: serde::Serializer>(
    at: &chrono::DateTime<chrono::Utc>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true))
}

/// A `201 Created` builder whose `Location` is the new record's public URL
/// (`INOVIK_PUBLIC_URL`, never the request's `Host`): `collection` is the path under
/// `/api/v1`, e.g. `agencies`.
pub fn created(state: &AppState, collection: &str, id: i64) -> HttpResponseBuilder {
    let mut response = HttpResponse::Created();
    response.insert_header((
        header::LOCATION,
        format!("{}/api/v1/{collection}/{id}", state.config.public_url),
    ));
    response
}

/// A JSON answer for one record: `ETag` from its version (`"3"`, or `"3-public"` for the
/// public's copy), and 304 for a `GET` whose `If-None-Match` already has it.
pub fn json_with_etag<T: Serialize>(
    req: &HttpRequest,
    mut response: HttpResponseBuilder,
    version: i64,
    body: &T,
) -> HttpResponse {
    let etag = if crate::http::caller::is_public(req) {
        crate::domain::version::public_entity_tag(version)
    } else {
        version_etag(version)
    };
    if req.method() == actix_web::http::Method::GET && none_match(req.headers(), &etag) {
        return not_modified(&etag);
    }
    response.insert_header((header::ETAG, etag)).json(body)
}

/// A computed JSON answer (figures, not a record) with an `ETag` of its content and 304
/// support.
pub fn json_with_content_etag(req: &HttpRequest, body: Vec<u8>) -> HttpResponse {
    let etag = content_etag(&body);
    if none_match(req.headers(), &etag) {
        return not_modified(&etag);
    }
    HttpResponse::Ok()
        .insert_header((header::ETAG, etag))
        .content_type("application/json")
        .body(body)
}

/// A JSON answer for a list page, with `Link`, a weak `ETag` and 304 support.
pub fn list_response<T: Serialize + utoipa::ToSchema>(
    req: &HttpRequest,
    state: &AppState,
    page: &Page<T>,
) -> ApiResult<HttpResponse> {
    let body = serde_json::to_vec(page).map_err(ApiError::internal)?;
    let etag = content_etag(&body);
    if none_match(req.headers(), &etag) {
        return Ok(not_modified(&etag));
    }
    let mut response = HttpResponse::Ok();
    response.insert_header((header::ETAG, etag));
    let base = format!("{}{}", state.config.public_url, req.path());
    if let Some(links) = page.link_header(&base, req.query_string()) {
        response.insert_header((header::LINK, links));
    }
    Ok(response.content_type("application/json").body(body))
}
