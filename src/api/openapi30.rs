//! The OpenAPI document in 3.0.3 terms, for consumers that cannot read the 3.1 utoipa
//! writes: the WSO2 API manager of the national gateway and `swagger-cli` 4 (and the code
//! generators built on them). It is derived from the same document by a general transform
//! over every schema wherever it appears, so the two renditions cannot drift apart.
//!
//! Where 3.0 cannot say what 3.1 says, the rendition accepts more, never less: a client
//! generated from it takes every answer the service gives. What is lost:
//! - tuples (`prefixItems`): each item may be any of the prefix's schemas, in any position;
//! - `patternProperties`: their schemas join `additionalProperties`, names go unchecked;
//! - `if`/`then`/`else`, `dependentRequired`, `dependentSchemas`, `propertyNames`,
//!   `contains`, `unevaluated*`, `$defs`, `$dynamicRef` and any other keyword 3.0 lacks;
//! - `contentMediaType` and `contentSchema`: a string with a media type is just `binary`;
//! - a schema's further `examples` (3.0 has one `example`), `info.summary`, `webhooks`,
//!   `components.pathItems` (inlined where `paths` refer to them);
//! - `nullable` beside no `type` (as on `allOf: [{$ref}]`) is what 3.0 tools take for a
//!   nullable reference, though 3.0.3 strictly gives it meaning only beside a `type`.
//!
//! A `mutualTLS` security scheme has no 3.0 form and is left as it is.

use serde_json::{Map, Value, json};

/// The keywords of a 3.0 Schema Object; any other (but `x-` extensions) is dropped.
const SCHEMA_KEYWORDS: &str = "$ref title description type format nullable enum default \
    example readOnly writeOnly deprecated externalDocs xml discriminator multipleOf maximum \
    exclusiveMaximum minimum exclusiveMinimum maxLength minLength pattern maxItems minItems \
    uniqueItems maxProperties minProperties required items properties additionalProperties \
    allOf anyOf oneOf not";

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// The 3.0.3 rendition of the 3.1 document `doc`.
pub fn downgrade(doc: &Value) -> Value {
    let mut doc = doc.clone();
    let Some(root) = doc.as_object_mut() else {
        return doc;
    };
    root.insert("openapi".into(), json!("3.0.3"));
    root.remove("jsonSchemaDialect");
    root.remove("webhooks");
    root.entry("paths").or_insert_with(|| json!({}));
    if let Some(info) = root.get_mut("info").and_then(Value::as_object_mut) {
        downgrade_info(info);
    }
    let shared = root
        .get_mut("components")
        .and_then(Value::as_object_mut)
        .and_then(|components| components.remove("pathItems"))
        .unwrap_or_default();
    each(&mut doc, "paths").for_each(|item| path_item(item, &shared));
    if let Some(components) = doc.get_mut("components") {
        each(components, "schemas").for_each(schema);
        for key in ["responses", "parameters", "requestBodies", "headers"] {
            each(components, key).for_each(described);
        }
        each(components, "callbacks").for_each(|c| callback(c, &shared));
    }
    doc
}

/// 3.0 has no `summary` and no SPDX `identifier`; the identifier becomes the SPDX page.
fn downgrade_info(info: &mut Map<String, Value>) {
    info.remove("summary");
    let Some(license) = info.get_mut("license").and_then(Value::as_object_mut) else {
        return;
    };
    if let Some(Value::String(id)) = license.remove("identifier") {
        let url = format!("https://spdx.org/licenses/{id}.html");
        license.entry("url").or_insert(url.into());
    }
}

/// The values of `node[key]`, whether a map or a list.
fn each<'a>(node: &'a mut Value, key: &str) -> Box<dyn Iterator<Item = &'a mut Value> + 'a> {
    match node.get_mut(key) {
        Some(Value::Object(map)) => Box::new(map.values_mut()),
        Some(Value::Array(list)) => Box::new(list.iter_mut()),
        _ => Box::new(std::iter::empty()),
    }
}

