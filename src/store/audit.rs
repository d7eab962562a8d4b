//! The audit trail: one event per write, appended in the write's own transaction, so a
//! change and its event are committed or rolled back together. Nothing updates or deletes
//! events.

use diesel::prelude::*;
use serde::Serialize;

use super::cursor::cursor_key;
use super::listing::{Listing, key};
use crate::db::schema::audit_events;
use crate::db::{DbConnection, MultiBackend, WriteContext};
use crate::domain::paging::{CursorPosition, ListControls, Sort, SortField};
use crate::error::ApiResult;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = audit_events, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct AuditEventRow {
    pub id: i64,
    pub occurred_at: chrono::NaiveDateTime,
    pub actor_type: String,
    pub actor_id: Option<i64>,
    pub actor_name: String,
    pub action: String,
    pub resource_type: String,
    pub resource_id: Option<i64>,
    pub request_id: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

#[derive(Insertable)]
#[diesel(table_name = audit_events)]
struct NewAuditEvent {
    occurred_at: chrono::NaiveDateTime,
    actor_type: String,
    actor_id: Option<i64>,
    actor_name: String,
    action: String,
    resource_type: String,
    resource_id: Option<i64>,
    request_id: String,
    before: Option<String>,
    after: Option<String>,
}

/// Appends the event of one write. `before`/`after` are the record as it was and is; they
/// must be serialisations that leave secrets out (the row types skip their hashes).
pub fn record<B: Serialize, A: Serialize>(
    conn: &mut DbConnection,
    context: &WriteContext,
    action: &str,
    resource_type: &str,
    resource_id: Option<i64>,
    before: Option<&B>,
    after: Option<&A>,
) -> ApiResult<()> {
    let (actor_type, actor_id, actor_name) = context.caller.audit_identity();
    diesel::insert_into(audit_events::table)
        .values(NewAuditEvent {
            occurred_at: super::now(),
            actor_type: actor_type.to_owned(),
            actor_id,
            actor_name,
            action: action.to_owned(),
            resource_type: resource_type.to_owned(),
            resource_id,
            request_id: context.request_id.clone(),
            before: before.map(to_json),
            after: after.map(to_json),
        })
        .execute(conn)?;
    Ok(())
}

fn to_json<T: Serialize>(value: &T) -> String {
    // Rows serialise to JSON infallibly (strings, numbers, booleans, timestamps).
    serde_json::to_string(value).unwrap_or_else(|_| "null".into())
}

/// What the audit list can be filtered by.
#[derive(Debug, Clone, Default)]
pub struct AuditFilters {
    pub resource_type: Option<String>,
    pub resource_id: Option<i64>,
    pub actor: Option<String>,
    pub from: Option<chrono::NaiveDateTime>,
    pub to: Option<chrono::NaiveDateTime>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditSort {
    OccurredAt,
}

impl SortField for AuditSort {
    const ALL: &'static [Self] = &[Self::OccurredAt];

    fn name(self) -> &'static str {
        "occurred_at"
    }
}

/// Newest first.
pub const DEFAULT_SORT: Sort<AuditSort> = Sort {
    field: AuditSort::OccurredAt,
    descending: true,
};

fn filtered<'a>(filters: &AuditFilters) -> audit_events::BoxedQuery<'a, MultiBackend> {
    let mut query = audit_events::table.into_boxed();
    if let Some(resource_type) = &filters.resource_type {
        query = query.filter(audit_events::resource_type.eq(resource_type.clone()));
    }
    if let Some(resource_id) = filters.resource_id {
        query = query.filter(audit_events::resource_id.eq(resource_id));
    }
    if let Some(actor) = &filters.actor {
        query = query.filter(audit_events::actor_name.eq(actor.clone()));
    }
    if let Some(from) = filters.from {
        query = query.filter(audit_events::occurred_at.ge(from));
    }
    if let Some(to) = filters.to {
        query = query.filter(audit_events::occurred_at.lt(to));
    }
    query
}

/// The audit trail, newest first.
pub struct AuditList;

impl Listing for AuditList {
    type Filters = AuditFilters;
    type Sort = AuditSort;
    type Row = AuditEventRow;

    fn count(
        conn: &mut DbConnection,
        filters: &AuditFilters,
        _: &ListControls<AuditSort>,
    ) -> ApiResult<i64> {
        Ok(filtered(filters).count().get_result(conn)?)
    }

    fn page(
        conn: &mut DbConnection,
        filters: &AuditFilters,
        controls: &ListControls<AuditSort>,
        after: Option<&CursorPosition>,
        limit: i64,
        offset: i64,
    ) -> ApiResult<Vec<AuditEventRow>> {
        let query = keyset!(
            filtered(filters),
            audit_events::occurred_at,
            audit_events::id,
            controls.sort.descending,
            cursor_key::<chrono::NaiveDateTime>(after)?
        );
        Ok(query
            .limit(limit)
            .offset(offset)
            .select(AuditEventRow::as_select())
            .load(conn)?)
    }

    fn position(row: &AuditEventRow, _: AuditSort) -> (serde_json::Value, i64) {
        (key(row.occurred_at), row.id)
    }
}

/// The events of one record, oldest first: a resource's own history.
pub fn history(
    conn: &mut DbConnection,
    resource_type: &str,
    resource_id: i64,
    controls: &ListControls<crate::domain::paging::ById>,
) -> ApiResult<(Vec<AuditEventRow>, Option<i64>)> {
    let filters = AuditFilters {
        resource_type: Some(resource_type.to_owned()),
        resource_id: Some(resource_id),
        ..AuditFilters::default()
    };
    let total = if controls.wants_total() {
        Some(filtered(&filters).count().get_result::<i64>(conn)?)
    } else {
        None
    };
    let after = controls.cursor_after().map_or(0, |position| position.id);
    let rows = filtered(&filters)
        .filter(audit_events::id.gt(after))
        .order(audit_events::id.asc())
        .limit(controls.per_page + 1)
        .offset(controls.offset())
        .select(AuditEventRow::as_select())
        .load(conn)?;
    Ok((rows, total))
}
