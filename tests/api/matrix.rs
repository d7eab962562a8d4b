//! Who may do what: every role against every endpoint, own agency and another's, over HTTP.
//! The expected status of each cell is written out below, so the table is the spec.

use actix_web::http::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Anonymous,
    Viewer,
    EditorOwn,
    EditorOther,
    Admin,
    /// A machine client with the viewer role.
    ClientViewer,
    /// The yearly index's reviewer, bound to the own agency: reads as a viewer does and
    /// writes nothing here (its verdicts are on assessments).
    Reviewer,
}

const EVERYONE: [Who; 7] = [
    Who::Anonymous,
    Who::Viewer,
    Who::EditorOwn,
    Who::EditorOther,
    Who::Admin,
    Who::ClientViewer,
    Who::Reviewer,
];

/// One endpoint call, with the status each caller must get.
struct Cell {
    name: &'static str,
    method: Method,
    /// `{own}` is the agency the `EditorOwn` account belongs to; `{fresh}` a new agency
    /// made for this cell; `{innovation}` a new innovation of `{own}` at `diagnose`;
    /// `{cohort}` the cohort; `{n}` a number unique to the cell.
    path: &'static str,
    body: Option<Value>,
    expect: fn(Who) -> u16,
}

fn admin_only(ok: u16) -> fn(Who) -> u16 {
    match ok {
        200 => |who| match who {
            Who::Anonymous => 401,
            Who::Admin => 200,
            _ => 403,
        },
        201 => |who| match who {
            Who::Anonymous => 401,
            Who::Admin => 201,
            _ => 403,
        },
        _ => |who| match who {
            Who::Anonymous => 401,
            Who::Admin => 204,
            _ => 403,
        },
    }
}

/// Writes on the own agency's innovations: its editor and administrators.
fn own_agency_write(ok: u16) -> fn(Who) -> u16 {
    match ok {
        200 => |who| match who {
            Who::Anonymous => 401,
            Who::EditorOwn | Who::Admin => 200,
            _ => 403,
        },
        201 => |who| match who {
            Who::Anonymous => 401,
            Who::EditorOwn | Who::Admin => 201,
            _ => 403,
        },
        _ => |who| match who {
            Who::Anonymous => 401,
            Who::EditorOwn | Who::Admin => 204,
            _ => 403,
        },
    }
}

