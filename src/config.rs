//! Settings from the environment (a `.env` file is read too). Every variable is listed in
//! `.env.example` and the README.

use std::time::Duration;

use crate::db::{DatabaseUrl, PoolOptions};

/// The SQLite file used when `DATABASE_URL` is not set: `cargo run` needs nothing else.
pub const DEFAULT_DATABASE: &str = "inovik.db";
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";
/// Kemendagri code of Kabupaten Kebumen, the region this deployment serves.
pub const DEFAULT_REGION_CODE: &str = "3305";

/// The cores this process may use (1 if the system cannot say): the default worker count,
/// and the bound of work that is only CPU (password hashing).
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
}

/// `INOVIK_ENV`: production refuses insecure defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    Development,
    Production,
}

/// Sign-in settings.
#[derive(Clone)]
pub struct AuthConfig {
    /// HMAC key of access tokens (`INOVIK_JWT_SECRET`, at least 32 bytes).
    pub jwt_secret: Vec<u8>,
    pub issuer: String,
    pub audience: String,
    pub access_token_seconds: i64,
    pub refresh_token_seconds: i64,
    /// Argon2id cost: memory in KiB, iterations, lanes.
    pub argon2: (u32, u32, u32),
    /// Failed sign-ins for one username or client from one address before that pair is
    /// slowed down (`INOVIK_SIGN_IN_FREE_FAILURES`).
    pub free_failures: i64,
    /// Failed sign-ins from one address, whatever the names, before the address is slowed
    /// down (`INOVIK_SIGN_IN_SOURCE_FREE_FAILURES`).
    pub source_free_failures: i64,
    /// Token requests one address may make per minute (`INOVIK_TOKEN_REQUESTS_PER_MINUTE`).
    pub token_requests_per_minute: i64,
    /// Failed password changes of one account before it is slowed down.
    pub password_change_free_failures: i64,
}

impl std::fmt::Debug for AuthConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthConfig")
            .field("jwt_secret", &"<redacted>")
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .field("access_token_seconds", &self.access_token_seconds)
            .field("refresh_token_seconds", &self.refresh_token_seconds)
            .field("argon2", &self.argon2)
            .finish()
    }
}

/// Longest `INOVIK_PUBLIC_URL`: it begins every `Location` and `Link` the API sends, whose
/// lengths the OpenAPI document states.
pub const MAX_PUBLIC_URL_LEN: usize = 256;

/// Longest origin in `INOVIK_CORS_ORIGINS`: an `Access-Control-Allow-Origin` the API
/// sends is one of them.
pub const MAX_ORIGIN_LEN: usize = 256;

/// Largest `INOVIK_CSV_LIMIT`, in bytes: an import takes at most 20,000 rows anyway.
pub const MAX_CSV_LIMIT: usize = 64 * 1024 * 1024;

/// Largest evidence file by default: 20 MiB.
pub const DEFAULT_UPLOAD_LIMIT: u64 = 20 * 1024 * 1024;

/// What an upload's form may add to its file, in bytes (boundaries, part headers, text
/// parts): a body declared larger than the limit plus this is refused before it is read.
/// A proxy's body limit must leave at least this much (`deploy/nginx.conf`).
pub const UPLOAD_FORM_OVERHEAD: u64 = 64 * 1024;

/// Largest `INOVIK_UPLOAD_LIMIT`: 1 GiB (evidence is documents and photos; a video is a
/// link).
pub const MAX_UPLOAD_LIMIT: u64 = 1024 * 1024 * 1024;

#[derive(Debug, Clone)]
pub struct Config {
    pub environment: Environment,
    pub auth: AuthConfig,
    pub database_url: DatabaseUrl,
    pub bind: String,
    /// Base URL clients see (no trailing `/`), for `Location` and `Link` headers. Never
    /// taken from the request's `Host`: a gateway may put its own prefix in front.
    pub public_url: String,
    pub pool: PoolOptions,
    /// Largest JSON request body, in bytes.
    pub json_limit: usize,
    /// Largest CSV upload (an import), in bytes.
    pub csv_limit: usize,
    /// Where evidence files are kept (`INOVIK_STORAGE_URL`): a folder, or
    /// `s3://bucket/prefix`.
    pub storage_url: String,
    /// Largest evidence file, in bytes (`INOVIK_UPLOAD_LIMIT`), enforced while it streams.
    pub upload_limit: u64,
    /// Region code new agencies get when the request names none.
    pub region_code: String,
    /// The region's time zone: "today" (e.g. the launch date) is a day there, not in UTC.
    pub time_zone: chrono_tz::Tz,
    /// HTTP worker threads (default: one per core).
    pub workers: Option<usize>,
    /// How long an `Idempotency-Key` and its stored response are kept.
    pub idempotency_ttl: Duration,
    /// Origins allowed to call the API from a browser (CORS); none by default.
    pub cors_origins: Vec<String>,
    /// Bearer token `/metrics` asks for; open to anyone when unset.
    pub metrics_token: Option<String>,
    /// Proxies whose `X-Forwarded-For` names the client (`INOVIK_TRUSTED_PROXIES`).
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Requests per minute a signed-in caller may make, per process
    /// (`INOVIK_RATE_LIMIT_PER_MINUTE`).
    pub rate_limit_per_minute: u32,
    /// Requests per minute one address may make without a token, per process
    /// (`INOVIK_RATE_LIMIT_ANONYMOUS_PER_MINUTE`).
    pub anonymous_rate_limit_per_minute: u32,
}

