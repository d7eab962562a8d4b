//! Loading a cohort from a spreadsheet.

use std::process::Command;

use actix_web::http::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestResponse, spawn_app};

async fn import(app: &TestApp, cohort: &Value, query: &str, csv: &str) -> TestResponse {
    app.request(
        Method::POST,
        &format!(
            "/api/v1/innovations/import?cohort_id={}{query}",
            cohort["id"]
        ),
    )
    .raw("text/csv", csv.as_bytes().to_vec())
    .send()
    .await
}

async fn setup(app: &TestApp) -> Value {
    app.create_agency(json!({"code": "BAG-HUKUM", "name": "Bagian Hukum Setda"}))
        .await;
    app.create_agency(json!({"code": "BAG-TAPEM", "name": "Bagian Tapem Setda"}))
        .await;
    app.create_cohort("Lab 2016").await
}

/// A cohort's innovations by name, without what a copy cannot share (ids, versions, times).
async fn comparable(app: &TestApp, cohort: &Value) -> Vec<Value> {
    let path = format!("/api/v1/innovations?cohort_id={}&sort=name", cohort["id"]);
    let mut items = app.get(&path).await.json()["items"]
        .as_array()
        .unwrap()
        .clone();
    for item in &mut items {
        for key in [
            "id",
            "cohort_id",
            "cohort_name",
            "version",
            "created_at",
            "updated_at",
        ] {
            item.as_object_mut().unwrap().remove(key);
        }
    }
    items
}

const GOOD: &str = "\u{feff}name,agency_code,initiator_type,form,digital,government_affairs,lab_stage,launched_on,beneficiaries_target\r\n\
ELEGAN,BAG-HUKUM,agency,governance,true,hukum|kominfo,delivery,2016-10-12,80\r\n\
MUTTU 1000,BAG-TAPEM,agency,public_service,false,pertanahan,,,1000\r\n\
\"Siperi, perizinan\",BAG-HUKUM,civil_servant,public_service,,,design,,\r\n";

#[actix_web::test]
async fn a_dry_run_checks_and_changes_nothing_then_the_import_creates_all() {
    let app = spawn_app().await;
    let cohort = setup(&app).await;
    let dry = import(&app, &cohort, "&dry_run=true", GOOD).await;
    assert_eq!(dry.status, 200, "{}", dry.text());
    assert_eq!(dry.json()["rows"], 3);
    assert_eq!(app.get("/api/v1/innovations").await.json()["total"], 0);

    let real = import(&app, &cohort, "", GOOD).await;
    assert_eq!(real.status, 201, "{}", real.text());
    assert_eq!(real.json()["created"], 3);
    let list = app.get("/api/v1/innovations?sort=name").await.json();
    let elegan = &list["items"][0];
    assert_eq!(
        (
            elegan["name"].clone(),
            elegan["lab_stage"].clone(),
            elegan["launched_on"].clone()
        ),
        (json!("ELEGAN"), json!("delivery"), json!("2016-10-12"))
    );
    assert_eq!(elegan["government_affairs"], json!(["hukum", "kominfo"]));
    assert_eq!(
        list["items"][1]["lab_stage"], "drum_up",
        "the default stage"
    );
    assert_eq!(list["items"][2]["name"], "Siperi, perizinan");
    let history = app
        .get(&format!(
            "/api/v1/innovations/{}/stage-transitions",
            elegan["id"]
        ))
        .await
        .json()["items"]
        .clone();
    assert_eq!(history.as_array().unwrap().len(), 1);
    assert_eq!(
        (history[0]["to_stage"].clone(), history[0]["note"].clone()),
        (json!("delivery"), json!("imported"))
    );

    let again = import(&app, &cohort, "", GOOD).await;
    again.problem(422);
    let body = again.json();
    let codes: Vec<&str> = body["row_errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        vec!["duplicate", "duplicate", "duplicate"],
        "import only creates"
    );
}

