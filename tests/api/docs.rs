//! `docs/integrating.md` runs: every `sh` block, in order, in one bash against a live
//! `inovik serve`, each output compared with the `json` or `text` block that follows it.
//! `…` in an expected block stands for anything.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::helpers::{ServerProcess, spawn_app};
use crate::recorder::Recorder;

/// A runnable example and what it must print.
struct Example {
    /// 1-based line of the block in the document, for messages.
    line: usize,
    script: String,
    expected: Option<Expected>,
}

enum Expected {
    /// The output is JSON containing at least these fields and array elements.
    Json(Value),
    /// Each line must match a line of the output, in order.
    Text(Vec<String>),
}

/// The fenced blocks of `markdown` as (line, info string, body).
fn fenced_blocks(markdown: &str) -> Vec<(usize, String, String)> {
    let mut blocks = Vec::new();
    let mut open: Option<(usize, String, String)> = None;
    for (index, line) in markdown.lines().enumerate() {
        match (&mut open, line.strip_prefix("```")) {
            (None, Some(info)) => open = Some((index + 1, info.trim().to_owned(), String::new())),
            (Some(_), Some(_)) => blocks.push(open.take().unwrap()),
            (Some((_, _, body)), None) => {
                body.push_str(line);
                body.push('\n');
            }
            (None, None) => {}
        }
    }
    assert!(open.is_none(), "an unclosed code block");
    blocks
}

fn examples(markdown: &str) -> Vec<Example> {
    let mut examples: Vec<Example> = Vec::new();
    let mut after_script = false;
    for (line, info, body) in fenced_blocks(markdown) {
        match info.as_str() {
            "sh" => {
                examples.push(Example {
                    line,
                    script: body,
                    expected: None,
                });
                after_script = true;
                continue;
            }
            "json" if after_script => {
                let value = serde_json::from_str(&body)
                    .unwrap_or_else(|e| panic!("the json block at line {line} parses: {e}"));
                examples.last_mut().unwrap().expected = Some(Expected::Json(value));
            }
            "text" if after_script => {
                let lines = body.lines().map(str::to_owned).collect();
                examples.last_mut().unwrap().expected = Some(Expected::Text(lines));
            }
            _ => {}
        }
        after_script = false;
    }
    examples
}

