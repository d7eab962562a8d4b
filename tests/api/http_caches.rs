//! What HTTP caches (browsers, gateways, hishel, requests-cache) are told: public reads may
//! be stored but are revalidated before each use, a signed-in caller's copy is not kept, and
//! an answer varies by `Accept` (JSON or CSV) and by caller.

use actix_web::http::Method;
use serde_json::json;

use crate::helpers::{TestResponse, spawn_app, spawn_app_with};

fn vary(response: &TestResponse) -> Vec<String> {
    response
        .headers
        .get_all("vary")
        .flat_map(|value| {
            value
                .to_str()
                .unwrap()
                .split(',')
                .map(|v| v.trim().to_owned())
                .collect::<Vec<_>>()
        })
        .collect()
}

fn assert_revalidated(response: &TestResponse, cache_control: &str, what: &str) {
    assert_eq!(
        response.header("cache-control").as_deref(),
        Some(cache_control),
        "{what}"
    );
    let vary = vary(response);
    for name in ["Accept", "Authorization"] {
        assert!(
            vary.iter().any(|v| v.eq_ignore_ascii_case(name)),
            "{what}: Vary {vary:?}"
        );
    }
}

#[actix_web::test]
async fn public_reads_are_revalidated_signed_in_ones_not_kept_and_both_vary() {
    let app = spawn_app().await;
    let agency = app.create_agency(json!({"code": "BAG-HUKUM"})).await;
    let path = format!("/api/v1/agencies/{}", agency["id"]);

    let public = app.request(Method::GET, &path).anonymous().send().await;
    assert_eq!(public.status, 200);
    assert_revalidated(&public, "no-cache", "the public copy");

    let signed_in = app.get(&path).await;
    assert_revalidated(
        &signed_in,
        "no-store",
        "a signed-in copy is kept by no cache",
    );

    let etag = public.header("etag").unwrap();
    let unchanged = app
        .request(Method::GET, &path)
        .anonymous()
        .header("if-none-match", &etag)
        .send()
        .await;
    assert_eq!(unchanged.status, 304);
    assert_revalidated(&unchanged, "no-cache", "a 304 says what the 200 said");

    let csv = app
        .request(Method::GET, "/api/v1/agencies")
        .anonymous()
        .header("accept", "text/csv")
        .send()
        .await;
    assert_eq!(csv.status, 200);
    assert_revalidated(
        &csv,
        "no-cache",
        "the CSV answer of a list URL that also answers JSON",
    );
    let list = app
        .request(Method::GET, "/api/v1/agencies")
        .anonymous()
        .send()
        .await;
    assert_revalidated(&list, "no-cache", "the JSON answer of the same URL");
}

#[actix_web::test]
async fn answers_that_set_their_own_policy_keep_it() {
    let app = spawn_app().await;
    let reference = app
        .request(Method::GET, "/api/v1/reference")
        .anonymous()
        .send()
        .await;
    assert_eq!(
        reference.header("cache-control").as_deref(),
        Some("public, max-age=3600")
    );
    app.create_account("rina.w", "viewer", None).await;
    let token = app
        .request(Method::POST, "/api/v1/auth/token")
        .anonymous()
        .json(&json!({"grant_type": "password", "username": "rina.w", "password": "rina.w-password-2016"}))
        .send()
        .await;
    assert_eq!(token.header("cache-control").as_deref(), Some("no-store"));
}

#[actix_web::test]
async fn the_public_copy_has_its_own_etag_so_no_cache_confuses_the_two() {
    let app = spawn_app().await;
    let agency = app.create_agency(json!({"code": "BAG-HUKUM"})).await;
    let path = format!("/api/v1/agencies/{}", agency["id"]);

    let public = app.get_anonymous(&path).await;
    assert_eq!(public.header("etag").as_deref(), Some("\"1-public\""));
    let full = app.get(&path).await;
    assert_eq!(full.header("etag").as_deref(), Some("\"1\""));

    // An administrator holding the public copy gets the full one, not a 304.
    let upgraded = app
        .request(Method::GET, &path)
        .header("if-none-match", "\"1-public\"")
        .send()
        .await;
    assert_eq!(upgraded.status, 200);
    assert_eq!(upgraded.header("etag").as_deref(), Some("\"1\""));
    let downgraded = app
        .request(Method::GET, &path)
        .anonymous()
        .header("if-none-match", "\"1\"")
        .send()
        .await;
    assert_eq!(downgraded.status, 200);
    let same = app
        .request(Method::GET, &path)
        .anonymous()
        .header("if-none-match", "\"1-public\"")
        .send()
        .await;
    assert_eq!(same.status, 304);

    // Only full copies are written: the public tag is never a current version.
    let stale = app
        .request(Method::PATCH, &path)
        .header("if-match", "\"1-public\"")
        .json(&json!({"name": "Bagian Hukum Setda"}))
        .send()
        .await;
    stale.problem(412);
    assert_eq!(app.get(&path).await.json()["version"], 1);
}

