//! One streaming upload: written to a staging object part by part while it is counted and
//! hashed, then moved under its hash (or dropped, when that content is stored already).

use std::sync::Arc;

use bytes::Bytes;
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, WriteMultipart};
use sha2::{Digest, Sha256};

use super::{STAGING, Storage, StorageError, hex};

/// How many leading bytes an upload keeps to judge its type by (`domain::evidence`).
pub const HEAD_BYTES: usize = 64 * 1024;

/// A blob in the store: its name (the hash of its content) and size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredBlob {
    pub sha256: String,
    pub size: u64,
}

/// An upload in progress. End it with [`Upload::finish`] or [`Upload::abort`]; one that is
/// dropped leaves its staging object for `gc`.
pub struct Upload {
    store: Arc<dyn ObjectStore>,
    staging: Path,
    writer: WriteMultipart,
    hasher: Sha256,
    size: u64,
    limit: u64,
    head: Vec<u8>,
}

impl Upload {
    pub(super) async fn start(
        store: Arc<dyn ObjectStore>,
        part_size: usize,
        limit: u64,
    ) -> Result<Self, StorageError> {
        let staging = Path::from_iter([STAGING, &uuid::Uuid::new_v4().to_string()]);
        let upload = store.put_multipart(&staging).await?;
        Ok(Self {
            store,
            staging,
            writer: WriteMultipart::new_with_chunk_size(upload, part_size),
            hasher: Sha256::new(),
            size: 0,
            limit,
            head: Vec::new(),
        })
    }

    /// Appends `chunk`. Past the limit nothing more is written and the caller aborts.
    pub async fn write(&mut self, chunk: Bytes) -> Result<(), StorageError> {
        self.size += chunk.len() as u64;
        if self.size > self.limit {
            return Err(StorageError::TooLarge { limit: self.limit });
        }
        if self.head.len() < HEAD_BYTES {
            let take = chunk.len().min(HEAD_BYTES - self.head.len());
            self.head.extend_from_slice(&chunk[..take]);
        }
        self.hasher.update(&chunk);
        // One part in flight at most: the next one fills while it is written, and the
        // upload never holds more than two parts.
        self.writer.wait_for_capacity(1).await?;
        self.writer.put(chunk);
        Ok(())
    }

    /// The bytes written so far.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The first [`HEAD_BYTES`] bytes: what the file's type is judged by.
    pub fn head(&self) -> &[u8] {
        &self.head
    }

    /// The SHA-256 of what was written so far (hex).
    pub fn sha256(&self) -> String {
        hex(&self.hasher.clone().finalize())
    }

    /// Completes the upload and files it under its hash: stored once, however often the
    /// same content comes.
    pub async fn finish(self) -> Result<StoredBlob, StorageError> {
        let sha256 = self.sha256();
        let Self {
            store,
            staging,
            writer,
            size,
            ..
        } = self;
        writer.finish().await?;
        // Moved over an existing copy of the same content too: the blob is then as fresh
        // as this upload, so `gc`'s grace period protects it until its row is written.
        store.rename(&staging, &Storage::blob_path(&sha256)).await?;
        Ok(StoredBlob { sha256, size })
    }

    /// Completes the upload and hands its content back whole, keeping nothing in the
    /// store: for photos, whose metadata must be removed before any copy is kept (the
    /// content is at most the upload limit).
    pub async fn finish_in_memory(self) -> Result<Bytes, StorageError> {
        let Self {
            store,
            staging,
            writer,
            ..
        } = self;
        writer.finish().await?;
        let content = store.get(&staging).await?.bytes().await;
        store.delete(&staging).await?;
        Ok(content?)
    }

    /// Drops what was written; nothing is kept.
    pub async fn abort(self) {
        if let Err(error) = self.writer.abort().await {
            log::warn!("could not abort an upload to {}: {error}", self.staging);
        }
    }
}
