//! No lost updates: many writers at once, spread over several server processes on one
//! database (as replicas behind a load balancer), and exactly one wins per version.

use actix_web::http::Method;
use futures_util::future::join_all;
use serde_json::json;

use crate::helpers::{ServerProcess, TestResponse, spawn_app};

fn statuses(responses: &[TestResponse]) -> Vec<u16> {
    let mut statuses: Vec<u16> = responses.iter().map(|r| r.status.as_u16()).collect();
    statuses.sort_unstable();
    statuses
}

#[actix_web::test]
async fn writers_holding_the_same_version_have_exactly_one_winner() {
    let app = spawn_app().await;
    let second = ServerProcess::start(&app).await;
    let third = ServerProcess::start(&app).await;
    let bases = [
        app.address.clone(),
        second.address.clone(),
        third.address.clone(),
    ];
    let agency = app.create_agency(json!({})).await;
    let path = format!("/api/v1/agencies/{}", agency["id"]);
    const WRITERS: usize = 24;

    for version in 1..=4 {
        let responses = join_all((0..WRITERS).map(|i| {
            app.request(Method::PATCH, &path)
                .at(&bases[i % bases.len()])
                .header("if-match", &format!("\"{version}\""))
                .raw(
                    "application/merge-patch+json",
                    json!({"name": format!("Dinas {version}-{i}")}).to_string(),
                )
                .send()
        }))
        .await;

        let mut expected = vec![200];
        expected.extend(std::iter::repeat_n(412, WRITERS - 1));
        assert_eq!(statuses(&responses), expected, "version {version}");
        let winner = responses.iter().find(|r| r.status == 200).unwrap().json();
        let stored = app.get(&path).await.json();
        assert_eq!(stored["version"], version + 1);
        assert_eq!(
            stored["name"], winner["name"],
            "the winner's change is kept"
        );
    }
    let updates = app
        .get(&format!(
            "/api/v1/audit-events?resource_type=agency&resource_id={}&per_page=100",
            agency["id"]
        ))
        .await
        .json();
    assert_eq!(
        updates["total"], 5,
        "one create and four updates: {updates}"
    );
}

/// The lifecycle rule is checked and applied atomically: of many identical moves at once,
/// one is made and the others find the innovation already moved.
#[actix_web::test]
async fn concurrent_identical_stage_moves_are_made_once() {
    let app = spawn_app().await;
    let second = ServerProcess::start(&app).await;
    let bases = [app.address.clone(), second.address.clone()];
    let cohort = app.create_cohort("Angkatan 2016").await;
    let agency = app.create_agency(json!({})).await;
    let innovation = app
        .create_innovation(&cohort["id"], &agency["id"], json!({}))
        .await;
    let path = format!("/api/v1/innovations/{}/stage-transitions", innovation["id"]);
    let before = app.get(&path).await.json()["total"].as_i64().unwrap();

    let responses = join_all((0..20).map(|i| {
        app.request(Method::POST, &path)
            .at(&bases[i % bases.len()])
            .json(&json!({"to": "diagnose"}))
            .send()
    }))
    .await;

    let mut expected = vec![201];
    expected.extend(std::iter::repeat_n(409, 19));
    assert_eq!(statuses(&responses), expected);
    let after = app.get(&path).await.json()["total"].as_i64().unwrap();
    assert_eq!(after, before + 1);
}
