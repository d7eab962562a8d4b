//! What the OpenAPI document says about the size of what the API takes and sends, for
//! whole classes of values at once (identifiers, dates, list filters, response headers),
//! so that integrators, gateways and fuzzers know every bound. Each pass states a bound
//! the server keeps, and its comment says where; per-field bounds are on the fields.

use utoipa::Number;
use utoipa::openapi::header::{Header, HeaderBuilder};
use utoipa::openapi::path::{Operation, ParameterIn, PathItem};
use utoipa::openapi::response::Response;
use utoipa::openapi::schema::{ArrayItems, KnownFormat, Object, SchemaFormat, SchemaType};
use utoipa::openapi::{ObjectBuilder, OpenApi, RefOr, Schema, Type};

use super::reference::Reference;
use crate::config::{MAX_CSV_LIMIT, MAX_ORIGIN_LEN, MAX_PUBLIC_URL_LEN, MAX_UPLOAD_LIMIT};
use crate::domain::dates::FULL_DATE_LEN;
use crate::domain::evidence::FileType;
use crate::http::limits::MAX_URI_BYTES;
use crate::http::list_query::MAX_DATETIME_LEN;
use crate::http::pagination::MAX_CURSOR_LEN;
use crate::http::rate_limit::MAX_FIELD_LEN;
use crate::store::sign_in::MAX_BLOCK_SECONDS;

/// Length of a timestamp the API writes ([`super::rfc3339`]): `2016-10-12T03:00:00.000000Z`.
pub const TIMESTAMP_LEN: usize = 27;

/// Longest `Location`: the public URL, `/api/v1/`, the longest collection and its ids
/// (`innovations/{id}/stage-transitions/{id}/documents/{id}`).
const MAX_LOCATION_LEN: usize =
    MAX_PUBLIC_URL_LEN + "/api/v1/innovations//stage-transitions//documents/".len() + 3 * 19;

/// Longest `Link`: at most four links (`first`, `prev`, `next`, `last`), each the public
/// URL, the request's path and its query string (together at most [`MAX_URI_BYTES`], each
/// byte at most three once percent-encoded again) and a page number or a cursor.
const MAX_LINK_LEN: usize = 4 * (MAX_PUBLIC_URL_LEN + 3 * MAX_URI_BYTES + MAX_CURSOR_LEN + 32);

/// Longest `ETag`: `"<version>-public"`, `W/"<24 hex digits>"` or a file's `"<sha256>"`.
const MAX_ETAG_LEN: usize = 66;

/// Longest `Content-Disposition`: an export's, or a document's name (255 characters of up
/// to 4 bytes) as an ASCII stand-in and percent-encoded.
const MAX_DISPOSITION_LEN: usize = 64 + 255 * 4 + 255 * 4 * 3;

/// Completes the document's bounds; called by [`super::document::complete`].
pub fn complete(doc: &mut OpenApi) {
    bound_identifiers_and_dates(doc);
    bound_list_filters(doc);
    bound_reference(doc);
    bound_uploads(doc);
    declare_files(doc);
    declare_shared_response_headers(doc);
    bound_response_headers(doc);
}

/// Every schema of the document (components, parameters, bodies), with the name of the
/// property or parameter it describes, and whether a client sends it in a parameter.
fn for_each_schema(doc: &mut OpenApi, visit: &mut impl FnMut(&str, bool, &mut Schema)) {
    if let Some(components) = doc.components.as_mut() {
        for (name, schema) in components.schemas.iter_mut() {
            walk(schema, name, false, visit);
        }
    }
    for item in doc.paths.paths.values_mut() {
        for operation in operations(item) {
            for parameter in operation.parameters.iter_mut().flatten() {
                if let Some(schema) = parameter.schema.as_mut() {
                    walk(schema, &parameter.name, true, visit);
                }
            }
            let bodies = operation
                .request_body
                .iter_mut()
                .flat_map(|b| b.content.values_mut());
            for content in bodies {
                if let Some(schema) = content.schema.as_mut() {
                    walk(schema, "", false, visit);
                }
            }
            for response in operation.responses.responses.values_mut() {
                if let RefOr::T(response) = response {
                    for content in response.content.values_mut() {
                        if let Some(schema) = content.schema.as_mut() {
                            walk(schema, "", false, visit);
                        }
                    }
                }
            }
        }
    }
}

