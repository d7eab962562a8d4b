//! The database: one connection type over PostgreSQL and SQLite, its pool, migrations and
//! the helpers that run diesel's blocking calls off the actix worker threads.

mod connection;
pub mod fence;
mod migrate;
mod name_keys;
pub mod schema;
mod url;

use std::sync::Arc;
use std::time::Duration;

use diesel::Connection;
use diesel::r2d2::{Pool, PooledConnection};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};

pub use connection::{ConnectionWatch, DbConnection, Manager, MultiBackend, Timeouts};
pub use migrate::run_migrations;
pub use url::{Backend, DatabaseUrl};

use crate::domain::caller::Caller;
use crate::error::{ApiError, ApiResult};

/// What every write carries into its transaction: who asked, under which request id, and
/// the idempotency key the request holds, if it sent one. The audit event and the key's
/// fence are written in the same transaction as the change, without touching the handlers.
#[derive(Debug, Clone)]
pub struct WriteContext {
    pub caller: Caller,
    pub request_id: String,
    pub idempotency: Option<fence::Claim>,
}

/// A SQLite transaction that takes the write lock at `BEGIN` (waiting up to the busy
/// timeout for it). A deferred one would start as a reader and, if another process wrote
/// meanwhile, fail at its first write with "database is locked" without waiting at all.
/// Nested `transaction` calls inside `work` become savepoints as usual.
fn immediate_transaction<T>(
    conn: &mut DbConnection,
    work: impl FnOnce(&mut DbConnection) -> ApiResult<T>,
) -> ApiResult<T> {
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    fn sqlite(conn: &mut DbConnection) -> &mut diesel::SqliteConnection {
        match conn {
            DbConnection::Sqlite(conn) => conn,
            DbConnection::Postgres(_) => unreachable!("only called on SQLite connections"),
        }
    }
    AnsiTransactionManager::begin_transaction_sql(sqlite(conn), "BEGIN IMMEDIATE")?;
    match work(conn) {
        Ok(value) => {
            AnsiTransactionManager::commit_transaction(sqlite(conn))?;
            Ok(value)
        }
        Err(error) => {
            AnsiTransactionManager::rollback_transaction(sqlite(conn))?;
            Err(error)
        }
    }
}

/// How long a pooled connection may sit unused before it is pinged before use.
const IDLE_BEFORE_PING: Duration = Duration::from_secs(1);

/// Pool settings (see [`crate::config::Config`]).
#[derive(Debug, Clone)]
pub struct PoolOptions {
    pub max_size: u32,
    /// Longest wait for a connection (and, on SQLite, for the turn to write).
    pub connection_timeout: Duration,
    /// Longest a request's database work may run once it has a connection: PostgreSQL
    /// cancels any statement that runs longer (`statement_timeout`, so the transaction
    /// rolls back rather than committing after the client was told it failed), and the
    /// request is answered 503 when the whole unit of work takes longer.
    pub query_timeout: Duration,
}

/// Where a [`Db`] gets its connections.
#[derive(Clone)]
enum Connections {
    /// The server's pool.
    Pool(Pool<Manager>),
    /// One connection, for a one-shot command (`create-user`, `seed`, `import`, ...). No
    /// pool means no pool threads: r2d2 opens connections on worker threads of its own
    /// (and keeps `min_idle` of them open in the background), and a worker still inside
    /// libpq and OpenSSL when the command's process exits crashed it (exit status 139)
    /// after its work was done. A command's every statement runs on this connection, in
    /// turn, on the calling thread's blocking task.
    Single(Arc<std::sync::Mutex<DbConnection>>),
}

/// The database, shared by every request. Cheap to clone.
#[derive(Clone)]
pub struct Db {
    connections: Connections,
    backend: Backend,
    /// How long a request waits for a connection (or, on SQLite, its turn to write).
    wait: Duration,
    /// How long a request's database work may take in all, the wait included.
    deadline: Duration,
    /// SQLite allows one writer at a time; taking turns here, before a connection is taken
    /// and `BEGIN` runs, avoids the "database is locked" errors two deferred transactions
    /// get when both try to write, and leaves the pool to readers meanwhile.
    sqlite_writer: Arc<tokio::sync::Mutex<()>>,
    /// Seconds each request waited for a connection (for `/metrics`).
    connection_wait: Histogram,
    /// Statements run on pooled connections (for `/metrics`).
    statements: Counter,
}

