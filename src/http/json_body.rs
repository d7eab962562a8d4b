//! The JSON body extractor every handler uses, so that a bad body is always answered the
//! same way: 415 for another content type, 413 above the limit, 400 (with the field's path)
//! for bad syntax, an unknown field or a wrong JSON type.

use std::future::Future;
use std::pin::Pin;

use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, dev::Payload, web};
use futures_util::StreamExt;
use serde::de::DeserializeOwned;

use crate::error::{ApiError, FieldError};

/// Fields no request body may set: the server owns them (or, for an innovation's stage,
/// only an action may change them).
const READ_ONLY_FIELDS: &[&str] = &[
    "id",
    "version",
    "created_at",
    "updated_at",
    "lab_stage",
    "launched_on",
    "agency_code",
    "agency_name",
    "cohort_name",
    "client_id",
];

/// Largest JSON body accepted, in bytes; an app-data value (see [`crate::config`]).
#[derive(Debug, Clone, Copy)]
pub struct JsonLimit(pub usize);

impl Default for JsonLimit {
    fn default() -> Self {
        Self(256 * 1024)
    }
}

/// A request body parsed as `T`. Accepts `application/json` and any `application/*+json`
/// (such as `application/merge-patch+json` for `PATCH`).
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for JsonBody<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let limit = req
            .app_data::<web::Data<JsonLimit>>()
            .map(|l| *l.get_ref())
            .unwrap_or_default();
        let content_type_ok = is_json_content_type(req);
        let declared_length = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        let payload = payload.take();
        Box::pin(async move {
            if !content_type_ok {
                return Err(ApiError::UnsupportedMediaType {
                    expected: "application/json",
                });
            }
            if declared_length.is_some_and(|length| length > limit.0) {
                return Err(ApiError::PayloadTooLarge { limit: limit.0 });
            }
            let body = read_limited(payload, limit.0).await?;
            parse(&body).map(JsonBody)
        })
    }
}

/// Reads a whole request body, refusing (413) as soon as it grows past `limit` bytes.
pub async fn read_limited<S>(mut payload: S, limit: usize) -> Result<web::Bytes, ApiError>
where
    S: futures_util::Stream<Item = Result<web::Bytes, actix_web::error::PayloadError>> + Unpin,
{
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| ApiError::BadRequest {
            detail: format!("could not read the body: {e}"),
            errors: Vec::new(),
        })?;
        if body.len() + chunk.len() > limit {
            return Err(ApiError::PayloadTooLarge { limit });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

fn is_json_content_type(req: &HttpRequest) -> bool {
    let Some(essence) = super::content_type_essence(req) else {
        return false;
    };
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// Parses `body` as `T`, naming the offending field on failure.
pub fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(bad_request(
            "the body is empty; send a JSON object",
            Vec::new(),
        ));
    }
    let mut document: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| describe(String::new(), e))?;
    if !document.is_object() {
        // serde would read a struct from an array, by position; the API speaks objects.
        let error = FieldError::with_message("", "invalid_type", "the body must be a JSON object");
        return Err(bad_request("the body must be a JSON object", vec![error]));
    }
    let mut errors = Vec::new();
    normalise(&mut document, "", &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    serde_path_to_error::deserialize(document)
        .map_err(|e| describe(e.path().to_string(), e.into_inner()))
}

