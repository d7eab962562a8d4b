//! `inovik seed --demo`: the Kebumen story as data, so a frontend team has something real
//! to build against: the agencies, the 2016 cohort with LAN RI, and 182 innovations
//! (MUTTU 1000, Siperi, ELEGAN and others) at varied stages, with their moves recorded;
//! evidence, the year's index assessments, and this year's agreements monitored by quarter.
//! Idempotent: what exists is left as it is.

mod agencies;
mod agreements;
mod assessments;
mod documents;
mod index_catalogue;
mod innovations;

pub use index_catalogue::illustrative as illustrative_index_catalogue;

use crate::api::AppState;
use crate::db::WriteContext;
use crate::domain::caller::Caller;
use crate::error::ApiError;

/// Loads what is missing, in one transaction through the API's write path; returns a
/// report of a few lines.
pub async fn demo(state: &AppState) -> Result<String, ApiError> {
    let region_code = state.config.region_code.clone();
    let today = state.config.today();
    let context = WriteContext {
        caller: Caller::System,
        request_id: format!("seed-{}", uuid::Uuid::new_v4()),
        idempotency: None,
    };
    let index_year = i64::from(chrono::Datelike::year(&today));
    let ((agencies_created, agencies_present), (cohort_id, created, present), catalogue) = state
        .db
        .write(context.clone(), move |conn, context| {
            let agencies = agencies::seed(conn, context, &region_code)?;
            let innovations = innovations::seed(conn, context, &region_code, today)?;
            let catalogue = index_catalogue::seed(conn, context, index_year)?;
            Ok((agencies, innovations, catalogue))
        })
        .await?;
    let catalogue = if catalogue {
        "created"
    } else {
        "already present"
    };
    let (documents_created, documents_present) =
        documents::seed(state, &context, cohort_id).await?;
    // After the documents: the assessments cite them as evidence.
    let (assessments_created, assessments_present) = state
        .db
        .write(context.clone(), move |conn, context| {
            assessments::seed(conn, context, index_year)
        })
        .await?;
    // After the documents too: a quarter's realization may cite them.
    let (agreements_created, agreements_present) = state
        .db
        .write(context.clone(), move |conn, context| {
            agreements::seed(conn, context, today)
        })
        .await?;
    Ok(format!(
        "demo data: {agencies_created} agencies created, {agencies_present} already present\n\
         demo data: {created} innovations created, {present} already present\n\
         demo data: {documents_created} documents created, {documents_present} already present\n\
         demo data: the illustrative {index_year} index catalogue {catalogue}\n\
         demo data: {assessments_created} {index_year} index assessments created, \
         {assessments_present} already present\n\
         demo data: {agreements_created} {index_year} performance agreements monitored by \
         quarter created, {agreements_present} already present\n\
         demo cohort id: {cohort_id}"
    ))
}
