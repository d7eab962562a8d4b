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
fn committed_openapi_30_rendition_matches_the_code() {
    let generated = serde_json::to_string_pretty(&inovik::api::openapi_30()).unwrap() + "\n";
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("openapi/openapi-3.0.json");
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "openapi/openapi-3.0.json differs from the rendition the code generates.\n\
         If the API change is intended, regenerate it with:\n\n    \
         cargo run -- openapi --openapi-version 3.0 > openapi/openapi-3.0.json\n"
    );
    let doc: serde_json::Value = serde_json::from_str(&generated).unwrap();
    assert_eq!(doc["openapi"], "3.0.3");
    assert!(
        !generated.contains("\"type\": ["),
        "3.0 has no type arrays: nullable instead"
    );
    // The 3.1 document's operations are all there.
    let full: serde_json::Value =
        serde_json::from_str(&inovik::api::openapi().to_json().unwrap()).unwrap();
    let operations = |doc: &serde_json::Value| -> Vec<String> {
        doc["paths"]
            .as_object()
            .unwrap()
            .iter()
            .flat_map(|(path, item)| {
                item.as_object()
                    .unwrap()
                    .keys()
                    .map(move |method| format!("{method} {path}"))
            })
            .collect()
    };
    assert_eq!(operations(&doc), operations(&full));
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

/// Every string a client can send, in a body, a query or a header, has a bound in the
/// schema (a maximum length, a fixed set of values, or a date format), so integrators know
/// the limits and the server can enforce them. File uploads (the CSV import) are bounded
/// by the body limit instead.
#[test]
fn every_string_a_client_sends_is_bounded() {
    let doc: serde_json::Value =
        serde_json::from_str(&inovik::api::openapi().to_json().unwrap()).unwrap();
    let schemas = &doc["components"]["schemas"];
    let mut unbounded = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let name = format!("{} {path}", method.to_uppercase());
            for parameter in operation["parameters"].as_array().into_iter().flatten() {
                let at = format!("{name} {}", parameter["name"]);
                check_bounded(schemas, &parameter["schema"], &at, &mut unbounded);
            }
            let content = operation["requestBody"]["content"].as_object();
            for (media_type, body) in content.into_iter().flatten() {
                if media_type != "text/csv" {
                    let at = format!("{name} {media_type}");
                    check_bounded(schemas, &body["schema"], &at, &mut unbounded);
                }
            }
        }
    }
    assert!(
        unbounded.is_empty(),
        "unbounded strings:\n{}",
        unbounded.join("\n")
    );
}

fn check_bounded(
    schemas: &serde_json::Value,
    schema: &serde_json::Value,
    at: &str,
    unbounded: &mut Vec<String>,
) {
    let schema = match schema["$ref"].as_str() {
        Some(reference) => &schemas[reference.rsplit('/').next().unwrap()],
        None => schema,
    };
    let is_string = schema["type"] == "string"
        || schema["type"]
            .as_array()
            .is_some_and(|types| types.iter().any(|t| t == "string"));
    let bounded = schema["maxLength"].is_u64()
        || schema["enum"].is_array()
        || ["date", "date-time"].contains(&schema["format"].as_str().unwrap_or(""));
    if is_string && !bounded {
        unbounded.push(at.to_owned());
    }
    for (field, property) in schema["properties"].as_object().into_iter().flatten() {
        check_bounded(schemas, property, &format!("{at}.{field}"), unbounded);
    }
    if schema["items"].is_object() {
        check_bounded(schemas, &schema["items"], &format!("{at}[]"), unbounded);
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        for variant in schema[key].as_array().into_iter().flatten() {
            check_bounded(schemas, variant, at, unbounded);
        }
    }
}

/// Swagger UI and generated clients show examples: every request body and every success
/// response with content has one (on the media type, its schema, or an array's items).
#[test]
fn every_body_has_an_example() {
    let doc: serde_json::Value =
        serde_json::from_str(&inovik::api::openapi().to_json().unwrap()).unwrap();
    let components = &doc["components"];
    let resolve = |value: &serde_json::Value| -> serde_json::Value {
        let mut value = value.clone();
        while let Some(reference) = value["$ref"].as_str() {
            let mut target = components;
            for part in reference.split('/').skip(2) {
                target = &target[part];
            }
            value = target.clone();
        }
        value
    };
    let has_example = |media: &serde_json::Value| {
        let schema = resolve(&media["schema"]);
        // A workbook is bytes: there is no example to show in a document.
        if schema["format"] == "binary" {
            return true;
        }
        let items = resolve(&schema["items"]);
        [media, &schema, &items]
            .iter()
            .any(|v| !v["example"].is_null() || v["examples"].is_array())
    };
    let mut missing = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let name = format!("{} {path}", method.to_uppercase());
            let request = resolve(&operation["requestBody"]);
            for (media_type, media) in request["content"].as_object().into_iter().flatten() {
                if !has_example(media) {
                    missing.push(format!("{name} request {media_type}"));
                }
            }
            for (status, response) in operation["responses"].as_object().unwrap() {
                if !status.starts_with('2') {
                    continue;
                }
                let response = resolve(response);
                for (media_type, media) in response["content"].as_object().into_iter().flatten() {
                    if !has_example(media) {
                        missing.push(format!("{name} {status} {media_type}"));
                    }
                }
            }
        }
    }
    assert!(missing.is_empty(), "no example:\n{}", missing.join("\n"));
}