fn cells() -> Vec<Cell> {
    vec![
        Cell {
            name: "list agencies",
            method: Method::GET,
            path: "/api/v1/agencies",
            body: None,
            expect: |_| 200,
        },
        Cell {
            name: "get agency",
            method: Method::GET,
            path: "/api/v1/agencies/{own}",
            body: None,
            expect: |_| 200,
        },
        Cell {
            name: "create agency",
            method: Method::POST,
            path: "/api/v1/agencies",
            body: Some(json!({"code": "NEW-{n}", "name": "Dinas Baru", "kind": "agency"})),
            expect: admin_only(201),
        },
        Cell {
            name: "edit own agency's contact fields",
            method: Method::PATCH,
            path: "/api/v1/agencies/{own}",
            body: Some(json!({"phone": "(0287) 38{n}"})),
            expect: |who| match who {
                Who::Anonymous => 401,
                Who::EditorOwn | Who::Admin => 200,
                _ => 403,
            },
        },
        Cell {
            name: "edit own agency's code",
            method: Method::PATCH,
            path: "/api/v1/agencies/{own}",
            body: Some(json!({"code": "OWN-{n}"})),
            expect: admin_only(200),
        },
        Cell {
            name: "edit another agency's contact fields",
            method: Method::PATCH,
            path: "/api/v1/agencies/{fresh}",
            body: Some(json!({"email": "kontak{n}@kebumenkab.go.id"})),
            expect: admin_only(200),
        },
        Cell {
            name: "archive agency",
            method: Method::DELETE,
            path: "/api/v1/agencies/{fresh}",
            body: None,
            expect: admin_only(204),
        },
        Cell {
            name: "list users",
            method: Method::GET,
            path: "/api/v1/users",
            body: None,
            expect: admin_only(200),
        },
        Cell {
            name: "create user",
            method: Method::POST,
            path: "/api/v1/users",
            body: Some(
                json!({"username": "user-{n}", "display_name": "Pengguna", "role": "viewer", "password": "gong-pendopo-2016"}),
            ),
            expect: admin_only(201),
        },
        Cell {
            name: "get user",
            method: Method::GET,
            path: "/api/v1/users/1",
            body: None,
            expect: admin_only(200),
        },
        Cell {
            name: "list api clients",
            method: Method::GET,
            path: "/api/v1/api-clients",
            body: None,
            expect: admin_only(200),
        },
        Cell {
            name: "create api client",
            method: Method::POST,
            path: "/api/v1/api-clients",
            body: Some(json!({"name": "Sistem {n}", "role": "viewer"})),
            expect: admin_only(201),
        },
        Cell {
            name: "list audit events",
            method: Method::GET,
            path: "/api/v1/audit-events",
            body: None,
            expect: admin_only(200),
        },
        Cell {
            name: "list innovations",
            method: Method::GET,
            path: "/api/v1/innovations",
            body: None,
            expect: |_| 200,
        },
        Cell {
            name: "innovation stats",
            method: Method::GET,
            path: "/api/v1/stats/innovations?group_by=lab_stage",
            body: None,
            expect: |_| 200,
        },
        Cell {
            name: "create an innovation of the own agency",
            method: Method::POST,
            path: "/api/v1/innovations",
            body: Some(
                json!({"cohort_id": "{cohort}", "agency_id": "{own}", "name": "Inovasi {n}",
                              "initiator_type": "agency", "form": "governance"}),
            ),
            expect: own_agency_write(201),
        },
        Cell {
            name: "edit an innovation of the own agency",
            method: Method::PATCH,
            path: "/api/v1/innovations/{innovation}",
            body: Some(json!({"goals": "Tujuan {n}"})),
            expect: own_agency_write(200),
        },
        Cell {
            name: "move an innovation of the own agency forward",
            method: Method::POST,
            path: "/api/v1/innovations/{innovation}/stage-transitions",
            body: Some(json!({"to": "design"})),
            expect: own_agency_write(201),
        },
        Cell {
            name: "move an innovation back",
            method: Method::POST,
            path: "/api/v1/innovations/{innovation}/stage-transitions",
            body: Some(json!({"to": "drum_up", "reason": "diagnosis diulang"})),
            expect: admin_only(201),
        },
        Cell {
            name: "archive an innovation of the own agency",
            method: Method::DELETE,
            path: "/api/v1/innovations/{innovation}",
            body: None,
            expect: own_agency_write(204),
        },
        Cell {
            name: "list agreements",
            method: Method::GET,
            path: "/api/v1/performance-agreements",
            body: None,
            expect: |_| 200,
        },
        Cell {
            name: "draft an agreement of the own agency",
            method: Method::POST,
            path: "/api/v1/performance-agreements",
            body: Some(json!({"number": "PK-{n}", "year": 2016, "agency_id": "{own}"})),
            expect: own_agency_write(201),
        },
        Cell {
            name: "sign an agreement",
            method: Method::POST,
            path: "/api/v1/performance-agreements/{draft}/sign",
            body: Some(json!({"signed_on": "2016-10-12", "signed_place": "Pendopo",
                              "first_party": {"name": "Bupati", "title": "Bupati Kebumen"},
                              "second_party": {"name": "Kepala", "title": "Kepala Bagian"}})),
            expect: admin_only(200),
        },
        Cell {
            name: "record a realization of the own agency",
            method: Method::PUT,
            path: "/api/v1/performance-agreements/{signed}/commitments/{signed_commitment}/realization",
            body: Some(json!({"achieved_value": "{n}"})),
            expect: own_agency_write(200),
        },
        Cell {
            name: "list cohorts",
            method: Method::GET,
            path: "/api/v1/cohorts",
            body: None,
            expect: |_| 200,
        },
        Cell {
            name: "create cohort",
            method: Method::POST,
            path: "/api/v1/cohorts",
            body: Some(json!({"name": "Lab {n}", "year": 2016})),
            expect: admin_only(201),
        },
        Cell {
            name: "list index catalogues",
            method: Method::GET,
            path: "/api/v1/index-catalogues",
            body: None,
            expect: |_| 200,
        },
        Cell {
            name: "create an index catalogue",
            method: Method::POST,
            path: "/api/v1/index-catalogues",
            body: Some(
                json!({"year": 2040, "title": "IID {n}", "government_weight": "25.2",
                "innovation_weight": "74.8", "minimum_innovations": 10,
                "not_assessable_label": "Tidak Dapat Dinilai",
                "grades": [{"label": "Inovatif", "from": "0", "from_included": true}],
                "variables": []}),
            ),
            expect: admin_only(201),
        },
        Cell {
            name: "list index assessments",
            method: Method::GET,
            path: "/api/v1/index-assessments",
            body: None,
            expect: |who| if who == Who::Anonymous { 401 } else { 200 },
        },
        Cell {
            name: "start an innovation's index assessment",
            method: Method::POST,
            path: "/api/v1/index-assessments",
            body: Some(json!({"year": 2031, "innovation_id": "{innovation}"})),
            expect: own_agency_write(201),
        },
        Cell {
            name: "start the region's own index assessment",
            method: Method::POST,
            path: "/api/v1/index-assessments",
            body: Some(json!({"year": 2031, "innovation_id": null})),
            expect: admin_only(201),
        },
        Cell {
            name: "close a monitoring quarter",
            method: Method::POST,
            path: "/api/v1/monitoring-quarters/2031/1/close",
            body: Some(json!({})),
            expect: admin_only(200),
        },
        Cell {
            name: "get me",
            method: Method::GET,
            path: "/api/v1/me",
            body: None,
            expect: |who| if who == Who::Anonymous { 401 } else { 200 },
        },
    ]
}

