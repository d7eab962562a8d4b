//! Quarterly targets and acting officials as signed content (#18), on both backends: the
//! rules quarterly targets keep, their place in the signed hash, Plt./Plh. signatories,
//! and agreements signed with the first canonical form still verifying.

use diesel::connection::SimpleConnection;
use serde_json::{Value, json};

use crate::agreements::{commit, draft, setup, signing};
use crate::helpers::{TestApp, spawn_app};

fn commitments_of(agreement: &Value) -> String {
    format!(
        "/api/v1/performance-agreements/{}/commitments",
        agreement["id"]
    )
}

async fn verification(app: &TestApp, agreement: &Value) -> Value {
    let response = app
        .get(&format!(
            "/api/v1/performance-agreements/{}/verification",
            agreement["id"]
        ))
        .await;
    assert_eq!(response.status, 200, "{}", response.text());
    response.json()
}

fn sql(app: &TestApp, statement: &str) {
    app.state
        .db
        .get()
        .unwrap()
        .batch_execute(statement)
        .unwrap();
}

#[actix_web::test]
async fn quarterly_targets_keep_their_methods_rules_against_the_yearly_target() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let agreement = draft(&app, &s, "060/201/2016").await;
    let path = commitments_of(&agreement);
    let with = |quarterly: Value| {
        json!({"innovation_id": s.elegan["id"], "indicator": "Layanan perizinan daring",
               "target_value": "1000", "unit": "izin", "quarterly_targets": quarterly})
    };
    let refused = |body: Value| {
        let app = &app;
        let path = path.clone();
        async move {
            let response = app.post_json(&path, &body).await;
            response.problem(422);
            response.field_errors()
        }
    };
    let field = |name: &str, code: &str| vec![(name.to_owned(), code.to_owned())];

    assert_eq!(
        refused(with(
            json!({"method": "cumulative", "targets": ["250", "250", "250", null]})
        ))
        .await,
        field("quarterly_targets.targets", "quarters_not_yearly_sum")
    );
    assert_eq!(
        refused(with(
            json!({"method": "increasing", "targets": ["600", "500", "800", "1000"]})
        ))
        .await,
        field("quarterly_targets.targets.1", "target_falls")
    );
    assert_eq!(
        refused(with(
            json!({"method": "latest", "targets": ["200", "400", "600", null]})
        ))
        .await,
        field("quarterly_targets.targets.2", "last_quarter_not_yearly")
    );
    assert_eq!(
        refused(with(
            json!({"method": "cumulative", "targets": ["-5", "1005", null, null]})
        ))
        .await,
        field("quarterly_targets.targets.0", "negative")
    );
    assert_eq!(
        refused(with(
            json!({"method": "cumulative", "targets": [null, null, null, null]})
        ))
        .await,
        field("quarterly_targets.targets", "no_quarter_target")
    );
    assert_eq!(
        refused(with(
            json!({"method": "cumulative", "targets": ["500", "500", "0"]})
        ))
        .await,
        field("quarterly_targets.targets", "quarters_count")
    );
    assert_eq!(
        refused(with(
            json!({"method": "average", "targets": ["250", "250", "250", "2.505"]})
        ))
        .await,
        vec![
            (
                "quarterly_targets.method".to_owned(),
                "invalid_choice".to_owned()
            ),
            (
                "quarterly_targets.targets.3".to_owned(),
                "decimal_invalid".to_owned()
            ),
        ]
    );
    // A stage target has no quarters to divide.
    assert_eq!(
        refused(
            json!({"innovation_id": s.elegan["id"], "indicator": "Diluncurkan",
            "target_stage": "delivery", "due_on": "2016-12-31",
            "quarterly_targets": {"method": "latest", "targets": [null, null, null, "1"]}})
        )
        .await,
        field("quarterly_targets", "value_target_required")
    );
    // Nothing refused was stored.
    let listed = app.get(&path).await.json();
    assert_eq!(listed["items"], json!([]), "{listed}");

    // Lower is better: waiting minutes falling to 15.
    let waiting = commit(
        &app,
        &agreement,
        json!({"innovation_id": s.elegan["id"], "indicator": "Waktu tunggu layanan",
               "target_value": "15", "unit": "menit",
               "quarterly_targets": {"method": "decreasing", "targets": ["30", "25", "20", "15"]}}),
    )
    .await;
    assert_eq!(
        waiting["quarterly_targets"],
        json!({"method": "decreasing", "targets": ["30.00", "25.00", "20.00", "15.00"]})
    );
    // A merge patch replaces them whole, is checked against the (patched) yearly target,
    // and null removes them.
    let patch = |body: Value| {
        let app = &app;
        let url = format!("{path}/{}", waiting["id"]);
        async move {
            app.request(actix_web::http::Method::PATCH, &url)
                .raw("application/merge-patch+json", body.to_string())
                .send()
                .await
        }
    };
    let response = patch(json!({"target_value": "10"})).await;
    assert_eq!(
        response.problem(422)["errors"][0]["field"],
        "quarterly_targets.targets.3"
    );
    let response = patch(
        json!({"quarterly_targets": {"method": "decreasing", "targets": [null, "30", null, "15"]}}),
    )
    .await;
    assert_eq!(response.status, 200, "{}", response.text());
    assert_eq!(
        response.json()["quarterly_targets"]["targets"],
        json!([null, "30.00", null, "15.00"])
    );
    let response = patch(json!({"quarterly_targets": null})).await;
    assert_eq!(response.status, 200, "{}", response.text());
    assert_eq!(response.json()["quarterly_targets"], Value::Null);
}