/// `pattern` with `…` standing for any run of characters.
fn wildcard_match(pattern: &str, text: &str) -> bool {
    let mut parts = pattern.split('…');
    let first = parts.next().unwrap_or_default();
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    for (i, part) in parts.iter().enumerate() {
        if i == parts.len() - 1 {
            return rest.ends_with(part);
        }
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.is_empty()
}

/// Whether `actual` has every field of `expected` with a matching value (strings by
/// [`wildcard_match`]); arrays match element by element and must be as long.
fn json_contains(expected: &Value, actual: &Value) -> bool {
    match (expected, actual) {
        (Value::Object(expected), Value::Object(actual)) => expected
            .iter()
            .all(|(key, value)| actual.get(key).is_some_and(|a| json_contains(value, a))),
        (Value::Array(expected), Value::Array(actual)) => {
            expected.len() == actual.len()
                && expected
                    .iter()
                    .zip(actual)
                    .all(|(e, a)| json_contains(e, a))
        }
        (Value::String(expected), Value::String(actual)) => wildcard_match(expected, actual),
        (expected, actual) => expected == actual,
    }
}

/// Whether the expected lines appear in the output in order (other lines may come between).
fn lines_in_order(expected: &[String], output: &str) -> bool {
    let mut lines = output.lines().map(|l| l.trim_end_matches('\r'));
    expected
        .iter()
        .all(|pattern| lines.any(|line| wildcard_match(pattern, line)))
}

const MARKER: &str = "@@inovik-docs-example";

#[actix_web::test]
async fn the_integration_guide_runs_as_written() {
    for tool in ["bash", "curl", "jq"] {
        let found = Command::new(tool).arg("--version").output();
        assert!(
            found.is_ok_and(|o| o.status.success()),
            "{tool} is needed to run docs/integrating.md (apt-get install {tool})"
        );
    }
    let guide = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/integrating.md");
    let markdown = std::fs::read_to_string(&guide).expect("docs/integrating.md exists");
    let examples = examples(&markdown);
    assert!(examples.len() >= 15, "{} examples", examples.len());

    let app = spawn_app().await;
    let server = ServerProcess::start(&app).await;
    // With INOVIK_GUIDE_EXCHANGES set (.ci/clients), the guide talks to the server through
    // a proxy that records every exchange for openapi-core to validate.
    let recorder = std::env::var_os("INOVIK_GUIDE_EXCHANGES")
        .map(|file| Recorder::start(&server.address, file.into()));
    let address = recorder.as_ref().map_or(&server.address, |r| &r.address);
    let workdir = tempfile::tempdir().unwrap();
    let mut script = String::from("set -euo pipefail\n");
    for (index, example) in examples.iter().enumerate() {
        script.push_str(&format!("printf '\\n{MARKER} {index}\\n'\n"));
        script.push_str(&example.script);
    }
    script.push_str(&format!("printf '\\n{MARKER} end\\n'\n"));
    // On a blocking thread: the recording proxy, when there is one, runs on this one.
    let mut bash = Command::new("bash");
    bash.arg("-c")
        .arg(&script)
        .current_dir(workdir.path())
        .env("INOVIK", address)
        .env("ADMIN_USER", "admin")
        .env("ADMIN_PASSWORD", "admin-password-2016");
    let output = actix_web::rt::task::spawn_blocking(move || bash.output())
        .await
        .unwrap()
        .expect("bash runs");
    if let Some(recorder) = recorder {
        recorder.stop().await;
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);

    // What each example printed, by its index; the last one that started is the one that
    // failed if the script did not reach its end.
    let mut printed: Vec<&str> = Vec::new();
    let mut finished = false;
    for section in stdout.split(MARKER).skip(1) {
        let (label, text) = section.split_once('\n').unwrap_or((section, ""));
        if label.trim() == "end" {
            finished = true;
        } else {
            printed.push(text.strip_suffix('\n').unwrap_or(text));
        }
    }
    if !finished {
        let failed = &examples[printed.len().saturating_sub(1)];
        panic!(
            "the example at docs/integrating.md:{} failed ({}):\n{}\nprinted:\n{}\nstderr:\n{stderr}",
            failed.line,
            output.status,
            failed.script,
            printed.last().unwrap_or(&"")
        );
    }
    for (example, printed) in examples.iter().zip(printed) {
        match &example.expected {
            Some(Expected::Json(expected)) => {
                let actual: Value = serde_json::from_str(printed).unwrap_or_else(|e| {
                    panic!(
                        "the example at docs/integrating.md:{} printed no JSON ({e}):\n{printed}",
                        example.line
                    )
                });
                assert!(
                    json_contains(expected, &actual),
                    "the example at docs/integrating.md:{} printed\n{actual:#}\nnot matching\n{expected:#}",
                    example.line
                );
            }
            Some(Expected::Text(expected)) => assert!(
                lines_in_order(expected, printed),
                "the example at docs/integrating.md:{} printed\n{printed}\nnot matching\n{}",
                example.line,
                expected.join("\n")
            ),
            None => {}
        }
    }
    assert!(output.status.success(), "{stderr}");
}

#[test]
fn wildcards_match_what_they_should() {
    assert!(wildcard_match("ck_…", "ck_3f9a"));
    assert!(wildcard_match(
        "location: …/api/v1/innovations/…",
        "location: http://x/api/v1/innovations/7"
    ));
    assert!(!wildcard_match("HTTP/1.1 201 Created", "HTTP/1.1 200 OK"));
    assert!(!wildcard_match("412", "4123"));
    assert!(wildcard_match("…", ""));
    assert!(json_contains(
        &serde_json::json!({"errors": [{"code": "blank"}]}),
        &serde_json::json!({"status": 422, "errors": [{"field": "name", "code": "blank"}]})
    ));
    assert!(!json_contains(
        &serde_json::json!({"errors": [{"code": "blank"}]}),
        &serde_json::json!({"errors": [{"code": "blank"}, {"code": "too_long"}]})
    ));
}

/// `deploy/nginx.conf`'s body limit follows `INOVIK_UPLOAD_LIMIT`'s default: a form with a
/// file of exactly the limit passes the proxy (the API answers it), and the proxy does not
/// let through much more than the API would read anyway.
#[test]
fn the_proxy_body_limit_follows_the_upload_limit() {
    let conf =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/nginx.conf"))
            .unwrap();
    let value = conf
        .lines()
        .find_map(|line| line.trim().strip_prefix("client_max_body_size "))
        .expect("deploy/nginx.conf sets client_max_body_size")
        .trim_end_matches(';');
    let (digits, unit) = value.split_at(
        value
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(value.len()),
    );
    let bytes: u64 = digits.parse::<u64>().unwrap()
        * match unit {
            "" => 1,
            "k" | "K" => 1024,
            "m" | "M" => 1024 * 1024,
            "g" | "G" => 1024 * 1024 * 1024,
            other => panic!("unknown nginx size unit {other:?}"),
        };
    let needed = inovik::config::DEFAULT_UPLOAD_LIMIT + inovik::config::UPLOAD_FORM_OVERHEAD;
    assert!(
        (needed..=needed + 2 * 1024 * 1024).contains(&bytes),
        "client_max_body_size {value} ({bytes} bytes) should be at least {needed} bytes and at most 2 MiB more"
    );
}