impl Config {
    /// Reads the configuration; the error names the variable at fault.
    pub fn from_env() -> Result<Self, String> {
        let database_url = DatabaseUrl::parse(
            &std::env::var("DATABASE_URL").unwrap_or_else(|_| DEFAULT_DATABASE.to_owned()),
        )
        .map_err(|e| format!("DATABASE_URL: {e}"))?;
        let bind = var("INOVIK_BIND").unwrap_or_else(|| DEFAULT_BIND.to_owned());
        let public_url = var("INOVIK_PUBLIC_URL")
            .unwrap_or_else(|| format!("http://{bind}"))
            .trim_end_matches('/')
            .to_owned();
        if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
            return Err("INOVIK_PUBLIC_URL must start with http:// or https://".into());
        }
        if public_url.len() > MAX_PUBLIC_URL_LEN || public_url.contains(char::is_whitespace) {
            return Err(format!(
                "INOVIK_PUBLIC_URL must be a URL of at most {MAX_PUBLIC_URL_LEN} characters"
            ));
        }
        let region_code =
            var("INOVIK_REGION_CODE").unwrap_or_else(|| DEFAULT_REGION_CODE.to_owned());
        if crate::domain::agency::validate_region_code(&region_code).is_err() {
            return Err("INOVIK_REGION_CODE must be 4 digits".into());
        }
        let environment = match var("INOVIK_ENV").as_deref() {
            None | Some("development") => Environment::Development,
            Some("production") => Environment::Production,
            Some(other) => {
                return Err(format!(
                    "INOVIK_ENV must be development or production, not `{other}`"
                ));
            }
        };
        let jwt_secret = match (var("INOVIK_JWT_SECRET"), environment) {
            (Some(secret), _) if secret.len() >= crate::auth::tokens::MIN_SECRET_BYTES => {
                secret.into_bytes()
            }
            (Some(_), _) => {
                return Err("INOVIK_JWT_SECRET must be at least 32 bytes".into());
            }
            (None, Environment::Production) => {
                return Err(
                    "INOVIK_JWT_SECRET is required in production (at least 32 random bytes)".into(),
                );
            }
            (None, Environment::Development) => {
                log::warn!(
                    "INOVIK_JWT_SECRET is not set: using a random secret for this process only \
                     (tokens die with it, and other processes will not accept them)"
                );
                crate::auth::secrets::random_token(48).into_bytes()
            }
        };
        let auth = AuthConfig {
            jwt_secret,
            issuer: var("INOVIK_JWT_ISSUER").unwrap_or_else(|| "inovik".into()),
            audience: var("INOVIK_JWT_AUDIENCE").unwrap_or_else(|| "inovik-api".into()),
            access_token_seconds: number("INOVIK_ACCESS_TOKEN_SECONDS", 3600)?,
            refresh_token_seconds: number("INOVIK_REFRESH_TOKEN_SECONDS", 30 * 24 * 3600)?,
            argon2: (
                number("INOVIK_ARGON2_MEMORY_KIB", 19_456)?,
                number("INOVIK_ARGON2_ITERATIONS", 2)?,
                number("INOVIK_ARGON2_PARALLELISM", 1)?,
            ),
            free_failures: number("INOVIK_SIGN_IN_FREE_FAILURES", 5)?,
            source_free_failures: number("INOVIK_SIGN_IN_SOURCE_FREE_FAILURES", 20)?,
            token_requests_per_minute: number("INOVIK_TOKEN_REQUESTS_PER_MINUTE", 60)?,
            password_change_free_failures: 5,
        };
        let time_zone = var("INOVIK_TIME_ZONE")
            .unwrap_or_else(|| "Asia/Jakarta".into())
            .parse::<chrono_tz::Tz>()
            .map_err(|_| "INOVIK_TIME_ZONE must be an IANA time zone such as Asia/Jakarta")?;
        let storage_url = match (
            var("INOVIK_STORAGE_URL"),
            database_url.backend(),
            environment,
        ) {
            (Some(url), _, _) => url,
            (None, crate::db::Backend::Postgres, Environment::Production) => {
                return Err(
                    "INOVIK_STORAGE_URL is required in production with PostgreSQL: \
                            replicas need one shared store (s3://bucket/prefix)"
                        .into(),
                );
            }
            (None, _, _) => default_storage(&database_url),
        };
        Ok(Self {
            environment,
            time_zone,
            auth,
            database_url,
            bind,
            public_url,
            pool: PoolOptions {
                max_size: number("INOVIK_POOL_SIZE", 10)?,
                connection_timeout: Duration::from_millis(number("INOVIK_POOL_TIMEOUT_MS", 2000)?),
                query_timeout: Duration::from_millis(number("INOVIK_QUERY_TIMEOUT_MS", 30_000)?),
            },
            json_limit: number("INOVIK_JSON_LIMIT", 256 * 1024)?,
            csv_limit: match number("INOVIK_CSV_LIMIT", 10 * 1024 * 1024)? {
                limit if limit <= MAX_CSV_LIMIT => limit,
                _ => return Err(format!("INOVIK_CSV_LIMIT must be at most {MAX_CSV_LIMIT}")),
            },
            storage_url,
            upload_limit: match number("INOVIK_UPLOAD_LIMIT", DEFAULT_UPLOAD_LIMIT)? {
                limit if limit <= MAX_UPLOAD_LIMIT => limit,
                _ => {
                    return Err(format!(
                        "INOVIK_UPLOAD_LIMIT must be at most {MAX_UPLOAD_LIMIT}"
                    ));
                }
            },
            region_code,
            workers: var("INOVIK_WORKERS")
                .map(|_| number("INOVIK_WORKERS", 1))
                .transpose()?,
            idempotency_ttl: Duration::from_secs(number(
                "INOVIK_IDEMPOTENCY_TTL_SECONDS",
                24 * 3600,
            )?),
            cors_origins: cors_origins(var("INOVIK_CORS_ORIGINS").as_deref())?,
            metrics_token: match (metrics_token(var("INOVIK_METRICS_TOKEN"))?, environment) {
                (None, Environment::Production) => {
                    return Err("INOVIK_METRICS_TOKEN is required in production: /metrics \
                                would otherwise be open to anyone (16+ characters)"
                        .into());
                }
                (token, _) => token,
            },
            trusted_proxies: trusted_proxies(var("INOVIK_TRUSTED_PROXIES").as_deref())?,
            rate_limit_per_minute: number("INOVIK_RATE_LIMIT_PER_MINUTE", 600)?,
            anonymous_rate_limit_per_minute: number("INOVIK_RATE_LIMIT_ANONYMOUS_PER_MINUTE", 300)?,
        })
    }

    /// Settings for tests and tools: everything default but the database.
    pub fn for_database(database_url: DatabaseUrl) -> Self {
        let storage_url = default_storage(&database_url);
        Self {
            environment: Environment::Development,
            time_zone: chrono_tz::Asia::Jakarta,
            auth: AuthConfig {
                jwt_secret: b"test-secret-that-is-long-enough-for-hs256".to_vec(),
                issuer: "inovik".into(),
                audience: "inovik-api".into(),
                access_token_seconds: 3600,
                refresh_token_seconds: 30 * 24 * 3600,
                // Cheap hashing: tests sign in often; production uses the defaults.
                argon2: (256, 1, 1),
                free_failures: 5,
                source_free_failures: 20,
                token_requests_per_minute: 600,
                password_change_free_failures: 5,
            },
            database_url,
            bind: "127.0.0.1:0".into(),
            public_url: "http://127.0.0.1:8080".into(),
            pool: PoolOptions {
                max_size: 4,
                connection_timeout: Duration::from_secs(2),
                query_timeout: Duration::from_secs(30),
            },
            json_limit: 256 * 1024,
            csv_limit: 10 * 1024 * 1024,
            storage_url,
            upload_limit: DEFAULT_UPLOAD_LIMIT,
            region_code: DEFAULT_REGION_CODE.into(),
            workers: Some(1),
            idempotency_ttl: Duration::from_secs(24 * 3600),
            cors_origins: Vec::new(),
            metrics_token: None,
            trusted_proxies: Vec::new(),
            // Tests send many requests from one address; the limit's own test sets its own.
            rate_limit_per_minute: 1_000_000,
            anonymous_rate_limit_per_minute: 1_000_000,
        }
    }
}

