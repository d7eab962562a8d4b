//! Running the service: health probes, database outages, Swagger UI, the CLI.

use std::process::Command;
use std::time::{Duration, Instant};

use crate::helpers::{TestDatabase, spawn_app, start};
use inovik::api::AppState;
use inovik::config::Config;
use inovik::db::Db;

#[actix_web::test]
async fn health_probes_answer() {
    let app = spawn_app().await;
    let live = app.get("/health/live").await;
    assert_eq!(
        (live.status.as_u16(), live.json()["status"].clone()),
        (200, "ok".into())
    );
    let ready = app.get("/health/ready").await;
    assert_eq!(
        (ready.status.as_u16(), ready.json()["status"].clone()),
        (200, "ok".into())
    );
}

#[actix_web::test]
async fn a_database_outage_is_a_quick_503_never_a_500() {
    let database = TestDatabase::unreachable();
    let mut config = Config::for_database(database.url.clone());
    config.pool.connection_timeout = Duration::from_millis(500);
    let state = AppState::new(Db::new(&config.database_url, &config.pool), config).unwrap();
    let app = start(state, database);

    assert_eq!(
        app.get("/health/live").await.status,
        200,
        "the process itself is fine"
    );
    let started = Instant::now();
    let ready = app.get("/health/ready").await;
    ready.problem(503);
    assert_eq!(ready.header("retry-after").as_deref(), Some("5"));
    app.get("/api/v1/agencies").await.problem(503);
    // A signed token needs its account read from the database: 503 too, never a 401.
    let token = app.state.tokens.issue(
        &inovik::auth::Subject::User(1),
        inovik::domain::account::Role::Admin,
        None,
    );
    app.request(actix_web::http::Method::POST, "/api/v1/agencies")
        .bearer(&token)
        .json(&serde_json::json!({"code": "AG", "name": "A", "kind": "agency"}))
        .send()
        .await
        .problem(503);
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "bounded waits: {:?}",
        started.elapsed()
    );
}

#[actix_web::test]
async fn swagger_ui_and_the_document_are_served() {
    let app = spawn_app().await;
    let ui = app.get("/swagger-ui/").await;
    assert_eq!(ui.status, 200);
    assert!(
        ui.text().contains("swagger-ui"),
        "the vendored Swagger UI page"
    );
    let redirect = app.get("/swagger-ui").await;
    assert_eq!(redirect.status, 308);
    assert_eq!(redirect.header("location").as_deref(), Some("/swagger-ui/"));
    let doc = app.get("/api-docs/openapi.json").await.json();
    assert_eq!(doc["openapi"], "3.1.0");
    assert!(doc["paths"]["/api/v1/agencies"]["post"].is_object());
}

fn inovik() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_inovik"));
    command.env_remove("DATABASE_URL").env("RUST_LOG", "warn");
    command
}

#[test]
fn an_unreachable_database_stops_the_start_with_one_clear_line() {
    let output = inovik()
        .args(["serve"])
        .env(
            "DATABASE_URL",
            "postgres://inovik:s3cr3t-pass@127.0.0.1:1/registry",
        )
        .env("INOVIK_BIND", "127.0.0.1:0")
        .env(
            "INOVIK_JWT_SECRET",
            "a-secret-for-this-test-that-is-long-enough",
        )
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    let first_line = stderr.lines().next().unwrap_or_default();
    assert!(
        first_line.starts_with(
            "error: cannot connect to the PostgreSQL database registry on 127.0.0.1:1"
        ),
        "{stderr}"
    );
    assert!(!stderr.contains("s3cr3t-pass"), "never the password");
}

#[test]
fn an_unknown_database_scheme_is_refused() {
    let output = inovik()
        .args(["migrate"])
        .env("DATABASE_URL", "mysql://localhost/x")
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("unsupported database URL scheme"));
}

