//! Listing agencies: filters, search, sort, page and cursor modes, `Link`, CSV.

use actix_web::http::Method;
use diesel::Connection;
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app};

fn codes(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["code"].as_str().unwrap().to_owned())
        .collect()
}

async fn seed_story(app: &TestApp) {
    let setda = app
        .create_agency(json!({"code": "SETDA", "name": "Sekretariat Daerah"}))
        .await;
    for (code, name, kind, parent) in [
        (
            "BAG-HUKUM",
            "Bagian Hukum Setda",
            "secretariat_section",
            Some(&setda),
        ),
        (
            "BAG-TAPEM",
            "Bagian Tata Pemerintahan Setda",
            "secretariat_section",
            Some(&setda),
        ),
        (
            "BPMPT",
            "Badan Penanaman Modal dan Pelayanan Terpadu",
            "agency",
            None,
        ),
        ("RSUD", "RSUD dr. Soedirman", "hospital", None),
        (
            "PKM-GOMBONG-1",
            "UPT Puskesmas Gombong I",
            "health_center",
            None,
        ),
        ("PDAM", "Perumda Air Minum Tirta Bumi", "enterprise", None),
    ] {
        app.create_agency(json!({
            "code": code, "name": name, "kind": kind,
            "parent_id": parent.map(|p| p["id"].clone())
        }))
        .await;
    }
}

#[actix_web::test]
async fn filters_combine_and_accept_lists() {
    let app = spawn_app().await;
    seed_story(&app).await;

    let health = app
        .get("/api/v1/agencies?kind=health_center,hospital")
        .await
        .json();
    assert_eq!(
        codes(&health),
        vec!["RSUD", "PKM-GOMBONG-1"],
        "sorted by name"
    );
    assert_eq!(health["total"], 2);

    let setda_id = app.get("/api/v1/agencies?q=sekretariat").await.json()["items"][0]["id"].clone();
    let sections = app
        .get(&format!("/api/v1/agencies?parent_id={setda_id}"))
        .await
        .json();
    assert_eq!(codes(&sections), vec!["BAG-HUKUM", "BAG-TAPEM"]);

    app.delete(&format!("/api/v1/agencies/{}", sections["items"][0]["id"]))
        .await;
    let active_sections = app
        .get(&format!(
            "/api/v1/agencies?parent_id={setda_id}&active=true"
        ))
        .await
        .json();
    assert_eq!(codes(&active_sections), vec!["BAG-TAPEM"]);
    let archived = app.get("/api/v1/agencies?active=false").await.json();
    assert_eq!(codes(&archived), vec!["BAG-HUKUM"]);

    assert_eq!(
        app.get("/api/v1/agencies?region_code=3305").await.json()["total"],
        7
    );
    assert_eq!(
        app.get("/api/v1/agencies?region_code=3306").await.json()["total"],
        0
    );
}

#[actix_web::test]
async fn q_is_case_insensitive_literal_and_the_same_on_every_backend() {
    let app = spawn_app().await;
    seed_story(&app).await;
    app.create_agency(
        json!({"code": "UBER", "name": "Ärztekammer ÜBERSICHT", "short_name": "100% Ärzte"}),
    )
    .await;

    let search = |q: &str| {
        let q = q.to_owned();
        let app = &app;
        async move {
            let query = serde_urlencoded_q(&q);
            codes(&app.get(&format!("/api/v1/agencies?{query}")).await.json())
        }
    };
    assert_eq!(
        search("setda").await,
        vec!["BAG-HUKUM", "BAG-TAPEM", "SETDA"],
        "names and codes"
    );
    assert_eq!(search("tata pemerintahan").await, vec!["BAG-TAPEM"]);
    assert_eq!(search("GOMBONG").await, vec!["PKM-GOMBONG-1"]);
    assert_eq!(
        search("pkm-gombong").await,
        vec!["PKM-GOMBONG-1"],
        "matches codes"
    );
    assert_eq!(
        search("übersicht").await,
        vec!["UBER"],
        "Unicode case folding on both backends"
    );
    assert_eq!(search("100%").await, vec!["UBER"], "% is literal");
    assert_eq!(search("_").await, Vec::<String>::new(), "_ is literal");
}

