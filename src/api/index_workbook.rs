//! `/api/v1/index-years/{year}/workbook.xlsx` and `.csv`: the assessment workbook the lab
//! sends to the ministry: one row per assessment and indicator of its aspect, with the
//! answer, links to its evidence and the reviewer's verdict; in XLSX one sheet per aspect.

use super::prelude::*;

use crate::domain::agreement::Hundredths;
use crate::domain::index::Aspect;
use crate::domain::index::formula::{self, IndicatorResult};
use crate::domain::labels::Labelled;
use crate::http::xlsx::{self, SheetWriter};
use crate::store::index_catalogues::StoredIndicator;
use crate::store::index_years::{self as store, StoredYear, YearAnswers};

pub fn configure(config: &mut utoipa_actix_web::service_config::ServiceConfig) {
    config
        .service(export_index_workbook_xlsx)
        .service(export_index_workbook_csv);
}

/// One assessment's answer to one indicator, as the workbook lists it.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkbookRow {
    pub aspect: Aspect,
    pub assessment_id: i64,
    pub innovation_id: Option<i64>,
    #[schema(max_length = 200)]
    pub innovation_name: Option<String>,
    #[schema(max_length = 200)]
    pub agency_name: Option<String>,
    #[schema(max_length = 20)]
    pub status: String,
    #[schema(max_length = 20)]
    pub indicator_code: String,
    #[schema(max_length = 1000)]
    pub indicator_text: String,
    pub evidence_required: bool,
    #[schema(max_length = 200)]
    pub option_label: Option<String>,
    #[schema(max_length = 9)]
    pub weight: Option<String>,
    #[schema(max_length = 2000)]
    pub note: Option<String>,
    /// Links to the evidence documents' content.
    #[schema(max_items = 20)]
    pub evidence: Vec<String>,
    pub evidence_missing: bool,
    #[schema(max_length = 20)]
    pub verdict: Option<String>,
    #[schema(max_length = 200)]
    pub verified_option_label: Option<String>,
    #[schema(max_length = 2000)]
    pub review_note: Option<String>,
}

