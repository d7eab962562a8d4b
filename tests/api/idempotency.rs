//! `Idempotency-Key`: a retried POST returns the first response and changes nothing more,
//! within one process and across several on one database.

use std::time::Duration;

use actix_web::http::Method;
use diesel::RunQueryDsl;
use serde_json::{Value, json};

use crate::helpers::{ServerProcess, TestApp, TestResponse, spawn_app, spawn_app_with};

async fn post_with_key(app: &TestApp, path: &str, key: &str, body: &Value) -> TestResponse {
    app.request(Method::POST, path)
        .header("idempotency-key", key)
        .json(body)
        .send()
        .await
}

async fn total(app: &TestApp, path: &str) -> i64 {
    let response = app.get(path).await;
    assert_eq!(response.status, 200, "{}", response.text());
    response.json()["total"].as_i64().unwrap()
}

fn agency(code: &str) -> Value {
    json!({"code": code, "name": "Dinas Kesehatan", "kind": "agency"})
}

#[actix_web::test]
async fn a_retried_create_returns_the_first_response_and_creates_nothing_more() {
    let app = spawn_app().await;
    let key = "5b0c8b8e-0f5e-4c1e-9a55-2f0c1d6d2a11";

    let first = post_with_key(&app, "/api/v1/agencies", key, &agency("DINKES")).await;
    assert_eq!(first.status, 201, "{}", first.text());
    assert_eq!(first.header("idempotent-replayed"), None);
    let retry = post_with_key(&app, "/api/v1/agencies", key, &agency("DINKES")).await;

    assert_eq!(retry.status, 201, "{}", retry.text());
    assert_eq!(retry.header("idempotent-replayed").as_deref(), Some("true"));
    assert_eq!(retry.json(), first.json(), "the very same body");
    assert_eq!(retry.header("location"), first.header("location"));
    assert_eq!(retry.header("etag"), first.header("etag"));
    assert_eq!(
        retry.header("content-type").as_deref(),
        Some("application/json")
    );
    assert_eq!(total(&app, "/api/v1/agencies").await, 1, "one agency");
    let id = first.json()["id"].clone();
    assert_eq!(
        total(
            &app,
            &format!("/api/v1/audit-events?resource_type=agency&resource_id={id}")
        )
        .await,
        1,
        "one audit event: the retry wrote nothing"
    );
}

#[actix_web::test]
async fn the_same_key_with_another_body_is_422_and_changes_nothing() {
    let app = spawn_app().await;
    let first = post_with_key(&app, "/api/v1/agencies", "key-1", &agency("DINKES")).await;
    assert_eq!(first.status, 201);

    let other = post_with_key(&app, "/api/v1/agencies", "key-1", &agency("BAPPEDA")).await;
    let problem = other.problem(422);
    assert_eq!(
        problem["type"],
        "https://inovik.example/problems/idempotency-key-reused"
    );
    assert_eq!(
        other.field_errors(),
        vec![("Idempotency-Key".to_owned(), "reused".to_owned())]
    );
    // The same key on another path is another request too.
    let elsewhere = post_with_key(&app, "/api/v1/cohorts", "key-1", &agency("DINKES")).await;
    elsewhere.problem(422);
    assert_eq!(total(&app, "/api/v1/agencies").await, 1);
    assert_eq!(total(&app, "/api/v1/cohorts").await, 0);
}

#[actix_web::test]
async fn keys_belong_to_their_caller() {
    let app = spawn_app().await;
    let other_admin = app.token_for("admin2", "admin", None).await;

    let mine = post_with_key(&app, "/api/v1/agencies", "shared", &agency("DINKES")).await;
    let theirs = app
        .request(Method::POST, "/api/v1/agencies")
        .bearer(&other_admin)
        .header("idempotency-key", "shared")
        .json(&agency("BAPPEDA"))
        .send()
        .await;

    assert_eq!(
        (mine.status.as_u16(), theirs.status.as_u16()),
        (201, 201),
        "{}",
        theirs.text()
    );
    assert_eq!(theirs.header("idempotent-replayed"), None);
    assert_eq!(total(&app, "/api/v1/agencies").await, 2);
}

