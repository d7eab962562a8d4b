//! Evidence documents: their rows, written after their blob is in the object store, each
//! write with its audit event in one transaction. The blobs themselves are
//! [`crate::storage`]'s; this module only names them.

use diesel::prelude::*;

use super::audited_update;
use crate::db::schema::documents;
use crate::db::{DbConnection, MultiBackend, WriteContext};
use crate::domain::evidence::{CitedDocument, DocumentKind};
use crate::domain::paging::{ById, ListControls};
use crate::domain::version::ExpectedVersion;
use crate::error::{ApiError, ApiResult};

const RESOURCE: &str = "document";
record!(DocumentRow, RESOURCE);

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = documents, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct DocumentRow {
    pub id: i64,
    pub innovation_id: i64,
    pub stage_transition_id: Option<i64>,
    pub commitment_id: Option<i64>,
    pub kind: String,
    pub title: String,
    pub description: Option<String>,
    pub public: bool,
    pub url: Option<String>,
    pub file_name: Option<String>,
    pub media_type: Option<String>,
    pub byte_size: Option<i64>,
    pub sha256: Option<String>,
    pub thumbnail_sha256: Option<String>,
    pub archived_at: Option<chrono::NaiveDateTime>,
    pub purged_at: Option<chrono::NaiveDateTime>,
    pub version: i64,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

/// What a document is attached to: an innovation itself, one of its stage moves, or the
/// realization of a commitment of an agreement (on one of the agency's innovations).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    Innovation(i64),
    StageTransition {
        innovation_id: i64,
        id: i64,
    },
    Realization {
        agreement_id: i64,
        commitment_id: i64,
    },
}

impl Owner {
    /// The innovation column this owner fixes (none for a realization: its commitment
    /// says), the stage move and the commitment.
    fn columns(self) -> (Option<i64>, Option<i64>, Option<i64>) {
        match self {
            Self::Innovation(id) => (Some(id), None, None),
            Self::StageTransition { innovation_id, id } => (Some(innovation_id), Some(id), None),
            Self::Realization { commitment_id, .. } => (None, None, Some(commitment_id)),
        }
    }
}

/// A stored file as a document names it.
#[derive(Debug, Clone, Default)]
pub struct StoredFile {
    /// The client's name for it (metadata only).
    pub name: Option<String>,
    /// Sniffed from its content.
    pub media_type: String,
    pub size: i64,
    pub sha256: String,
    /// A photo's thumbnail.
    pub thumbnail: Option<String>,
}

/// A new document: what it is, and its stored file or (a video) its link.
#[derive(Debug, Clone)]
pub struct NewDocument {
    pub owner: Owner,
    /// The innovation it is evidence for (a realization's: its commitment's).
    pub innovation_id: i64,
    pub kind: String,
    pub title: String,
    pub description: Option<String>,
    pub public: bool,
    pub url: Option<String>,
    pub file: Option<StoredFile>,
}

/// The metadata a `PATCH` may change.
#[derive(Debug, Clone, PartialEq, Eq, AsChangeset)]
#[diesel(table_name = documents, treat_none_as_null = true)]
pub struct DocumentChanges {
    pub title: String,
    pub description: Option<String>,
    pub public: bool,
}

/// What a document list is filtered by, besides its owner.
#[derive(Debug, Clone, Default)]
pub struct DocumentFilters {
    pub kind: Option<Vec<String>>,
    pub public: Option<bool>,
    pub updated_since: Option<chrono::NaiveDateTime>,
}

/// Arbitrary but fixed key of the PostgreSQL advisory lock under which a write adds or
/// drops a reference to a blob (SQLite writers take turns anyway).
const BLOB_REFERENCES_LOCK: i64 = 0x0b10_b5ef;

/// Takes turns with every other write that adds or drops a reference to a blob, for the
/// rest of the transaction: an upload that checks its blob is still there and writes its
/// row, and a purge that deletes a blob no row holds, never interleave. Without it, an
/// upload of the very file being purged could write its row just after the purge found
/// the blob unreferenced, and keep a row whose file is gone.
pub fn lock_blob_references(conn: &mut DbConnection) -> ApiResult<()> {
    super::serialise_on(conn, BLOB_REFERENCES_LOCK)
}

impl NewDocument {
    /// The blobs the new row will reference.
    pub fn blobs(&self) -> impl Iterator<Item = &str> {
        self.file
            .iter()
            .flat_map(|file| std::iter::once(&file.sha256).chain(&file.thumbnail))
            .map(String::as_str)
    }
}

