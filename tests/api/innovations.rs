//! Innovations: fields, rules, visibility, lists, CSV and stats.

use actix_web::http::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};

struct Story {
    cohort: Value,
    hukum: Value,
    tapem: Value,
}

async fn story(app: &TestApp) -> Story {
    Story {
        cohort: app.create_cohort("Laboratorium Inovasi Kebumen 2016").await,
        hukum: app.create_agency(json!({"code": "BAG-HUKUM", "name": "Bagian Hukum Setda", "kind": "secretariat_section"})).await,
        tapem: app.create_agency(json!({"code": "BAG-TAPEM", "name": "Bagian Tapem Setda", "kind": "secretariat_section"})).await,
    }
}

fn names(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap().to_owned())
        .collect()
}

#[actix_web::test]
async fn create_returns_the_innovation_with_its_agency_and_cohort_at_drum_up() {
    let app = spawn_app().await;
    let s = story(&app).await;
    let response = app
        .post_json(
            "/api/v1/innovations",
            &json!({"cohort_id": s.cohort["id"], "agency_id": s.tapem["id"], "name": "MUTTU 1000",
                    "acronym_expansion": "MoU Sertifikat Tanah untuk 1.000 UMKM", "initiator_type": "agency",
                    "form": "public_service", "government_affairs": ["pertanahan", " koperasi dan UMKM "],
                    "beneficiaries": "UMKM", "beneficiaries_target": 1000}),
        )
        .await;
    assert_eq!(response.status, 201, "{}", response.text());
    let innovation = response.json();
    assert_eq!(innovation["lab_stage"], "drum_up");
    assert_eq!(innovation["status"], "draft");
    assert_eq!(innovation["digital"], false);
    assert_eq!(innovation["launched_on"], Value::Null);
    assert_eq!(innovation["agency_code"], "BAG-TAPEM");
    assert_eq!(
        innovation["cohort_name"],
        "Laboratorium Inovasi Kebumen 2016"
    );
    assert_eq!(
        innovation["government_affairs"],
        json!(["pertanahan", "koperasi dan UMKM"])
    );
    let path = format!("/api/v1/innovations/{}", innovation["id"]);
    assert_eq!(
        response.header("location").unwrap(),
        format!("http://127.0.0.1:8080{path}")
    );
    assert_eq!(app.get(&path).await.json(), innovation);
    let history = app.get(&format!("{path}/stage-transitions")).await.json()["items"].clone();
    assert_eq!(history.as_array().unwrap().len(), 1);
    assert_eq!(
        (
            history[0]["from_stage"].clone(),
            history[0]["to_stage"].clone()
        ),
        (Value::Null, json!("drum_up"))
    );
    assert_eq!(history[0]["note"], "created");
}

#[actix_web::test]
async fn names_are_unique_per_cohort_and_references_must_be_live() {
    let app = spawn_app().await;
    let s = story(&app).await;
    app.create_innovation(&s.cohort["id"], &s.hukum["id"], json!({"name": "ELEGAN"}))
        .await;
    let duplicate = app
        .post_json(
            "/api/v1/innovations",
            &json!({"cohort_id": s.cohort["id"], "agency_id": s.tapem["id"],
            "name": "ELEGAN", "initiator_type": "agency", "form": "governance"}),
        )
        .await;
    duplicate.problem(409);
    assert_eq!(
        duplicate.field_errors(),
        vec![("name".into(), "duplicate".into())]
    );
    let other_cohort = app.create_cohort("Lab 2017").await;
    app.create_innovation(
        &other_cohort["id"],
        &s.hukum["id"],
        json!({"name": "ELEGAN"}),
    )
    .await;

    app.delete(&format!("/api/v1/agencies/{}", s.tapem["id"]))
        .await;
    let cases = [
        (
            json!({"agency_id": s.tapem["id"]}),
            "agency_id",
            "agency_inactive",
        ),
        (json!({"agency_id": 999}), "agency_id", "agency_not_found"),
        (json!({"cohort_id": 999}), "cohort_id", "cohort_not_found"),
    ];
    for (fields, field, code) in cases {
        let mut body = json!({"cohort_id": s.cohort["id"], "agency_id": s.hukum["id"], "name": "Siperi",
            "initiator_type": "agency", "form": "public_service"});
        for (k, v) in fields.as_object().unwrap() {
            body[k] = v.clone();
        }
        let response = app.post_json("/api/v1/innovations", &body).await;
        response.problem(422);
        assert_eq!(
            response.field_errors(),
            vec![(field.to_owned(), code.to_owned())]
        );
    }
}

