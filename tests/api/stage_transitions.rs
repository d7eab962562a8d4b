//! The lab stage lifecycle over HTTP.

use actix_web::http::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};

async fn setup(app: &TestApp) -> (Value, Value, Value) {
    let cohort = app.create_cohort("Lab 2016").await;
    let agency = app.create_agency(json!({"code": "BAG-HUKUM"})).await;
    let innovation = app
        .create_innovation(&cohort["id"], &agency["id"], json!({"name": "ELEGAN"}))
        .await;
    (cohort, agency, innovation)
}

#[actix_web::test]
async fn forward_moves_go_one_step_and_are_recorded() {
    let app = spawn_app().await;
    let (_, _, innovation) = setup(&app).await;
    let moved = app
        .move_to(
            &innovation,
            json!({"to": "diagnose", "note": "Diagnosis bersama LAN RI",
            "evidence_url": "https://kebumenkab.go.id/berita/diagnose"}),
        )
        .await;
    assert_eq!(moved.status, 201, "{}", moved.text());
    assert_eq!(moved.header("etag").as_deref(), Some("\"2\""));
    let transition = moved.json();
    assert_eq!(transition["from_stage"], "drum_up");
    assert_eq!(transition["to_stage"], "diagnose");
    assert_eq!(
        transition["evidence_url"],
        "https://kebumenkab.go.id/berita/diagnose"
    );
    assert_eq!(transition["actor_name"], "admin");
    let path = format!("/api/v1/innovations/{}", innovation["id"]);
    let after = app.get(&path).await.json();
    assert_eq!(
        (after["lab_stage"].clone(), after["version"].clone()),
        (json!("diagnose"), json!(2))
    );

    let skip = app.move_to(&innovation, json!({"to": "delivery"})).await;
    let problem = skip.problem(409);
    assert_eq!(
        problem["type"],
        "https://inovik.example/problems/illegal-transition"
    );
    assert_eq!(problem["allowed_next_stages"], json!(["drum_up", "design"]));
    let stay = app.move_to(&innovation, json!({"to": "diagnose"})).await;
    stay.problem(409);
    let bad_stage = app.move_to(&innovation, json!({"to": "launch"})).await;
    assert_eq!(bad_stage.problem(422)["errors"][0]["field"], "to");

    let history = app.get(&format!("{path}/stage-transitions")).await.json()["items"].clone();
    let stages: Vec<&str> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["to_stage"].as_str().unwrap())
        .collect();
    assert_eq!(
        stages,
        vec!["drum_up", "diagnose"],
        "oldest first, refused moves not recorded"
    );
}

#[actix_web::test]
async fn delivery_sets_the_launch_date_today_in_jakarta_or_as_given() {
    let app = spawn_app().await;
    let (cohort, agency, innovation) = setup(&app).await;
    app.advance_to(&innovation, "design").await;
    let early = app
        .move_to(
            &innovation,
            json!({"to": "delivery", "launched_on": "2016-10-12"}),
        )
        .await;
    assert_eq!(early.status, 201);
    let path = format!("/api/v1/innovations/{}", innovation["id"]);
    assert_eq!(app.get(&path).await.json()["launched_on"], "2016-10-12");

    let other = app
        .create_innovation(&cohort["id"], &agency["id"], json!({"name": "Siperi"}))
        .await;
    let misplaced = app
        .move_to(
            &other,
            json!({"to": "diagnose", "launched_on": "2016-10-12"}),
        )
        .await;
    assert_eq!(
        misplaced.problem(422)["errors"][0]["code"],
        "launched_on_not_delivery"
    );
    app.advance_to(&other, "delivery").await;
    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::Asia::Jakarta)
        .date_naive()
        .to_string();
    assert_eq!(
        app.get(&format!("/api/v1/innovations/{}", other["id"]))
            .await
            .json()["launched_on"],
        today
    );
}

