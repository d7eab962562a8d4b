//! RFC 8785 JSON Canonicalization Scheme (JCS), written out here so that the bytes a
//! signature covers never depend on a library's map order or number formatting.
//!
//! Objects: members sorted by their names' UTF-16 code units, no whitespace. Strings:
//! escaped as ECMAScript's `JSON.stringify` does (`\"`, `\\`, `\b`, `\f`, `\n`, `\r`, `\t`,
//! other control characters as `\u00xx`; everything else as UTF-8). Numbers: the documents
//! we canonicalise hold only integers (ids, years) and decimals written as strings, so a
//! number is its integer form; a fractional number is refused rather than risk formatting
//! it differently from other implementations.

use serde_json::Value;

/// The canonical form of `value`, or `None` if it holds a non-integer number.
pub fn canonicalize(value: &Value) -> Option<String> {
    let mut out = String::new();
    write(value, &mut out)?;
    Some(out)
}

fn write(value: &Value, out: &mut String) -> Option<()> {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => out.push_str(&i.to_string()),
            (None, Some(u)) => out.push_str(&u.to_string()),
            _ => return None,
        },
        Value::String(s) => write_string(s, out),
        Value::Array(items) => {
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                write(item, out)?;
            }
            out.push(']');
        }
        Value::Object(members) => {
            let mut names: Vec<&String> = members.keys().collect();
            names.sort_by(|a, b| a.encode_utf16().cmp(b.encode_utf16()));
            out.push('{');
            for (index, name) in names.into_iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                write_string(name, out);
                out.push(':');
                write(&members[name], out)?;
            }
            out.push('}');
        }
    }
    Some(())
}

fn write_string(text: &str, out: &mut String) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Hex SHA-256 of the canonical form.
pub fn sha256_hex(canonical: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(canonical.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn members_are_sorted_by_utf16_code_units_without_whitespace() {
        // RFC 8785 section 3.2.3's sorting example: by UTF-16, "\u{20ac}" (U+20AC) sorts
        // before "\u{1f600}" (a surrogate pair D83D DE00) though its code point is smaller.
        let value = json!({"\u{20ac}": "Euro Sign", "\r": "Carriage Return", "\u{fb33}": "Hebrew Letter Dalet With Dagesh",
            "1": "One", "\u{1f600}": "Emoji: Grinning Face", "\u{80}": "Control", "\u{f6}": "Latin Small Letter O With Diaeresis"});
        let canonical = canonicalize(&value).unwrap();
        let order: Vec<&str> = [
            "\\r",
            "1",
            "\u{80}",
            "\u{f6}",
            "\u{20ac}",
            "\u{1f600}",
            "\u{fb33}",
        ]
        .to_vec();
        let mut positions = order
            .iter()
            .map(|key| canonical.find(&format!("\"{key}\":")).unwrap());
        let mut last = positions.next().unwrap();
        for position in positions {
            assert!(position > last, "{canonical}");
            last = position;
        }
        assert!(!canonical.contains(' ') || canonical.contains("Euro Sign"));
    }

    #[test]
    fn strings_and_literals_are_written_as_ecmascript_does() {
        let value = json!({"b": [null, true, false, 0, -17, "a\"b\\c\u{1}\n\u{7f}é"], "a": {}});
        assert_eq!(
            canonicalize(&value).unwrap(),
            "{\"a\":{},\"b\":[null,true,false,0,-17,\"a\\\"b\\\\c\\u0001\\n\u{7f}é\"]}"
        );
        assert_eq!(
            canonicalize(&json!(1.5)),
            None,
            "fractions are refused, not guessed"
        );
    }

    #[test]
    fn the_hash_is_of_the_canonical_bytes() {
        assert_eq!(
            sha256_hex("{}"),
            "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
        );
    }
}
