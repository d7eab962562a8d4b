//! The holes a security review found (OWASP API Top 10, 2023), each closed and kept closed:
//! secrets never rest in the idempotency table, replays go only to an account that may
//! still act, bodies are bounded before they are read, and the smaller holes of signed
//! agreements, URLs and sign-in names.

use actix_web::http::Method;
use diesel::RunQueryDsl;
use futures_util::future::join_all;
use serde_json::{Value, json};

use crate::helpers::{ServerProcess, TestApp, spawn_app};

#[derive(diesel::QueryableByName)]
struct StoredKey {
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Binary>)]
    response_body: Option<Vec<u8>>,
}

/// Every idempotency key row, as the database holds it.
fn stored_keys(app: &TestApp) -> Vec<StoredKey> {
    let mut conn = app.state.db.get().unwrap();
    diesel::sql_query("SELECT response_body FROM idempotency_keys")
        .load::<StoredKey>(&mut *conn)
        .unwrap()
}

fn holds(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle.as_bytes())
}

#[actix_web::test]
async fn a_client_secret_is_never_stored_with_its_idempotency_key() {
    let app = spawn_app().await;
    let create = || {
        app.request(Method::POST, "/api/v1/api-clients")
            .header("idempotency-key", "client-once")
            .json(&json!({"name": "SIMPEG Kebumen", "role": "viewer"}))
            .send()
    };
    let created = create().await;
    assert_eq!(created.status, 201, "{}", created.text());
    let secret = created.json()["client_secret"].as_str().unwrap().to_owned();
    let location = created.header("location").unwrap();

    let rotated = app
        .request(
            Method::POST,
            &format!("/api/v1/api-clients/{}/secret", created.json()["id"]),
        )
        .header("idempotency-key", "rotate-once")
        .send()
        .await;
    assert_eq!(rotated.status, 200, "{}", rotated.text());
    let new_secret = rotated.json()["client_secret"].as_str().unwrap().to_owned();

    let keys = stored_keys(&app);
    assert_eq!(
        keys.len(),
        2,
        "both keys are kept, so a retry changes nothing"
    );
    for key in &keys {
        let body = key.response_body.as_deref().unwrap_or_default();
        assert!(
            !holds(body, &secret) && !holds(body, &new_secret),
            "no secret at rest: {}",
            String::from_utf8_lossy(body)
        );
    }

    // A retry learns that its change was made and that the secret is gone.
    let retried = create().await;
    // A replay: the problem names the first request (its request id), not this one.
    assert_eq!(retried.status, 409, "{}", retried.text());
    assert_eq!(
        retried.header("content-type").as_deref(),
        Some("application/problem+json")
    );
    let problem = retried.json();
    assert!(
        problem["type"]
            .as_str()
            .unwrap()
            .ends_with("/secret-shown-once")
    );
    assert_eq!(
        problem["request_id"],
        created.header("x-request-id").unwrap()
    );
    assert_eq!(
        retried.header("idempotent-replayed").as_deref(),
        Some("true")
    );
    assert_eq!(retried.header("location").unwrap(), location);
    assert!(!retried.text().contains(&secret));
    assert_eq!(
        app.get("/api/v1/api-clients").await.json()["total"],
        1,
        "the retry created nothing"
    );
}

#[actix_web::test]
async fn a_deactivated_account_gets_no_replay() {
    let app = spawn_app().await;
    let user_id = app.create_account("admin.dua", "admin", None).await;
    let token = app.sign_in("admin.dua").await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let send = || {
        app.request(Method::POST, "/api/v1/api-clients")
            .bearer(&token)
            .header("idempotency-key", "deactivated-replay")
            .json(&json!({"name": "Sistem lama", "role": "viewer"}))
            .send()
    };
    assert_eq!(send().await.status, 201);
    let deactivated = app.delete(&format!("/api/v1/users/{user_id}")).await;
    assert_eq!(deactivated.status, 204, "{}", deactivated.text());

    let replay = send().await;
    replay.problem(401);
    assert_eq!(replay.header("idempotent-replayed"), None);
}

#[actix_web::test]
async fn a_refused_oversized_body_leaves_its_key_free() {
    let app = spawn_app().await;
    let big = json!({"code": "BIG", "name": "x".repeat(300 * 1024), "kind": "agency"});
    let refused = app
        .request(Method::POST, "/api/v1/agencies")
        .header("idempotency-key", "too-big")
        .json(&big)
        .send()
        .await;
    refused.problem(413);
    assert!(stored_keys(&app).is_empty(), "a 413 is not kept");
    let fixed = app
        .request(Method::POST, "/api/v1/agencies")
        .header("idempotency-key", "too-big")
        .json(&json!({"code": "BIG", "name": "Dinas Besar", "kind": "agency"}))
        .send()
        .await;
    assert_eq!(
        fixed.status,
        201,
        "the same key, corrected: {}",
        fixed.text()
    );
}