#[actix_web::test]
async fn every_text_field_has_a_limit_and_the_stage_is_read_only() {
    let app = spawn_app().await;
    let s = story(&app).await;
    let response = app
        .post_json("/api/v1/innovations", &json!({"cohort_id": s.cohort["id"], "agency_id": s.hukum["id"],
            "name": "x".repeat(201), "initiator_type": "mayor", "form": "public_service",
            "problem": "p".repeat(10_001), "government_affairs": ["", "hukum"], "beneficiaries_target": -1}))
        .await;
    response.problem(422);
    let mut errors = response.field_errors();
    errors.sort();
    assert_eq!(
        errors,
        vec![
            ("beneficiaries_target".into(), "range".into()),
            ("government_affairs".into(), "affair_invalid".into()),
            ("initiator_type".into(), "invalid_choice".into()),
            ("name".into(), "length".into()),
            ("problem".into(), "length".into()),
        ]
    );
    let innovation = app
        .create_innovation(&s.cohort["id"], &s.hukum["id"], json!({}))
        .await;
    let path = format!("/api/v1/innovations/{}", innovation["id"]);
    let stage = app
        .patch_json(&path, &json!({"lab_stage": "display"}))
        .await;
    stage.problem(400);
    assert_eq!(
        stage.field_errors(),
        vec![("lab_stage".into(), "read_only".into())]
    );
    let patched = app
        .patch_json(&path, &json!({"results": "1.012 UMKM", "status": "active"}))
        .await;
    assert_eq!(patched.status, 200, "{}", patched.text());
    assert_eq!(
        (
            patched.json()["version"].clone(),
            patched.json()["results"].clone()
        ),
        (json!(2), json!("1.012 UMKM"))
    );
}

#[actix_web::test]
async fn the_public_sees_launched_innovations_only() {
    let app = spawn_app().await;
    let s = story(&app).await;
    let draft = app
        .create_innovation(
            &s.cohort["id"],
            &s.hukum["id"],
            json!({"name": "Rancangan"}),
        )
        .await;
    let launched = app
        .create_innovation(&s.cohort["id"], &s.hukum["id"], json!({"name": "ELEGAN"}))
        .await;
    app.advance_to(&launched, "delivery").await;

    app.get_anonymous(&format!("/api/v1/innovations/{}", draft["id"]))
        .await
        .problem(404);
    app.get_anonymous(&format!(
        "/api/v1/innovations/{}/stage-transitions",
        draft["id"]
    ))
    .await
    .problem(404);
    assert_eq!(
        app.get_anonymous(&format!("/api/v1/innovations/{}", launched["id"]))
            .await
            .status,
        200
    );
    assert_eq!(
        names(&app.get_anonymous("/api/v1/innovations").await.json()),
        vec!["ELEGAN"]
    );
    assert_eq!(
        names(&app.get("/api/v1/innovations").await.json()),
        vec!["ELEGAN", "Rancangan"]
    );
    let viewer = app.token_for("viewer", "viewer", None).await;
    let seen = app
        .request(Method::GET, "/api/v1/innovations")
        .bearer(&viewer)
        .send()
        .await
        .json();
    assert_eq!(seen["total"], 2, "viewers read everything");
    let stats = app
        .get_anonymous("/api/v1/stats/innovations?group_by=lab_stage")
        .await
        .json();
    assert_eq!(stats["total"], 1, "public stats count public innovations");
}

