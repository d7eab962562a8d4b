//! What OAuth 2.0 client libraries send (Authlib, requests-oauthlib): extra parameters the
//! server must ignore (RFC 6749 section 3.2), client credentials on revocation and access
//! tokens revoked (RFC 7009), and the promise that ending a sign-in ends its access tokens.

use actix_web::http::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestResponse, spawn_app};

async fn form(app: &TestApp, path: &str, body: &str) -> TestResponse {
    app.request(Method::POST, path)
        .anonymous()
        .raw("application/x-www-form-urlencoded", body.to_owned())
        .send()
        .await
}

async fn me_status(app: &TestApp, access_token: &str) -> u16 {
    crate::auth::me(app, access_token).await.status.as_u16()
}

fn text(value: &Value, field: &str) -> String {
    value[field].as_str().unwrap().to_owned()
}

#[actix_web::test]
async fn token_requests_ignore_parameters_they_do_not_know() {
    let app = spawn_app().await;
    app.create_account("rina.w", "viewer", None).await;
    let signed_in = form(
        &app,
        "/api/v1/auth/token",
        "grant_type=password&username=rina.w&password=rina.w-password-2016\
         &client_id=dashboard&audience=inovik&resource=https%3A%2F%2Finovik.example",
    )
    .await;
    assert_eq!(signed_in.status, 200, "{}", signed_in.text());
    // requests-oauthlib's automatic refresh sends `allow_redirects` as a form field.
    let refresh = form(
        &app,
        "/api/v1/auth/token",
        &format!(
            "grant_type=refresh_token&refresh_token={}&allow_redirects=True&client_id=dashboard",
            text(&signed_in.json(), "refresh_token")
        ),
    )
    .await;
    assert_eq!(refresh.status, 200, "{}", refresh.text());
    let json = app
        .request(Method::POST, "/api/v1/auth/token")
        .anonymous()
        .json(&json!({"grant_type": "password", "username": "rina.w",
            "password": "rina.w-password-2016", "audience": "inovik"}))
        .send()
        .await;
    assert_eq!(json.status, 200, "{}", json.text());
}

#[actix_web::test]
async fn revoking_a_refresh_token_ends_the_sign_in_and_its_access_tokens() {
    let app = spawn_app().await;
    app.create_account("rina.w", "viewer", None).await;
    let session = app.sign_in("rina.w").await;
    let other = app.sign_in("rina.w").await;
    let access = text(&session, "access_token");
    assert_eq!(me_status(&app, &access).await, 200);

    // Authlib's revoke_token() sends the client's id and secret in the body.
    let revoked = form(
        &app,
        "/api/v1/auth/revoke",
        &format!(
            "token={}&token_type_hint=refresh_token&client_id=dashboard&client_secret=s3cret",
            text(&session, "refresh_token")
        ),
    )
    .await;
    assert_eq!(revoked.status, 200, "{}", revoked.text());
    assert_eq!(
        me_status(&app, &access).await,
        401,
        "its access token ends at once"
    );
    assert_eq!(
        me_status(&app, &text(&other, "access_token")).await,
        200,
        "another sign-in of the same person goes on"
    );
}

#[actix_web::test]
async fn revoking_an_access_token_ends_its_sign_in() {
    let app = spawn_app().await;
    app.create_account("rina.w", "viewer", None).await;
    let session = app.sign_in("rina.w").await;
    let access = text(&session, "access_token");
    let revoked = form(
        &app,
        "/api/v1/auth/revoke",
        &format!("token={access}&token_type_hint=access_token"),
    )
    .await;
    assert_eq!(revoked.status, 200, "{}", revoked.text());
    assert_eq!(me_status(&app, &access).await, 401);
    let refresh = form(
        &app,
        "/api/v1/auth/token",
        &format!(
            "grant_type=refresh_token&refresh_token={}",
            text(&session, "refresh_token")
        ),
    )
    .await;
    assert_eq!(refresh.problem(400)["error"], "invalid_grant");

    // An over-long or forged token is unknown: 200, revealing nothing.
    let forged = form(
        &app,
        "/api/v1/auth/revoke",
        &format!("token={}x", "a".repeat(600)),
    )
    .await;
    assert_eq!(forged.status, 200);
}

