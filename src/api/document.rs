//! What the OpenAPI document says about behaviour shared by many operations, added once
//! after the routes are collected rather than repeated in every handler's annotation.

use utoipa::openapi::extensions::Extensions;
use utoipa::openapi::link::LinkBuilder;
use utoipa::openapi::path::{HttpMethod, Operation, ParameterBuilder, ParameterIn, PathItem};
use utoipa::openapi::schema::ArrayItems;
use utoipa::openapi::security::SecurityRequirement;
use utoipa::openapi::server::Server;
use utoipa::openapi::{Deprecated, ObjectBuilder, OpenApi, Ref, RefOr, Required, Schema, Type};

use super::idempotency::MAX_KEY_LEN;
use crate::http::limits::MAX_CONDITION_BYTES;

/// The operations of a path item, for the passes that change every one of them.
fn operations_mut(item: &mut PathItem) -> impl Iterator<Item = &mut Operation> {
    operations_by_method(item).map(|(_, operation)| operation)
}

/// Completes the generated document; called wherever it is generated.
pub fn complete(doc: &mut OpenApi) {
    declare_servers_and_public_operations(doc);
    document_common_errors(doc);
    document_idempotency_keys(doc);
    document_request_limits(doc);
    document_rate_limits(doc);
    bound_condition_headers(doc);
    accept_json_merge_patches(doc);
    link_created_resources(doc);
    add_list_examples(doc);
    add_reference_example(doc);
    reference_page_items(doc);
    allow_empty_cursors(doc);
    declare_workbooks_binary(doc);
    super::document_limits::complete(doc);
}

/// A workbook (XLSX) is bytes, not text: its schema says `format: binary`, which
/// generated clients read as a file (openapi-python-client, with the workbook's media type
/// mapped to `application/octet-stream`), and the 3.0 rendition keeps.
fn declare_workbooks_binary(doc: &mut OpenApi) {
    use utoipa::openapi::{KnownFormat, SchemaFormat};
    for item in doc.paths.paths.values_mut() {
        for operation in operations_mut(item) {
            let requests = operation
                .request_body
                .iter_mut()
                .flat_map(|body| body.content.iter_mut());
            let responses = response_contents(operation.responses.responses.values_mut());
            for (media_type, content) in requests.chain(responses) {
                if media_type == crate::http::xlsx::CONTENT_TYPE
                    && let Some(RefOr::T(Schema::Object(file))) = content.schema.as_mut()
                {
                    file.format = Some(SchemaFormat::KnownFormat(KnownFormat::Binary));
                }
            }
        }
    }
}

/// Every media type of `responses` written in place (not a reference to a component).
pub(super) fn response_contents<'a>(
    responses: impl Iterator<Item = &'a mut RefOr<utoipa::openapi::Response>>,
) -> impl Iterator<Item = (&'a String, &'a mut utoipa::openapi::Content)> {
    responses
        .filter_map(|response| match response {
            RefOr::T(response) => Some(response.content.iter_mut()),
            RefOr::Ref(_) => None,
        })
        .flatten()
}

/// `cursor=` (empty) starts cursor mode, so validators (openapi-core) must not refuse an
/// empty `cursor` as they do any empty query parameter by default. utoipa has no field for
/// `allowEmptyValue` (deprecated in 3.1, still read by validators): it is written as a
/// key beside the parameter's own.
fn allow_empty_cursors(doc: &mut OpenApi) {
    for item in doc.paths.paths.values_mut() {
        for operation in operations_mut(item) {
            for parameter in operation.parameters.iter_mut().flatten() {
                if parameter.name == "cursor" && parameter.parameter_in == ParameterIn::Query {
                    parameter
                        .extensions
                        .get_or_insert_with(Default::default)
                        .insert("allowEmptyValue".to_owned(), serde_json::Value::Bool(true));
                }
            }
        }
    }
}

/// The committed document is served from wherever the API runs: `servers` is the root
/// (the running server substitutes `INOVIK_PUBLIC_URL`, see [`served`]), and it is for
/// the public (`x-internal: false`: an open registry anyone may read). The probes outside
/// `/api/v1` take no credentials, said with an empty `security` rather than left unsaid,
/// so gateways and linters do not guess.
fn declare_servers_and_public_operations(doc: &mut OpenApi) {
    doc.servers = Some(vec![public_server("/")]);
    for (path, item) in doc.paths.paths.iter_mut() {
        if path.starts_with("/api/v1/") {
            continue;
        }
        for operation in operations_mut(item) {
            operation.security.get_or_insert_with(Vec::new);
        }
    }
}

