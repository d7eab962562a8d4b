//! Performance agreements: drafting, signing, the freeze, realizations, verification.

use actix_web::http::Method;
use diesel::connection::SimpleConnection;
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};

pub(crate) struct Setup {
    pub agency: Value,
    pub other: Value,
    pub elegan: Value,
    pub foreign: Value,
}

pub(crate) async fn setup(app: &TestApp) -> Setup {
    let cohort = app.create_cohort("Lab 2016").await;
    let agency = app
        .create_agency(json!({"code": "BAG-HUKUM", "name": "Bagian Hukum Setda", "kind": "secretariat_section",
            "head_name": "Rina Wulandari, S.H., M.H.", "head_nip": "19780512 200501 2 003", "head_title": "Kepala Bagian Hukum"}))
        .await;
    let other = app
        .create_agency(json!({"code": "BPMPT", "name": "BPMPT"}))
        .await;
    let elegan = app
        .create_innovation(&cohort["id"], &agency["id"], json!({"name": "ELEGAN"}))
        .await;
    let foreign = app
        .create_innovation(&cohort["id"], &other["id"], json!({"name": "Siperi"}))
        .await;
    Setup {
        agency,
        other,
        elegan,
        foreign,
    }
}

pub(crate) async fn draft(app: &TestApp, s: &Setup, number: &str) -> Value {
    let response = app
        .post_json(
            "/api/v1/performance-agreements",
            &json!({"number": number, "year": 2016, "agency_id": s.agency["id"],
            "statement": "Kami berjanji mewujudkan target inovasi."}),
        )
        .await;
    assert_eq!(response.status, 201, "{}", response.text());
    response.json()
}

pub(crate) async fn commit(app: &TestApp, agreement: &Value, body: Value) -> Value {
    let response = app
        .post_json(
            &format!(
                "/api/v1/performance-agreements/{}/commitments",
                agreement["id"]
            ),
            &body,
        )
        .await;
    assert_eq!(response.status, 201, "{}", response.text());
    response.json()
}

pub(crate) fn signing() -> Value {
    json!({"signed_on": "2016-10-12", "signed_place": "Pendopo Rumah Dinas Bupati Kebumen",
           "first_party": {"name": "Ir. H. Mohammad Yahya Fuad, SE", "title": "Bupati Kebumen"}})
}

pub(crate) async fn sign(app: &TestApp, agreement: &Value) -> Value {
    let response = app
        .post_json(
            &format!("/api/v1/performance-agreements/{}/sign", agreement["id"]),
            &signing(),
        )
        .await;
    assert_eq!(response.status, 200, "{}", response.text());
    response.json()
}

#[actix_web::test]
async fn commitments_take_exact_decimals_or_a_stage_by_a_date() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let agreement = draft(&app, &s, "060/123/2016").await;
    assert_eq!(agreement["status"], "draft");
    let value = commit(
        &app,
        &agreement,
        json!({"innovation_id": s.elegan["id"], "indicator": "Produk hukum elektronik",
        "target_value": "1000.5", "unit": "dokumen"}),
    )
    .await;
    assert_eq!(
        value["target_value"], "1000.50",
        "exact, two fractional digits"
    );
    assert_eq!(value["innovation_name"], "ELEGAN");
    let stage = commit(
        &app,
        &agreement,
        json!({"innovation_id": s.elegan["id"], "indicator": "Diluncurkan",
        "target_stage": "delivery", "due_on": "2016-12-31"}),
    )
    .await;
    assert_eq!(stage["target_stage"], "delivery");

    let path = format!(
        "/api/v1/performance-agreements/{}/commitments",
        agreement["id"]
    );
    let cases = [
        (
            json!({"innovation_id": s.foreign["id"], "indicator": "x", "target_value": "1", "unit": "u"}),
            "innovation_id",
            "innovation_other_agency",
        ),
        (
            json!({"innovation_id": 999, "indicator": "x", "target_value": "1", "unit": "u"}),
            "innovation_id",
            "innovation_not_found",
        ),
        (
            json!({"innovation_id": s.elegan["id"], "indicator": "x", "target_value": "1.234", "unit": "u"}),
            "target_value",
            "decimal_invalid",
        ),
        (
            json!({"innovation_id": s.elegan["id"], "indicator": "x", "unit": "u"}),
            "target_value",
            "target_required",
        ),
    ];
    for (body, field, code) in cases {
        let response = app.post_json(&path, &body).await;
        response.problem(422);
        assert_eq!(
            response.field_errors(),
            vec![(field.to_owned(), code.to_owned())],
            "{body}"
        );
    }
    let listed = app.get(&path).await.json();
    assert_eq!(listed["items"].as_array().unwrap().len(), 2);
    assert_eq!(listed["total"], 2);
    let first_page = app.get(&format!("{path}?per_page=1&cursor=")).await.json();
    let next = first_page["next_cursor"].as_str().unwrap();
    let second_page = app
        .get(&format!("{path}?per_page=1&cursor={next}"))
        .await
        .json();
    assert_eq!(second_page["items"][0]["id"], listed["items"][1]["id"]);
    app.get(&format!("{path}?q=x")).await.problem(422);
}

