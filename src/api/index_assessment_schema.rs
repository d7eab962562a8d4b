//! The JSON of the yearly index's assessments: what is read (answers, scores,
//! completeness, verdicts) and what writers and reviewers send.

use super::prelude::*;
use chrono::{DateTime, Utc};

use crate::domain::agreement::Hundredths;
use crate::domain::index::Aspect;
use crate::domain::index::workflow::{AssessmentStatus, Verdict};
use crate::domain::text::not_blank;
use crate::store::index_assessments::{
    AnswerInput, AssessedInnovation, AssessmentListRow, AssessmentRow, StoredAssessment,
    VerdictInput,
};

/// Longest note on an answer, a verdict, a return or a reopening.
const NOTE_MAX: u64 = 2000;
/// Most documents one answer cites.
const DOCUMENTS_MAX: u64 = 20;

fn score(hundredths: i64) -> String {
    Hundredths(hundredths).to_string()
}

/// An indicator's code, as its catalogue names it.
pub struct IndicatorCode;

impl utoipa::PartialSchema for IndicatorCode {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        super::government_affair::short_text(20, None, "K.1")
    }
}

impl ToSchema for IndicatorCode {}

/// The innovation assessed.
#[derive(Debug, Serialize, ToSchema)]
pub struct AssessedInnovationView {
    pub id: i64,
    #[schema(max_length = 200)]
    pub name: String,
    pub agency_id: i64,
}

impl From<&AssessedInnovation> for AssessedInnovationView {
    fn from(innovation: &AssessedInnovation) -> Self {
        Self {
            id: innovation.id,
            name: innovation.name.clone(),
            agency_id: innovation.agency_id,
        }
    }
}

/// An assessment as listed: its state and scores, without its answers.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": 12, "year": 2026, "aspect": "innovation",
    "innovation": {"id": 3, "name": "MUTTU 1000", "agency_id": 5}, "status": "verified",
    "self_score": "45.00", "verified_score": "40.00", "missing_evidence_count": 0,
    "submitted_at": "2026-12-03T02:00:00.000000Z", "verified_at": "2026-12-04T02:00:00.000000Z",
    "version": 9, "created_at": "2026-12-01T02:00:00.000000Z",
    "updated_at": "2026-12-04T02:00:00.000000Z"}))]
pub struct IndexAssessmentSummary {
    pub id: i64,
    #[schema(minimum = 2000, maximum = 2100)]
    pub year: i64,
    /// `government`: the region's own assessment; `innovation`: one innovation's.
    pub aspect: Aspect,
    /// The innovation assessed; `null` for the region's own assessment.
    pub innovation: Option<AssessedInnovationView>,
    pub status: AssessmentStatus,
    /// The sum of the chosen options' weights (0 for a mandatory indicator without evidence).
    #[schema(pattern = r"^[0-9]{1,6}\.[0-9]{2}$", max_length = 9, example = "45.00")]
    pub self_score: String,
    /// The score by the reviewer's verdicts, once verified.
    #[schema(pattern = r"^[0-9]{1,6}\.[0-9]{2}$", max_length = 9)]
    pub verified_score: Option<String>,
    /// How many mandatory indicators lack evidence (0: complete).
    #[schema(minimum = 0, maximum = 1000)]
    pub missing_evidence_count: i64,
    #[serde(serialize_with = "super::rfc3339_option")]
    #[schema(value_type = Option<DateTime<Utc>>)]
    pub submitted_at: Option<DateTime<Utc>>,
    #[serde(serialize_with = "super::rfc3339_option")]
    #[schema(value_type = Option<DateTime<Utc>>)]
    pub verified_at: Option<DateTime<Utc>>,
    pub version: i64,
    #[serde(serialize_with = "super::rfc3339")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "super::rfc3339")]
    pub updated_at: DateTime<Utc>,
}

impl IndexAssessmentSummary {
    fn new(row: &AssessmentRow, year: i64, innovation: Option<AssessedInnovationView>) -> Self {
        Self {
            id: row.id,
            year,
            aspect: if innovation.is_some() {
                Aspect::Innovation
            } else {
                Aspect::Government
            },
            innovation,
            status: row.status(),
            self_score: score(row.self_score),
            verified_score: row.verified_score.map(score),
            missing_evidence_count: row.missing_evidence,
            submitted_at: row.submitted_at.map(|t| t.and_utc()),
            verified_at: row.verified_at.map(|t| t.and_utc()),
            version: row.version,
            created_at: row.created_at.and_utc(),
            updated_at: row.updated_at.and_utc(),
        }
    }
}

