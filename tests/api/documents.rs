//! Evidence documents: uploads streamed into the object store (the local folder on
//! SQLite, the S3 server `INOVIK_TEST_STORAGE_URL` names on PostgreSQL in CI), downloads
//! with ranges and caching, who may do what, and every bad form leaving nothing behind.

use actix_web::http::Method;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::helpers::{TestApp, TestResponse, spawn_app, spawn_app_with};

/// A part of a `multipart/form-data` body: a text field, or a file with its name.
pub enum Part<'a> {
    Text(&'a str, &'a str),
    File(&'a str, &'a [u8]),
}

pub const BOUNDARY: &str = "----inovik-test-boundary-7MA4YWxkTrZu0gW";

/// The body of a form with `parts`.
pub fn form(parts: &[Part]) -> Vec<u8> {
    let mut body = Vec::new();
    for part in parts {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        match part {
            Part::Text(name, value) => {
                body.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                        .as_bytes(),
                );
            }
            Part::File(file_name, content) => {
                body.extend_from_slice(
                    format!(
                        "Content-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\n\
                         Content-Type: application/octet-stream\r\n\r\n"
                    )
                    .as_bytes(),
                );
                body.extend_from_slice(content);
                body.extend_from_slice(b"\r\n");
            }
        }
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// A small PDF whose content differs by `marker`.
pub fn pdf(marker: &str) -> Vec<u8> {
    format!("%PDF-1.4\n1 0 obj\n<< /Title ({marker}) >>\nendobj\ntrailer\n<<>>\n%%EOF\n")
        .into_bytes()
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// An innovation of a fresh agency, moved to `stage`; answers it and its agency id.
async fn innovation(app: &TestApp, stage: &str) -> (Value, i64) {
    let code = format!("AG-{}", &uuid::Uuid::new_v4().simple().to_string()[..8]).to_uppercase();
    let agency = app.create_agency(json!({"code": code, "name": code})).await;
    let cohort = app.create_cohort(&format!("Kohort {code}")).await;
    let innovation = app
        .create_innovation(&cohort["id"], &agency["id"], json!({"name": code}))
        .await;
    app.advance_to(&innovation, stage).await;
    (innovation, agency["id"].as_i64().unwrap())
}

async fn upload(
    app: &TestApp,
    innovation: &Value,
    token: Option<&str>,
    parts: &[Part<'_>],
) -> TestResponse {
    upload_raw(app, innovation, token, form(parts)).await
}

async fn upload_raw(
    app: &TestApp,
    innovation: &Value,
    token: Option<&str>,
    body: Vec<u8>,
) -> TestResponse {
    let mut request = app
        .request(
            Method::POST,
            &format!("/api/v1/innovations/{}/documents", innovation["id"]),
        )
        .raw(&format!("multipart/form-data; boundary={BOUNDARY}"), body);
    if let Some(token) = token {
        request = request.bearer(token);
    }
    request.send().await
}

/// Every object in the app's store: `(blobs, staging objects)`.
async fn stored(app: &TestApp) -> (Vec<String>, usize) {
    let objects = app.state.storage.objects().await.expect("the store lists");
    let blobs = objects.iter().filter_map(|o| o.sha256.clone()).collect();
    (blobs, objects.iter().filter(|o| o.sha256.is_none()).count())
}

#[actix_web::test]
async fn a_pdf_uploaded_by_its_agency_editor_is_stored_once_and_served_back_byte_for_byte() {
    let app = spawn_app().await;
    let (innovation, agency_id) = innovation(&app, "design").await;
    let editor = app
        .token_for("editor", "agency_editor", Some(agency_id))
        .await;
    let content = pdf("SK Bupati Kebumen");
    let parts = [
        Part::Text("kind", "decree"),
        Part::Text("title", "SK Bupati tentang inovasi"),
        Part::Text("public", "true"),
        Part::File("SK Bupati ñ.pdf", &content),
    ];
    let created = upload(&app, &innovation, Some(&editor), &parts).await;
    assert_eq!(created.status, 201, "{}", created.text());
    let document = created.json();
    assert_eq!(document["kind"], "decree");
    assert_eq!(document["media_type"], "application/pdf");
    assert_eq!(document["file_name"], "SK Bupati ñ.pdf");
    assert_eq!(document["byte_size"], content.len());
    assert_eq!(document["sha256"], sha256(&content));
    let location = created.header("location").unwrap();
    assert!(location.ends_with(&format!(
        "/api/v1/innovations/{}/documents/{}",
        innovation["id"], document["id"]
    )));

    let path = format!(
        "/api/v1/innovations/{}/documents/{}/content",
        innovation["id"], document["id"]
    );
    let download = app.get(&path).await;
    assert_eq!(download.status, 200);
    assert_eq!(download.body, content);
    assert_eq!(
        download.header("etag").unwrap(),
        format!("\"{}\"", sha256(&content))
    );
    assert_eq!(
        download.header("content-type").as_deref(),
        Some("application/pdf")
    );
    assert_eq!(
        download.header("content-disposition").as_deref(),
        Some("attachment; filename=\"SK Bupati _.pdf\"; filename*=UTF-8''SK%20Bupati%20%C3%B1.pdf")
    );
    assert_eq!(download.header("accept-ranges").as_deref(), Some("bytes"));

    // The same content again is a second document on the same blob.
    let again = upload(&app, &innovation, Some(&editor), &parts).await;
    assert_eq!(again.status, 201);
    assert_ne!(again.json()["id"], document["id"]);
    let (blobs, staging) = stored(&app).await;
    assert_eq!((blobs, staging), (vec![sha256(&content)], 0));

    let trail = app
        .get(&format!(
            "/api/v1/audit-events?resource_type=document&resource_id={}",
            document["id"]
        ))
        .await
        .json();
    assert_eq!(trail["items"][0]["action"], "document.create");
}

#[actix_web::test]
async fn who_may_upload_follows_the_agency() {
    let app = spawn_app().await;
    let (innovation, agency_id) = innovation(&app, "design").await;
    let other = app
        .create_agency(json!({"code": "AG-LAIN", "name": "Dinas Lain"}))
        .await;
    let outsider = app
        .token_for("outsider", "agency_editor", other["id"].as_i64())
        .await;
    let viewer = app.token_for("viewer", "viewer", None).await;
    let parts = [
        Part::Text("kind", "report"),
        Part::Text("title", "Laporan"),
        Part::File("l.pdf", b"%PDF-1.4 x"),
    ];
    upload(&app, &innovation, Some(&outsider), &parts)
        .await
        .problem(403);
    upload(&app, &innovation, Some(&viewer), &parts)
        .await
        .problem(403);
    let anonymous = app
        .request(
            Method::POST,
            &format!("/api/v1/innovations/{}/documents", innovation["id"]),
        )
        .anonymous()
        .raw(
            &format!("multipart/form-data; boundary={BOUNDARY}"),
            form(&parts),
        )
        .send()
        .await;
    anonymous.problem(401);
    let editor = app
        .token_for("editor", "agency_editor", Some(agency_id))
        .await;
    assert_eq!(
        stored(&app).await,
        (Vec::new(), 0),
        "nothing refused is kept"
    );
    let own = upload(&app, &innovation, Some(&editor), &parts).await;
    assert_eq!(own.status, 201, "{}", own.text());
}

#[actix_web::test]
async fn bad_forms_get_clear_problems_and_leave_nothing_behind() {
    let app = spawn_app().await;
    let (innovation, _) = innovation(&app, "delivery").await;
    let content = pdf("laporan");
    let title = Part::Text("title", "Laporan");
    let report = Part::Text("kind", "report");

    let missing = upload(&app, &innovation, None, &[report, title]).await;
    missing.problem(422);
    assert!(
        missing
            .field_errors()
            .contains(&("file".into(), "file_required".into()))
    );

    let empty = upload(
        &app,
        &innovation,
        None,
        &[
            Part::Text("kind", "report"),
            Part::Text("title", "x"),
            Part::File("e.pdf", b""),
        ],
    )
    .await;
    empty.problem(422);
    assert_eq!(
        empty.field_errors(),
        vec![("file".into(), "empty_file".into())]
    );

    let two = upload(
        &app,
        &innovation,
        None,
        &[
            Part::Text("kind", "report"),
            Part::Text("title", "x"),
            Part::File("a.pdf", &content),
            Part::File("b.pdf", &content),
        ],
    )
    .await;
    two.problem(400);
    assert_eq!(
        two.field_errors(),
        vec![("file".into(), "duplicate_part".into())]
    );

    let unknown = upload(
        &app,
        &innovation,
        None,
        &[Part::Text("owner", "x"), Part::File("a.pdf", &content)],
    )
    .await;
    assert_eq!(unknown.problem(400)["errors"][0]["code"], "unknown_part");

    let mut truncated = form(&[
        Part::Text("kind", "report"),
        Part::Text("title", "x"),
        Part::File("a.pdf", &content),
    ]);
    truncated.truncate(truncated.len() - 30);
    let cut = upload_raw(&app, &innovation, None, truncated).await;
    assert_eq!(cut.problem(400)["errors"][0]["code"], "multipart_invalid");

    let html = upload(
        &app,
        &innovation,
        None,
        &[
            Part::Text("kind", "report"),
            Part::Text("title", "x"),
            Part::File("laporan.pdf", b"<!DOCTYPE html><script>alert(1)</script>"),
        ],
    )
    .await;
    assert_eq!(
        html.problem(415)["errors"][0]["code"],
        "file_type_not_accepted"
    );

    let svg = upload(
        &app,
        &innovation,
        None,
        &[
            Part::Text("kind", "photo"),
            Part::Text("title", "x"),
            Part::File(
                "foto.png",
                b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script/></svg>",
            ),
        ],
    )
    .await;
    svg.problem(415);

    let video_file = upload(
        &app,
        &innovation,
        None,
        &[
            Part::Text("kind", "video"),
            Part::Text("title", "x"),
            Part::File("v.pdf", &content),
        ],
    )
    .await;
    video_file.problem(422);
    let errors = video_file.field_errors();
    assert!(
        errors.contains(&("file".into(), "file_not_allowed".into())),
        "{errors:?}"
    );
    assert!(
        errors.contains(&("url".into(), "required".into())),
        "{errors:?}"
    );

    let bad_fields = upload(
        &app,
        &innovation,
        None,
        &[
            Part::Text("kind", "poster"),
            Part::Text("title", " "),
            Part::Text("public", "ya"),
            Part::File("a.pdf", &content),
        ],
    )
    .await;
    bad_fields.problem(422);
    let errors = bad_fields.field_errors();
    for expected in [
        ("kind", "invalid_choice"),
        ("title", "blank"),
        ("public", "invalid_boolean"),
    ] {
        assert!(
            errors.contains(&(expected.0.into(), expected.1.into())),
            "{errors:?}"
        );
    }

    let json_body = app
        .post_json(
            &format!("/api/v1/innovations/{}/documents", innovation["id"]),
            &json!({"kind": "report"}),
        )
        .await;
    json_body.problem(415);

    assert_eq!(
        stored(&app).await,
        (Vec::new(), 0),
        "no blob and no staging object"
    );
    let list = app
        .get(&format!(
            "/api/v1/innovations/{}/documents",
            innovation["id"]
        ))
        .await
        .json();
    assert_eq!(list["total"], 0);
}

#[actix_web::test]
async fn a_video_is_a_link_and_a_path_in_a_file_name_is_only_a_name() {
    let app = spawn_app().await;
    let (innovation, _) = innovation(&app, "delivery").await;
    let video = upload(
        &app,
        &innovation,
        None,
        &[
            Part::Text("kind", "video"),
            Part::Text("title", "Peluncuran"),
            Part::Text("url", "https://www.youtube.com/watch?v=inovik"),
        ],
    )
    .await;
    assert_eq!(video.status, 201, "{}", video.text());
    let video = video.json();
    assert_eq!(video["url"], "https://www.youtube.com/watch?v=inovik");
    assert_eq!(video["content_url"], Value::Null);
    let link = app
        .get(&format!(
            "/api/v1/innovations/{}/documents/{}/content",
            innovation["id"], video["id"]
        ))
        .await;
    link.problem(404);
    let script = upload(
        &app,
        &innovation,
        None,
        &[
            Part::Text("kind", "video"),
            Part::Text("title", "x"),
            Part::Text("url", "javascript:alert(1)"),
        ],
    )
    .await;
    assert!(
        script
            .field_errors()
            .contains(&("url".into(), "url_invalid".into()))
    );

    let traversal = upload(
        &app,
        &innovation,
        None,
        &[
            Part::Text("kind", "other"),
            Part::Text("title", "x"),
            Part::File("../../../../tmp/evil.pdf", &pdf("evil")),
        ],
    )
    .await;
    assert_eq!(traversal.status, 201, "{}", traversal.text());
    assert_eq!(traversal.json()["file_name"], "evil.pdf");
    assert!(!std::path::Path::new("/tmp/evil.pdf").exists());
    let (blobs, _) = stored(&app).await;
    assert_eq!(
        blobs,
        vec![sha256(&pdf("evil"))],
        "the file is under its hash, nowhere else"
    );
}

#[actix_web::test]
async fn an_upload_past_the_limit_is_413_mid_stream_and_nothing_is_stored() {
    let app = spawn_app_with(|config| config.upload_limit = 100 * 1024).await;
    let (innovation, _) = innovation(&app, "design").await;
    let mut big = pdf("besar");
    big.resize(120 * 1024, b'x');
    // The declared length is within the limit plus the form's overhead, so the file is
    // refused while it streams, not before.
    let refused = upload(
        &app,
        &innovation,
        None,
        &[
            Part::Text("kind", "report"),
            Part::Text("title", "x"),
            Part::File("big.pdf", &big),
        ],
    )
    .await;
    assert!(
        refused.problem(413)["detail"]
            .as_str()
            .unwrap()
            .contains("102400")
    );
    let mut huge = pdf("raksasa");
    huge.resize(400 * 1024, b'x');
    upload(
        &app,
        &innovation,
        None,
        &[
            Part::Text("kind", "report"),
            Part::Text("title", "x"),
            Part::File("huge.pdf", &huge),
        ],
    )
    .await
    .problem(413);
    assert_eq!(stored(&app).await, (Vec::new(), 0));
    big.truncate(90 * 1024);
    let fits = upload(
        &app,
        &innovation,
        None,
        &[
            Part::Text("kind", "report"),
            Part::Text("title", "x"),
            Part::File("fits.pdf", &big),
        ],
    )
    .await;
    assert_eq!(fits.status, 201);
}

#[actix_web::test]
async fn ranges_and_conditions_are_answered_as_rfc_9110_says() {
    let app = spawn_app().await;
    let (innovation, _) = innovation(&app, "design").await;
    let content = pdf("rentang");
    let document = upload(
        &app,
        &innovation,
        None,
        &[
            Part::Text("kind", "report"),
            Part::Text("title", "x"),
            Part::File("r.pdf", &content),
        ],
    )
    .await
    .json();
    let path = format!(
        "/api/v1/innovations/{}/documents/{}/content",
        innovation["id"], document["id"]
    );
    let etag = format!("\"{}\"", sha256(&content));
    let part = app
        .request(Method::GET, &path)
        .header("range", "bytes=0-7")
        .send()
        .await;
    assert_eq!(part.status, 206);
    assert_eq!(part.body, b"%PDF-1.4");
    assert_eq!(
        part.header("content-range").unwrap(),
        format!("bytes 0-7/{}", content.len())
    );
    let tail = app
        .request(Method::GET, &path)
        .header("range", "bytes=-6")
        .send()
        .await;
    assert_eq!(tail.body, b"%%EOF\n");
    let past = app
        .request(Method::GET, &path)
        .header("range", "bytes=99999-")
        .send()
        .await;
    past.problem(416);
    assert_eq!(
        past.header("content-range").unwrap(),
        format!("bytes */{}", content.len())
    );
    let stale = app
        .request(Method::GET, &path)
        .header("range", "bytes=0-7")
        .header("if-range", "\"other\"")
        .send()
        .await;
    assert_eq!(
        (stale.status.as_u16(), stale.body.len()),
        (200, content.len())
    );
    let fresh = app
        .request(Method::GET, &path)
        .header("range", "bytes=0-7")
        .header("if-range", &etag)
        .send()
        .await;
    assert_eq!(fresh.status, 206);
    let unchanged = app
        .request(Method::GET, &path)
        .header("if-none-match", &etag)
        .send()
        .await;
    assert_eq!(unchanged.status, 304);
    assert!(unchanged.body.is_empty());
}

#[actix_web::test]
async fn the_public_reads_public_documents_of_launched_innovations_only() {
    let app = spawn_app().await;
    let (innovation, _) = innovation(&app, "design").await;
    let public = upload(
        &app,
        &innovation,
        None,
        &[
            Part::Text("kind", "profile"),
            Part::Text("title", "Profil"),
            Part::Text("public", "true"),
            Part::File("p.pdf", &pdf("profil")),
        ],
    )
    .await
    .json();
    let private = upload(
        &app,
        &innovation,
        None,
        &[
            Part::Text("kind", "budget"),
            Part::Text("title", "Anggaran"),
            Part::File("a.pdf", &pdf("anggaran")),
        ],
    )
    .await
    .json();
    let base = format!("/api/v1/innovations/{}/documents", innovation["id"]);
    let content = |document: &Value| format!("{base}/{}/content", document["id"]);
    // Before the launch the innovation is internal: nothing of it is public.
    app.get_anonymous(&base).await.problem(404);
    app.get_anonymous(&content(&public)).await.problem(404);

    let current = app
        .get(&format!("/api/v1/innovations/{}", innovation["id"]))
        .await
        .json();
    app.advance_to(&current, "delivery").await;
    let list = app.get_anonymous(&base).await.json();
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["id"], public["id"]);
    app.get_anonymous(&content(&private)).await.problem(404);
    app.get_anonymous(&format!("{base}/{}", private["id"]))
        .await
        .problem(404);
    let download = app.get_anonymous(&content(&public)).await;
    assert_eq!(download.status, 200);
    assert_eq!(
        download.header("cache-control").as_deref(),
        Some("public, no-cache")
    );
    let etag = download.header("etag").unwrap();
    let revalidated = app
        .request(Method::GET, &content(&public))
        .anonymous()
        .header("if-none-match", &etag)
        .send()
        .await;
    assert_eq!(revalidated.status, 304);
    // Signed in, nothing may be kept by a cache.
    assert_eq!(
        app.get(&content(&private))
            .await
            .header("cache-control")
            .as_deref(),
        Some("no-store")
    );

    // Made private: a cache revalidating its copy gets 404, never 304.
    let patched = app
        .patch_json(
            &format!("{base}/{}", public["id"]),
            &json!({"public": false}),
        )
        .await;
    assert_eq!(patched.status, 200, "{}", patched.text());
    let gone = app
        .request(Method::GET, &content(&public))
        .anonymous()
        .header("if-none-match", &etag)
        .send()
        .await;
    gone.problem(404);
}

#[actix_web::test]
async fn archiving_keeps_a_document_readable_and_out_of_lists() {
    let app = spawn_app().await;
    let (innovation, _) = innovation(&app, "delivery").await;
    let document = upload(
        &app,
        &innovation,
        None,
        &[
            Part::Text("kind", "report"),
            Part::Text("title", "Laporan"),
            Part::File("l.pdf", &pdf("arsip")),
        ],
    )
    .await
    .json();
    let before = app
        .get("/api/v1/audit-events?resource_type=document")
        .await
        .json()["total"]
        .as_i64()
        .unwrap();
    let path = format!(
        "/api/v1/innovations/{}/documents/{}",
        innovation["id"], document["id"]
    );
    let stale = app
        .request(Method::DELETE, &path)
        .header("if-match", "\"9\"")
        .send()
        .await;
    stale.problem(412);
    assert_eq!(app.delete(&path).await.status, 204);
    let archived = app.get(&path).await.json();
    assert_eq!(
        (archived["archived"].as_bool(), archived["version"].as_i64()),
        (Some(true), Some(2))
    );
    let base = format!("/api/v1/innovations/{}/documents", innovation["id"]);
    assert_eq!(app.get(&base).await.json()["total"], 0);
    let synced = app
        .get(&format!("{base}?updated_since=2000-01-01T00:00:00Z"))
        .await
        .json();
    assert_eq!(synced["items"][0]["archived"], true);
    app.patch_json(&path, &json!({"title": "Baru"}))
        .await
        .problem(409);
    assert_eq!(
        app.get(&format!("{path}/content")).await.status,
        200,
        "its file stays readable"
    );
    let after = app
        .get("/api/v1/audit-events?resource_type=document")
        .await
        .json()["total"]
        .as_i64()
        .unwrap();
    assert_eq!(after, before + 1, "one audited change: the archive");
}

#[actix_web::test]
async fn a_purge_removes_the_file_and_keeps_the_row_and_its_history() {
    let app = spawn_app().await;
    let (innovation, agency_id) = innovation(&app, "delivery").await;
    let shared = pdf("dibagi");
    let parts = [
        Part::Text("kind", "photo"),
        Part::Text("title", "x"),
        Part::File("s.pdf", &shared),
    ];
    // A PDF is not a photo, but the kind is the uploader's word: it is kept as sent.
    let first = upload(&app, &innovation, None, &parts).await.json();
    let second = upload(&app, &innovation, None, &parts).await.json();
    let path = |document: &Value| {
        format!(
            "/api/v1/innovations/{}/documents/{}",
            innovation["id"], document["id"]
        )
    };
    let editor = app
        .token_for("editor", "agency_editor", Some(agency_id))
        .await;
    app.request(Method::POST, &format!("{}/purge", path(&first)))
        .bearer(&editor)
        .send()
        .await
        .problem(403);

    let purged = app
        .request(Method::POST, &format!("{}/purge", path(&first)))
        .send()
        .await;
    assert_eq!(purged.status, 200, "{}", purged.text());
    let purged = purged.json();
    assert_eq!(
        (purged["purged"].as_bool(), purged["sha256"].clone()),
        (Some(true), Value::Null)
    );
    app.get(&format!("{}/content", path(&first)))
        .await
        .problem(410);
    assert_eq!(
        stored(&app).await.0,
        vec![sha256(&shared)],
        "the other document still holds it"
    );

    app.request(Method::POST, &format!("{}/purge", path(&second)))
        .send()
        .await;
    assert_eq!(
        stored(&app).await,
        (Vec::new(), 0),
        "no document holds it now"
    );
    assert_eq!(app.get(&path(&second)).await.json()["title"], "x");
    let trail = app
        .get(&format!(
            "/api/v1/audit-events?resource_type=document&resource_id={}",
            second["id"]
        ))
        .await
        .json();
    let actions: Vec<&str> = trail["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(
        actions.contains(&"document.create") && actions.contains(&"document.purge"),
        "{actions:?}"
    );

    // The same file sent again after its purge is stored anew and served.
    let again = upload(&app, &innovation, None, &parts).await;
    assert_eq!(again.status, 201, "{}", again.text());
    let served = app.get(&format!("{}/content", path(&again.json()))).await;
    assert_eq!(served.body, shared);
}

#[actix_web::test]
async fn a_purge_the_store_cannot_carry_out_purges_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("files");
    let app =
        spawn_app_with(|config| config.storage_url = folder.to_str().unwrap().to_owned()).await;
    let (innovation, _) = innovation(&app, "delivery").await;
    let content = pdf("tetap-ada");
    let document = upload(
        &app,
        &innovation,
        None,
        &[
            Part::Text("kind", "report"),
            Part::Text("title", "Laporan"),
            Part::File("l.pdf", &content),
        ],
    )
    .await
    .json();
    let path = format!(
        "/api/v1/innovations/{}/documents/{}",
        innovation["id"], document["id"]
    );
    // The blob's folder becomes a file: deleting the blob fails.
    let hash = sha256(&content);
    let shelf = folder.join("blobs").join(&hash[..2]);
    let saved = std::fs::read(shelf.join(&hash)).unwrap();
    std::fs::remove_dir_all(&shelf).unwrap();
    std::fs::write(&shelf, b"not a folder").unwrap();

    let refused = app
        .request(Method::POST, &format!("{path}/purge"))
        .send()
        .await;
    assert_eq!(
        refused.problem(503)["type"],
        "https://inovik.example/problems/storage-unavailable"
    );
    let kept = app.get(&path).await.json();
    assert_eq!(
        (kept["purged"].as_bool(), kept["version"].as_i64()),
        (Some(false), Some(1)),
        "{kept}"
    );

    // Once the store works again, the purge goes through.
    std::fs::remove_file(&shelf).unwrap();
    std::fs::create_dir(&shelf).unwrap();
    std::fs::write(shelf.join(&hash), saved).unwrap();
    let purged = app
        .request(Method::POST, &format!("{path}/purge"))
        .send()
        .await;
    assert_eq!(purged.status, 200, "{}", purged.text());
    assert!(!shelf.join(&hash).exists());
}

/// A JPEG with an EXIF segment holding a GPS position, made here.
pub fn photo_with_gps() -> Vec<u8> {
    use img_parts::ImageEXIF;
    let picture = image::DynamicImage::ImageRgb8(image::RgbImage::from_pixel(
        800,
        600,
        image::Rgb([30, 120, 60]),
    ));
    let mut plain = std::io::Cursor::new(Vec::new());
    picture
        .write_to(&mut plain, image::ImageFormat::Jpeg)
        .unwrap();
    let mut jpeg = img_parts::jpeg::Jpeg::from_bytes(plain.into_inner().into()).unwrap();
    jpeg.set_exif(Some(img_parts::Bytes::from_static(
        b"Exif\0\0MM\0*\0\0\0\x08\0\0GPSLatitude -7.6701 GPSLongitude 109.6563",
    )));
    jpeg.encoder().bytes().to_vec()
}

#[actix_web::test]
async fn a_photo_loses_its_gps_position_and_gains_a_thumbnail() {
    let app = spawn_app().await;
    let (innovation, _) = innovation(&app, "delivery").await;
    let original = photo_with_gps();
    let created = upload(
        &app,
        &innovation,
        None,
        &[
            Part::Text("kind", "photo"),
            Part::Text("title", "Posyandu"),
            Part::File("IMG_0001.jpg", &original),
        ],
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.text());
    let document = created.json();
    assert_ne!(
        document["sha256"],
        sha256(&original),
        "what is kept is not what came"
    );
    let kept = app
        .get(&format!(
            "/api/v1/innovations/{}/documents/{}/content",
            innovation["id"], document["id"]
        ))
        .await;
    assert!(
        !kept.body.windows(3).any(|w| w == b"GPS"),
        "the GPS position is gone"
    );
    assert_eq!(
        image::load_from_memory(&kept.body).unwrap().width(),
        800,
        "the picture is intact"
    );
    let thumbnail = app
        .get(&format!(
            "/api/v1/innovations/{}/documents/{}/thumbnail",
            innovation["id"], document["id"]
        ))
        .await;
    assert_eq!(
        thumbnail.header("content-type").as_deref(),
        Some("image/jpeg")
    );
    let small = image::load_from_memory(&thumbnail.body).unwrap();
    assert_eq!((small.width(), small.height()), (480, 360));
    for blob in stored(&app).await.0 {
        let bytes = app.state.storage.read_all(&blob).await.unwrap();
        assert!(
            !bytes.windows(3).any(|w| w == b"GPS"),
            "no stored copy keeps it"
        );
    }
}

#[actix_web::test]
async fn a_retried_upload_with_its_idempotency_key_gets_the_first_answer() {
    let app = spawn_app().await;
    let (innovation, _) = innovation(&app, "design").await;
    let send = |content: Vec<u8>| {
        let body = form(&[
            Part::Text("kind", "report"),
            Part::Text("title", "x"),
            Part::File("r.pdf", &content),
        ]);
        app.request(
            Method::POST,
            &format!("/api/v1/innovations/{}/documents", innovation["id"]),
        )
        .header("idempotency-key", "unggah-1")
        .raw(&format!("multipart/form-data; boundary={BOUNDARY}"), body)
        .send()
    };
    let first = send(pdf("sekali")).await;
    assert_eq!(first.status, 201);
    let retry = send(pdf("sekali")).await;
    assert_eq!(retry.status, 201);
    assert_eq!(retry.header("idempotent-replayed").as_deref(), Some("true"));
    assert_eq!(retry.json()["id"], first.json()["id"]);
    let other = send(pdf("lain")).await;
    assert_eq!(other.problem(422)["errors"][0]["field"], "Idempotency-Key");
    let list = app
        .get(&format!(
            "/api/v1/innovations/{}/documents",
            innovation["id"]
        ))
        .await
        .json();
    assert_eq!(list["total"], 1);
}

#[actix_web::test]
async fn the_store_down_is_503_and_no_row_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("files");
    let app =
        spawn_app_with(|config| config.storage_url = folder.to_str().unwrap().to_owned()).await;
    let (innovation, _) = innovation(&app, "design").await;
    // The store's folder is gone and a file is in its place: every write fails.
    std::fs::remove_dir_all(&folder).unwrap();
    std::fs::write(&folder, b"not a folder").unwrap();
    let down = upload(
        &app,
        &innovation,
        None,
        &[
            Part::Text("kind", "report"),
            Part::Text("title", "x"),
            Part::File("r.pdf", &pdf("hilang")),
        ],
    )
    .await;
    assert_eq!(
        down.problem(503)["type"],
        "https://inovik.example/problems/storage-unavailable"
    );
    assert!(down.header("retry-after").is_some());
    let list = app
        .get(&format!(
            "/api/v1/innovations/{}/documents",
            innovation["id"]
        ))
        .await
        .json();
    assert_eq!(list["total"], 0);
}