/// A reference outside a schema keeps only `$ref` (3.0 allows no `summary` or
/// `description` beside it); true when `node` is one.
fn is_reference(node: &mut Value) -> bool {
    let Some(map) = node.as_object_mut() else {
        return false;
    };
    let reference = map.contains_key("$ref");
    if reference {
        map.retain(|key, _| key == "$ref");
    }
    reference
}

fn path_item(item: &mut Value, shared: &Value) {
    let target = item
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/components/pathItems/"))
        .and_then(|name| shared.get(name)?.as_object().cloned());
    if let (Some(target), Some(map)) = (target, item.as_object_mut()) {
        map.remove("$ref");
        target.into_iter().for_each(|(k, v)| {
            map.entry(k).or_insert(v);
        });
    }
    each(item, "parameters").for_each(described);
    for method in METHODS {
        if let Some(operation) = item.get_mut(*method) {
            each(operation, "parameters").for_each(described);
            if let Some(body) = operation.get_mut("requestBody") {
                described(body);
            }
            each(operation, "responses").for_each(described);
            each(operation, "callbacks").for_each(|c| callback(c, shared));
        }
    }
}

fn callback(callback: &mut Value, shared: &Value) {
    if !is_reference(callback) {
        let items = callback
            .as_object_mut()
            .into_iter()
            .flat_map(|m| m.values_mut());
        items.for_each(|item| path_item(item, shared));
    }
}

/// A parameter, header, request body, response, media type or encoding: whichever of
/// `schema`, `content`, `headers` and `encoding` it has.
fn described(node: &mut Value) {
    if is_reference(node) {
        return;
    }
    if let Some(s) = node.get_mut("schema") {
        schema(s);
    }
    for key in ["content", "headers", "encoding"] {
        each(node, key).for_each(described);
    }
}

/// Rewrites the 3.1 schema `s` and all it contains in 3.0 terms.
fn schema(s: &mut Value) {
    if let Value::Bool(anything) = s {
        *s = if *anything {
            json!({})
        } else {
            json!({"not": {}})
        };
    }
    let Some(map) = s.as_object_mut() else {
        return;
    };
    drop_null_branches(map);
    fold_prefix_items(map);
    fold_pattern_properties(map);
    for key in ["items", "not", "additionalProperties"] {
        match map.get_mut(key) {
            Some(Value::Bool(_)) if key == "additionalProperties" => {}
            Some(sub) => schema(sub),
            None => {}
        }
    }
    for key in ["properties", "allOf", "anyOf", "oneOf"] {
        each(s, key).for_each(schema);
    }
    let Some(map) = s.as_object_mut() else {
        return;
    };
    content_to_format(map);
    split_type_list(map);
    if let Some(value) = map.remove("const") {
        if value.is_null() {
            map.insert("nullable".into(), json!(true));
        }
        map.insert("enum".into(), json!([value]));
    }
    if let Some(Value::Array(examples)) = map.remove("examples")
        && let Some(first) = examples.into_iter().next()
    {
        map.entry("example").or_insert(first);
    }
    exclusive_bound(map, "exclusiveMinimum", "minimum", f64::ge);
    exclusive_bound(map, "exclusiveMaximum", "maximum", f64::le);
    if map.get("type") == Some(&json!("array")) {
        map.entry("items").or_insert(json!({}));
    }
    if map.get("required") == Some(&json!([])) {
        map.remove("required");
    }
    let keyword = |key: &String| SCHEMA_KEYWORDS.split_whitespace().any(|k| k == key);
    map.retain(|key, _| keyword(key) || key.starts_with("x-"));
    wrap_ref_with_siblings(map);
}

/// Whether the schema `s` allows only `null`.
fn is_null_only(s: &Value) -> bool {
    [json!("null"), json!(["null"])]
        .iter()
        .any(|t| s.get("type") == Some(t))
        || s.get("const") == Some(&Value::Null)
        || s.get("enum") == Some(&json!([null]))
}