/// The pool's connections at one moment.
#[derive(Debug, Clone, Copy)]
pub struct PoolState {
    pub in_use: u32,
    pub idle: u32,
    pub max: u32,
}

impl Db {
    /// Builds the pool without opening connections: the first request (or `check`) does.
    pub fn new(url: &DatabaseUrl, options: &PoolOptions) -> Self {
        let statements = Counter::default();
        let pool = Pool::builder()
            .max_size(options.max_size)
            .min_idle(Some(1))
            // Not a `SELECT 1` before every use: it was a round trip, and most of the
            // service's CPU, on every request (bench/README.md). `checkout` pings only a
            // connection idle for a while, and one that failed as dead is never lent again.
            .test_on_check_out(false)
            .connection_timeout(options.connection_timeout)
            .build_unchecked(Manager::new(
                url.clone(),
                Timeouts {
                    statement: options.query_timeout,
                    busy: options.connection_timeout,
                },
                statements.clone(),
            ));
        Self {
            connections: Connections::Pool(pool),
            backend: url.backend(),
            wait: options.connection_timeout,
            deadline: options.connection_timeout + options.query_timeout,
            sqlite_writer: Arc::new(tokio::sync::Mutex::new(())),
            // 0.1 ms to ~1.6 s: a healthy pool answers in microseconds, a starved one
            // in up to the pool wait.
            connection_wait: Histogram::new(exponential_buckets(0.0001, 2.0, 15)),
            statements,
        }
    }

    /// A database on one connection already open, for one-shot commands (see
    /// [`Connections::Single`]): no pool and no threads besides the caller's.
    pub fn single(conn: DbConnection, backend: Backend, options: &PoolOptions) -> Self {
        Self {
            connections: Connections::Single(Arc::new(std::sync::Mutex::new(conn))),
            backend,
            wait: options.connection_timeout,
            deadline: options.connection_timeout + options.query_timeout,
            sqlite_writer: Arc::new(tokio::sync::Mutex::new(())),
            connection_wait: Histogram::new(exponential_buckets(0.0001, 2.0, 15)),
            statements: Counter::default(),
        }
    }

    /// Runs `work` on a connection: a pooled one (its wait recorded) or the single one.
    fn with_connection<T>(
        connections: &Connections,
        wait: &Histogram,
        work: impl FnOnce(&mut DbConnection) -> ApiResult<T>,
    ) -> ApiResult<T> {
        match connections {
            Connections::Pool(pool) => {
                let mut conn = Self::checkout(pool, wait)?;
                work(&mut conn)
            }
            Connections::Single(conn) => {
                let mut conn = conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                work(&mut conn)
            }
        }
    }

    /// The count of statements run on pooled connections, shared with the metrics registry.
    pub fn statements(&self) -> &Counter {
        &self.statements
    }

    /// The wait-for-a-connection histogram, shared with the metrics registry.
    pub fn connection_wait(&self) -> &Histogram {
        &self.connection_wait
    }

    pub fn pool_state(&self) -> PoolState {
        match &self.connections {
            Connections::Pool(pool) => {
                let state = pool.state();
                PoolState {
                    in_use: state.connections - state.idle_connections,
                    idle: state.idle_connections,
                    max: pool.max_size(),
                }
            }
            Connections::Single(_) => PoolState {
                in_use: 0,
                idle: 1,
                max: 1,
            },
        }
    }

