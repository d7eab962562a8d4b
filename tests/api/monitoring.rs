//! Quarterly monitoring of signed agreements (#18), on both backends: realizations per
//! quarter with evidence, achievement by the commitment's method, timing, roles, and the
//! lab closing a quarter.

use actix_web::http::Method;
use serde_json::{Value, json};

use crate::agreements::{commit, setup, signing};
use crate::helpers::{TestApp, TestResponse, spawn_app};

fn this_year(app: &TestApp) -> i64 {
    i64::from(chrono::Datelike::year(&app.state.config.today()))
}

async fn agreement_for(app: &TestApp, agency: &Value, number: &str, year: i64) -> Value {
    let response = app
        .post_json(
            "/api/v1/performance-agreements",
            &json!({"number": number, "year": year, "agency_id": agency["id"]}),
        )
        .await;
    assert_eq!(response.status, 201, "{}", response.text());
    response.json()
}

async fn sign(app: &TestApp, agreement: &Value) {
    let mut body = signing();
    body["signed_on"] = json!(format!("{}-01-10", agreement["year"]));
    let response = app
        .post_json(
            &format!("/api/v1/performance-agreements/{}/sign", agreement["id"]),
            &body,
        )
        .await;
    assert_eq!(response.status, 200, "{}", response.text());
}

fn quarters_path(agreement: &Value, commitment: &Value) -> String {
    format!(
        "/api/v1/performance-agreements/{}/commitments/{}/realizations",
        agreement["id"], commitment["id"]
    )
}

/// `PUT .../realizations/{quarter}` as `token` (the administrator's when `None`).
async fn record(
    app: &TestApp,
    path: &str,
    quarter: u8,
    token: Option<&str>,
    body: Value,
) -> TestResponse {
    let mut request = app
        .request(Method::PUT, &format!("{path}/{quarter}"))
        .json(&body);
    if let Some(token) = token {
        request = request.bearer(token);
    }
    request.send().await
}