/// `oneOf`/`anyOf` with a `null` branch (how utoipa writes an `Option` of a reference)
/// becomes `nullable`, and a lone remaining branch becomes the schema itself.
fn drop_null_branches(map: &mut Map<String, Value>) {
    for key in ["oneOf", "anyOf"] {
        let Some(Value::Array(branches)) = map.get_mut(key) else {
            continue;
        };
        let before = branches.len();
        branches.retain(|branch| !is_null_only(branch));
        if branches.len() == before {
            continue;
        }
        let remaining = std::mem::take(branches);
        map.insert("nullable".into(), json!(true));
        match <[Value; 1]>::try_from(remaining) {
            Ok([only]) => {
                map.remove(key);
                absorb(map, only);
            }
            Err(remaining) if remaining.is_empty() => {
                map.remove(key);
                map.insert("enum".into(), json!([null]));
            }
            Err(remaining) => {
                map.insert(key.into(), Value::Array(remaining));
            }
        }
    }
}

/// Moves the keywords of `branch` into `map`, its `$ref` under `allOf` (3.0 ignores a
/// `$ref`'s siblings); a branch that would overwrite a keyword goes under `allOf` whole.
fn absorb(map: &mut Map<String, Value>, branch: Value) {
    let Value::Object(mut branch) = branch else {
        return push(map, "allOf", branch);
    };
    if branch.keys().any(|key| map.contains_key(key)) {
        return push(map, "allOf", Value::Object(branch));
    }
    if let Some(reference) = branch.remove("$ref") {
        push(map, "allOf", json!({ "$ref": reference }));
    }
    map.extend(branch);
}

fn push(map: &mut Map<String, Value>, key: &str, value: Value) {
    match map.entry(key).or_insert(json!([])) {
        Value::Array(list) => list.push(value),
        other => *other = json!([value]),
    }
}

/// `type: [t, "null"]` is `type: t, nullable: true`; several types are `anyOf` them.
fn split_type_list(map: &mut Map<String, Value>) {
    let types: Vec<Value> = match map.get("type") {
        Some(Value::Array(types)) => types.clone(),
        Some(t) if t == "null" => vec![t.clone()],
        _ => return,
    };
    let nullable = types.iter().any(|t| t == "null");
    let others: Vec<Value> = types.into_iter().filter(|t| t != "null").collect();
    map.remove("type");
    if nullable {
        map.insert("nullable".into(), json!(true));
    }
    if others.len() < 2 {
        match others.into_iter().next() {
            Some(only) => map.insert("type".into(), only),
            None => map.insert("enum".into(), json!([null])),
        };
    } else {
        map.remove("nullable");
        let items = map.get("items").cloned().unwrap_or(json!({}));
        let branches = others.into_iter().map(|t| {
            let mut branch = json!({ "type": t });
            if nullable {
                branch["nullable"] = json!(true);
            }
            if t == "array" {
                branch["items"] = items.clone();
            }
            branch
        });
        let branches = Value::Array(branches.collect());
        match map.remove("anyOf") {
            Some(any_of) => {
                push(map, "allOf", json!({ "anyOf": any_of }));
                push(map, "allOf", json!({ "anyOf": branches }));
            }
            None => {
                map.insert("anyOf".into(), branches);
            }
        }
    }
}

/// A 3.1 numeric exclusive bound becomes the 3.0 inclusive one with a boolean flag,
/// unless the inclusive bound beside it is the tighter.
fn exclusive_bound(
    map: &mut Map<String, Value>,
    exclusive: &str,
    inclusive: &str,
    tighter: fn(&f64, &f64) -> bool,
) {
    let Some(limit) = map.get(exclusive).and_then(Value::as_f64) else {
        return;
    };
    let value = map.remove(exclusive).unwrap_or_default();
    let other = map.get(inclusive).and_then(Value::as_f64);
    if other.is_none_or(|other| tighter(&limit, &other)) {
        map.insert(inclusive.into(), value);
        map.insert(exclusive.into(), json!(true));
    }
}