#[actix_web::test]
async fn backward_moves_need_a_reason_and_an_administrator() {
    let app = spawn_app().await;
    let (_, agency, innovation) = setup(&app).await;
    app.advance_to(&innovation, "design").await;
    let no_reason = app.move_to(&innovation, json!({"to": "drum_up"})).await;
    assert_eq!(
        no_reason.field_errors(),
        vec![("reason".into(), "reason_required".into())]
    );
    no_reason.problem(422);

    let editor = app
        .token_for("editor", "agency_editor", agency["id"].as_i64())
        .await;
    let path = format!("/api/v1/innovations/{}/stage-transitions", innovation["id"]);
    let by_editor = app
        .request(Method::POST, &path)
        .bearer(&editor)
        .json(&json!({"to": "diagnose", "reason": "perubahan strategi"}))
        .send()
        .await;
    by_editor.problem(403);
    let forward_by_editor = app
        .request(Method::POST, &path)
        .bearer(&editor)
        .json(&json!({"to": "delivery"}))
        .send()
        .await;
    assert_eq!(
        forward_by_editor.status, 201,
        "editors move their own innovations forward"
    );

    let back = app
        .move_to(
            &innovation,
            json!({"to": "design", "reason": "uji coba diulang"}),
        )
        .await;
    assert_eq!(back.status, 201, "{}", back.text());
    assert_eq!(back.json()["reason"], "uji coba diulang");
}

#[actix_web::test]
async fn a_stale_if_match_moves_nothing() {
    let app = spawn_app().await;
    let (_, _, innovation) = setup(&app).await;
    let path = format!("/api/v1/innovations/{}/stage-transitions", innovation["id"]);
    let stale = app
        .request(Method::POST, &path)
        .header("if-match", "\"7\"")
        .json(&json!({"to": "diagnose"}))
        .send()
        .await;
    stale.problem(412);
    let fresh = app
        .request(Method::POST, &path)
        .header("if-match", "\"1\"")
        .json(&json!({"to": "diagnose"}))
        .send()
        .await;
    assert_eq!(fresh.status, 201);
}

