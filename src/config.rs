//! Settings from the environment (a `.env` file is read too). Every variable is listed in
//! `.env.example` and the README.

use std::time::Duration;

use crate::db::{DatabaseUrl, PoolOptions};

/// The SQLite file used when `DATABASE_URL` is not set: `cargo run` needs nothing else.
pub const DEFAULT_DATABASE: &str = "inovik.db";
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";
/// Kemendagri code of Kabupaten Kebumen, the region this deployment serves.
pub const DEFAULT_REGION_CODE: &str = "3305";

#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: DatabaseUrl,
    pub bind: String,
    /// Base URL clients see (no trailing `/`), for `Location` and `Link` headers. Never
    /// taken from the request's `Host`: a gateway may put its own prefix in front.
    pub public_url: String,
    pub pool: PoolOptions,
    /// Largest JSON request body, in bytes.
    pub json_limit: usize,
    /// Region code new agencies get when the request names none.
    pub region_code: String,
    /// HTTP worker threads (default: one per core).
    pub workers: Option<usize>,
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
        let region_code =
            var("INOVIK_REGION_CODE").unwrap_or_else(|| DEFAULT_REGION_CODE.to_owned());
        if crate::domain::agency::validate_region_code(&region_code).is_err() {
            return Err("INOVIK_REGION_CODE must be 4 digits".into());
        }
        Ok(Self {
            database_url,
            bind,
            public_url,
            pool: PoolOptions {
                max_size: number("INOVIK_POOL_SIZE", 10)?,
                connection_timeout: Duration::from_millis(number("INOVIK_POOL_TIMEOUT_MS", 2000)?),
            },
            json_limit: number("INOVIK_JSON_LIMIT", 256 * 1024)?,
            region_code,
            workers: var("INOVIK_WORKERS")
                .map(|_| number("INOVIK_WORKERS", 1))
                .transpose()?,
        })
    }

    /// Settings for tests and tools: everything default but the database.
    pub fn for_database(database_url: DatabaseUrl) -> Self {
        Self {
            database_url,
            bind: "127.0.0.1:0".into(),
            public_url: "http://127.0.0.1:8080".into(),
            pool: PoolOptions {
                max_size: 4,
                connection_timeout: Duration::from_secs(2),
            },
            json_limit: 256 * 1024,
            region_code: DEFAULT_REGION_CODE.into(),
            workers: Some(1),
        }
    }
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
