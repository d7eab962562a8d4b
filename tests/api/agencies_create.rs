//! Creating agencies: 201 with `Location`, and every way input can be refused.

use actix_web::http::Method;
use serde_json::json;

use crate::helpers::spawn_app;

fn hukum() -> serde_json::Value {
    json!({
        "code": "BAG-HUKUM",
        "name": "Bagian Hukum Sekretariat Daerah Kabupaten Kebumen",
        "short_name": "Bagian Hukum Setda",
        "kind": "secretariat_section",
        "head_name": "Rina Wulandari, S.H., M.H.",
        "head_nip": "19780512 200501 2 003",
        "head_title": "Kepala Bagian Hukum",
        "address": "Jl. Veteran No. 2, Kebumen",
        "phone": "(0287) 381234",
        "email": "hukum@kebumenkab.go.id"
    })
}

#[actix_web::test]
async fn create_returns_201_with_location_and_the_stored_agency() {
    let app = spawn_app().await;

    let response = app.post_json("/api/v1/agencies", &hukum()).await;

    assert_eq!(response.status, 201);
    let created = response.json();
    let id = created["id"].as_i64().unwrap();
    assert_eq!(
        response.header("location").unwrap(),
        format!("http://127.0.0.1:8080/api/v1/agencies/{id}"),
        "Location is built from INOVIK_PUBLIC_URL, not the Host header"
    );
    assert_eq!(response.header("etag").as_deref(), Some("\"1\""));
    assert_eq!(created["head_nip"], "197805122005012003", "NIP stored bare");
    assert_eq!(
        created["region_code"], "3305",
        "region defaults to the deployment's"
    );
    assert_eq!(created["active"], true);
    assert_eq!(created["version"], 1);
    let created_at = created["created_at"].as_str().unwrap();
    assert_eq!(
        created_at.len(),
        "2016-10-12T03:00:00.000000Z".len(),
        "{created_at}"
    );
    assert!(created_at.ends_with('Z'));

    let stored = app.get(&format!("/api/v1/agencies/{id}")).await;
    assert_eq!(stored.status, 200);
    assert_eq!(stored.json(), created);

    let public = app
        .get_anonymous(&format!("/api/v1/agencies/{id}"))
        .await
        .json();
    assert!(
        public.get("head_nip").is_none(),
        "a NIP is personal data: never shown anonymously"
    );
    assert_eq!(public["head_name"], created["head_name"]);
}

#[actix_web::test]
async fn duplicate_code_is_409_and_stores_nothing() {
    let app = spawn_app().await;
    app.post_json("/api/v1/agencies", &hukum()).await;

    let mut again = hukum();
    again["name"] = json!("Another name");
    let response = app.post_json("/api/v1/agencies", &again).await;

    let problem = response.problem(409);
    assert_eq!(problem["type"], "https://inovik.example/problems/duplicate");
    assert_eq!(
        response.field_errors(),
        vec![("code".into(), "duplicate".into())]
    );
    let list = app.get("/api/v1/agencies").await.json();
    assert_eq!(list["total"], 1);
}

#[actix_web::test]
async fn each_way_a_nip_can_be_wrong_has_its_own_code() {
    let app = spawn_app().await;
    let cases = [
        ("19780512 200501 2 00A", "nip_not_digits"),
        ("1978 0512 200501 2 003", "nip_not_digits"),
        ("1978051220050120", "nip_invalid_length"),
        ("19780231 200501 2 003", "nip_invalid_birth_date"),
        ("19780512 200513 2 003", "nip_invalid_month"),
        ("19780512 197701 2 003", "nip_appointment_before_birth"),
        ("19780512 200501 5 003", "nip_invalid_gender"),
        ("19780512 200501 2 000", "nip_invalid_serial"),
    ];
    for (nip, code) in cases {
        let mut body = hukum();
        body["head_nip"] = json!(nip);
        let response = app.post_json("/api/v1/agencies", &body).await;
        response.problem(422);
        assert_eq!(
            response.field_errors(),
            vec![("head_nip".into(), code.into())],
            "{nip}"
        );
        assert!(
            !response.json()["errors"][0]["message"]
                .as_str()
                .unwrap()
                .is_empty()
        );
    }
    assert_eq!(app.get("/api/v1/agencies").await.json()["total"], 0);
}

