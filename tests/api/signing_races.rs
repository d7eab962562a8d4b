//! A signed agreement never changes: signing races every write of its commitments, across
//! two server processes on one database, and every signed agreement still verifies with
//! exactly the commitments its hash covers.

use actix_web::http::Method;
use serde_json::{Value, json};

use crate::helpers::{ServerProcess, TestApp, TestResponse, long_tests, spawn_app};

/// Races per kind of commitment write: a CI size, and a full size for the long run.
fn races_per_kind() -> usize {
    if long_tests() { 400 } else { 100 }
}

#[derive(Debug, Clone, Copy)]
enum Write {
    Insert,
    Update,
    Delete,
}

struct Draft {
    path: String,
    kept: Value,
    removable: Value,
}

async fn draft(app: &TestApp, agency: &Value, innovation: &Value, number: usize) -> Draft {
    let created = app
        .post_json(
            "/api/v1/performance-agreements",
            &json!({"number": format!("RACE/{number}/2016"), "year": 2016,
                    "agency_id": agency["id"]}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text());
    let path = format!("/api/v1/performance-agreements/{}", created.json()["id"]);
    let mut commitments = Vec::new();
    for indicator in ["Dokumen tersedia", "Layanan daring"] {
        let response = app
            .post_json(
                &format!("{path}/commitments"),
                &json!({"innovation_id": innovation["id"], "indicator": indicator,
                        "target_value": "2.00", "unit": "dokumen"}),
            )
            .await;
        assert_eq!(response.status, 201, "{}", response.text());
        commitments.push(response.json());
    }
    let removable = commitments.pop().unwrap();
    Draft {
        path,
        kept: commitments.pop().unwrap(),
        removable,
    }
}

/// The commitment write of one race, sent to the second process.
async fn write(
    app: &TestApp,
    base: &str,
    draft: &Draft,
    innovation: &Value,
    kind: Write,
) -> TestResponse {
    let commitments = format!("{}/commitments", draft.path);
    match kind {
        Write::Insert => {
            app.request(Method::POST, &commitments)
                .at(base)
                .json(
                    &json!({"innovation_id": innovation["id"], "indicator": "Tambahan",
                              "target_value": "5", "unit": "dokumen"}),
                )
                .send()
                .await
        }
        Write::Update => {
            app.request(
                Method::PATCH,
                &format!("{commitments}/{}", draft.kept["id"]),
            )
            .at(base)
            .raw(
                "application/merge-patch+json",
                json!({"target_value": "0.01"}).to_string(),
            )
            .send()
            .await
        }
        Write::Delete => {
            app.request(
                Method::DELETE,
                &format!("{commitments}/{}", draft.removable["id"]),
            )
            .at(base)
            .send()
            .await
        }
    }
}

/// Commitments as (id, indicator, target value): the stored list's `items` and the
/// canonical document's `commitments` name them alike.
fn terms(commitments: &Value) -> Vec<(i64, String, Option<String>)> {
    commitments
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["id"].as_i64().unwrap(),
                c["indicator"].as_str().unwrap().to_owned(),
                c["target_value"].as_str().map(str::to_owned),
            )
        })
        .collect()
}

#[actix_web::test]
async fn no_commitment_write_lands_in_an_agreement_being_signed() {
    let app = spawn_app().await;
    let second = ServerProcess::start(&app).await;
    let cohort = app.create_cohort("Lab 2016").await;
    let agency = app
        .create_agency(json!({"head_name": "Rina Wulandari", "head_title": "Kepala Dinas"}))
        .await;
    let innovation = app
        .create_innovation(&cohort["id"], &agency["id"], json!({"name": "ELEGAN"}))
        .await;
    let signing = json!({"signed_on": "2016-10-12", "signed_place": "Kebumen",
        "first_party": {"name": "Bupati Kebumen", "title": "Bupati Kebumen"}});

    let mut number = 0;
    for kind in [Write::Insert, Write::Update, Write::Delete] {
        let (mut before, mut refused) = (0, 0);
        for _ in 0..races_per_kind() {
            number += 1;
            let draft = draft(&app, &agency, &innovation, number).await;
            // Each process signs in turn while the other writes, so both orders happen.
            let (signer, writer) = if number % 2 == 0 {
                (&app.address, &second.address)
            } else {
                (&second.address, &app.address)
            };
            let sign_request = app
                .request(Method::POST, &format!("{}/sign", draft.path))
                .at(signer)
                .json(&signing)
                .send();
            let (signed, written) = futures_util::future::join(
                sign_request,
                write(&app, writer, &draft, &innovation, kind),
            )
            .await;
            assert!(
                [200, 412].contains(&signed.status.as_u16()),
                "{kind:?} sign: {}",
                signed.text()
            );
            assert!(
                [200, 201, 204, 409].contains(&written.status.as_u16()),
                "{kind:?} write: {}",
                written.text()
            );
            if written.status == 409 {
                refused += 1;
            } else {
                before += 1;
            }
            if signed.status != 200 {
                // The write came first and changed the version the signature was for.
                continue;
            }
            let verification = app.get(&format!("{}/verification", draft.path)).await;
            assert_eq!(verification.status, 200, "{}", verification.text());
            let verification = verification.json();
            assert_eq!(
                verification["matches"], true,
                "{kind:?} race {number}: a signed agreement changed after signing: {verification}"
            );
            let canonical: Value =
                serde_json::from_str(verification["canonical_document"].as_str().unwrap()).unwrap();
            let stored = app
                .get(&format!("{}/commitments?per_page=100", draft.path))
                .await
                .json();
            assert_eq!(
                terms(&stored["items"]),
                terms(&canonical["commitments"]),
                "{kind:?} race {number}: the stored commitments are the hashed ones"
            );
            // One agreement is in force per agency and year: make room for the next race.
            let cancelled = app
                .post_json(
                    &format!("{}/cancel", draft.path),
                    &json!({"reason": "race test"}),
                )
                .await;
            assert_eq!(cancelled.status, 200, "{}", cancelled.text());
        }
        eprintln!("{kind:?}: {before} writes landed before the signature, {refused} refused");
    }
}