/// The document as a running server serves it: `servers` names its public URL.
pub fn served(mut doc: OpenApi, public_url: &str) -> OpenApi {
    doc.servers = Some(vec![public_server(public_url)]);
    doc
}

fn public_server(url: &str) -> Server {
    let mut server = Server::new(url);
    server.extensions = Some(Extensions::from_iter([("x-internal", false)]));
    server
}

/// A list's page envelope (`Page_Innovation`) refers to its item's schema instead of
/// inlining a copy, so generated clients have one `Innovation` class, not two.
fn reference_page_items(doc: &mut OpenApi) {
    let Some(components) = doc.components.as_mut() else {
        return;
    };
    let names: Vec<String> = components.schemas.keys().cloned().collect();
    for (name, schema) in components.schemas.iter_mut() {
        let Some(item) = name.strip_prefix("Page_") else {
            continue;
        };
        if !names.iter().any(|known| known == item) {
            continue;
        }
        let RefOr::T(Schema::Object(page)) = schema else {
            continue;
        };
        if let Some(RefOr::T(Schema::Array(items))) = page.properties.get_mut("items") {
            items.items =
                ArrayItems::RefOrSchema(Box::new(RefOr::Ref(Ref::from_schema_name(item))));
        }
    }
}

/// The errors shared by whole classes of operations, declared here once instead of in
/// each operation (which lists its success and its own errors only):
/// - every operation under `/api/v1` but the reference values may meet the database gone
///   (503), and every one but those and the token endpoints a bad token (401); one that
///   declares no security takes a bearer token;
/// - a write that needs a token may be refused to the caller's role or agency (403);
/// - a `PATCH`, `PUT` or `DELETE` changes a versioned record that another writer may be
///   changing (409 `concurrent-update`, or a rule of the record's state); a `POST` declares
///   its own 409s (the idempotency pass adds the key's);
/// - an operation that takes `If-Match` answers a stale version with 412;
/// - an operation on one record (`{id}` in its path) may not find it (404);
/// - an operation with a request body may get one over its limit (413), one it cannot read
///   (400), of a type it does not take (415), or that breaks a rule (422); the token
///   endpoints answer the last three in RFC 6749's terms, declared by them.
fn document_common_errors(doc: &mut OpenApi) {
    for (path, item) in doc.paths.paths.iter_mut() {
        let api = path.starts_with("/api/v1/") && path != "/api/v1/reference";
        let auth = path.starts_with("/api/v1/auth/");
        let one_record = path.contains('{');
        for (method, operation) in operations_by_method(item) {
            if api && operation.security.is_none() {
                operation.security = Some(vec![SecurityRequirement::new(
                    "bearer_auth",
                    Vec::<String>::new(),
                )]);
            }
            // An empty requirement (`{}`) is the anonymous alternative.
            let token_required = operation
                .security
                .iter()
                .flatten()
                .all(|requirement| *requirement != SecurityRequirement::default());
            let write = method != HttpMethod::Get;
            let mut common: Vec<(&str, &str)> = Vec::new();
            if api {
                common.push(("503", "Unavailable"));
            }
            if api && !auth {
                common.push(("401", "Unauthorized"));
            }
            if api && !auth && write && token_required {
                common.push(("403", "Forbidden"));
            }
            if api
                && matches!(
                    method,
                    HttpMethod::Patch | HttpMethod::Put | HttpMethod::Delete
                )
            {
                common.push(("409", "Conflict"));
            }
            if takes_header(operation, "If-Match") {
                common.push(("412", "PreconditionFailed"));
            }
            if one_record {
                common.push(("404", "NotFound"));
            }
            if operation.request_body.is_some() {
                common.push(("413", "PayloadTooLarge"));
            }
            if operation.request_body.is_some() && !auth {
                common.extend([
                    ("400", "BadRequest"),
                    ("415", "UnsupportedMediaType"),
                    ("422", "ValidationFailed"),
                ]);
            }
            for (status, component) in common {
                operation
                    .responses
                    .responses
                    .entry(status.to_owned())
                    .or_insert_with(|| RefOr::Ref(Ref::from_response_name(component)));
            }
        }
    }
}