#[actix_web::test]
async fn agency_editors_work_on_their_own_agency_only() {
    let app = spawn_app().await;
    let s = story(&app).await;
    let editor = app
        .token_for("editor", "agency_editor", s.hukum["id"].as_i64())
        .await;
    let create = |agency: &Value| {
        app.request(Method::POST, "/api/v1/innovations")
            .bearer(&editor)
            .json(&json!({
            "cohort_id": s.cohort["id"], "agency_id": agency, "name": format!("Inovasi {agency}"),
            "initiator_type": "agency", "form": "governance"}))
            .send()
    };
    let own = create(&s.hukum["id"]).await;
    assert_eq!(own.status, 201, "{}", own.text());
    create(&s.tapem["id"]).await.problem(403);
    let theirs = app
        .create_innovation(&s.cohort["id"], &s.tapem["id"], json!({"name": "Tapem"}))
        .await;
    app.request(
        Method::PATCH,
        &format!("/api/v1/innovations/{}", theirs["id"]),
    )
    .bearer(&editor)
    .json(&json!({"goals": "x"}))
    .send()
    .await
    .problem(403);
    let hand_over = app
        .request(
            Method::PATCH,
            &format!("/api/v1/innovations/{}", own.json()["id"]),
        )
        .bearer(&editor)
        .json(&json!({"agency_id": s.tapem["id"]}))
        .send()
        .await;
    hand_over.problem(403);
}

#[actix_web::test]
async fn archiving_keeps_the_innovation_readable_and_still() {
    let app = spawn_app().await;
    let s = story(&app).await;
    let innovation = app
        .create_innovation(&s.cohort["id"], &s.hukum["id"], json!({}))
        .await;
    let path = format!("/api/v1/innovations/{}", innovation["id"]);
    assert_eq!(app.delete(&path).await.status, 204);
    let archived = app.get(&path).await.json();
    assert_eq!(
        (archived["status"].clone(), archived["version"].clone()),
        (json!("archived"), json!(2))
    );
    let moved = app.move_to(&innovation, json!({"to": "diagnose"})).await;
    let problem = moved.problem(409);
    assert_eq!(
        moved.field_errors(),
        vec![("to".into(), "innovation_archived".into())]
    );
    assert!(problem["detail"].as_str().unwrap().contains("archived"));
    assert_eq!(app.delete(&path).await.status, 204);
    assert_eq!(app.get(&path).await.json()["version"], 2);
}

#[actix_web::test]
async fn filters_search_and_sorts_agree_on_both_backends() {
    let app = spawn_app().await;
    let s = story(&app).await;
    let puskesmas = app
        .create_agency(json!({"code": "PKM-1", "kind": "health_center"}))
        .await;
    let elegan = app
        .create_innovation(
            &s.cohort["id"],
            &s.hukum["id"],
            json!({"name": "ELEGAN", "digital": true,
            "acronym_expansion": "Elektronik Legal Drafting", "form": "governance"}),
        )
        .await;
    let muttu = app
        .create_innovation(
            &s.cohort["id"],
            &s.tapem["id"],
            json!({"name": "MUTTU 1000",
            "problem": "Banyak UMKM belum bersertifikat ÜBER"}),
        )
        .await;
    let sehat = app
        .create_innovation(
            &s.cohort["id"],
            &puskesmas["id"],
            json!({"name": "Sehat Ceria"}),
        )
        .await;
    app.advance_to(&elegan, "display").await;
    app.advance_to(&muttu, "delivery").await;
    app.move_to(&sehat, json!({"to": "diagnose"})).await;

    let list = |query: &str| {
        let path = format!("/api/v1/innovations?{query}");
        let app = &app;
        async move {
            let response = app.get(&path).await;
            assert_eq!(response.status, 200, "{path}: {}", response.text());
            names(&response.json())
        }
    };
    assert_eq!(
        list("lab_stage=delivery,display").await,
        vec!["ELEGAN", "MUTTU 1000"]
    );
    assert_eq!(
        list("lab_stage=delivery&lab_stage=display&form=governance&form=public_service").await,
        vec!["ELEGAN", "MUTTU 1000"],
        "a multi-value filter repeated, as generated clients send it"
    );
    let twice = app
        .get("/api/v1/innovations?digital=true&digital=false&lab_stage=delivery")
        .await;
    assert_eq!(
        twice.field_errors(),
        vec![("digital".into(), "duplicate_parameter".into())],
        "a single-valued parameter given twice stays an error"
    );
    assert_eq!(list("agency_kind=health_center").await, vec!["Sehat Ceria"]);
    assert_eq!(
        list(&format!("agency_id={}", s.tapem["id"])).await,
        vec!["MUTTU 1000"]
    );
    assert_eq!(list("digital=true").await, vec!["ELEGAN"]);
    assert_eq!(list("form=governance").await, vec!["ELEGAN"]);
    assert_eq!(
        list("q=legal%20DRAFTING").await,
        vec!["ELEGAN"],
        "acronym expansion"
    );
    assert_eq!(
        list("q=%C3%BCber").await,
        vec!["MUTTU 1000"],
        "problem text, Unicode case"
    );
    assert_eq!(
        list("sort=-lab_stage").await,
        vec!["ELEGAN", "MUTTU 1000", "Sehat Ceria"]
    );
    assert_eq!(
        list("sort=launched_on").await.last().unwrap(),
        "Sehat Ceria",
        "unlaunched last"
    );
    assert_eq!(
        list("sort=-launched_on").await.first().unwrap(),
        "Sehat Ceria",
        "and first descending"
    );
    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::Asia::Jakarta)
        .date_naive();
    assert_eq!(
        list(&format!("launched_from={today}&launched_to={today}")).await,
        vec!["ELEGAN", "MUTTU 1000"]
    );
    app.get("/api/v1/innovations?lab_stage=launch&launched_from=yesterday")
        .await
        .problem(422);

    for sort in ["launched_on", "-launched_on", "lab_stage", "-name"] {
        let mut seen = Vec::new();
        let mut path = format!("/api/v1/innovations?per_page=1&sort={sort}&cursor=");
        loop {
            let page = app.get(&path).await.json();
            seen.extend(names(&page));
            match page["next_cursor"].as_str() {
                Some(cursor) => {
                    path = format!("/api/v1/innovations?per_page=1&sort={sort}&cursor={cursor}")
                }
                None => break,
            }
        }
        assert_eq!(
            seen,
            list(&format!("sort={sort}")).await,
            "cursor walk of {sort}"
        );
    }
}

