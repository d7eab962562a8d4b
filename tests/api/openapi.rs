//! The committed OpenAPI document must be what the code generates.

use std::path::PathBuf;

#[test]
fn committed_openapi_document_matches_the_code() {
    let generated = inovik::api::openapi().to_pretty_json().unwrap() + "\n";
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("openapi/openapi.json");
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "openapi/openapi.json differs from the document the code generates.\n\
         If the API change is intended, regenerate it with:\n\n    \
         cargo run -- openapi > openapi/openapi.json\n"
    );
}

#[test]
fn every_operation_has_an_id_a_summary_a_tag_and_problem_errors() {
    let doc: serde_json::Value =
        serde_json::from_str(&inovik::api::openapi().to_json().unwrap()).unwrap();
    let mut ids = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let id = operation["operationId"]
                .as_str()
                .unwrap_or_else(|| panic!("{method} {path}: no operationId"));
            assert!(
                id.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
                "{id}: verb_resource"
            );
            ids.push(id.to_owned());
            assert!(operation["summary"].is_string(), "{id}: no summary");
            assert!(
                operation["tags"].as_array().is_some_and(|t| !t.is_empty()),
                "{id}: no tag"
            );
            for (status, response) in operation["responses"].as_object().unwrap() {
                if status.starts_with('4') || status.starts_with('5') {
                    let reference = response["$ref"].as_str().unwrap_or_default();
                    assert!(
                        reference.starts_with("#/components/responses/"),
                        "{id} {status}: problem response"
                    );
                }
            }
        }
    }
    let count = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), count, "operation ids are unique");
}
