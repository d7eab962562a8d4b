//! `/api/v1/index-catalogues`: the yearly index's catalogues on both backends: a draft
//! written whole, published once it keeps every rule, frozen after, copied into a new
//! year; drafts are the administrators' alone; the demo's illustrative catalogue.

use actix_web::http::Method;
use serde_json::{Value, json};

use crate::helpers::spawn_app;

/// A small catalogue: one government indicator and two innovation indicators.
pub fn catalogue(year: i64) -> Value {
    let options =
        |top: &str| json!([{"label": "Belum ada", "weight": "0"}, {"label": "Ada", "weight": top}]);
    json!({
        "year": year,
        "title": format!("Indeks Inovasi Daerah {year}"),
        "government_weight": "25.2",
        "innovation_weight": "74.8",
        "minimum_innovations": 10,
        "not_assessable_label": "Tidak Dapat Dinilai",
        "grades": [
            {"label": "Sangat Inovatif", "from": "60", "from_included": false},
            {"label": "Inovatif", "from": "35", "from_included": true},
            {"label": "Kurang Inovatif", "from": "0", "from_included": true}
        ],
        "variables": [
            {"code": "P", "name": "Pemerintah daerah", "aspect": "government", "indicators": [
                {"code": "P.1", "text": "Regulasi inovasi daerah", "evidence_required": true,
                 "evidence_kinds": ["decree"], "options": options("100")}
            ]},
            {"code": "K", "name": "Kematangan inovasi", "aspect": "innovation", "indicators": [
                {"code": "K.1", "text": "Dasar hukum inovasi", "evidence_required": true,
                 "evidence_kinds": ["decree"], "options": options("60")},
                {"code": "K.2", "text": "Replikasi", "evidence_required": false,
                 "options": options("40.5")}
            ]}
        ]
    })
}

