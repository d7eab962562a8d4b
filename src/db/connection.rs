//! One connection type over both backends, and the pool manager that opens it.

use std::time::{Duration, Instant};

use diesel::connection::{Instrumentation, InstrumentationEvent, SimpleConnection};
use diesel::prelude::*;
use diesel::r2d2::{ManageConnection, R2D2Connection};

use super::url::{Backend, DatabaseUrl};

/// A connection to either backend; queries written once against it run on both.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgres(PgConnection),
    Sqlite(SqliteConnection),
}

/// Set on every new PostgreSQL connection: timestamps are written and compared in UTC
/// (the schema maps `timestamptz` columns to diesel's shared `Timestamp` type), and no
/// statement runs longer than the query timeout.
fn postgres_session(query_timeout: Duration) -> String {
    format!(
        "SET TIME ZONE 'UTC'; SET statement_timeout = {}",
        query_timeout.as_millis().max(1)
    )
}

/// Set on every new SQLite connection: WAL so readers never block the writer, foreign
/// keys enforced, and a busy timeout so a waiting writer retries (for as long as a request
/// waits for a connection) instead of failing. The busy timeout comes first: switching to
/// WAL itself needs a lock another connection may hold for a moment.
fn sqlite_session(busy_timeout: Duration) -> String {
    format!(
        "PRAGMA busy_timeout = {}; PRAGMA journal_mode = WAL; \
         PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;",
        busy_timeout.as_millis().max(1)
    )
}

/// Opens connections for the r2d2 pool, choosing the backend from the parsed URL rather
/// than letting diesel guess from the string.
#[derive(Debug)]
pub struct Manager {
    url: DatabaseUrl,
    timeouts: Timeouts,
    /// Counts the statements of pooled connections (for `/metrics`).
    statements: prometheus_client::metrics::counter::Counter,
}

/// What a pooled connection's instrumentation keeps about it: it counts every statement
/// (for `/metrics`; `RUST_LOG=inovik::sql=trace` logs each), notes when it was last used,
/// and whether an error showed that the server is gone, so the pool drops it.
pub struct ConnectionWatch {
    statements: prometheus_client::metrics::counter::Counter,
    last_used: Instant,
    lost: bool,
}

impl Instrumentation for ConnectionWatch {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        match event {
            InstrumentationEvent::StartQuery { query, .. } => {
                self.statements.inc();
                log::trace!(target: "inovik::sql", "{query}");
            }
            InstrumentationEvent::FinishQuery { error, .. } => {
                self.last_used = Instant::now();
                if error.is_some_and(crate::error::breaks_connection) {
                    self.lost = true;
                }
            }
            _ => {}
        }
    }
}

impl ConnectionWatch {
    fn of(conn: &mut DbConnection) -> Option<&mut Self> {
        let instrumentation = match conn {
            DbConnection::Postgres(conn) => conn.instrumentation(),
            DbConnection::Sqlite(conn) => conn.instrumentation(),
        };
        instrumentation.downcast_mut::<Self>()
    }

    /// How long since the connection last ran a statement (zero if it is not watched).
    pub fn idle(conn: &mut DbConnection) -> Duration {
        Self::of(conn).map_or(Duration::ZERO, |watch| watch.last_used.elapsed())
    }

    /// Marks the connection dead: the pool closes it instead of lending it again.
    pub fn mark_lost(conn: &mut DbConnection) {
        if let Some(watch) = Self::of(conn) {
            watch.lost = true;
        }
    }

    fn is_lost(conn: &mut DbConnection) -> bool {
        Self::of(conn).is_some_and(|watch| watch.lost)
    }
}

/// How long a connection's statements may run (PostgreSQL) and wait for a lock (SQLite).
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    pub statement: Duration,
    pub busy: Duration,
}

/// The timeouts of connections opened outside the pool (command line, start-up):
/// migrations and imports may take long, but not forever.
const TOOL_TIMEOUTS: Timeouts = Timeouts {
    statement: Duration::from_secs(15 * 60),
    busy: Duration::from_secs(5),
};

impl Manager {
    pub fn new(
        url: DatabaseUrl,
        timeouts: Timeouts,
        statements: prometheus_client::metrics::counter::Counter,
    ) -> Self {
        Self {
            url,
            timeouts,
            statements,
        }
    }

    /// Opens one connection; the error is one line (libpq's are several).
    pub fn connect_once(url: &DatabaseUrl) -> Result<DbConnection, String> {
        Self::open(url, TOOL_TIMEOUTS).map_err(|e| {
            e.to_string()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
    }

    /// Opens one connection with the tools' timeouts.
    pub fn establish(url: &DatabaseUrl) -> Result<DbConnection, diesel::r2d2::Error> {
        Self::open(url, TOOL_TIMEOUTS)
    }

    fn open(url: &DatabaseUrl, timeouts: Timeouts) -> Result<DbConnection, diesel::r2d2::Error> {
        use diesel::r2d2::Error;
        match url.backend() {
            Backend::Postgres => {
                let mut conn =
                    PgConnection::establish(url.target()).map_err(Error::ConnectionError)?;
                conn.batch_execute(&postgres_session(timeouts.statement))
                    .map_err(Error::QueryError)?;
                Ok(DbConnection::Postgres(conn))
            }
            Backend::Sqlite => {
                let mut conn =
                    SqliteConnection::establish(url.target()).map_err(Error::ConnectionError)?;
                conn.batch_execute(&sqlite_session(timeouts.busy))
                    .map_err(Error::QueryError)?;
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }
}

impl ManageConnection for Manager {
    type Connection = DbConnection;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<DbConnection, Self::Error> {
        let mut conn = Self::open(&self.url, self.timeouts)?;
        conn.set_instrumentation(ConnectionWatch {
            statements: self.statements.clone(),
            last_used: Instant::now(),
            lost: false,
        });
        Ok(conn)
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), Self::Error> {
        conn.batch_execute("SELECT 1")
            .map_err(diesel::r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        ConnectionWatch::is_lost(conn)
            || match conn {
                DbConnection::Postgres(c) => c.is_broken(),
                DbConnection::Sqlite(c) => c.is_broken(),
            }
    }
}
