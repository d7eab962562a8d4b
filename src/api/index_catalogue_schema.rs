//! The JSON of a yearly index catalogue: what is answered (with the ids answers will point
//! at) and what an administrator writes (the whole content of a draft).

use super::prelude::*;
use chrono::{DateTime, Utc};

use crate::domain::agreement::Hundredths;
use crate::domain::evidence::DocumentKind;
use crate::domain::index::catalogue::{self, CatalogueContent, CatalogueStatus};
use crate::domain::index::{Aspect, formula};
use crate::domain::text::not_blank;
use crate::store::index_catalogues::{
    CatalogueRow, OptionRow, StoredCatalogue, StoredIndicator, StoredVariable,
};

/// A weight, a score or a bound: a decimal from 0 to 9999.99 with at most two fractional
/// digits, as a string.
fn validate_weight(text: &str) -> Result<(), validator::ValidationError> {
    match Hundredths::parse(text) {
        Some(value) if (0..=999_999).contains(&value.0) => Ok(()),
        _ => Err(validator::ValidationError::new("weight_invalid")),
    }
}

/// A catalogue as listed: without its indicators.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"year": 2026, "title": "Katalog ilustratif Indeks Inovasi Daerah",
    "illustrative": true, "status": "published", "copied_from_year": null,
    "published_at": "2026-12-03T02:00:00.000000Z", "version": 2,
    "created_at": "2026-12-03T02:00:00.000000Z", "updated_at": "2026-12-03T02:00:00.000000Z"}))]
pub struct IndexCatalogueSummary {
    #[schema(minimum = 2000, maximum = 2100)]
    pub year: i64,
    #[schema(max_length = 200)]
    pub title: String,
    /// An example shaped like the ministry's method, not the ministry's catalogue.
    pub illustrative: bool,
    pub status: CatalogueStatus,
    /// The year it was copied from, if it was.
    #[schema(minimum = 2000, maximum = 2100)]
    pub copied_from_year: Option<i64>,
    #[serde(serialize_with = "super::rfc3339_option")]
    #[schema(value_type = Option<DateTime<Utc>>)]
    pub published_at: Option<DateTime<Utc>>,
    pub version: i64,
    #[serde(serialize_with = "super::rfc3339")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "super::rfc3339")]
    pub updated_at: DateTime<Utc>,
}

impl From<&CatalogueRow> for IndexCatalogueSummary {
    fn from(row: &CatalogueRow) -> Self {
        Self {
            year: row.year,
            title: row.title.clone(),
            illustrative: row.illustrative,
            status: row.status(),
            copied_from_year: row.copied_from_year,
            published_at: row.published_at.map(|t| t.and_utc()),
            version: row.version,
            created_at: row.created_at.and_utc(),
            updated_at: row.updated_at.and_utc(),
        }
    }
}

/// A grade band: an index above `from` (or at it, with `from_included`) earns `label`,
/// unless a higher band takes it.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"label": "Sangat Inovatif", "from": "60", "from_included": false}))]
pub struct GradeBandJson {
    #[validate(length(min = 1, max = 100), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 100)]
    pub label: String,
    #[validate(length(max = 7), custom(function = "validate_weight"))]
    #[schema(
        pattern = r"^[0-9]{1,4}(\.[0-9]{1,2})?$",
        max_length = 7,
        example = "60"
    )]
    pub from: String,
    pub from_included: bool,
}