#[actix_web::test]
async fn signing_copies_the_parties_hashes_the_content_and_freezes_the_agreement() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let agreement = draft(&app, &s, "060/123/2016").await;
    let sign_path = format!("/api/v1/performance-agreements/{}/sign", agreement["id"]);
    let empty = app.post_json(&sign_path, &signing()).await;
    assert_eq!(
        empty.field_errors(),
        vec![("commitments".into(), "commitments_required".into())]
    );
    empty.problem(422);

    let commitment = commit(
        &app,
        &agreement,
        json!({"innovation_id": s.elegan["id"], "indicator": "Produk hukum",
        "target_value": "80", "unit": "dokumen"}),
    )
    .await;
    let signed = sign(&app, &agreement).await;
    assert_eq!(signed["status"], "signed");
    assert_eq!(
        signed["second_party"]["name"], "Rina Wulandari, S.H., M.H.",
        "defaults to the agency's head"
    );
    assert_eq!(signed["second_party"]["nip"], "197805122005012003");
    assert_eq!(
        signed["first_party"].get("nip"),
        None,
        "the Bupati has no NIP"
    );
    let hash = signed["content_hash"].as_str().unwrap();
    assert_eq!(hash.len(), 64);

    // A later change of agency head or innovation name rewrites nothing.
    app.patch_json(
        &format!("/api/v1/agencies/{}", s.agency["id"]),
        &json!({"head_name": "Pejabat Baru", "name": "Nama Baru"}),
    )
    .await;
    app.patch_json(
        &format!("/api/v1/innovations/{}", s.elegan["id"]),
        &json!({"name": "ELEGAN 2.0"}),
    )
    .await;
    let path = format!("/api/v1/performance-agreements/{}", agreement["id"]);
    assert_eq!(
        app.get(&path).await.json()["second_party"]["name"],
        "Rina Wulandari, S.H., M.H."
    );
    let public = app
        .get_anonymous(&format!("{path}/verification"))
        .await
        .json();
    assert_eq!(public["matches"], true);
    assert_eq!(
        public["canonical_document"],
        Value::Null,
        "it holds NIPs: not for the public"
    );
    let verification = app.get(&format!("{path}/verification")).await.json();
    assert_eq!(verification["matches"], true, "{verification}");
    assert_eq!(verification["content_hash"], hash);
    let canonical = verification["canonical_document"].as_str().unwrap();
    assert!(
        canonical.contains("\"name\":\"ELEGAN\""),
        "the signed name: {canonical}"
    );
    assert!(canonical.starts_with("{\"agency\":{\"code\":\"BAG-HUKUM\",\"id\":"));
    use sha2::Digest;
    let digest: String = sha2::Sha256::digest(canonical.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(
        digest, hash,
        "sha256sum of the canonical document is the hash"
    );

    // Frozen: every write path of a signed agreement is refused.
    let commitments = format!("{path}/commitments");
    let refused = [
        app.patch_json(&path, &json!({"statement": "diubah"})).await,
        app.delete(&path).await,
        app.post_json(&format!("{path}/sign"), &signing()).await,
        app.post_json(&commitments, &json!({"innovation_id": s.elegan["id"], "indicator": "x", "target_value": "1", "unit": "u"})).await,
        app.patch_json(&format!("{commitments}/{}", commitment["id"]), &json!({"target_value": "90"})).await,
        app.delete(&format!("{commitments}/{}", commitment["id"])).await,
    ];
    for response in &refused {
        let problem = response.problem(409);
        assert_eq!(
            problem["type"],
            "https://inovik.example/problems/agreement-signed"
        );
        assert!(problem["detail"].as_str().unwrap().contains("/amendments"));
    }
    assert_eq!(
        app.get(&format!("{path}/verification")).await.json()["matches"],
        true
    );
}

