//! Sign-in throttling that slows the attacker, not the owner: counted per (name, source
//! address) and per source address, with a per-source budget on the token endpoint, the
//! source taken from `X-Forwarded-For` only behind a trusted proxy; and failed password
//! changes counted per account.

use actix_web::http::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestResponse, spawn_app, spawn_app_with};

/// The app behind a trusted proxy on 127.0.0.1, so a test can speak from any address.
async fn behind_proxy(adjust: impl FnOnce(&mut inovik::config::Config)) -> TestApp {
    spawn_app_with(|config| {
        config.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
        adjust(config);
    })
    .await
}

async fn sign_in_from(app: &TestApp, source: &str, body: Value) -> TestResponse {
    app.request(Method::POST, "/api/v1/auth/token")
        .anonymous()
        .header("x-forwarded-for", source)
        .json(&body)
        .send()
        .await
}

/// A token request from a loopback address of the test's choosing (all of 127.0.0.0/8 is
/// this machine): real sources, no proxy involved.
async fn sign_in_as(app: &TestApp, local: &str, body: Value) -> (u16, Option<String>, Value) {
    let client = awc::Client::builder()
        .local_address(local.parse().unwrap())
        .finish();
    let mut response = client
        .post(format!("{}/api/v1/auth/token", app.address))
        .send_json(&body)
        .await
        .expect("request sent");
    let retry_after = response
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_owned());
    let body: Value = response.json().await.unwrap_or(Value::Null);
    (response.status().as_u16(), retry_after, body)
}

fn password(username: &str, password: &str) -> Value {
    json!({"grant_type": "password", "username": username, "password": password})
}

const ATTACKER: &str = "203.0.113.66";
const OWNER: &str = "198.51.100.7";

#[actix_web::test]
async fn a_guesser_slows_himself_not_the_owner() {
    let app = spawn_app().await;
    app.create_account("rina.w", "admin", None).await;
    for _ in 0..6 {
        let (status, _, _) =
            sign_in_as(&app, "127.0.0.66", password("rina.w", "tebakan-salah")).await;
        assert_eq!(status, 400);
    }
    let (status, retry_after, problem) =
        sign_in_as(&app, "127.0.0.66", password("rina.w", "tebakan-salah")).await;
    assert_eq!(status, 429, "{problem}");
    assert_eq!(problem["error"], "temporarily_unavailable");
    let retry_after: i64 = retry_after.unwrap().parse().unwrap();
    assert!((1..=2).contains(&retry_after), "{retry_after}");

    let (status, _, answer) = sign_in_as(
        &app,
        "127.0.0.7",
        password("rina.w", "rina.w-password-2016"),
    )
    .await;
    assert_eq!(status, 200, "the owner signs in from elsewhere: {answer}");
}

#[actix_web::test]
async fn behind_a_trusted_proxy_the_forwarded_client_counts() {
    let app = behind_proxy(|_| {}).await;
    app.create_account("rina.w", "admin", None).await;
    for _ in 0..6 {
        sign_in_from(&app, ATTACKER, password("rina.w", "tebakan-salah"))
            .await
            .problem(400);
    }
    sign_in_from(&app, ATTACKER, password("rina.w", "tebakan-salah"))
        .await
        .problem(429);
    let owner = sign_in_from(&app, OWNER, password("rina.w", "rina.w-password-2016")).await;
    assert_eq!(owner.status, 200, "the owner signs in: {}", owner.text());
}

#[actix_web::test]
async fn the_forwarded_address_is_ignored_from_an_untrusted_peer() {
    let app = spawn_app().await;
    app.create_account("rina.w", "viewer", None).await;
    // Each guess claims another address; without a trusted proxy all are 127.0.0.1.
    for i in 0..6 {
        sign_in_from(
            &app,
            &format!("192.0.2.{i}"),
            password("rina.w", "tebakan-salah"),
        )
        .await
        .problem(400);
    }
    sign_in_from(&app, "192.0.2.99", password("rina.w", "tebakan-salah"))
        .await
        .problem(429);
}

#[actix_web::test]
async fn spraying_many_names_from_one_address_is_throttled() {
    let app = spawn_app().await;
    let mut statuses = Vec::new();
    for i in 0..30 {
        let (status, _, _) = sign_in_as(
            &app,
            "127.0.0.66",
            password(&format!("pegawai{i}"), "Kebumen2016"),
        )
        .await;
        statuses.push(status);
    }
    let free = statuses.iter().take_while(|s| **s == 400).count();
    // 20 free failures, and the 21st, which starts the block, is still answered.
    assert_eq!(free, 21, "20 free failures per address: {statuses:?}");
    assert!(statuses[21..].iter().all(|s| *s == 429), "{statuses:?}");
    let (status, _, _) = sign_in_as(&app, "127.0.0.7", password("pegawai1", "Kebumen2016")).await;
    assert_eq!(status, 400, "another address is not slowed by it");
}

#[actix_web::test]
async fn the_token_endpoint_has_a_budget_per_address() {
    // Production's budget (the tests' default is higher).
    let app = spawn_app_with(|config| config.auth.token_requests_per_minute = 60).await;
    app.create_account("rina.w", "viewer", None).await;
    let right = || password("rina.w", "rina.w-password-2016");
    // Successful sign-ins only: no failure counter can refuse, only the budget.
    for _ in 0..60 {
        let (status, _, body) = sign_in_as(&app, "127.0.0.66", right()).await;
        assert_eq!(status, 200, "{body}");
    }
    let (status, retry_after, body) = sign_in_as(&app, "127.0.0.66", right()).await;
    assert_eq!(status, 429, "{body}");
    let retry_after: i64 = retry_after.unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    let (status, _, _) = sign_in_as(&app, "127.0.0.7", right()).await;
    assert_eq!(status, 200, "another address has its own budget");
}

#[actix_web::test]
async fn a_stolen_token_cannot_guess_the_password() {
    let app = spawn_app().await;
    let token = app.token_for("rina.w", "viewer", None).await;
    let change = |current: &str| {
        app.request(Method::POST, "/api/v1/me/password")
            .bearer(&token)
            .json(&json!({"current_password": current, "new_password": "kebumen-beriman-2017"}))
            .send()
    };
    for i in 0..5 {
        let response = change(&format!("tebakan-{i}")).await;
        assert_eq!(
            response.field_errors(),
            vec![(
                "current_password".to_owned(),
                "password_incorrect".to_owned()
            )]
        );
    }
    change("tebakan-5").await.problem(422);
    let blocked = change("rina.w-password-2016").await;
    blocked.problem(429);
    assert!(blocked.header("retry-after").is_some());
}