#[test]
fn seed_demo_is_idempotent_and_creates_the_story() {
    let database = TestDatabase::create();
    let url = database.url.target().to_owned();
    let run_command = |args: &[&str]| {
        inovik()
            .args(args)
            .env("DATABASE_URL", &url)
            .env("INOVIK_STORAGE_URL", &database.storage_url)
            .output()
            .unwrap()
    };
    let run = || {
        let output = run_command(&["seed", "--demo"]);
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).trim().to_owned()
    };
    let first = run();
    assert!(first.starts_with("demo data: 13 agencies created, 0 already present\ndemo data: 182 innovations created, 0 already present"), "{first}");
    let second = run();
    assert!(second.starts_with("demo data: 0 agencies created, 13 already present\ndemo data: 0 innovations created, 182 already present"), "{second}");
    // A decree and a photo for each of the article's three innovations, stored once.
    assert!(
        first.contains("demo data: 6 documents created, 0 already present"),
        "{first}"
    );
    assert!(
        second.contains("demo data: 0 documents created, 6 already present"),
        "{second}"
    );
    let verified = run_command(&["storage", "verify"]);
    let report = String::from_utf8_lossy(&verified.stdout);
    // Three PDFs, three pictures and their three thumbnails.
    assert!(report.starts_with("all 9 stored files in "), "{report}");
}

#[test]
fn migrate_applies_then_has_nothing_to_do() {
    let database = TestDatabase::create();
    let url = database.url.target().to_owned();
    let run = || {
        let output = inovik()
            .args(["migrate"])
            .env("DATABASE_URL", &url)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let first = run();
    // A PostgreSQL test database is copied from a migrated template already.
    if !crate::helpers::backend_is_postgres() {
        let applied: u32 = first.split(' ').next().unwrap().parse().unwrap();
        assert!(applied >= 2, "{first}");
    }
    assert!(run().starts_with("0 migration(s) applied"));
}

/// On SIGTERM the server stops accepting connections, finishes the request it is serving
/// (here one held up by a lock on the database), and exits 0.
#[actix_web::test]
async fn sigterm_finishes_in_flight_requests_and_exits_cleanly() {
    use diesel::connection::SimpleConnection;
    let app = spawn_app().await;
    let agency = app.create_agency(serde_json::json!({})).await;
    let mut server = crate::helpers::ServerProcess::start(&app).await;
    let mut blocker = inovik::db::Manager::establish(&app.state.config.database_url).unwrap();
    let (hold, release) = if crate::helpers::backend_is_postgres() {
        (
            format!(
                "BEGIN; SELECT id FROM agencies WHERE id = {} FOR UPDATE",
                agency["id"]
            ),
            "COMMIT",
        )
    } else {
        ("BEGIN IMMEDIATE".to_owned(), "COMMIT")
    };
    blocker.batch_execute(&hold).unwrap();

    let in_flight = app
        .request(
            actix_web::http::Method::PATCH,
            &format!("/api/v1/agencies/{}", agency["id"]),
        )
        .at(&server.address)
        .raw("application/merge-patch+json", r#"{"name": "Dinas Baru"}"#)
        .send();
    let address = server.address.clone();
    let shutdown = async {
        actix_web::rt::time::sleep(Duration::from_millis(300)).await;
        server.terminate();
        actix_web::rt::time::sleep(Duration::from_millis(300)).await;
        let late = awc::Client::default()
            .get(format!("{address}/health/live"))
            .send()
            .await;
        blocker.batch_execute(release).unwrap();
        late.is_err()
    };
    let (finished, refused_new) = futures_util::future::join(in_flight, shutdown).await;

    assert_eq!(finished.status, 200, "{}", finished.text());
    assert!(refused_new, "no new connections once SIGTERM arrived");
    let status = server.exit_status(Duration::from_secs(10)).await;
    assert!(
        status.is_some_and(|s| s.success()),
        "exit status {status:?}"
    );
    assert_eq!(
        app.get(&format!("/api/v1/agencies/{}", agency["id"]))
            .await
            .json()["name"],
        "Dinas Baru"
    );
}
