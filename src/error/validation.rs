//! `validator`'s errors as field errors: dotted paths, codes, and catalogue messages.

use super::{ApiError, FieldError};

impl From<validator::ValidationErrors> for ApiError {
    fn from(errors: validator::ValidationErrors) -> Self {
        Self::Validation(field_errors_from_validator(&errors))
    }
}

/// Flattens validator's nested errors into dotted field paths, with catalog messages.
pub fn field_errors_from_validator(errors: &validator::ValidationErrors) -> Vec<FieldError> {
    let mut out = Vec::new();
    collect_validator_errors("", errors, &mut out);
    out.sort_by(|a, b| a.field.cmp(&b.field));
    out
}

fn collect_validator_errors(
    prefix: &str,
    errors: &validator::ValidationErrors,
    out: &mut Vec<FieldError>,
) {
    use validator::ValidationErrorsKind;
    for (field, kind) in errors.errors() {
        let path = if prefix.is_empty() {
            field.to_string()
        } else {
            format!("{prefix}.{field}")
        };
        match kind {
            ValidationErrorsKind::Field(list) => {
                for error in list {
                    let params: Vec<(&str, String)> = error
                        .params
                        .iter()
                        .filter(|(name, _)| *name != "value")
                        .map(|(name, value)| (name.as_ref(), value.to_string()))
                        .collect();
                    out.push(match &error.message {
                        Some(own) => FieldError::with_message(&path, &error.code, own.to_string()),
                        None => FieldError::with_params(&path, &error.code, &params),
                    });
                }
            }
            ValidationErrorsKind::Struct(inner) => collect_validator_errors(&path, inner, out),
            ValidationErrorsKind::List(items) => {
                for (index, inner) in items {
                    collect_validator_errors(&format!("{path}.{index}"), inner, out);
                }
            }
        }
    }
}
