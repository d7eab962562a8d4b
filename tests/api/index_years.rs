//! `/api/v1/index-years/{year}` on both backends: the demo's assessments figured by the
//! illustrative catalogue's formula, by self and by verified scores, worked out by hand
//! below; counts by status; what each agency still owes.

use serde_json::json;

use crate::helpers::spawn_app;

#[actix_web::test]
async fn a_year_is_figured_by_self_and_verified_scores_with_what_each_agency_still_owes() {
    let app = spawn_app().await;
    inovik::seed::demo(&app.state).await.unwrap();
    let year = chrono::Datelike::year(&app.state.config.today());
    let response = app.get(&format!("/api/v1/index-years/{year}")).await;
    assert_eq!(response.status, 200, "{}", response.text());
    assert!(response.header("etag").is_some());
    let figures = response.json();

    // Self: the region's own 35.00 (P.2 still lacks evidence); innovations MUTTU 1000
    // 65.00 + Siperi 65.00 + ELEGAN 25.00 = 155.00 over max(10, 3) = 15.50;
    // index (25.2 * 35.00 + 74.8 * 15.50) / 100 = (882.00 + 1159.40) / 100 = 20.414 -> 20.41,
    // not assessable: the region's own assessment is incomplete.
    assert_eq!(
        figures["self_assessed"],
        json!({"government": "35.00", "innovation": "15.50", "innovations": 3,
               "index": "20.41", "grade": "Tidak Dapat Dinilai", "assessable": false})
    );
    // Verified: only MUTTU 1000 (55.00) over max(10, 1) = 5.50; the region's own is not
    // verified; index 74.8 * 5.50 / 100 = 4.114 -> 4.11.
    assert_eq!(
        figures["verified"],
        json!({"government": null, "innovation": "5.50", "innovations": 1,
               "index": "4.11", "grade": "Tidak Dapat Dinilai", "assessable": false})
    );
    assert_eq!(
        figures["statuses"],
        json!({"draft": 2, "submitted": 1, "returned": 0, "verified": 1})
    );

    // Every innovation not yet assessed is owed by its agency; ELEGAN's draft lacks
    // evidence; Siperi waits for a reviewer.
    let outstanding = figures["outstanding"].as_array().unwrap();
    let sum = |field: &str| {
        outstanding
            .iter()
            .map(|a| a[field].as_i64().unwrap())
            .sum::<i64>()
    };
    let innovations = app.get("/api/v1/innovations?per_page=1").await.json()["total"]
        .as_i64()
        .unwrap();
    assert_eq!(sum("not_started"), innovations - 3, "{figures}");
    assert_eq!(
        (
            sum("missing_evidence"),
            sum("not_submitted"),
            sum("awaiting_verification")
        ),
        (1, 0, 1)
    );
    app.get_anonymous(&format!("/api/v1/index-years/{year}"))
        .await
        .problem(401);
    app.get("/api/v1/index-years/2099").await.problem(404);
}

/// `(rank, name, score)` of a ranking page.
fn places(page: &serde_json::Value, name: &str, score: &str) -> Vec<(i64, String, String)> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["rank"].as_i64().unwrap(),
                r[name].as_str().unwrap().to_owned(),
                r[score].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[actix_web::test]