/// The operations of a path item with their methods.
fn operations_by_method(item: &mut PathItem) -> impl Iterator<Item = (HttpMethod, &mut Operation)> {
    [
        (HttpMethod::Get, &mut item.get),
        (HttpMethod::Put, &mut item.put),
        (HttpMethod::Post, &mut item.post),
        (HttpMethod::Patch, &mut item.patch),
        (HttpMethod::Delete, &mut item.delete),
    ]
    .into_iter()
    .filter_map(|(method, operation)| Some((method, operation.as_mut()?)))
}

/// Whether `operation` declares the request header `name`.
fn takes_header(operation: &Operation, name: &str) -> bool {
    operation
        .parameters
        .iter()
        .flatten()
        .any(|p| p.parameter_in == ParameterIn::Header && p.name == name)
}

/// The reference values' example is the answer itself, built by the same code.
fn add_reference_example(doc: &mut OpenApi) {
    let answer = serde_json::to_value(super::reference::Reference::build()).ok();
    let content = doc
        .paths
        .paths
        .get_mut("/api/v1/reference")
        .and_then(|item| item.get.as_mut())
        .and_then(|get| get.responses.responses.get_mut("200"))
        .and_then(|response| match response {
            RefOr::T(response) => response.content.get_mut("application/json"),
            RefOr::Ref(_) => None,
        });
    if let Some(content) = content {
        content.example = answer;
    }
}

/// A list's examples, JSON page and CSV, made from its item schema's example: the record
/// the single-item operations show, so every list tells the same story and no example
/// can drift from its schema.
fn add_list_examples(doc: &mut OpenApi) {
    let schemas = doc
        .components
        .as_ref()
        .map(|components| components.schemas.clone())
        .unwrap_or_default();
    // `Page_Innovation` -> the columns and example of `Innovation`.
    let item_of = |location: &str| {
        let name = location.strip_prefix("#/components/schemas/Page_")?;
        match schemas.get(name)? {
            RefOr::T(Schema::Object(object)) => Some((
                object.properties.keys().cloned().collect::<Vec<_>>(),
                object.example.clone()?,
            )),
            _ => None,
        }
    };
    for item in doc.paths.paths.values_mut() {
        for operation in operations_mut(item) {
            for response in operation.responses.responses.values_mut() {
                let RefOr::T(response) = response else {
                    continue;
                };
                let Some(json) = response.content.get_mut("application/json") else {
                    continue;
                };
                let Some(RefOr::Ref(page)) = &json.schema else {
                    continue;
                };
                let Some((columns, example)) = item_of(&page.ref_location) else {
                    continue;
                };
                json.example = Some(serde_json::json!({
                    "items": [example], "page": 1, "per_page": 20, "total": 1,
                    "next_cursor": null,
                }));
                if let Some(csv) = response.content.get_mut("text/csv") {
                    let text = crate::http::csv::text(&columns, std::slice::from_ref(&example));
                    csv.example = Some(serde_json::Value::String(text));
                }
            }
        }
    }
    // A list's `export.csv` operation answers what the list answers as CSV.
    let csv_example = |item: &PathItem| {
        let response = item.get.as_ref()?.responses.responses.get("200")?;
        match response {
            RefOr::T(response) => response.content.get("text/csv")?.example.clone(),
            RefOr::Ref(_) => None,
        }
    };
    let examples: Vec<(String, serde_json::Value)> = doc
        .paths
        .paths
        .iter()
        .filter_map(|(path, item)| Some((format!("{path}/export.csv"), csv_example(item)?)))
        .collect();
    for (path, example) in examples {
        let export = doc
            .paths
            .paths
            .get_mut(&path)
            .and_then(|item| item.get.as_mut());
        let Some(export) = export else { continue };
        if let Some(RefOr::T(response)) = export.responses.responses.get_mut("200")
            && let Some(csv) = response.content.get_mut("text/csv")
        {
            csv.example = Some(example);
        }
    }
}