/// A level of an indicator and the score it earns.
#[derive(Debug, Serialize, ToSchema)]
pub struct IndicatorOptionView {
    /// What an answer names.
    pub id: i64,
    #[schema(max_length = 200)]
    pub label: String,
    #[schema(
        pattern = r"^[0-9]{1,4}(\.[0-9]{1,2})?$",
        max_length = 7,
        example = "25.00"
    )]
    pub weight: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IndicatorView {
    pub id: i64,
    #[schema(max_length = 20)]
    pub code: String,
    #[schema(max_length = 1000)]
    pub text: String,
    /// Whether an answer needs evidence to score.
    pub evidence_required: bool,
    /// The document kinds that count as its evidence; empty: any kind.
    #[schema(max_items = 7)]
    pub evidence_kinds: Vec<DocumentKind>,
    #[schema(max_items = 20)]
    pub options: Vec<IndicatorOptionView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VariableView {
    pub id: i64,
    #[schema(max_length = 20)]
    pub code: String,
    #[schema(max_length = 200)]
    pub name: String,
    pub aspect: Aspect,
    #[schema(max_items = 100)]
    pub indicators: Vec<IndicatorView>,
}

/// A year's catalogue, whole.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"year": 2026, "title": "Katalog ilustratif Indeks Inovasi Daerah",
    "illustrative": true, "status": "published", "government_weight": "25.20",
    "innovation_weight": "74.80", "minimum_innovations": 10,
    "not_assessable_label": "Tidak Dapat Dinilai",
    "grades": [{"label": "Sangat Inovatif", "from": "60.00", "from_included": false},
               {"label": "Inovatif", "from": "35.00", "from_included": true},
               {"label": "Kurang Inovatif", "from": "0.00", "from_included": true}],
    "variables": [{"id": 4, "code": "K", "name": "Kematangan inovasi", "aspect": "innovation",
        "indicators": [{"id": 9, "code": "K.1", "text": "Dasar hukum inovasi (SK/Perbup)",
            "evidence_required": true, "evidence_kinds": ["decree"],
            "options": [{"id": 21, "label": "Belum ada", "weight": "0.00"},
                        {"id": 22, "label": "SK/Perbup Bupati", "weight": "25.00"}]}]}],
    "copied_from_year": null, "published_at": "2026-12-03T02:00:00.000000Z", "version": 2,
    "created_at": "2026-12-03T02:00:00.000000Z", "updated_at": "2026-12-03T02:00:00.000000Z"}))]
pub struct IndexCatalogue {
    #[serde(flatten)]
    pub summary: IndexCatalogueSummary,
    /// The government aspect's weight in the index, in percent.
    #[schema(pattern = r"^[0-9]{1,4}(\.[0-9]{1,2})?$", max_length = 7)]
    pub government_weight: String,
    /// The innovation aspect's weight, in percent; the two add up to 100.
    #[schema(pattern = r"^[0-9]{1,4}(\.[0-9]{1,2})?$", max_length = 7)]
    pub innovation_weight: String,
    /// The innovation aspect is the innovations' scores summed and divided by
    /// `max(minimum_innovations, n)`.
    #[schema(minimum = 1, maximum = 1000)]
    pub minimum_innovations: i64,
    #[schema(max_length = 100)]
    pub not_assessable_label: String,
    #[schema(max_items = 10)]
    pub grades: Vec<GradeBandJson>,
    #[schema(max_items = 50)]
    pub variables: Vec<VariableView>,
}

impl From<&OptionRow> for IndicatorOptionView {
    fn from(option: &OptionRow) -> Self {
        Self {
            id: option.id,
            label: option.label.clone(),
            weight: Hundredths(option.weight_hundredths).to_string(),
        }
    }
}

impl From<&StoredIndicator> for IndicatorView {
    fn from(stored: &StoredIndicator) -> Self {
        let row = &stored.row;
        Self {
            id: row.id,
            code: row.code.clone(),
            text: row.text.clone(),
            evidence_required: row.evidence_required,
            evidence_kinds: row.kinds(),
            options: stored
                .options
                .iter()
                .map(IndicatorOptionView::from)
                .collect(),
        }
    }
}

