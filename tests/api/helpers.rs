//! `spawn_app()` and typed request helpers.

use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::{LazyLock, Mutex};

use actix_web::http::{Method, StatusCode, header::HeaderMap};
use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection, RunQueryDsl};
use serde_json::Value;
use sha2::{Digest, Sha256};

use inovik::api::AppState;
use inovik::config::Config;
use inovik::db::DatabaseUrl;

/// The variable that switches the suite to PostgreSQL: a URL of a server where the test
/// user may create databases (the database in it is only used to connect).
pub const PG_ENV: &str = "INOVIK_TEST_DATABASE_URL";

pub struct TestApp {
    pub address: String,
    pub state: AppState,
    /// Sent with every request unless the request says otherwise: an administrator's
    /// access token, so tests of other behaviour are not refused for want of one.
    pub admin_token: Option<String>,
    /// Held so the database outlives the app; dropped (and deleted) with it.
    #[allow(dead_code)]
    pub database: TestDatabase,
    client: awc::Client,
}

/// A response, read whole.
#[derive(Debug)]
pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl TestResponse {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "body is not JSON ({e}): {}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
    }

    pub fn text(&self) -> String {
        String::from_utf8(self.body.clone()).expect("UTF-8 body")
    }

    /// Asserts a problem+json answer with `status`; returns the problem body.
    #[track_caller]
    pub fn problem(&self, status: u16) -> Value {
        assert_eq!(
            self.status.as_u16(),
            status,
            "body: {}",
            String::from_utf8_lossy(&self.body)
        );
        assert_eq!(
            self.header("content-type").as_deref(),
            Some("application/problem+json"),
            "{status} must be problem+json"
        );
        let problem = self.json();
        assert_eq!(problem["status"], status);
        assert!(
            problem["type"]
                .as_str()
                .unwrap()
                .starts_with("https://inovik.example/problems/")
        );
        assert!(problem["title"].is_string());
        assert_eq!(
            problem["request_id"].as_str(),
            self.header("x-request-id").as_deref(),
            "the problem carries the request id"
        );
        problem
    }

    /// The `(field, code)` pairs of a problem's `errors`.
    pub fn field_errors(&self) -> Vec<(String, String)> {
        self.json()["errors"]
            .as_array()
            .map(|errors| {
                errors
                    .iter()
                    .map(|e| {
                        (
                            e["field"].as_str().unwrap().to_owned(),
                            e["code"].as_str().unwrap().to_owned(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// A request under construction.
pub struct Request<'a> {
    app: &'a TestApp,
    /// Another server than the app's own (a [`ServerProcess`] on the same database).
    base: Option<String>,
    method: Method,
    path: String,
    headers: Vec<(String, String)>,
    body: Option<Vec<u8>>,
    token: Option<String>,
}

impl Request<'_> {
    /// Sends no credentials.
    pub fn anonymous(mut self) -> Self {
        self.token = None;
        self
    }

    /// Sends this bearer token instead of the administrator's.
    pub fn bearer(mut self, token: &str) -> Self {
        self.token = Some(token.to_owned());
        self
    }

    /// Sends the request to the server at `base` instead of the app's.
    pub fn at(mut self, base: &str) -> Self {
        self.base = Some(base.to_owned());
        self
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    pub fn json(self, body: &Value) -> Self {
        self.raw("application/json", serde_json::to_vec(body).unwrap())
    }

    pub fn raw(mut self, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        self.headers
            .push(("content-type".into(), content_type.into()));
        self.body = Some(body.into());
        self
    }

    pub async fn send(self) -> TestResponse {
        let base = self.base.as_deref().unwrap_or(&self.app.address);
        let url = format!("{base}{}", self.path);
        let mut request = self.app.client.request(self.method, url);
        if let Some(token) = &self.token {
            request = request.insert_header(("authorization", format!("Bearer {token}")));
        }
        for (name, value) in &self.headers {
            request = request.insert_header((name.as_str(), value.as_str()));
        }
        let mut response = match self.body {
            Some(body) => request.send_body(body).await,
            None => request.send().await,
        }
        .expect("request failed");
        let body = response.body().limit(64 * 1024 * 1024).await.expect("body");
        TestResponse {
            status: response.status(),
            headers: response.headers().clone(),
            body: body.to_vec(),
        }
    }
}

impl TestApp {
    pub fn request(&self, method: Method, path: &str) -> Request<'_> {
        Request {
            app: self,
            base: None,
            method,
            path: path.to_owned(),
            headers: Vec::new(),
            body: None,
            token: self.admin_token.clone(),
        }
    }

    /// `GET` as an administrator.
    pub async fn get(&self, path: &str) -> TestResponse {
        self.request(Method::GET, path).send().await
    }

    /// `GET` without credentials, as the public.
    pub async fn get_anonymous(&self, path: &str) -> TestResponse {
        self.request(Method::GET, path).anonymous().send().await
    }

    /// Creates a cohort (as the administrator); returns it.
    pub async fn create_cohort(&self, name: &str) -> Value {
        let response = self
            .post_json(
                "/api/v1/cohorts",
                &serde_json::json!({"name": name, "year": 2016, "partner": "LAN RI"}),
            )
            .await;
        assert_eq!(response.status, 201, "{}", response.text());
        response.json()
    }

    /// Creates an innovation from `fields` over defaults (as the administrator).
    pub async fn create_innovation(
        &self,
        cohort_id: &Value,
        agency_id: &Value,
        fields: Value,
    ) -> Value {
        let mut body = serde_json::json!({
            "cohort_id": cohort_id, "agency_id": agency_id, "name": "Inovasi",
            "initiator_type": "agency", "form": "public_service"
        });
        for (key, value) in fields.as_object().unwrap() {
            body[key] = value.clone();
        }
        let response = self.post_json("/api/v1/innovations", &body).await;
        assert_eq!(response.status, 201, "{}", response.text());
        response.json()
    }

    /// Moves an innovation (as the administrator); returns the response.
    pub async fn move_to(&self, innovation: &Value, body: Value) -> TestResponse {
        self.post_json(
            &format!("/api/v1/innovations/{}/stage-transitions", innovation["id"]),
            &body,
        )
        .await
    }

    /// Moves an innovation forward until it reaches `stage`.
    pub async fn advance_to(&self, innovation: &Value, stage: &str) {
        const ORDER: [&str; 5] = ["drum_up", "diagnose", "design", "delivery", "display"];
        let start = ORDER
            .iter()
            .position(|s| *s == innovation["lab_stage"].as_str().unwrap())
            .unwrap();
        let end = ORDER.iter().position(|s| *s == stage).unwrap();
        for next in &ORDER[start + 1..=end] {
            let response = self
                .move_to(innovation, serde_json::json!({"to": next}))
                .await;
            assert_eq!(response.status, 201, "{}", response.text());
        }
    }

    /// Creates an active user directly in the store (fast) and returns its id.
    pub async fn create_account(&self, username: &str, role: &str, agency_id: Option<i64>) -> i64 {
        use inovik::store::accounts::{self, AccountFields};
        let hash = self
            .state
            .passwords
            .hash(format!("{username}-password-2016"))
            .await
            .unwrap();
        let fields = AccountFields {
            name: username.to_owned(),
            role: inovik::domain::account::Role::parse(role).expect("a role"),
            agency_id,
            active: true,
        };
        let username = username.to_owned();
        let context = inovik::db::WriteContext {
            caller: inovik::http::caller::Caller::System,
            request_id: "test-setup".into(),
            idempotency: None,
        };
        self.state
            .db
            .write(context, move |conn, context| {
                accounts::insert_user(conn, context, &username, &fields, &hash)
            })
            .await
            .expect("user created")
            .id
    }

    /// Signs `username` in (password `<username>-password-2016`); returns the token answer.
    pub async fn sign_in(&self, username: &str) -> Value {
        let response = self
            .request(Method::POST, "/api/v1/auth/token")
            .anonymous()
            .json(&serde_json::json!({
                "grant_type": "password",
                "username": username,
                "password": format!("{username}-password-2016"),
            }))
            .send()
            .await;
        assert_eq!(
            response.status,
            200,
            "sign-in of {username}: {}",
            response.text()
        );
        response.json()
    }

    /// A fresh account with `role` (and agency) and its access token.
    pub async fn token_for(&self, username: &str, role: &str, agency_id: Option<i64>) -> String {
        self.create_account(username, role, agency_id).await;
        self.sign_in(username).await["access_token"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> TestResponse {
        self.request(Method::POST, path).json(body).send().await
    }

    pub async fn patch_json(&self, path: &str, body: &Value) -> TestResponse {
        self.request(Method::PATCH, path).json(body).send().await
    }

    pub async fn delete(&self, path: &str) -> TestResponse {
        self.request(Method::DELETE, path).send().await
    }

    /// Creates an agency from `fields` (plus defaults for the required ones); returns it.
    pub async fn create_agency(&self, fields: Value) -> Value {
        let mut body = serde_json::json!({
            "code": "AG-1", "name": "Dinas Contoh", "kind": "agency"
        });
        for (key, value) in fields.as_object().unwrap() {
            body[key] = value.clone();
        }
        let response = self.post_json("/api/v1/agencies", &body).await;
        assert_eq!(response.status, 201, "{}", response.text());
        response.json()
    }
}

/// Starts the app on a fresh database with default settings.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Starts the app on a fresh database, after `adjust` changes the settings.
pub async fn spawn_app_with(adjust: impl FnOnce(&mut Config)) -> TestApp {
    let database = TestDatabase::create();
    let mut config = Config::for_database(database.url.clone());
    config.storage_url = database.storage_url.clone();
    adjust(&mut config);
    let state = inovik::app::prepare(config.clone()).expect("app prepares");
    let mut app = start(state, database);
    app.admin_token = Some(app.token_for("admin", "admin", None).await);
    app
}

/// Starts the app on `state` without preparing (migrating) its database first.
pub fn start(state: AppState, database: TestDatabase) -> TestApp {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
    let server = inovik::app::server(state.clone(), listener).expect("server starts");
    actix_web::rt::spawn(server);
    TestApp {
        address,
        state,
        admin_token: None,
        database,
        client: awc::Client::builder()
            .disable_redirects()
            .timeout(std::time::Duration::from_secs(30))
            .finish(),
    }
}

/// The service as an operating-system process of its own (`inovik serve`), on the same
/// database as a test's app and with the same token secret, so the app's tokens work on
/// it: what several replicas behind a load balancer look like. Killed when dropped.
pub struct ServerProcess {
    pub address: String,
    child: std::process::Child,
}

impl ServerProcess {
    pub async fn start(app: &TestApp) -> Self {
        Self::start_with(app, &[]).await
    }

    /// Like `start`, with `overrides` added to (or replacing) its environment.
    pub async fn start_with(app: &TestApp, overrides: &[(&str, &str)]) -> Self {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let config = &app.state.config;
        let child = std::process::Command::new(env!("CARGO_BIN_EXE_inovik"))
            .arg("serve")
            .env("DATABASE_URL", config.database_url.target())
            .env("INOVIK_STORAGE_URL", &config.storage_url)
            .env("INOVIK_BIND", format!("127.0.0.1:{port}"))
            .env(
                "INOVIK_JWT_SECRET",
                String::from_utf8(config.auth.jwt_secret.clone()).unwrap(),
            )
            .env("INOVIK_WORKERS", "2")
            .env("RUST_LOG", "warn")
            // Tests (the integration guide's included) send many requests from one
            // address and one account: their limits are set here, explicitly.
            .env("INOVIK_RATE_LIMIT_PER_MINUTE", "1000000")
            .env("INOVIK_RATE_LIMIT_ANONYMOUS_PER_MINUTE", "1000000")
            .env("INOVIK_TOKEN_REQUESTS_PER_MINUTE", "1000000")
            .envs(overrides.iter().copied())
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("inovik serve starts");
        let process = Self {
            address: format!("http://127.0.0.1:{port}"),
            child,
        };
        let client = awc::Client::default();
        for _ in 0..200 {
            let ready = client
                .get(format!("{}/health/ready", process.address))
                .send()
                .await;
            if ready.is_ok_and(|r| r.status() == 200) {
                return process;
            }
            actix_web::rt::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("inovik serve did not become ready on port {port}");
    }
}

impl ServerProcess {
    /// The process id (for `/proc/<pid>/status`).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends SIGTERM, as a container runtime does to stop the service.
    pub fn terminate(&self) {
        let status = std::process::Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success(), "SIGTERM sent");
    }

    /// Waits up to `limit` for the process to exit; its status, or `None` if it has not.
    pub async fn exit_status(
        &mut self,
        limit: std::time::Duration,
    ) -> Option<std::process::ExitStatus> {
        let started = std::time::Instant::now();
        while started.elapsed() < limit {
            if let Some(status) = self
                .child
                .try_wait()
                .expect("the process can be waited for")
            {
                return Some(status);
            }
            actix_web::rt::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        None
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `INOVIK_LONG_TESTS=1`: proof tests (races, repeated commands) run their full size
/// instead of the CI size (README, Tests).
pub fn long_tests() -> bool {
    std::env::var("INOVIK_LONG_TESTS").is_ok_and(|v| v == "1")
}

pub fn backend_is_postgres() -> bool {
    std::env::var(PG_ENV).is_ok_and(|v| !v.is_empty())
}

/// A database that exists for one test and is dropped after it.
pub struct TestDatabase {
    pub url: DatabaseUrl,
    /// The test's own file store: a folder beside a SQLite file, a temporary folder on
    /// PostgreSQL, or a prefix of its own in the S3 bucket `INOVIK_TEST_STORAGE_URL` names.
    pub storage_url: String,
    cleanup: Cleanup,
    #[allow(dead_code)]
    files: Option<tempfile::TempDir>,
}

/// The variable that runs the storage tests against an S3-compatible server
/// (`s3://bucket`, with the `AWS_*` variables naming its endpoint and credentials).
pub const STORAGE_ENV: &str = "INOVIK_TEST_STORAGE_URL";

/// The file store for a test: a prefix of its own in the test bucket, if one is named;
/// else a folder (`beside`, or a temporary one kept in the second value).
fn test_storage(beside: Option<&std::path::Path>) -> (String, Option<tempfile::TempDir>) {
    if let Ok(bucket) = std::env::var(STORAGE_ENV)
        && !bucket.is_empty()
    {
        let prefix = uuid::Uuid::new_v4().simple();
        return (format!("{}/{prefix}", bucket.trim_end_matches('/')), None);
    }
    match beside {
        Some(dir) => (dir.join("files").to_str().unwrap().to_owned(), None),
        None => {
            let dir = tempfile::tempdir().unwrap();
            (dir.path().to_str().unwrap().to_owned(), Some(dir))
        }
    }
}

enum Cleanup {
    SqliteDir(#[allow(dead_code)] tempfile::TempDir),
    Postgres { admin_url: String, name: String },
    Nothing,
}

impl TestDatabase {
    pub fn create() -> Self {
        match std::env::var(PG_ENV) {
            Ok(admin_url) if !admin_url.is_empty() => Self::create_postgres(&admin_url),
            _ => Self::create_sqlite(),
        }
    }

    fn create_sqlite() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("inovik.db");
        let (storage_url, files) = test_storage(Some(dir.path()));
        Self {
            url: DatabaseUrl::parse(path.to_str().unwrap()).unwrap(),
            storage_url,
            cleanup: Cleanup::SqliteDir(dir),
            files,
        }
    }

    fn create_postgres(admin_url: &str) -> Self {
        let template = postgres_template(admin_url);
        let name = format!("inovik_test_{}", uuid::Uuid::new_v4().simple());
        let mut admin = PgConnection::establish(admin_url).expect("connect to the test server");
        // Copies from one template cannot overlap; retry while another copy is under way.
        let mut attempts = 0;
        loop {
            match admin.batch_execute(&format!("CREATE DATABASE {name} TEMPLATE {template}")) {
                Ok(()) => break,
                Err(e)
                    if attempts < 50 && e.to_string().contains("being accessed by other users") =>
                {
                    attempts += 1;
                    std::thread::sleep(std::time::Duration::from_millis(100));
                }
                Err(e) => panic!("cannot create test database: {e}"),
            }
        }
        let (storage_url, files) = test_storage(None);
        Self {
            url: DatabaseUrl::parse(&with_database(admin_url, &name)).unwrap(),
            storage_url,
            cleanup: Cleanup::Postgres {
                admin_url: admin_url.to_owned(),
                name,
            },
            files,
        }
    }

    /// No database of its own: for a second server on another test's database.
    pub fn none() -> Self {
        let (storage_url, files) = test_storage(None);
        Self {
            url: DatabaseUrl::parse("unused.db").unwrap(),
            storage_url,
            cleanup: Cleanup::Nothing,
            files,
        }
    }

    /// A database URL that goes nowhere, for outage tests.
    pub fn unreachable() -> Self {
        let (storage_url, files) = test_storage(None);
        Self {
            url: DatabaseUrl::parse("postgres://inovik:secret@127.0.0.1:1/inovik").unwrap(),
            storage_url,
            cleanup: Cleanup::Nothing,
            files,
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Cleanup::Postgres { admin_url, name } = &self.cleanup
            && let Ok(mut admin) = PgConnection::establish(admin_url)
        {
            let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
        }
    }
}

/// `admin_url` with its database replaced by `database`.
pub fn with_database(admin_url: &str, database: &str) -> String {
    let (base, query) = admin_url.split_once('?').unwrap_or((admin_url, ""));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let host_end = base[scheme_end..]
        .find('/')
        .map_or(base.len(), |i| scheme_end + i);
    let mut url = format!("{}/{database}", &base[..host_end]);
    if !query.is_empty() {
        url.push('?');
        url.push_str(query);
    }
    url
}

static TEMPLATE: LazyLock<Mutex<Option<String>>> = LazyLock::new(|| Mutex::new(None));

/// A migrated database to copy, named after a hash of the migrations so that a changed
/// migration gets a new template. Made once per server, under an advisory lock, so
/// concurrent test processes do not race.
fn postgres_template(admin_url: &str) -> String {
    let mut made = TEMPLATE.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(name) = made.as_ref() {
        return name.clone();
    }
    let name = format!("inovik_template_{}", migrations_hash());
    let mut admin = PgConnection::establish(admin_url).expect("connect to the test server");
    admin
        .batch_execute("SELECT pg_advisory_lock(7461636)")
        .unwrap();
    let exists = diesel::select(
        diesel::dsl::sql::<diesel::sql_types::Bool>(
            "EXISTS (SELECT 1 FROM pg_database WHERE datname = ",
        )
        .bind::<diesel::sql_types::Text, _>(&name)
        .sql(")"),
    )
    .get_result::<bool>(&mut admin)
    .unwrap();
    if !exists {
        let building = format!("{name}_building");
        admin
            .batch_execute(&format!("DROP DATABASE IF EXISTS {building} WITH (FORCE)"))
            .unwrap();
        admin
            .batch_execute(&format!("CREATE DATABASE {building}"))
            .unwrap();
        {
            let url = DatabaseUrl::parse(&with_database(admin_url, &building)).unwrap();
            let mut conn = inovik::db::Manager::establish(&url).unwrap();
            inovik::db::run_migrations(&mut conn).unwrap();
        }
        admin
            .batch_execute(&format!("ALTER DATABASE {building} RENAME TO {name}"))
            .unwrap();
    }
    admin
        .batch_execute("SELECT pg_advisory_unlock(7461636)")
        .unwrap();
    *made = Some(name.clone());
    name
}

fn migrations_hash() -> String {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("migrations/postgres");
    let mut files: Vec<PathBuf> = walk(&root);
    files.sort();
    let mut hasher = Sha256::new();
    for file in files {
        hasher.update(
            file.strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .as_bytes(),
        );
        hasher.update(std::fs::read(&file).unwrap());
    }
    hasher.finalize()[..6]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn walk(dir: &PathBuf) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}
