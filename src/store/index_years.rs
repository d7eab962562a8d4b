//! What a year of the index is made of, read for its figures: the published catalogue, every
//! assessment of the year with its innovation's agency, and how many innovations each agency
//! has (those without an assessment are still to be started).

use diesel::prelude::*;

use super::index_assessments::{AnswerRow, AssessmentRow};
use super::index_catalogues::{self as catalogues, StoredCatalogue};
use crate::db::DbConnection;
use crate::db::schema::{
    agencies, documents, index_answer_documents, index_answers, index_assessments,
    index_catalogues, innovations,
};
use crate::domain::index::catalogue::CatalogueStatus;
use crate::error::{ApiError, ApiResult};

/// An agency with innovations: how many, not archived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgencyInnovations {
    pub agency_id: i64,
    pub name: String,
    pub innovations: i64,
}

/// The innovation an assessment of the year is of.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct YearInnovation {
    pub id: i64,
    pub name: String,
    pub agency_id: i64,
}

/// A year of the index, as stored.
#[derive(Debug, Clone)]
pub struct StoredYear {
    pub catalogue: StoredCatalogue,
    /// Each assessment of the year with its innovation (none: the region's own).
    pub assessments: Vec<(AssessmentRow, Option<YearInnovation>)>,
    /// Every agency with innovations, by name.
    pub agencies: Vec<AgencyInnovations>,
}

impl StoredYear {
    /// The name of agency `id` (empty if it has no innovations any more).
    pub fn agency_name(&self, id: i64) -> &str {
        self.agencies
            .iter()
            .find(|a| a.agency_id == id)
            .map_or("", |a| a.name.as_str())
    }
}

/// The year `year` (404 unless its catalogue is published).
pub fn find(conn: &mut DbConnection, year: i64) -> ApiResult<StoredYear> {
    let catalogue = catalogues::find(conn, year)?;
    if catalogue.row.status() != CatalogueStatus::Published {
        return Err(ApiError::NotFound);
    }
    let assessments = index_assessments::table
        .inner_join(index_catalogues::table)
        .left_join(innovations::table)
        .filter(index_catalogues::year.eq(year))
        .order(index_assessments::id)
        .select((
            AssessmentRow::as_select(),
            (innovations::id, innovations::name, innovations::agency_id).nullable(),
        ))
        .load(conn)?;
    let agencies = innovations::table
        .inner_join(agencies::table)
        .filter(innovations::status.ne("archived"))
        .group_by((agencies::id, agencies::name))
        .order(agencies::name)
        .select((agencies::id, agencies::name, diesel::dsl::count_star()))
        .load::<(i64, String, i64)>(conn)?
        .into_iter()
        .map(|(agency_id, name, innovations)| AgencyInnovations {
            agency_id,
            name,
            innovations,
        })
        .collect();
    Ok(StoredYear {
        catalogue,
        assessments,
        agencies,
    })
}

/// A document an answer cites.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Queryable)]
pub struct CitedEvidence {
    pub answer_id: i64,
    pub document_id: i64,
    /// The innovation the document belongs to (its URL names it).
    pub innovation_id: i64,
}

/// Every answer of the year's assessments and every document they cite: what the
/// workbook lists.
#[derive(Debug, Clone)]
pub struct YearAnswers {
    pub answers: Vec<AnswerRow>,
    pub cited: Vec<CitedEvidence>,
}

/// The answers of the assessments of catalogue `catalogue_id`.
pub fn answers(conn: &mut DbConnection, catalogue_id: i64) -> ApiResult<YearAnswers> {
    let answers = index_answers::table
        .inner_join(index_assessments::table)
        .filter(index_assessments::catalogue_id.eq(catalogue_id))
        .order(index_answers::id)
        .select(AnswerRow::as_select())
        .load(conn)?;
    let cited = index_answer_documents::table
        .inner_join(index_answers::table.inner_join(index_assessments::table))
        .inner_join(documents::table)
        .filter(index_assessments::catalogue_id.eq(catalogue_id))
        .order((
            index_answer_documents::answer_id,
            index_answer_documents::document_id,
        ))
        .select((
            index_answer_documents::answer_id,
            index_answer_documents::document_id,
            documents::innovation_id,
        ))
        .load(conn)?;
    Ok(YearAnswers { answers, cited })
}
