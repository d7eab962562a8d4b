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
