//! Small text rules shared by every resource.

use validator::ValidationError;

/// Rejects strings that are empty or only whitespace (length rules count characters, not
/// meaning, so `"   "` would otherwise pass as a name).
pub fn not_blank(value: &str) -> Result<(), ValidationError> {
    if value.trim().is_empty() {
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
    use super::validate_http_url;

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
