//! Prometheus metrics of one server process: requests by route template and status, their
//! latency, the database pool and the wait for a connection, and the build.
//!
//! Each process keeps its own counters (Prometheus scrapes every replica and sums them);
//! nothing here is state the service depends on. The text is written by `prometheus-client`.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::web;
use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeLabelSet, EncodeMetric};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::metrics::info::Info;
use prometheus_client::registry::{Registry, Unit};

use crate::db::Db;

/// Request latency buckets, in seconds: 1 ms to 30 s.
const LATENCY_BUCKETS: [f64; 14] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// Label of requests that matched no route: one series for every unknown path, so a
/// scanner cannot create a series per path it tries.
const UNMATCHED_ROUTE: &str = "unmatched";

/// One series per method, route template (`/api/v1/innovations/{id}`) and status code.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: u16,
}

type LatencyFamily = Family<RequestLabels, Histogram, fn() -> Histogram>;

/// The registry and the metrics the middleware updates.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: LatencyFamily,
}

impl Metrics {
    /// Registers every metric; `db` is read at each scrape for the pool's state.
    pub fn new(db: &Db) -> Self {
        let mut registry = Registry::with_prefix("inovik");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by method, route template and status",
            requests.clone(),
        );
        let latency: LatencyFamily =
            Family::new_with_constructor(|| Histogram::new(LATENCY_BUCKETS));
        registry.register_with_unit(
            "http_request_duration",
            "Time from receiving a request to having its response, by method, route \
             template and status",
            Unit::Seconds,
            latency.clone(),
        );
        registry.register_with_unit(
            "db_connection_wait",
            "Time requests waited for a pooled database connection",
            Unit::Seconds,
            db.connection_wait().clone(),
        );
        registry.register(
            "db_statements",
            "SQL statements run on pooled connections (a list page runs the same number \
             whatever its size)",
            db.statements().clone(),
        );
        registry.register_collector(Box::new(PoolCollector { db: db.clone() }));
        registry.register(
            "build",
            "The running build",
            Info::new(vec![
                ("version", env!("CARGO_PKG_VERSION")),
                ("backend", db.backend().name()),
            ]),
        );
        Self {
            registry,
            requests,
            latency,
        }
    }

    fn observe(&self, labels: RequestLabels, seconds: f64) {
        self.requests.get_or_create(&labels).inc();
        self.latency.get_or_create(&labels).observe(seconds);
    }

    /// The metrics in the Prometheus text format (0.0.4), or OpenMetrics when `openmetrics`.
    pub fn render(&self, openmetrics: bool) -> Result<(String, &'static str), std::fmt::Error> {
        let mut text = String::new();
        if openmetrics {
            prometheus_client::encoding::text::encode(&mut text, &self.registry)?;
            Ok((
                text,
                "application/openmetrics-text; version=1.0.0; charset=utf-8",
            ))
        } else {
            prometheus_client::encoding::prometheus_text::encode(&mut text, &self.registry)?;
            Ok((
                text,
                prometheus_client::encoding::prometheus_text::CONTENT_TYPE,
            ))
        }
    }
}

/// The pool's connections at scrape time.
struct PoolCollector {
    db: Db,
}

impl std::fmt::Debug for PoolCollector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PoolCollector")
    }
}

impl Collector for PoolCollector {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let pool = self.db.pool_state();
        let gauges = [
            (
                "db_pool_in_use_connections",
                "Database connections lent to requests",
                pool.in_use,
            ),
            (
                "db_pool_idle_connections",
                "Open database connections waiting in the pool",
                pool.idle,
            ),
            (
                "db_pool_max_connections",
                "Most connections the pool opens (INOVIK_POOL_SIZE)",
                pool.max,
            ),
        ];
        for (name, help, value) in gauges {
            let gauge = ConstGauge::new(i64::from(value));
            let metric = encoder.encode_descriptor(name, help, None, gauge.metric_type())?;
            gauge.encode(metric)?;
        }
        Ok(())
    }
}

/// Counts every response and its latency under its route template (not its path, which
/// would make a series per id).
pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let metrics = req.app_data::<web::Data<Metrics>>().cloned();
    let response = next.call(req).await?;
    if let Some(metrics) = metrics {
        let request = response.request();
        let labels = RequestLabels {
            method: request.method().as_str().to_owned(),
            route: request
                .match_pattern()
                .unwrap_or_else(|| UNMATCHED_ROUTE.to_owned()),
            status: response.status().as_u16(),
        };
        metrics.observe(labels, started.elapsed().as_secs_f64());
    }
    Ok(response)
}
