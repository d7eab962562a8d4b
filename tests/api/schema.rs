//! `src/db/schema.rs` is kept by hand in types both backends share; this checks it against
//! the columns each migrated database really has.

use diesel::prelude::*;
use diesel::sql_types::{Bool, Text};

use crate::helpers::TestDatabase;
use inovik::db::{DbConnection, Manager};

/// `(table, column, diesel type, nullable)` as declared in schema.rs.
fn declared() -> Vec<(String, String, String, bool)> {
    let source = include_str!("../../src/db/schema.rs");
    let mut columns = Vec::new();
    let mut table = None;
    for line in source.lines().map(str::trim) {
        if line.starts_with("diesel::") || line.starts_with("//") {
            continue;
        }
        if let Some((name, _key)) = line.strip_suffix(") {").and_then(|l| l.split_once(" (")) {
            table = Some(name.to_owned());
        } else if let (Some(table), Some((column, ty))) = (&table, line.split_once(" -> ")) {
            let ty = ty.trim_end_matches(',');
            let (ty, nullable) = match ty.strip_prefix("Nullable<") {
                Some(inner) => (inner.trim_end_matches('>'), true),
                None => (ty, false),
            };
            columns.push((table.clone(), column.to_owned(), ty.to_owned(), nullable));
        }
    }
    assert!(!columns.is_empty(), "schema.rs parsed");
    columns
}

#[derive(QueryableByName, Debug)]
struct Column {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Text)]
    data_type: String,
    #[diesel(sql_type = Bool)]
    nullable: bool,
}

fn actual(conn: &mut DbConnection) -> Vec<Column> {
    let sql = match conn {
        DbConnection::Postgres(_) => {
            "SELECT table_name::text, column_name::text, data_type::text, \
             (is_nullable = 'YES') AS nullable FROM information_schema.columns \
             WHERE table_schema = 'public' AND table_name <> '__diesel_schema_migrations'"
        }
        DbConnection::Sqlite(_) => {
            "SELECT m.name AS table_name, p.name AS column_name, p.type AS data_type, \
             (p.\"notnull\" = 0 AND p.pk = 0) AS nullable \
             FROM sqlite_master m JOIN pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' \
             AND m.name <> '__diesel_schema_migrations'"
        }
    };
    diesel::sql_query(sql).load(conn).unwrap()
}

/// Whether a database column type is what diesel's shared type reads and writes.
fn compatible(diesel_type: &str, database_type: &str) -> bool {
    let database_type = database_type.to_ascii_lowercase();
    let allowed: &[&str] = match diesel_type {
        "BigInt" => &["bigint", "integer"],
        "Integer" => &["integer"],
        "SmallInt" => &["smallint"],
        "Text" => &["text"],
        "Bool" => &["boolean"],
        "Timestamp" => &["timestamp with time zone", "timestamp"],
        "Date" => &["date"],
        "Binary" => &["bytea", "blob"],
        _ => &[],
    };
    allowed.contains(&database_type.as_str())
}

#[test]
fn schema_rs_matches_the_migrated_database() {
    let database = TestDatabase::create();
    let mut conn = Manager::establish(&database.url).unwrap();
    inovik::db::run_migrations(&mut conn).unwrap();
    let mut actual = actual(&mut conn);
    actual.sort_by(|a, b| (&a.table_name, &a.column_name).cmp(&(&b.table_name, &b.column_name)));
    let mut declared = declared();
    declared.sort();
    let actual_names: Vec<(String, String)> = actual
        .iter()
        .map(|c| (c.table_name.clone(), c.column_name.clone()))
        .collect();
    let declared_names: Vec<(String, String)> = declared
        .iter()
        .map(|(t, c, _, _)| (t.clone(), c.clone()))
        .collect();
    assert_eq!(declared_names, actual_names, "the same tables and columns");
    for ((table, column, ty, nullable), real) in declared.iter().zip(&actual) {
        assert!(
            compatible(ty, &real.data_type),
            "{table}.{column}: {ty} vs {}",
            real.data_type
        );
        assert_eq!(*nullable, real.nullable, "{table}.{column}: nullability");
    }
}
