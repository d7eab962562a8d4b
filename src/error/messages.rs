//! English texts for every error `code`. Codes are the contract; texts may change. The
//! Indonesian texts are in `messages_id.rs`; [`Language`] picks one per request.

/// The language of problem titles and field messages, from `Accept-Language`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Language {
    #[default]
    English,
    Indonesian,
}

impl Language {
    /// The preferred of the two languages in an `Accept-Language` value (RFC 9110
    /// section 12.5.4): the highest `q` wins, the earlier on a tie; English by default.
    pub fn negotiate(accept_language: Option<&str>) -> Self {
        let mut best = (Self::English, 0.0_f32);
        for range in accept_language.unwrap_or("").split(',') {
            let mut parts = range.split(';').map(str::trim);
            let tag = parts.next().unwrap_or("").to_ascii_lowercase();
            let quality = parts
                .find_map(|p| p.strip_prefix("q=").and_then(|q| q.parse::<f32>().ok()))
                .unwrap_or(1.0);
            let language = match tag.split('-').next() {
                Some("id") | Some("in") => Self::Indonesian,
                Some("en") => Self::English,
                _ => continue,
            };
            if quality > best.1 {
                best = (language, quality);
            }
        }
        best.0
    }

    /// The `Content-Language` tag.
    pub fn tag(self) -> &'static str {
        match self {
            Self::English => "en",
            Self::Indonesian => "id",
        }
    }

    /// The message for `code` in this language (English where Indonesian has none).
    pub fn message(self, code: &str, params: &[(&str, String)]) -> String {
        match self {
            Self::Indonesian => {
                super::messages_id::message(code, params).unwrap_or_else(|| message(code, params))
            }
            Self::English => message(code, params),
        }
    }
}

/// The value of parameter `name` in `params`, unquoted.
pub(super) fn param(params: &[(&str, String)], name: &str) -> Option<String> {
    params
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v.trim_matches('"').to_owned())
}

