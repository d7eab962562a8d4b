//! The audit trail: every write leaves an event in the same transaction.

use actix_web::http::Method;
use diesel::connection::SimpleConnection;
use serde_json::json;

use crate::helpers::spawn_app;

#[actix_web::test]
async fn each_write_is_recorded_with_actor_request_id_before_and_after() {
    let app = spawn_app().await;
    let created = app
        .request(Method::POST, "/api/v1/agencies")
        .header("x-request-id", "trace-create-1")
        .json(&json!({"code": "BAG-HUKUM", "name": "Bagian Hukum", "kind": "secretariat_section"}))
        .send()
        .await
        .json();
    let path = format!("/api/v1/agencies/{}", created["id"]);
    app.patch_json(&path, &json!({"phone": "(0287) 381234"}))
        .await;
    app.delete(&path).await;

    let events = app
        .get(&format!(
            "/api/v1/audit-events?resource_type=agency&resource_id={}",
            created["id"]
        ))
        .await
        .json();
    let actions: Vec<&str> = events["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        vec!["agency.archive", "agency.update", "agency.create"],
        "newest first"
    );
    let create = &events["items"][2];
    assert_eq!(create["actor_type"], "user");
    assert_eq!(create["actor_name"], "admin");
    assert_eq!(create["request_id"], "trace-create-1");
    assert_eq!(create["before"], serde_json::Value::Null);
    assert_eq!(create["after"]["code"], "BAG-HUKUM");
    let update = &events["items"][1];
    assert_eq!(update["before"]["phone"], serde_json::Value::Null);
    assert_eq!(update["after"]["phone"], "(0287) 381234");
    assert_eq!(events["items"][0]["after"]["active"], false);

    let by_actor = app.get("/api/v1/audit-events?actor=nobody").await.json();
    assert_eq!(by_actor["total"], 0);
    let since = chrono::Utc::now() + chrono::Duration::hours(1);
    let from = since.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    assert_eq!(
        app.get(&format!("/api/v1/audit-events?from={from}"))
            .await
            .json()["total"],
        0
    );
}

#[actix_web::test]
async fn secrets_never_reach_the_audit_trail() {
    let app = spawn_app().await;
    let user = app
        .post_json(
            "/api/v1/users",
            &json!({"username": "rina.w", "display_name": "Rina", "role": "viewer", "password": "gong-pendopo-2016"}),
        )
        .await
        .json();
    app.request(
        Method::POST,
        &format!("/api/v1/users/{}/password", user["id"]),
    )
    .json(&json!({"password": "another-long-password"}))
    .send()
    .await;
    let client = app
        .post_json(
            "/api/v1/api-clients",
            &json!({"name": "SIPD", "role": "viewer"}),
        )
        .await
        .json();
    app.request(
        Method::POST,
        &format!("/api/v1/api-clients/{}/secret", client["id"]),
    )
    .send()
    .await;

    let events = app.get("/api/v1/audit-events?per_page=100").await;
    let text = events.text();
    let actions: Vec<String> = events.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_owned())
        .collect();
    for action in [
        "user.create",
        "user.password_change",
        "api_client.create",
        "api_client.rotate_secret",
    ] {
        assert!(
            actions.contains(&action.to_owned()),
            "{action} in {actions:?}"
        );
    }
    for secret in [
        "password_hash",
        "secret_hash",
        "$argon2id",
        "gong-pendopo",
        client["client_secret"].as_str().unwrap(),
    ] {
        assert!(
            !text.contains(secret),
            "{secret} leaked into the audit trail"
        );
    }
}

#[actix_web::test]
async fn a_write_and_its_event_commit_or_roll_back_together() {
    let app = spawn_app().await;
    // A failed write (duplicate code) leaves neither a change nor an event.
    app.create_agency(json!({"code": "DINKES"})).await;
    let before = app.get("/api/v1/audit-events").await.json()["total"].clone();
    app.post_json(
        "/api/v1/agencies",
        &json!({"code": "DINKES", "name": "Lagi", "kind": "agency"}),
    )
    .await
    .problem(409);
    assert_eq!(
        app.get("/api/v1/audit-events").await.json()["total"],
        before
    );

    // When the event cannot be written, the change is rolled back with it.
    let break_audit = "ALTER TABLE audit_events RENAME TO audit_events_away";
    let mend_audit = "ALTER TABLE audit_events_away RENAME TO audit_events";
    app.state
        .db
        .get()
        .unwrap()
        .batch_execute(break_audit)
        .unwrap();
    let response = app
        .post_json(
            "/api/v1/agencies",
            &json!({"code": "RSUD", "name": "RSUD", "kind": "hospital"}),
        )
        .await;
    app.state
        .db
        .get()
        .unwrap()
        .batch_execute(mend_audit)
        .unwrap();
    response.problem(500);
    let stored = app.get("/api/v1/agencies?q=rsud").await.json();
    assert_eq!(
        stored["total"], 0,
        "the agency was rolled back with its event"
    );
}
