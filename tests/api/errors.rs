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
        (
            Method::PUT,
            "/api/v1/agencies/1",
            "GET, HEAD, PATCH, DELETE",
        ),
        (Method::DELETE, "/api/v1/agencies", "GET, HEAD, POST"),
        (Method::POST, "/health/ready", "GET, HEAD"),
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
    for path in [
        "/health/live",
        "/api/v1/agencies",
        "/nowhere",
        "/swagger-ui/",
        "/api-docs/openapi.json",
    ] {
        let response = app.get(path).await;
        for (name, value) in [
            ("x-content-type-options", "nosniff"),
            ("referrer-policy", "no-referrer"),
            ("x-frame-options", "DENY"),
        ] {
            assert_eq!(
                response.header(name).as_deref(),
                Some(value),
                "{path}: {name}"
            );
        }
        let policy = response.header("content-security-policy").unwrap();
        assert!(
            policy.contains("frame-ancestors 'none'"),
            "{path}: {policy}"
        );
        assert!(
            !policy.contains("script-src 'unsafe-inline'"),
            "{path}: {policy}"
        );
    }
    // Swagger UI runs its own scripts and calls this server; nothing else does.
    let ui = app.get("/swagger-ui/").await;
    assert_eq!(ui.status, 200);
    let ui_policy = ui.header("content-security-policy").unwrap();
    assert!(ui_policy.contains("script-src 'self'"), "{ui_policy}");
    assert!(ui_policy.contains("connect-src 'self'"), "{ui_policy}");
    let api_policy = app.get("/api/v1/agencies").await;
    assert!(
        api_policy
            .header("content-security-policy")
            .unwrap()
            .starts_with("default-src 'none'")
    );
}

#[actix_web::test]
async fn an_overlong_address_is_414() {
    let app = spawn_app().await;
    let response = app
        .get(&format!("/api/v1/agencies?q={}", "a".repeat(5000)))
        .await;
    let problem = response.problem(414);
    assert_eq!(
        problem["type"],
        "https://inovik.example/problems/uri-too-long"
    );
}

#[actix_web::test]
async fn cors_is_off_unless_origins_are_configured() {
    let app = spawn_app().await;
    let response = app
        .request(Method::GET, "/api/v1/agencies")
        .header("origin", "https://dashboard.kebumenkab.go.id")
        .send()
        .await;
    assert_eq!(response.status, 200);
    assert_eq!(response.header("access-control-allow-origin"), None);
}

#[actix_web::test]
async fn cors_answers_configured_origins_only() {
    let dashboard = "https://dashboard.kebumenkab.go.id";
    let app = crate::helpers::spawn_app_with(|config| {
        config.cors_origins = vec![dashboard.to_owned()];
    })
    .await;

    let preflight = app
        .request(Method::OPTIONS, "/api/v1/agencies")
        .anonymous()
        .header("origin", dashboard)
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "authorization, content-type, idempotency-key, if-match",
        )
        .send()
        .await;
    assert_eq!(preflight.status, 200, "{}", preflight.text());
    assert_eq!(
        preflight.header("access-control-allow-origin").as_deref(),
        Some(dashboard)
    );
    let allowed = preflight
        .header("access-control-allow-headers")
        .unwrap()
        .to_ascii_lowercase();
    for header in ["authorization", "idempotency-key", "if-match"] {
        assert!(allowed.contains(header), "{allowed}");
    }

    let read = app
        .request(Method::GET, "/api/v1/agencies")
        .header("origin", dashboard)
        .send()
        .await;
    assert_eq!(
        read.header("access-control-allow-origin").as_deref(),
        Some(dashboard)
    );
    let exposed = read
        .header("access-control-expose-headers")
        .unwrap()
        .to_ascii_lowercase();
    for header in ["etag", "link", "x-request-id", "location"] {
        assert!(exposed.contains(header), "{exposed}");
    }

    let stranger = app
        .request(Method::OPTIONS, "/api/v1/agencies")
        .anonymous()
        .header("origin", "https://evil.example")
        .header("access-control-request-method", "GET")
        .send()
        .await;
    assert_ne!(stranger.status, 200);
    assert_eq!(stranger.header("access-control-allow-origin"), None);
}

#[actix_web::test]
async fn oversized_headers_are_refused_and_the_server_goes_on() {
    let app = spawn_app().await;
    let agency = app.create_agency(serde_json::json!({})).await;
    let path = format!("/api/v1/agencies/{}", agency["id"]);
    let tags = vec!["\"1\""; 400].join(", ");
    let condition = app
        .request(Method::PATCH, &path)
        .header("if-match", &tags)
        .raw("application/merge-patch+json", r#"{"name": "Baru"}"#)
        .send()
        .await;
    condition.problem(400);
    assert_eq!(
        condition.field_errors(),
        vec![("if-match".to_owned(), "header_too_long".to_owned())]
    );
    assert_eq!(app.get(&path).await.json()["version"], 1, "nothing changed");

    let huge = app
        .request(Method::GET, "/api/v1/agencies")
        .header("x-filler", &"x".repeat(64 * 1024))
        .send()
        .await;
    huge.problem(431);
    assert_eq!(app.get("/health/live").await.status, 200);
}

#[actix_web::test]
async fn problems_speak_indonesian_when_asked() {
    let app = spawn_app().await;
    let body = serde_json::json!({"code": "x", "name": "", "kind": "dinas", "head_nip": "19780512 200513 2 003"});

    let english = app.post_json("/api/v1/agencies", &body).await;
    let indonesian = app
        .request(Method::POST, "/api/v1/agencies")
        .header("accept-language", "id-ID,id;q=0.9,en;q=0.5")
        .json(&body)
        .send()
        .await;

    let english_problem = english.problem(422);
    let problem = indonesian.problem(422);
    assert_eq!(english_problem["title"], "Validation failed");
    assert_eq!(english.header("content-language").as_deref(), Some("en"));
    assert_eq!(problem["title"], "Validasi gagal");
    assert_eq!(indonesian.header("content-language").as_deref(), Some("id"));
    assert_eq!(
        indonesian.header("vary").as_deref(),
        Some("Accept-Language")
    );
    // Same fields and codes: only the texts change.
    assert_eq!(indonesian.field_errors(), english.field_errors());
    let message = |problem: &serde_json::Value, field: &str| {
        problem["errors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["field"] == field)
            .unwrap()["message"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(
        message(&problem, "head_nip"),
        "bulan pengangkatan (digit 13-14) harus 01-12"
    );
    assert!(message(&problem, "kind").starts_with("harus salah satu dari: agency"));
    assert_eq!(
        message(&english_problem, "head_nip"),
        "the appointment month (digits 13-14) must be 01-12"
    );

    let missing = app
        .request(Method::GET, "/api/v1/agencies/999")
        .header("accept-language", "id")
        .send()
        .await;
    assert_eq!(missing.problem(404)["title"], "Tidak ditemukan");
}
