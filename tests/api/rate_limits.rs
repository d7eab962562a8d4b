//! Per-caller request limits: a quota per minute for each signed-in subject and for each
//! source address without a token, told with the IETF `RateLimit` fields and enforced
//! with 429 and `Retry-After`.

use actix_web::http::Method;

use crate::helpers::spawn_app_with;

#[actix_web::test]
async fn each_caller_has_a_quota_per_minute() {
    let app = spawn_app_with(|config| {
        config.rate_limit_per_minute = 5;
        config.anonymous_rate_limit_per_minute = 3;
        // The admin's sign-in is anonymous: it must fit in the public quota here.
    })
    .await;
    // Signing the admin in spent one of the address's three anonymous requests.
    let mut remaining = Vec::new();
    for _ in 0..5 {
        let response = app.get("/api/v1/agencies").await;
        assert_eq!(response.status, 200, "{}", response.text());
        assert_eq!(
            response.header("ratelimit-policy").as_deref(),
            Some("\"signed-in\";q=5;w=60")
        );
        remaining.push(response.header("ratelimit").unwrap());
    }
    assert_eq!(remaining[0], "\"signed-in\";r=4;t=12");
    assert_eq!(remaining[4], "\"signed-in\";r=0;t=60");

    let refused = app.get("/api/v1/agencies").await;
    let problem = refused.problem(429);
    assert_eq!(problem["error"], "temporarily_unavailable");
    let retry_after: u64 = refused.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=12).contains(&retry_after), "{retry_after}");
    assert_eq!(
        refused.header("ratelimit").as_deref(),
        Some("\"signed-in\";r=0;t=60")
    );

    // The public has its own quota, per address; health checks are never limited.
    for _ in 0..2 {
        assert_eq!(app.get_anonymous("/api/v1/agencies").await.status, 200);
    }
    let public = app.get_anonymous("/api/v1/agencies").await;
    public.problem(429);
    assert_eq!(
        public.header("ratelimit-policy").as_deref(),
        Some("\"anonymous\";q=3;w=60")
    );
    assert_eq!(
        app.request(Method::GET, "/health/live")
            .anonymous()
            .send()
            .await
            .status,
        200
    );
}

#[actix_web::test]
async fn every_answer_tells_the_caller_its_quota() {
    let app = crate::helpers::spawn_app().await;
    let signed_in = app.get("/api/v1/cohorts").await;
    assert_eq!(
        signed_in.header("ratelimit-policy").as_deref(),
        Some("\"signed-in\";q=1000000;w=60")
    );
    assert!(
        signed_in
            .header("ratelimit")
            .is_some_and(|v| v.starts_with("\"signed-in\";r=999999;t=")),
        "{:?}",
        signed_in.header("ratelimit")
    );
    let public = app.get_anonymous("/api/v1/cohorts").await;
    assert!(
        public
            .header("ratelimit-policy")
            .is_some_and(|v| v.starts_with("\"anonymous\";q="))
    );
    let unknown = app.get_anonymous("/api/v1/nothing-here").await;
    assert!(unknown.header("ratelimit").is_some(), "errors count too");
}