async fn innovations_and_agencies_are_ranked_by_self_or_verified_scores() {
    let app = spawn_app().await;
    inovik::seed::demo(&app.state).await.unwrap();
    let year = chrono::Datelike::year(&app.state.config.today());
    let base = format!("/api/v1/index-years/{year}");
    let by_self = app.get(&format!("{base}/innovation-rankings")).await.json();
    let place = |rank: i64, name: &str, score: &str| (rank, name.to_owned(), score.to_owned());
    // A tie shares its place (by name within it); the next place skips.
    assert_eq!(
        places(&by_self, "innovation_name", "score"),
        [
            place(1, "MUTTU 1000", "65.00"),
            place(1, "Siperi", "65.00"),
            place(3, "ELEGAN", "25.00")
        ]
    );
    assert_eq!(by_self["total"], 3);
    let verified = app
        .get(&format!("{base}/innovation-rankings?basis=verified"))
        .await
        .json();
    assert_eq!(
        places(&verified, "innovation_name", "score"),
        [place(1, "MUTTU 1000", "55.00")]
    );
    // Filters keep the region's ranks.
    let drafts = app
        .get(&format!("{base}/innovation-rankings?status=draft"))
        .await
        .json();
    assert_eq!(
        places(&drafts, "innovation_name", "score"),
        [place(3, "ELEGAN", "25.00")]
    );
    app.get(&format!("{base}/innovation-rankings?basis=best"))
        .await
        .problem(422);

    // An agency's index: its innovations' self scores over max(10, n); here n <= 3, so
    // the sum over 10. Agencies without assessments follow at 0.00, not assessable.
    // It is graded only with a complete assessment among them.
    let mut expected: std::collections::BTreeMap<i64, i64> = Default::default();
    let mut complete = std::collections::BTreeSet::new();
    for row in by_self["items"].as_array().unwrap() {
        let cents = (row["score"].as_str().unwrap().parse::<f64>().unwrap() * 100.0) as i64;
        let agency = row["agency_id"].as_i64().unwrap();
        *expected.entry(agency).or_default() += cents;
        if row["complete"] == json!(true) {
            complete.insert(agency);
        }
    }
    let mut agencies = Vec::new();
    let mut cursor = String::new();
    loop {
        let page = app
            .get(&format!(
                "{base}/agency-rankings?per_page=7&cursor={cursor}"
            ))
            .await
            .json();
        agencies.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(next) => cursor = next.to_owned(),
            None => break,
        }
    }
    let total = app.get(&format!("{base}/agency-rankings")).await.json()["total"]
        .as_i64()
        .unwrap();
    assert_eq!(agencies.len() as i64, total);
    for (position, agency) in agencies.iter().enumerate() {
        let id = agency["agency_id"].as_i64().unwrap();
        let cents = expected.get(&id).copied().unwrap_or(0);
        let index = format!("{}.{:02}", cents / 1000, (cents % 1000 + 5) / 10);
        assert_eq!(agency["index"], json!(index), "{agency}");
        assert_eq!(
            agency["assessable"],
            json!(complete.contains(&id)),
            "{agency}"
        );
        if position < expected.len() {
            assert!(
                expected.contains_key(&id),
                "assessed agencies first: {agency}"
            );
        }
    }
}

#[actix_web::test]
async fn the_assessment_workbook_has_a_sheet_per_aspect_with_evidence_links_and_verdicts() {
    use calamine::{Reader, Xlsx};
    let app = spawn_app().await;
    inovik::seed::demo(&app.state).await.unwrap();
    let year = chrono::Datelike::year(&app.state.config.today());
    let response = app
        .get(&format!("/api/v1/index-years/{year}/workbook.xlsx"))
        .await;
    assert_eq!(response.status, 200, "{}", response.text());
    assert_eq!(
        response.header("content-disposition").unwrap(),
        format!("attachment; filename=\"indeks-inovasi-{year}.xlsx\"")
    );
    let mut workbook: Xlsx<_> = Xlsx::new(std::io::Cursor::new(response.body.clone())).unwrap();
    assert_eq!(
        workbook.sheet_names(),
        ["Aspek Pemerintah Daerah", "Aspek Inovasi Daerah"]
    );
    let sheet = |workbook: &mut Xlsx<_>, index: usize| -> Vec<Vec<String>> {
        workbook
            .worksheet_range_at(index)
            .unwrap()
            .unwrap()
            .rows()
            .map(|row| row.iter().map(|cell| cell.to_string()).collect())
            .collect()
    };
    let government = sheet(&mut workbook, 0);
    let innovations = sheet(&mut workbook, 1);
    let header = &government[0];
    let column = |name: &str| header.iter().position(|c| c == name).unwrap();
    // The region's own answers all three government indicators; three innovations answer
    // five each.
    assert_eq!((government.len(), innovations.len()), (1 + 3, 1 + 15));
    let row = |sheet: &[Vec<String>], name: &str, code: &str| {
        sheet
            .iter()
            .find(|r| r[column("innovation_name")] == name && r[column("indicator_code")] == code)
            .unwrap_or_else(|| panic!("{name} {code}"))
            .clone()
    };
    let decree = row(&innovations, "MUTTU 1000", "K.1");
    assert_eq!(
        (
            decree[column("option_label")].as_str(),
            decree[column("weight")].as_str(),
            decree[column("verdict")].as_str(),
            decree[column("evidence_missing")].as_str()
        ),
        ("SK/Perbup Bupati", "25.00", "accepted", "false")
    );
    let link = &decree[column("evidence")];
    assert!(link.ends_with("/content"), "{link}");
    let path = link
        .split_once("/api/")
        .map(|(_, p)| format!("/api/{p}"))
        .unwrap();
    assert_eq!(app.get(&path).await.status, 200, "{link}");
    let replication = row(&innovations, "MUTTU 1000", "M.2");
    assert_eq!(
        (
            replication[column("verdict")].as_str(),
            replication[column("verified_option_label")].as_str()
        ),
        ("adjusted", "Belum")
    );
    let budget = row(&government, "", "P.2");
    assert_eq!(
        (
            budget[column("option_label")].as_str(),
            budget[column("evidence_missing")].as_str()
        ),
        ("", "true")
    );

    // The same rows as CSV, one table.
    let csv = app
        .get(&format!("/api/v1/index-years/{year}/workbook.csv"))
        .await;
    assert_eq!(csv.status, 200, "{}", csv.text());
    let text = csv.text();
    let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines.len(), 1 + 3 + 15);
    assert!(
        lines[0].starts_with("aspect,assessment_id,"),
        "{}",
        lines[0]
    );
    app.get_anonymous(&format!("/api/v1/index-years/{year}/workbook.csv"))
        .await
        .problem(401);
}

