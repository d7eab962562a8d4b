//! The S3 server gone: a replica configured for an S3 store whose endpoint does not
//! answer refuses uploads with a 503 soon (bounded retries, not object_store's three
//! minutes), writes no row, and keeps serving everything that does not need the store.

use actix_web::http::Method;
use serde_json::json;

use crate::documents::{BOUNDARY, Part, form, pdf};
use crate::helpers::{ServerProcess, spawn_app};

#[actix_web::test]
async fn an_s3_endpoint_that_does_not_answer_is_503_soon_and_no_row_is_written() {
    let app = spawn_app().await;
    let agency = app
        .create_agency(json!({"code": "AG-S3", "name": "Dinas Arsip"}))
        .await;
    let cohort = app.create_cohort("Kohort S3").await;
    let innovation = app
        .create_innovation(
            &cohort["id"],
            &agency["id"],
            json!({"name": "Arsip Digital"}),
        )
        .await;
    // A port that was free a moment ago: nothing listens there, every connection is refused.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let endpoint = format!("http://127.0.0.1:{closed}");
    let replica = ServerProcess::start_with(
        &app,
        &[
            ("INOVIK_STORAGE_URL", "s3://inovik-down/evidence"),
            ("AWS_ENDPOINT_URL", &endpoint),
            ("AWS_REGION", "us-east-1"),
            ("AWS_ACCESS_KEY_ID", "test"),
            ("AWS_SECRET_ACCESS_KEY", "test"),
            ("AWS_ALLOW_HTTP", "true"),
        ],
    )
    .await;
    let documents = format!("/api/v1/innovations/{}/documents", innovation["id"]);

    let started = std::time::Instant::now();
    let down = app
        .request(Method::POST, &documents)
        .at(&replica.address)
        .raw(
            &format!("multipart/form-data; boundary={BOUNDARY}"),
            form(&[
                Part::Text("kind", "decree"),
                Part::Text("title", "SK Bupati"),
                Part::File("sk.pdf", &pdf("s3-down")),
            ]),
        )
        .send()
        .await;
    let waited = started.elapsed();
    assert_eq!(
        down.problem(503)["type"],
        "https://inovik.example/problems/storage-unavailable"
    );
    assert!(down.header("retry-after").is_some());
    assert!(
        waited < std::time::Duration::from_secs(20),
        "the client waited {waited:?} for its 503"
    );

    // Nothing was written, and what needs no store still answers on that replica.
    let list = app
        .request(Method::GET, &documents)
        .at(&replica.address)
        .send()
        .await;
    assert_eq!(list.json()["total"], 0, "{}", list.text());
    let moved = app
        .request(
            Method::GET,
            &format!("/api/v1/innovations/{}", innovation["id"]),
        )
        .at(&replica.address)
        .send()
        .await;
    assert_eq!(moved.status, 200);
}