/// A string with `contentEncoding: base64` is 3.0's `format: byte`; one with a
/// `contentMediaType` (a file in a multipart or octet-stream body) is `format: binary`.
fn content_to_format(map: &mut Map<String, Value>) {
    map.remove("contentSchema");
    let media_type = map.remove("contentMediaType");
    let format = match map
        .remove("contentEncoding")
        .as_ref()
        .and_then(Value::as_str)
    {
        Some("base64" | "base64url") => "byte",
        _ if media_type.is_some() => "binary",
        _ => return,
    };
    map.entry("type").or_insert(json!("string"));
    map.insert("format".into(), json!(format));
}

/// 3.0 has no tuples: `items` becomes any of the `prefixItems` (and of `items` when more
/// items may follow), bounded by `maxItems` when none may.
fn fold_prefix_items(map: &mut Map<String, Value>) {
    let Some(Value::Array(mut prefix)) = map.remove("prefixItems") else {
        return;
    };
    match map.remove("items") {
        Some(Value::Bool(false)) => {
            let count = prefix.len() as u64;
            let max = map.get("maxItems").and_then(Value::as_u64);
            map.insert(
                "maxItems".into(),
                json!(max.map_or(count, |m| m.min(count))),
            );
        }
        Some(Value::Bool(true)) | None => {
            map.insert("items".into(), json!({}));
            return;
        }
        Some(rest) => prefix.push(rest),
    }
    map.insert("items".into(), json!({ "anyOf": prefix }));
}

/// `patternProperties` have no 3.0 form: where `additionalProperties` limits the other
/// properties, their schemas join it, so the names they allowed stay allowed.
fn fold_pattern_properties(map: &mut Map<String, Value>) {
    let Some(Value::Object(patterns)) = map.remove("patternProperties") else {
        return;
    };
    let mut any_of: Vec<Value> = patterns.into_iter().map(|(_, s)| s).collect();
    match map.get("additionalProperties") {
        None | Some(Value::Bool(true)) => return,
        Some(Value::Bool(false)) => {}
        Some(other) => any_of.push(other.clone()),
    }
    if !any_of.is_empty() {
        map.insert("additionalProperties".into(), json!({ "anyOf": any_of }));
    }
}

