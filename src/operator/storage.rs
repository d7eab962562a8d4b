//! `inovik storage verify` and `inovik storage gc`: the object store checked against the
//! database, which names every blob a document holds.

use std::collections::HashSet;

use crate::api::AppState;
use crate::storage::BlobHealth;
use crate::store::documents;

/// Re-reads and re-hashes every blob a document names. `Ok` with a summary when all are
/// intact; `Err` listing each missing or corrupt one (the command then exits 1).
pub async fn verify(state: &AppState) -> Result<String, String> {
    let blobs = state
        .db
        .read(documents::referenced_blobs)
        .await
        .map_err(|e| e.to_string())?;
    let mut faults = Vec::new();
    for sha256 in &blobs {
        let health =
            state.storage.check(sha256).await.map_err(|e| {
                format!("cannot read the store at {}: {e}", state.storage.location())
            })?;
        if health != BlobHealth::Intact {
            let holder = sha256.clone();
            let ids = state
                .db
                .read(move |conn| documents::holders(conn, &holder))
                .await
                .map_err(|e| e.to_string())?;
            let what = if health == BlobHealth::Missing {
                "missing"
            } else {
                "corrupt (its content no longer matches its SHA-256)"
            };
            faults.push(format!("  {sha256}: {what}; held by document(s) {ids:?}"));
        }
    }
    if faults.is_empty() {
        Ok(format!(
            "all {} stored files in {} are intact",
            blobs.len(),
            state.storage.location()
        ))
    } else {
        Err(format!(
            "{} of {} stored files in {} are missing or corrupt; restore them from a backup:\n{}",
            faults.len(),
            blobs.len(),
            state.storage.location(),
            faults.join("\n")
        ))
    }
}

/// Deletes what no document names and is older than `grace`: blobs left by uploads that
/// never committed, and staging objects of broken uploads. Younger objects may belong to
/// an upload in flight and stay.
pub async fn collect_garbage(state: &AppState, grace: chrono::Duration) -> Result<String, String> {
    let referenced: HashSet<String> = state
        .db
        .read(documents::referenced_blobs)
        .await
        .map_err(|e| e.to_string())?
        .into_iter()
        .collect();
    let objects = state
        .storage
        .objects()
        .await
        .map_err(|e| format!("cannot list the store at {}: {e}", state.storage.location()))?;
    let cutoff = chrono::Utc::now() - grace;
    let (mut deleted, mut freed, mut kept) = (0_u64, 0_u64, 0_u64);
    for object in objects {
        let orphan = match &object.sha256 {
            Some(sha256) if referenced.contains(sha256) => false,
            // Asked again just before deleting: a row written since the list was read.
            Some(sha256) => {
                let sha256 = sha256.clone();
                !state
                    .db
                    .read(move |conn| documents::is_referenced(conn, &sha256))
                    .await
                    .map_err(|e| e.to_string())?
            }
            None => true,
        };
        if !orphan {
            continue;
        }
        if object.last_modified > cutoff {
            kept += 1;
            continue;
        }
        state
            .storage
            .delete_object(&object.location)
            .await
            .map_err(|e| format!("cannot delete {}: {e}", object.location))?;
        deleted += 1;
        freed += object.size;
    }
    Ok(format!(
        "deleted {deleted} unreferenced object(s) ({freed} bytes) from {}; kept {kept} younger \
         than the grace period",
        state.storage.location()
    ))
}