/// `If-Match` and `If-None-Match`: a `GET` that can answer 304 takes `If-None-Match` (added
/// here where the operation does not name it); both are plain strings (a header is never
/// null), bounded as [`crate::http::limits`] bounds every request, with a 400 past it.
fn bound_condition_headers(doc: &mut OpenApi) {
    for item in doc.paths.paths.values_mut() {
        for (method, operation) in operations_by_method(item) {
            let revalidates =
                method == HttpMethod::Get && operation.responses.responses.contains_key("304");
            if revalidates && !takes_header(operation, "If-None-Match") {
                operation
                    .parameters
                    .get_or_insert_with(Vec::new)
                    .push(if_none_match_parameter());
            }
            let parameters = operation.parameters.iter_mut().flatten();
            let mut conditional = false;
            for parameter in parameters.filter(|p| {
                p.parameter_in == ParameterIn::Header
                    && ["If-Match", "If-None-Match"].contains(&p.name.as_str())
            }) {
                conditional = true;
                if let Some(RefOr::T(Schema::Object(schema))) = parameter.schema.as_mut() {
                    schema.schema_type = Type::String.into();
                    schema.max_length = Some(MAX_CONDITION_BYTES);
                }
            }
            // An over-long condition is a 400 (`header_too_long`).
            if conditional {
                operation
                    .responses
                    .responses
                    .entry("400".to_owned())
                    .or_insert_with(|| RefOr::Ref(Ref::from_response_name("BadRequest")));
            }
        }
    }
}

fn if_none_match_parameter() -> utoipa::openapi::path::Parameter {
    ParameterBuilder::new()
        .name("If-None-Match")
        .parameter_in(ParameterIn::Header)
        .required(Required::False)
        .description(Some(
            "The `ETag` of the copy the caller holds: 304 without a body while it is current",
        ))
        .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
        .build()
}

/// A merge patch is also taken as `application/json` (the guide and most clients send
/// that): every `PATCH` body declares both media types.
fn accept_json_merge_patches(doc: &mut OpenApi) {
    for item in doc.paths.paths.values_mut() {
        let Some(body) = item.patch.as_mut().and_then(|op| op.request_body.as_mut()) else {
            continue;
        };
        if let Some(media) = body.content.get("application/merge-patch+json").cloned() {
            body.content
                .entry("application/json".to_owned())
                .or_insert(media);
        }
    }
}

/// Any operation answers 414 to a path and query longer than
/// [`crate::http::limits::MAX_URI_BYTES`] and 431 to headers over
/// [`crate::http::limits::MAX_HEADER_BYTES`], and 500 to a fault nobody expected.
fn document_request_limits(doc: &mut OpenApi) {
    for item in doc.paths.paths.values_mut() {
        for operation in operations_mut(item) {
            for (status, component) in [
                ("414", "UriTooLong"),
                ("431", "HeadersTooLarge"),
                ("500", "InternalError"),
            ] {
                operation
                    .responses
                    .responses
                    .entry(status.to_owned())
                    .or_insert_with(|| RefOr::Ref(Ref::from_response_name(component)));
            }
        }
    }
}

/// Every operation but the health checks spends the caller's request budget
/// ([`crate::http::rate_limit`]): it may answer 429, and its own answers carry the
/// `RateLimit` and `RateLimit-Policy` fields (the shared error answers declare them in
/// their component).
fn document_rate_limits(doc: &mut OpenApi) {
    for (path, item) in doc.paths.paths.iter_mut() {
        if path.starts_with("/health/") {
            continue;
        }
        for operation in operations_mut(item) {
            let responses = &mut operation.responses.responses;
            responses
                .entry("429".to_owned())
                .or_insert_with(|| RefOr::Ref(Ref::from_response_name("TooManyRequests")));
            for response in responses.values_mut() {
                if let RefOr::T(response) = response {
                    for (name, header) in rate_limit_headers() {
                        response.headers.entry(name.to_owned()).or_insert(header);
                    }
                }
            }
        }
    }
}