#[actix_web::test]
async fn head_is_answered_wherever_get_is_with_the_same_headers_and_no_body() {
    let app = spawn_app().await;
    let agency = app.create_agency(json!({"code": "BAG-HUKUM"})).await;
    let path = format!("/api/v1/agencies/{}", agency["id"]);
    for (path, accept) in [
        (path.as_str(), "application/json"),
        ("/api/v1/agencies", "application/json"),
        ("/api/v1/agencies", "text/csv"),
        ("/api/v1/reference", "application/json"),
        ("/health/live", "application/json"),
    ] {
        let get = app
            .request(Method::GET, path)
            .header("accept", accept)
            .send()
            .await;
        let head = app
            .request(Method::HEAD, path)
            .header("accept", accept)
            .send()
            .await;
        assert_eq!(head.status, 200, "HEAD {path} ({accept})");
        assert!(head.body.is_empty(), "HEAD {path} has no body");
        for name in ["etag", "content-type", "cache-control", "link"] {
            assert_eq!(head.header(name), get.header(name), "{name} of HEAD {path}");
        }
        if let Some(length) = head.header("content-length") {
            assert_eq!(length, get.body.len().to_string(), "HEAD {path}");
        }
    }

    let unchanged = app
        .request(Method::HEAD, &path)
        .header("if-none-match", "\"1\"")
        .send()
        .await;
    assert_eq!(unchanged.status, 304);

    let wrong_method = app
        .request(Method::PUT, "/api/v1/agencies")
        .json(&json!({}))
        .send()
        .await;
    wrong_method.problem(405);
    let allow = wrong_method.header("allow").unwrap();
    assert!(allow.contains("GET") && allow.contains("HEAD"), "{allow}");
    let missing = app
        .request(Method::HEAD, "/api/v1/nothing-here")
        .send()
        .await;
    assert_eq!(missing.status, 404);
}

#[actix_web::test]
async fn the_served_document_names_the_public_url_the_committed_one_the_root() {
    let app =
        spawn_app_with(|config| config.public_url = "https://inovik.kebumenkab.go.id".into()).await;
    let served = app.get_anonymous("/api-docs/openapi.json").await.json();
    assert_eq!(
        served["servers"],
        json!([{"url": "https://inovik.kebumenkab.go.id", "x-internal": false}])
    );
    let committed: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.json"))
            .unwrap(),
    )
    .unwrap();
    assert_eq!(
        committed["servers"],
        json!([{"url": "/", "x-internal": false}])
    );
    let rendition = app.get_anonymous("/api-docs/openapi-3.0.json").await;
    assert_eq!(rendition.status, 200);
    let rendition = rendition.json();
    assert_eq!(rendition["openapi"], "3.0.3");
    assert_eq!(rendition["servers"], served["servers"]);
}

#[actix_web::test]
async fn exports_have_an_etag_that_changes_with_any_row_or_name_they_show() {
    let app = spawn_app().await;
    let agency = app.create_agency(json!({"code": "BAG-HUKUM"})).await;
    let cohort = app.create_cohort("Lab 2016").await;
    app.create_innovation(&cohort["id"], &agency["id"], json!({"name": "ELEGAN"}))
        .await;
    let tag = |path: &'static str| {
        let app = &app;
        async move {
            let response = app.get(path).await;
            assert_eq!(response.status, 200, "{path}");
            let etag = response.header("etag").expect("an export has an ETag");
            assert!(etag.starts_with("W/\""), "{etag}");
            let again = app
                .request(Method::GET, path)
                .header("if-none-match", &etag)
                .send()
                .await;
            assert_eq!(again.status, 304, "{path}");
            assert!(again.body.is_empty());
            etag
        }
    };
    let innovations = tag("/api/v1/innovations/export.csv").await;
    let negotiated = tag("/api/v1/innovations?format=csv").await;
    let workbook = tag("/api/v1/innovations/export.xlsx").await;
    let agencies = tag("/api/v1/agencies/export.csv").await;
    assert_ne!(innovations, workbook, "one tag per representation");
    assert_ne!(innovations, negotiated, "one tag per URL");
    let public = app
        .request(Method::GET, "/api/v1/agencies/export.csv")
        .anonymous()
        .send()
        .await;
    assert_ne!(
        public.header("etag").unwrap(),
        agencies,
        "the public's copy differs"
    );

    // Renaming the agency changes both exports: its own row, and the name innovations show.
    let renamed = app
        .patch_json(
            &format!("/api/v1/agencies/{}", agency["id"]),
            &json!({"name": "Bagian Hukum Sekretariat Daerah"}),
        )
        .await;
    assert_eq!(renamed.status, 200);
    assert_ne!(tag("/api/v1/innovations/export.csv").await, innovations);
    assert_ne!(tag("/api/v1/agencies/export.csv").await, agencies);
}
