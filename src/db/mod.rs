//! The database: one connection type over PostgreSQL and SQLite, its pool, migrations and
//! the helpers that run diesel's blocking calls off the actix worker threads.

mod connection;
mod migrate;
pub mod schema;
mod url;

use std::sync::Arc;
use std::time::Duration;

use diesel::Connection;
use diesel::r2d2::{Pool, PooledConnection};

pub use connection::{DbConnection, Manager, MultiBackend};
pub use migrate::run_migrations;
pub use url::{Backend, DatabaseUrl};

use crate::error::{ApiError, ApiResult};
use crate::http::caller::Caller;

/// What every write carries into its transaction: who asked and under which request id.
/// The audit trail and idempotency records will be written from here, in the same
/// transaction as the change, without touching the handlers.
#[derive(Debug, Clone)]
pub struct WriteContext {
    pub caller: Caller,
    pub request_id: String,
}

/// Pool settings (see [`crate::config::Config`]).
#[derive(Debug, Clone)]
pub struct PoolOptions {
    pub max_size: u32,
    pub connection_timeout: Duration,
}

/// The pool, shared by every request. Cheap to clone.
#[derive(Clone)]
pub struct Db {
    pool: Pool<Manager>,
    backend: Backend,
    /// How long a request waits for a connection (or, on SQLite, its turn to write).
    wait: Duration,
    /// SQLite allows one writer at a time; taking turns here, before a connection is taken
    /// and `BEGIN` runs, avoids the "database is locked" errors two deferred transactions
    /// get when both try to write, and leaves the pool to readers meanwhile.
    sqlite_writer: Arc<tokio::sync::Mutex<()>>,
}

impl Db {
    /// Builds the pool without opening connections: the first request (or `check`) does.
    pub fn new(url: &DatabaseUrl, options: &PoolOptions) -> Self {
        let pool = Pool::builder()
            .max_size(options.max_size)
            .min_idle(Some(1))
            .connection_timeout(options.connection_timeout)
            .build_unchecked(Manager::new(url.clone()));
        Self {
            pool,
            backend: url.backend(),
            wait: options.connection_timeout,
            sqlite_writer: Arc::new(tokio::sync::Mutex::new(())),
        }
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// A connection for blocking code (CLI, start-up). Request handlers use [`Db::read`]
    /// and [`Db::write`].
    pub fn get(&self) -> ApiResult<PooledConnection<Manager>> {
        Ok(self.pool.get()?)
    }

    /// Runs `query` on the blocking thread pool with a pooled connection.
    pub async fn read<T, F>(&self, query: F) -> ApiResult<T>
    where
        F: FnOnce(&mut DbConnection) -> ApiResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        actix_web::web::block(move || {
            let mut conn = pool.get()?;
            query(&mut conn)
        })
        .await
        .map_err(|e| ApiError::internal(format!("blocking task failed: {e}")))?
    }

    /// Runs `change` in one transaction on the blocking thread pool: everything it writes
    /// is committed together or not at all.
    pub async fn write<T, F>(&self, context: WriteContext, change: F) -> ApiResult<T>
    where
        F: FnOnce(&mut DbConnection, &WriteContext) -> ApiResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        let turn = match self.backend {
            Backend::Sqlite => Some(
                tokio::time::timeout(self.wait, self.sqlite_writer.clone().lock_owned())
                    .await
                    .map_err(|_| ApiError::Unavailable)?,
            ),
            Backend::Postgres => None,
        };
        actix_web::web::block(move || {
            let _turn = turn;
            let mut conn = pool.get()?;
            conn.transaction(|conn| change(conn, &context))
        })
        .await
        .map_err(|e| ApiError::internal(format!("blocking task failed: {e}")))?
    }

    /// Pings the database (for `/health/ready`).
    pub async fn ping(&self) -> ApiResult<()> {
        self.read(|conn| {
            diesel::connection::SimpleConnection::batch_execute(conn, "SELECT 1")?;
            Ok(())
        })
        .await
    }
}
