//! The printable page of an agreement. Every stored string is escaped.

use std::fmt::Write;

use super::agreements::Agreement;
use crate::domain::agreement::Hundredths;
use crate::domain::labels::Labelled;
use crate::domain::monitoring::{Quarter, QuarterlyTargets};
use crate::http::html::{escape, page_start, tanggal};
use crate::store::agreements::CommitmentRow;

/// "Triwulan I 250.00, II 250.00, III -, IV 500.00 (kumulatif)".
fn quarters(quarterly: &QuarterlyTargets) -> String {
    let targets: Vec<String> = Quarter::ALL
        .iter()
        .map(|q| {
            let target =
                quarterly.targets[q.index()].map_or_else(|| "-".to_owned(), |t| t.to_string());
            format!("{} {target}", q.roman())
        })
        .collect();
    format!(
        "Triwulan {} ({})",
        targets.join(", "),
        quarterly.method.label().0.to_lowercase()
    )
}

/// The page for `agreement` of agency `agency_name`, with its commitments.
pub fn render(
    agreement: &Agreement,
    agency_name: &str,
    commitments: &[(CommitmentRow, String)],
) -> String {
    let party = |label: &str, party: &Option<super::agreements::PartyBody>| -> String {
        match party {
            Some(p) => format!(
                "<tr><th>{label}</th><td>{}<br>{}{}{}</td></tr>",
                escape(&p.name),
                p.acting
                    .map(|acting| format!("{} ", acting.prefix()))
                    .unwrap_or_default(),
                escape(&p.title),
                p.nip
                    .as_deref()
                    .map(|nip| format!("<br>NIP. {}", escape(nip)))
                    .unwrap_or_default()
            ),
            None => format!("<tr><th>{label}</th><td>(belum ditandatangani)</td></tr>"),
        }
    };
    let mut page = page_start(&format!("Perjanjian Kinerja Inovasi {}", agreement.number));
    let _ = write!(
        page,
        "<h1>PERJANJIAN KINERJA INOVASI TAHUN {year}</h1><p>Nomor: {number}<br>{agency}<br>Status: {status}</p>",
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
        let target = match commitment.quarterly() {
            Some(quarterly) => format!("{target}<br>{}", quarters(&quarterly)),
            None => target,
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
