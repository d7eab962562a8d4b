//! Changing and archiving agencies: merge patch, versions, `If-Match`, `If-None-Match`.

use actix_web::http::Method;
use serde_json::json;

use crate::helpers::spawn_app;

#[actix_web::test]
async fn merge_patch_changes_given_fields_clears_nulls_and_keeps_the_rest() {
    let app = spawn_app().await;
    let agency = app
        .create_agency(json!({"head_name": "Lama", "phone": "(0287) 381234", "email": "a@b.go.id"}))
        .await;
    let path = format!("/api/v1/agencies/{}", agency["id"]);

    let response = app
        .request(Method::PATCH, &path)
        .raw(
            "application/merge-patch+json",
            r#"{"head_name": "Dr. Bambang Sutrisno, M.Si.", "phone": null}"#,
        )
        .send()
        .await;

    assert_eq!(response.status, 200, "{}", response.text());
    assert_eq!(response.header("etag").as_deref(), Some("\"2\""));
    let updated = response.json();
    assert_eq!(updated["head_name"], "Dr. Bambang Sutrisno, M.Si.");
    assert_eq!(updated["phone"], serde_json::Value::Null);
    assert_eq!(updated["email"], "a@b.go.id", "absent fields are unchanged");
    assert_eq!(updated["version"], 2);
    assert_ne!(updated["updated_at"], agency["updated_at"]);
    assert_eq!(updated["created_at"], agency["created_at"]);
    assert_eq!(app.get(&path).await.json(), updated);
}

#[actix_web::test]
async fn a_patch_that_changes_nothing_keeps_the_version() {
    let app = spawn_app().await;
    let agency = app
        .create_agency(json!({"name": "Dinas A", "head_nip": "197805122005012003"}))
        .await;
    let path = format!("/api/v1/agencies/{}", agency["id"]);
    let same_nip_spaced = json!({"head_nip": "19780512 200501 2 003"});
    for body in [json!({}), json!({"name": "Dinas A"}), same_nip_spaced] {
        let response = app.patch_json(&path, &body).await;
        assert_eq!(response.status, 200);
        assert_eq!(response.json()["version"], 1);
    }
}

#[actix_web::test]
async fn null_for_a_required_field_is_422_and_changes_nothing() {
    let app = spawn_app().await;
    let agency = app.create_agency(json!({})).await;
    let path = format!("/api/v1/agencies/{}", agency["id"]);

    let response = app
        .patch_json(
            &path,
            &json!({"name": null, "kind": "hospital", "head_nip": "123"}),
        )
        .await;

    response.problem(422);
    let mut errors = response.field_errors();
    errors.sort();
    assert_eq!(
        errors,
        vec![
            ("head_nip".into(), "nip_invalid_length".into()),
            ("name".into(), "required".into())
        ]
    );
    assert_eq!(app.get(&path).await.json(), agency);
}

#[actix_web::test]
async fn stale_if_match_is_412_and_changes_nothing() {
    let app = spawn_app().await;
    let agency = app.create_agency(json!({})).await;
    let path = format!("/api/v1/agencies/{}", agency["id"]);
    let first = app
        .request(Method::PATCH, &path)
        .header("if-match", "\"1\"")
        .json(&json!({"name": "Edit one"}))
        .send()
        .await;
    assert_eq!(first.status, 200);

    let second = app
        .request(Method::PATCH, &path)
        .header("if-match", "\"1\"")
        .json(&json!({"name": "Edit two"}))
        .send()
        .await;

    let problem = second.problem(412);
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("current version 2")
    );
    let stored = app.get(&path).await.json();
    assert_eq!(stored["name"], "Edit one");
    assert_eq!(stored["version"], 2);

    for tag in ["W/\"2\"", "garbage"] {
        let response = app
            .request(Method::PATCH, &path)
            .header("if-match", tag)
            .json(&json!({"name": "Edit three"}))
            .send()
            .await;
        response.problem(412);
    }
    let in_a_list = app
        .request(Method::PATCH, &path)
        .header("if-match", "\"1\", \"2\"")
        .json(&json!({"name": "Edit from a list"}))
        .send()
        .await;
    assert_eq!(
        in_a_list.status, 200,
        "any tag of an If-Match list may match"
    );
    for tag in ["\"03\"", "\"+3\""] {
        let response = app
            .request(Method::PATCH, &path)
            .header("if-match", tag)
            .json(&json!({"name": "Edit three"}))
            .send()
            .await;
        response.problem(412);
    }
    let star = app
        .request(Method::PATCH, &path)
        .header("if-match", "*")
        .json(&json!({"name": "Edit four"}))
        .send()
        .await;
    assert_eq!(star.status, 200);
}

#[actix_web::test]
async fn get_with_matching_if_none_match_is_304() {
    let app = spawn_app().await;
    let agency = app.create_agency(json!({})).await;
    let path = format!("/api/v1/agencies/{}", agency["id"]);

    let response = app
        .request(Method::GET, &path)
        .header("if-none-match", "\"1\"")
        .send()
        .await;
    assert_eq!(response.status, 304);
    assert_eq!(response.header("etag").as_deref(), Some("\"1\""));
    assert!(response.body.is_empty());

    app.patch_json(&path, &json!({"name": "Changed"})).await;
    let after = app
        .request(Method::GET, &path)
        .header("if-none-match", "\"1\"")
        .send()
        .await;
    assert_eq!(after.status, 200);
    assert_eq!(after.header("etag").as_deref(), Some("\"2\""));
}