fn statuses(view: &Value) -> Vec<(Value, Value)> {
    view["quarters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| (q["achievement"].clone(), q["status"].clone()))
        .collect()
}

#[actix_web::test]
async fn quarters_are_realized_with_evidence_and_judged_by_the_method() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let year = this_year(&app);
    let agreement = agreement_for(&app, &s.agency, "060/301/PK", year).await;
    let served = commit(
        &app,
        &agreement,
        json!({"innovation_id": s.elegan["id"], "indicator": "Izin terbit daring",
               "target_value": "1000", "unit": "izin",
               "quarterly_targets": {"method": "cumulative", "targets": ["250", "250", "250", "250"]}}),
    )
    .await;
    let yearly_only = commit(
        &app,
        &agreement,
        json!({"innovation_id": s.elegan["id"], "indicator": "Produk hukum", "target_value": "80", "unit": "dokumen"}),
    )
    .await;
    let path = quarters_path(&agreement, &served);

    // Only a signed agreement in force is monitored.
    let refused = record(&app, &path, 1, None, json!({"value": "300"})).await;
    assert!(
        refused.problem(409)["type"]
            .as_str()
            .unwrap()
            .ends_with("/agreement-not-signed"),
        "{}",
        refused.text()
    );
    sign(&app, &agreement).await;

    let empty = app.get(&path).await;
    assert_eq!(empty.status, 200, "{}", empty.text());
    let etag = empty.header("etag").unwrap();
    let empty = empty.json();
    assert_eq!(empty["year_achievement"]["status"], "not_assessable");
    assert!(
        statuses(&empty)
            .iter()
            .all(|(a, s)| a.is_null() && s == "not_assessable")
    );

    // The agency's editor records the first quarter with evidence of the innovation.
    let editor = app
        .token_for("editor-hukum", "agency_editor", s.agency["id"].as_i64())
        .await;
    let other_editor = app
        .token_for("editor-bpmpt", "agency_editor", s.other["id"].as_i64())
        .await;
    let evidence = crate::index_assessments::document(&app, &s.elegan, "report").await;
    let foreign = crate::index_assessments::document(&app, &s.foreign, "report").await;
    let response = record(&app, &path, 1, Some(&other_editor), json!({"value": "300"})).await;
    response.problem(403);
    let response = record(
        &app,
        &path,
        1,
        Some(&editor),
        json!({"value": "300", "note": "Loket daring dibuka", "document_ids": [foreign, 999999]}),
    )
    .await;
    response.problem(422);
    assert_eq!(
        response.field_errors(),
        [
            (
                "document_ids.0".to_owned(),
                "document_of_another_innovation".to_owned()
            ),
            ("document_ids.1".to_owned(), "unknown_document".to_owned())
        ]
    );
    let response = record(&app, &path, 1, Some(&editor), json!({"value": "-1"})).await;
    assert_eq!(
        response.field_errors(),
        [("value".to_owned(), "negative".to_owned())]
    );
    let response = app
        .request(Method::PUT, &format!("{path}/1"))
        .bearer(&editor)
        .header("If-Match", &etag)
        .json(&json!({"value": "300", "note": "Loket daring dibuka", "document_ids": [evidence]}))
        .send()
        .await;
    assert_eq!(response.status, 200, "{}", response.text());
    let view = response.json();
    assert_eq!(view["quarters"][0]["document_ids"], json!([evidence]));
    assert_eq!(view["quarters"][0]["value"], "300.00");
    // A stale If-Match is refused.
    let response = app
        .request(Method::PUT, &format!("{path}/2"))
        .header("If-Match", &etag)
        .json(&json!({"value": "150"}))
        .send()
        .await;
    response.problem(412);
    let view = record(&app, &path, 2, Some(&editor), json!({"value": "150"}))
        .await
        .json();
    // Cumulative: 300 of 250 (on track), then 450 of 500 to date (behind); the year 45%.
    assert_eq!(
        statuses(&view),
        [
            (json!("120.00"), json!("on_track")),
            (json!("90.00"), json!("behind")),
            (Value::Null, json!("not_assessable")),
            (Value::Null, json!("not_assessable")),
        ]
    );
    assert_eq!(
        view["year_achievement"],
        json!({"value": "450.00", "achievement": "45.00", "status": "behind"})
    );
    // The yearly realization is kept on the commitment, from the quarters.
    let listed = app
        .get(&format!(
            "/api/v1/performance-agreements/{}/commitments",
            agreement["id"]
        ))
        .await
        .json();
    let commitment = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == served["id"])
        .unwrap()
        .clone();
    assert_eq!(commitment["achieved_value"], "450.00");
    let yearly = app
        .request(
            Method::PUT,
            &format!(
                "/api/v1/performance-agreements/{}/commitments/{}/realization",
                agreement["id"], served["id"]
            ),
        )
        .json(&json!({"achieved_value": "900"}))
        .send()
        .await;
    assert!(
        yearly.problem(409)["type"]
            .as_str()
            .unwrap()
            .ends_with("/realization-from-quarters")
    );
    // Without quarterly targets the yearly realization works as before, and quarters are
    // not kept.
    let response = record(
        &app,
        &quarters_path(&agreement, &yearly_only),
        1,
        None,
        json!({"value": "1"}),
    )
    .await;
    assert!(
        response.problem(409)["type"]
            .as_str()
            .unwrap()
            .ends_with("/no-quarterly-targets")
    );

    // Realizations are not signed content.
    let verification = app
        .get(&format!(
            "/api/v1/performance-agreements/{}/verification",
            agreement["id"]
        ))
        .await
        .json();
    assert_eq!(verification["matches"], true);
    // Audited, with the quarter before and after.
    let audit = app
        .get(&format!(
            "/api/v1/audit-events?resource_type=commitment&resource_id={}",
            served["id"]
        ))
        .await;
    assert_eq!(audit.status, 200, "{}", audit.text());
    let quarter_events: Vec<(Value, Value)> = audit.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "commitment.quarter_realization")
        .map(|e| {
            (
                e["after"]["quarter"].clone(),
                e["after"]["achieved_hundredths"].clone(),
            )
        })
        .collect();
    assert_eq!(
        quarter_events,
        [(json!(2), json!(45000)), (json!(1), json!(30000))],
        "{}",
        audit.text()
    );
}