#[actix_web::test]
async fn a_malformed_key_is_400_and_nothing_is_created() {
    let app = spawn_app().await;
    for key in [
        "x".repeat(256),
        "has space".to_owned(),
        "kunci-ü".to_owned(),
    ] {
        let response = post_with_key(&app, "/api/v1/agencies", &key, &agency("DINKES")).await;
        response.problem(400);
        assert_eq!(
            response.field_errors(),
            vec![(
                "Idempotency-Key".to_owned(),
                "idempotency_key_invalid".to_owned()
            )],
            "{key}"
        );
    }
    assert_eq!(total(&app, "/api/v1/agencies").await, 0);
}

#[actix_web::test]
async fn final_refusals_are_replayed_and_passing_ones_free_the_key() {
    let app = spawn_app().await;
    let invalid = json!({"code": "DINKES", "name": "", "kind": "agency"});
    let first = post_with_key(&app, "/api/v1/agencies", "k-invalid", &invalid).await;
    first.problem(422);
    let again = post_with_key(&app, "/api/v1/agencies", "k-invalid", &invalid).await;
    // The stored body names the first request's id; the replay has an id of its own.
    assert_eq!(again.status, 422);
    assert_eq!(
        again.header("content-type").as_deref(),
        Some("application/problem+json")
    );
    assert_eq!(again.header("idempotent-replayed").as_deref(), Some("true"));
    assert_eq!(again.json(), first.json());

    // A duplicate code is a 409: it may pass (the other agency may be renamed), so the
    // key is freed and the retry runs again rather than replaying the refusal.
    let taken = app.create_agency(json!({"code": "DUP"})).await;
    let refused = post_with_key(&app, "/api/v1/agencies", "k-dup", &agency("DUP")).await;
    refused.problem(409);
    let renamed = app
        .request(Method::PATCH, &format!("/api/v1/agencies/{}", taken["id"]))
        .raw("application/merge-patch+json", r#"{"code": "DUP-OLD"}"#)
        .send()
        .await;
    assert_eq!(renamed.status, 200, "{}", renamed.text());
    let retried = post_with_key(&app, "/api/v1/agencies", "k-dup", &agency("DUP")).await;
    assert_eq!(retried.status, 201, "{}", retried.text());
    assert_eq!(retried.header("idempotent-replayed"), None);
}

#[actix_web::test]
async fn actions_take_keys_too() {
    let app = spawn_app().await;
    let cohort = app.create_cohort("Angkatan 2016").await;
    let agency = app.create_agency(json!({})).await;
    let innovation = app
        .create_innovation(&cohort["id"], &agency["id"], json!({}))
        .await;
    let path = format!("/api/v1/innovations/{}/stage-transitions", innovation["id"]);

    let before = total(&app, &path).await;

    let first = post_with_key(&app, &path, "move-1", &json!({"to": "diagnose"})).await;
    let retry = post_with_key(&app, &path, "move-1", &json!({"to": "diagnose"})).await;

    assert_eq!(
        (first.status.as_u16(), retry.status.as_u16()),
        (201, 201),
        "{}",
        retry.text()
    );
    assert_eq!(retry.json(), first.json());
    assert_eq!(
        total(&app, &path).await,
        before + 1,
        "one move in the history"
    );
}

#[actix_web::test]
async fn an_expired_key_may_be_used_afresh() {
    let app = spawn_app_with(|config| config.idempotency_ttl = Duration::from_secs(1)).await;
    let first = post_with_key(&app, "/api/v1/agencies", "short", &agency("DINKES")).await;
    assert_eq!(first.status, 201);
    actix_web::rt::time::sleep(Duration::from_millis(1100)).await;

    let later = post_with_key(&app, "/api/v1/agencies", "short", &agency("BAPPEDA")).await;

    assert_eq!(later.status, 201, "{}", later.text());
    assert_eq!(total(&app, "/api/v1/agencies").await, 2);
}

/// 50 retries of one create, at once, spread over three server processes on one
/// database: one agency, every success the same response, the rest told to retry (409).
#[actix_web::test]
async fn concurrent_retries_across_processes_create_one_row() {
    let app = spawn_app().await;
    let second = ServerProcess::start(&app).await;
    let third = ServerProcess::start(&app).await;
    let bases = [
        app.address.clone(),
        second.address.clone(),
        third.address.clone(),
    ];
    let body = agency("DINKES");

    let responses = futures_util::future::join_all((0..50).map(|i| {
        app.request(Method::POST, "/api/v1/agencies")
            .at(&bases[i % bases.len()])
            .header("idempotency-key", "one-create")
            .json(&body)
            .send()
    }))
    .await;

    let created: Vec<&TestResponse> = responses.iter().filter(|r| r.status == 201).collect();
    for response in &responses {
        assert!(
            [201, 409].contains(&response.status.as_u16()),
            "{}: {}",
            response.status,
            response.text()
        );
        if response.status == 409 {
            assert_eq!(
                response.header("retry-after").as_deref(),
                Some("1"),
                "{}",
                response.text()
            );
        }
    }
    assert!(!created.is_empty(), "at least the first one succeeds");
    for response in &created {
        assert_eq!(response.json(), created[0].json());
    }
    assert_eq!(total(&app, "/api/v1/agencies").await, 1, "exactly one row");
    // Once the first has finished, every retry gets its response.
    let late = post_with_key(&app, "/api/v1/agencies", "one-create", &body).await;
    assert_eq!(late.status, 201);
    assert_eq!(late.json(), created[0].json());
}

/// A request that outlives its lease (a stalled process) loses its key to a retry, and its
/// change can then no longer commit: the key has one effect, the retry's.
#[actix_web::test]
async fn a_claim_taken_over_cannot_commit() {
    use inovik::store::idempotency::{KeyRequest, Presented, present};
    let app = spawn_app().await;
    let request = |lease_seconds| KeyRequest {
        scope: "user:1",
        key: "stalled",
        request_hash: "same-request",
        lease: chrono::Duration::seconds(lease_seconds),
        ttl: chrono::Duration::hours(1),
    };
    let mut conn = app.state.db.get().unwrap();
    // The first claim's lease has already run out when the retry comes.
    let Presented::Claimed(stalled) = present(&mut conn, &request(-1)).unwrap() else {
        panic!("the first request claims the key");
    };
    let Presented::Claimed(retry) = present(&mut conn, &request(60)).unwrap() else {
        panic!("the retry takes the expired claim over");
    };
    assert_ne!(stalled.token, retry.token);
    assert!(matches!(
        present(&mut conn, &request(60)).unwrap(),
        Presented::InProgress
    ));
    drop(conn);

    let write = |claim| {
        let context = inovik::db::WriteContext {
            caller: inovik::http::caller::Caller::System,
            request_id: "test".into(),
            idempotency: Some(claim),
        };
        app.state.db.write(context, |conn, _| {
            diesel::sql_query("UPDATE agencies SET name = name").execute(conn)?;
            Ok(())
        })
    };
    let late = write(stalled).await;
    assert!(
        matches!(late, Err(inovik::error::ApiError::IdempotencyKeyInUse)),
        "{late:?}"
    );
    write(retry).await.expect("the current holder commits");
}

/// A process that dies between committing and storing its response leaves a key whose
/// outcome is unknown: once its lease runs out, a retry is told so (409) rather than
/// making the change a second time.
#[actix_web::test]
async fn a_change_committed_without_its_response_is_never_made_again() {
    use inovik::store::idempotency::{KeyRequest, Presented, present};
    let app = spawn_app().await;
    let request = |lease_seconds| KeyRequest {
        scope: "user:1",
        key: "crashed",
        request_hash: "same-request",
        lease: chrono::Duration::seconds(lease_seconds),
        ttl: chrono::Duration::hours(1),
    };
    let Presented::Claimed(claim) =
        present(&mut app.state.db.get().unwrap(), &request(-1)).unwrap()
    else {
        panic!("the first request claims the key");
    };
    let context = inovik::db::WriteContext {
        caller: inovik::http::caller::Caller::System,
        request_id: "test".into(),
        idempotency: Some(claim),
    };
    app.state
        .db
        .write(context, |_, _| Ok(()))
        .await
        .expect("the change commits; the process then dies");

    let retry = present(&mut app.state.db.get().unwrap(), &request(60)).unwrap();
    assert!(matches!(retry, Presented::OutcomeUnknown), "{retry:?}");
}