/// `schema` and every schema inside it; an array's items carry the array's name.
fn walk(
    schema: &mut RefOr<Schema>,
    name: &str,
    parameter: bool,
    visit: &mut impl FnMut(&str, bool, &mut Schema),
) {
    let RefOr::T(schema) = schema else { return };
    visit(name, parameter, schema);
    match schema {
        Schema::Object(object) => {
            for (field, property) in object.properties.iter_mut() {
                walk(property, field, parameter, visit);
            }
        }
        Schema::Array(array) => {
            if let ArrayItems::RefOrSchema(items) = &mut array.items {
                walk(items, name, parameter, visit);
            }
        }
        Schema::OneOf(one_of) => {
            for item in &mut one_of.items {
                walk(item, name, parameter, visit);
            }
        }
        Schema::AllOf(all_of) => {
            for item in &mut all_of.items {
                walk(item, name, parameter, visit);
            }
        }
        Schema::AnyOf(any_of) => {
            for item in &mut any_of.items {
                walk(item, name, parameter, visit);
            }
        }
        _ => {}
    }
}

fn operations(item: &mut PathItem) -> impl Iterator<Item = &mut Operation> {
    [
        &mut item.get,
        &mut item.put,
        &mut item.post,
        &mut item.patch,
        &mut item.delete,
    ]
    .into_iter()
    .filter_map(Option::as_mut)
}

fn is(object: &Object, wanted: Type) -> bool {
    match &object.schema_type {
        SchemaType::Type(one) => *one == wanted,
        SchemaType::Array(types) => types.contains(&wanted),
        SchemaType::AnyValue => false,
    }
}

fn has_format(object: &Object, wanted: KnownFormat) -> bool {
    matches!(&object.format, Some(SchemaFormat::KnownFormat(format)) if *format == wanted)
}

/// Identifiers, versions, 64-bit integers and dates, wherever they are:
/// - an `id`, `cid`, `..._id` or `version` (and each of `..._ids`) is a database identity
///   or a row version: 1 or more (sequences and versions start at 1; a path or query id is
///   parsed as a 64-bit integer, a body's refused below 1 by its validation);
/// - any other 64-bit integer without a stated maximum holds at most `i64::MAX`;
/// - a date is `YYYY-MM-DD`, taken only so (`domain::dates::parse_full_date`) and written
///   so (years 1900-2100); a timestamp the API writes is [`TIMESTAMP_LEN`] long, and an
///   instant it takes at most [`MAX_DATETIME_LEN`] (`QueryPairs::take_datetime`).
fn bound_identifiers_and_dates(doc: &mut OpenApi) {
    for_each_schema(doc, &mut |name, parameter, schema| {
        let Schema::Object(object) = schema else {
            return;
        };
        if is(object, Type::Integer) {
            let identifier = ["id", "cid", "version"].contains(&name)
                || name.ends_with("_id")
                || name.ends_with("_ids");
            if identifier {
                object.format = Some(SchemaFormat::KnownFormat(KnownFormat::Int64));
                object.minimum.get_or_insert(Number::Int(1));
            }
            if has_format(object, KnownFormat::Int64) {
                object.maximum.get_or_insert(Number::Int(i64::MAX as isize));
            }
        } else if is(object, Type::String) && object.max_length.is_none() {
            if has_format(object, KnownFormat::Date) {
                object.max_length = Some(FULL_DATE_LEN);
            } else if has_format(object, KnownFormat::DateTime) {
                object.max_length = Some(if parameter {
                    MAX_DATETIME_LEN
                } else {
                    TIMESTAMP_LEN
                });
            }
        }
    });
}

/// A filter that takes several values of an enum (`lab_stage=design,delivery`) names at
/// most as many as the enum has (`QueryPairs::take_list` refuses more).
fn bound_list_filters(doc: &mut OpenApi) {
    for item in doc.paths.paths.values_mut() {
        for operation in operations(item) {
            for parameter in operation.parameters.iter_mut().flatten() {
                if parameter.parameter_in != ParameterIn::Query {
                    continue;
                }
                let Some(RefOr::T(Schema::Array(array))) = parameter.schema.as_mut() else {
                    continue;
                };
                let ArrayItems::RefOrSchema(items) = &array.items else {
                    continue;
                };
                if let RefOr::T(Schema::Object(items)) = items.as_ref()
                    && let Some(values) = &items.enum_values
                {
                    array.max_items = Some(values.len());
                }
            }
        }
    }
}

/// The reference values are fixed: each list has exactly as many values as its enum, and
/// the longest value and label are the longest of [`Reference::build`]'s.
fn bound_reference(doc: &mut OpenApi) {
    let Ok(reference) = serde_json::to_value(Reference::build()) else {
        return;
    };
    let Some(lists) = reference.as_object() else {
        return;
    };
    let longest = |pointer: &str| {
        lists
            .values()
            .flat_map(|list| list.as_array().into_iter().flatten())
            .filter_map(|value| value.pointer(pointer)?.as_str().map(|s| s.chars().count()))
            .max()
            .unwrap_or_default()
    };
    let (value_len, id_len, en_len) = (
        longest("/value"),
        longest("/label/id"),
        longest("/label/en"),
    );
    let Some(components) = doc.components.as_mut() else {
        return;
    };
    let mut set = |schema: &str, field: &str, apply: &mut dyn FnMut(&mut Schema)| {
        if let Some(RefOr::T(Schema::Object(object))) = components.schemas.get_mut(schema)
            && let Some(RefOr::T(property)) = object.properties.get_mut(field)
        {
            apply(property);
        }
    };
    for (field, values) in lists {
        let count = values.as_array().map_or(0, Vec::len);
        set("Reference", field, &mut |schema| {
            if let Schema::Array(array) = schema {
                array.min_items = Some(count);
                array.max_items = Some(count);
            }
        });
    }
    for (schema, field, length) in [
        ("ReferenceValue", "value", value_len),
        ("Label", "id", id_len),
        ("Label", "en", en_len),
    ] {
        set(schema, field, &mut |schema| {
            if let Schema::Object(object) = schema {
                object.max_length = Some(length);
            }
        });
    }
}