/// The evidence store when none is configured: a folder `inovik-files` beside the SQLite
/// file (beside the working directory for PostgreSQL in development).
fn default_storage(database_url: &DatabaseUrl) -> String {
    let beside = match database_url.backend() {
        crate::db::Backend::Sqlite => std::path::Path::new(database_url.target())
            .parent()
            .map(std::path::Path::to_path_buf)
            .unwrap_or_default(),
        crate::db::Backend::Postgres => std::path::PathBuf::new(),
    };
    let folder = beside.join(format!(
        "{}-files",
        std::path::Path::new(database_url.target())
            .file_stem()
            .and_then(|s| s.to_str())
            .filter(|_| database_url.backend() == crate::db::Backend::Sqlite)
            .unwrap_or("inovik")
    ));
    folder.to_string_lossy().into_owned()
}

/// `INOVIK_CORS_ORIGINS`: comma-separated origins (`https://dashboard.kebumenkab.go.id`).
/// A wildcard is refused: the API takes bearer tokens, and any site could then read what
/// a signed-in official's browser fetches.
fn cors_origins(value: Option<&str>) -> Result<Vec<String>, String> {
    let Some(value) = value else {
        return Ok(Vec::new());
    };
    value
        .split(',')
        .map(str::trim)
        .filter(|origin| !origin.is_empty())
        .map(|origin| {
            let origin = origin.trim_end_matches('/');
            let scheme_ok = origin.starts_with("https://") || origin.starts_with("http://");
            let host = origin.split_once("://").map(|(_, host)| host).unwrap_or("");
            if scheme_ok
                && !host.is_empty()
                && !host.contains(['/', '*', ' '])
                && origin.len() <= MAX_ORIGIN_LEN
            {
                Ok(origin.to_owned())
            } else {
                Err(format!(
                    "INOVIK_CORS_ORIGINS: `{origin}` is not an origin such as https://dashboard.example.go.id"
                ))
            }
        })
        .collect()
}

