//! The bounds of a problem body. Much of a problem echoes the request (a field or
//! parameter name, a value in a message, the path), so without a cut its size would follow
//! the request's; every problem is cut to these bounds before it is sent, and the OpenAPI
//! schema of [`Problem`] states them.

use super::{FieldError, MoveFailure, Problem};

/// `type` and `title`: a URI of [`super::PROBLEM_BASE`] and a slug, a short sentence.
pub const MAX_TITLE_LEN: usize = 100;
/// `detail`, `error_description` and each error's `message`.
pub const MAX_TEXT_LEN: usize = 1_000;
/// A field's path or a parameter's name, a column's name, a code.
pub const MAX_NAME_LEN: usize = 200;
/// `instance`, the request's path: as long as the longest address served
/// (`http::limits::MAX_URI_BYTES`); the path of a longer one, answered 414, is cut.
pub const MAX_INSTANCE_LEN: usize = 4_096;
/// `request_id`: the client's `X-Request-Id` is taken up to this length, else a UUID.
pub const MAX_REQUEST_ID_LEN: usize = 128;
/// `errors`: the first of them (a query string may name thousands of unknown parameters).
pub const MAX_FIELD_ERRORS: usize = 100;
/// `row_errors`: the first of them, as the import reports them.
pub const MAX_ROW_ERRORS: usize = 1_000;
/// `failures`: one per innovation of a bulk move, which names at most 500.
pub const MAX_FAILURES: usize = 500;
/// `allowed_next_stages`: there are five stages.
pub const MAX_STAGES: usize = 5;

impl Problem {
    /// This problem cut to the bounds above (a cut text ends with `…`).
    pub(super) fn bounded(mut self) -> Self {
        cut(&mut self.problem_type, MAX_TITLE_LEN);
        cut(&mut self.title, MAX_TITLE_LEN);
        for text in [&mut self.detail, &mut self.error_description]
            .into_iter()
            .flatten()
        {
            cut(text, MAX_TEXT_LEN);
        }
        if let Some(error) = &mut self.error {
            cut(error, MAX_NAME_LEN);
        }
        if let Some(instance) = &mut self.instance {
            cut(instance, MAX_INSTANCE_LEN);
        }
        if let Some(id) = &mut self.request_id {
            cut(id, MAX_REQUEST_ID_LEN);
        }
        self.errors.truncate(MAX_FIELD_ERRORS);
        for error in &mut self.errors {
            error.bound();
        }
        if let Some(stages) = &mut self.allowed_next_stages {
            stages.truncate(MAX_STAGES);
        }
        if let Some(rows) = &mut self.row_errors {
            rows.truncate(MAX_ROW_ERRORS);
            for row in rows {
                cut(&mut row.column, MAX_NAME_LEN);
                cut(&mut row.code, MAX_NAME_LEN);
                cut(&mut row.message, MAX_TEXT_LEN);
            }
        }
        if let Some(failures) = &mut self.failures {
            failures.truncate(MAX_FAILURES);
            for failure in failures {
                failure.bound();
            }
        }
        self
    }
}

impl FieldError {
    fn bound(&mut self) {
        cut(&mut self.field, MAX_NAME_LEN);
        cut(&mut self.code, MAX_NAME_LEN);
        cut(&mut self.message, MAX_TEXT_LEN);
    }
}

impl MoveFailure {
    fn bound(&mut self) {
        cut(&mut self.code, MAX_NAME_LEN);
        cut(&mut self.message, MAX_TEXT_LEN);
        self.allowed_next_stages.truncate(MAX_STAGES);
    }
}

/// Cuts `text` to `max` characters, the last of them `…`.
fn cut(text: &mut String, max: usize) {
    if let Some((at, _)) = text.char_indices().nth(max) {
        let keep = text[..at]
            .char_indices()
            .nth(max - 1)
            .map_or(at, |(i, _)| i);
        text.truncate(keep);
        text.push('…');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{ApiError, Language};

    #[test]
    fn a_problem_echoing_a_huge_request_stays_within_its_bounds() {
        let long = "é".repeat(10_000);
        let errors = (0..1_000)
            .map(|i| FieldError::with_message(format!("{long}{i}"), "unknown_parameter", &long))
            .collect();
        let problem = ApiError::BadRequest {
            detail: long.clone(),
            errors,
        }
        .problem_in(Language::English, Some("x".repeat(500)), Some(long));
        assert_eq!(problem.errors.len(), MAX_FIELD_ERRORS);
        let first = &problem.errors[0];
        assert_eq!(first.field.chars().count(), MAX_NAME_LEN);
        assert!(first.field.ends_with('…'));
        assert_eq!(first.message.chars().count(), MAX_TEXT_LEN);
        assert_eq!(problem.detail.unwrap().chars().count(), MAX_TEXT_LEN);
        assert_eq!(problem.instance.unwrap().chars().count(), MAX_INSTANCE_LEN);
        assert_eq!(
            problem.request_id.unwrap().chars().count(),
            MAX_REQUEST_ID_LEN
        );
        let mut short = "kept".to_owned();
        cut(&mut short, 4);
        assert_eq!(short, "kept");
    }

    #[test]
    fn the_schemas_state_these_bounds() {
        use crate::error::{FieldError, RowError};
        let schema = |s| serde_json::to_value(s).unwrap()["properties"].clone();
        let problem = schema(<Problem as utoipa::PartialSchema>::schema());
        for (field, bound) in [
            ("type", MAX_TITLE_LEN),
            ("title", MAX_TITLE_LEN),
            ("detail", MAX_TEXT_LEN),
            ("error_description", MAX_TEXT_LEN),
            ("error", MAX_NAME_LEN),
            ("instance", MAX_INSTANCE_LEN),
            ("request_id", MAX_REQUEST_ID_LEN),
        ] {
            assert_eq!(problem[field]["maxLength"], bound, "{field}");
        }
        for (field, bound) in [
            ("errors", MAX_FIELD_ERRORS),
            ("row_errors", MAX_ROW_ERRORS),
            ("failures", MAX_FAILURES),
            ("allowed_next_stages", MAX_STAGES),
        ] {
            assert_eq!(problem[field]["maxItems"], bound, "{field}");
        }
        let errors = [
            schema(<FieldError as utoipa::PartialSchema>::schema()),
            schema(<RowError as utoipa::PartialSchema>::schema()),
            schema(<MoveFailure as utoipa::PartialSchema>::schema()),
        ];
        for error in errors {
            for (field, bound) in [
                ("field", MAX_NAME_LEN),
                ("column", MAX_NAME_LEN),
                ("code", MAX_NAME_LEN),
                ("message", MAX_TEXT_LEN),
            ] {
                if !error[field].is_null() {
                    assert_eq!(error[field]["maxLength"], bound, "{field}");
                }
            }
        }
    }
}