impl From<AssessmentListRow> for IndexAssessmentSummary {
    fn from(listed: AssessmentListRow) -> Self {
        let innovation =
            listed
                .row
                .innovation_id
                .zip(listed.innovation)
                .map(|(id, (name, agency_id))| AssessedInnovationView {
                    id,
                    name,
                    agency_id,
                });
        Self::new(&listed.row, listed.year, innovation)
    }
}

/// One indicator of the assessment and its answer (the answer fields are `null` while it
/// is unanswered).
#[derive(Debug, Serialize, ToSchema)]
pub struct AnswerView {
    pub indicator_id: i64,
    #[schema(max_length = 20)]
    pub indicator_code: String,
    pub evidence_required: bool,
    pub option_id: Option<i64>,
    #[schema(max_length = 200)]
    pub option_label: Option<String>,
    #[schema(pattern = r"^[0-9]{1,4}\.[0-9]{2}$", max_length = 7)]
    pub weight: Option<String>,
    #[schema(max_length = 2000)]
    pub note: Option<String>,
    /// The evidence documents it cites (`/api/v1/innovations/{id}/documents/{document_id}`).
    #[schema(max_items = 20)]
    pub document_ids: Vec<i64>,
    /// Whether it lacks the evidence its indicator requires (it then scores 0).
    pub evidence_missing: bool,
    /// The reviewer's verdict, once given (cleared when the answer changes).
    pub verdict: Option<Verdict>,
    /// The option the verdict leaves standing.
    pub verified_option_id: Option<i64>,
    #[schema(max_length = 2000)]
    pub review_note: Option<String>,
}

/// An assessment, whole: its state, scores, completeness and one entry per indicator.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": 12, "year": 2026, "aspect": "innovation",
    "innovation": {"id": 3, "name": "MUTTU 1000", "agency_id": 5}, "status": "returned",
    "self_score": "25.00", "verified_score": null, "missing_evidence_count": 1,
    "missing_evidence": ["K.2"], "submitted_at": "2026-12-03T02:00:00.000000Z",
    "verified_at": null, "version": 6, "created_at": "2026-12-01T02:00:00.000000Z",
    "updated_at": "2026-12-04T02:00:00.000000Z",
    "answers": [{"indicator_id": 9, "indicator_code": "K.1", "evidence_required": true,
        "option_id": 22, "option_label": "SK/Perbup Bupati", "weight": "25.00",
        "note": "Perbup Kebumen No. 12 Tahun 2025", "document_ids": [31],
        "evidence_missing": false, "verdict": "adjusted", "verified_option_id": 21,
        "review_note": "SK yang dilampirkan SK Kepala Dinas, bukan Perbup"}]}))]
pub struct IndexAssessment {
    #[serde(flatten)]
    pub summary: IndexAssessmentSummary,
    /// The codes of the mandatory indicators without evidence: what submitting still needs.
    #[schema(value_type = Vec<IndicatorCode>, max_items = 1000)]
    pub missing_evidence: Vec<String>,
    #[schema(max_items = 1000)]
    pub answers: Vec<AnswerView>,
}

impl From<&StoredAssessment> for IndexAssessment {
    fn from(stored: &StoredAssessment) -> Self {
        let innovation = stored.innovation.as_ref().map(AssessedInnovationView::from);
        let missing = stored.missing_evidence();
        let answers = stored
            .indicators()
            .map(|indicator| {
                let answer = stored.answer_to(indicator.row.id);
                let option =
                    answer.and_then(|a| indicator.options.iter().find(|o| o.id == a.row.option_id));
                AnswerView {
                    indicator_id: indicator.row.id,
                    indicator_code: indicator.row.code.clone(),
                    evidence_required: indicator.row.evidence_required,
                    option_id: option.map(|o| o.id),
                    option_label: option.map(|o| o.label.clone()),
                    weight: option.map(|o| score(o.weight_hundredths)),
                    note: answer.and_then(|a| a.row.note.clone()),
                    document_ids: answer.map(|a| a.document_ids.clone()).unwrap_or_default(),
                    evidence_missing: missing.contains(&indicator.row.code),
                    verdict: answer.and_then(|a| a.row.verdict.as_deref().and_then(Verdict::parse)),
                    verified_option_id: answer.and_then(|a| a.row.verified_option_id),
                    review_note: answer.and_then(|a| a.row.review_note.clone()),
                }
            })
            .collect();
        Self {
            summary: IndexAssessmentSummary::new(&stored.row, stored.year(), innovation),
            missing_evidence: missing,
            answers,
        }
    }
}

