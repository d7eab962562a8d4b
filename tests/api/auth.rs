//! Sign-in: the token endpoint, token edge cases, refresh rotation, revocation, throttling.

use actix_web::http::Method;
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestResponse, spawn_app};

const TEST_SECRET: &[u8] = b"test-secret-that-is-long-enough-for-hs256";

async fn token_request(app: &TestApp, body: Value) -> TestResponse {
    app.request(Method::POST, "/api/v1/auth/token")
        .anonymous()
        .json(&body)
        .send()
        .await
}

pub(crate) async fn me(app: &TestApp, token: &str) -> TestResponse {
    app.request(Method::GET, "/api/v1/me")
        .bearer(token)
        .send()
        .await
}

/// A token signed with the test secret, with `claims` over sensible defaults.
fn forge(claims: Value, secret: &[u8]) -> String {
    let now = chrono::Utc::now().timestamp();
    let mut all = json!({"sub": "user:1", "role": "admin", "iss": "inovik", "aud": "inovik-api",
        "iat": now, "nbf": now, "exp": now + 600});
    for (key, value) in claims.as_object().unwrap() {
        all[key] = value.clone();
    }
    jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &all,
        &jsonwebtoken::EncodingKey::from_secret(secret).unwrap(),
    )
    .unwrap()
}

#[actix_web::test]
async fn password_grant_returns_a_bearer_token_that_works() {
    let app = spawn_app().await;
    app.create_account("rina.w", "viewer", None).await;

    let response = token_request(
        &app,
        json!({"grant_type": "password", "username": "Rina.W", "password": "rina.w-password-2016"}),
    )
    .await;

    assert_eq!(response.status, 200, "{}", response.text());
    assert_eq!(
        response.header("cache-control").as_deref(),
        Some("no-store")
    );
    let body = response.json();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3600);
    assert!(body["refresh_token"].as_str().unwrap().len() >= 40);
    let me = me(&app, body["access_token"].as_str().unwrap()).await;
    assert_eq!(me.status, 200);
    assert_eq!(me.json()["name"], "rina.w");
    assert_eq!(me.json()["role"], "viewer");
    assert_eq!(me.header("cache-control").as_deref(), Some("no-store"));
}

#[actix_web::test]
async fn the_token_endpoint_takes_forms_and_http_basic_as_oauth_clients_send_them() {
    let app = spawn_app().await;
    app.create_account("rina.w", "viewer", None).await;
    let form = app
        .request(Method::POST, "/api/v1/auth/token")
        .anonymous()
        .raw(
            "application/x-www-form-urlencoded",
            "grant_type=password&username=rina.w&password=rina.w-password-2016&scope=openid",
        )
        .send()
        .await;
    assert_eq!(form.status, 200, "{}", form.text());

    let created = app
        .post_json(
            "/api/v1/api-clients",
            &json!({"name": "SIPD Kemendagri", "role": "viewer"}),
        )
        .await
        .json();
    let (id, secret) = (
        created["client_id"].as_str().unwrap(),
        created["client_secret"].as_str().unwrap(),
    );
    let basic = STANDARD.encode(format!("{id}:{secret}"));
    let with_basic = app
        .request(Method::POST, "/api/v1/auth/token")
        .anonymous()
        .header("authorization", &format!("Basic {basic}"))
        .raw(
            "application/x-www-form-urlencoded",
            "grant_type=client_credentials",
        )
        .send()
        .await;
    assert_eq!(with_basic.status, 200, "{}", with_basic.text());
    let body = with_basic.json();
    assert!(
        body.get("refresh_token").is_none(),
        "machine clients get no refresh token"
    );
    let me = me(&app, body["access_token"].as_str().unwrap())
        .await
        .json();
    assert_eq!(
        (me["kind"].clone(), me["name"].clone()),
        (json!("client"), json!(id))
    );

    let in_body = token_request(
        &app,
        json!({"grant_type": "client_credentials", "client_id": id, "client_secret": secret}),
    )
    .await;
    assert_eq!(in_body.status, 200);
}

#[actix_web::test]
async fn token_errors_carry_rfc_6749_codes() {
    let app = spawn_app().await;
    app.create_account("rina.w", "viewer", None).await;
    let cases = [
        (
            json!({"grant_type": "password", "username": "rina.w", "password": "wrong-password!"}),
            400,
            "invalid_grant",
        ),
        (
            json!({"grant_type": "password", "username": "nobody", "password": "wrong-password!"}),
            400,
            "invalid_grant",
        ),
        (
            json!({"grant_type": "password", "username": "rina.w"}),
            400,
            "invalid_request",
        ),
        (
            json!({"grant_type": "client_credentials", "client_id": "ck_x", "client_secret": "nope"}),
            401,
            "invalid_client",
        ),
        (
            // `code` is ignored like any parameter the endpoint does not know (RFC 6749
            // section 3.2); the grant itself is not offered.
            json!({"grant_type": "authorization_code", "code": "x"}),
            400,
            "unsupported_grant_type",
        ),
        (
            json!({"grant_type": "implicit"}),
            400,
            "unsupported_grant_type",
        ),
        (json!({"username": "rina.w"}), 400, "invalid_request"),
        (
            json!({"grant_type": "refresh_token", "refresh_token": "made-up"}),
            400,
            "invalid_grant",
        ),
    ];
    for (body, status, error) in cases {
        let response = token_request(&app, body.clone()).await;
        let problem = response.problem(status);
        assert_eq!(problem["error"], error, "{body}");
        assert!(problem["error_description"].is_string());
        if status == 401 {
            assert_eq!(
                response.header("www-authenticate").as_deref(),
                Some("Basic realm=\"inovik\"")
            );
        }
    }
    let wrong_type = app
        .request(Method::POST, "/api/v1/auth/token")
        .anonymous()
        .raw("text/plain", "grant_type=password")
        .send()
        .await;
    wrong_type.problem(415);
}

