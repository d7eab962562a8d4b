//! `/health/live` and `/health/ready`, for load balancers and orchestrators.

use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;

use super::AppState;
use crate::error::ApiResult;

pub fn configure(config: &mut utoipa_actix_web::service_config::ServiceConfig) {
    config.service(live).service(ready);
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"status": "ok"}))]
pub struct Health {
    #[schema(example = "ok")]
    #[schema(max_length = 2, pattern = "^ok$")]
    pub status: &'static str,
}

/// Liveness
///
/// 200 while the process serves HTTP; says nothing about the database.
#[utoipa::path(
    tag = "health",
    operation_id = "get_liveness",
    responses((status = 200, description = "The process is up", body = Health))
)]
#[get("/live")]
pub async fn live() -> HttpResponse {
    HttpResponse::Ok().json(Health { status: "ok" })
}

/// Readiness
///
/// 200 when the database answers; 503 (problem+json) when it does not, so a load balancer
/// sends traffic elsewhere until it is back.
#[utoipa::path(
    tag = "health",
    operation_id = "get_readiness",
    responses(
        (status = 200, description = "The database answers", body = Health),
        (status = 503, response = super::problems::Unavailable),
    )
)]
#[get("/ready")]
pub async fn ready(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    state.db.ping().await?;
    Ok(HttpResponse::Ok().json(Health { status: "ok" }))
}