#[actix_web::test]
async fn quarterly_targets_and_acting_officials_are_signed_printed_and_hashed() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let agreement = draft(&app, &s, "060/202/2016").await;
    commit(
        &app,
        &agreement,
        json!({"innovation_id": s.elegan["id"], "indicator": "Produk hukum daerah elektronik",
               "target_value": "1000", "unit": "dokumen",
               "quarterly_targets": {"method": "cumulative", "targets": ["250", "250", null, "500"]}}),
    )
    .await;
    let mut body = signing();
    body["first_party"]["acting"] = json!("plh");
    body["second_party"] = json!({"name": "Budi Santoso, S.Sos.", "title": "Kepala Bagian Hukum",
                                  "acting": "plt"});
    let response = app
        .post_json(
            &format!("/api/v1/performance-agreements/{}/sign", agreement["id"]),
            &body,
        )
        .await;
    assert_eq!(response.status, 200, "{}", response.text());
    let signed = response.json();
    assert_eq!(
        (
            &signed["first_party"]["acting"],
            &signed["second_party"]["acting"]
        ),
        (&json!("plh"), &json!("plt"))
    );

    let checked = verification(&app, &agreement).await;
    assert_eq!(
        (&checked["matches"], &checked["canonical_version"]),
        (&json!(true), &json!(2))
    );
    let canonical = checked["canonical_document"].as_str().unwrap();
    assert!(
        canonical.contains(
            r#""quarterly":{"method":"cumulative","targets":["250.00","250.00",null,"500.00"]}"#
        ),
        "{canonical}"
    );
    assert!(canonical.contains(r#""acting":"plt""#), "{canonical}");

    let page = app
        .get(&format!(
            "/api/v1/performance-agreements/{}/document",
            agreement["id"]
        ))
        .await
        .text();
    assert!(page.contains("Plt. Kepala Bagian Hukum"), "{page}");
    assert!(page.contains("Plh. Bupati Kebumen"), "{page}");
    assert!(
        page.contains("Triwulan I 250.00, II 250.00, III -, IV 500.00 (kumulatif)"),
        "{page}"
    );

    // The quarters are covered by the hash: changing one in the database is detected.
    sql(
        &app,
        "UPDATE commitments SET q3_target_hundredths = 100 WHERE q4_target_hundredths = 50000",
    );
    assert_eq!(verification(&app, &agreement).await["matches"], false);
}

#[actix_web::test]
async fn an_agreement_signed_with_the_first_canonical_form_still_verifies() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let agreement = draft(&app, &s, "060/203/2016").await;
    commit(
        &app,
        &agreement,
        json!({"innovation_id": s.elegan["id"], "indicator": "Produk hukum", "target_value": "80", "unit": "dokumen"}),
    )
    .await;
    crate::agreements::sign(&app, &agreement).await;
    let form_two = verification(&app, &agreement).await;

    // What form 1 was (the README's first example): form 2 without the parties' `acting`
    // and the commitments' `quarterly`. Stored as an agreement signed before the change
    // would be: its hash over form 1, its version 1.
    let mut document: Value =
        serde_json::from_str(form_two["canonical_document"].as_str().unwrap()).unwrap();
    for party in ["first_party", "second_party"] {
        document[party]
            .as_object_mut()
            .unwrap()
            .remove("acting")
            .unwrap();
    }
    for commitment in document["commitments"].as_array_mut().unwrap() {
        commitment
            .as_object_mut()
            .unwrap()
            .remove("quarterly")
            .unwrap();
    }
    let form_one = inovik::domain::canonical_json::canonicalize(&document).unwrap();
    let hash = inovik::domain::canonical_json::sha256_hex(&form_one);
    sql(
        &app,
        &format!(
            "UPDATE performance_agreements SET canonical_version = 1, content_hash = '{hash}' WHERE id = {}",
            agreement["id"]
        ),
    );
    let checked = verification(&app, &agreement).await;
    assert_eq!(
        (
            &checked["matches"],
            &checked["canonical_version"],
            &checked["recomputed_hash"]
        ),
        (&json!(true), &json!(1), &json!(hash))
    );
    assert_eq!(checked["canonical_document"], json!(form_one));

    // Verified with form 2 instead, the same agreement would not match: the version is
    // what makes old agreements verifiable.
    sql(
        &app,
        &format!(
            "UPDATE performance_agreements SET canonical_version = 2 WHERE id = {}",
            agreement["id"]
        ),
    );
    assert_eq!(verification(&app, &agreement).await["matches"], false);
}