/// A stored file (an evidence document, a thumbnail) is bytes of at most
/// [`MAX_UPLOAD_LIMIT`]: `format: binary`, bounded, with an example; the upload form's
/// `file` likewise. `Range` and `If-Range` are plain bounded strings.
fn declare_files(doc: &mut OpenApi) {
    let file = |schema: &mut Object| {
        schema.schema_type = SchemaType::Type(Type::String);
        schema.format = Some(SchemaFormat::KnownFormat(KnownFormat::Binary));
        schema.max_length = Some(usize::try_from(MAX_UPLOAD_LIMIT).unwrap_or(usize::MAX));
        schema.content_media_type = String::new();
        schema.examples = vec![serde_json::json!("%PDF-1.7 ...")];
    };
    for item in doc.paths.paths.values_mut() {
        for operation in operations(item) {
            for parameter in operation.parameters.iter_mut().flatten() {
                if parameter.parameter_in == ParameterIn::Header
                    && ["Range", "If-Range"].contains(&parameter.name.as_str())
                    && let Some(RefOr::T(Schema::Object(text))) = parameter.schema.as_mut()
                {
                    text.schema_type = SchemaType::Type(Type::String);
                    text.max_length = Some(100);
                }
            }
            let responses =
                super::document::response_contents(operation.responses.responses.values_mut());
            for (media_type, content) in responses {
                if media_type == "application/octet-stream" || media_type == "image/jpeg" {
                    let mut bytes = Object::new();
                    file(&mut bytes);
                    content.schema = Some(RefOr::T(Schema::Object(bytes)));
                }
            }
            // A document's file is answered as the type its content was judged to be.
            for response in operation.responses.responses.values_mut() {
                if let RefOr::T(response) = response
                    && let Some(file) = response.content.shift_remove("application/octet-stream")
                {
                    for file_type in FileType::ALL {
                        response
                            .content
                            .insert(file_type.media_type().to_owned(), file.clone());
                    }
                }
            }
        }
    }
    let upload = doc
        .components
        .as_mut()
        .and_then(|components| components.schemas.get_mut("DocumentUpload"));
    if let Some(RefOr::T(Schema::Object(form))) = upload
        && let Some(RefOr::T(Schema::Object(bytes))) = form.properties.get_mut("file")
    {
        file(bytes);
    }
}

/// An uploaded file (CSV or XLSX) is at most `INOVIK_CSV_LIMIT` bytes (413 past it),
/// which is at most [`MAX_CSV_LIMIT`]; it has no more characters than bytes. The import's report counts at
/// most [`super::import::MAX_ROWS`] rows.
fn bound_uploads(doc: &mut OpenApi) {
    for item in doc.paths.paths.values_mut() {
        for operation in operations(item) {
            let bodies = operation
                .request_body
                .iter_mut()
                .flat_map(|b| b.content.iter_mut());
            for (media_type, content) in bodies {
                let upload = media_type.starts_with("text/csv")
                    || media_type == crate::http::xlsx::CONTENT_TYPE;
                if let (true, Some(RefOr::T(Schema::Object(file)))) =
                    (upload, content.schema.as_mut())
                {
                    file.max_length = Some(MAX_CSV_LIMIT);
                }
            }
        }
    }
    let report = doc
        .components
        .as_mut()
        .and_then(|components| components.schemas.get_mut("ImportReport"));
    let Some(RefOr::T(Schema::Object(report))) = report else {
        return;
    };
    let rows = super::import::MAX_ROWS;
    for (field, property) in report.properties.iter_mut() {
        match property {
            RefOr::T(Schema::Object(count)) if is(count, Type::Integer) => {
                count.format = Some(SchemaFormat::KnownFormat(KnownFormat::Int64));
                count.minimum = Some(Number::Int(0));
                count.maximum = Some(Number::UInt(rows));
            }
            RefOr::T(Schema::Array(ids)) if field.ends_with("_ids") => {
                ids.max_items = Some(rows);
            }
            _ => {}
        }
    }
}