#[actix_web::test]
async fn a_future_quarter_waits_and_a_closed_quarter_is_for_administrators() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let year = this_year(&app);

    // Next year's agreement: its first quarter has not begun.
    let next = agreement_for(&app, &s.agency, "060/302/PK", year + 1).await;
    let waiting = commit(
        &app,
        &next,
        json!({"innovation_id": s.elegan["id"], "indicator": "Waktu tunggu", "target_value": "15",
               "unit": "menit", "quarterly_targets": {"method": "decreasing", "targets": ["30", "25", "20", "15"]}}),
    )
    .await;
    sign(&app, &next).await;
    let response = record(
        &app,
        &quarters_path(&next, &waiting),
        1,
        None,
        json!({"value": "28"}),
    )
    .await;
    response.problem(422);
    assert_eq!(
        response.field_errors(),
        [("quarter".to_owned(), "quarter_not_started".to_owned())]
    );
    record(
        &app,
        &quarters_path(&next, &waiting),
        5,
        None,
        json!({"value": "28"}),
    )
    .await
    .problem(422);

    // This year's: the lab closes the first quarter.
    let agreement = agreement_for(&app, &s.agency, "060/303/PK", year).await;
    let waiting = commit(
        &app,
        &agreement,
        json!({"innovation_id": s.elegan["id"], "indicator": "Waktu tunggu", "target_value": "15",
               "unit": "menit", "quarterly_targets": {"method": "decreasing", "targets": ["30", "25", "20", "15"]}}),
    )
    .await;
    sign(&app, &agreement).await;
    let path = quarters_path(&agreement, &waiting);
    let editor = app
        .token_for("editor-hukum", "agency_editor", s.agency["id"].as_i64())
        .await;
    let close = format!("/api/v1/monitoring-quarters/{year}/1/close");
    app.request(Method::POST, &close)
        .bearer(&editor)
        .send()
        .await
        .problem(403);
    let closed = app.post_json(&close, &json!({})).await;
    assert_eq!(closed.status, 200, "{}", closed.text());
    assert_eq!(
        (
            closed.json()["closed"].clone(),
            closed.json()["quarter"].clone()
        ),
        (json!(true), json!(1))
    );
    // Closing again changes nothing.
    assert_eq!(app.post_json(&close, &json!({})).await.json()["version"], 1);
    app.post_json(
        &format!("/api/v1/monitoring-quarters/{year}/0/close"),
        &json!({}),
    )
    .await
    .problem(422);

    let response = record(&app, &path, 1, Some(&editor), json!({"value": "28"})).await;
    assert!(
        response.problem(403)["detail"]
            .as_str()
            .unwrap()
            .contains("closed"),
        "{}",
        response.text()
    );
    // The editor still writes an open quarter; the administrator writes the closed one.
    let view = record(&app, &path, 2, Some(&editor), json!({"value": "14"})).await;
    assert_eq!(view.status, 200, "{}", view.text());
    let view = record(&app, &path, 1, None, json!({"value": "33"}))
        .await
        .json();
    assert_eq!(view["quarters"][0]["closed"], true);
    // Lower is better: 33 against 30 is 90% (behind); 14 meets the year's 15 early.
    assert_eq!(
        statuses(&view)[..2],
        [
            (json!("90.00"), json!("behind")),
            (json!("144.00"), json!("achieved"))
        ]
    );
    assert_eq!(view["year_achievement"]["status"], "achieved");

    // Reopened, the editor writes it again.
    let reopened = app
        .post_json(
            &format!("/api/v1/monitoring-quarters/{year}/1/reopen"),
            &json!({}),
        )
        .await;
    assert_eq!(
        (reopened.status.as_u16(), reopened.json()["closed"].clone()),
        (200, json!(false))
    );
    let response = record(&app, &path, 1, Some(&editor), json!({"value": "31"})).await;
    assert_eq!(response.status, 200, "{}", response.text());
}

/// `(indicator, reason, achievement)` of a warnings page.
async fn warnings(app: &TestApp, query: &str) -> Vec<(String, String, Value)> {
    let response = app
        .get(&format!("/api/v1/stats/agreements/warnings?{query}"))
        .await;
    assert_eq!(response.status, 200, "{}", response.text());
    response.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["indicator"].as_str().unwrap().to_owned(),
                w["reason"].as_str().unwrap().to_owned(),
                w["achievement"].clone(),
            )
        })
        .collect()
}