/// The message for `code`, filled with `params` (e.g. `("max", "200")`).
pub fn message(code: &str, params: &[(&str, String)]) -> String {
    let param = |name: &str| param(params, name);
    match code {
        "required" => "is required".into(),
        "blank" => "must not be blank".into(),
        "reused" => "was already used for a different request".into(),
        "header_too_long" => format!("must be at most {} bytes", param("max").unwrap_or_default()),
        "idempotency_key_invalid" => {
            "must be 1 to 255 visible ASCII characters (a UUID is a good choice)".into()
        }
        "length" => match (param("min"), param("max")) {
            (Some(min), Some(max)) => format!("must be {min} to {max} characters long"),
            (None, Some(max)) => format!("must be at most {max} characters long"),
            (Some(min), None) => format!("must be at least {min} characters long"),
            (None, None) => "has an invalid length".into(),
        },
        "range" => match (param("min"), param("max")) {
            (Some(min), Some(max)) => format!("must be between {min} and {max}"),
            (Some(min), None) => format!("must be at least {min}"),
            (None, Some(max)) => format!("must be at most {max}"),
            (None, None) => "is out of range".into(),
        },
        "invalid_choice" => match param("allowed") {
            Some(allowed) => format!("must be one of: {allowed}"),
            None => "is not one of the allowed values".into(),
        },
        "agency_code_invalid" => "must be 2-32 characters of A-Z, 0-9 and -".into(),
        "region_code_invalid" => {
            "must be a 4-digit Kemendagri region code, e.g. 3305 for Kebumen".into()
        }
        "email_invalid" => "must be a valid e-mail address".into(),
        "phone_invalid" => {
            "must be 6-32 characters of digits, spaces, +, -, ( and ), e.g. (0287) 381234".into()
        }
        "nip_invalid_length" => "a NIP has 18 digits (spaces are allowed between groups)".into(),
        "nip_not_digits" => {
            "a NIP is 18 digits, with at most single spaces between its groups (19860926 201505 1 001)".into()
        }
        "nip_invalid_birth_date" => {
            "the birth date (digits 1-8, YYYYMMDD) is not a real date since 1900".into()
        }
        "nip_invalid_month" => "the appointment month (digits 13-14) must be 01-12".into(),
        "nip_appointment_before_birth" => {
            "the first appointment (digits 9-14, YYYYMM) must come after the birth date".into()
        }
        "nip_invalid_gender" => "the gender digit (digit 15) must be 1 or 2".into(),
        "nip_invalid_serial" => "the serial number (digits 16-18) must not be 000".into(),
        "parent_not_found" => "no agency with this id exists".into(),
        "parent_inactive" => "the parent agency is archived".into(),
        "parent_cycle" => "an agency cannot be its own ancestor".into(),
        "duplicate" => "is already taken".into(),
        "unknown_field" => "is not a field of this resource".into(),
        "read_only" => "is set by the server and cannot be written".into(),
        "invalid_characters" => "must not contain NUL (U+0000) characters".into(),
        "username_invalid" => {
            "must be 3-64 characters of a-z, 0-9, '.', '_' and '-', starting with a letter or digit"
                .into()
        }
        "password_too_short" => "must be at least 12 characters long".into(),
        "password_too_long" => "must be at most 128 characters long".into(),
        "password_too_simple" => "must not repeat a single character".into(),
        "password_contains_username" => "must not contain the username".into(),
        "password_incorrect" => "is not the current password".into(),
        "agency_required" => "an agency editor must belong to an agency".into(),
        "agency_not_found" => "no agency with this id exists".into(),
        "agency_inactive" => "the agency is archived".into(),
        "affair_invalid" => "each government affair must be 1-100 characters, without |".into(),
        "fixed_by_amended" => "an amendment keeps the year and agency of the agreement it amends".into(),
        "url_invalid" => "must be an http or https URL".into(),
        "date_invalid" => "must be a date, YYYY-MM-DD".into(),
        "cohort_not_found" => "no cohort with this id exists".into(),
        "innovation_archived" => "an archived innovation cannot change stage".into(),
        "transition_not_allowed" => "this stage cannot be reached from the current one".into(),
        "reason_required" => "a backward move needs a reason".into(),
        "launched_on_not_delivery" => "launched_on is only given when moving to delivery".into(),
        "not_found" => "no record with this id exists".into(),
        "csv_not_utf8" => "the file must be UTF-8 text".into(),
        "csv_invalid" => "the row cannot be read as CSV (a stray quote, or a wrong number of cells)".into(),
        "unknown_column" => "is not a column an import reads".into(),
        "column_missing" => "is a required column".into(),
        "duplicate_column" => "is given twice in the header".into(),
        "too_many_rows" => "the file has more than 20,000 rows; split it".into(),
        "no_rows" => "the file has a header but no rows".into(),
        "duplicate_in_file" => "another row of the file has this name".into(),
        "innovation_not_found" => "no innovation with this id exists".into(),
        "innovation_other_agency" => "the innovation belongs to another agency than the agreement".into(),
        "commitments_required" => "an agreement needs at least one commitment to be signed".into(),
        "second_party_required" => {
            "give the second party: the agency has no head's name and title on record".into()
        }
        "decimal_invalid" => "must be a decimal with at most two fractional digits, e.g. 1000.50".into(),
        "target_required" => {
            "give a target_value with its unit, or a target_stage with its due_on".into()
        }
        "date_out_of_range" => "must be a date between 1900-01-01 and 2100-12-31".into(),
        "invalid_value" => "is not a value this field takes".into(),
        "invalid_type" => "has the wrong JSON type".into(),
        "unknown_parameter" => "is not a parameter of this endpoint".into(),
        "duplicate_parameter" => "is given more than once".into(),
        "invalid_integer" => "must be an integer".into(),
        "invalid_boolean" => "must be true or false".into(),
        "invalid_datetime" => "must be an RFC 3339 date-time, e.g. 2017-10-12T03:00:00Z".into(),
        "invalid_cursor" => "is not a cursor this endpoint issued".into(),
        "cursor_sort_mismatch" => "was issued for another sort order".into(),
        "page_and_cursor" => "page and cursor cannot be combined".into(),
        "too_long" => match param("max") {
            Some(max) => format!("must be at most {max} characters long"),
            None => "is too long".into(),
        },
        "file_required" => "send the file in a part named file".into(),
        "file_not_allowed" => "a video is a link: send its url, not a file".into(),
        "url_not_allowed" => "only a video is a link; send the file itself".into(),
        "empty_file" => "the file is empty".into(),
        "file_type_not_accepted" => {
            "must be a PDF, JPEG, PNG or WebP file, or an Office Open XML or OpenDocument document"
                .into()
        }
        "duplicate_part" => "is sent more than once".into(),
        "unknown_part" => "is not a part of this form".into(),
        "multipart_invalid" => "the multipart/form-data body is malformed or cut short".into(),
        "document_purged" => "the file was removed for good".into(),
        "weight_invalid" => {
            "must be a decimal from 0 to 9999.99 with at most two fractional digits".into()
        }
        "weights_not_100" => format!(
            "the two aspect weights must add up to 100 (they add up to {})",
            param("total").unwrap_or_default()
        ),
        "duplicate_code" => "is already the code of another variable or indicator".into(),
        "aspect_without_indicators" => format!(
            "the {} aspect needs at least one indicator",
            param("aspect").unwrap_or_default()
        ),
        "variable_without_indicators" => "a variable needs at least one indicator".into(),
        "too_few_options" => "an indicator needs at least two options".into(),
        "grades_do_not_cover_zero" => {
            "one grade band must start at 0 (included), so every index has a grade".into()
        }
        "year_mismatch" => "must be the catalogue's own year (or absent)".into(),
        "inconsistent" => "differs from an earlier row of the same code".into(),
        "negative" => "must not be negative".into(),
        "no_quarter_target" => "give a target for one quarter at least".into(),
        "quarters_not_yearly_sum" => format!(
            "the quarters of a cumulative target must add up to the yearly target {} (they add up to {})",
            param("yearly").unwrap_or_default(),
            param("sum").unwrap_or_default()
        ),
        "last_quarter_not_yearly" => format!(
            "the last quarter's target must be the yearly target {}",
            param("yearly").unwrap_or_default()
        ),
        "target_falls" => "an increasing target must not fall below an earlier quarter's".into(),
        "target_rises" => "a decreasing target must not rise above an earlier quarter's".into(),
        "value_target_required" => {
            "quarterly targets need a target value with its unit".into()
        }
        "quarter_not_started" => format!(
            "this quarter has not started yet (it starts on {})",
            param("starts_on").unwrap_or_default()
        ),
        "quarters_count" => "must hold four values, quarters I to IV (null where none)".into(),
        _ => "is invalid".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::Language;

    #[test]
    fn the_preferred_language_is_negotiated() {
        for (header, expected) in [
            (None, Language::English),
            (Some("id"), Language::Indonesian),
            (Some("id-ID,id;q=0.9,en-US;q=0.8"), Language::Indonesian),
            (Some("en-US,en;q=0.9,id;q=0.8"), Language::English),
            (Some("fr, id;q=0.5"), Language::Indonesian),
            (Some("id;q=0, en;q=0.1"), Language::English),
            (Some("*"), Language::English),
        ] {
            assert_eq!(Language::negotiate(header), expected, "{header:?}");
        }
    }
}
