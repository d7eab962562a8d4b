//! Evidence of a stage move and proof of a commitment's realization: the same document
//! routes under their owners, with the owners' own rules (a move of the innovation named
//! in the path; a realization of a signed agreement, managed by its agency).

use actix_web::http::Method;
use serde_json::{Value, json};

use crate::documents::{BOUNDARY, Part, form, pdf};
use crate::helpers::{TestApp, TestResponse, spawn_app};

async fn post_form(
    app: &TestApp,
    path: &str,
    token: Option<&str>,
    parts: &[Part<'_>],
) -> TestResponse {
    let mut request = app.request(Method::POST, path).raw(
        &format!("multipart/form-data; boundary={BOUNDARY}"),
        form(parts),
    );
    if let Some(token) = token {
        request = request.bearer(token);
    }
    request.send().await
}

fn decree(marker: &str) -> Vec<u8> {
    pdf(marker)
}

#[actix_web::test]
async fn a_stage_move_carries_its_evidence_apart_from_the_innovations() {
    let app = spawn_app().await;
    let agency = app
        .create_agency(json!({"code": "BAG-TAPEM", "name": "Bagian Tapem"}))
        .await;
    let cohort = app.create_cohort("Lab 2016").await;
    let muttu = app
        .create_innovation(&cohort["id"], &agency["id"], json!({"name": "MUTTU 1000"}))
        .await;
    let other = app
        .create_innovation(&cohort["id"], &agency["id"], json!({"name": "Siperi"}))
        .await;
    app.advance_to(&muttu, "delivery").await;
    let moves = app
        .get(&format!(
            "/api/v1/innovations/{}/stage-transitions",
            muttu["id"]
        ))
        .await
        .json();
    let launch = moves["items"].as_array().unwrap().last().unwrap()["id"].clone();
    let base = format!(
        "/api/v1/innovations/{}/stage-transitions/{launch}/documents",
        muttu["id"]
    );
    let content = decree("berita acara peluncuran");
    let parts = [
        Part::Text("kind", "report"),
        Part::Text("title", "Berita acara peluncuran"),
        Part::Text("public", "true"),
        Part::File("berita-acara.pdf", &content),
    ];
    let created = post_form(&app, &base, None, &parts).await;
    assert_eq!(created.status, 201, "{}", created.text());
    let document = created.json();
    assert_eq!(document["stage_transition_id"], launch);
    assert!(
        created
            .header("location")
            .unwrap()
            .ends_with(&format!("{base}/{}", document["id"]))
    );
    assert_eq!(app.get(&base).await.json()["total"], 1);
    let own = app
        .get(&format!("/api/v1/innovations/{}/documents", muttu["id"]))
        .await
        .json();
    assert_eq!(
        own["total"], 0,
        "the innovation's own documents are not its moves'"
    );
    let download = app
        .get_anonymous(&format!("{base}/{}/content", document["id"]))
        .await;
    assert_eq!(
        (download.status.as_u16(), download.body.clone()),
        (200, content.clone())
    );

    // The move of one innovation named under another is no address at all.
    let wrong = format!(
        "/api/v1/innovations/{}/stage-transitions/{launch}/documents",
        other["id"]
    );
    post_form(&app, &wrong, None, &parts).await.problem(404);
    app.get(&format!("{wrong}/{}", document["id"]))
        .await
        .problem(404);
    app.get(&format!(
        "/api/v1/innovations/{}/documents/{}",
        muttu["id"], document["id"]
    ))
    .await
    .problem(404);
}

async fn signed_agreement(
    app: &TestApp,
    agency: &Value,
    innovation: &Value,
    sign: bool,
) -> (Value, Value) {
    let agreement = app
        .post_json(
            "/api/v1/performance-agreements",
            &json!({"number": format!("060/{}/2016", innovation["id"]), "year": 2016,
                    "agency_id": agency["id"], "statement": "Kami berjanji."}),
        )
        .await
        .json();
    let commitment = app
        .post_json(
            &format!(
                "/api/v1/performance-agreements/{}/commitments",
                agreement["id"]
            ),
            &json!({"innovation_id": innovation["id"], "indicator": "Produk hukum elektronik",
                    "target_value": "80", "unit": "dokumen"}),
        )
        .await
        .json();
    if sign {
        let signed = app
            .post_json(
                &format!("/api/v1/performance-agreements/{}/sign", agreement["id"]),
                &json!({"signed_on": "2016-10-12", "signed_place": "Kebumen",
                        "first_party": {"name": "Ir. H. Mohammad Yahya Fuad, SE", "title": "Bupati Kebumen"},
                        "second_party": {"name": "Rina Wulandari", "title": "Kepala Bagian Hukum"}}),
            )
            .await;
        assert_eq!(signed.status, 200, "{}", signed.text());
    }
    (agreement, commitment)
}

#[actix_web::test]
async fn a_realization_carries_its_proof_on_a_signed_agreement_only() {
    let app = spawn_app().await;
    let agency = app
        .create_agency(json!({"code": "BAG-HUKUM", "name": "Bagian Hukum"}))
        .await;
    let stranger = app
        .create_agency(json!({"code": "BPMPT", "name": "BPMPT"}))
        .await;
    let cohort = app.create_cohort("Lab 2016").await;
    let elegan = app
        .create_innovation(&cohort["id"], &agency["id"], json!({"name": "ELEGAN"}))
        .await;
    let siperi = app
        .create_innovation(&cohort["id"], &agency["id"], json!({"name": "Siperi"}))
        .await;
    let (agreement, commitment) = signed_agreement(&app, &agency, &elegan, true).await;
    let base = format!(
        "/api/v1/performance-agreements/{}/commitments/{}/realization/documents",
        agreement["id"], commitment["id"]
    );
    let proof = decree("laporan capaian");
    let parts = [
        Part::Text("kind", "report"),
        Part::Text("title", "Laporan capaian triwulan IV"),
        Part::Text("public", "true"),
        Part::File("capaian.pdf", &proof),
    ];
    let outsider = app
        .token_for("outsider", "agency_editor", stranger["id"].as_i64())
        .await;
    post_form(&app, &base, Some(&outsider), &parts)
        .await
        .problem(403);
    let editor = app
        .token_for("editor", "agency_editor", agency["id"].as_i64())
        .await;
    let created = post_form(&app, &base, Some(&editor), &parts).await;
    assert_eq!(created.status, 201, "{}", created.text());
    let document = created.json();
    assert_eq!(document["commitment_id"], commitment["id"]);
    assert_eq!(
        document["innovation_id"], elegan["id"],
        "evidence for the commitment's innovation"
    );
    // A signed agreement is public, and so is its public proof.
    let public = app.get_anonymous(&base).await.json();
    assert_eq!(public["items"][0]["id"], document["id"]);
    let download = app
        .get_anonymous(&format!("{base}/{}/content", document["id"]))
        .await;
    assert_eq!(download.body, proof);

    // A draft takes no proof (409), and is nobody's business but the signed-in's (404).
    let (draft, draft_commitment) = signed_agreement(&app, &agency, &siperi, false).await;
    let draft_base = format!(
        "/api/v1/performance-agreements/{}/commitments/{}/realization/documents",
        draft["id"], draft_commitment["id"]
    );
    let refused = post_form(&app, &draft_base, None, &parts).await;
    assert_eq!(
        refused.problem(409)["type"],
        "https://inovik.example/problems/agreement-not-signed"
    );
    app.get_anonymous(&draft_base).await.problem(404);
    // A commitment of another agreement is no address at all.
    let crossed = format!(
        "/api/v1/performance-agreements/{}/commitments/{}/realization/documents",
        agreement["id"], draft_commitment["id"]
    );
    app.get(&crossed).await.problem(404);
    assert_eq!(
        app.state.storage.objects().await.unwrap().len(),
        1,
        "only the accepted proof is kept"
    );
}
