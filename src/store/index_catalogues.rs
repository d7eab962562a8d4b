//! The yearly index's catalogues: one per year, its grade bands, variables, indicators and
//! options in tables of their own (answers will point at options by id). A draft's
//! content is replaced whole: nothing refers to a draft's rows, since only a published
//! catalogue is answered, and a published catalogue never changes.

use diesel::prelude::*;
use serde::Serialize;

use super::check_version;
use crate::db::schema::{
    index_catalogues, index_grades, index_indicators, index_options, index_variables,
};
use crate::db::{DbConnection, WriteContext};
use crate::domain::agreement::Hundredths;
use crate::domain::evidence::DocumentKind;
use crate::domain::field_issue::FieldIssue;
use crate::domain::index::Aspect;
use crate::domain::index::catalogue::{
    CatalogueContent, CatalogueStatus, Indicator, IndicatorOption, Variable,
};
use crate::domain::index::formula::{Formula, GradeBand};
use crate::domain::paging::{ById, ListControls};
use crate::domain::version::ExpectedVersion;
use crate::error::{ApiError, ApiResult};

const RESOURCE: &str = "index_catalogue";
record!(CatalogueRow, RESOURCE);

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = index_catalogues, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct CatalogueRow {
    pub id: i64,
    pub year: i64,
    pub title: String,
    pub illustrative: bool,
    pub status: String,
    pub government_weight: i64,
    pub innovation_weight: i64,
    pub minimum_innovations: i64,
    pub not_assessable_label: String,
    pub copied_from_year: Option<i64>,
    pub published_at: Option<chrono::NaiveDateTime>,
    pub version: i64,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

impl CatalogueRow {
    pub fn status(&self) -> CatalogueStatus {
        CatalogueStatus::parse(&self.status).unwrap_or(CatalogueStatus::Draft)
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = index_grades, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct GradeRow {
    pub id: i64,
    pub catalogue_id: i64,
    pub position: i64,
    pub label: String,
    pub from_hundredths: i64,
    pub from_included: bool,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = index_variables, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct VariableRow {
    pub id: i64,
    pub catalogue_id: i64,
    pub position: i64,
    pub code: String,
    pub name: String,
    pub aspect: String,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = index_indicators, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct IndicatorRow {
    pub id: i64,
    pub catalogue_id: i64,
    pub variable_id: i64,
    pub position: i64,
    pub code: String,
    pub text: String,
    pub evidence_required: bool,
    pub evidence_kinds: String,
}

impl IndicatorRow {
    pub fn kinds(&self) -> Vec<DocumentKind> {
        self.evidence_kinds
            .split(',')
            .filter_map(DocumentKind::parse)
            .collect()
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = index_options, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct OptionRow {
    pub id: i64,
    pub indicator_id: i64,
    pub position: i64,
    pub label: String,
    pub weight_hundredths: i64,
}

/// An indicator with its options, in order.
#[derive(Debug, Clone, Serialize)]
pub struct StoredIndicator {
    pub row: IndicatorRow,
    pub options: Vec<OptionRow>,
}

/// A variable with its indicators, in order.
#[derive(Debug, Clone, Serialize)]
pub struct StoredVariable {
    pub row: VariableRow,
    pub indicators: Vec<StoredIndicator>,
}

/// A whole catalogue as stored (with the ids of its parts); also its audit snapshot.
#[derive(Debug, Clone, Serialize)]
pub struct StoredCatalogue {
    pub row: CatalogueRow,
    pub grades: Vec<GradeRow>,
    pub variables: Vec<StoredVariable>,
}

impl StoredCatalogue {
    /// The content, as the domain's rules read it.
    pub fn content(&self) -> CatalogueContent {
        let row = &self.row;
        CatalogueContent {
            title: row.title.clone(),
            illustrative: row.illustrative,
            formula: Formula {
                government_weight: Hundredths(row.government_weight),
                innovation_weight: Hundredths(row.innovation_weight),
                minimum_innovations: row.minimum_innovations,
                grades: self
                    .grades
                    .iter()
                    .map(|g| GradeBand {
                        label: g.label.clone(),
                        from: Hundredths(g.from_hundredths),
                        from_included: g.from_included,
                    })
                    .collect(),
            },
            not_assessable_label: row.not_assessable_label.clone(),
            variables: self
                .variables
                .iter()
                .map(|v| Variable {
                    code: v.row.code.clone(),
                    name: v.row.name.clone(),
                    aspect: Aspect::parse(&v.row.aspect).unwrap_or(Aspect::Innovation),
                    indicators: v
                        .indicators
                        .iter()
                        .map(|i| Indicator {
                            code: i.row.code.clone(),
                            text: i.row.text.clone(),
                            evidence_required: i.row.evidence_required,
                            evidence_kinds: i.row.kinds(),
                            options: i
                                .options
                                .iter()
                                .map(|o| IndicatorOption {
                                    label: o.label.clone(),
                                    weight: Hundredths(o.weight_hundredths),
                                })
                                .collect(),
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

/// A page of catalogues (in the order they were created); drafts only with `drafts`,
/// and only of the statuses `status` names when it is given. There is at most one per year
/// from 2000 to 2100, so the rows are read whole and the page cut from them.
pub fn list(
    conn: &mut DbConnection,
    status: Option<Vec<CatalogueStatus>>,
    drafts: bool,
    controls: &ListControls<ById>,
) -> ApiResult<(Vec<CatalogueRow>, Option<i64>)> {
    let shown = |row: &CatalogueRow| {
        (drafts || row.status() == CatalogueStatus::Published)
            && status
                .as_ref()
                .is_none_or(|wanted| wanted.contains(&row.status()))
    };
    let all: Vec<CatalogueRow> = index_catalogues::table
        .order(index_catalogues::id.asc())
        .select(CatalogueRow::as_select())
        .load::<CatalogueRow>(conn)?
        .into_iter()
        .filter(shown)
        .collect();
    let total = controls
        .wants_total()
        .then(|| i64::try_from(all.len()).unwrap_or(i64::MAX));
    let after = controls.cursor_after().map_or(0, |position| position.id);
    let skip = usize::try_from(controls.offset()).unwrap_or(usize::MAX);
    let take = usize::try_from(controls.per_page + 1).unwrap_or(usize::MAX);
    let page = all
        .into_iter()
        .filter(|row| row.id > after)
        .skip(skip)
        .take(take)
        .collect();
    Ok((page, total))
}

fn find_row(conn: &mut DbConnection, year: i64) -> ApiResult<CatalogueRow> {
    Ok(index_catalogues::table
        .filter(index_catalogues::year.eq(year))
        .select(CatalogueRow::as_select())
        .first(conn)?)
}

/// The catalogue of `year`, whole.
pub fn find(conn: &mut DbConnection, year: i64) -> ApiResult<StoredCatalogue> {
    let row = find_row(conn, year)?;
    load(conn, row)
}

fn load(conn: &mut DbConnection, row: CatalogueRow) -> ApiResult<StoredCatalogue> {
    let grades = index_grades::table
        .filter(index_grades::catalogue_id.eq(row.id))
        .order(index_grades::position)
        .select(GradeRow::as_select())
        .load(conn)?;
    let variables: Vec<VariableRow> = index_variables::table
        .filter(index_variables::catalogue_id.eq(row.id))
        .order(index_variables::position)
        .select(VariableRow::as_select())
        .load(conn)?;
    let indicators: Vec<IndicatorRow> = index_indicators::table
        .filter(index_indicators::catalogue_id.eq(row.id))
        .order((index_indicators::variable_id, index_indicators::position))
        .select(IndicatorRow::as_select())
        .load(conn)?;
    let options: Vec<OptionRow> = index_options::table
        .inner_join(index_indicators::table)
        .filter(index_indicators::catalogue_id.eq(row.id))
        .order((index_options::indicator_id, index_options::position))
        .select(OptionRow::as_select())
        .load(conn)?;
    let variables = variables
        .into_iter()
        .map(|variable| StoredVariable {
            indicators: indicators
                .iter()
                .filter(|i| i.variable_id == variable.id)
                .map(|indicator| StoredIndicator {
                    options: options
                        .iter()
                        .filter(|o| o.indicator_id == indicator.id)
                        .cloned()
                        .collect(),
                    row: indicator.clone(),
                })
                .collect(),
            row: variable,
        })
        .collect();
    Ok(StoredCatalogue {
        row,
        grades,
        variables,
    })
}

/// The content's rules broken, as a 422 with one field error each.
pub fn refuse(issues: Vec<FieldIssue>) -> ApiError {
    ApiError::Validation(
        issues
            .into_iter()
            .map(|issue| {
                crate::error::FieldError::with_params(issue.path, issue.code, &issue.params)
            })
            .collect(),
    )
}

/// Creates the draft catalogue of `year` (a copy names the year it came from).
pub fn create(
    conn: &mut DbConnection,
    context: &WriteContext,
    year: i64,
    content: &CatalogueContent,
    copied_from_year: Option<i64>,
) -> ApiResult<StoredCatalogue> {
    let issues = content.check();
    if !issues.is_empty() {
        return Err(refuse(issues));
    }
    let now = super::now();
    let formula = &content.formula;
    let row = diesel::insert_into(index_catalogues::table)
        .values((
            index_catalogues::year.eq(year),
            index_catalogues::title.eq(&content.title),
            index_catalogues::illustrative.eq(content.illustrative),
            index_catalogues::status.eq(CatalogueStatus::Draft.as_str()),
            index_catalogues::government_weight.eq(formula.government_weight.0),
            index_catalogues::innovation_weight.eq(formula.innovation_weight.0),
            index_catalogues::minimum_innovations.eq(formula.minimum_innovations),
            index_catalogues::not_assessable_label.eq(&content.not_assessable_label),
            index_catalogues::copied_from_year.eq(copied_from_year),
            index_catalogues::version.eq(1),
            index_catalogues::created_at.eq(now),
            index_catalogues::updated_at.eq(now),
        ))
        .get_result::<CatalogueRow>(conn)
        .map_err(|error| {
            super::conflict_on_unique(
                error,
                "index_catalogues_year_key",
                "year",
                "this year already has a catalogue",
            )
        })?;
    insert_parts(conn, row.id, content)?;
    let stored = load(conn, row)?;
    let action = if copied_from_year.is_some() {
        "index_catalogue.copy"
    } else {
        "index_catalogue.create"
    };
    super::audit::record(
        conn,
        context,
        action,
        RESOURCE,
        Some(stored.row.id),
        None::<&()>,
        Some(&stored),
    )?;
    Ok(stored)
}

fn insert_parts(conn: &mut DbConnection, id: i64, content: &CatalogueContent) -> ApiResult<()> {
    for (position, band) in (0_i64..).zip(&content.formula.grades) {
        diesel::insert_into(index_grades::table)
            .values((
                index_grades::catalogue_id.eq(id),
                index_grades::position.eq(position),
                index_grades::label.eq(&band.label),
                index_grades::from_hundredths.eq(band.from.0),
                index_grades::from_included.eq(band.from_included),
            ))
            .execute(conn)?;
    }
    for (position, variable) in (0_i64..).zip(&content.variables) {
        let variable_id: i64 = diesel::insert_into(index_variables::table)
            .values((
                index_variables::catalogue_id.eq(id),
                index_variables::position.eq(position),
                index_variables::code.eq(&variable.code),
                index_variables::name.eq(&variable.name),
                index_variables::aspect.eq(variable.aspect.as_str()),
            ))
            .returning(index_variables::id)
            .get_result(conn)?;
        for (position, indicator) in (0_i64..).zip(&variable.indicators) {
            let kinds: Vec<&str> = indicator
                .evidence_kinds
                .iter()
                .map(|k| k.as_str())
                .collect();
            let indicator_id: i64 = diesel::insert_into(index_indicators::table)
                .values((
                    index_indicators::catalogue_id.eq(id),
                    index_indicators::variable_id.eq(variable_id),
                    index_indicators::position.eq(position),
                    index_indicators::code.eq(&indicator.code),
                    index_indicators::text.eq(&indicator.text),
                    index_indicators::evidence_required.eq(indicator.evidence_required),
                    index_indicators::evidence_kinds.eq(kinds.join(",")),
                ))
                .returning(index_indicators::id)
                .get_result(conn)?;
            for (position, option) in (0_i64..).zip(&indicator.options) {
                diesel::insert_into(index_options::table)
                    .values((
                        index_options::indicator_id.eq(indicator_id),
                        index_options::position.eq(position),
                        index_options::label.eq(&option.label),
                        index_options::weight_hundredths.eq(option.weight.0),
                    ))
                    .execute(conn)?;
            }
        }
    }
    Ok(())
}

/// The draft of `year`, checked against `expected`; a published one is a 409.
fn editable_draft(
    conn: &mut DbConnection,
    year: i64,
    expected: &ExpectedVersion,
) -> ApiResult<StoredCatalogue> {
    let current = find(conn, year)?;
    check_version(expected, current.row.version)?;
    if current.row.status() == CatalogueStatus::Published {
        return Err(ApiError::Conflict {
            slug: "catalogue-published",
            detail: format!(
                "the {year} catalogue is published and frozen; copy it to a new year to change it"
            ),
            errors: Vec::new(),
        });
    }
    Ok(current)
}

/// Moves the catalogue to its next version (the guard keeps a concurrent writer out).
fn bump(conn: &mut DbConnection, current: &CatalogueRow, publish: bool) -> ApiResult<CatalogueRow> {
    let now = super::now();
    let status = if publish {
        CatalogueStatus::Published
    } else {
        current.status()
    };
    diesel::update(
        index_catalogues::table
            .filter(index_catalogues::id.eq(current.id))
            .filter(index_catalogues::version.eq(current.version)),
    )
    .set((
        index_catalogues::status.eq(status.as_str()),
        index_catalogues::published_at.eq(publish.then_some(now).or(current.published_at)),
        index_catalogues::version.eq(current.version + 1),
        index_catalogues::updated_at.eq(now),
    ))
    .get_result::<CatalogueRow>(conn)
    .optional()?
    .ok_or(ApiError::PreconditionFailed {
        current_version: current.version,
    })
}

/// Replaces a draft's whole content.
pub fn replace(
    conn: &mut DbConnection,
    context: &WriteContext,
    year: i64,
    expected: &ExpectedVersion,
    content: &CatalogueContent,
) -> ApiResult<StoredCatalogue> {
    let before = editable_draft(conn, year, expected)?;
    let issues = content.check();
    if !issues.is_empty() {
        return Err(refuse(issues));
    }
    let id = before.row.id;
    diesel::delete(index_grades::table.filter(index_grades::catalogue_id.eq(id))).execute(conn)?;
    diesel::delete(index_variables::table.filter(index_variables::catalogue_id.eq(id)))
        .execute(conn)?;
    let formula = &content.formula;
    diesel::update(index_catalogues::table.filter(index_catalogues::id.eq(id)))
        .set((
            index_catalogues::title.eq(&content.title),
            index_catalogues::illustrative.eq(content.illustrative),
            index_catalogues::government_weight.eq(formula.government_weight.0),
            index_catalogues::innovation_weight.eq(formula.innovation_weight.0),
            index_catalogues::minimum_innovations.eq(formula.minimum_innovations),
            index_catalogues::not_assessable_label.eq(&content.not_assessable_label),
        ))
        .execute(conn)?;
    insert_parts(conn, id, content)?;
    let row = bump(conn, &before.row, false)?;
    let after = load(conn, row)?;
    super::audit::record(
        conn,
        context,
        "index_catalogue.update",
        RESOURCE,
        Some(id),
        Some(&before),
        Some(&after),
    )?;
    Ok(after)
}

/// Publishes a draft that keeps every rule (422 listing each one it breaks).
pub fn publish(
    conn: &mut DbConnection,
    context: &WriteContext,
    year: i64,
    expected: &ExpectedVersion,
) -> ApiResult<StoredCatalogue> {
    let before = editable_draft(conn, year, expected)?;
    let issues = before.content().check_publishable();
    if !issues.is_empty() {
        return Err(refuse(issues));
    }
    let row = bump(conn, &before.row, true)?;
    let after = load(conn, row)?;
    super::audit::record(
        conn,
        context,
        "index_catalogue.publish",
        RESOURCE,
        Some(after.row.id),
        Some(&before.row),
        Some(&after.row),
    )?;
    Ok(after)
}

/// Deletes a draft (a mistaken one); a published catalogue is a 409.
pub fn delete(
    conn: &mut DbConnection,
    context: &WriteContext,
    year: i64,
    expected: &ExpectedVersion,
) -> ApiResult<()> {
    let before = editable_draft(conn, year, expected)?;
    diesel::delete(index_catalogues::table.filter(index_catalogues::id.eq(before.row.id)))
        .execute(conn)?;
    super::audit::record(
        conn,
        context,
        "index_catalogue.delete",
        RESOURCE,
        Some(before.row.id),
        Some(&before),
        None::<&()>,
    )?;
    Ok(())
}

/// A new draft for `to_year` with the content of the catalogue of `from_year` (a new
/// year's catalogue usually starts as last year's).
pub fn copy(
    conn: &mut DbConnection,
    context: &WriteContext,
    from_year: i64,
    to_year: i64,
) -> ApiResult<StoredCatalogue> {
    let source = find(conn, from_year)?;
    create(conn, context, to_year, &source.content(), Some(from_year))
}

/// Replaces a draft's variables (indicators and options), keeping its formula: what an
/// indicator table brings. With `dry_run`, checks everything and changes nothing.
pub fn replace_variables(
    conn: &mut DbConnection,
    context: &WriteContext,
    year: i64,
    expected: &ExpectedVersion,
    variables: Vec<Variable>,
    dry_run: bool,
) -> ApiResult<StoredCatalogue> {
    let current = editable_draft(conn, year, expected)?;
    let mut content = current.content();
    content.variables = variables;
    if dry_run {
        let issues = content.check();
        if !issues.is_empty() {
            return Err(refuse(issues));
        }
        return Ok(current);
    }
    replace(conn, context, year, expected, &content)
}
