//! Cohorts: the lab's rounds.

use actix_web::http::Method;
use serde_json::json;

use crate::helpers::spawn_app;

#[actix_web::test]
async fn cohorts_are_created_read_changed_and_listed() {
    let app = spawn_app().await;
    let response = app
        .post_json(
            "/api/v1/cohorts",
            &json!({"name": "Laboratorium Inovasi Kebumen 2016", "year": 2016, "partner": "LAN RI",
                    "drum_up_on": "2016-05-10"}),
        )
        .await;
    assert_eq!(response.status, 201, "{}", response.text());
    let cohort = response.json();
    assert_eq!(
        (cohort["region_code"].clone(), cohort["lab_stage"].clone()),
        (json!("3305"), json!("drum_up"))
    );
    let path = format!("/api/v1/cohorts/{}", cohort["id"]);
    assert_eq!(
        response.header("location").unwrap(),
        format!("http://127.0.0.1:8080{path}")
    );

    let public = app.get_anonymous(&path).await;
    assert_eq!(public.status, 200, "cohorts are public");
    let changed = app
        .patch_json(
            &path,
            &json!({"lab_stage": "delivery", "delivery_on": "2016-10-12"}),
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.text());
    assert_eq!(changed.json()["delivery_on"], "2016-10-12");
    assert_eq!(changed.json()["version"], 2);

    app.post_json(
        "/api/v1/cohorts",
        &json!({"name": "Laboratorium Inovasi Kebumen 2017", "year": 2017}),
    )
    .await;
    let listed = app.get("/api/v1/cohorts?year=2016").await.json();
    assert_eq!(listed["total"], 1);
    assert_eq!(
        app.get("/api/v1/cohorts?sort=name").await.json()["items"][0]["name"],
        "Laboratorium Inovasi Kebumen 2016"
    );
}

#[actix_web::test]
async fn cohort_rules_duplicates_and_deletion() {
    let app = spawn_app().await;
    let cohort = app.create_cohort("Lab 2016").await;
    app.post_json(
        "/api/v1/cohorts",
        &json!({"name": "Lab 2016", "year": 2016}),
    )
    .await
    .problem(409);
    let bad = app
        .post_json(
            "/api/v1/cohorts",
            &json!({"name": " ", "year": 1999, "lab_stage": "launch", "delivery_on": "2016-02-30"}),
        )
        .await;
    bad.problem(422);
    assert_eq!(
        bad.field_errors(),
        vec![("delivery_on".into(), "invalid_value".into())],
        "the body is read before rules"
    );
    let bad = app
        .post_json(
            "/api/v1/cohorts",
            &json!({"name": " ", "year": 1999, "lab_stage": "launch"}),
        )
        .await;
    let mut fields: Vec<String> = bad.field_errors().into_iter().map(|(f, _)| f).collect();
    fields.sort();
    assert_eq!(fields, vec!["lab_stage", "name", "year"]);

    let agency = app.create_agency(json!({})).await;
    app.create_innovation(&cohort["id"], &agency["id"], json!({"name": "ELEGAN"}))
        .await;
    let path = format!("/api/v1/cohorts/{}", cohort["id"]);
    app.delete(&path).await.problem(409);
    let empty = app.create_cohort("Lab kosong").await;
    assert_eq!(
        app.delete(&format!("/api/v1/cohorts/{}", empty["id"]))
            .await
            .status,
        204
    );
    app.get(&format!("/api/v1/cohorts/{}", empty["id"]))
        .await
        .problem(404);

    let anonymous = app
        .request(Method::POST, "/api/v1/cohorts")
        .anonymous()
        .json(&json!({"name": "X", "year": 2016}))
        .send()
        .await;
    anonymous.problem(401);
}

/// The bounds the document states are the server's: a date is exactly `YYYY-MM-DD`, an
/// instant at most 35 characters, and a list filter names at most as many values as exist.
#[actix_web::test]
async fn dates_instants_and_list_filters_are_as_long_as_the_document_says() {
    let app = spawn_app().await;
    for date in [
        " 2016-05-10",
        "2016-5-10",
        "+2016-05-10",
        "2016-05-10          ",
    ] {
        let response = app
            .post_json(
                "/api/v1/cohorts",
                &json!({"name": "Lab", "year": 2016, "drum_up_on": date}),
            )
            .await;
        response.problem(422);
        assert_eq!(
            response.field_errors(),
            vec![("drum_up_on".to_owned(), "invalid_value".to_owned())],
            "{date:?}"
        );
    }
    let instant = "2016-10-12T10:00:00.1234567891%2B07:00";
    let response = app
        .get(&format!("/api/v1/cohorts?updated_since={instant}"))
        .await;
    response.problem(422);
    let stages = "drum_up,diagnose,design,delivery,display";
    assert_eq!(
        app.get(&format!("/api/v1/innovations?lab_stage={stages}"))
            .await
            .status,
        200
    );
    let response = app
        .get(&format!("/api/v1/innovations?lab_stage={stages},display"))
        .await;
    response.problem(422);
    assert_eq!(
        response.field_errors(),
        vec![("lab_stage".to_owned(), "too_many_values".to_owned())]
    );
}