#[actix_web::test]
async fn a_422_lists_every_bad_field_at_once() {
    let app = spawn_app().await;

    let response = app
        .post_json(
            "/api/v1/agencies",
            &json!({
                "code": "bag hukum",
                "name": "   ",
                "kind": "ministry",
                "region_code": "33",
                "email": "not-an-email",
                "phone": "call me",
                "head_title": "x".repeat(201),
                "parent_id": 999
            }),
        )
        .await;

    let problem = response.problem(422);
    assert_eq!(problem["detail"], "8 fields are invalid");
    let mut errors = response.field_errors();
    errors.sort();
    assert_eq!(
        errors,
        vec![
            ("code".into(), "agency_code_invalid".into()),
            ("email".into(), "email_invalid".into()),
            ("head_title".into(), "length".into()),
            ("kind".into(), "invalid_choice".into()),
            ("name".into(), "blank".into()),
            ("parent_id".into(), "parent_not_found".into()),
            ("phone".into(), "phone_invalid".into()),
            ("region_code".into(), "region_code_invalid".into()),
        ]
    );
    let body = response.json();
    let kind_error = &body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["field"] == "kind")
        .unwrap()["message"];
    assert!(
        kind_error.as_str().unwrap().contains("health_center"),
        "names the allowed kinds"
    );
}

#[actix_web::test]
async fn missing_required_fields_are_all_reported() {
    let app = spawn_app().await;
    let response = app
        .post_json("/api/v1/agencies", &json!({"short_name": "X"}))
        .await;
    response.problem(422);
    let mut errors = response.field_errors();
    errors.sort();
    assert_eq!(
        errors,
        vec![
            ("code".into(), "required".into()),
            ("kind".into(), "required".into()),
            ("name".into(), "required".into()),
        ]
    );
}

#[actix_web::test]
async fn malformed_bodies_are_400_naming_the_field() {
    let app = spawn_app().await;
    let cases: &[(&str, Option<(&str, &str)>)] = &[
        ("{\"code\": ", None),
        ("not json", None),
        (
            "{\"code\": \"AG\", \"nmae\": \"x\"}",
            Some(("nmae", "unknown_field")),
        ),
        ("{\"code\": 42}", Some(("code", "invalid_type"))),
        ("{\"code\": \"AG\", \"id\": 5}", Some(("id", "read_only"))),
        (
            "{\"code\": \"AG\", \"version\": 5}",
            Some(("version", "read_only")),
        ),
        ("[]", Some(("", "invalid_type"))),
        ("", None),
    ];
    for (body, expected) in cases {
        let response = app
            .request(Method::POST, "/api/v1/agencies")
            .raw("application/json", body.as_bytes().to_vec())
            .send()
            .await;
        response.problem(400);
        let expected: Vec<(String, String)> = expected
            .iter()
            .map(|(f, c)| (f.to_string(), c.to_string()))
            .collect();
        assert_eq!(response.field_errors(), expected, "{body}");
    }
}

#[actix_web::test]
async fn a_body_that_is_not_json_is_415() {
    let app = spawn_app().await;
    let response = app
        .request(Method::POST, "/api/v1/agencies")
        .raw("text/plain", "code=AG")
        .send()
        .await;
    response.problem(415);
    let without_type = app
        .request(Method::POST, "/api/v1/agencies")
        .header("x-nothing", "1")
        .send()
        .await;
    without_type.problem(415);
}

#[actix_web::test]
async fn a_body_over_the_limit_is_413() {
    let app = crate::helpers::spawn_app_with(|config| config.json_limit = 1024).await;
    let mut body = hukum();
    body["address"] = json!("x".repeat(2000));
    let response = app.post_json("/api/v1/agencies", &body).await;
    response.problem(413);
    assert_eq!(app.get("/api/v1/agencies").await.json()["total"], 0);
}

#[actix_web::test]
async fn parent_must_exist_and_be_active() {
    let app = spawn_app().await;
    let setda = app
        .create_agency(json!({"code": "SETDA", "name": "Setda"}))
        .await;
    let setda_id = setda["id"].as_i64().unwrap();

    let mut child = hukum();
    child["parent_id"] = json!(setda_id);
    let created = app.post_json("/api/v1/agencies", &child).await;
    assert_eq!(created.status, 201);
    assert_eq!(created.json()["parent_id"], setda_id);

    app.delete(&format!("/api/v1/agencies/{setda_id}")).await;
    let mut second = hukum();
    second["code"] = json!("BAG-TAPEM");
    second["parent_id"] = json!(setda_id);
    let response = app.post_json("/api/v1/agencies", &second).await;
    response.problem(422);
    assert_eq!(
        response.field_errors(),
        vec![("parent_id".into(), "parent_inactive".into())]
    );
}