/// Inserts the row of a document whose blob is stored already, with its audit event.
pub fn create(
    conn: &mut DbConnection,
    context: &WriteContext,
    new: NewDocument,
) -> ApiResult<DocumentRow> {
    let now = super::now();
    let (_, stage_transition_id, commitment_id) = new.owner.columns();
    let innovation_id = new.innovation_id;
    let file = new.file.as_ref();
    let row = diesel::insert_into(documents::table)
        .values((
            documents::innovation_id.eq(innovation_id),
            documents::stage_transition_id.eq(stage_transition_id),
            documents::commitment_id.eq(commitment_id),
            documents::kind.eq(new.kind),
            documents::title.eq(new.title),
            documents::description.eq(new.description),
            documents::public.eq(new.public),
            documents::url.eq(new.url),
            documents::file_name.eq(file.and_then(|f| f.name.clone())),
            documents::media_type.eq(file.map(|f| f.media_type.clone())),
            documents::byte_size.eq(file.map(|f| f.size)),
            documents::sha256.eq(file.map(|f| f.sha256.clone())),
            documents::thumbnail_sha256.eq(file.and_then(|f| f.thumbnail.clone())),
            documents::version.eq(1),
            documents::created_at.eq(now),
            documents::updated_at.eq(now),
        ))
        .get_result::<DocumentRow>(conn)?;
    super::audit::record(
        conn,
        context,
        "document.create",
        RESOURCE,
        Some(row.id),
        None::<&()>,
        Some(&row),
    )?;
    Ok(row)
}

type Boxed<'a> = documents::BoxedQuery<'a, MultiBackend>;

/// The documents of `owner` and of nothing else: an innovation's own documents are not
/// those of its stage moves.
fn owned_by<'a>(owner: Owner) -> Boxed<'a> {
    let (innovation_id, stage_transition_id, commitment_id) = owner.columns();
    let mut query = documents::table.into_boxed::<MultiBackend>();
    if let Some(innovation_id) = innovation_id {
        query = query.filter(documents::innovation_id.eq(innovation_id));
    }
    let query = match stage_transition_id {
        Some(transition) => query.filter(documents::stage_transition_id.eq(transition)),
        None => query.filter(documents::stage_transition_id.is_null()),
    };
    match commitment_id {
        Some(commitment) => query.filter(documents::commitment_id.eq(commitment)),
        None => query.filter(documents::commitment_id.is_null()),
    }
}

/// Document `id` of `owner`: 404 when it belongs to another owner.
pub fn find(conn: &mut DbConnection, owner: Owner, id: i64) -> ApiResult<DocumentRow> {
    owned_by(owner)
        .filter(documents::id.eq(id))
        .select(DocumentRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(ApiError::NotFound)
}

/// A page of `owner`'s documents, oldest first: archived ones only with `updated_since`
/// (for systems that sync), public ones only for `public_only`.
pub fn list(
    conn: &mut DbConnection,
    owner: Owner,
    filters: &DocumentFilters,
    public_only: bool,
    controls: &ListControls<ById>,
) -> ApiResult<(Vec<DocumentRow>, Option<i64>)> {
    let filtered = || {
        let mut query = owned_by(owner);
        if let Some(kinds) = &filters.kind {
            query = query.filter(documents::kind.eq_any(kinds.clone()));
        }
        if let Some(public) = filters.public {
            query = query.filter(documents::public.eq(public));
        }
        if public_only {
            query = query.filter(documents::public.eq(true));
        }
        match filters.updated_since {
            Some(since) => query.filter(documents::updated_at.ge(since)),
            None => query.filter(documents::archived_at.is_null()),
        }
    };
    let total = if controls.wants_total() {
        Some(filtered().count().get_result::<i64>(conn)?)
    } else {
        None
    };
    let after = controls.cursor_after().map_or(0, |position| position.id);
    let rows = filtered()
        .filter(documents::id.gt(after))
        .order(documents::id.asc())
        .limit(controls.per_page + 1)
        .offset(controls.offset())
        .select(DocumentRow::as_select())
        .load(conn)?;
    Ok((rows, total))
}

/// One audited versioned change of document `id` of `owner`: `revise` says what its
/// metadata becomes (or `None`: nothing changes). Archived and purged documents keep
/// their metadata as it was.
pub fn update(
    conn: &mut DbConnection,
    context: &WriteContext,
    owner: Owner,
    id: i64,
    expected: &ExpectedVersion,
    mut revise: impl FnMut(&DocumentRow) -> ApiResult<Option<DocumentChanges>>,
) -> ApiResult<DocumentRow> {
    audited_update(
        conn,
        context,
        expected,
        |conn| find(conn, owner, id),
        |_, current| {
            if current.archived_at.is_some() {
                return Err(ApiError::Conflict {
                    slug: "document-archived",
                    detail: "the document is archived; its metadata no longer changes".into(),
                    errors: Vec::new(),
                });
            }
            revise(current)
        },
        |conn, current, changes| {
            Ok(diesel::update(
                documents::table
                    .filter(documents::id.eq(current.id))
                    .filter(documents::version.eq(current.version)),
            )
            .set((
                changes,
                documents::version.eq(current.version + 1),
                documents::updated_at.eq(super::now()),
            ))
            .get_result::<DocumentRow>(conn)
            .optional()?)
        },
        |_, _| "document.update",
    )
}

/// How a document leaves the lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retirement {
    /// `DELETE`: it stays readable, lists omit it; archiving twice changes nothing.
    Archive,
    /// An administrator's purge: archived, and its file forgotten for good.
    Purge,
}