#[actix_web::test]
async fn a_blob_lost_behind_our_back_is_503_and_verify_names_it_and_gc_tidies() {
    let app = spawn_app().await;
    let (innovation, _) = innovation(&app, "design").await;
    let content = pdf("hilang");
    let document = upload(
        &app,
        &innovation,
        None,
        &[
            Part::Text("kind", "report"),
            Part::Text("title", "x"),
            Part::File("r.pdf", &content),
        ],
    )
    .await
    .json();
    let kept = upload(
        &app,
        &innovation,
        None,
        &[
            Part::Text("kind", "report"),
            Part::Text("title", "y"),
            Part::File("k.pdf", &pdf("tetap")),
        ],
    )
    .await
    .json();
    let orphan = app.state.storage.put(pdf("yatim").into()).await.unwrap();
    assert!(inovik::operator::storage::verify(&app.state).await.is_ok());

    app.state.storage.delete(&sha256(&content)).await.unwrap();
    let lost = app
        .get(&format!(
            "/api/v1/innovations/{}/documents/{}/content",
            innovation["id"], document["id"]
        ))
        .await;
    lost.problem(503);
    let report = inovik::operator::storage::verify(&app.state)
        .await
        .unwrap_err();
    assert!(
        report.contains(&sha256(&content)) && report.contains("missing"),
        "{report}"
    );
    assert!(
        report.contains(&format!("[{}]", document["id"])),
        "{report}"
    );

    let young = inovik::operator::storage::collect_garbage(&app.state, chrono::Duration::hours(1))
        .await
        .unwrap();
    assert!(young.starts_with("deleted 0"), "{young}");
    let swept = inovik::operator::storage::collect_garbage(&app.state, chrono::Duration::zero())
        .await
        .unwrap();
    assert!(swept.starts_with("deleted 1"), "{swept}");
    let (blobs, _) = stored(&app).await;
    assert_eq!(blobs, vec![kept["sha256"].as_str().unwrap().to_owned()]);
    assert!(!blobs.contains(&orphan.sha256));
}
