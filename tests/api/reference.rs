//! `GET /api/v1/reference`: every enum with Indonesian and English labels.

use actix_web::http::Method;

use crate::helpers::spawn_app;

#[actix_web::test]
async fn the_reference_lists_every_enum_value_with_both_labels() {
    let app = spawn_app().await;
    let response = app.get_anonymous("/api/v1/reference").await;
    assert_eq!(response.status, 200);
    let reference = response.json();

    let stages: Vec<(&str, &str, &str)> = reference["lab_stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["value"].as_str().unwrap(),
                v["label"]["id"].as_str().unwrap(),
                v["label"]["en"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        stages[3],
        ("delivery", "Tahap III - Delivery", "Stage III - Delivery")
    );
    assert_eq!(
        stages.iter().map(|s| s.0).collect::<Vec<_>>(),
        ["drum_up", "diagnose", "design", "delivery", "display"],
        "in lab order"
    );

    // The same values as the enums of the OpenAPI document, so neither can drift.
    let doc: serde_json::Value =
        serde_json::from_str(&inovik::api::openapi().to_json().unwrap()).unwrap();
    for (field, schema) in [
        ("agency_kinds", "AgencyKind"),
        ("lab_stages", "LabStage"),
        ("innovation_forms", "InnovationForm"),
        ("initiator_types", "InitiatorType"),
        ("innovation_statuses", "InnovationStatus"),
        ("agreement_statuses", "AgreementStatus"),
        ("amendment_reasons", "AmendmentReason"),
        ("roles", "Role"),
        ("document_kinds", "DocumentKind"),
        ("index_aspects", "Aspect"),
        ("index_catalogue_statuses", "CatalogueStatus"),
    ] {
        let listed: Vec<&str> = reference[field]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["value"].as_str().unwrap())
            .collect();
        let declared: Vec<&str> = doc["components"]["schemas"][schema]["enum"]
            .as_array()
            .unwrap_or_else(|| panic!("{schema} is an enum in the document"))
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert_eq!(listed, declared, "{field}");
    }

    let etag = response.header("etag").unwrap();
    assert_eq!(
        response.header("cache-control").as_deref(),
        Some("public, max-age=3600")
    );
    let again = app
        .request(Method::GET, "/api/v1/reference")
        .anonymous()
        .header("if-none-match", &etag)
        .send()
        .await;
    assert_eq!(again.status, 304);
}
