//! What a database error means for the request: unavailable (503, retry), a constraint
//! the store did not map (a 500 it should have), and whether the connection it came on is
//! dead.

use super::ApiError;

impl From<diesel::result::Error> for ApiError {
    fn from(error: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match error {
            Error::NotFound => Self::NotFound,
            Error::DatabaseError(DatabaseErrorKind::ClosedConnection, _)
            | Error::DatabaseError(DatabaseErrorKind::UnableToSendCommand, _)
            | Error::BrokenTransactionManager => Self::Unavailable,
            Error::DatabaseError(_, ref info) if connection_lost(info.message()) => {
                Self::Unavailable
            }
            Error::DatabaseError(_, ref info)
                if info
                    .message()
                    .contains("canceling statement due to statement timeout") =>
            {
                Self::Timeout
            }
            other => Self::Internal(format!("database error: {other}")),
        }
    }
}

/// Whether a database error means the server went away or is busy (a 503 the client may
/// retry), not that the query was wrong.
fn connection_lost(message: &str) -> bool {
    const SQLITE_BUSY_OR_UNWRITABLE: &[&str] = &[
        // Once its busy timeout is spent, or when its file cannot be written:
        "database is locked",
        "attempt to write a readonly database",
        "unable to open database file",
        "disk I/O error",
        "database or disk is full",
    ];
    server_gone(message)
        || SQLITE_BUSY_OR_UNWRITABLE
            .iter()
            .any(|sign| message.contains(sign))
}

/// Whether a PostgreSQL error means the connection itself is dead, so the pool must not
/// lend it again. libpq reports a connection killed mid-query (an administrator shutdown,
/// a failover) only in its message.
pub fn server_gone(message: &str) -> bool {
    const SIGNS: &[&str] = &[
        "server closed the connection unexpectedly",
        "terminating connection",
        "could not receive data from server",
        "could not send data to server",
        "no connection to the server",
        "the database system is shutting down",
        "the database system is starting up",
        "SSL connection has been closed",
    ];
    SIGNS.iter().any(|sign| message.contains(sign))
}

/// Whether `error` leaves its connection unusable (see [`server_gone`]).
pub fn breaks_connection(error: &diesel::result::Error) -> bool {
    use diesel::result::{DatabaseErrorKind, Error};
    match error {
        Error::DatabaseError(DatabaseErrorKind::ClosedConnection, _)
        | Error::DatabaseError(DatabaseErrorKind::UnableToSendCommand, _) => true,
        Error::DatabaseError(_, info) => server_gone(info.message()),
        _ => false,
    }
}

impl From<diesel::r2d2::PoolError> for ApiError {
    fn from(_: diesel::r2d2::PoolError) -> Self {
        Self::Unavailable
    }
}
