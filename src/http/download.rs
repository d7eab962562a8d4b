//! Serving a stored file: which bytes a `Range` asks for (RFC 9110 section 14), and the
//! `Content-Disposition` that names the download (RFC 6266, with RFC 8187's `filename*`
//! for names beyond ASCII).

use std::ops::Range;

use actix_web::http::header::{self, HeaderMap};

/// What a request asks for of a file of a known size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Wanted {
    /// The whole file: no `Range`, one this server does not serve (several ranges, another
    /// unit, a malformed one: RFC 9110 lets a server ignore those), or an `If-Range` that
    /// no longer matches.
    Whole,
    /// These bytes (end exclusive).
    Part(Range<u64>),
    /// A range that starts past the end: 416.
    Unsatisfiable,
}

/// The bytes `headers` ask for of a file of `size` bytes whose entity tag is `etag`.
pub fn wanted(headers: &HeaderMap, size: u64, etag: &str) -> Wanted {
    let Some(range) = headers.get(header::RANGE).and_then(|v| v.to_str().ok()) else {
        return Wanted::Whole;
    };
    if let Some(condition) = headers.get(header::IF_RANGE).and_then(|v| v.to_str().ok())
        && condition.trim() != etag
    {
        return Wanted::Whole;
    }
    parse_range(range, size)
}

fn parse_range(value: &str, size: u64) -> Wanted {
    let Some(spec) = value.trim().strip_prefix("bytes=") else {
        return Wanted::Whole;
    };
    if spec.contains(',') {
        return Wanted::Whole;
    }
    let Some((first, last)) = spec.trim().split_once('-') else {
        return Wanted::Whole;
    };
    let number = |text: &str| -> Option<u64> {
        let text = text.trim();
        (!text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()))
            .then(|| text.parse().ok())
            .flatten()
    };
    match (number(first), number(last)) {
        // `bytes=-500`: the last 500 bytes.
        (None, Some(suffix)) if first.trim().is_empty() => {
            if suffix == 0 || size == 0 {
                Wanted::Unsatisfiable
            } else {
                Wanted::Part(size.saturating_sub(suffix)..size)
            }
        }
        (Some(start), end) if last.trim().is_empty() || end.is_some() => {
            if start >= size {
                return Wanted::Unsatisfiable;
            }
            match end {
                Some(end) if end < start => Wanted::Whole,
                Some(end) => Wanted::Part(start..end.saturating_add(1).min(size)),
                None => Wanted::Part(start..size),
            }
        }
        _ => Wanted::Whole,
    }
}

/// `attachment; filename="..."; filename*=UTF-8''...`: an ASCII stand-in for old clients
/// and the exact name, percent-encoded, for the rest.
pub fn attachment(file_name: &str) -> String {
    let fallback: String = file_name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::with_capacity(file_name.len() * 3);
    for byte in file_name.bytes() {
        if byte.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_read_as_rfc_9110_says() {
        assert_eq!(parse_range("bytes=0-99", 1000), Wanted::Part(0..100));
        assert_eq!(parse_range("bytes=900-", 1000), Wanted::Part(900..1000));
        assert_eq!(parse_range("bytes=-100", 1000), Wanted::Part(900..1000));
        assert_eq!(parse_range("bytes=-5000", 1000), Wanted::Part(0..1000));
        assert_eq!(parse_range("bytes=990-5000", 1000), Wanted::Part(990..1000));
        assert_eq!(parse_range("bytes=1000-", 1000), Wanted::Unsatisfiable);
        assert_eq!(parse_range("bytes=-0", 1000), Wanted::Unsatisfiable);
        assert_eq!(parse_range("bytes=5-1", 1000), Wanted::Whole);
        assert_eq!(parse_range("bytes=0-1,5-6", 1000), Wanted::Whole);
        assert_eq!(parse_range("items=0-1", 1000), Wanted::Whole);
        assert_eq!(parse_range("bytes=x-1", 1000), Wanted::Whole);
    }

    #[test]
    fn a_download_keeps_its_name_in_every_script() {
        assert_eq!(
            attachment("SK Bupati 2016.pdf"),
            "attachment; filename=\"SK Bupati 2016.pdf\"; filename*=UTF-8''SK%20Bupati%202016.pdf"
        );
        assert_eq!(
            attachment("Foto \"Posyandu\" ñ.jpg"),
            "attachment; filename=\"Foto _Posyandu_ _.jpg\"; \
             filename*=UTF-8''Foto%20%22Posyandu%22%20%C3%B1.jpg"
        );
    }
}
