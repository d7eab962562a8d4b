//! Embedded migrations, one set per backend, applied at start and by `inovik migrate`.

use diesel::connection::SimpleConnection;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use super::DbConnection;

const POSTGRES: EmbeddedMigrations = embed_migrations!("migrations/postgres");
const SQLITE: EmbeddedMigrations = embed_migrations!("migrations/sqlite");

/// Arbitrary but fixed key of the PostgreSQL advisory lock that serialises migrations, so
/// several replicas starting at once do not race (`'inovik'` as bytes).
const MIGRATION_LOCK_KEY: i64 = 0x696e_6f76_696b;

/// Applies pending migrations, then the data steps SQL cannot do alike on both backends;
/// returns the versions applied.
pub fn run_migrations(conn: &mut DbConnection) -> Result<Vec<String>, String> {
    if let DbConnection::Postgres(pg) = conn {
        pg.batch_execute(&format!("SELECT pg_advisory_lock({MIGRATION_LOCK_KEY})"))
            .map_err(|e| format!("cannot take the migration lock: {e}"))?;
    }
    let applied = match conn {
        DbConnection::Postgres(pg) => pg
            .run_pending_migrations(POSTGRES)
            .map(|versions| versions.iter().map(ToString::to_string).collect::<Vec<_>>()),
        DbConnection::Sqlite(sqlite) => sqlite
            .run_pending_migrations(SQLITE)
            .map(|versions| versions.iter().map(ToString::to_string).collect()),
    }
    .map_err(|e| format!("migration failed: {e}"));
    let result = applied.and_then(|versions| {
        super::name_keys::fold_innovation_names(conn)?;
        Ok(versions)
    });
    if let DbConnection::Postgres(pg) = conn {
        // Released even when a step failed; the session ending would release it too.
        let _ = pg.batch_execute(&format!("SELECT pg_advisory_unlock({MIGRATION_LOCK_KEY})"));
    }
    result
}