/// The peak resident memory of a process, from `/proc`, in KiB.
fn peak_rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

#[actix_web::test]
async fn large_bodies_from_a_viewer_are_refused_before_they_are_held() {
    let app = spawn_app().await;
    let server = ServerProcess::start(&app).await;
    let viewer = app.token_for("pemantau", "viewer", None).await;
    let before = peak_rss_kib(server.pid());
    const BODIES: usize = 32;
    const SIZE: usize = 10 * 1024 * 1024;
    let client = awc::Client::builder()
        .timeout(std::time::Duration::from_secs(60))
        .finish();
    let outcomes = join_all((0..BODIES).map(|i| {
        // Half JSON to a JSON route, half CSV to the (administrators') import.
        let (path, content_type) = if i % 2 == 0 {
            ("/api/v1/agencies", "application/json")
        } else {
            ("/api/v1/innovations/import?cohort_id=1", "text/csv")
        };
        client
            .post(format!("{}{path}", server.address))
            .insert_header(("authorization", format!("Bearer {viewer}")))
            .insert_header(("idempotency-key", format!("big-{i}")))
            .insert_header(("content-type", content_type))
            .send_body(vec![b'a'; SIZE])
    }))
    .await;
    // The server may close the connection before all of a refused body is sent.
    let statuses: Vec<u16> = outcomes
        .into_iter()
        .flatten()
        .map(|response| response.status().as_u16())
        .collect();
    let peak = peak_rss_kib(server.pid());
    eprintln!(
        "{BODIES} bodies of 10 MiB from a viewer: peak RSS {} -> {} MiB, statuses {statuses:?}",
        before / 1024,
        peak / 1024
    );
    assert!(!statuses.is_empty(), "some answers arrived");
    assert!(
        statuses.iter().all(|s| *s == 403),
        "refused by role before the body is read: {statuses:?}"
    );
    assert!(peak < 100 * 1024, "peak RSS {} MiB", peak / 1024);
    assert!(stored_keys(&app).is_empty(), "nothing stored for refusals");
}

// ---- signed agreements ----

async fn signed_agreement(app: &TestApp) -> (Value, Value, Value) {
    let cohort = app.create_cohort("Lab 2016").await;
    let agency = app
        .create_agency(json!({"code": "BAG-HUKUM", "name": "Bagian Hukum Setda",
            "head_name": "Rina Wulandari", "head_title": "Kepala Bagian Hukum"}))
        .await;
    let innovation = app
        .create_innovation(&cohort["id"], &agency["id"], json!({"name": "ELEGAN"}))
        .await;
    let agreement = app
        .post_json(
            "/api/v1/performance-agreements",
            &json!({"number": "060/123/2016", "year": 2016, "agency_id": agency["id"]}),
        )
        .await
        .json();
    let path = format!("/api/v1/performance-agreements/{}", agreement["id"]);
    let commitment = app
        .post_json(
            &format!("{path}/commitments"),
            &json!({"innovation_id": innovation["id"], "indicator": "Produk hukum daring",
                    "target_value": "80", "unit": "dokumen"}),
        )
        .await;
    assert_eq!(commitment.status, 201, "{}", commitment.text());
    let signed = app
        .post_json(
            &format!("{path}/sign"),
            &json!({"signed_on": "2016-10-12", "signed_place": "Kebumen",
                    "first_party": {"name": "Bupati Kebumen", "title": "Bupati Kebumen"}}),
        )
        .await;
    assert_eq!(signed.status, 200, "{}", signed.text());
    (agency, signed.json(), commitment.json())
}

#[actix_web::test]
async fn an_amendment_keeps_the_year_and_agency_it_amends_and_its_copies_are_audited() {
    let app = spawn_app().await;
    let (_, signed, _) = signed_agreement(&app).await;
    let other = app
        .create_agency(json!({"code": "BPMPT", "name": "BPMPT"}))
        .await;
    let amendment = app
        .post_json(
            &format!("/api/v1/performance-agreements/{}/amendments", signed["id"]),
            &json!({"number": "060/123.A/2016", "reason": "change_of_official",
                    "reason_text": "Pergantian Kepala Bagian"}),
        )
        .await
        .json();
    let path = format!("/api/v1/performance-agreements/{}", amendment["id"]);
    let moved = app
        .patch_json(&path, &json!({"year": 2017, "agency_id": other["id"]}))
        .await;
    moved.problem(422);
    assert_eq!(
        moved.field_errors(),
        vec![
            ("year".to_owned(), "fixed_by_amended".to_owned()),
            ("agency_id".to_owned(), "fixed_by_amended".to_owned())
        ]
    );
    let renumbered = app
        .patch_json(&path, &json!({"number": "060/124.A/2016"}))
        .await;
    assert_eq!(
        renumbered.status,
        200,
        "the number may change: {}",
        renumbered.text()
    );
    assert_eq!(renumbered.json()["year"], 2016);

    let copies = app.get(&format!("{path}/commitments")).await.json()["items"].clone();
    let copy_id = &copies[0]["id"];
    let events = app
        .get(&format!(
            "/api/v1/audit-events?resource_type=commitment&resource_id={copy_id}"
        ))
        .await
        .json();
    assert_eq!(events["total"], 1, "{events}");
    assert_eq!(events["items"][0]["action"], "commitment.create");
    assert_eq!(events["items"][0]["after"]["agreement_id"], amendment["id"]);
}

