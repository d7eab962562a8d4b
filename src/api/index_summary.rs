//! `/api/v1/index-years/{year}/summary`: the year of the index on one printable page in
//! Indonesian, for the Bupati: the region's figures by self and by verified scores, the
//! assessments by status, the best innovations, the agencies ranked, and what each agency
//! still owes. The figures are the ones the JSON endpoints serve; every stored string is
//! escaped.

use std::fmt::Write;

use super::index_rankings::{AgencyRanking, InnovationRanking};
use super::index_years::{IndexFiguresView, IndexYear};
use super::prelude::*;

use crate::domain::index::year::Basis;
use crate::domain::labels::Labelled;
use crate::http::html::{escape, header_row, page_response, page_start, row, tanggal};
use crate::http::list_query::QueryPairs;

pub fn configure(config: &mut utoipa_actix_web::service_config::ServiceConfig) {
    config.service(get_index_summary);
}

/// How many innovations the summary names (the rankings endpoint has them all).
const BEST_INNOVATIONS: usize = 10;

/// What the page shows.
pub struct Summary<'a> {
    pub year: &'a IndexYear,
    pub basis: Basis,
    pub innovations: &'a [InnovationRanking],
    pub agencies: &'a [AgencyRanking],
    pub printed_on: chrono::NaiveDate,
}

fn figures_table(page: &mut String, by_self: &IndexFiguresView, verified: &IndexFiguresView) {
    let aspect =
        |figures: &IndexFiguresView| figures.government.as_deref().unwrap_or("-").to_owned();
    let innovation = |figures: &IndexFiguresView| {
        format!("{} ({} inovasi)", figures.innovation, figures.innovations)
    };
    let _ = write!(
        page,
        "<h2>Nilai Indeks Daerah</h2><table>{}{}{}{}{}</table>",
        header_row(&["", "Penilaian mandiri", "Terverifikasi"]),
        row([
            "Aspek Pemerintah Daerah".to_owned(),
            aspect(by_self),
            aspect(verified)
        ]),
        row([
            "Aspek Inovasi Daerah".to_owned(),
            innovation(by_self),
            innovation(verified)
        ]),
        row(["Indeks Inovasi Daerah", &by_self.index, &verified.index]),
        row([
            "Predikat".to_owned(),
            escape(&by_self.grade),
            escape(&verified.grade)
        ]),
    );
}

fn statuses_table(page: &mut String, year: &IndexYear) {
    use crate::domain::index::workflow::AssessmentStatus as S;
    let counts = &year.statuses;
    page.push_str("<h2>Status Penilaian</h2><table>");
    page.push_str(&header_row(&["Status", "Jumlah"]));
    for (status, count) in [
        (S::Draft, counts.draft),
        (S::Submitted, counts.submitted),
        (S::Returned, counts.returned),
        (S::Verified, counts.verified),
    ] {
        page.push_str(&row([status.label().0.to_owned(), count.to_string()]));
    }
    page.push_str("</table>");
}

fn innovations_table(page: &mut String, rankings: &[InnovationRanking]) {
    let _ = write!(
        page,
        "<h2>Peringkat Inovasi ({BEST_INNOVATIONS} teratas)</h2>"
    );
    if rankings.is_empty() {
        page.push_str("<p>Belum ada inovasi yang dinilai menurut dasar ini.</p>");
        return;
    }
    page.push_str("<table>");
    page.push_str(&header_row(&[
        "Peringkat",
        "Inovasi",
        "Perangkat Daerah",
        "Status",
        "Nilai",
    ]));
    for ranking in rankings.iter().take(BEST_INNOVATIONS) {
        page.push_str(&row([
            ranking.rank.to_string(),
            escape(&ranking.innovation_name),
            escape(&ranking.agency_name),
            ranking.status.label().0.to_owned(),
            ranking.score.clone(),
        ]));
    }
    page.push_str("</table>");
}

fn agencies_table(page: &mut String, rankings: &[AgencyRanking]) {
    page.push_str("<h2>Peringkat Perangkat Daerah</h2>");
    if rankings.is_empty() {
        page.push_str("<p>Belum ada perangkat daerah dengan inovasi.</p>");
        return;
    }
    page.push_str("<table>");
    page.push_str(&header_row(&[
        "Peringkat",
        "Perangkat Daerah",
        "Inovasi",
        "Dinilai",
        "Indeks",
        "Predikat",
    ]));
    for ranking in rankings {
        page.push_str(&row([
            ranking.rank.to_string(),
            escape(&ranking.agency_name),
            ranking.innovations.to_string(),
            ranking.assessed.to_string(),
            ranking.index.clone(),
            escape(&ranking.grade),
        ]));
    }
    page.push_str("</table>");
}