#[actix_web::test]
async fn realizations_are_recorded_on_signed_agreements_without_breaking_the_hash() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let agreement = draft(&app, &s, "060/123/2016").await;
    let commitment = commit(
        &app,
        &agreement,
        json!({"innovation_id": s.elegan["id"], "indicator": "Produk hukum",
        "target_value": "80", "unit": "dokumen"}),
    )
    .await;
    let realization = format!(
        "/api/v1/performance-agreements/{}/commitments/{}/realization",
        agreement["id"], commitment["id"]
    );
    let early = app
        .request(Method::PUT, &realization)
        .json(&json!({"achieved_value": "84"}))
        .send()
        .await;
    early.problem(409);
    sign(&app, &agreement).await;

    let editor = app
        .token_for("editor", "agency_editor", s.agency["id"].as_i64())
        .await;
    let recorded = app
        .request(Method::PUT, &realization)
        .bearer(&editor)
        .json(&json!({"achieved_value": "84.25", "evidence_url": "https://jdih.kebumenkab.go.id/laporan-2016"}))
        .send()
        .await;
    assert_eq!(recorded.status, 200, "{}", recorded.text());
    let body = recorded.json();
    assert_eq!(body["achieved_value"], "84.25");
    assert!(body["evaluated_at"].is_string());
    let other_editor = app
        .token_for("other", "agency_editor", s.other["id"].as_i64())
        .await;
    app.request(Method::PUT, &realization)
        .bearer(&other_editor)
        .json(&json!({"achieved_value": "1"}))
        .send()
        .await
        .problem(403);
    let path = format!(
        "/api/v1/performance-agreements/{}/verification",
        agreement["id"]
    );
    assert_eq!(app.get(&path).await.json()["matches"], true);
}

#[actix_web::test]
async fn tampering_with_the_stored_row_is_detected() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let agreement = draft(&app, &s, "060/123/2016").await;
    commit(&app, &agreement, json!({"innovation_id": s.elegan["id"], "indicator": "Produk hukum", "target_value": "80", "unit": "dokumen"})).await;
    sign(&app, &agreement).await;
    app.state
        .db
        .get()
        .unwrap()
        .batch_execute(
            "UPDATE commitments SET target_hundredths = 800 WHERE target_hundredths = 8000",
        )
        .unwrap();
    let verification = app
        .get(&format!(
            "/api/v1/performance-agreements/{}/verification",
            agreement["id"]
        ))
        .await
        .json();
    assert_eq!(verification["matches"], false);
    assert_ne!(
        verification["recomputed_hash"],
        verification["content_hash"]
    );
    assert!(
        verification["canonical_document"]
            .as_str()
            .unwrap()
            .contains("\"target_value\":\"8.00\"")
    );
}

