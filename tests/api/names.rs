//! Innovation names are unique in their cohort ignoring case, width, spacing and invisible
//! characters, through the API and the import alike, and stored normalised.

use actix_web::http::Method;
use diesel::connection::SimpleConnection;
use serde_json::json;

use crate::helpers::spawn_app;

#[actix_web::test]
async fn look_alike_names_are_one_name() {
    let app = spawn_app().await;
    let cohort = app.create_cohort("Lab 2016").await;
    let agency = app.create_agency(json!({})).await;
    let body = |name: &str| {
        json!({"cohort_id": cohort["id"], "agency_id": agency["id"], "name": name,
               "initiator_type": "agency", "form": "public_service"})
    };
    let first = app.post_json("/api/v1/innovations", &body("ELEGAN")).await;
    assert_eq!(first.status, 201, "{}", first.text());
    for twin in [
        "ELEGAN ",
        "ELEGAN\u{200B}",
        "\u{FF25}LEGAN",
        "elegan",
        "\u{00A0}ELEGAN",
    ] {
        let response = app.post_json("/api/v1/innovations", &body(twin)).await;
        response.problem(409);
        assert_eq!(
            response.field_errors(),
            vec![("name".to_owned(), "duplicate".to_owned())],
            "{twin:?}"
        );
    }
    let spaced = app
        .post_json("/api/v1/innovations", &body("  Siperi \t Kebumen\u{200B} "))
        .await;
    assert_eq!(spaced.status, 201, "{}", spaced.text());
    assert_eq!(spaced.json()["name"], "Siperi Kebumen", "stored normalised");
    let blank = app
        .post_json("/api/v1/innovations", &body("\u{200B} \u{00A0}"))
        .await;
    assert_eq!(
        blank.field_errors(),
        vec![("name".to_owned(), "blank".to_owned())]
    );

    // The import agrees, against the registry and within the file.
    let csv = "name,agency_code,initiator_type,form\n\
               \u{FF45}\u{FF4C}\u{FF45}\u{FF47}\u{FF41}\u{FF4E},AG-1,agency,governance\n\
               MUTTU 1000,AG-1,agency,governance\n\
               muttu  1000 ,AG-1,agency,governance\n";
    let imported = app
        .request(
            Method::POST,
            &format!("/api/v1/innovations/import?cohort_id={}", cohort["id"]),
        )
        .raw("text/csv", csv.as_bytes().to_vec())
        .send()
        .await;
    let problem = imported.problem(422);
    let rows: Vec<(i64, String, String)> = problem["row_errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["row"].as_i64().unwrap(),
                e["column"].as_str().unwrap().to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            (2, "name".to_owned(), "duplicate".to_owned()),
            (4, "name".to_owned(), "duplicate_in_file".to_owned())
        ]
    );
}

#[actix_web::test]
async fn the_migration_refuses_to_fold_colliding_names() {
    let app = spawn_app().await;
    let cohort = app.create_cohort("Lab 2016").await;
    let agency = app.create_agency(json!({})).await;
    let created = app
        .create_innovation(&cohort["id"], &agency["id"], json!({"name": "ELEGAN"}))
        .await;
    // As before the migration: names stored raw, no keys, no folded index.
    let mut conn = app.state.db.get().unwrap();
    conn.batch_execute(&format!(
        "DROP INDEX innovations_cohort_name_key_folded;
         UPDATE innovations SET name_key = NULL;
         INSERT INTO innovations (cohort_id, agency_id, name, initiator_type, form, digital,
             government_affairs, lab_stage, stage_rank, status, search_text, version,
             created_at, updated_at)
         SELECT cohort_id, agency_id, 'ELEGAN ', initiator_type, form, digital,
             government_affairs, lab_stage, stage_rank, status, search_text, version,
             created_at, updated_at FROM innovations WHERE id = {}",
        created["id"]
    ))
    .unwrap();
    let refused = inovik::db::run_migrations(&mut conn).unwrap_err();
    assert!(
        refused.contains(&format!(
            "cohort {}: innovation {} \"ELEGAN\", innovation",
            cohort["id"], created["id"]
        )),
        "{refused}"
    );
    assert_eq!(
        app.get(&format!("/api/v1/innovations/{}", created["id"]))
            .await
            .json()["name"],
        "ELEGAN",
        "nothing changed"
    );

    conn.batch_execute("UPDATE innovations SET name = 'ELEGAN Dua' WHERE name = 'ELEGAN '")
        .unwrap();
    inovik::db::run_migrations(&mut conn).expect("folds once the collision is gone");
    drop(conn);
    let again = app
        .post_json(
            "/api/v1/innovations",
            &json!({"cohort_id": cohort["id"], "agency_id": agency["id"], "name": "elegan dua",
                    "initiator_type": "agency", "form": "public_service"}),
        )
        .await;
    again.problem(409);
}