#[actix_web::test]
async fn bad_tokens_are_401_with_a_bearer_challenge() {
    let app = spawn_app().await;
    let user_id = app.create_account("rina.w", "viewer", None).await;
    let valid = app.sign_in("rina.w").await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let sub = json!(format!("user:{user_id}"));
    let now = chrono::Utc::now().timestamp();
    let tampered = {
        let parts: Vec<&str> = valid.split('.').collect();
        let mut claims: Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
        claims["role"] = json!("admin");
        format!(
            "{}.{}.{}",
            parts[0],
            URL_SAFE_NO_PAD.encode(claims.to_string()),
            parts[2]
        )
    };
    let unsigned = {
        let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#);
        let claims = URL_SAFE_NO_PAD.encode(
            json!({"sub": sub, "role": "admin", "iss": "inovik", "aud": "inovik-api",
                   "iat": now, "nbf": now, "exp": now + 600})
            .to_string(),
        );
        format!("{header}.{claims}.")
    };
    let cases = [
        (
            "expired",
            forge(
                json!({"sub": sub, "iat": now - 7200, "nbf": now - 7200, "exp": now - 3600}),
                TEST_SECRET,
            ),
        ),
        (
            "not yet valid",
            forge(
                json!({"sub": sub, "nbf": now + 3600, "exp": now + 7200}),
                TEST_SECRET,
            ),
        ),
        ("tampered", tampered),
        ("alg none", unsigned),
        (
            "wrong issuer",
            forge(json!({"sub": sub, "iss": "someone-else"}), TEST_SECRET),
        ),
        (
            "wrong audience",
            forge(json!({"sub": sub, "aud": "another-api"}), TEST_SECRET),
        ),
        (
            "other secret",
            forge(
                json!({"sub": sub}),
                b"another-secret-that-is-long-enough-too",
            ),
        ),
        (
            "unknown subject",
            forge(json!({"sub": "user:999999"}), TEST_SECRET),
        ),
        (
            "malformed subject",
            forge(json!({"sub": "root"}), TEST_SECRET),
        ),
        ("garbage", "not.a.token".to_owned()),
    ];
    for (case, token) in cases {
        let response = me(&app, &token).await;
        response.problem(401);
        assert_eq!(
            response.header("www-authenticate").as_deref(),
            Some("Bearer realm=\"inovik\", error=\"invalid_token\""),
            "{case}"
        );
    }
    let basic = app
        .request(Method::GET, "/api/v1/me")
        .anonymous()
        .header("authorization", "Basic YTpi")
        .send()
        .await;
    basic.problem(401);
    let none = app
        .request(Method::GET, "/api/v1/me")
        .anonymous()
        .send()
        .await;
    none.problem(401);
    assert_eq!(
        none.header("www-authenticate").as_deref(),
        Some("Bearer realm=\"inovik\"")
    );
    assert_eq!(
        me(&app, &valid).await.status,
        200,
        "the genuine token still works"
    );
}

#[actix_web::test]
async fn a_deactivated_or_demoted_account_loses_its_rights_at_once() {
    let app = spawn_app().await;
    let agency = app.create_agency(serde_json::json!({})).await;
    let editor_id = app
        .create_account("editor", "agency_editor", agency["id"].as_i64())
        .await;
    let token = app.sign_in("editor").await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/api/v1/agencies/{}", agency["id"]);
    let edit = || {
        app.request(Method::PATCH, &path)
            .bearer(&token)
            .json(&json!({"phone": "(0287) 381234"}))
            .send()
    };
    assert_eq!(edit().await.status, 200);

    app.patch_json(
        &format!("/api/v1/users/{editor_id}"),
        &json!({"role": "viewer", "agency_id": null}),
    )
    .await;
    edit().await.problem(403);

    app.delete(&format!("/api/v1/users/{editor_id}")).await;
    edit().await.problem(401);
    me(&app, &token).await.problem(401);
}