fn fields(problem: &Value) -> Vec<(String, String)> {
    problem["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("{problem}"))
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[actix_web::test]
async fn a_draft_is_written_whole_published_once_and_frozen_after() {
    let app = spawn_app().await;
    let created = app
        .post_json("/api/v1/index-catalogues", &catalogue(2031))
        .await;
    assert_eq!(created.status, 201, "{}", created.text());
    assert!(
        created
            .header("location")
            .unwrap()
            .ends_with("/api/v1/index-catalogues/2031")
    );
    let draft = created.json();
    assert_eq!(
        (
            &draft["status"],
            &draft["version"],
            &draft["government_weight"]
        ),
        (&json!("draft"), &json!(1), &json!("25.20"))
    );
    let k2 = &draft["variables"][1]["indicators"][1];
    assert_eq!(
        (
            &k2["code"],
            &k2["evidence_kinds"],
            &k2["options"][1]["weight"]
        ),
        (&json!("K.2"), &json!([]), &json!("40.50"))
    );
    assert!(k2["options"][1]["id"].as_i64().is_some());

    // Drafts are the administrators' alone.
    app.get_anonymous("/api/v1/index-catalogues/2031")
        .await
        .problem(404);
    let viewer = app.token_for("pembaca", "viewer", None).await;
    let listed = app
        .request(Method::GET, "/api/v1/index-catalogues")
        .bearer(&viewer)
        .send()
        .await
        .json();
    assert_eq!(listed["total"], 0, "{listed}");

    // Publishing checks completeness; a draft without innovation indicators is refused.
    let mut partial = catalogue(2031);
    partial["variables"].as_array_mut().unwrap().truncate(1);
    let replaced = app
        .request(Method::PUT, "/api/v1/index-catalogues/2031")
        .header("if-match", "\"1\"")
        .json(&partial)
        .send()
        .await;
    assert_eq!(replaced.status, 200, "{}", replaced.text());
    assert_eq!(replaced.header("etag").as_deref(), Some("\"2\""));
    let refused = app
        .post_json("/api/v1/index-catalogues/2031/publish", &json!({}))
        .await;
    assert_eq!(
        fields(&refused.problem(422)),
        [(
            "variables".to_owned(),
            "aspect_without_indicators".to_owned()
        )]
    );

    // A stale version, and a broken catalogue, change nothing.
    app.request(Method::PUT, "/api/v1/index-catalogues/2031")
        .header("if-match", "\"1\"")
        .json(&catalogue(2031))
        .send()
        .await
        .problem(412);
    let mut broken = catalogue(2031);
    broken["innovation_weight"] = json!("70");
    broken["variables"][1]["indicators"][1]["code"] = json!("K.1");
    broken["variables"][1]["indicators"][0]["options"][0]["weight"] = json!("-1");
    let refused = app
        .request(Method::PUT, "/api/v1/index-catalogues/2031")
        .json(&broken)
        .send()
        .await;
    assert_eq!(
        fields(&refused.problem(422)),
        [(
            "variables.1.indicators.0.options.0.weight".to_owned(),
            "weight_invalid".to_owned()
        )]
    );
    broken["variables"][1]["indicators"][0]["options"][0]["weight"] = json!("0");
    let refused = app
        .request(Method::PUT, "/api/v1/index-catalogues/2031")
        .json(&broken)
        .send()
        .await
        .problem(422);
    assert_eq!(
        fields(&refused),
        [
            ("innovation_weight".to_owned(), "weights_not_100".to_owned()),
            (
                "variables.1.indicators.1.code".to_owned(),
                "duplicate_code".to_owned()
            )
        ]
    );
    assert!(
        refused["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("95.20"),
        "{refused}"
    );
    let current = app.get("/api/v1/index-catalogues/2031").await.json();
    assert_eq!(current["version"], 2);
    assert_eq!(current["variables"].as_array().unwrap().len(), 1);

    let whole = app
        .request(Method::PUT, "/api/v1/index-catalogues/2031")
        .json(&catalogue(2031))
        .send()
        .await;
    assert_eq!(whole.status, 200, "{}", whole.text());
    let published = app
        .request(Method::POST, "/api/v1/index-catalogues/2031/publish")
        .header("if-match", "\"3\"")
        .send()
        .await;
    assert_eq!(published.status, 200, "{}", published.text());
    let published = published.json();
    assert_eq!(published["status"], "published");
    assert!(published["published_at"].is_string());

    // Published: everyone reads it; nobody changes, republishes or deletes it.
    let public = app.get_anonymous("/api/v1/index-catalogues/2031").await;
    assert_eq!(public.status, 200);
    assert_eq!(public.json()["variables"], published["variables"]);
    for (method, path) in [
        (Method::PUT, "/api/v1/index-catalogues/2031"),
        (Method::POST, "/api/v1/index-catalogues/2031/publish"),
        (Method::DELETE, "/api/v1/index-catalogues/2031"),
    ] {
        let refused = app
            .request(method, path)
            .json(&catalogue(2031))
            .send()
            .await;
        assert_eq!(
            refused.problem(409)["type"],
            "https://inovik.example/problems/catalogue-published",
            "{path}"
        );
    }
    let listed = app
        .get_anonymous("/api/v1/index-catalogues?status=published")
        .await
        .json();
    assert_eq!(listed["items"][0]["year"], 2031, "{listed}");

    // One catalogue per year.
    app.post_json("/api/v1/index-catalogues", &catalogue(2031))
        .await
        .problem(409);
}

#[actix_web::test]
async fn a_catalogue_is_copied_into_a_new_year_and_a_draft_can_be_deleted() {
    let app = spawn_app().await;
    app.post_json("/api/v1/index-catalogues", &catalogue(2030))
        .await;
    let copy = app
        .post_json("/api/v1/index-catalogues/2030/copy", &json!({"year": 2033}))
        .await;
    assert_eq!(copy.status, 201, "{}", copy.text());
    let copy = copy.json();
    assert_eq!(
        (&copy["year"], &copy["status"], &copy["copied_from_year"]),
        (&json!(2033), &json!("draft"), &json!(2030))
    );
    let original = app.get("/api/v1/index-catalogues/2030").await.json();
    let codes = |catalogue: &Value| -> Vec<String> {
        catalogue["variables"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|v| v["indicators"].as_array().unwrap().clone())
            .map(|i| i["code"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(codes(&copy), codes(&original));
    assert_ne!(
        copy["variables"][0]["id"], original["variables"][0]["id"],
        "the copy has parts of its own"
    );
    app.post_json("/api/v1/index-catalogues/2030/copy", &json!({"year": 2033}))
        .await
        .problem(409);
    app.post_json("/api/v1/index-catalogues/2030/copy", &json!({"year": 1999}))
        .await
        .problem(422);

    let deleted = app.delete("/api/v1/index-catalogues/2033").await;
    assert_eq!(deleted.status, 204);
    app.get("/api/v1/index-catalogues/2033").await.problem(404);
    let trail = app
        .get("/api/v1/audit-events?resource_type=index_catalogue")
        .await
        .json();
    let mut actions: Vec<&str> = trail["items"]
        .as_array()
        .unwrap_or_else(|| panic!("{trail}"))
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    actions.sort_unstable();
    assert_eq!(
        actions,
        [
            "index_catalogue.copy",
            "index_catalogue.create",
            "index_catalogue.delete"
        ]
    );
}

#[actix_web::test]
async fn only_administrators_write_catalogues() {
    let app = spawn_app().await;
    let agency = app
        .create_agency(json!({"code": "AG-IKD", "name": "Dinas Kominfo"}))
        .await;
    let editor = app
        .token_for("penyunting", "agency_editor", agency["id"].as_i64())
        .await;
    let refused = app
        .request(Method::POST, "/api/v1/index-catalogues")
        .bearer(&editor)
        .json(&catalogue(2034))
        .send()
        .await;
    refused.problem(403);
    app.request(Method::POST, "/api/v1/index-catalogues")
        .anonymous()
        .json(&catalogue(2034))
        .send()
        .await
        .problem(401);
    app.get("/api/v1/index-catalogues/2034").await.problem(404);
}

#[actix_web::test]
async fn the_demo_seed_publishes_the_illustrative_catalogue_once() {
    let app = spawn_app().await;
    let first = inovik::seed::demo(&app.state).await.unwrap();
    let year = chrono::Datelike::year(&app.state.config.today());
    assert!(
        first.contains(&format!("the illustrative {year} index catalogue created")),
        "{first}"
    );
    let catalogue = app
        .get_anonymous(&format!("/api/v1/index-catalogues/{year}"))
        .await;
    assert_eq!(catalogue.status, 200, "{}", catalogue.text());
    let catalogue = catalogue.json();
    assert_eq!(
        (&catalogue["status"], &catalogue["illustrative"]),
        (&json!("published"), &json!(true))
    );
    assert!(
        catalogue["title"]
            .as_str()
            .unwrap()
            .contains("bukan katalog resmi")
    );
    let second = inovik::seed::demo(&app.state).await.unwrap();
    assert!(
        second.contains("index catalogue already present"),
        "{second}"
    );
}

const INDICATOR_HEADER: &str = "variable_code,variable_name,aspect,indicator_code,indicator_text,evidence_required,evidence_kinds,option_label,option_weight";

#[actix_web::test]
async fn a_drafts_indicators_are_imported_from_csv_or_xlsx_with_a_dry_run_first() {
    let app = spawn_app().await;
    let mut draft = catalogue(2035);
    draft["variables"] = json!([]);
    app.post_json("/api/v1/index-catalogues", &draft).await;
    let csv = format!(
        "{INDICATOR_HEADER}\n\
         P,Pemerintah daerah,government,P.1,Regulasi inovasi daerah,true,decree,Belum ada,0\n\
         P,Pemerintah daerah,government,P.1,Regulasi inovasi daerah,true,decree,Perda,100\n\
         K,Kematangan inovasi,innovation,K.1,Dasar hukum inovasi,1,decree|report,Belum ada,0\n\
         K,Kematangan inovasi,innovation,K.1,Dasar hukum inovasi,1,decree|report,SK Bupati,60\n\
         K,Kematangan inovasi,innovation,K.2,Replikasi,,,Belum,0\n\
         K,Kematangan inovasi,innovation,K.2,Replikasi,,,Daerah lain,40\n"
    );
    let import = |body: Vec<u8>, content_type: &'static str, query: &'static str| {
        app.request(
            Method::PUT,
            &format!("/api/v1/index-catalogues/2035/indicators{query}"),
        )
        .raw(content_type, body)
        .send()
    };
    let dry = import(csv.clone().into_bytes(), "text/csv", "?dry_run=true").await;
    assert_eq!(dry.status, 200, "{}", dry.text());
    assert_eq!(
        dry.json(),
        json!({"dry_run": true, "rows": 6, "variables": 2, "indicators": 3, "options": 6,
               "version": 1})
    );
    let unchanged = app.get("/api/v1/index-catalogues/2035").await.json();
    assert_eq!(
        unchanged["variables"],
        json!([]),
        "a dry run changes nothing"
    );

    let done = import(csv.into_bytes(), "text/csv", "").await;
    assert_eq!(done.json()["version"], 2, "{}", done.text());
    let imported = app.get("/api/v1/index-catalogues/2035").await.json();
    let k1 = &imported["variables"][1]["indicators"][0];
    assert_eq!(
        (
            &k1["code"],
            &k1["evidence_kinds"],
            &k1["options"][1]["weight"]
        ),
        (&json!("K.1"), &json!(["decree", "report"]), &json!("60.00"))
    );
    let published = app
        .post_json("/api/v1/index-catalogues/2035/publish", &json!({}))
        .await;
    assert_eq!(published.status, 200, "{}", published.text());

    // The same table as a workbook, into another draft.
    let mut second = catalogue(2036);
    second["variables"] = json!([]);
    app.post_json("/api/v1/index-catalogues", &second).await;
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    let lines = [
        INDICATOR_HEADER,
        "P,Pemda,government,P.1,Regulasi,true,decree,Belum ada,0",
        "P,Pemda,government,P.1,Regulasi,true,decree,Ada,100",
    ];
    for (r, line) in (0_u32..).zip(lines) {
        for (c, cell) in (0_u16..).zip(line.split(',')) {
            sheet.write_string(r, c, cell).unwrap();
        }
    }
    let bytes = workbook.save_to_buffer().unwrap();
    let xlsx = app
        .request(Method::PUT, "/api/v1/index-catalogues/2036/indicators")
        .raw(inovik::http::xlsx::CONTENT_TYPE, bytes)
        .send()
        .await;
    assert_eq!(xlsx.status, 200, "{}", xlsx.text());
    assert_eq!(xlsx.json()["options"], 2);
}

#[actix_web::test]
async fn a_bad_indicator_table_names_every_bad_cell_and_changes_nothing() {
    let app = spawn_app().await;
    app.post_json("/api/v1/index-catalogues", &catalogue(2037))
        .await;
    let put = |body: &str| {
        app.request(Method::PUT, "/api/v1/index-catalogues/2037/indicators")
            .raw("text/csv", body.as_bytes().to_vec())
            .send()
    };
    let headers = put("variable_code,colour\nK,merah\n").await.problem(422);
    let named: Vec<(i64, &str, &str)> = headers["row_errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["row"].as_i64().unwrap(),
                e["column"].as_str().unwrap(),
                e["code"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(
        named.contains(&(1, "colour", "unknown_column")),
        "{named:?}"
    );
    assert!(
        named.contains(&(1, "option_weight", "column_missing")),
        "{named:?}"
    );

    let cells = put(&format!(
        "{INDICATOR_HEADER}\n\
         K,Kematangan,innovation,K.1,Dasar hukum,true,decree,Belum,0\n\
         K,Lain,innovation,K.2,Teks,maybe,video|fax,Ada,-5\n"
    ))
    .await
    .problem(422);
    let codes: Vec<(i64, &str)> = cells["row_errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["row"].as_i64().unwrap(), e["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        codes,
        [
            (3, "invalid_boolean"),
            (3, "invalid_choice"),
            (3, "weight_invalid")
        ]
    );
    let still = app.get("/api/v1/index-catalogues/2037").await.json();
    assert_eq!(still["version"], 1);
    assert_eq!(still["variables"][0]["code"], "P");

    app.request(Method::PUT, "/api/v1/index-catalogues/2037/indicators")
        .raw("application/json", b"{}".to_vec())
        .send()
        .await
        .problem(415);
}