/// Starting an assessment: of an innovation, or (`innovation_id` null or absent) of the
/// region itself.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"year": 2026, "innovation_id": 3}))]
pub struct IndexAssessmentInput {
    /// A year whose catalogue is published.
    #[validate(range(min = 2000, max = 2100))]
    #[schema(minimum = 2000, maximum = 2100)]
    pub year: i64,
    #[validate(range(min = 1))]
    #[schema(minimum = 1)]
    pub innovation_id: Option<i64>,
}

fn unique_ids(ids: &[i64]) -> Result<(), validator::ValidationError> {
    let mut seen = std::collections::HashSet::new();
    if ids.iter().all(|id| seen.insert(id)) {
        Ok(())
    } else {
        Err(validator::ValidationError::new("duplicate"))
    }
}

/// An answer to one indicator, whole.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"option_id": 22, "note": "Perbup Kebumen No. 12 Tahun 2025",
    "document_ids": [31]}))]
pub struct AnswerInputJson {
    /// One of the indicator's options.
    #[schema(minimum = 1)]
    pub option_id: i64,
    #[validate(length(min = 1, max = NOTE_MAX), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 2000)]
    pub note: Option<String>,
    /// Evidence documents of the innovation (any innovation's for the region's own
    /// assessment) of a kind the indicator accepts.
    #[serde(default)]
    #[validate(length(max = DOCUMENTS_MAX), custom(function = "unique_ids"))]
    #[schema(max_items = 20)]
    pub document_ids: Vec<i64>,
}

impl From<AnswerInputJson> for AnswerInput {
    fn from(input: AnswerInputJson) -> Self {
        Self {
            option_id: input.option_id,
            note: input.note,
            document_ids: input.document_ids,
        }
    }
}

/// A reviewer's verdict on one answer.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"verdict": "adjusted", "option_id": 21,
    "note": "SK yang dilampirkan SK Kepala Dinas, bukan Perbup"}))]
pub struct VerdictInputJson {
    pub verdict: Verdict,
    /// The option that stands: required when adjusted (another of the indicator's), the
    /// answer's own (or absent) when accepted.
    #[schema(minimum = 1)]
    pub option_id: Option<i64>,
    #[validate(length(min = 1, max = NOTE_MAX), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 2000)]
    pub note: Option<String>,
}

impl From<VerdictInputJson> for VerdictInput {
    fn from(input: VerdictInputJson) -> Self {
        Self {
            verdict: input.verdict,
            option_id: input.option_id,
            note: input.note,
        }
    }
}

/// Sending an assessment back to its writers, with an optional general note (the notes
/// per indicator are the verdicts').
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"note": "Lengkapi bukti dukung indikator K.2"}))]
pub struct ReturnInput {
    #[validate(length(min = 1, max = NOTE_MAX), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 2000)]
    pub note: Option<String>,
}

/// Reopening a verified assessment: the reason is required and kept in its history.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "Perbup baru terbit setelah verifikasi"}))]
pub struct ReopenInput {
    #[validate(length(min = 1, max = NOTE_MAX), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 2000)]
    pub reason: String,
}

/// One step of an assessment's history, oldest first.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": 120, "action": "assessment.return",
    "occurred_at": "2026-12-04T02:00:00.000000Z", "actor_name": "verifikator",
    "status": "returned", "note": "Lengkapi bukti dukung indikator K.2"}))]
pub struct AssessmentHistoryEntry {
    pub id: i64,
    /// `assessment.create`, `.answer`, `.submit`, `.review`, `.return`, `.verify`, `.reopen`.
    #[schema(max_length = 64)]
    pub action: String,
    #[serde(serialize_with = "super::rfc3339")]
    pub occurred_at: DateTime<Utc>,
    #[schema(max_length = 64)]
    pub actor_name: String,
    /// The state after the step.
    pub status: Option<AssessmentStatus>,
    /// A return's note or a reopening's reason.
    #[schema(max_length = 2000)]
    pub note: Option<String>,
}

impl From<crate::store::audit::AuditEventRow> for AssessmentHistoryEntry {
    fn from(row: crate::store::audit::AuditEventRow) -> Self {
        let after: serde_json::Value = row
            .after
            .as_deref()
            .and_then(|text| serde_json::from_str(text).ok())
            .unwrap_or_default();
        let text = |name: &str| after.get(name).and_then(|v| v.as_str()).map(str::to_owned);
        Self {
            id: row.id,
            action: row.action,
            occurred_at: row.occurred_at.and_utc(),
            actor_name: row.actor_name,
            status: text("status").as_deref().and_then(AssessmentStatus::parse),
            note: text("note"),
        }
    }
}