/// The IETF rate-limit fields, as the document declares them.
pub fn rate_limit_headers() -> [(&'static str, utoipa::openapi::header::Header); 2] {
    use utoipa::openapi::header::HeaderBuilder;
    let text = || ObjectBuilder::new().schema_type(Type::String);
    [
        (
            "RateLimit",
            HeaderBuilder::new()
                .schema(text().examples([serde_json::json!("\"signed-in\";r=598;t=1")]))
                .description(Some(
                    "Where the caller stands (draft-ietf-httpapi-ratelimit-headers): `r` \
                     requests remain, `t` seconds until the quota is full again. Counted per \
                     server process; the health probes, never limited, do not send it.",
                ))
                .build(),
        ),
        (
            "RateLimit-Policy",
            HeaderBuilder::new()
                .schema(text().examples([serde_json::json!("\"signed-in\";q=600;w=60")]))
                .description(Some(
                    "The caller's quota: `q` requests per `w` seconds (`signed-in` per token \
                     subject, `anonymous` per source address).",
                ))
                .build(),
        ),
    ]
}

/// OpenAPI links from each create (`POST /collection`, 201) to every operation on the
/// created record (`/collection/{id}...`), passing the new `id`: what a client, and
/// schemathesis' stateful phase, does next with what it made.
fn link_created_resources(doc: &mut OpenApi) {
    let mut targets: Vec<(String, String)> = Vec::new();
    for (path, item) in &doc.paths.paths {
        for operation in [&item.get, &item.put, &item.post, &item.patch, &item.delete]
            .into_iter()
            .flatten()
        {
            if let Some(id) = &operation.operation_id {
                targets.push((path.clone(), id.clone()));
            }
        }
    }
    for (collection, item) in doc.paths.paths.iter_mut() {
        let Some(create) = item.post.as_mut() else {
            continue;
        };
        let Some(RefOr::T(created)) = create.responses.responses.get_mut("201") else {
            continue;
        };
        let record = format!("{collection}/{{id}}");
        for (path, operation_id) in &targets {
            if path == &record || path.starts_with(&format!("{record}/")) {
                // utoipa 5.5 writes `Link::operation_id` as `operation_id`, not the
                // specification's `operationId`; the field goes in by its right name here.
                let right_name = Extensions::from_iter([("operationId", operation_id.clone())]);
                created.links.insert(
                    operation_id.clone(),
                    RefOr::T(
                        LinkBuilder::new()
                            .parameter("id", "$response.body#/id")
                            .description(format!("The created record's id, for {operation_id}"))
                            .extensions(Some(right_name))
                            .build(),
                    ),
                );
            }
        }
    }
}

/// Every POST under `/api/v1` except the token endpoints takes `Idempotency-Key`
/// (see [`super::idempotency`]); it can answer 400 (malformed key), 409 (key in use)
/// and 422 (key reused with another request).
fn document_idempotency_keys(doc: &mut OpenApi) {
    for (path, item) in doc.paths.paths.iter_mut() {
        if !path.starts_with("/api/v1/") || path.starts_with("/api/v1/auth/") {
            continue;
        }
        let Some(operation) = item.post.as_mut() else {
            continue;
        };
        operation
            .parameters
            .get_or_insert_with(Vec::new)
            .push(idempotency_key_parameter());
        let responses = &mut operation.responses.responses;
        for (status, component) in [
            ("400", "BadRequest"),
            ("409", "IdempotencyConflict"),
            ("422", "ValidationFailed"),
        ] {
            responses
                .entry(status.to_owned())
                .or_insert_with(|| RefOr::Ref(Ref::from_response_name(component)));
        }
    }
}

fn idempotency_key_parameter() -> utoipa::openapi::path::Parameter {
    ParameterBuilder::new()
        .name("Idempotency-Key")
        .parameter_in(ParameterIn::Header)
        .required(Required::False)
        .deprecated(Some(Deprecated::False))
        .description(Some(
            "Makes a retry safe: a repeat with the same key and the same request gets the \
             first response again (with `Idempotent-Replayed: true`) and changes nothing. The \
             same key with another request is 422; while the first is still running, 409 with \
             `Retry-After`. Keys belong to the caller (with its role and agency) and are kept \
             24 hours. An answer that shows a secret once is not kept: its retry is 409 \
             `secret-shown-once`. A UUID is a good key.",
        ))
        .schema(Some(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .min_length(Some(1))
                .max_length(Some(MAX_KEY_LEN))
                .pattern(Some("^[!-~]+$"))
                .examples([serde_json::json!("5b0c8b8e-0f5e-4c1e-9a55-2f0c1d6d2a11")]),
        ))
        .build()
}