#[actix_web::test]
async fn the_printed_agreement_shows_the_agency_as_signed() {
    let app = spawn_app().await;
    let (agency, signed, _) = signed_agreement(&app).await;
    let renamed = app
        .patch_json(
            &format!("/api/v1/agencies/{}", agency["id"]),
            &json!({"name": "Bagian Hukum dan HAM Setda"}),
        )
        .await;
    assert_eq!(renamed.status, 200, "{}", renamed.text());
    let page = app
        .get_anonymous(&format!(
            "/api/v1/performance-agreements/{}/document",
            signed["id"]
        ))
        .await
        .text();
    assert!(page.contains("Bagian Hukum Setda"), "{page}");
    assert!(!page.contains("Bagian Hukum dan HAM Setda"), "{page}");
}

#[actix_web::test]
async fn realization_evidence_is_an_http_url() {
    let app = spawn_app().await;
    let (_, signed, commitment) = signed_agreement(&app).await;
    let path = format!(
        "/api/v1/performance-agreements/{}/commitments/{}/realization",
        signed["id"], commitment["id"]
    );
    for url in [
        "javascript:alert(document.cookie)",
        "data:text/html,<script>alert(1)</script>",
        "file:///etc/passwd",
    ] {
        let response = app
            .request(Method::PUT, &path)
            .json(&json!({"achieved_value": "84", "evidence_url": url}))
            .send()
            .await;
        response.problem(422);
        assert_eq!(
            response.field_errors(),
            vec![("evidence_url".to_owned(), "url_invalid".to_owned())],
            "{url}"
        );
    }
    let good = app
        .request(Method::PUT, &path)
        .json(&json!({"achieved_value": "84", "evidence_url": "https://jdih.kebumenkab.go.id/laporan"}))
        .send()
        .await;
    assert_eq!(good.status, 200, "{}", good.text());
}

// ---- sign-in names ----

#[actix_web::test]
async fn over_long_sign_in_names_are_refused_before_they_reach_the_database() {
    let app = spawn_app().await;
    let long = "u".repeat(3000);
    for body in [
        json!({"grant_type": "password", "username": long, "password": "x"}),
        json!({"grant_type": "client_credentials", "client_id": long, "client_secret": "x"}),
    ] {
        let response = app
            .request(Method::POST, "/api/v1/auth/token")
            .anonymous()
            .json(&body)
            .send()
            .await;
        assert_eq!(response.status, 400, "{}", response.text());
        assert_eq!(response.json()["error"], "invalid_request");
    }
    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut conn = app.state.db.get().unwrap();
    let counted =
        diesel::sql_query("SELECT COUNT(*) AS n FROM sign_in_failures WHERE LENGTH(subject) > 200")
            .get_result::<Count>(&mut *conn)
            .unwrap();
    assert_eq!(counted.n, 0, "no failure row keeps the raw value");
}

/// The decision: a signed agreement is a public record, the names of the innovations it
/// commits to included, as signed. The innovation itself stays internal until launched,
/// and a later rename is not shown to the public through the agreement.
#[actix_web::test]
async fn a_signed_agreement_is_public_with_its_innovations_named_as_signed() {
    let app = spawn_app().await;
    let (_, signed, commitment) = signed_agreement(&app).await;
    let innovation_path = format!("/api/v1/innovations/{}", commitment["innovation_id"]);
    let renamed = app
        .patch_json(&innovation_path, &json!({"name": "ELEGAN Generasi Dua"}))
        .await;
    assert_eq!(renamed.status, 200, "{}", renamed.text());

    assert_eq!(
        app.get_anonymous(&innovation_path).await.status,
        404,
        "an unlaunched innovation is internal"
    );
    let public = app
        .get_anonymous(&format!(
            "/api/v1/performance-agreements/{}/commitments",
            signed["id"]
        ))
        .await;
    assert_eq!(public.status, 200, "{}", public.text());
    assert_eq!(public.json()["items"][0]["innovation_name"], "ELEGAN");
    let page = app
        .get_anonymous(&format!(
            "/api/v1/performance-agreements/{}/document",
            signed["id"]
        ))
        .await
        .text();
    assert!(
        page.contains("ELEGAN") && !page.contains("Generasi Dua"),
        "{page}"
    );
}