async fn tokens(app: &TestApp, own_agency: i64, other_agency: i64) -> Vec<(Who, Option<String>)> {
    let client = app
        .post_json(
            "/api/v1/api-clients",
            &json!({"name": "SIPD", "role": "viewer"}),
        )
        .await
        .json();
    let client_token = app
        .request(Method::POST, "/api/v1/auth/token")
        .anonymous()
        .json(
            &json!({"grant_type": "client_credentials", "client_id": client["client_id"],
                      "client_secret": client["client_secret"]}),
        )
        .send()
        .await
        .json()["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    vec![
        (Who::Anonymous, None),
        (
            Who::Viewer,
            Some(app.token_for("viewer", "viewer", None).await),
        ),
        (
            Who::EditorOwn,
            Some(
                app.token_for("editor-own", "agency_editor", Some(own_agency))
                    .await,
            ),
        ),
        (
            Who::EditorOther,
            Some(
                app.token_for("editor-other", "agency_editor", Some(other_agency))
                    .await,
            ),
        ),
        (Who::Admin, app.admin_token.clone()),
        (Who::ClientViewer, Some(client_token)),
        (
            Who::Reviewer,
            Some(
                app.token_for("reviewer", "reviewer", Some(own_agency))
                    .await,
            ),
        ),
    ]
}