#[actix_web::test]
async fn one_agreement_in_force_per_agency_and_year_and_drafts_are_private() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let first = draft(&app, &s, "060/123/2016").await;
    commit(&app, &first, json!({"innovation_id": s.elegan["id"], "indicator": "a", "target_value": "1", "unit": "u"})).await;
    sign(&app, &first).await;
    let second = draft(&app, &s, "060/124/2016").await;
    commit(&app, &second, json!({"innovation_id": s.elegan["id"], "indicator": "b", "target_value": "2", "unit": "u"})).await;
    let refused = app
        .post_json(
            &format!("/api/v1/performance-agreements/{}/sign", second["id"]),
            &signing(),
        )
        .await;
    assert_eq!(
        refused.problem(409)["type"],
        "https://inovik.example/problems/agreement-in-force"
    );
    app.post_json(
        "/api/v1/performance-agreements",
        &json!({"number": "060/123/2016", "year": 2016, "agency_id": s.agency["id"]}),
    )
    .await
    .problem(409);

    app.get_anonymous(&format!("/api/v1/performance-agreements/{}", second["id"]))
        .await
        .problem(404);
    let public = app
        .get_anonymous("/api/v1/performance-agreements")
        .await
        .json();
    assert_eq!(public["total"], 1, "the public sees signed agreements only");
    let signed = app
        .get_anonymous(&format!("/api/v1/performance-agreements/{}", first["id"]))
        .await
        .json();
    assert_eq!(
        signed["second_party"].get("nip"),
        None,
        "no NIP for the public"
    );
    assert_eq!(
        app.get("/api/v1/performance-agreements?status=draft")
            .await
            .json()["total"],
        1
    );

    let editor = app
        .token_for("editor", "agency_editor", s.agency["id"].as_i64())
        .await;
    let by_editor = app
        .request(
            Method::POST,
            &format!("/api/v1/performance-agreements/{}/sign", second["id"]),
        )
        .bearer(&editor)
        .json(&signing())
        .send()
        .await;
    by_editor.problem(403);
    let drafted_by_editor = app
        .request(Method::POST, "/api/v1/performance-agreements")
        .bearer(&editor)
        .json(&json!({"number": "060/200/2017", "year": 2017, "agency_id": s.other["id"]}))
        .send()
        .await;
    drafted_by_editor.problem(403);
    assert_eq!(
        app.delete(&format!("/api/v1/performance-agreements/{}", second["id"]))
            .await
            .status,
        204,
        "drafts can be deleted"
    );
}

#[actix_web::test]
async fn an_amendment_supersedes_the_signed_agreement_and_the_chain_shows_both_ways() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let original = draft(&app, &s, "060/123/2016").await;
    commit(&app, &original, json!({"innovation_id": s.elegan["id"], "indicator": "Produk hukum", "target_value": "80", "unit": "dokumen"})).await;
    let amend_path = format!(
        "/api/v1/performance-agreements/{}/amendments",
        original["id"]
    );
    let body = json!({"number": "060/123.A/2016", "reason": "change_of_official", "reason_text": "Pergantian Kepala Bagian"});
    app.post_json(&amend_path, &body).await.problem(409);
    let signed = sign(&app, &original).await;

    let response = app.post_json(&amend_path, &body).await;
    assert_eq!(response.status, 201, "{}", response.text());
    let amendment = response.json();
    assert_eq!(
        (
            amendment["status"].clone(),
            amendment["supersedes_id"].clone()
        ),
        (json!("draft"), original["id"].clone())
    );
    assert_eq!(amendment["amendment_reason"], "change_of_official");
    let copied = app
        .get(&format!(
            "/api/v1/performance-agreements/{}/commitments",
            amendment["id"]
        ))
        .await
        .json()["items"]
        .clone();
    assert_eq!(copied[0]["target_value"], "80.00", "commitments are copied");
    let bad_reason = app
        .post_json(
            &amend_path,
            &json!({"number": "X-1", "reason": "whim", "reason_text": "x"}),
        )
        .await;
    assert_eq!(
        bad_reason.field_errors(),
        vec![("reason".into(), "invalid_choice".into())]
    );

    app.patch_json(
        &format!(
            "/api/v1/performance-agreements/{}/commitments/{}",
            amendment["id"], copied[0]["id"]
        ),
        &json!({"target_value": "100"}),
    )
    .await;
    let signed_amendment = sign(&app, &amendment).await;
    assert_eq!(signed_amendment["status"], "signed");
    let old = app
        .get(&format!(
            "/api/v1/performance-agreements/{}",
            original["id"]
        ))
        .await
        .json();
    assert_eq!(old["status"], "superseded");
    assert_eq!(old["superseded_by_id"], amendment["id"]);
    assert_eq!(old["content_hash"], signed["content_hash"]);
    let verification = app
        .get(&format!(
            "/api/v1/performance-agreements/{}/verification",
            original["id"]
        ))
        .await
        .json();
    assert_eq!(
        verification["matches"], true,
        "superseding never breaks verification"
    );
    assert!(
        app.get(&format!(
            "/api/v1/performance-agreements/{}/verification",
            amendment["id"]
        ))
        .await
        .json()["canonical_document"]
            .as_str()
            .unwrap()
            .contains(&format!("\"supersedes_id\":{}", original["id"]))
    );
}