#[actix_web::test]
async fn every_bad_row_is_listed_and_nothing_is_imported() {
    let app = spawn_app().await;
    let cohort = setup(&app).await;
    let csv = "name;agency_code;initiator_type;form;lab_stage;launched_on;trial_on\n\
        Baik;BAG-HUKUM;agency;governance;;;\n\
        ;NOPE;mayor;governance;launch;;2016-02-30\n\
        Baik;BAG-TAPEM;agency;governance;diagnose;2016-10-12;\n";
    let response = import(&app, &cohort, "", csv).await;
    let problem = response.problem(422);
    let mut errors: Vec<(u64, String, String)> = problem["row_errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["row"].as_u64().unwrap(),
                e["column"].as_str().unwrap().to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    errors.sort();
    assert_eq!(
        errors,
        vec![
            (3, "agency_code".into(), "agency_not_found".into()),
            (3, "initiator_type".into(), "invalid_choice".into()),
            (3, "lab_stage".into(), "invalid_choice".into()),
            (3, "name".into(), "required".into()),
            (3, "trial_on".into(), "date_invalid".into()),
            (4, "launched_on".into(), "launched_on_not_delivery".into()),
        ]
    );
    assert_eq!(app.get("/api/v1/innovations").await.json()["total"], 0);

    let references = "name,agency_code,initiator_type,form\nA,NOPE,agency,governance\nB,BAG-HUKUM,agency,governance\nB,BAG-HUKUM,agency,governance\n";
    let response = import(&app, &cohort, "&dry_run=true", references).await;
    let codes: Vec<(u64, String)> = response.problem(422)["row_errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["row"].as_u64().unwrap(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        codes,
        vec![
            (2, "agency_not_found".into()),
            (4, "duplicate_in_file".into())
        ]
    );

    let nul = import(
        &app,
        &cohort,
        "",
        "name,agency_code,initiator_type,form\nA\u{0}B,BAG-HUKUM,agency,governance\n",
    )
    .await;
    assert_eq!(
        nul.problem(422)["row_errors"][0]["code"],
        "invalid_characters"
    );
    let empty = import(&app, &cohort, "", "name,agency_code,initiator_type,form\n").await;
    assert_eq!(empty.problem(422)["row_errors"][0]["code"], "no_rows");
    let header = import(&app, &cohort, "", "name,agency,colour\n").await;
    let columns: Vec<String> = header.problem(422)["row_errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["column"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        columns.contains(&"colour".to_owned()) && columns.contains(&"agency_code".to_owned()),
        "{columns:?}"
    );
    let json_body = app
        .post_json(
            &format!("/api/v1/innovations/import?cohort_id={}", cohort["id"]),
            &json!({}),
        )
        .await;
    json_body.problem(415);
    let editor = app.token_for("editor", "agency_editor", Some(1)).await;
    let by_editor = app
        .request(
            Method::POST,
            &format!("/api/v1/innovations/import?cohort_id={}", cohort["id"]),
        )
        .bearer(&editor)
        .raw("text/csv", GOOD)
        .send()
        .await;
    by_editor.problem(403);
}

#[actix_web::test]
async fn an_export_imported_into_an_empty_cohort_reproduces_the_innovations() {
    let app = spawn_app().await;
    let cohort = setup(&app).await;
    import(&app, &cohort, "", GOOD).await;
    let tricky = app
        .create_innovation(
            &cohort["id"],
            &json!(1),
            json!({"name": "=Formula; \"quoted\"", "problem": "\t=1+1",
            "approach": "\r=HYPERLINK(\"http://x\")", "goals": "  baris satu\nbaris dua ",
            "results": "- Antrean berkurang", "beneficiaries": "+62 287 381234",
            "benefits": "", "beneficiaries_target": null,
            "acronym_expansion": "Ä-Ü", "trial_on": "2016-09-01", "status": "active"}),
        )
        .await;
    // Blank optional text is stored as null, as an empty cell comes back.
    assert_eq!(tricky["benefits"], Value::Null);
    assert_eq!(tricky["problem"], "\t=1+1");
    app.advance_to(&tricky, "diagnose").await;

    let export = app
        .request(
            Method::GET,
            &format!(
                "/api/v1/innovations?cohort_id={}&format=csv&delimiter=semicolon",
                cohort["id"]
            ),
        )
        .send()
        .await
        .text();
    let copy = app.create_cohort("Lab 2016 (salinan)").await;
    let imported = import(&app, &copy, "", &export).await;
    assert_eq!(imported.status, 201, "{}", imported.text());
    assert_eq!(imported.json()["created"], 4);

    assert_eq!(
        comparable(&app, &copy).await,
        comparable(&app, &cohort).await
    );
}

#[actix_web::test]
async fn an_xlsx_export_imported_into_an_empty_cohort_reproduces_the_innovations() {
    let app = spawn_app().await;
    let cohort = setup(&app).await;
    import(&app, &cohort, "", GOOD).await;
    app.create_innovation(
        &cohort["id"],
        &json!(1),
        json!({"name": "Formula", "problem": "\t=1+1", "results": "- Antrean berkurang",
        "beneficiaries": "+62 287 381234", "goals": "  baris satu\nbaris dua ",
        "trial_on": "2016-09-01", "beneficiaries_target": 2500}),
    )
    .await;
    let export = app
        .get(&format!(
            "/api/v1/innovations/export.xlsx?cohort_id={}",
            cohort["id"]
        ))
        .await;
    assert_eq!(export.status, 200, "{}", export.text());
    assert_eq!(
        export.header("content-type").as_deref(),
        Some(inovik::http::xlsx::CONTENT_TYPE)
    );
    assert_eq!(
        export.header("content-disposition").as_deref(),
        Some("attachment; filename=\"innovations.xlsx\"")
    );
    let sheet = inovik::http::xlsx::read_table(&export.body).expect("a workbook");
    let csv = app
        .get(&format!(
            "/api/v1/innovations/export.csv?cohort_id={}",
            cohort["id"]
        ))
        .await
        .text();
    let csv_header = csv
        .trim_start_matches('\u{feff}')
        .lines()
        .next()
        .unwrap()
        .to_owned();
    assert_eq!(sheet[0].join(","), csv_header, "the CSV export's columns");
    assert_eq!(sheet.len(), 1 + 4);
    // Typed cells, and text exactly as stored (no formula guard in a workbook).
    let formula = sheet
        .iter()
        .find(|row| row.contains(&"Formula".to_owned()))
        .unwrap();
    assert!(formula.contains(&"\t=1+1".to_owned()), "{formula:?}");
    assert!(formula.contains(&"2500".to_owned()), "{formula:?}");

    let copy = app.create_cohort("Lab 2016 (salinan xlsx)").await;
    let imported = app
        .request(
            Method::POST,
            &format!("/api/v1/innovations/import?cohort_id={}", copy["id"]),
        )
        .raw(inovik::http::xlsx::CONTENT_TYPE, export.body.clone())
        .send()
        .await;
    assert_eq!(imported.status, 201, "{}", imported.text());
    assert_eq!(
        comparable(&app, &copy).await,
        comparable(&app, &cohort).await
    );

    let not_a_workbook = app
        .request(
            Method::POST,
            &format!("/api/v1/innovations/import?cohort_id={}", copy["id"]),
        )
        .raw(inovik::http::xlsx::CONTENT_TYPE, b"name,form\n".to_vec())
        .send()
        .await;
    let problem = not_a_workbook.problem(422);
    assert_eq!(
        problem["row_errors"][0]["code"], "xlsx_invalid",
        "{problem}"
    );
}

#[test]
fn the_command_line_imports_with_a_dry_run_first() {
    let database = crate::helpers::TestDatabase::create();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("cohort.csv");
    std::fs::write(
        &file,
        "name,agency_code,initiator_type,form\nSi Arsip Digital,SETDA,agency,governance\n",
    )
    .unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_inovik"))
            .args(args)
            .env("DATABASE_URL", database.url.target())
            .env("INOVIK_STORAGE_URL", &database.storage_url)
            .env(
                "INOVIK_JWT_SECRET",
                "a-secret-for-this-test-that-is-long-enough",
            )
            .env("RUST_LOG", "warn")
            .output()
            .unwrap()
    };
    let seeded = run(&["seed", "--demo"]);
    assert!(
        seeded.status.success(),
        "{}",
        String::from_utf8_lossy(&seeded.stderr)
    );
    let file = file.to_str().unwrap();
    let missing = run(&["import", "innovations", file, "--cohort-id", "999"]);
    assert!(!missing.status.success());

    let cohort_id = String::from_utf8_lossy(&seeded.stdout)
        .lines()
        .find_map(|line| line.strip_prefix("demo cohort id: "))
        .unwrap_or("1")
        .trim()
        .to_owned();
    let dry = run(&[
        "import",
        "innovations",
        file,
        "--cohort-id",
        &cohort_id,
        "--dry-run",
    ]);
    assert!(
        dry.status.success(),
        "{}",
        String::from_utf8_lossy(&dry.stderr)
    );
    assert!(String::from_utf8_lossy(&dry.stdout).contains("dry run: all 1 rows are good"));
    let real = run(&["import", "innovations", file, "--cohort-id", &cohort_id]);
    assert!(
        real.status.success(),
        "{}",
        String::from_utf8_lossy(&real.stderr)
    );
    assert!(String::from_utf8_lossy(&real.stdout).contains("imported 1 innovations"));
    let again = run(&["import", "innovations", file, "--cohort-id", &cohort_id]);
    assert!(!again.status.success());
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("row 2, name"),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
}

