//! Errors outside any one resource: unknown routes, wrong methods, request ids.

use actix_web::http::Method;

use crate::helpers::spawn_app;

#[actix_web::test]
async fn unknown_routes_are_404_problems() {
    let app = spawn_app().await;
    for path in [
        "/nowhere",
        "/api/v1/innovashuns",
        "/api/v1/agencies/1/unknown",
        "/api/v2/agencies",
    ] {
        let problem = app.get(path).await.problem(404);
        assert_eq!(problem["instance"], path);
    }
}

#[actix_web::test]
async fn a_wrong_method_is_405_with_allow() {
    let app = spawn_app().await;
    let cases = [
        (Method::PUT, "/api/v1/agencies/1", "GET, PATCH, DELETE"),
        (Method::DELETE, "/api/v1/agencies", "GET, POST"),
        (Method::POST, "/health/ready", "GET"),
        (
            Method::PATCH,
            "/api/v1/innovations/stage-transitions",
            "POST",
        ),
    ];
    for (method, path, allow) in cases {
        let response = app.request(method.clone(), path).send().await;
        response.problem(405);
        assert_eq!(
            response.header("allow").as_deref(),
            Some(allow),
            "{method} {path}"
        );
    }
}

#[actix_web::test]
async fn request_ids_are_echoed_or_generated() {
    let app = spawn_app().await;
    let given = app
        .request(Method::GET, "/api/v1/agencies/42")
        .header("x-request-id", "kebumen-trace-0001")
        .send()
        .await;
    assert_eq!(
        given.header("x-request-id").as_deref(),
        Some("kebumen-trace-0001")
    );
    assert_eq!(given.problem(404)["request_id"], "kebumen-trace-0001");

    let generated = app.get("/health/live").await;
    assert_eq!(
        generated.header("x-request-id").unwrap().len(),
        36,
        "a UUID"
    );

    let hostile = app
        .request(Method::GET, "/health/live")
        .header("x-request-id", &"x".repeat(500))
        .send()
        .await;
    assert_eq!(
        hostile.header("x-request-id").unwrap().len(),
        36,
        "overlong ids are replaced"
    );
}

#[actix_web::test]
async fn every_response_has_security_headers() {
    let app = spawn_app().await;
    for path in ["/health/live", "/api/v1/agencies", "/nowhere"] {
        let response = app.get(path).await;
        assert_eq!(
            response.header("x-content-type-options").as_deref(),
            Some("nosniff"),
            "{path}"
        );
    }
}