/// Archives or purges document `id` of `owner`. Answers the row and, for a purge, the
/// blobs no other document holds, which the caller deletes from the store once this
/// commits (the row keeps its metadata and history; its blob names are cleared).
pub fn retire(
    conn: &mut DbConnection,
    context: &WriteContext,
    owner: Owner,
    id: i64,
    expected: &ExpectedVersion,
    how: Retirement,
) -> ApiResult<(DocumentRow, Vec<String>)> {
    let before = find(conn, owner, id)?;
    let purge = how == Retirement::Purge;
    let row = audited_update(
        conn,
        context,
        expected,
        |conn| find(conn, owner, id),
        |_, current| {
            let done = if purge {
                current.purged_at.is_some()
            } else {
                current.archived_at.is_some()
            };
            Ok((!done).then_some(()))
        },
        |conn, current, ()| {
            let now = super::now();
            let keep = |blob: &Option<String>| blob.clone().filter(|_| !purge);
            Ok(diesel::update(
                documents::table
                    .filter(documents::id.eq(current.id))
                    .filter(documents::version.eq(current.version)),
            )
            .set((
                documents::sha256.eq(keep(&current.sha256)),
                documents::thumbnail_sha256.eq(keep(&current.thumbnail_sha256)),
                documents::purged_at.eq(if purge { Some(now) } else { current.purged_at }),
                documents::archived_at.eq(current.archived_at.unwrap_or(now)),
                documents::version.eq(current.version + 1),
                documents::updated_at.eq(now),
            ))
            .get_result::<DocumentRow>(conn)
            .optional()?)
        },
        |_, _| {
            if purge {
                "document.purge"
            } else {
                "document.archive"
            }
        },
    )?;
    let mut unreferenced = Vec::new();
    if purge {
        for blob in [before.sha256, before.thumbnail_sha256]
            .into_iter()
            .flatten()
        {
            if !is_referenced(conn, &blob)? {
                unreferenced.push(blob);
            }
        }
    }
    Ok((row, unreferenced))
}

/// Whether any document still names blob `sha256`, as its file or its thumbnail.
pub fn is_referenced(conn: &mut DbConnection, sha256: &str) -> ApiResult<bool> {
    Ok(diesel::select(diesel::dsl::exists(
        documents::table.filter(
            documents::sha256
                .eq(sha256)
                .or(documents::thumbnail_sha256.eq(sha256)),
        ),
    ))
    .get_result(conn)?)
}

/// Every blob a document names, each once, in order: what `storage verify` re-reads and
/// `storage gc` keeps.
pub fn referenced_blobs(conn: &mut DbConnection) -> ApiResult<Vec<String>> {
    let mut blobs: Vec<String> = documents::table
        .filter(documents::sha256.is_not_null())
        .select(documents::sha256.assume_not_null())
        .distinct()
        .load(conn)?;
    blobs.extend(
        documents::table
            .filter(documents::thumbnail_sha256.is_not_null())
            .select(documents::thumbnail_sha256.assume_not_null())
            .distinct()
            .load::<String>(conn)?,
    );
    blobs.sort_unstable();
    blobs.dedup();
    Ok(blobs)
}

/// The documents that name blob `sha256` (for `storage verify`'s report).
pub fn holders(conn: &mut DbConnection, sha256: &str) -> ApiResult<Vec<i64>> {
    Ok(documents::table
        .filter(
            documents::sha256
                .eq(sha256)
                .or(documents::thumbnail_sha256.eq(sha256)),
        )
        .select(documents::id)
        .order(documents::id.asc())
        .load(conn)?)
}

/// 404 unless stage move `id` is one of innovation `innovation_id`'s.
pub fn stage_transition_of(conn: &mut DbConnection, innovation_id: i64, id: i64) -> ApiResult<()> {
    use crate::db::schema::stage_transitions;
    let found = diesel::select(diesel::dsl::exists(
        stage_transitions::table
            .filter(stage_transitions::id.eq(id))
            .filter(stage_transitions::innovation_id.eq(innovation_id)),
    ))
    .get_result::<bool>(conn)?;
    if found {
        Ok(())
    } else {
        Err(ApiError::NotFound)
    }
}

/// The documents `ids` as the citation rules read them (`None`: no such document).
pub fn cited(conn: &mut DbConnection, ids: &[i64]) -> ApiResult<Vec<Option<CitedDocument>>> {
    let found: Vec<(i64, String, i64, Option<chrono::NaiveDateTime>)> = documents::table
        .filter(documents::id.eq_any(ids))
        .select((
            documents::id,
            documents::kind,
            documents::innovation_id,
            documents::archived_at,
        ))
        .load(conn)?;
    Ok(ids
        .iter()
        .map(|id| {
            let (_, kind, innovation_id, archived_at) = found.iter().find(|row| row.0 == *id)?;
            Some(CitedDocument {
                kind: DocumentKind::parse(kind)?,
                innovation_id: *innovation_id,
                archived: archived_at.is_some(),
            })
        })
        .collect())
}
