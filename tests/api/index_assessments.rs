//! `/api/v1/index-assessments` on both backends: an innovation answered with evidence,
//! submitted, returned with verdicts, verified and reopened; the evidence rule; answers
//! that name another indicator's option or another year's indicator; who may do what;
//! the region's own assessment; the history.

use actix_web::http::Method;
use serde_json::{Value, json};

use crate::documents::{BOUNDARY, Part, form, pdf};
use crate::helpers::{TestApp, TestResponse, spawn_app};
use crate::index_catalogues::catalogue;

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect()
}

/// Publishes the test catalogue of `year`; answers it.
async fn published_catalogue(app: &TestApp, year: i64) -> Value {
    let created = app
        .post_json("/api/v1/index-catalogues", &catalogue(year))
        .await;
    assert_eq!(created.status, 201, "{}", created.text());
    let published = app
        .post_json(
            &format!("/api/v1/index-catalogues/{year}/publish"),
            &json!({}),
        )
        .await;
    assert_eq!(published.status, 200, "{}", published.text());
    published.json()
}

/// The indicator `code` of a catalogue: its id and the ids of its two options.
fn indicator(catalogue: &Value, code: &str) -> (i64, i64, i64) {
    let found = catalogue["variables"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|v| v["indicators"].as_array().unwrap())
        .find(|i| i["code"] == code)
        .unwrap_or_else(|| panic!("{code} in {catalogue}"));
    let option = |n: usize| found["options"][n]["id"].as_i64().unwrap();
    (found["id"].as_i64().unwrap(), option(0), option(1))
}

/// An innovation of a fresh agency, and that agency's id.
async fn innovation(app: &TestApp, name: &str) -> (Value, i64) {
    let agency = app.create_agency(json!({"code": name, "name": name})).await;
    let cohort = app.create_cohort(&format!("Kohort {name}")).await;
    let innovation = app
        .create_innovation(&cohort["id"], &agency["id"], json!({"name": name}))
        .await;
    (innovation, agency["id"].as_i64().unwrap())
}

/// Uploads a document of `kind` to the innovation (as the administrator); its id.
pub(crate) async fn document(app: &TestApp, innovation: &Value, kind: &str) -> i64 {
    let content = pdf(&format!("{kind} {}", innovation["id"]));
    let parts = [
        Part::Text("kind", kind),
        Part::Text("title", "Bukti dukung"),
        Part::File("bukti.pdf", &content),
    ];
    let created = app
        .request(
            Method::POST,
            &format!("/api/v1/innovations/{}/documents", innovation["id"]),
        )
        .raw(
            &format!("multipart/form-data; boundary={BOUNDARY}"),
            form(&parts),
        )
        .send()
        .await;
    assert_eq!(created.status, 201, "{}", created.text());
    created.json()["id"].as_i64().unwrap()
}

/// `method path` with `body`, as `token`, based on version `version` (`If-Match`).
async fn send(
    app: &TestApp,
    method: Method,
    path: &str,
    token: &str,
    version: &Value,
    body: Option<Value>,
) -> TestResponse {
    let mut request = app
        .request(method, path)
        .bearer(token)
        .header("if-match", &format!("\"{version}\""));
    if let Some(body) = body {
        request = request.json(&body);
    }
    request.send().await
}

fn ok(response: TestResponse) -> Value {
    assert_eq!(response.status, 200, "{}", response.text());
    response.json()
}

