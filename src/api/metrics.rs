//! `GET /metrics`: the process's Prometheus metrics (see [`crate::metrics`]).

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, web};

use super::AppState;
use crate::error::{ApiError, ApiResult};

pub fn configure(config: &mut utoipa_actix_web::service_config::ServiceConfig) {
    config.service(metrics);
}

/// Prometheus metrics
///
/// Requests and their latency by method, route template and status; the database pool's
/// connections in use, idle and at most; time spent waiting for a connection; the build.
/// Prometheus text format 0.0.4, or OpenMetrics 1.0 when `Accept` asks for
/// `application/openmetrics-text`. Each process counts its own requests: scrape every
/// replica. Open to anyone unless `INOVIK_METRICS_TOKEN` is set; then it needs
/// `Authorization: Bearer <that token>` (not an access token).
#[utoipa::path(
    tag = "health",
    operation_id = "get_metrics",
    security((), ("metrics_token" = [])),
    responses(
        (status = 200, description = "The metrics, in the Prometheus text format",
            content(
                (String = "text/plain; version=0.0.4; charset=utf-8", example = json!(
                    "# HELP inovik_http_requests_total HTTP requests answered, by method, route template and status.\n\
                     # TYPE inovik_http_requests_total counter\n\
                     inovik_http_requests_total{method=\"GET\",route=\"/api/v1/innovations/{id}\",status=\"200\"} 42\n")),
                (String = "application/openmetrics-text; version=1.0.0; charset=utf-8", example = json!(
                    "# HELP inovik_db_pool_in_use_connections Database connections lent to requests\n\
                     # TYPE inovik_db_pool_in_use_connections gauge\n\
                     inovik_db_pool_in_use_connections 3\n\
                     # EOF\n")),
            )),
        (status = 401, response = super::problems::Unauthorized),
    )
)]
#[get("/metrics")]
pub async fn metrics(req: HttpRequest, state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    if let Some(token) = &state.config.metrics_token {
        authorize(&req, token)?;
    }
    let (text, content_type) = state
        .metrics
        .render(wants_openmetrics(&req))
        .map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(text))
}

/// Whether `Accept` names OpenMetrics (as Prometheus does when it prefers it).
fn wants_openmetrics(req: &HttpRequest) -> bool {
    req.headers()
        .get_all(header::ACCEPT)
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.contains("application/openmetrics-text"))
}

/// The scraper's bearer token must equal `INOVIK_METRICS_TOKEN`, compared in constant time.
fn authorize(req: &HttpRequest, token: &str) -> ApiResult<()> {
    let presented = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or(ApiError::Unauthorized {
            detail: "this needs the metrics token (INOVIK_METRICS_TOKEN) as a bearer token",
            invalid_token: false,
        })?;
    if crate::auth::secrets::constant_time_eq(presented.as_bytes(), token.as_bytes()) {
        Ok(())
    } else {
        Err(ApiError::Unauthorized {
            detail: "the bearer token is not the metrics token",
            invalid_token: true,
        })
    }
}
