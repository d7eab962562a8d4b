//! Managing users and API clients, and the command line that makes the first admin.

use std::io::Write;
use std::process::{Command, Stdio};

use actix_web::http::Method;
use serde_json::json;

use crate::helpers::{TestDatabase, spawn_app};

#[actix_web::test]
async fn admins_create_change_and_deactivate_users() {
    let app = spawn_app().await;
    let agency = app.create_agency(json!({"code": "BAG-HUKUM"})).await;

    let response = app
        .post_json(
            "/api/v1/users",
            &json!({"username": "Rina.W", "display_name": "Rina Wulandari", "role": "agency_editor",
                    "agency_id": agency["id"], "password": "gong-pendopo-2016"}),
        )
        .await;
    assert_eq!(response.status, 201, "{}", response.text());
    let user = response.json();
    assert_eq!(user["username"], "rina.w");
    assert!(user.get("password").is_none() && user.get("password_hash").is_none());
    let path = format!("/api/v1/users/{}", user["id"]);
    assert_eq!(
        response.header("location").unwrap(),
        format!("http://127.0.0.1:8080{path}")
    );
    assert_eq!(app.get(&path).await.json(), user);
    assert_eq!(
        app.get("/api/v1/users?role=agency_editor").await.json()["total"],
        1
    );

    let demoted = app
        .patch_json(&path, &json!({"role": "viewer", "agency_id": null}))
        .await;
    assert_eq!(demoted.status, 200, "{}", demoted.text());
    assert_eq!(
        (
            demoted.json()["role"].clone(),
            demoted.json()["version"].clone()
        ),
        (json!("viewer"), json!(2))
    );

    assert_eq!(app.delete(&path).await.status, 204);
    assert_eq!(app.get(&path).await.json()["active"], false);
    let sign_in = app
        .request(Method::POST, "/api/v1/auth/token")
        .anonymous()
        .json(&json!({"grant_type": "password", "username": "rina.w", "password": "gong-pendopo-2016"}))
        .send()
        .await;
    sign_in.problem(400);
}

#[actix_web::test]
async fn account_rules_are_422_and_duplicates_409() {
    let app = spawn_app().await;
    let create = |body: serde_json::Value| {
        app.request(Method::POST, "/api/v1/users")
            .json(&body)
            .send()
    };
    let editor_without_agency = create(json!({"username": "editor", "display_name": "Ed", "role": "agency_editor", "password": "gong-pendopo-2016"})).await;
    editor_without_agency.problem(422);
    assert_eq!(
        editor_without_agency.field_errors(),
        vec![("agency_id".into(), "agency_required".into())]
    );
    let bad = create(
        json!({"username": "a b", "display_name": " ", "role": "viewer", "password": "short"}),
    )
    .await;
    bad.problem(422);
    let mut fields: Vec<String> = bad.field_errors().into_iter().map(|(f, _)| f).collect();
    fields.sort();
    assert_eq!(fields, vec!["display_name", "password", "username"]);
    let contains_name = create(json!({"username": "rina.w", "display_name": "R", "role": "viewer", "password": "my-name-is-rina.w"})).await;
    assert_eq!(
        contains_name.field_errors(),
        vec![("password".into(), "password_contains_username".into())]
    );
    let missing_agency = create(json!({"username": "editor", "display_name": "Ed", "role": "agency_editor", "agency_id": 999, "password": "gong-pendopo-2016"})).await;
    assert_eq!(
        missing_agency.field_errors(),
        vec![("agency_id".into(), "agency_not_found".into())]
    );

    let body = json!({"username": "rina.w", "display_name": "Rina", "role": "viewer", "password": "gong-pendopo-2016"});
    assert_eq!(create(body.clone()).await.status, 201);
    create(body).await.problem(409);
}

#[actix_web::test]
async fn an_admin_cannot_lock_themselves_out() {
    let app = spawn_app().await;
    let me = app.get("/api/v1/me").await.json();
    let path = format!("/api/v1/users/{}", me["id"]);
    app.patch_json(&path, &json!({"role": "viewer"}))
        .await
        .problem(409);
    app.delete(&path).await.problem(409);
    assert_eq!(app.get(&path).await.json()["role"], "admin");
}