impl From<&StoredVariable> for VariableView {
    fn from(stored: &StoredVariable) -> Self {
        let row = &stored.row;
        Self {
            id: row.id,
            code: row.code.clone(),
            name: row.name.clone(),
            aspect: Aspect::parse(&row.aspect).unwrap_or(Aspect::Innovation),
            indicators: stored.indicators.iter().map(IndicatorView::from).collect(),
        }
    }
}

impl From<&StoredCatalogue> for IndexCatalogue {
    fn from(stored: &StoredCatalogue) -> Self {
        let row = &stored.row;
        let decimal = |value: i64| Hundredths(value).to_string();
        Self {
            summary: IndexCatalogueSummary::from(row),
            government_weight: decimal(row.government_weight),
            innovation_weight: decimal(row.innovation_weight),
            minimum_innovations: row.minimum_innovations,
            not_assessable_label: row.not_assessable_label.clone(),
            grades: stored
                .grades
                .iter()
                .map(|g| GradeBandJson {
                    label: g.label.clone(),
                    from: decimal(g.from_hundredths),
                    from_included: g.from_included,
                })
                .collect(),
            variables: stored.variables.iter().map(VariableView::from).collect(),
        }
    }
}

#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IndicatorOptionInput {
    #[validate(length(min = 1, max = 200), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 200, example = "SK/Perbup Bupati")]
    pub label: String,
    #[validate(length(max = 7), custom(function = "validate_weight"))]
    #[schema(
        pattern = r"^[0-9]{1,4}(\.[0-9]{1,2})?$",
        max_length = 7,
        example = "25"
    )]
    pub weight: String,
}

#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IndicatorInput {
    #[validate(length(min = 1, max = 20), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 20, example = "K.1")]
    pub code: String,
    #[validate(length(min = 1, max = 1000), custom(function = "not_blank"))]
    #[schema(
        min_length = 1,
        max_length = 1000,
        example = "Dasar hukum inovasi (SK/Perbup)"
    )]
    pub text: String,
    pub evidence_required: bool,
    /// The document kinds that count as evidence; empty or absent: any kind.
    #[serde(default)]
    #[validate(length(max = 7), custom(function = "validate_kinds"))]
    #[schema(value_type = Vec<DocumentKind>, max_items = 7)]
    pub evidence_kinds: Vec<String>,
    #[validate(length(max = 20), nested)]
    #[schema(max_items = 20)]
    pub options: Vec<IndicatorOptionInput>,
}

fn validate_kinds(kinds: &[String]) -> Result<(), validator::ValidationError> {
    kinds
        .iter()
        .try_for_each(|kind| DocumentKind::validate(kind))
}

#[derive(Debug, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VariableInput {
    #[validate(length(min = 1, max = 20), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 20, example = "K")]
    pub code: String,
    #[validate(length(min = 1, max = 200), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 200, example = "Kematangan inovasi")]
    pub name: String,
    #[validate(custom(function = "Aspect::validate"))]
    #[schema(value_type = Aspect)]
    pub aspect: String,
    #[validate(length(max = 100), nested)]
    #[schema(max_items = 100)]
    pub indicators: Vec<IndicatorInput>,
}

/// A draft catalogue's whole content: `POST` creates it (with `year`), `PUT` replaces it.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"year": 2027, "title": "Indeks Inovasi Daerah 2027",
    "government_weight": "25.2", "innovation_weight": "74.8", "minimum_innovations": 10,
    "not_assessable_label": "Tidak Dapat Dinilai",
    "grades": [{"label": "Sangat Inovatif", "from": "60", "from_included": false},
               {"label": "Inovatif", "from": "35", "from_included": true},
               {"label": "Kurang Inovatif", "from": "0", "from_included": true}],
    "variables": [{"code": "K", "name": "Kematangan inovasi", "aspect": "innovation",
        "indicators": [{"code": "K.1", "text": "Dasar hukum inovasi (SK/Perbup)",
            "evidence_required": true, "evidence_kinds": ["decree"],
            "options": [{"label": "Belum ada", "weight": "0"},
                        {"label": "SK/Perbup Bupati", "weight": "25"}]}]}]}))]
