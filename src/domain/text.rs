//! Small text rules shared by every resource.

use unicode_normalization::UnicodeNormalization;
use validator::ValidationError;

/// Characters that show nothing but make two names differ: zero-width space, non-joiner
/// and joiner, word joiner, byte-order mark, soft hyphen.
const INVISIBLE: [char; 6] = [
    '\u{200B}', '\u{200C}', '\u{200D}', '\u{2060}', '\u{FEFF}', '\u{00AD}',
];

/// A name as it is stored: Unicode NFC, invisible characters dropped, surrounding
/// whitespace trimmed and inner runs of whitespace (any Unicode space) made one space.
pub fn normalise_name(text: &str) -> String {
    let visible: String = text.nfc().filter(|c| !INVISIBLE.contains(c)).collect();
    visible.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Optional text as it is stored: a value with nothing but whitespace in it is absent
/// (`null`), so that an export's empty cell and the value agree; any other text is kept
/// exactly as sent, surrounding spaces and all (a spreadsheet round trip reproduces it).
pub fn optional_text(value: Option<String>) -> Option<String> {
    value.filter(|text| !text.trim().is_empty())
}

/// The form names are compared in for uniqueness: the normalised name, folded by
/// compatibility (NFKC: full-width `ＥＬＥＧＡＮ` is `ELEGAN`) and case (lower-case, then
/// NFKC again, an approximation of Unicode's NFKC_Casefold). `ELEGAN`, `ELEGAN `,
/// `ELEGAN\u{200B}`, `ＥLEGAN` and `elegan` share one key.
pub fn name_key(text: &str) -> String {
    let compatible: String = normalise_name(text).nfkc().collect();
    let lower: String = compatible.chars().flat_map(char::to_lowercase).collect();
    lower.nfkc().collect()
}

/// Rejects strings that are empty or only whitespace (length rules count characters, not
/// meaning, so `"   "` would otherwise pass as a name).
pub fn not_blank(value: &str) -> Result<(), ValidationError> {
    if normalise_name(value).is_empty() {
        Err(ValidationError::new("blank"))
    } else {
        Ok(())
    }
}

/// The one rule for every URL a client stores (evidence, sources): an absolute `http` or
/// `https` URL without whitespace. Other schemes (`javascript:`, `data:`, `file:`) would
/// run or read something when a dashboard turns the value into a link.
pub fn validate_http_url(url: &str) -> Result<(), ValidationError> {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    let rest = if lower.starts_with("https://") {
        &url[8..]
    } else if lower.starts_with("http://") {
        &url[7..]
    } else {
        ""
    };
    if !rest.is_empty() && !rest.starts_with('/') && !url.chars().any(char::is_whitespace) {
        Ok(())
    } else {
        Err(ValidationError::new("url_invalid"))
    }
}

/// The folded form `q` searches in: lower-cased with Unicode rules, the same on every
/// backend because the service computes it, not the database.
pub fn search_text<'a>(parts: impl IntoIterator<Item = Option<&'a str>>) -> String {
    parts
        .into_iter()
        .flatten()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join("\u{1f}")
}

/// Escapes `%`, `_` and `\` so user text is matched literally by `LIKE ... ESCAPE '\'`.
pub fn like_pattern_contains(needle: &str) -> String {
    let mut pattern = String::with_capacity(needle.len() + 2);
    pattern.push('%');
    for c in needle.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

#[cfg(test)]
mod tests {
    use super::{name_key, normalise_name, not_blank, validate_http_url};

    #[test]
    fn names_differing_by_case_width_or_spacing_share_a_key() {
        assert_eq!(
            normalise_name("  Siperi \t Kebumen\u{200B} "),
            "Siperi Kebumen"
        );
        assert_eq!(normalise_name("Cafe\u{301}"), "Caf\u{e9}", "NFC");
        let key = name_key("ELEGAN");
        for same in [
            "ELEGAN ",
            "ELEGAN\u{200B}",
            "\u{FF25}LEGAN",
            "elegan",
            "\u{FF45}\u{FF4C}\u{FF45}\u{FF47}\u{FF41}\u{FF4E}",
        ] {
            assert_eq!(name_key(same), key, "{same:?}");
        }
        assert_ne!(name_key("ELE GAN"), key);
        assert!(not_blank("\u{200B} \u{00A0}").is_err());
    }

    #[test]
    fn only_absolute_http_urls_are_stored() {
        for ok in [
            "https://kebumenkab.go.id/berita",
            "http://jdih.kebumenkab.go.id",
            "HTTPS://A.ID",
        ] {
            assert!(validate_http_url(ok).is_ok(), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "file:///etc/passwd",
            "https://",
            "https:///path",
            "ftp://example.org",
            "https://a.id/with space",
            "//a.id/x",
        ] {
            assert!(validate_http_url(bad).is_err(), "{bad}");
        }
    }
}