fn serde_urlencoded_q(q: &str) -> String {
    let mut out = String::from("q=");
    for byte in q.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => out.push(byte as char),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[actix_web::test]
async fn sorts_by_each_offered_field_both_ways() {
    let app = spawn_app().await;
    // Byte order on both backends, whatever PostgreSQL's locale: upper case first.
    for (code, name) in [
        ("B-2", "Charlie"),
        ("C-3", "Alpha"),
        ("A-1", "Bravo"),
        ("D-4", "alpha"),
    ] {
        app.create_agency(json!({"code": code, "name": name})).await;
    }
    let sorted = |query: &'static str| {
        let app = &app;
        async move {
            codes(
                &app.get(&format!("/api/v1/agencies?sort={query}"))
                    .await
                    .json(),
            )
        }
    };
    assert_eq!(sorted("name").await, vec!["C-3", "A-1", "B-2", "D-4"]);
    assert_eq!(sorted("-name").await, vec!["D-4", "B-2", "A-1", "C-3"]);
    assert_eq!(sorted("code").await, vec!["A-1", "B-2", "C-3", "D-4"]);
    assert_eq!(sorted("-code").await, vec!["D-4", "C-3", "B-2", "A-1"]);
    assert_eq!(sorted("created_at").await, vec!["B-2", "C-3", "A-1", "D-4"]);
    assert_eq!(
        sorted("-created_at").await,
        vec!["D-4", "A-1", "C-3", "B-2"]
    );
}

#[actix_web::test]
async fn page_mode_has_total_and_link_headers() {
    let app = spawn_app().await;
    for i in 0..5 {
        app.create_agency(json!({"code": format!("AG-{i}"), "name": format!("Dinas {i}")}))
            .await;
    }

    let response = app
        .get("/api/v1/agencies?per_page=2&page=2&kind=agency")
        .await;
    let page = response.json();
    assert_eq!(codes(&page), vec!["AG-2", "AG-3"]);
    assert_eq!(
        (
            page["page"].clone(),
            page["per_page"].clone(),
            page["total"].clone()
        ),
        (json!(2), json!(2), json!(5))
    );
    let link = response.header("link").unwrap();
    let base = "http://127.0.0.1:8080/api/v1/agencies?per_page=2&kind=agency";
    assert_eq!(
        link,
        format!(
            "<{base}&page=1>; rel=\"first\", <{base}&page=1>; rel=\"prev\", \
             <{base}&page=3>; rel=\"next\", <{base}&page=3>; rel=\"last\""
        )
    );

    let beyond = app.get("/api/v1/agencies?per_page=2&page=9").await.json();
    assert_eq!(beyond["items"], json!([]));
    assert_eq!(beyond["total"], 5);
}

#[actix_web::test]
async fn cursor_mode_walks_every_row_once_in_any_sort() {
    let app = spawn_app().await;
    for i in 0..7 {
        // Equal names force the id tie-break.
        app.create_agency(json!({"code": format!("AG-{i}"), "name": format!("Dinas {}", i % 3)}))
            .await;
    }
    for sort in ["name", "-name", "code", "-created_at"] {
        let mut seen = Vec::new();
        let mut path = format!("/api/v1/agencies?per_page=3&sort={sort}&cursor=");
        let mut pages = 0;
        loop {
            let response = app.get(&path).await;
            assert_eq!(response.status, 200, "{}", response.text());
            let page = response.json();
            assert_eq!(page["page"], Value::Null);
            assert_eq!(page["total"], Value::Null);
            seen.extend(codes(&page));
            pages += 1;
            match page["next_cursor"].as_str() {
                Some(cursor) => {
                    let link = response.header("link").unwrap();
                    assert!(link.contains(cursor) && link.ends_with("rel=\"next\""));
                    path = format!("/api/v1/agencies?per_page=3&sort={sort}&cursor={cursor}");
                }
                None => break,
            }
        }
        assert_eq!(pages, 3, "{sort}");
        let page_mode = app
            .get(&format!("/api/v1/agencies?per_page=100&sort={sort}"))
            .await
            .json();
        assert_eq!(
            seen,
            codes(&page_mode),
            "cursor and page mode agree for {sort}"
        );
    }
}

