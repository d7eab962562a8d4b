//! `GET /metrics`: Prometheus counters by route template, the pool, the build.

use serde_json::json;

use crate::helpers::{spawn_app, spawn_app_with};

/// The value of the sample whose line starts with `series ` (name and labels as written).
fn sample(metrics: &str, series: &str) -> Option<f64> {
    metrics
        .lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' '))
        .map(|value| value.parse().expect("a number"))
}

#[actix_web::test]
async fn requests_are_counted_by_route_template_and_status() {
    let app = spawn_app().await;
    let agency = app.create_agency(json!({"code": "DINKES"})).await;
    let cohort = app.create_cohort("Laboratorium Inovasi Kebumen 2016").await;
    let innovation = app
        .create_innovation(&cohort["id"], &agency["id"], json!({"name": "MUTTU 1000"}))
        .await;
    let id = innovation["id"].as_i64().unwrap();
    for _ in 0..3 {
        let found = app.get(&format!("/api/v1/innovations/{id}")).await;
        assert_eq!(found.status, 200);
    }
    let missing = app.get("/api/v1/innovations/987654").await;
    assert_eq!(missing.status, 404);

    let response = app.get_anonymous("/metrics").await;
    assert_eq!(response.status, 200);
    assert_eq!(
        response.header("content-type").as_deref(),
        Some("text/plain; version=0.0.4; charset=utf-8")
    );
    let metrics = response.text();
    let by_id =
        r#"inovik_http_requests_total{method="GET",route="/api/v1/innovations/{id}",status="#;
    assert_eq!(
        sample(&metrics, &format!(r#"{by_id}"200"}}"#)),
        Some(3.0),
        "{metrics}"
    );
    assert_eq!(sample(&metrics, &format!(r#"{by_id}"404"}}"#)), Some(1.0));
    assert_eq!(
        sample(
            &metrics,
            r#"inovik_http_request_duration_seconds_count{method="GET",route="/api/v1/innovations/{id}",status="200"}"#
        ),
        Some(3.0)
    );
    assert!(
        !metrics.contains("987654") && !metrics.contains(&format!("/innovations/{id}\"")),
        "no series per id"
    );
    let created =
        r#"inovik_http_requests_total{method="POST",route="/api/v1/innovations",status="201"}"#;
    assert_eq!(sample(&metrics, created), Some(1.0));

    // Every request that reached the database waited for a connection, and the pool is
    // described as it is now: nothing lent out between requests.
    let waits = sample(&metrics, "inovik_db_connection_wait_seconds_count").unwrap();
    assert!(waits >= 7.0, "{waits} connection waits");
    assert_eq!(
        sample(&metrics, "inovik_db_pool_in_use_connections"),
        Some(0.0)
    );
    assert_eq!(
        sample(&metrics, "inovik_db_pool_max_connections"),
        Some(4.0)
    );
    let backend = if crate::helpers::backend_is_postgres() {
        "postgres"
    } else {
        "sqlite"
    };
    let build = format!(
        r#"inovik_build_info{{version="{}",backend="{backend}"}}"#,
        env!("CARGO_PKG_VERSION")
    );
    assert_eq!(sample(&metrics, &build), Some(1.0));
}

#[actix_web::test]
async fn unknown_paths_share_one_series() {
    let app = spawn_app().await;
    for path in ["/wp-admin", "/.env", "/api/v2/innovations"] {
        assert_eq!(app.get_anonymous(path).await.status, 404);
    }
    let metrics = app.get_anonymous("/metrics").await.text();
    assert_eq!(
        sample(
            &metrics,
            r#"inovik_http_requests_total{method="GET",route="unmatched",status="404"}"#
        ),
        Some(3.0)
    );
    assert!(!metrics.contains("wp-admin"));
}

#[actix_web::test]
async fn openmetrics_is_served_to_a_scraper_that_asks_for_it() {
    let app = spawn_app().await;
    let response = app
        .request(actix_web::http::Method::GET, "/metrics")
        .anonymous()
        .header(
            "Accept",
            "application/openmetrics-text;version=1.0.0,text/plain;q=0.5",
        )
        .send()
        .await;
    assert_eq!(response.status, 200);
    assert!(
        response
            .header("content-type")
            .unwrap()
            .starts_with("application/openmetrics-text; version=1.0.0")
    );
    assert!(response.text().ends_with("# EOF\n"));
}

#[actix_web::test]
async fn a_metrics_token_keeps_everyone_else_out() {
    let token = "scrape-token-for-prometheus";
    let app = spawn_app_with(|config| config.metrics_token = Some(token.into())).await;

    let anonymous = app.get_anonymous("/metrics").await;
    anonymous.problem(401);
    assert!(
        anonymous
            .header("www-authenticate")
            .unwrap()
            .starts_with("Bearer")
    );

    // An administrator's access token is not the metrics token.
    let admin = app.get("/metrics").await;
    admin.problem(401);

    let scraper = app
        .request(actix_web::http::Method::GET, "/metrics")
        .bearer(token)
        .send()
        .await;
    assert_eq!(scraper.status, 200);
    assert!(scraper.text().contains("inovik_http_requests_total"));
}

/// Statements the app ran for one `GET path`, read from `/metrics` before and after.
async fn statements_for(app: &crate::helpers::TestApp, path: &str) -> (f64, usize) {
    let count = || async {
        let metrics = app.get_anonymous("/metrics").await.text();
        sample(&metrics, "inovik_db_statements_total").expect("the statement counter")
    };
    let before = count().await;
    let response = app.get(path).await;
    assert_eq!(response.status, 200, "{path}: {}", response.text());
    let rows = if path.contains("format=csv") {
        response.text().lines().count() - 1
    } else {
        response.json()["items"].as_array().unwrap().len()
    };
    (count().await - before, rows)
}

/// No N+1: a page of 1 and a page of 100 cost the same number of SQL statements.
#[actix_web::test]
async fn a_list_runs_the_same_statements_whatever_its_page_size() {
    let app = spawn_app().await;
    let cohort = app.create_cohort("Laboratorium Inovasi Kebumen 2016").await;
    let mut agencies = Vec::new();
    for code in ["BAG-HUKUM", "BAG-TAPEM", "DINKES"] {
        agencies.push(app.create_agency(json!({"code": code})).await);
    }
    let mut last = json!(null);
    for i in 0..12 {
        let agency = &agencies[i % agencies.len()];
        last = app
            .create_innovation(
                &cohort["id"],
                &agency["id"],
                json!({"name": format!("Inovasi {i}")}),
            )
            .await;
    }
    app.advance_to(&last, "delivery").await;
    for user in ["rina", "budi", "sari"] {
        app.create_account(user, "viewer", None).await;
    }

    let transitions = format!("/api/v1/innovations/{}/stage-transitions", last["id"]);
    for list in [
        "/api/v1/innovations?sort=name",
        "/api/v1/innovations?cursor=",
        "/api/v1/innovations?lab_stage=drum_up,delivery&q=inovasi",
        "/api/v1/innovations?format=csv",
        "/api/v1/agencies?",
        "/api/v1/users?",
        "/api/v1/audit-events?",
        &format!("{transitions}?"),
    ] {
        let separator = if list.ends_with('?') { "" } else { "&" };
        let (small, one) = statements_for(&app, &format!("{list}{separator}per_page=1")).await;
        let (large, many) = statements_for(&app, &format!("{list}{separator}per_page=100")).await;
        if !list.contains("format=csv") {
            assert_eq!(one, 1, "{list}");
        }
        assert!(many > 2, "{list}: {many} rows");
        assert!(small >= 1.0, "{list}: statements are counted");
        assert_eq!(
            small, large,
            "{list}: {small} statements for 1 row, {large} for {many}"
        );
    }
}
