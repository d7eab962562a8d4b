//! Printable pages in Indonesian (an agreement, the index summary): escaping, dates in
//! words, the page's head with its print style, and the response that serves a page.

use actix_web::HttpResponse;

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const MONTHS: [&str; 12] = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
];

/// A date as an Indonesian letter writes it: "4 Desember 2026".
pub fn tanggal(date: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    format!(
        "{} {} {}",
        date.day(),
        MONTHS[date.month0() as usize],
        date.year()
    )
}

/// The start of a page titled `title` (escaped here), up to and including `<body>`.
pub fn page_start(title: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"id\"><head><meta charset=\"utf-8\"><title>{}</title>\
         <style>body{{font-family:serif;max-width:50em;margin:2em auto}}table{{border-collapse:collapse;width:100%}}\
         td,th{{border:1px solid #444;padding:.3em;text-align:left;vertical-align:top}}footer{{margin-top:2em;font-size:.8em;word-break:break-all}}</style>\
         </head><body>",
        escape(title)
    )
}

/// A table's row of cells, each already escaped or built from escaped parts.
pub fn row<I, S>(cells: I) -> String
where
    I: IntoIterator<Item = S>,
    S: std::fmt::Display,
{
    let mut out = String::from("<tr>");
    for cell in cells {
        out.push_str(&format!("<td>{cell}</td>"));
    }
    out.push_str("</tr>");
    out
}

/// A table's header row.
pub fn header_row(names: &[&str]) -> String {
    let mut out = String::from("<tr>");
    for name in names {
        out.push_str(&format!("<th>{name}</th>"));
    }
    out.push_str("</tr>");
    out
}

/// 200 with `page`: no script may run and nothing loads from elsewhere, whatever a stored
/// string holds (each is escaped too).
pub fn page_response(page: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((
            "Content-Security-Policy",
            "default-src 'none'; style-src 'unsafe-inline'",
        ))
        .body(page)
}