#[actix_web::test]
async fn bad_list_parameters_are_one_422() {
    let app = spawn_app().await;
    let response = app
        .get("/api/v1/agencies?per_page=101&sort=colour&kind=ministry&active=yes&colour=red&updated_since=yesterday")
        .await;
    response.problem(422);
    let mut errors = response.field_errors();
    errors.sort();
    assert_eq!(
        errors,
        vec![
            ("active".into(), "invalid_boolean".into()),
            ("colour".into(), "unknown_parameter".into()),
            ("kind".into(), "invalid_choice".into()),
            ("per_page".into(), "range".into()),
            ("sort".into(), "invalid_choice".into()),
            ("updated_since".into(), "invalid_datetime".into()),
        ]
    );

    for query in [
        "cursor=nonsense",
        "page=0",
        "page=1&cursor=",
        "per_page=0",
        "page=1&page=2",
    ] {
        app.get(&format!("/api/v1/agencies?{query}"))
            .await
            .problem(422);
    }
    let by_code = app
        .get("/api/v1/agencies?sort=code&per_page=1&cursor=")
        .await;
    assert_eq!(by_code.status, 200);
}

#[actix_web::test]
async fn a_cursor_for_another_sort_is_refused() {
    let app = spawn_app().await;
    for i in 0..3 {
        app.create_agency(json!({"code": format!("AG-{i}")})).await;
    }
    let page = app
        .get("/api/v1/agencies?per_page=1&sort=code&cursor=")
        .await
        .json();
    let cursor = page["next_cursor"].as_str().unwrap();
    let response = app
        .get(&format!(
            "/api/v1/agencies?per_page=1&sort=name&cursor={cursor}"
        ))
        .await;
    response.problem(422);
    assert_eq!(
        response.field_errors(),
        vec![("cursor".into(), "cursor_sort_mismatch".into())]
    );
}

#[actix_web::test]
async fn updated_since_returns_changes_including_archived() {
    let app = spawn_app().await;
    let old = app.create_agency(json!({"code": "OLD"})).await;
    app.create_agency(json!({"code": "UNTOUCHED"})).await;
    std::thread::sleep(std::time::Duration::from_millis(20));
    let since = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    app.delete(&format!("/api/v1/agencies/{}", old["id"])).await;
    app.create_agency(json!({"code": "NEW"})).await;

    let changed = app
        .get(&format!(
            "/api/v1/agencies?sort=code&updated_since={}",
            since.replace('+', "%2B")
        ))
        .await
        .json();
    assert_eq!(codes(&changed), vec!["NEW", "OLD"]);
}

#[actix_web::test]
async fn an_unchanged_list_is_304() {
    let app = spawn_app().await;
    app.create_agency(json!({})).await;
    let first = app.get("/api/v1/agencies").await;
    let etag = first.header("etag").unwrap();
    assert!(etag.starts_with("W/\""));
    let again = app
        .request(Method::GET, "/api/v1/agencies")
        .header("if-none-match", &etag)
        .send()
        .await;
    assert_eq!(again.status, 304);

    app.create_agency(json!({"code": "AG-2"})).await;
    let changed = app
        .request(Method::GET, "/api/v1/agencies")
        .header("if-none-match", &etag)
        .send()
        .await;
    assert_eq!(changed.status, 200);
}

#[actix_web::test]
async fn csv_export_has_bom_header_and_neutralised_cells() {
    let app = spawn_app().await;
    app.create_agency(json!({"code": "AG-1", "name": "=HYPERLINK(\"http://x\")", "short_name": "Dinas; \"Satu\""}))
        .await;
    app.create_agency(
        json!({"code": "AG-2", "name": "Dinas Dua", "head_nip": "19780512 200501 2 003"}),
    )
    .await;

    let response = app
        .request(Method::GET, "/api/v1/agencies?sort=code")
        .header("accept", "text/csv")
        .send()
        .await;
    assert_eq!(response.status, 200);
    assert_eq!(
        response.header("content-type").as_deref(),
        Some("text/csv; charset=utf-8")
    );
    let text = response.text();
    assert!(text.starts_with('\u{feff}'), "UTF-8 BOM for Excel");
    let lines: Vec<&str> = text.trim_start_matches('\u{feff}').split("\r\n").collect();
    assert_eq!(
        lines[0],
        "id,code,name,short_name,kind,parent_id,region_code,head_name,head_nip,head_title,\
         address,phone,email,active,version,created_at,updated_at"
    );
    assert!(lines[1].starts_with(
        "1,AG-1,\"'=HYPERLINK(\"\"http://x\"\")\",\"Dinas; \"\"Satu\"\"\",agency,,3305,"
    ));
    assert!(lines[1].contains(",true,1,"));
    assert!(
        lines[2].contains(",197805122005012003,"),
        "a signed-in export has the NIP"
    );
    let public = app
        .request(Method::GET, "/api/v1/agencies?format=csv")
        .anonymous()
        .send()
        .await;
    assert!(
        !public.text().contains("197805122005012003"),
        "no NIP in an anonymous export"
    );
    assert_eq!(lines.len(), 4, "two rows and the final CRLF");

    let semicolon = app
        .get("/api/v1/agencies?format=csv&delimiter=semicolon&sort=code")
        .await
        .text();
    assert!(semicolon.contains("\r\n2;AG-2;Dinas Dua;;agency;"));
}