#[actix_web::test]
async fn every_role_gets_the_status_the_policy_promises_on_every_endpoint() {
    let app = spawn_app().await;
    let own = app.create_agency(json!({"code": "BAG-HUKUM"})).await["id"]
        .as_i64()
        .unwrap();
    let other = app.create_agency(json!({"code": "BPMPT"})).await["id"]
        .as_i64()
        .unwrap();
    let callers = tokens(&app, own, other).await;
    let cohort = app.create_cohort("Lab 2016").await["id"].clone();
    let own_innovation = app
        .create_innovation(&cohort, &json!(own), json!({"name": "Untuk perjanjian"}))
        .await;
    // An agreement in force for the own agency, whose commitment the realization cells use.
    let draft_agreement = |number: String, year: i64| {
        let app = &app;
        let innovation_id = own_innovation["id"].clone();
        async move {
            let agreement = app
                .post_json(
                    "/api/v1/performance-agreements",
                    &json!({"number": number, "year": year, "agency_id": own}),
                )
                .await
                .json();
            let commitment = app
                .post_json(
                    &format!("/api/v1/performance-agreements/{}/commitments", agreement["id"]),
                    &json!({"innovation_id": innovation_id, "indicator": "x", "target_value": "1", "unit": "u"}),
                )
                .await
                .json();
            (agreement, commitment)
        }
    };
    let (signed, signed_commitment) = draft_agreement("PK-IN-FORCE".into(), 2016).await;
    let signing = json!({"signed_on": "2016-10-12", "signed_place": "Pendopo",
                         "first_party": {"name": "Bupati", "title": "Bupati Kebumen"},
                              "second_party": {"name": "Kepala", "title": "Kepala Bagian"}});
    let sign = app
        .post_json(
            &format!("/api/v1/performance-agreements/{}/sign", signed["id"]),
            &signing,
        )
        .await;
    assert_eq!(sign.status, 200, "{}", sign.text());
    assert_eq!(callers.len(), EVERYONE.len());
    // The published catalogue the assessment cells answer.
    let catalogue = crate::index_catalogues::catalogue(2031);
    let created = app.post_json("/api/v1/index-catalogues", &catalogue).await;
    assert_eq!(created.status, 201, "{}", created.text());
    let published = app
        .post_json("/api/v1/index-catalogues/2031/publish", &json!({}))
        .await;
    assert_eq!(published.status, 200, "{}", published.text());

    let mut failures = Vec::new();
    let mut n = 0;
    for cell in cells() {
        for (who, token) in &callers {
            n += 1;
            let fresh = app
                .create_agency(json!({"code": format!("FRESH-{n}")}))
                .await["id"]
                .clone();
            let innovation = app
                .create_innovation(
                    &cohort,
                    &json!(own),
                    json!({"name": format!("Matriks {n}")}),
                )
                .await;
            app.advance_to(&innovation, "diagnose").await;
            let (draft, _) = draft_agreement(format!("PK-DRAFT-{n}"), 2090).await;
            let fill = |text: &str| {
                text.replace("\"{cohort}\"", &cohort.to_string())
                    .replace("\"{innovation}\"", &innovation["id"].to_string())
                    .replace("\"{own}\"", &own.to_string())
                    .replace("{own}", &own.to_string())
                    .replace("{innovation}", &innovation["id"].to_string())
                    .replace("{draft}", &draft["id"].to_string())
                    .replace("{signed}", &signed["id"].to_string())
                    .replace("{signed_commitment}", &signed_commitment["id"].to_string())
                    .replace("{fresh}", &fresh.to_string())
                    .replace("{n}", &format!("{n:04}"))
            };
            let mut request = app
                .request(cell.method.clone(), &fill(cell.path))
                .anonymous();
            if let Some(token) = token {
                request = request.bearer(token);
            }
            if let Some(body) = &cell.body {
                request = request.json(&serde_json::from_str(&fill(&body.to_string())).unwrap());
            }
            let response = request.send().await;
            let expected = (cell.expect)(*who);
            if response.status.as_u16() != expected {
                failures.push(format!(
                    "{} as {who:?}: expected {expected}, got {} {}",
                    cell.name,
                    response.status,
                    response.text()
                ));
            } else if expected >= 400 {
                response.problem(expected);
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} cells differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