#[actix_web::test]
async fn cancelling_keeps_the_agreement() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let agreement = draft(&app, &s, "060/123/2016").await;
    let path = format!("/api/v1/performance-agreements/{}", agreement["id"]);
    let editor = app
        .token_for("editor", "agency_editor", s.agency["id"].as_i64())
        .await;
    app.request(Method::POST, &format!("{path}/cancel"))
        .bearer(&editor)
        .json(&json!({"reason": "salah nomor"}))
        .send()
        .await
        .problem(403);
    let cancelled = app
        .post_json(&format!("{path}/cancel"), &json!({"reason": "salah nomor"}))
        .await;
    assert_eq!(cancelled.status, 200, "{}", cancelled.text());
    assert_eq!(
        (
            cancelled.json()["status"].clone(),
            cancelled.json()["cancellation_reason"].clone()
        ),
        (json!("cancelled"), json!("salah nomor"))
    );
    app.post_json(&format!("{path}/cancel"), &json!({"reason": "lagi"}))
        .await
        .problem(409);
    assert_eq!(app.get(&path).await.status, 200, "kept");
    app.get_anonymous(&path).await.problem(404);
}

#[actix_web::test]
async fn the_printable_document_escapes_everything_and_shows_the_hash() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let response = app
        .post_json(
            "/api/v1/performance-agreements",
            &json!({"number": "060/<b>1</b>/2016", "year": 2016,
            "agency_id": s.agency["id"], "statement": "<script>alert('x')</script> & janji"}),
        )
        .await;
    let agreement = response.json();
    commit(&app, &agreement, json!({"innovation_id": s.elegan["id"], "indicator": "<i>Produk</i>", "target_value": "80", "unit": "dokumen"})).await;
    let signed = sign(&app, &agreement).await;
    let page = app
        .get_anonymous(&format!(
            "/api/v1/performance-agreements/{}/document",
            agreement["id"]
        ))
        .await;
    assert_eq!(page.status, 200);
    assert!(
        page.header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
    let html = page.text();
    assert!(html.contains("PERJANJIAN KINERJA INOVASI TAHUN 2016"));
    assert!(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; janji"));
    assert!(!html.contains("<script>") && !html.contains("<i>Produk"));
    assert!(
        html.contains("12 Oktober 2016") && html.contains("Pendopo Rumah Dinas Bupati Kebumen")
    );
    assert!(html.contains(signed["content_hash"].as_str().unwrap()));
    assert!(
        !html.contains("197805122005012003"),
        "no NIP for the public"
    );
}

#[actix_web::test]
async fn fulfilment_counts_evaluated_and_achieved_commitments() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let agreement = draft(&app, &s, "060/123/2016").await;
    let by_value = commit(&app, &agreement, json!({"innovation_id": s.elegan["id"], "indicator": "a", "target_value": "80", "unit": "dokumen"})).await;
    let short = commit(&app, &agreement, json!({"innovation_id": s.elegan["id"], "indicator": "b", "target_value": "50", "unit": "dokumen"})).await;
    commit(&app, &agreement, json!({"innovation_id": s.elegan["id"], "indicator": "c", "target_stage": "diagnose", "due_on": "2100-12-31"})).await;
    sign(&app, &agreement).await;
    for (commitment, value) in [(&by_value, "80"), (&short, "49.99")] {
        app.request(
            Method::PUT,
            &format!(
                "/api/v1/performance-agreements/{}/commitments/{}/realization",
                agreement["id"], commitment["id"]
            ),
        )
        .json(&json!({"achieved_value": value}))
        .send()
        .await;
    }
    app.move_to(&s.elegan, json!({"to": "diagnose"})).await;
    let stats = app
        .get_anonymous("/api/v1/stats/agreements?year=2016")
        .await
        .json();
    assert_eq!(
        stats,
        json!([{"agency_id": s.agency["id"], "agency_code": "BAG-HUKUM", "agency_name": "Bagian Hukum Setda",
                "agreements_in_force": 1, "commitments": 3, "evaluated": 2, "achieved": 2}])
    );
    app.get("/api/v1/stats/agreements").await.problem(422);
}