#[actix_web::test]
async fn csv_export_streams_every_row_past_the_batch_size() {
    let app = spawn_app().await;
    // Arrange through the store: 1,203 agencies over HTTP would only slow the test down.
    let mut conn = app.state.db.get().unwrap();
    let context = inovik::db::WriteContext {
        caller: inovik::http::caller::Caller::System,
        request_id: "test-setup".into(),
        idempotency: None,
    };
    conn.transaction::<_, inovik::error::ApiError, _>(|conn| {
        for i in 0..1203 {
            inovik::store::agencies::insert(
                conn,
                &context,
                inovik::domain::agency::AgencyDraft {
                    code: format!("AG-{i:04}"),
                    name: format!("Dinas {}", i % 10),
                    short_name: None,
                    kind: inovik::domain::agency::AgencyKind::Agency,
                    parent_id: None,
                    region_code: "3305".into(),
                    head_name: None,
                    head_nip: None,
                    head_title: None,
                    address: None,
                    phone: None,
                    email: None,
                    active: true,
                },
            )?;
        }
        Ok(())
    })
    .unwrap();
    drop(conn);

    let text = app.get("/api/v1/agencies?format=csv").await.text();
    let rows: Vec<&str> = text
        .split("\r\n")
        .skip(1)
        .filter(|l| !l.is_empty())
        .collect();
    assert_eq!(rows.len(), 1203);
    let mut codes: Vec<&str> = rows.iter().map(|r| r.split(',').nth(1).unwrap()).collect();
    codes.sort();
    codes.dedup();
    assert_eq!(codes.len(), 1203, "no row twice");
    let filtered = app
        .get("/api/v1/agencies?format=csv&q=dinas%203")
        .await
        .text();
    assert_eq!(
        filtered
            .split("\r\n")
            .filter(|l| l.contains("Dinas 3"))
            .count(),
        120
    );
}

#[actix_web::test]
async fn each_csv_list_has_an_export_operation_of_its_own_that_takes_no_paging() {
    let app = spawn_app().await;
    seed_story(&app).await;
    for collection in ["agencies", "innovations", "performance-agreements"] {
        let negotiated = app
            .request(Method::GET, &format!("/api/v1/{collection}"))
            .header("accept", "text/csv")
            .send()
            .await;
        // A generated client sends its own Accept (or none): the export answers CSV anyway.
        let export = app
            .request(Method::GET, &format!("/api/v1/{collection}/export.csv"))
            .header("accept", "application/json")
            .send()
            .await;
        assert_eq!(export.status, 200, "{collection}: {}", export.text());
        assert_eq!(
            export.header("content-type").as_deref(),
            Some("text/csv; charset=utf-8")
        );
        assert_eq!(
            export.header("content-disposition"),
            negotiated.header("content-disposition")
        );
        assert_eq!(
            export.text(),
            negotiated.text(),
            "{collection}: the same rows"
        );
        for paging in ["page=1", "per_page=5", "cursor=", "format=json"] {
            let refused = app
                .get(&format!("/api/v1/{collection}/export.csv?{paging}"))
                .await;
            let name = paging.split('=').next().unwrap();
            assert_eq!(
                refused.field_errors(),
                vec![(name.to_owned(), "unknown_parameter".to_owned())],
                "{collection}?{paging}"
            );
        }
    }
    let filtered = app
        .get("/api/v1/agencies/export.csv?kind=health_center&delimiter=semicolon&sort=code")
        .await
        .text();
    let rows: Vec<&str> = filtered
        .split("\r\n")
        .skip(1)
        .filter(|l| !l.is_empty())
        .collect();
    assert!(!rows.is_empty());
    assert!(
        rows.iter().all(|row| row.contains(";health_center;")),
        "{filtered}"
    );
}