/// Parses `INOVIK_TRUSTED_PROXIES`: comma-separated addresses or CIDR networks.
fn trusted_proxies(value: Option<&str>) -> Result<Vec<ipnet::IpNet>, String> {
    value
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .map(|entry| {
            entry
                .parse::<ipnet::IpNet>()
                .or_else(|_| entry.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                .map_err(|_| {
                    format!(
                        "INOVIK_TRUSTED_PROXIES: `{entry}` is not an address or network such as \
                         10.0.0.5 or 172.16.0.0/12"
                    )
                })
        })
        .collect()
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn number<T>(name: &str, default: T) -> Result<T, String>
where
    T: std::str::FromStr + PartialOrd + From<u8>,
{
    match var(name) {
        None => Ok(default),
        Some(text) => match text.trim().parse::<T>() {
            Ok(n) if n >= T::from(1) => Ok(n),
            _ => Err(format!(
                "{name} must be a positive whole number, not `{text}`"
            )),
        },
    }
}

impl Config {
    /// Today's date in the region.
    pub fn today(&self) -> chrono::NaiveDate {
        chrono::Utc::now()
            .with_timezone(&self.time_zone)
            .date_naive()
    }
}

/// `INOVIK_METRICS_TOKEN`: long enough not to be guessed, if set at all.
fn metrics_token(token: Option<String>) -> Result<Option<String>, String> {
    match token {
        Some(token) if token.len() < 16 => {
            Err("INOVIK_METRICS_TOKEN must be at least 16 characters".into())
        }
        token => Ok(token),
    }
}

#[cfg(test)]
mod tests {
    use super::{cors_origins, trusted_proxies};

    #[test]
    fn cors_origins_are_exact_origins_and_never_a_wildcard() {
        assert_eq!(cors_origins(None), Ok(vec![]));
        assert_eq!(
            cors_origins(Some(" https://a.go.id/ , http://localhost:5173")),
            Ok(vec![
                "https://a.go.id".to_owned(),
                "http://localhost:5173".to_owned()
            ])
        );
        for bad in ["*", "https://*.go.id", "a.go.id", "https://a.go.id/path"] {
            assert!(cors_origins(Some(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn trusted_proxies_are_addresses_or_networks() {
        assert_eq!(trusted_proxies(None), Ok(vec![]));
        assert_eq!(
            trusted_proxies(Some("10.0.0.5, 172.16.0.0/12")),
            Ok(vec![
                "10.0.0.5/32".parse().unwrap(),
                "172.16.0.0/12".parse().unwrap()
            ])
        );
        assert!(trusted_proxies(Some("nginx")).is_err());
    }
}