#[actix_web::test]
async fn a_cohort_launches_all_or_none() {
    let app = spawn_app().await;
    let (cohort, agency, first) = setup(&app).await;
    let second = app
        .create_innovation(&cohort["id"], &agency["id"], json!({"name": "Siperi"}))
        .await;
    let third = app
        .create_innovation(&cohort["id"], &agency["id"], json!({"name": "MUTTU 1000"}))
        .await;
    for innovation in [&first, &second, &third] {
        app.advance_to(innovation, "design").await;
    }
    app.delete(&format!("/api/v1/innovations/{}", third["id"]))
        .await;

    let ids = json!([first["id"], second["id"], third["id"], 999]);
    let refused = app
        .post_json(
            "/api/v1/innovations/stage-transitions",
            &json!({"innovation_ids": ids, "to": "delivery"}),
        )
        .await;
    let problem = refused.problem(409);
    let failures = problem["failures"].as_array().unwrap();
    let codes: Vec<(i64, &str)> = failures
        .iter()
        .map(|f| {
            (
                f["innovation_id"].as_i64().unwrap(),
                f["code"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        codes,
        vec![
            (third["id"].as_i64().unwrap(), "innovation_archived"),
            (999, "not_found")
        ]
    );
    for innovation in [&first, &second] {
        let stored = app
            .get(&format!("/api/v1/innovations/{}", innovation["id"]))
            .await
            .json();
        assert_eq!(stored["lab_stage"], "design", "none moved");
    }

    let launched = app
        .post_json("/api/v1/innovations/stage-transitions", &json!({"innovation_ids": [first["id"], second["id"]],
            "to": "delivery", "note": "Peluncuran tahap Deliveri oleh Bupati", "launched_on": "2016-10-12"}))
        .await;
    assert_eq!(launched.status, 201, "{}", launched.text());
    assert_eq!(launched.json()["transitions"].as_array().unwrap().len(), 2);
    for innovation in [&first, &second] {
        let stored = app
            .get(&format!("/api/v1/innovations/{}", innovation["id"]))
            .await
            .json();
        assert_eq!(
            (stored["lab_stage"].clone(), stored["launched_on"].clone()),
            (json!("delivery"), json!("2016-10-12"))
        );
    }

    let other_agency = app.create_agency(json!({"code": "BPMPT"})).await;
    let editor = app
        .token_for("editor", "agency_editor", other_agency["id"].as_i64())
        .await;
    let not_theirs = app
        .request(Method::POST, "/api/v1/innovations/stage-transitions")
        .bearer(&editor)
        .json(&json!({"innovation_ids": [first["id"]], "to": "display"}))
        .send()
        .await;
    not_theirs.problem(403);
}

#[actix_web::test]
async fn moving_back_keeps_the_launch_or_clears_it_and_the_public_sees_no_names() {
    let app = spawn_app().await;
    let (_, _, innovation) = setup(&app).await;
    app.advance_to(&innovation, "design").await;
    app.move_to(
        &innovation,
        json!({"to": "delivery", "launched_on": "2016-10-12"}),
    )
    .await;
    app.move_to(&innovation, json!({"to": "display"})).await;
    let path = format!("/api/v1/innovations/{}", innovation["id"]);
    app.move_to(
        &innovation,
        json!({"to": "delivery", "reason": "hasil belum lengkap"}),
    )
    .await;
    assert_eq!(
        app.get(&path).await.json()["launched_on"],
        "2016-10-12",
        "the launch it had"
    );

    let history = app
        .get_anonymous(&format!("{path}/stage-transitions"))
        .await
        .json()["items"]
        .clone();
    assert!(
        history
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["actor_name"].is_null()),
        "{history}"
    );
    assert_eq!(
        app.get(&format!("{path}/stage-transitions")).await.json()["items"][1]["actor_name"],
        "admin"
    );

    app.move_to(
        &innovation,
        json!({"to": "design", "reason": "dirancang ulang"}),
    )
    .await;
    let after = app.get(&path).await.json();
    assert_eq!(after["launched_on"], Value::Null, "no longer launched");
    app.get_anonymous(&path).await.problem(404);

    let far = app
        .move_to(
            &innovation,
            json!({"to": "delivery", "launched_on": "0001-01-01"}),
        )
        .await;
    assert_eq!(
        far.field_errors(),
        vec![("launched_on".into(), "date_out_of_range".into())]
    );
    app.get("/api/v1/innovations?launched_from=-5000-01-01")
        .await
        .problem(422);
}

#[actix_web::test]
async fn only_administrators_bring_an_archived_innovation_back() {
    let app = spawn_app().await;
    let (_, agency, innovation) = setup(&app).await;
    let path = format!("/api/v1/innovations/{}", innovation["id"]);
    let editor = app
        .token_for("editor", "agency_editor", agency["id"].as_i64())
        .await;
    let archived = app
        .request(Method::DELETE, &path)
        .bearer(&editor)
        .send()
        .await;
    assert_eq!(
        archived.status, 204,
        "editors archive their own agency's innovations"
    );
    let restore = |token: Option<String>| {
        let mut request = app
            .request(Method::PATCH, &path)
            .json(&json!({"status": "active"}));
        if let Some(token) = token {
            request = request.bearer(&token);
        }
        request.send()
    };
    restore(Some(editor.clone())).await.problem(403);
    let restored = restore(None).await;
    assert_eq!(restored.status, 200, "{}", restored.text());
    assert_eq!(restored.json()["status"], "active");
}

#[actix_web::test]
async fn a_bulk_move_refuses_ids_below_one_as_the_document_says() {
    let app = spawn_app().await;
    let refused = app
        .post_json(
            "/api/v1/innovations/stage-transitions",
            &json!({"innovation_ids": [0, -3], "to": "design"}),
        )
        .await;
    refused.problem(422);
    assert_eq!(
        refused.field_errors(),
        vec![("innovation_ids".to_owned(), "range".to_owned())]
    );
}