#[actix_web::test]
async fn the_printable_summary_shows_the_year_for_the_bupati_in_indonesian() {
    let app = spawn_app().await;
    inovik::seed::demo(&app.state).await.unwrap();
    let year = chrono::Datelike::year(&app.state.config.today());
    // An agency whose name would be markup if it were not escaped, with an innovation not
    // yet assessed (so it is ranked and owes an assessment).
    let agency = app
        .create_agency(json!({"code": "UJI-HTML", "name": "Dinas <b>Uji</b> & Co"}))
        .await;
    let cohort = app.create_cohort("Angkatan Uji").await;
    app.create_innovation(&cohort["id"], &agency["id"], json!({"name": "Inovasi Uji"}))
        .await;

    let response = app
        .get(&format!(
            "/api/v1/index-years/{year}/summary?basis=verified"
        ))
        .await;
    assert_eq!(response.status, 200, "{}", response.text());
    assert_eq!(
        response.header("content-type").unwrap(),
        "text/html; charset=utf-8"
    );
    assert!(
        response
            .header("content-security-policy")
            .unwrap()
            .starts_with("default-src 'none'")
    );
    let page = response.text();
    let has = |part: &str| assert!(page.contains(part), "{part} not in {page}");
    has(&format!(
        "<h1>RINGKASAN INDEKS INOVASI DAERAH TAHUN {year}</h1>"
    ));
    has("Peringkat menurut: Nilai terverifikasi");
    has("Katalog ilustratif, bukan katalog resmi Kemendagri");
    // The figures of the JSON endpoint (worked out in the first test above).
    has("<tr><td>Indeks Inovasi Daerah</td><td>20.41</td><td>4.11</td></tr>");
    has("<tr><td>Aspek Pemerintah Daerah</td><td>35.00</td><td>-</td></tr>");
    has(
        "<tr><td>Aspek Inovasi Daerah</td><td>15.50 (3 inovasi)</td><td>5.50 (1 inovasi)</td></tr>",
    );
    has("<tr><td>Diajukan</td><td>1</td></tr>");
    // By verified scores only MUTTU 1000 is ranked.
    has("<tr><td>1</td><td>MUTTU 1000</td><td>");
    has("</td><td>Terverifikasi</td><td>55.00</td></tr>");
    assert!(!page.contains("<td>Siperi</td>"), "{page}");
    // Stored text is escaped wherever it is printed.
    has("Dinas &lt;b&gt;Uji&lt;/b&gt; &amp; Co");
    assert!(!page.contains("<b>Uji</b>"), "{page}");

    // By self scores the three innovations being written are ranked too.
    let by_self = app
        .get(&format!("/api/v1/index-years/{year}/summary"))
        .await
        .text();
    assert!(by_self.contains("Peringkat menurut: Nilai mandiri"));
    assert!(by_self.contains("<td>Siperi</td>"), "{by_self}");

    app.get(&format!("/api/v1/index-years/{year}/summary?basis=best"))
        .await
        .problem(422);
    app.get_anonymous(&format!("/api/v1/index-years/{year}/summary"))
        .await
        .problem(401);
    app.get("/api/v1/index-years/2099/summary")
        .await
        .problem(404);
}