#[actix_web::test]
async fn delete_archives_and_the_agency_stays_readable() {
    let app = spawn_app().await;
    let agency = app.create_agency(json!({})).await;
    let path = format!("/api/v1/agencies/{}", agency["id"]);

    let stale = app
        .request(Method::DELETE, &path)
        .header("if-match", "\"7\"")
        .send()
        .await;
    stale.problem(412);
    assert_eq!(app.get(&path).await.json()["active"], true);

    let response = app.delete(&path).await;
    assert_eq!(response.status, 204);
    assert!(response.body.is_empty());
    let archived = app.get(&path).await;
    assert_eq!(archived.status, 200);
    assert_eq!(archived.json()["active"], false);
    assert_eq!(archived.json()["version"], 2);

    let again = app.delete(&path).await;
    assert_eq!(again.status, 204, "archiving twice is harmless");
    assert_eq!(app.get(&path).await.json()["version"], 2);

    let restored = app.patch_json(&path, &json!({"active": true})).await;
    assert_eq!(restored.json()["active"], true);
}

#[actix_web::test]
async fn writes_to_a_missing_agency_are_404() {
    let app = spawn_app().await;
    app.patch_json("/api/v1/agencies/999", &json!({"name": "x"}))
        .await
        .problem(404);
    app.delete("/api/v1/agencies/999").await.problem(404);
    app.get("/api/v1/agencies/999").await.problem(404);
    app.get("/api/v1/agencies/not-a-number").await.problem(404);
}

#[actix_web::test]
async fn a_parent_cannot_become_its_own_descendant() {
    let app = spawn_app().await;
    let setda = app.create_agency(json!({"code": "SETDA"})).await;
    let hukum = app
        .create_agency(json!({"code": "BAG-HUKUM", "parent_id": setda["id"]}))
        .await;
    let subbag = app
        .create_agency(json!({"code": "SUBBAG", "parent_id": hukum["id"]}))
        .await;
    let setda_path = format!("/api/v1/agencies/{}", setda["id"]);

    for parent in [&subbag, &setda] {
        let response = app
            .patch_json(&setda_path, &json!({"parent_id": parent["id"]}))
            .await;
        response.problem(422);
        assert_eq!(
            response.field_errors(),
            vec![("parent_id".into(), "parent_cycle".into())]
        );
    }
    assert_eq!(
        app.get(&setda_path).await.json()["parent_id"],
        serde_json::Value::Null
    );

    let moved = app
        .patch_json(
            &format!("/api/v1/agencies/{}", subbag["id"]),
            &json!({"parent_id": setda["id"]}),
        )
        .await;
    assert_eq!(moved.status, 200);
}

#[actix_web::test]
async fn changing_the_code_to_a_taken_one_is_409() {
    let app = spawn_app().await;
    app.create_agency(json!({"code": "DINKES"})).await;
    let other = app.create_agency(json!({"code": "DISDIK"})).await;
    let path = format!("/api/v1/agencies/{}", other["id"]);
    let response = app.patch_json(&path, &json!({"code": "DINKES"})).await;
    response.problem(409);
    assert_eq!(app.get(&path).await.json()["code"], "DISDIK");
}

#[actix_web::test]
async fn concurrent_writers_with_one_version_cannot_both_win() {
    let app = spawn_app().await;
    let agency = app.create_agency(json!({})).await;
    let path = format!("/api/v1/agencies/{}", agency["id"]);

    let attempts = (0..8).map(|i| {
        app.request(Method::PATCH, &path)
            .header("if-match", "\"1\"")
            .json(&json!({"name": format!("Writer {i}")}))
            .send()
    });
    let responses = futures_util::future::join_all(attempts).await;

    let statuses: Vec<u16> = responses.iter().map(|r| r.status.as_u16()).collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 412).count(),
        7,
        "{statuses:?}"
    );
    let winner = responses.iter().find(|r| r.status == 200).unwrap().json()["name"].clone();
    let stored = app.get(&path).await.json();
    assert_eq!(
        (stored["name"].clone(), stored["version"].clone()),
        (winner, json!(2))
    );
}

#[actix_web::test]
async fn concurrent_moves_cannot_make_a_cycle() {
    let app = spawn_app().await;
    for round in 0..4 {
        let a = app
            .create_agency(json!({"code": format!("A-{round}")}))
            .await;
        let b = app
            .create_agency(json!({"code": format!("B-{round}")}))
            .await;
        let (a_path, b_path) = (
            format!("/api/v1/agencies/{}", a["id"]),
            format!("/api/v1/agencies/{}", b["id"]),
        );
        let (first, second) = futures_util::future::join(
            app.patch_json(&a_path, &json!({"parent_id": b["id"]})),
            app.patch_json(&b_path, &json!({"parent_id": a["id"]})),
        )
        .await;
        let mut statuses = [first.status.as_u16(), second.status.as_u16()];
        statuses.sort();
        assert_eq!(
            statuses,
            [200, 422],
            "round {round}: exactly one move may win"
        );
    }
}
