//! Migrations that rewrite a table keep what is in it. SQLite cannot alter a CHECK
//! constraint, so adding the `reviewer` role rebuilds `users` and `api_clients`: a
//! database holding accounts and sign-ins is migrated and keeps every row and reference.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use diesel_migrations::{FileBasedMigrations, MigrationHarness};

#[derive(QueryableByName, Debug, PartialEq)]
struct Account {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Text)]
    username: String,
    #[diesel(sql_type = Text)]
    role: String,
}

#[test]
fn the_reviewer_migration_keeps_accounts_and_their_sign_ins_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    let mut conn = SqliteConnection::establish(path.to_str().unwrap()).unwrap();
    conn.batch_execute("PRAGMA foreign_keys = ON").unwrap();
    let migrations =
        FileBasedMigrations::from_path(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/sqlite"))
            .unwrap();
    // Up to the migration before the reviewer role.
    loop {
        let pending = conn.pending_migrations(migrations.clone()).unwrap();
        let next = pending.first().expect("the reviewer migration exists");
        if next.name().to_string().contains("reviewer_role") {
            break;
        }
        conn.run_next_migration(migrations.clone()).unwrap();
    }
    conn.batch_execute(
        "INSERT INTO agencies (id, code, name, kind, region_code, search_text, created_at, updated_at)
             VALUES (1, 'DISKOMINFO', 'Dinas Kominfo', 'agency', '3305', 'dinas kominfo',
                     '2026-01-01', '2026-01-01');
         INSERT INTO users (id, username, display_name, role, agency_id, password_hash, created_at, updated_at)
             VALUES (7, 'admin', 'Admin', 'admin', NULL, 'x', '2026-01-01', '2026-01-01'),
                    (9, 'editor', 'Editor', 'agency_editor', 1, 'x', '2026-01-01', '2026-01-01');
         INSERT INTO api_clients (id, client_id, name, role, secret_hash, created_at, updated_at)
             VALUES (3, 'sipd', 'SIPD', 'viewer', 'x', '2026-01-01', '2026-01-01');
         INSERT INTO refresh_tokens (token_hash, family, user_id, expires_at, created_at)
             VALUES ('h1', 'f1', 9, '2026-02-01', '2026-01-01');",
    )
    .unwrap();
    assert!(
        conn.batch_execute(
            "INSERT INTO users (username, display_name, role, password_hash, created_at, updated_at)
             VALUES ('early', 'Early', 'reviewer', 'x', '2026-01-01', '2026-01-01')"
        )
        .is_err(),
        "before the migration there is no reviewer role"
    );

    conn.run_pending_migrations(migrations).unwrap();

    let accounts: Vec<Account> =
        diesel::sql_query("SELECT id, username, role FROM users ORDER BY id")
            .load(&mut conn)
            .unwrap();
    assert_eq!(
        accounts,
        [
            Account {
                id: 7,
                username: "admin".into(),
                role: "admin".into()
            },
            Account {
                id: 9,
                username: "editor".into(),
                role: "agency_editor".into()
            },
        ]
    );
    let tokens: i64 = diesel::select(diesel::dsl::sql::<BigInt>(
        "(SELECT count(*) FROM refresh_tokens WHERE user_id = 9)",
    ))
    .get_result(&mut conn)
    .unwrap();
    assert_eq!(tokens, 1, "sign-ins are kept");
    conn.batch_execute(
        "INSERT INTO users (username, display_name, role, password_hash, created_at, updated_at)
             VALUES ('reviewer', 'Reviewer', 'reviewer', 'x', '2026-01-01', '2026-01-01');
         INSERT INTO api_clients (client_id, name, role, secret_hash, created_at, updated_at)
             VALUES ('checker', 'Checker', 'reviewer', 'x', '2026-01-01', '2026-01-01');",
    )
    .unwrap();
    // New ids continue after the old ones; the rules of the old tables hold.
    let reviewer: i64 = diesel::select(diesel::dsl::sql::<BigInt>(
        "(SELECT id FROM users WHERE username = 'reviewer')",
    ))
    .get_result(&mut conn)
    .unwrap();
    assert_eq!(reviewer, 10);
    assert!(
        conn.batch_execute(
            "INSERT INTO users (username, display_name, role, password_hash, created_at, updated_at)
             VALUES ('editor2', 'E', 'agency_editor', 'x', '2026-01-01', '2026-01-01')"
        )
        .is_err(),
        "an agency editor still needs an agency"
    );
    assert!(
        conn.batch_execute("DELETE FROM users WHERE id = 9")
            .is_err(),
        "refresh tokens still reference users"
    );
    let problems: Vec<Account> = diesel::sql_query(
        "SELECT 0 AS id, \"table\" AS username, parent AS role FROM pragma_foreign_key_check",
    )
    .load(&mut conn)
    .unwrap();
    assert_eq!(problems, []);
}
