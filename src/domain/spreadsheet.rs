//! What spreadsheets write, read back: Excel writes booleans as `TRUE`/`FALSE`, pandas as
//! `True`/`False`, either may write `1`/`0`, and pandas turns an integer column with a gap
//! into floats (`1000.0`). CSV and XLSX imports accept these; JSON stays strict.

/// A boolean cell: `true`/`false` in any letter case, or `1`/`0`.
pub fn boolean(cell: &str) -> Option<bool> {
    match cell.trim() {
        "1" => Some(true),
        "0" => Some(false),
        text if text.eq_ignore_ascii_case("true") => Some(true),
        text if text.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

/// An integer cell: `1000`, or a decimal whose fraction is all zeros (`1000.0`).
pub fn integer(cell: &str) -> Option<i64> {
    let text = cell.trim();
    if let Ok(value) = text.parse::<i64>() {
        return Some(value);
    }
    let (whole, fraction) = text.split_once('.')?;
    if fraction.is_empty() || !fraction.bytes().all(|b| b == b'0') {
        return None;
    }
    whole.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn booleans_as_spreadsheets_write_them() {
        for (cell, value) in [
            ("true", Some(true)),
            ("TRUE", Some(true)),
            ("True", Some(true)),
            ("1", Some(true)),
            ("false", Some(false)),
            ("FALSE", Some(false)),
            ("False", Some(false)),
            ("0", Some(false)),
            ("yes", None),
            ("2", None),
            ("", None),
        ] {
            assert_eq!(boolean(cell), value, "{cell:?}");
        }
    }

    #[test]
    fn integers_as_spreadsheets_write_them() {
        for (cell, value) in [
            ("1000", Some(1000)),
            ("-5", Some(-5)),
            ("1000.0", Some(1000)),
            ("1000.00", Some(1000)),
            ("1000.5", None),
            ("1000.", None),
            ("1e3", None),
            (".0", None),
            ("", None),
        ] {
            assert_eq!(integer(cell), value, "{cell:?}");
        }
    }
}
