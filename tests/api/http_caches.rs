//! What HTTP caches (browsers, gateways, hishel, requests-cache) are told: public reads may
//! be stored but are revalidated before each use, a signed-in caller's copy is not kept, and
//! an answer varies by `Accept` (JSON or CSV) and by caller.

use actix_web::http::Method;
use serde_json::json;

use crate::helpers::{TestResponse, spawn_app};

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