    /// A pooled connection for a request, its wait recorded. A connection idle for longer
    /// than [`IDLE_BEFORE_PING`] is pinged first (the server may have restarted meanwhile);
    /// a dead one is dropped from the pool and the next one tried.
    fn checkout(pool: &Pool<Manager>, wait: &Histogram) -> ApiResult<PooledConnection<Manager>> {
        let started = std::time::Instant::now();
        let mut attempts = 0;
        let conn = loop {
            let mut conn = match pool.get() {
                Ok(conn) => conn,
                Err(error) => break Err(error.into()),
            };
            attempts += 1;
            if ConnectionWatch::idle(&mut conn) < IDLE_BEFORE_PING
                || diesel::connection::SimpleConnection::batch_execute(&mut *conn, "SELECT 1")
                    .is_ok()
            {
                break Ok(conn);
            }
            ConnectionWatch::mark_lost(&mut conn);
            if attempts > pool.max_size() {
                break Err(ApiError::Unavailable);
            }
        };
        wait.observe(started.elapsed().as_secs_f64());
        conn
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The longest a request's database work may take, waiting for a connection included.
    pub fn deadline(&self) -> Duration {
        self.deadline
    }

    /// A connection for blocking code (CLI, start-up). Request handlers use [`Db::read`]
    /// and [`Db::write`].
    pub fn get(&self) -> ApiResult<PooledConnection<Manager>> {
        match &self.connections {
            Connections::Pool(pool) => Ok(pool.get()?),
            Connections::Single(_) => Err(ApiError::internal(
                "a one-shot command's database has no pool to lend from",
            )),
        }
    }

    /// Runs `query` on the blocking thread pool with a pooled connection.
    pub async fn read<T, F>(&self, query: F) -> ApiResult<T>
    where
        F: FnOnce(&mut DbConnection) -> ApiResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let connections = self.connections.clone();
        let wait = self.connection_wait.clone();
        self.bounded(actix_web::web::block(move || {
            Self::with_connection(&connections, &wait, query)
        }))
        .await
    }

    /// Waits for blocking database work at most [`Db::deadline`]: past it the request is
    /// answered 503 while the work itself is ended by the database's statement timeout.
    async fn bounded<T>(
        &self,
        work: impl Future<Output = Result<ApiResult<T>, actix_web::error::BlockingError>>,
    ) -> ApiResult<T> {
        match tokio::time::timeout(self.deadline, work).await {
            Ok(Ok(result)) => result,
            Ok(Err(e)) => Err(ApiError::internal(format!("blocking task failed: {e}"))),
            Err(_) => Err(ApiError::Timeout),
        }
    }

    /// Runs `change` in one transaction on the blocking thread pool: everything it writes
    /// is committed together or not at all. If the request holds an idempotency key, the
    /// transaction first fences it (see [`fence::fence`]).
    pub async fn write<T, F>(&self, context: WriteContext, change: F) -> ApiResult<T>
    where
        F: FnOnce(&mut DbConnection, &WriteContext) -> ApiResult<T> + Send + 'static,
        T: Send + 'static,
    {
        self.transaction(move |conn| {
            if let Some(claim) = &context.idempotency {
                fence::fence(conn, claim)?;
            }
            change(conn, &context)
        })
        .await
    }

    /// Runs `work` in one transaction, taking SQLite's writer turn: for bookkeeping that
    /// belongs to no one's change (idempotency keys). Changes go through [`Db::write`].
    pub async fn transaction<T, F>(&self, work: F) -> ApiResult<T>
    where
        F: FnOnce(&mut DbConnection) -> ApiResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let connections = self.connections.clone();
        let wait = self.connection_wait.clone();
        let turn = match self.backend {
            Backend::Sqlite => Some(
                tokio::time::timeout(self.wait, self.sqlite_writer.clone().lock_owned())
                    .await
                    .map_err(|_| ApiError::Unavailable)?,
            ),
            Backend::Postgres => None,
        };
        self.bounded(actix_web::web::block(move || {
            let _turn = turn;
            Self::with_connection(&connections, &wait, |conn| match conn {
                DbConnection::Postgres(_) => conn.transaction(work),
                DbConnection::Sqlite(_) => immediate_transaction(conn, work),
            })
        }))
        .await
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