/// 3.0 ignores the siblings of a `$ref`; the reference goes under `allOf` so they count.
fn wrap_ref_with_siblings(map: &mut Map<String, Value>) {
    if map.len() > 1
        && let Some(reference) = map.remove("$ref")
    {
        push(map, "allOf", json!({ "$ref": reference }));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn converted(mut s: Value) -> Value {
        schema(&mut s);
        s
    }

    #[test]
    fn type_lists_become_nullable_or_any_of() {
        let nullable = json!({"type": ["string", "null"], "maxLength": 3});
        assert_eq!(
            converted(nullable),
            json!({"type": "string", "nullable": true, "maxLength": 3})
        );
        assert_eq!(
            converted(json!({"type": ["integer", "array", "null"]})),
            json!({"anyOf": [
                {"type": "integer", "nullable": true},
                {"type": "array", "nullable": true, "items": {}},
            ]})
        );
    }

    #[test]
    fn a_null_branch_makes_the_rest_nullable() {
        let reference = json!({"$ref": "#/components/schemas/LabStage", "description": "D"});
        assert_eq!(
            converted(json!({"oneOf": [{"type": "null"}, reference]})),
            json!({
                "allOf": [{"$ref": "#/components/schemas/LabStage"}],
                "description": "D",
                "nullable": true,
            })
        );
        let two = json!({"anyOf": [{"type": "string"}, {"type": "integer"}, {"type": "null"}]});
        assert_eq!(
            converted(two),
            json!({"anyOf": [{"type": "string"}, {"type": "integer"}], "nullable": true})
        );
    }

    #[test]
    fn const_and_examples_take_their_30_forms() {
        assert_eq!(
            converted(json!({"const": "a", "examples": ["x", "y"], "$comment": "c"})),
            json!({"enum": ["a"], "example": "x"})
        );
    }

    #[test]
    fn numeric_exclusive_bounds_become_flags_unless_looser() {
        let bounds = json!({"type": "integer", "exclusiveMinimum": 0, "maximum": 10,
            "exclusiveMaximum": 20});
        assert_eq!(
            converted(bounds),
            json!({"type": "integer", "minimum": 0, "exclusiveMinimum": true, "maximum": 10})
        );
    }

    #[test]
    fn files_are_binary_and_base64_is_byte() {
        let doc = json!({"openapi": "3.1.0", "paths": {"/f": {"post": {"requestBody": {
            "content": {"multipart/form-data": {"schema": {"type": "object", "properties": {
                "file": {"type": "string", "contentMediaType": "image/png"},
                "thumb": {"type": "string", "contentEncoding": "base64"},
            }}}}}, "responses": {}}}}});
        let form = &downgrade(&doc)["paths"]["/f"]["post"]["requestBody"]["content"]["multipart/form-data"]
            ["schema"]["properties"];
        assert_eq!(form["file"], json!({"type": "string", "format": "binary"}));
        assert_eq!(form["thumb"], json!({"type": "string", "format": "byte"}));
    }

    #[test]
    fn ref_siblings_go_under_all_of() {
        let reference = json!({"$ref": "#/components/schemas/PartyBody", "description": "D"});
        assert_eq!(
            converted(reference),
            json!({"allOf": [{"$ref": "#/components/schemas/PartyBody"}], "description": "D"})
        );
        let bare = json!({"$ref": "#/components/schemas/PartyBody"});
        assert_eq!(converted(bare.clone()), bare);
    }

    #[test]
    fn what_30_cannot_say_is_loosened_never_tightened() {
        assert_eq!(converted(json!(false)), json!({"not": {}}));
        let tuple = json!({"type": "array", "prefixItems": [{"type": "string"}], "items": false});
        assert_eq!(
            converted(tuple),
            json!({"type": "array", "items": {"anyOf": [{"type": "string"}]}, "maxItems": 1})
        );
        let closed = json!({"type": "object", "additionalProperties": false, "if": {},
            "patternProperties": {"^x_": {"type": "integer"}}});
        assert_eq!(
            converted(closed),
            json!({"type": "object", "additionalProperties": {"anyOf": [{"type": "integer"}]}})
        );
    }

    #[test]
    fn the_document_is_30_throughout() {
        let doc = json!({
            "openapi": "3.1.0", "jsonSchemaDialect": "x", "webhooks": {},
            "info": {"title": "T", "version": "1", "summary": "S",
                "license": {"name": "Apache-2.0", "identifier": "Apache-2.0"}},
            "paths": {"/a": {"get": {
                "parameters": [{"name": "q", "in": "query", "schema": {"type": ["integer", "null"]}}],
                "responses": {"200": {"description": "ok",
                    "headers": {"H": {"schema": {"type": "string", "examples": ["h"]}}}}}}}},
            "components": {"schemas": {"S": {"type": ["string", "null"]}}},
        });
        let out = downgrade(&doc);
        assert_eq!(out["openapi"], "3.0.3");
        assert!(out.get("jsonSchemaDialect").is_none() && out.get("webhooks").is_none());
        assert_eq!(
            out["info"],
            json!({"title": "T", "version": "1", "license": {"name": "Apache-2.0",
                "url": "https://spdx.org/licenses/Apache-2.0.html"}})
        );
        let get = &out["paths"]["/a"]["get"];
        assert_eq!(
            get["parameters"][0]["schema"],
            json!({"type": "integer", "nullable": true})
        );
        let header = &get["responses"]["200"]["headers"]["H"]["schema"];
        assert_eq!(header, &json!({"type": "string", "example": "h"}));
        assert_eq!(out["components"]["schemas"]["S"]["nullable"], true);
    }
}