#[actix_web::test]
async fn client_secrets_are_shown_once_and_rotate() {
    let app = spawn_app().await;
    let created = app
        .post_json(
            "/api/v1/api-clients",
            &json!({"name": "SIPD Kemendagri", "role": "viewer"}),
        )
        .await;
    assert_eq!(created.status, 201);
    assert_eq!(created.header("cache-control").as_deref(), Some("no-store"));
    let client = created.json();
    let path = format!("/api/v1/api-clients/{}", client["id"]);
    let stored = app.get(&path).await.json();
    assert!(
        stored.get("client_secret").is_none(),
        "the secret is shown only once"
    );
    assert_eq!(stored["client_id"], client["client_id"]);

    let token = |secret: serde_json::Value| {
        app.request(Method::POST, "/api/v1/auth/token")
            .anonymous()
            .json(&json!({"grant_type": "client_credentials", "client_id": client["client_id"], "client_secret": secret}))
            .send()
    };
    assert_eq!(token(client["client_secret"].clone()).await.status, 200);
    let rotated = app
        .request(Method::POST, &format!("{path}/secret"))
        .send()
        .await
        .json();
    assert_ne!(rotated["client_secret"], client["client_secret"]);
    token(client["client_secret"].clone()).await.problem(401);
    assert_eq!(token(rotated["client_secret"].clone()).await.status, 200);

    assert_eq!(app.delete(&path).await.status, 204);
    token(rotated["client_secret"].clone()).await.problem(401);
}

#[test]
fn the_first_admin_is_made_at_the_command_line_with_the_password_on_stdin() {
    let database = TestDatabase::create();
    let run = |args: &[&str], stdin: &str| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_inovik"))
            .args(args)
            .env("DATABASE_URL", database.url.target())
            .env("INOVIK_STORAGE_URL", &database.storage_url)
            .env(
                "INOVIK_JWT_SECRET",
                "a-secret-for-this-test-that-is-long-enough",
            )
            .env("INOVIK_ARGON2_MEMORY_KIB", "256")
            .env("INOVIK_ARGON2_ITERATIONS", "1")
            .env("RUST_LOG", "warn")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let made = run(
        &["create-user", "--username", "admin", "--role", "admin"],
        "gong-pendopo-2016\n",
    );
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    assert!(String::from_utf8_lossy(&made.stdout).starts_with("created user admin"));

    let weak = run(
        &["create-user", "--username", "second", "--role", "admin"],
        "short\n",
    );
    assert!(!weak.status.success());
    assert!(String::from_utf8_lossy(&weak.stderr).contains("at least 12 characters"));

    let client = run(&["create-client", "--name", "SIPD", "--role", "viewer"], "");
    assert!(
        client.status.success(),
        "{:?}: {}{}",
        client.status,
        String::from_utf8_lossy(&client.stdout),
        String::from_utf8_lossy(&client.stderr)
    );
    let out = String::from_utf8_lossy(&client.stdout);
    assert!(
        out.contains("client_id=ck_") && out.contains("client_secret="),
        "{out}"
    );
}

#[test]
fn production_refuses_to_start_without_a_real_secret() {
    let database = TestDatabase::create();
    for secret in [None, Some("too-short")] {
        let mut command = Command::new(env!("CARGO_BIN_EXE_inovik"));
        command
            .args(["serve"])
            .env("DATABASE_URL", database.url.target())
            .env("INOVIK_STORAGE_URL", &database.storage_url)
            .env("INOVIK_ENV", "production")
            .env("INOVIK_BIND", "127.0.0.1:0")
            .env_remove("INOVIK_JWT_SECRET");
        if let Some(secret) = secret {
            command.env("INOVIK_JWT_SECRET", secret);
        }
        let output = command.output().unwrap();
        assert!(!output.status.success());
        assert!(String::from_utf8_lossy(&output.stderr).contains("INOVIK_JWT_SECRET"));
    }
}

#[test]
fn production_refuses_to_start_with_open_metrics() {
    let database = TestDatabase::create();
    let mut child = Command::new(env!("CARGO_BIN_EXE_inovik"))
        .args(["serve"])
        .env("DATABASE_URL", database.url.target())
        .env("INOVIK_STORAGE_URL", &database.storage_url)
        .env("INOVIK_ENV", "production")
        .env("INOVIK_BIND", "127.0.0.1:0")
        .env(
            "INOVIK_JWT_SECRET",
            "a-production-secret-of-at-least-32-bytes",
        )
        .env_remove("INOVIK_METRICS_TOKEN")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // A server that started would run until killed: give it ten seconds to refuse.
    let started = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > std::time::Duration::from_secs(10) {
            let _ = child.kill();
            panic!("production started with /metrics open");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("INOVIK_METRICS_TOKEN is required"),
        "{stderr}"
    );
}