/// What every answer may carry, declared on each response (inline or shared):
/// - `Access-Control-Allow-Origin`, when the request's `Origin` is one of
///   `INOVIK_CORS_ORIGINS` (the CORS layer wraps every route, errors included);
/// - the rate-limit fields on the shared error answers too: the rate limit wraps every
///   route but the health probes ([`crate::http::rate_limit`]), so every answer outside
///   `/health/` carries them, errors included.
fn declare_shared_response_headers(doc: &mut OpenApi) {
    let mut responses: Vec<&mut Response> = Vec::new();
    if let Some(components) = doc.components.as_mut() {
        for response in components.responses.values_mut() {
            if let RefOr::T(response) = response {
                for (name, header) in super::document::rate_limit_headers() {
                    response.headers.entry(name.to_owned()).or_insert(header);
                }
                responses.push(response);
            }
        }
    }
    for item in doc.paths.paths.values_mut() {
        for operation in operations(item) {
            for response in operation.responses.responses.values_mut() {
                if let RefOr::T(response) = response {
                    responses.push(response);
                }
            }
        }
    }
    for response in responses {
        response
            .headers
            .entry("Access-Control-Allow-Origin".to_owned())
            .or_insert_with(allow_origin_header);
    }
}

fn allow_origin_header() -> Header {
    HeaderBuilder::new()
        .schema(text(MAX_ORIGIN_LEN, r"^https?://[^/]+$"))
        .description(Some(
            "The request's `Origin`, when it is one of the browser origins the deployment \
             allows (`INOVIK_CORS_ORIGINS`); absent otherwise.",
        ))
        .build()
}

/// The value of each response header the API sends, bounded as the server writes it.
fn bound_response_headers(doc: &mut OpenApi) {
    let mut responses: Vec<&mut Response> = Vec::new();
    if let Some(components) = doc.components.as_mut() {
        responses.extend(components.responses.values_mut().filter_map(|r| match r {
            RefOr::T(response) => Some(response),
            RefOr::Ref(_) => None,
        }));
    }
    for item in doc.paths.paths.values_mut() {
        for operation in operations(item) {
            responses.extend(
                operation
                    .responses
                    .responses
                    .values_mut()
                    .filter_map(|r| match r {
                        RefOr::T(response) => Some(response),
                        RefOr::Ref(_) => None,
                    }),
            );
        }
    }
    for response in responses {
        for (name, header) in response.headers.iter_mut() {
            bound_header(name, &mut header.schema);
        }
    }
}

/// Bounds the schema of the response header `name` as the server writes it (an example
/// or a description already there stays).
fn bound_header(name: &str, schema: &mut RefOr<Schema>) {
    let RefOr::T(Schema::Object(object)) = schema else {
        return;
    };
    if name == "Retry-After" {
        object.schema_type = SchemaType::Type(Type::Integer);
        object.format = Some(SchemaFormat::KnownFormat(KnownFormat::Int64));
        object.minimum = Some(Number::Int(1));
        object.maximum = Some(Number::Int(MAX_BLOCK_SECONDS as isize));
        return;
    }
    let policy = r#"^"(signed-in|anonymous)";"#;
    let (max_length, pattern) = match name {
        "RateLimit" => (MAX_FIELD_LEN, format!("{policy}r=[0-9]+;t=[0-9]+$")),
        "RateLimit-Policy" => (MAX_FIELD_LEN, format!("{policy}q=[0-9]+;w=60$")),
        "ETag" => (
            MAX_ETAG_LEN,
            r#"^(W/"[0-9a-f]{24}"|"[0-9]+(-public)?"|"[0-9a-f]{64}")$"#.into(),
        ),
        "Accept-Ranges" => (5, "^bytes$".into()),
        "Content-Range" => (64, r"^bytes ([0-9]+-[0-9]+|\*)/[0-9]+$".into()),
        "Link" => (
            MAX_LINK_LEN,
            r#"^<.+>; rel="(first|prev|next|last)"(, .+)?$"#.into(),
        ),
        "Location" => (MAX_LOCATION_LEN, r"^https?://\S+$".into()),
        "Content-Disposition" => (
            MAX_DISPOSITION_LEN,
            r#"^attachment; filename="[^"\\]*"(; filename\*=UTF-8''[!#$&+.^_`|~0-9A-Za-z%-]+)?$"#
                .into(),
        ),
        "WWW-Authenticate" => (
            64,
            r#"^(Bearer|Basic) realm="inovik"(, error="invalid_token")?$"#.into(),
        ),
        _ => return,
    };
    object.schema_type = SchemaType::Type(Type::String);
    object.max_length = Some(max_length);
    object.pattern = Some(pattern);
}

fn text(max_length: usize, pattern: &str) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .max_length(Some(max_length))
        .pattern(Some(pattern))
        .into()
}