/// Prepares a parsed body for typed deserialization:
/// - text with U+0000 cannot be stored (PostgreSQL refuses it) and is never meaningful, so
///   it is refused up front as a 422 naming the field;
/// - `58.0` is an integer to JSON Schema (a number with no fractional part), so it is
///   turned into `58` for the integer fields that serde would otherwise refuse it for.
fn normalise(value: &mut serde_json::Value, path: &str, errors: &mut Vec<FieldError>) {
    use serde_json::Value;
    let child = |key: &str| {
        if path.is_empty() {
            key.to_owned()
        } else {
            format!("{path}.{key}")
        }
    };
    match value {
        Value::String(text) if text.contains('\0') => {
            errors.push(FieldError::new(path, "invalid_characters"));
        }
        Value::Number(number) if number.is_f64() => {
            if let Some(float) = number.as_f64()
                && float.fract() == 0.0
                && float.abs() < 9.0e15
            {
                *value = Value::from(float as i64);
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter_mut().enumerate() {
                normalise(item, &child(&index.to_string()), errors);
            }
        }
        Value::Object(fields) => {
            for (key, item) in fields.iter_mut() {
                if key.contains('\0') {
                    errors.push(FieldError::new(child(key), "invalid_characters"));
                }
                normalise(item, &child(key), errors);
            }
        }
        _ => {}
    }
}

fn bad_request(detail: impl Into<String>, errors: Vec<FieldError>) -> ApiError {
    ApiError::BadRequest {
        detail: detail.into(),
        errors,
    }
}

fn describe(path: String, error: serde_json::Error) -> ApiError {
    use serde_json::error::Category;
    let message = error.to_string();
    // serde_json appends " at line L column C"; the path says more to an API client.
    let message = message
        .rsplit_once(" at line ")
        .map_or(message.as_str(), |(m, _)| m)
        .to_owned();
    match error.classify() {
        Category::Syntax | Category::Eof | Category::Io => {
            bad_request(format!("the body is not valid JSON: {message}"), Vec::new())
        }
        Category::Data => {
            let field = json_pointer_path(&path);
            if let Some(unknown) = message
                .strip_prefix("unknown field `")
                .and_then(|rest| rest.split('`').next())
            {
                let field = join_path(&field, unknown);
                let code = if READ_ONLY_FIELDS.contains(&unknown) {
                    "read_only"
                } else {
                    "unknown_field"
                };
                let error = FieldError::new(field, code);
                bad_request(format!("`{unknown}` {}", error.message), vec![error])
            } else if let Some(missing) = message
                .strip_prefix("missing field `")
                .and_then(|rest| rest.split('`').next())
            {
                ApiError::Validation(vec![FieldError::new(
                    join_path(&field, missing),
                    "required",
                )])
            } else if !(message.starts_with("invalid type")
                || message.starts_with("invalid length"))
            {
                // The JSON type is right but the value is not one we take: a date that does
                // not exist, a number out of range, an unknown enum value.
                ApiError::Validation(vec![FieldError::with_message(
                    field,
                    "invalid_value",
                    message,
                )])
            } else {
                let error = FieldError::with_message(field.clone(), "invalid_type", message);
                let shown = if field.is_empty() {
                    "the body".into()
                } else {
                    format!("`{field}`")
                };
                bad_request(format!("{shown} has the wrong JSON type"), vec![error])
            }
        }
    }
}

/// serde_path_to_error writes `a.b[2].c`; the API's field paths are `a.b.2.c`, and the
/// root is the empty string rather than `.`.
fn json_pointer_path(path: &str) -> String {
    if path == "." {
        return String::new();
    }
    let path = path.replace('[', ".").replace(']', "");
    path.trim_start_matches('.').to_owned()
}

fn join_path(parent: &str, field: &str) -> String {
    // For an unknown field serde_path_to_error's path already ends in that field.
    if parent == field || parent.ends_with(&format!(".{field}")) {
        parent.to_owned()
    } else if parent.is_empty() {
        field.to_owned()
    } else {
        format!("{parent}.{field}")
    }
}

/// For merge-patch bodies: tells "absent" (outer `None`) from `null` (`Some(None)`).
/// Applies a JSON merge patch (RFC 7396) of flat fields to `$input`: each named field the
/// patch carries (`Some`, including an explicit `null` of a nullable field) replaces the
/// input's; an absent one leaves it. Fields of a patch are `Option<T>`, or `Option<Option<T>>`
/// read with [`double_option`] for nullable ones.
macro_rules! merge_patch {
    ($patch:expr => $input:expr; $($field:ident),+ $(,)?) => {
        $(if let Some(value) = &$patch.$field {
            $input.$field = value.clone();
        })+
    };
}
pub(crate) use merge_patch;

pub fn double_option<'de, T, D>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    T: serde::Deserialize<'de>,
    D: serde::Deserializer<'de>,
{
    serde::Deserialize::deserialize(deserializer).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        nip: String,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Outer {
        name: Option<String>,
        count: Option<i64>,
        day: Option<chrono::NaiveDate>,
        party: Option<Inner>,
        items: Option<Vec<Inner>>,
    }

    fn field_of(error: ApiError) -> (u16, String, String) {
        let problem = crate::http::problem::problem_of(&error);
        let first = problem.errors.first().cloned();
        (
            problem.status,
            first.as_ref().map(|e| e.field.clone()).unwrap_or_default(),
            first.map(|e| e.code).unwrap_or_default(),
        )
    }

    #[test]
    fn names_the_field_of_each_kind_of_bad_body() {
        let cases: &[(&str, (u16, &str, &str))] = &[
            (r#"{"name": 5}"#, (400, "name", "invalid_type")),
            (r#"{"count": 5.5}"#, (400, "count", "invalid_type")),
            (r#"{"count": 1e30}"#, (400, "count", "invalid_type")),
            (r#"{"day": "2016-02-30"}"#, (422, "day", "invalid_value")),
            (r#"{"count": 5.0, "name": "x"}"#, (200, "", "")),
            // Found by schemathesis: without exact float parsing this integral number
            // was read one step off (...903.25) and refused as a fraction.
            (r#"{"count": -1952014189095903.0}"#, (200, "", "")),
            (r#"{"nmae": "x"}"#, (400, "nmae", "unknown_field")),
            (r#"{"version": 3}"#, (400, "version", "read_only")),
            (
                r#"{"party": {"nip": 1}}"#,
                (400, "party.nip", "invalid_type"),
            ),
            (
                r#"{"party": {"nip": "1", "x": 1}}"#,
                (400, "party.x", "unknown_field"),
            ),
            (
                r#"{"items": [{"nip": "1"}, {"nip": 2}]}"#,
                (400, "items.1.nip", "invalid_type"),
            ),
            (r#"{"party": {}}"#, (422, "party.nip", "required")),
            (r#"[1]"#, (400, "", "invalid_type")),
            (r#"{"name": "x"} trailing"#, (400, "", "")),
            (r#"{"name": "#, (400, "", "")),
            (
                r#"{"party": {"nip": "1\u0000"}}"#,
                (422, "party.nip", "invalid_characters"),
            ),
        ];
        for (body, (status, field, code)) in cases {
            let Err(error) = parse::<Outer>(body.as_bytes()) else {
                assert_eq!(*status, 200, "{body} was accepted");
                continue;
            };
            assert_eq!(
                field_of(error),
                (*status, field.to_string(), code.to_string()),
                "{body}"
            );
        }
    }
}