/// Every row of the year, the region's own assessment first, then the innovations' in the
/// order they were started, each by its catalogue's indicator order.
fn rows(
    year: &StoredYear,
    YearAnswers { answers, cited }: &YearAnswers,
    public_url: &str,
) -> Vec<WorkbookRow> {
    let mut assessments: Vec<_> = year.assessments.iter().collect();
    assessments.sort_by_key(|(row, innovation)| (innovation.is_some(), row.id));
    let mut rows = Vec::new();
    for (assessment, innovation) in assessments {
        let aspect = match innovation {
            Some(_) => Aspect::Innovation,
            None => Aspect::Government,
        };
        let indicators = year
            .catalogue
            .variables
            .iter()
            .filter(|v| v.row.aspect == aspect.as_str())
            .flat_map(|v| v.indicators.iter());
        for indicator in indicators {
            let answer = answers
                .iter()
                .find(|a| a.assessment_id == assessment.id && a.indicator_id == indicator.row.id);
            let evidence: Vec<String> = answer
                .map(|a| {
                    cited
                        .iter()
                        .filter(|c| c.answer_id == a.id)
                        .map(|c| {
                            let (owner, document) = (c.innovation_id, c.document_id);
                            format!(
                                "{public_url}/api/v1/innovations/{owner}/documents/{document}/content"
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            let label = |option: Option<i64>| option_of(indicator, option).map(|o| o.0);
            let chosen = option_of(indicator, answer.map(|a| a.option_id));
            let result = IndicatorResult {
                code: &indicator.row.code,
                weight: chosen.as_ref().map(|o| o.1),
                evidence_required: indicator.row.evidence_required,
                evidence_present: !evidence.is_empty(),
            };
            rows.push(WorkbookRow {
                aspect,
                assessment_id: assessment.id,
                innovation_id: innovation.as_ref().map(|i| i.id),
                innovation_name: innovation.as_ref().map(|i| i.name.clone()),
                agency_name: innovation
                    .as_ref()
                    .map(|i| year.agency_name(i.agency_id).to_owned()),
                status: assessment.status.clone(),
                indicator_code: indicator.row.code.clone(),
                indicator_text: indicator.row.text.clone(),
                evidence_required: indicator.row.evidence_required,
                option_label: chosen.as_ref().map(|o| o.0.clone()),
                weight: chosen.as_ref().map(|o| o.1.to_string()),
                note: answer.and_then(|a| a.note.clone()),
                evidence_missing: !formula::score([result]).is_complete(),
                evidence,
                verdict: answer.and_then(|a| a.verdict.clone()),
                verified_option_label: label(answer.and_then(|a| a.verified_option_id)),
                review_note: answer.and_then(|a| a.review_note.clone()),
            });
        }
    }
    rows
}

/// The label and weight of option `id` of `indicator`.
fn option_of(indicator: &StoredIndicator, id: Option<i64>) -> Option<(String, Hundredths)> {
    let id = id?;
    let option = indicator.options.iter().find(|o| o.id == id)?;
    Some((option.label.clone(), Hundredths(option.weight_hundredths)))
}

/// The year's rows, for a caller who may read assessments.
async fn workbook(
    actor: &RequestActor,
    state: &AppState,
    year: i64,
) -> ApiResult<Vec<WorkbookRow>> {
    let stored = super::index_years::read_year(actor, state, year).await?;
    let catalogue_id = stored.catalogue.row.id;
    let answers = state
        .db
        .read(move |conn| store::answers(conn, catalogue_id))
        .await?;
    Ok(rows(&stored, &answers, &state.config.public_url))
}

fn attachment(content_type: &str, name: String, body: Vec<u8>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            actix_web::http::header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        ))
        .body(body)
}

/// The year's assessment workbook as XLSX
///
/// Signed-in accounts. One sheet per aspect ("Aspek Pemerintah Daerah", "Aspek Inovasi
/// Daerah"), one row per assessment and indicator: the answer (option, weight, note), links
/// to its evidence, whether mandatory evidence is missing, and the reviewer's verdict.
/// 404 unless the year's catalogue is published.
#[utoipa::path(
    tag = "index",
    operation_id = "export_index_workbook_xlsx",
    params(("year" = i64, Path, minimum = 2000, maximum = 2100)),
    responses(
        (status = 200, description = "The workbook",
            content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            body = String,
            headers(("Content-Disposition" = String, description = "attachment; filename=\"indeks-inovasi-<year>.xlsx\""))),
    ),
)]
#[get("/{year}/workbook.xlsx")]
pub async fn export_index_workbook_xlsx(
    year: web::Path<i64>,
    actor: RequestActor,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    let year = year.into_inner();
    let rows = workbook(&actor, &state, year).await?;
    let columns = crate::http::csv::columns::<WorkbookRow>();
    let bytes = web::block(move || {
        let sheet = |aspect: Aspect| -> Vec<&WorkbookRow> {
            rows.iter().filter(|r| r.aspect == aspect).collect()
        };
        let mut writer = SheetWriter::named(Aspect::Government.label().0, columns.clone())?;
        writer.append(&sheet(Aspect::Government))?;
        writer.start_sheet(Aspect::Innovation.label().0, columns)?;
        writer.append(&sheet(Aspect::Innovation))?;
        writer.finish()
    })
    .await
    .map_err(ApiError::internal)?
    .map_err(ApiError::internal)?;
    let name = format!("indeks-inovasi-{year}.xlsx");
    Ok(attachment(xlsx::CONTENT_TYPE, name, bytes))
}

/// The year's assessment workbook as CSV
///
/// Signed-in accounts. The XLSX workbook's rows in one table (its `aspect` column says
/// which sheet), UTF-8 with a byte-order mark. 404 unless the year's catalogue is
/// published.
#[utoipa::path(
    tag = "index",
    operation_id = "export_index_workbook_csv",
    params(("year" = i64, Path, minimum = 2000, maximum = 2100)),
    responses(
        (status = 200, description = "The workbook's rows", content_type = "text/csv",
            body = String,
            headers(("Content-Disposition" = String, description = "attachment; filename=\"indeks-inovasi-<year>.csv\"")),
            example = json!("aspect,assessment_id,innovation_id,innovation_name,agency_name,status,indicator_code,indicator_text,evidence_required,option_label,weight,note,evidence,evidence_missing,verdict,verified_option_label,review_note\r\ninnovation,12,3,MUTTU 1000,Dinas Kesehatan,verified,K.1,Dasar hukum inovasi (SK/Perbup),true,SK/Perbup Bupati,25.00,,https://inovik.kebumenkab.go.id/api/v1/innovations/3/documents/31/content,false,accepted,SK/Perbup Bupati,\r\n")),
    ),
)]
#[get("/{year}/workbook.csv")]
pub async fn export_index_workbook_csv(
    actor: RequestActor,
    state: web::Data<AppState>,
    year: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let year = year.into_inner();
    let rows = workbook(&actor, &state, year).await?;
    let columns = crate::http::csv::columns::<WorkbookRow>();
    let mut body = "\u{feff}".as_bytes().to_vec();
    body.extend(crate::http::csv::header(&columns));
    for row in &rows {
        body.extend(crate::http::csv::line(&columns, row, b','));
    }
    let name = format!("indeks-inovasi-{year}.csv");
    Ok(attachment("text/csv; charset=utf-8", name, body))
}