#[actix_web::test]
async fn early_warnings_flag_commitments_behind_or_missing_once_the_quarter_is_over() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let last_year = this_year(&app) - 1;
    let agreement = agreement_for(&app, &s.agency, "060/304/PK", last_year).await;
    let served = commit(
        &app,
        &agreement,
        json!({"innovation_id": s.elegan["id"], "indicator": "Izin terbit daring",
               "target_value": "1000", "unit": "izin",
               "quarterly_targets": {"method": "cumulative", "targets": ["250", "250", "250", "250"]}}),
    )
    .await;
    commit(
        &app,
        &agreement,
        json!({"innovation_id": s.elegan["id"], "indicator": "Desa terlayani",
               "target_value": "100", "unit": "desa",
               "quarterly_targets": {"method": "increasing", "targets": ["25", "50", "75", "100"]}}),
    )
    .await;
    sign(&app, &agreement).await;
    let path = quarters_path(&agreement, &served);
    for (quarter, value) in [(1, "300"), (2, "100")] {
        let response = record(&app, &path, quarter, None, json!({"value": value})).await;
        assert_eq!(response.status, 200, "{}", response.text());
    }

    // Last year is over: a quarter without a realization is missing.
    let year = format!("year={last_year}");
    assert_eq!(
        warnings(&app, &format!("{year}&quarter=1")).await,
        [(
            "Desa terlayani".to_owned(),
            "missing".to_owned(),
            Value::Null
        )]
    );
    // 400 of 500 to date is behind.
    assert_eq!(
        warnings(&app, &format!("{year}&quarter=2")).await,
        [
            (
                "Izin terbit daring".to_owned(),
                "behind".to_owned(),
                json!("80.00")
            ),
            (
                "Desa terlayani".to_owned(),
                "missing".to_owned(),
                Value::Null
            ),
        ]
    );
    assert_eq!(
        warnings(
            &app,
            &format!("{year}&quarter=2&agency_id={}", s.other["id"])
        )
        .await,
        []
    );

    // A quarter not yet over warns of what is missing only once the lab closes it.
    let next_year = last_year + 2;
    let next = agreement_for(&app, &s.agency, "060/305/PK", next_year).await;
    commit(
        &app,
        &next,
        json!({"innovation_id": s.elegan["id"], "indicator": "Aduan",
               "target_value": "10", "unit": "aduan",
               "quarterly_targets": {"method": "decreasing", "targets": ["10", null, null, "10"]}}),
    )
    .await;
    sign(&app, &next).await;
    let next_query = format!("year={next_year}&quarter=1");
    assert_eq!(warnings(&app, &next_query).await, []);
    let closed = app
        .post_json(
            &format!("/api/v1/monitoring-quarters/{next_year}/1/close"),
            &json!({}),
        )
        .await;
    assert_eq!(closed.status, 200, "{}", closed.text());
    assert_eq!(
        warnings(&app, &next_query).await,
        [("Aduan".to_owned(), "missing".to_owned(), Value::Null)]
    );

    app.get_anonymous("/api/v1/stats/agreements/warnings")
        .await
        .problem(401);
    app.get("/api/v1/stats/agreements/warnings?quarter=5")
        .await
        .problem(422);
}

#[actix_web::test]
async fn the_demo_monitors_this_years_agreements_by_quarter() {
    let app = spawn_app().await;
    inovik::seed::demo(&app.state).await.unwrap();
    let report = inovik::seed::demo(&app.state).await.unwrap();
    let year = this_year(&app);
    assert!(
        report.contains(&format!(
            "0 {year} performance agreements monitored by quarter created, 2 already present"
        )),
        "{report}"
    );
    let listed = app
        .get(&format!("/api/v1/performance-agreements?year={year}"))
        .await
        .json();
    let siperi = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["number"] == format!("060/002/PK-INOV/{year}"))
        .unwrap_or_else(|| panic!("{listed}"))
        .clone();
    assert_eq!(siperi["status"], "signed");
    assert_eq!(siperi["second_party"]["acting"], "plt");
    let verification = app
        .get(&format!(
            "/api/v1/performance-agreements/{}/verification",
            siperi["id"]
        ))
        .await
        .json();
    assert_eq!(
        (&verification["matches"], &verification["canonical_version"]),
        (&json!(true), &json!(2))
    );
    let commitments = app
        .get(&format!(
            "/api/v1/performance-agreements/{}/commitments",
            siperi["id"]
        ))
        .await
        .json();
    let view = app
        .get(&quarters_path(&siperi, &commitments["items"][0]))
        .await
        .json();
    // Eight working days against a target of seven, lower being better: behind.
    assert_eq!(
        statuses(&view)[0],
        (json!("85.71"), json!("behind")),
        "{view}"
    );
    assert_eq!(
        warnings(&app, &format!("year={year}&quarter=1")).await,
        [(
            "Rata-rata waktu penerbitan izin".to_owned(),
            "behind".to_owned(),
            json!("85.71")
        )]
    );
}