pub struct IndexCatalogueInput {
    /// Required to create; to replace, absent or the catalogue's own year.
    #[validate(range(min = 2000, max = 2100))]
    #[schema(minimum = 2000, maximum = 2100)]
    pub year: Option<i64>,
    #[validate(length(min = 1, max = 200), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    /// An example, not the ministry's catalogue; default false.
    #[serde(default)]
    pub illustrative: bool,
    #[validate(length(max = 7), custom(function = "validate_weight"))]
    #[schema(
        pattern = r"^[0-9]{1,4}(\.[0-9]{1,2})?$",
        max_length = 7,
        example = "25.2"
    )]
    pub government_weight: String,
    #[validate(length(max = 7), custom(function = "validate_weight"))]
    #[schema(
        pattern = r"^[0-9]{1,4}(\.[0-9]{1,2})?$",
        max_length = 7,
        example = "74.8"
    )]
    pub innovation_weight: String,
    #[validate(range(min = 1, max = 1000))]
    #[schema(minimum = 1, maximum = 1000, example = 10)]
    pub minimum_innovations: i64,
    #[validate(length(min = 1, max = 100), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 100, example = "Tidak Dapat Dinilai")]
    pub not_assessable_label: String,
    #[validate(length(min = 1, max = 10), nested)]
    #[schema(min_items = 1, max_items = 10)]
    pub grades: Vec<GradeBandJson>,
    #[validate(length(max = 50), nested)]
    #[schema(max_items = 50)]
    pub variables: Vec<VariableInput>,
}

/// A weight the validator has let through, as hundredths.
fn hundredths(text: &str) -> Hundredths {
    Hundredths::parse(text).unwrap_or(Hundredths(0))
}

impl IndexCatalogueInput {
    /// The content, validated field by field (422 naming every bad field).
    pub fn into_content(self) -> ApiResult<(Option<i64>, CatalogueContent)> {
        if let Err(errors) = self.validate() {
            return Err(ApiError::Validation(field_errors_from_validator(&errors)));
        }
        let content = CatalogueContent {
            title: self.title,
            illustrative: self.illustrative,
            formula: formula::Formula {
                government_weight: hundredths(&self.government_weight),
                innovation_weight: hundredths(&self.innovation_weight),
                minimum_innovations: self.minimum_innovations,
                grades: self
                    .grades
                    .into_iter()
                    .map(|g| formula::GradeBand {
                        from: hundredths(&g.from),
                        label: g.label,
                        from_included: g.from_included,
                    })
                    .collect(),
            },
            not_assessable_label: self.not_assessable_label,
            variables: self
                .variables
                .into_iter()
                .map(|variable| catalogue::Variable {
                    code: variable.code,
                    name: variable.name,
                    aspect: Aspect::parse(&variable.aspect).unwrap_or(Aspect::Innovation),
                    indicators: variable
                        .indicators
                        .into_iter()
                        .map(|indicator| catalogue::Indicator {
                            code: indicator.code,
                            text: indicator.text,
                            evidence_required: indicator.evidence_required,
                            evidence_kinds: indicator
                                .evidence_kinds
                                .iter()
                                .filter_map(|k| DocumentKind::parse(k))
                                .collect(),
                            options: indicator
                                .options
                                .into_iter()
                                .map(|option| catalogue::IndicatorOption {
                                    weight: hundredths(&option.weight),
                                    label: option.label,
                                })
                                .collect(),
                        })
                        .collect(),
                })
                .collect(),
        };
        Ok((self.year, content))
    }
}

/// Where a copy goes.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"year": 2027}))]
pub struct IndexCatalogueCopy {
    /// The year of the new draft.
    #[validate(range(min = 2000, max = 2100))]
    #[schema(minimum = 2000, maximum = 2100)]
    pub year: i64,
}