/// What generated clients and validating gateways (openapi-core) need of the document: a
/// header is never null, every `GET` that answers 304 takes `If-None-Match`, a merge patch
/// may be sent as `application/json`, and form fields of the token endpoints are not null.
#[test]
fn the_document_reads_as_clients_and_gateways_need() {
    let doc: serde_json::Value =
        serde_json::from_str(&inovik::api::openapi().to_json().unwrap()).unwrap();
    let mut problems = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let parameters = operation["parameters"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            for parameter in parameters.iter().filter(|p| p["in"] == "header") {
                if parameter["schema"]["type"] != "string" {
                    problems.push(format!(
                        "{method} {path}: header {} may be null",
                        parameter["name"]
                    ));
                }
            }
            let revalidates = operation["responses"].get("304").is_some();
            if method == "get"
                && revalidates
                && !parameters.iter().any(|p| p["name"] == "If-None-Match")
            {
                problems.push(format!(
                    "{method} {path}: answers 304 without If-None-Match"
                ));
            }
            if method == "patch"
                && operation["requestBody"]["content"]
                    .get("application/json")
                    .is_none()
            {
                problems.push(format!("{method} {path}: no application/json body"));
            }
        }
    }
    for schema in ["TokenRequest", "RevokeRequest"] {
        for (field, property) in doc["components"]["schemas"][schema]["properties"]
            .as_object()
            .unwrap()
        {
            if property["type"] != "string" {
                problems.push(format!("{schema}.{field} may be null"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Every integer in the document has a format and both bounds, every string a length (or
/// a set of values) and every array a length: the server's own (OWASP API4). Only what
/// follows the size of the registry rather than of a request has none: the streamed CSV
/// and XLSX exports, an agreement's document and canonical form, the index summary (as many commitments as
/// it has), the statistics per agency or cohort, and the metrics.
#[test]
fn every_value_is_bounded_but_what_follows_the_registry() {
    let doc = serde_json::to_value(inovik::api::openapi()).unwrap();
    let mut unbounded = Vec::new();
    find_unbounded(&doc, String::new(), &mut unbounded);
    let follows_the_registry = [
        "/responses/200/content/text/csv/",
        "spreadsheetml.sheet/schema",
        "/document/get/responses/200/content/text/html/",
        "/summary/get/responses/200/content/text/html/",
        "/paths//metrics/",
        "/Verification/properties/canonical_document",
        "/InnovationStats/properties/groups",
        "/paths//api/v1/stats/agreements/get/responses/200/",
    ];
    unbounded.retain(|at| {
        at.contains("/requestBody/") || !follows_the_registry.iter().any(|part| at.contains(part))
    });
    assert!(unbounded.is_empty(), "unbounded:\n{}", unbounded.join("\n"));
}

fn find_unbounded(value: &serde_json::Value, at: String, unbounded: &mut Vec<String>) {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            let types: Vec<&str> = match map.get("type") {
                Some(Value::String(one)) => vec![one.as_str()],
                Some(Value::Array(many)) => many.iter().filter_map(Value::as_str).collect(),
                _ => Vec::new(),
            };
            let has = |key: &str| map.contains_key(key);
            let bounded = |kind: &str| match kind {
                "integer" => has("format") && has("minimum") && has("maximum"),
                "string" => has("maxLength") || has("enum") || has("const"),
                "array" => has("maxItems"),
                _ => true,
            };
            if !types.iter().all(|kind| bounded(kind)) {
                unbounded.push(at.clone());
            }
            for (key, child) in map {
                find_unbounded(child, format!("{at}/{key}"), unbounded);
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                find_unbounded(item, format!("{at}/{index}"), unbounded);
            }
        }
        _ => {}
    }
}
