//! The data step of migration 000007: every innovation gets its folded name
//! ([`crate::domain::text::name_key`]) and its name normalised, and the unique index on
//! `(cohort_id, name_key)` is made. Names that collide once folded (`ELEGAN` and
//! `ELEGAN `) stop it: it lists them and changes nothing until one of each is renamed.
//! Runs after the SQL migrations, every time they run; does nothing once every row has
//! its key and the index exists.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::innovations;
use crate::domain::text::{name_key, normalise_name};

const INDEX: &str = "CREATE UNIQUE INDEX IF NOT EXISTS innovations_cohort_name_key_folded \
                     ON innovations (cohort_id, name_key)";

pub fn fold_innovation_names(conn: &mut DbConnection) -> Result<(), String> {
    let fail = |e: diesel::result::Error| format!("folding innovation names: {e}");
    conn.transaction(|conn| {
        // A partial index holds exactly the rows without a key: this is cheap when done.
        let unkeyed: bool = diesel::select(diesel::dsl::exists(
            innovations::table.filter(innovations::name_key.is_null()),
        ))
        .get_result(conn)?;
        if unkeyed {
            let rows: Vec<(i64, i64, String, Option<String>)> = innovations::table
                .select((
                    innovations::id,
                    innovations::cohort_id,
                    innovations::name,
                    innovations::name_key,
                ))
                .order(innovations::id.asc())
                .load(conn)?;
            let names: Vec<(i64, i64, String)> = rows
                .iter()
                .map(|(id, cohort_id, name, _)| (*id, *cohort_id, name.clone()))
                .collect();
            if let Some(report) = collisions(&names) {
                return Ok(Err(report));
            }
            for (id, _, name, key) in &rows {
                if key.is_none() {
                    diesel::update(innovations::table.find(id))
                        .set((
                            innovations::name.eq(normalise_name(name)),
                            innovations::name_key.eq(name_key(name)),
                        ))
                        .execute(conn)?;
                }
            }
        }
        conn.batch_execute(INDEX)?;
        Ok(Ok(()))
    })
    .map_err(fail)?
}

/// The groups of innovations whose names collide within a cohort once folded, as one
/// message for the operator; `None` when there are none.
fn collisions(rows: &[(i64, i64, String)]) -> Option<String> {
    let mut groups: std::collections::BTreeMap<(i64, String), Vec<(i64, &str)>> =
        std::collections::BTreeMap::new();
    for (id, cohort_id, name) in rows {
        groups
            .entry((*cohort_id, name_key(name)))
            .or_default()
            .push((*id, name.as_str()));
    }
    let lines: Vec<String> = groups
        .into_iter()
        .filter(|(_, members)| members.len() > 1)
        .map(|((cohort_id, _), members)| {
            let names: Vec<String> = members
                .iter()
                .map(|(id, name)| format!("innovation {id} {name:?}"))
                .collect();
            format!("cohort {cohort_id}: {}", names.join(", "))
        })
        .collect();
    (!lines.is_empty()).then(|| {
        format!(
            "innovation names must be unique in their cohort ignoring case, width and \
             spacing, and these collide; rename all but one of each, then migrate again: {}",
            lines.join("; ")
        )
    })
}

#[cfg(test)]
mod tests {
    use super::collisions;

    #[test]
    fn collisions_are_listed_per_cohort() {
        let rows = vec![
            (1, 1, "ELEGAN".to_owned()),
            (2, 1, "ELEGAN ".to_owned()),
            (3, 2, "ELEGAN".to_owned()),
            (4, 1, "Siperi".to_owned()),
        ];
        let report = collisions(&rows).unwrap();
        assert!(
            report.ends_with("cohort 1: innovation 1 \"ELEGAN\", innovation 2 \"ELEGAN \""),
            "{report}"
        );
        assert_eq!(collisions(&rows[2..]), None);
    }
}