#[actix_web::test]
async fn refresh_tokens_rotate_and_a_replay_revokes_the_family() {
    let app = spawn_app().await;
    app.create_account("rina.w", "viewer", None).await;
    let first = app.sign_in("rina.w").await;
    let refresh = |token: &str| {
        token_request(
            &app,
            json!({"grant_type": "refresh_token", "refresh_token": token}),
        )
    };

    let second = refresh(first["refresh_token"].as_str().unwrap()).await;
    assert_eq!(second.status, 200, "{}", second.text());
    let second = second.json();
    assert_ne!(second["refresh_token"], first["refresh_token"]);
    assert_eq!(
        me(&app, second["access_token"].as_str().unwrap())
            .await
            .status,
        200
    );

    let replay = refresh(first["refresh_token"].as_str().unwrap()).await;
    assert_eq!(replay.problem(400)["error"], "invalid_grant");
    let after_replay = refresh(second["refresh_token"].as_str().unwrap()).await;
    assert_eq!(
        after_replay.problem(400)["error"],
        "invalid_grant",
        "the whole family is revoked"
    );

    let other_session = app.sign_in("rina.w").await;
    assert_eq!(
        refresh(other_session["refresh_token"].as_str().unwrap())
            .await
            .status,
        200
    );
}

#[actix_web::test]
async fn revocation_and_password_changes_end_sessions() {
    let app = spawn_app().await;
    app.create_account("rina.w", "viewer", None).await;
    let session = app.sign_in("rina.w").await;
    let revoke = app
        .request(Method::POST, "/api/v1/auth/revoke")
        .anonymous()
        .raw(
            "application/x-www-form-urlencoded",
            format!("token={}", session["refresh_token"].as_str().unwrap()),
        )
        .send()
        .await;
    assert_eq!(revoke.status, 200);
    let unknown = app
        .request(Method::POST, "/api/v1/auth/revoke")
        .anonymous()
        .json(&json!({"token": "never-issued"}))
        .send()
        .await;
    assert_eq!(unknown.status, 200, "revocation reveals nothing");
    let refresh = |token: Value| {
        token_request(
            &app,
            json!({"grant_type": "refresh_token", "refresh_token": token}),
        )
    };
    refresh(session["refresh_token"].clone()).await.problem(400);

    let session = app.sign_in("rina.w").await;
    let other = app.sign_in("rina.w").await;
    let token = session["access_token"].as_str().unwrap();
    let change = |body: Value| {
        app.request(Method::POST, "/api/v1/me/password")
            .bearer(token)
            .json(&body)
            .send()
    };
    let wrong =
        change(json!({"current_password": "not-it-at-all", "new_password": "gong-pendopo-2016"}))
            .await;
    wrong.problem(422);
    assert_eq!(
        wrong.field_errors(),
        vec![("current_password".into(), "password_incorrect".into())]
    );
    let weak =
        change(json!({"current_password": "rina.w-password-2016", "new_password": "short"})).await;
    assert_eq!(
        weak.field_errors(),
        vec![("new_password".into(), "password_too_short".into())]
    );
    let ok = change(
        json!({"current_password": "rina.w-password-2016", "new_password": "gong-pendopo-2016"}),
    )
    .await;
    assert_eq!(ok.status, 204, "{}", ok.text());

    // The sign-in that changed the password goes on; every other one ends.
    assert_eq!(refresh(session["refresh_token"].clone()).await.status, 200);
    refresh(other["refresh_token"].clone()).await.problem(400);
    let old = token_request(
        &app,
        json!({"grant_type": "password", "username": "rina.w", "password": "rina.w-password-2016"}),
    )
    .await;
    old.problem(400);
    let new = token_request(
        &app,
        json!({"grant_type": "password", "username": "rina.w", "password": "gong-pendopo-2016"}),
    )
    .await;
    assert_eq!(new.status, 200);
}

#[actix_web::test]
async fn repeated_failures_are_slowed_down_and_the_count_lives_in_the_database() {
    let app = spawn_app().await;
    app.create_account("rina.w", "viewer", None).await;
    let attempt = |password: &'static str| {
        token_request(
            &app,
            json!({"grant_type": "password", "username": "rina.w", "password": password}),
        )
    };
    for _ in 0..6 {
        attempt("wrong-password!").await.problem(400);
    }
    let blocked = attempt("rina.w-password-2016").await;
    let problem = blocked.problem(429);
    assert_eq!(problem["error"], "temporarily_unavailable");
    assert!(
        problem["error_description"]
            .as_str()
            .unwrap()
            .contains("retry in"),
        "{problem}"
    );
    let retry_after: i64 = blocked.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=2).contains(&retry_after), "{retry_after}");

    // A second server process on the same database sees the same block.
    let second = crate::helpers::start(app.state.clone(), crate::helpers::TestDatabase::none());
    let elsewhere = token_request(
        &second,
        json!({"grant_type": "password", "username": "rina.w", "password": "rina.w-password-2016"}),
    )
    .await;
    elsewhere.problem(429);

    std::thread::sleep(std::time::Duration::from_millis(2100));
    assert_eq!(
        attempt("rina.w-password-2016").await.status,
        200,
        "the block ends"
    );
    for _ in 0..5 {
        attempt("wrong-password!").await.problem(400);
    }
    assert_eq!(
        attempt("rina.w-password-2016").await.status,
        200,
        "success reset the count"
    );
}