#[actix_web::test]
async fn csv_has_agency_and_cohort_names_and_stats_count_groups() {
    let app = spawn_app().await;
    let s = story(&app).await;
    app.create_innovation(
        &s.cohort["id"],
        &s.hukum["id"],
        json!({"name": "ELEGAN", "government_affairs": ["hukum", "kominfo"]}),
    )
    .await;
    app.create_innovation(&s.cohort["id"], &s.hukum["id"], json!({"name": "=cmd"}))
        .await;
    app.create_innovation(
        &s.cohort["id"],
        &s.tapem["id"],
        json!({"name": "MUTTU 1000"}),
    )
    .await;

    let csv = app
        .request(Method::GET, "/api/v1/innovations?sort=name")
        .header("accept", "text/csv")
        .send()
        .await
        .text();
    let mut lines = csv.trim_start_matches('\u{feff}').split("\r\n");
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    for column in [
        "agency_code",
        "agency_name",
        "cohort_name",
        "government_affairs",
        "lab_stage",
    ] {
        assert!(header.contains(&column), "{column} in {header:?}");
    }
    assert!(csv.contains("'=cmd"), "formula neutralised");
    assert!(csv.contains("hukum|kominfo"));
    assert!(csv.contains("BAG-HUKUM,Bagian Hukum Setda"));

    let stats = app
        .get("/api/v1/stats/innovations?group_by=agency")
        .await
        .json();
    assert_eq!(stats["total"], 3);
    assert_eq!(
        stats["groups"][0],
        json!({"key": "BAG-HUKUM", "label": "Bagian Hukum Setda", "count": 2})
    );
    let by_cohort = app
        .get("/api/v1/stats/innovations?group_by=cohort")
        .await
        .json();
    assert_eq!(
        by_cohort["groups"][0]["label"],
        "Laboratorium Inovasi Kebumen 2016"
    );
    let filtered = app
        .get(&format!(
            "/api/v1/stats/innovations?group_by=form&agency_id={}",
            s.tapem["id"]
        ))
        .await
        .json();
    assert_eq!(filtered["total"], 1);
    app.get("/api/v1/stats/innovations").await.problem(422);
    app.get("/api/v1/stats/innovations?group_by=colour")
        .await
        .problem(422);
}
