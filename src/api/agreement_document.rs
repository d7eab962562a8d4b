//! The printable page of an agreement. Every stored string is escaped.

use std::fmt::Write;

use super::agreements::Agreement;
use crate::domain::agreement::Hundredths;
use crate::store::agreements::CommitmentRow;

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

fn tanggal(date: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    format!(
        "{} {} {}",
        date.day(),
        MONTHS[date.month0() as usize],
        date.year()
    )
}

/// The page for `agreement` of agency `agency_name`, with its commitments.
pub fn render(
    agreement: &Agreement,
    agency_name: &str,
    commitments: &[(CommitmentRow, String)],
) -> String {
    let mut page = String::new();
    let party = |label: &str, party: &Option<super::agreements::PartyBody>| -> String {
        match party {
            Some(p) => format!(
                "<tr><th>{label}</th><td>{}<br>{}{}</td></tr>",
                escape(&p.name),
                escape(&p.title),
                p.nip
                    .as_deref()
                    .map(|nip| format!("<br>NIP. {}", escape(nip)))
                    .unwrap_or_default()
            ),
            None => format!("<tr><th>{label}</th><td>(belum ditandatangani)</td></tr>"),
        }
    };
    let _ = write!(
        page,
        "<!DOCTYPE html><html lang=\"id\"><head><meta charset=\"utf-8\"><title>Perjanjian Kinerja Inovasi {number}</title>\
         <style>body{{font-family:serif;max-width:50em;margin:2em auto}}table{{border-collapse:collapse;width:100%}}\
         td,th{{border:1px solid #444;padding:.3em;text-align:left;vertical-align:top}}footer{{margin-top:2em;font-size:.8em;word-break:break-all}}</style>\
         </head><body><h1>PERJANJIAN KINERJA INOVASI TAHUN {year}</h1><p>Nomor: {number}<br>{agency}<br>Status: {status}</p>",
        number = escape(&agreement.number),
        year = agreement.year,
        agency = escape(agency_name),
        status = escape(agreement.status.as_str()),
    );
    let _ = write!(
        page,
        "<h2>Para Pihak</h2><table>{}{}</table>",
        party("Pihak Pertama", &agreement.first_party),
        party("Pihak Kedua", &agreement.second_party)
    );
    if let Some(statement) = &agreement.statement {
        let _ = write!(page, "<h2>Pernyataan</h2><p>{}</p>", escape(statement));
    }
    let _ = write!(
        page,
        "<h2>Komitmen</h2><table><tr><th>No</th><th>Inovasi</th><th>Indikator</th><th>Target</th></tr>"
    );
    for (index, (commitment, name)) in commitments.iter().enumerate() {
        let target = match (
            commitment.target_hundredths,
            &commitment.unit,
            &commitment.target_stage,
            commitment.due_on,
        ) {
            (Some(value), Some(unit), _, _) => format!("{} {}", Hundredths(value), escape(unit)),
            (_, _, Some(stage), Some(due)) => {
                format!("tahap {} paling lambat {}", escape(stage), tanggal(due))
            }
            _ => String::new(),
        };
        let innovation = commitment.signed_innovation_name.as_deref().unwrap_or(name);
        let _ = write!(
            page,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{target}</td></tr>",
            index + 1,
            escape(innovation),
            escape(&commitment.indicator)
        );
    }
    page.push_str("</table>");
    if let (Some(place), Some(date)) = (&agreement.signed_place, agreement.signed_on) {
        let _ = write!(
            page,
            "<p>Ditandatangani di {}, {}</p>",
            escape(place),
            tanggal(date)
        );
    }
    let _ = write!(
        page,
        "<footer>Kode verifikasi (SHA-256): {}</footer></body></html>",
        agreement
            .content_hash
            .as_deref()
            .map(escape)
            .unwrap_or_else(|| "-".into())
    );
    page
}