/// Excel writes `TRUE`, pandas `True` and `1000.0` for an integer column with a gap: a
/// spreadsheet's own export imports (JSON bodies stay strict).
#[actix_web::test]
async fn what_spreadsheets_write_is_read_back() {
    let app = spawn_app().await;
    let cohort = setup(&app).await;
    let csv = "name,agency_code,initiator_type,form,digital,beneficiaries_target\r\n\
        ELEGAN,BAG-HUKUM,agency,governance,TRUE,80.0\r\n\
        MUTTU 1000,BAG-TAPEM,agency,public_service,False,1000\r\n\
        Siperi,BAG-HUKUM,agency,public_service,1,\r\n";
    let imported = import(&app, &cohort, "", csv).await;
    assert_eq!(imported.status, 201, "{}", imported.text());
    let list = app.get("/api/v1/innovations?sort=name").await.json();
    let got: Vec<(Value, Value)> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["digital"].clone(), i["beneficiaries_target"].clone()))
        .collect();
    assert_eq!(
        got,
        vec![
            (json!(true), json!(80)),
            (json!(false), json!(1000)),
            (json!(true), Value::Null)
        ]
    );

    let bad = "name,agency_code,initiator_type,form,digital,beneficiaries_target\r\n\
        Lain,BAG-HUKUM,agency,governance,yes,80.5\r\n";
    let refused = import(&app, &cohort, "", bad).await;
    let mut codes: Vec<String> = refused.problem(422)["row_errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{}:{}",
                e["column"].as_str().unwrap(),
                e["code"].as_str().unwrap()
            )
        })
        .collect();
    codes.sort();
    assert_eq!(
        codes,
        vec![
            "beneficiaries_target:invalid_integer",
            "digital:invalid_boolean"
        ]
    );
}