#[actix_web::test]
async fn an_innovation_is_answered_with_evidence_submitted_returned_verified_and_reopened() {
    let app = spawn_app().await;
    let catalogue = published_catalogue(&app, 2031).await;
    let (k1, k1_none, k1_yes) = indicator(&catalogue, "K.1");
    let (k2, k2_none, k2_yes) = indicator(&catalogue, "K.2");
    let (p1, _, _) = indicator(&catalogue, "P.1");
    let (muttu, agency_id) = innovation(&app, "MUTTU1000").await;
    let decree = document(&app, &muttu, "decree").await;
    let photo = document(&app, &muttu, "photo").await;
    let editor = app
        .token_for("editor", "agency_editor", Some(agency_id))
        .await;

    let created = app
        .request(Method::POST, "/api/v1/index-assessments")
        .bearer(&editor)
        .json(&json!({"year": 2031, "innovation_id": muttu["id"]}))
        .send()
        .await;
    assert_eq!(created.status, 201, "{}", created.text());
    let draft = created.json();
    let id = &draft["id"];
    assert!(
        created
            .header("location")
            .unwrap()
            .ends_with(&format!("/api/v1/index-assessments/{id}"))
    );
    assert_eq!(
        (
            &draft["status"],
            &draft["aspect"],
            &draft["self_score"],
            &draft["missing_evidence"]
        ),
        (
            &json!("draft"),
            &json!("innovation"),
            &json!("0.00"),
            &json!(["K.1"])
        )
    );
    assert_eq!(draft["answers"].as_array().unwrap().len(), 2, "{draft}");
    let base = format!("/api/v1/index-assessments/{id}");
    let answer_path = |indicator: i64| format!("{base}/answers/{indicator}");

    // Without its mandatory evidence an answer scores nothing, and submitting is refused.
    let answered = ok(send(
        &app,
        Method::PUT,
        &answer_path(k1),
        &editor,
        &draft["version"],
        Some(json!({"option_id": k1_yes, "note": "Perbup Kebumen No. 12 Tahun 2025"})),
    )
    .await);
    assert_eq!(answered["self_score"], "0.00");
    assert_eq!(answered["answers"][0]["evidence_missing"], true);
    let refused = send(
        &app,
        Method::POST,
        &format!("{base}/submit"),
        &editor,
        &answered["version"],
        None,
    )
    .await;
    refused.problem(422);
    assert_eq!(
        refused.field_errors(),
        pairs(&[("answers.K.1", "evidence_missing")])
    );

    // Answers that cannot stand: each says why, and nothing changes.
    let version = &answered["version"];
    for (path, body, expected) in [
        (
            answer_path(k1),
            json!({"option_id": k1_yes, "document_ids": [photo]}),
            vec![("document_ids.0", "evidence_kind_not_accepted")],
        ),
        (
            answer_path(k1),
            json!({"option_id": k2_yes, "document_ids": [decree, 999_999]}),
            vec![
                ("option_id", "option_of_another_indicator"),
                ("document_ids.1", "unknown_document"),
            ],
        ),
        (
            answer_path(p1),
            json!({"option_id": k1_yes}),
            vec![("indicator_id", "indicator_not_in_assessment")],
        ),
        (
            answer_path(k1),
            json!({"option_id": k1_yes, "document_ids": [decree, decree]}),
            vec![("document_ids", "duplicate")],
        ),
    ] {
        let refused = send(&app, Method::PUT, &path, &editor, version, Some(body)).await;
        refused.problem(422);
        assert_eq!(refused.field_errors(), pairs(&expected));
    }
    let stale = send(
        &app,
        Method::PUT,
        &answer_path(k2),
        &editor,
        &draft["version"],
        Some(json!({"option_id": k2_yes})),
    )
    .await;
    stale.problem(412);

    let with_decree = ok(send(
        &app,
        Method::PUT,
        &answer_path(k1),
        &editor,
        version,
        Some(json!({"option_id": k1_yes, "document_ids": [decree]})),
    )
    .await);
    let complete = ok(send(
        &app,
        Method::PUT,
        &answer_path(k2),
        &editor,
        &with_decree["version"],
        Some(json!({"option_id": k2_yes})),
    )
    .await);
    assert_eq!(complete["self_score"], "100.50");
    assert_eq!(complete["missing_evidence"], json!([]));
    let submitted = ok(send(
        &app,
        Method::POST,
        &format!("{base}/submit"),
        &editor,
        &complete["version"],
        None,
    )
    .await);
    assert_eq!(submitted["status"], "submitted");
    // Locked for its writers.
    send(
        &app,
        Method::PUT,
        &answer_path(k2),
        &editor,
        &submitted["version"],
        Some(json!({"option_id": k2_none})),
    )
    .await
    .problem(409);

    // A reviewer of the same agency may not judge it; one from elsewhere must judge every
    // answer before verifying.
    let own = app
        .token_for("verifikator-dinas", "reviewer", Some(agency_id))
        .await;
    let reviewer = app.token_for("verifikator", "reviewer", None).await;
    let verdict_path = |indicator: i64| format!("{}/verdict", answer_path(indicator));
    send(
        &app,
        Method::PUT,
        &verdict_path(k1),
        &own,
        &submitted["version"],
        Some(json!({"verdict": "accepted"})),
    )
    .await
    .problem(403);
    let unjudged = send(
        &app,
        Method::POST,
        &format!("{base}/verify"),
        &reviewer,
        &submitted["version"],
        None,
    )
    .await;
    unjudged.problem(422);
    assert_eq!(
        unjudged.field_errors(),
        pairs(&[
            ("answers.K.1", "verdict_missing"),
            ("answers.K.2", "verdict_missing")
        ])
    );
    let adjusted = ok(send(
        &app,
        Method::PUT,
        &verdict_path(k1),
        &reviewer,
        &submitted["version"],
        Some(json!({"verdict": "adjusted", "option_id": k1_none,
                    "note": "SK Kepala Dinas, bukan Perbup"})),
    )
    .await);
    assert_eq!(
        (
            &adjusted["answers"][0]["verdict"],
            &adjusted["answers"][0]["verified_option_id"]
        ),
        (&json!("adjusted"), &json!(k1_none))
    );
    let returned = ok(send(
        &app,
        Method::POST,
        &format!("{base}/return"),
        &reviewer,
        &adjusted["version"],
        Some(json!({"note": "Lampirkan Perbup"})),
    )
    .await);
    assert_eq!(returned["status"], "returned");

    // Editable again; a changed answer loses its verdict, an unchanged one keeps it.
    let revised = ok(send(
        &app,
        Method::PUT,
        &answer_path(k2),
        &editor,
        &returned["version"],
        Some(json!({"option_id": k2_yes, "note": "Direplikasi di dua kecamatan"})),
    )
    .await);
    assert_eq!(revised["answers"][0]["verdict"], "adjusted");
    assert_eq!(revised["answers"][1]["verdict"], Value::Null);
    let resubmitted = ok(send(
        &app,
        Method::POST,
        &format!("{base}/submit"),
        &editor,
        &revised["version"],
        None,
    )
    .await);
    let accepted = ok(send(
        &app,
        Method::PUT,
        &verdict_path(k2),
        &reviewer,
        &resubmitted["version"],
        Some(json!({"verdict": "accepted"})),
    )
    .await);
    let verified = ok(send(
        &app,
        Method::POST,
        &format!("{base}/verify"),
        &reviewer,
        &accepted["version"],
        None,
    )
    .await);
    assert_eq!(
        (
            &verified["status"],
            &verified["self_score"],
            &verified["verified_score"]
        ),
        (&json!("verified"), &json!("100.50"), &json!("40.50"))
    );
    assert!(verified["verified_at"].is_string());

    // Reopening is the administrators', with a reason.
    send(
        &app,
        Method::POST,
        &format!("{base}/reopen"),
        &editor,
        &verified["version"],
        Some(json!({"reason": "Perbup baru"})),
    )
    .await
    .problem(403);
    let admin = app.admin_token.clone().unwrap();
    let no_reason = send(
        &app,
        Method::POST,
        &format!("{base}/reopen"),
        &admin,
        &verified["version"],
        Some(json!({})),
    )
    .await;
    no_reason.problem(422);
    let reopened = ok(send(
        &app,
        Method::POST,
        &format!("{base}/reopen"),
        &admin,
        &verified["version"],
        Some(json!({"reason": "Perbup baru terbit setelah verifikasi"})),
    )
    .await);
    assert_eq!(
        (&reopened["status"], &reopened["verified_score"]),
        (&json!("returned"), &Value::Null)
    );

    // The history lists every step, oldest first, with the notes.
    let history = app.get(&format!("{base}/history")).await.json();
    let steps: Vec<(&str, &str)> = history["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["action"].as_str().unwrap(), e["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        steps,
        [
            ("assessment.create", "draft"),
            ("assessment.answer", "draft"),
            ("assessment.answer", "draft"),
            ("assessment.answer", "draft"),
            ("assessment.submit", "submitted"),
            ("assessment.review", "submitted"),
            ("assessment.return", "returned"),
            ("assessment.answer", "returned"),
            ("assessment.submit", "submitted"),
            ("assessment.review", "submitted"),
            ("assessment.verify", "verified"),
            ("assessment.reopen", "returned"),
        ]
    );
    let notes: Vec<&Value> = history["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["note"])
        .filter(|n| !n.is_null())
        .collect();
    assert_eq!(
        notes,
        [
            &json!("Lampirkan Perbup"),
            &json!("Perbup baru terbit setelah verifikasi")
        ]
    );
}

#[actix_web::test]
async fn the_region_is_assessed_by_administrators_and_each_role_keeps_to_its_part() {
    let app = spawn_app().await;
    let catalogue = published_catalogue(&app, 2031).await;
    let (p1, _, p1_yes) = indicator(&catalogue, "P.1");
    let (siperi, agency_id) = innovation(&app, "SIPERI").await;
    let (elegan, _) = innovation(&app, "ELEGAN").await;
    let decree = document(&app, &elegan, "decree").await;
    let editor = app
        .token_for("editor", "agency_editor", Some(agency_id))
        .await;
    let viewer = app.token_for("pembaca", "viewer", None).await;
    let start = |token: &str, body: Value| {
        app.request(Method::POST, "/api/v1/index-assessments")
            .bearer(token)
            .json(&body)
            .send()
    };

    // The region's own assessment is the administrators'; an editor assesses only its
    // agency's innovations; a viewer starts nothing.
    start(&editor, json!({"year": 2031, "innovation_id": null}))
        .await
        .problem(403);
    start(
        &editor,
        json!({"year": 2031, "innovation_id": elegan["id"]}),
    )
    .await
    .problem(403);
    start(
        &viewer,
        json!({"year": 2031, "innovation_id": siperi["id"]}),
    )
    .await
    .problem(403);
    let unpublished = start(
        &editor,
        json!({"year": 2040, "innovation_id": siperi["id"]}),
    )
    .await;
    unpublished.problem(422);
    assert_eq!(
        unpublished.field_errors(),
        pairs(&[("year", "catalogue_not_published")])
    );
    let admin = app.admin_token.clone().unwrap();
    let region = start(&admin, json!({"year": 2031})).await;
    assert_eq!(region.status, 201, "{}", region.text());
    let region = region.json();
    assert_eq!(
        (&region["aspect"], &region["innovation"]),
        (&json!("government"), &Value::Null)
    );
    start(&admin, json!({"year": 2031, "innovation_id": null}))
        .await
        .problem(409);
    let own = start(
        &editor,
        json!({"year": 2031, "innovation_id": siperi["id"]}),
    )
    .await;
    assert_eq!(own.status, 201, "{}", own.text());

    // The region's answers cite any innovation's evidence; an editor cannot write them.
    let path = format!("/api/v1/index-assessments/{}/answers/{p1}", region["id"]);
    let body = json!({"option_id": p1_yes, "document_ids": [decree]});
    send(
        &app,
        Method::PUT,
        &path,
        &editor,
        &region["version"],
        Some(body.clone()),
    )
    .await
    .problem(403);
    let answered = ok(send(
        &app,
        Method::PUT,
        &path,
        &admin,
        &region["version"],
        Some(body),
    )
    .await);
    assert_eq!(answered["self_score"], "100.00");

    // Signed-in accounts read assessments; the public does not.
    let listed = app
        .request(
            Method::GET,
            "/api/v1/index-assessments?year=2031&aspect=government",
        )
        .bearer(&viewer)
        .send()
        .await;
    assert_eq!(listed.status, 200, "{}", listed.text());
    let listed = listed.json();
    assert_eq!(listed["total"], 1, "{listed}");
    assert_eq!(listed["items"][0]["self_score"], "100.00");
    let by_agency = app
        .get(&format!(
            "/api/v1/index-assessments?agency_id={agency_id}&status=draft"
        ))
        .await
        .json();
    assert_eq!(by_agency["total"], 1, "{by_agency}");
    assert_eq!(by_agency["items"][0]["innovation"]["name"], "SIPERI");
    app.get_anonymous("/api/v1/index-assessments")
        .await
        .problem(401);
    app.get_anonymous(&format!("/api/v1/index-assessments/{}", region["id"]))
        .await
        .problem(401);
}

#[actix_web::test]
async fn an_answer_names_an_indicator_of_its_own_year() {
    let app = spawn_app().await;
    let this_year = published_catalogue(&app, 2031).await;
    let copied = app
        .post_json("/api/v1/index-catalogues/2031/copy", &json!({"year": 2032}))
        .await;
    assert_eq!(copied.status, 201, "{}", copied.text());
    let next_year = ok(app
        .request(Method::POST, "/api/v1/index-catalogues/2032/publish")
        .json(&json!({}))
        .send()
        .await);
    let (k1_next, _, k1_next_yes) = indicator(&next_year, "K.1");
    let (k1, _, _) = indicator(&this_year, "K.1");
    assert_ne!(k1, k1_next);
    let (innovation, _) = innovation(&app, "ELEGAN").await;
    let created = app
        .post_json(
            "/api/v1/index-assessments",
            &json!({"year": 2031, "innovation_id": innovation["id"]}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text());
    let assessment = created.json();
    let admin = app.admin_token.clone().unwrap();
    let refused = send(
        &app,
        Method::PUT,
        &format!(
            "/api/v1/index-assessments/{}/answers/{k1_next}",
            assessment["id"]
        ),
        &admin,
        &assessment["version"],
        Some(json!({"option_id": k1_next_yes})),
    )
    .await;
    refused.problem(422);
    assert_eq!(
        refused.field_errors(),
        pairs(&[("indicator_id", "indicator_not_in_assessment")])
    );
    let unchanged = app
        .get(&format!("/api/v1/index-assessments/{}", assessment["id"]))
        .await;
    assert_eq!(unchanged.header("etag").as_deref(), Some("\"1\""));
}

#[actix_web::test]
async fn the_demo_seed_loads_assessments_at_different_stages_once() {
    let app = spawn_app().await;
    let first = inovik::seed::demo(&app.state).await.unwrap();
    let year = chrono::Datelike::year(&app.state.config.today());
    assert!(
        first.contains(&format!("4 {year} index assessments created")),
        "{first}"
    );
    let listed = app
        .get(&format!("/api/v1/index-assessments?year={year}"))
        .await
        .json();
    let rows: Vec<(Value, Value, Value, Value, Value)> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["innovation"]["name"].clone(),
                a["status"].clone(),
                a["self_score"].clone(),
                a["verified_score"].clone(),
                a["missing_evidence_count"].clone(),
            )
        })
        .collect();
    // MUTTU 1000: 25 + 0 + 10 + 20 + 10 = 65, the reviewer lowered replication (10) to 0.
    // ELEGAN: K.1 only, so K.2 and M.1 lack evidence. The region: P.1 20 (evidence
    // cited) + P.3 15; P.2 unanswered still needs evidence.
    assert_eq!(
        rows,
        [
            (
                json!("MUTTU 1000"),
                json!("verified"),
                json!("65.00"),
                json!("55.00"),
                json!(0)
            ),
            (
                json!("Siperi"),
                json!("submitted"),
                json!("65.00"),
                Value::Null,
                json!(0)
            ),
            (
                json!("ELEGAN"),
                json!("draft"),
                json!("25.00"),
                Value::Null,
                json!(2)
            ),
            (
                Value::Null,
                json!("draft"),
                json!("35.00"),
                Value::Null,
                json!(1)
            ),
        ]
    );
    let second = inovik::seed::demo(&app.state).await.unwrap();
    assert!(
        second.contains(&format!(
            "0 {year} index assessments created, 4 already present"
        )),
        "{second}"
    );
}