#[actix_web::test]
async fn a_refresh_token_replay_ends_the_access_tokens_of_the_sign_in() {
    let app = spawn_app().await;
    app.create_account("rina.w", "viewer", None).await;
    let first = app.sign_in("rina.w").await;
    let refresh = |token: String| {
        let app = &app;
        async move {
            form(
                app,
                "/api/v1/auth/token",
                &format!("grant_type=refresh_token&refresh_token={token}"),
            )
            .await
        }
    };
    let second = refresh(text(&first, "refresh_token")).await.json();
    assert_eq!(me_status(&app, &text(&second, "access_token")).await, 200);
    refresh(text(&first, "refresh_token")).await.problem(400);
    assert_eq!(
        me_status(&app, &text(&second, "access_token")).await,
        401,
        "a replay revokes the sign-in, access tokens included"
    );
}

#[actix_web::test]
async fn a_machine_clients_access_token_is_not_revocable() {
    let app = spawn_app().await;
    let created = app
        .post_json(
            "/api/v1/api-clients",
            &json!({"name": "SIPD Kemendagri", "role": "viewer"}),
        )
        .await
        .json();
    let token = form(
        &app,
        "/api/v1/auth/token",
        &format!(
            "grant_type=client_credentials&client_id={}&client_secret={}",
            text(&created, "client_id"),
            text(&created, "client_secret")
        ),
    )
    .await
    .json();
    let access = text(&token, "access_token");
    let refused = form(&app, "/api/v1/auth/revoke", &format!("token={access}")).await;
    assert_eq!(refused.problem(400)["error"], "unsupported_token_type");
    assert_eq!(me_status(&app, &access).await, 200);
}

#[actix_web::test]
async fn a_password_change_ends_every_other_sign_in_and_keeps_this_one() {
    let app = spawn_app().await;
    app.create_account("rina.w", "viewer", None).await;
    let this = app.sign_in("rina.w").await;
    let other = app.sign_in("rina.w").await;
    let changed = app
        .request(Method::POST, "/api/v1/me/password")
        .bearer(&text(&this, "access_token"))
        .json(&json!({"current_password": "rina.w-password-2016",
            "new_password": "gong-pendopo-2016"}))
        .send()
        .await;
    assert_eq!(changed.status, 204, "{}", changed.text());
    assert_eq!(me_status(&app, &text(&this, "access_token")).await, 200);
    assert_eq!(me_status(&app, &text(&other, "access_token")).await, 401);

    // An administrator resetting someone else's password ends all of their sign-ins.
    let id = crate::auth::me(&app, &text(&this, "access_token"))
        .await
        .json()["id"]
        .clone();
    let reset = app
        .post_json(
            &format!("/api/v1/users/{id}/password"),
            &json!({"password": "kebumen-beriman-2017"}),
        )
        .await;
    assert_eq!(reset.status, 204, "{}", reset.text());
    assert_eq!(me_status(&app, &text(&this, "access_token")).await, 401);
}

#[actix_web::test]
async fn token_fields_are_strings_when_sent() {
    let app = spawn_app().await;
    for (path, body) in [
        ("/api/v1/auth/token", json!({"grant_type": null})),
        (
            "/api/v1/auth/revoke",
            json!({"token": "x", "token_type_hint": 7}),
        ),
    ] {
        let refused = app
            .request(Method::POST, path)
            .anonymous()
            .json(&body)
            .send()
            .await;
        assert_eq!(
            refused.problem(400)["error"],
            "invalid_request",
            "{path} {body}"
        );
    }
}