fn outstanding_table(page: &mut String, year: &IndexYear) {
    page.push_str("<h2>Kekurangan per Perangkat Daerah</h2>");
    if year.outstanding.is_empty() {
        page.push_str("<p>Tidak ada kekurangan.</p>");
        return;
    }
    page.push_str("<table>");
    page.push_str(&header_row(&[
        "Perangkat Daerah",
        "Belum dimulai",
        "Bukti belum lengkap",
        "Belum diajukan",
        "Menunggu verifikasi",
    ]));
    for owed in &year.outstanding {
        page.push_str(&row([
            escape(&owed.agency_name),
            owed.not_started.to_string(),
            owed.missing_evidence.to_string(),
            owed.not_submitted.to_string(),
            owed.awaiting_verification.to_string(),
        ]));
    }
    page.push_str("</table>");
}

/// The page.
pub fn render(summary: &Summary) -> String {
    let year = summary.year;
    let mut page = page_start(&format!("Ringkasan Indeks Inovasi Daerah {}", year.year));
    let _ = write!(
        page,
        "<h1>RINGKASAN INDEKS INOVASI DAERAH TAHUN {}</h1><p>{}<br>Peringkat menurut: {}</p>",
        year.year,
        escape(&year.title),
        summary.basis.label().0
    );
    if year.illustrative {
        page.push_str(
            "<p><strong>Katalog ilustratif, bukan katalog resmi Kemendagri: angka di halaman \
             ini hanya contoh perhitungan.</strong></p>",
        );
    }
    figures_table(&mut page, &year.self_assessed, &year.verified);
    statuses_table(&mut page, year);
    innovations_table(&mut page, summary.innovations);
    agencies_table(&mut page, summary.agencies);
    outstanding_table(&mut page, year);
    let _ = write!(
        page,
        "<footer>Dicetak dari Inovik pada {}.</footer></body></html>",
        tanggal(summary.printed_on)
    );
    page
}

/// The year on a printable page
///
/// Signed-in accounts. An HTML page in Indonesian ("RINGKASAN INDEKS INOVASI DAERAH TAHUN
/// ..."): the region's index, aspects and grade by self and by verified scores, the
/// assessments by status, the ten best innovations and every agency ranked by `basis`
/// (`self`, the default as in the rankings, or `verified`), and what each agency still
/// owes. 404 unless the year's catalogue is published.
#[utoipa::path(
    tag = "index",
    operation_id = "get_index_summary",
    params(
        ("year" = i64, Path, minimum = 2000, maximum = 2100),
        ("basis" = Option<Basis>, Query, description = "`self` (default) or `verified`"),
    ),
    responses(
        (status = 200, description = "The printable page", content(
            (String = "text/html", example = json!("<!DOCTYPE html><html lang=\"id\"><head><meta charset=\"utf-8\"><title>Ringkasan Indeks Inovasi Daerah 2026</title>...</head><body><h1>RINGKASAN INDEKS INOVASI DAERAH TAHUN 2026</h1><p>Katalog ilustratif Indeks Inovasi Daerah<br>Peringkat menurut: Nilai terverifikasi</p>...<h2>Nilai Indeks Daerah</h2><table>...<tr><td>Predikat</td><td>Kurang Inovatif</td><td>Tidak Dapat Dinilai</td></tr></table>...</body></html>")),
        )),
        (status = 422, response = super::problems::ValidationFailed),
    ),
)]
#[get("/{year}/summary")]
pub async fn get_index_summary(
    year: web::Path<i64>,
    req: HttpRequest,
    state: web::Data<AppState>,
    actor: RequestActor,
) -> ApiResult<HttpResponse> {
    policy::authorize(&actor.caller, Action::ReadIndexAssessments)?;
    let mut query = QueryPairs::parse(req.query_string())?;
    let basis = super::index_rankings::take_basis(&mut query);
    query.finish()?;
    let stored = super::index_years::read_year(&actor, &state, year.into_inner()).await?;
    let page = render(&Summary {
        year: &IndexYear::from(&stored),
        basis,
        innovations: &super::index_rankings::innovation_rankings(&stored, basis),
        agencies: &super::index_rankings::agency_rankings(&stored, basis),
        printed_on: state.config.today(),
    });
    Ok(page_response(page))
}
