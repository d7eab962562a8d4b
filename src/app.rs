//! Builds the actix application and server around an [`AppState`].

use std::net::TcpListener;
use std::time::Duration;

use actix_cors::Cors;
use actix_web::dev::Server;
use actix_web::http::header;
use actix_web::middleware::{Condition, Logger, from_fn};
use actix_web::{App, HttpResponse, HttpServer, web};
use utoipa::OpenApi;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::api::{self, ApiDoc, AppState};
use crate::api::{idempotency, session};
use crate::config::Config;
use crate::db::{Db, Manager, run_migrations};
use crate::http::fallback::{RouteTable, not_routed, unparsable_path};
use crate::http::json_body::JsonLimit;
use crate::http::rate_limit::{self, RateLimits};
use crate::http::{cache_headers, head, limits, request_context, security_headers};

/// Access-log line: request id first, so a problem body's `request_id` finds its line.
const ACCESS_LOG_FORMAT: &str = r#"%{x-request-id}o %a "%r" %s %b %Dms"#;

/// Connects to the database (one clear error line if it cannot), applies pending
/// migrations and returns the state every request shares.
pub fn prepare(config: Config) -> Result<AppState, String> {
    drop(migrated_connection(&config)?);
    let db = Db::new(&config.database_url, &config.pool);
    AppState::new(db, config)
}

/// Like [`prepare`], for a one-shot command: the state works on the one connection the
/// migrations ran on, with no pool, so no thread but the command's own touches the
/// database and nothing is left running when the command's process exits.
pub fn prepare_for_command(config: Config) -> Result<AppState, String> {
    let conn = migrated_connection(&config)?;
    let db = Db::single(conn, config.database_url.backend(), &config.pool);
    AppState::new(db, config)
}

/// One connection to the configured database with every migration applied.
fn migrated_connection(config: &Config) -> Result<crate::db::DbConnection, String> {
    let mut conn = Manager::connect_once(&config.database_url)
        .map_err(|e| format!("cannot connect to the {}: {e}", config.database_url))?;
    for version in run_migrations(&mut conn)? {
        log::info!("applied migration {version}");
    }
    Ok(conn)
}

/// CORS for the configured browser origins: the methods and headers the API takes, and
/// the response headers a frontend needs to read (pagination, versions, ids, retries).
fn cors(origins: &[String]) -> Cors {
    let mut cors = Cors::default()
        .allowed_methods(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"])
        .allowed_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::ACCEPT,
            header::ACCEPT_LANGUAGE,
            header::IF_MATCH,
            header::IF_NONE_MATCH,
            idempotency::IDEMPOTENCY_KEY,
            request_context::REQUEST_ID_HEADER,
        ])
        .expose_headers([
            header::ETAG,
            header::LOCATION,
            header::LINK,
            header::RETRY_AFTER,
            idempotency::IDEMPOTENT_REPLAYED,
            request_context::REQUEST_ID_HEADER,
            rate_limit::RATE_LIMIT,
            rate_limit::RATE_LIMIT_POLICY,
        ])
        .max_age(3600);
    for origin in origins {
        cors = cors.allowed_origin(origin);
    }
    cors
}

/// `GET /api-docs/openapi-3.0.json`: the served document's OpenAPI 3.0.3 rendition, for
/// gateways that read no 3.1 (rendered once per worker, served from memory).
fn openapi_30_route(served: &utoipa::openapi::OpenApi) -> actix_web::Resource {
    let rendition = web::Bytes::from(
        serde_json::to_vec(&api::openapi30::downgrade(
            &serde_json::to_value(served).unwrap_or_default(),
        ))
        .unwrap_or_default(),
    );
    web::resource("/api-docs/openapi-3.0.json").route(web::get().to(move || {
        let rendition = rendition.clone();
        async move {
            HttpResponse::Ok()
                .content_type("application/json")
                .body(rendition)
        }
    }))
}

/// The HTTP server on `listener`, ready to be awaited (or spawned, in tests).
pub fn server(state: AppState, listener: TcpListener) -> std::io::Result<Server> {
    let workers = state.config.workers;
    let pool_size = state.config.pool.max_size as usize;
    let json_limit = state.config.json_limit;
    let cors_origins = state.config.cors_origins.clone();
    // One set of buckets for the whole process, shared by its workers.
    let rate_limits = RateLimits::new(
        state.config.rate_limit_per_minute,
        state.config.anonymous_rate_limit_per_minute,
        state.tokens.clone(),
        state.config.trusted_proxies.clone(),
    );
    let mut server = HttpServer::new(move || {
        let (app, doc) = App::new()
            .into_utoipa_app()
            .openapi(ApiDoc::openapi())
            .configure(api::routes)
            .split_for_parts();
        let mut doc = doc;
        api::document::complete(&mut doc);
        let served = api::document::served(doc, &state.config.public_url);
        app.app_data(web::Data::new(state.clone()))
            .app_data(web::Data::from(state.metrics.clone()))
            .app_data(web::Data::new(JsonLimit(json_limit)))
            .app_data(web::Data::new(rate_limits.clone()))
            .app_data(web::Data::new(RouteTable::from_openapi(&served)))
            // An id that is not a number cannot name a record (or the path is another
            // route's, under a method that route does not take).
            .app_data(
                web::PathConfig::default().error_handler(|_, req| unparsable_path(req).into()),
            )
            .service(openapi_30_route(&served))
            .service(SwaggerUi::new("/swagger-ui/{_:.*}").url("/api-docs/openapi.json", served))
            .route(
                "/swagger-ui",
                web::get().to(|| async {
                    HttpResponse::PermanentRedirect()
                        .insert_header(("Location", "/swagger-ui/"))
                        .finish()
                }),
            )
            .default_service(web::to(not_routed))
            // Innermost first. The address bound, the idempotency claim, the session and
            // the rate limit run inside the request context, so their problem bodies carry
            // the request id; the rate limit runs before anything touches the database, and
            // the session (the caller's account) before the idempotency claim, which
            // needs it.
            .wrap(from_fn(limits::middleware))
            .wrap(from_fn(idempotency::middleware))
            .wrap(from_fn(session::middleware))
            .wrap(from_fn(rate_limit::middleware))
            .wrap(from_fn(security_headers::middleware))
            .wrap(from_fn(cache_headers::middleware))
            .wrap(from_fn(request_context::middleware))
            // Outside everything that looks at the method, so a HEAD is a GET to all of it.
            .wrap(from_fn(head::middleware))
            .wrap(Condition::new(
                !cors_origins.is_empty(),
                cors(&cors_origins),
            ))
            .wrap(from_fn(crate::metrics::middleware))
            .wrap(Logger::new(ACCESS_LOG_FORMAT))
    })
    .listen(listener)?
    .shutdown_timeout(30)
    .client_request_timeout(Duration::from_secs(10))
    .keep_alive(Duration::from_secs(75));
    let workers = workers.unwrap_or_else(crate::config::cores);
    // Database work runs on each worker's blocking threads, one connection each: threads
    // beyond the pool's share only wait for a connection, and each costs a stack and a
    // malloc arena (bench/README.md: peak RSS under 64 connections).
    let pool_share = pool_size.div_ceil(workers);
    server = server
        .workers(workers)
        .worker_max_blocking_threads(pool_share.max(2));
    Ok(server.run())
}
