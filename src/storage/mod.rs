//! The object store that holds evidence files, through Apache Arrow's `object_store`
//! crate: a local folder (the embedded default) or an S3 bucket (MinIO, Garage, Ceph RGW
//! and the clouds all speak S3) for several replicas.
//!
//! Blobs are named by the SHA-256 of their content (`blobs/ab/abcdef...`), so the same
//! file twice is stored once, and a blob never changes after it is written. An upload is
//! streamed to a staging object while it is hashed, then moved under its hash: nothing is
//! held whole in memory, and a refused or broken upload leaves at most a staging object
//! that `gc` removes.

pub mod photos;
mod upload;

use std::ops::Range;
use std::sync::Arc;

use bytes::Bytes;
use futures_util::StreamExt;
use futures_util::stream::BoxStream;
use object_store::path::Path;
use object_store::{GetOptions, GetRange, GetResultPayload, ObjectStore, ObjectStoreExt};
use sha2::{Digest, Sha256};

pub use upload::{StoredBlob, Upload};

use crate::error::ApiError;

/// How long an S3 request is retried: a client waiting on an upload or a download
/// learns within seconds that the store is down (503), instead of after object_store's
/// default of ten retries over up to three minutes.
fn s3_retries() -> object_store::RetryConfig {
    object_store::RetryConfig {
        backoff: object_store::BackoffConfig::default(),
        max_retries: 3,
        retry_timeout: std::time::Duration::from_secs(10),
    }
}

/// Where blobs live under the store's root.
const BLOBS: &str = "blobs";
/// Where uploads are written while they stream in.
const STAGING: &str = "staging";

/// Why the store could not do what was asked.
#[derive(Debug)]
pub enum StorageError {
    /// No blob under this hash (deleted behind the service's back, or never written).
    Missing,
    /// The upload passed the size limit (bytes); nothing was kept.
    TooLarge { limit: u64 },
    /// The store cannot be reached or refused the operation.
    Unavailable(String),
}

impl std::fmt::Display for StorageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Missing => write!(f, "the blob is missing from the store"),
            Self::TooLarge { limit } => write!(f, "the upload is larger than {limit} bytes"),
            Self::Unavailable(detail) => write!(f, "the file store failed: {detail}"),
        }
    }
}

impl From<object_store::Error> for StorageError {
    fn from(error: object_store::Error) -> Self {
        match error {
            object_store::Error::NotFound { .. } => Self::Missing,
            other => Self::Unavailable(other.to_string()),
        }
    }
}

impl From<StorageError> for ApiError {
    fn from(error: StorageError) -> Self {
        match error {
            StorageError::TooLarge { limit } => ApiError::PayloadTooLarge {
                limit: usize::try_from(limit).unwrap_or(usize::MAX),
            },
            StorageError::Missing => {
                log::error!(
                    "a referenced blob is missing from the store (run `inovik storage verify`)"
                );
                ApiError::StorageUnavailable
            }
            StorageError::Unavailable(detail) => {
                log::error!("file store: {detail}");
                ApiError::StorageUnavailable
            }
        }
    }
}

/// A blob's content, or the asked part of it, ready to stream.
pub struct BlobRead {
    /// The blob's whole size in bytes.
    pub size: u64,
    /// The bytes this read returns (the whole blob without a range).
    pub range: Range<u64>,
    pub stream: BoxStream<'static, Result<Bytes, object_store::Error>>,
}

/// A blob found in the store by a listing.
#[derive(Debug, Clone)]
pub struct StoredObject {
    pub sha256: Option<String>,
    pub location: String,
    pub size: u64,
    pub last_modified: chrono::DateTime<chrono::Utc>,
}

/// What re-reading a blob found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlobHealth {
    Intact,
    Missing,
    /// Its content no longer hashes to its name.
    Corrupt,
}

/// The configured store; cheap to clone.
#[derive(Clone)]
pub struct Storage {
    store: Arc<dyn ObjectStore>,
    /// Where it is, for logs and the operator commands (no credentials: they come from the
    /// environment, never from the URL).
    location: String,
    /// How many bytes an upload gathers before writing a part: S3 needs 5 MiB parts;
    /// a local file takes smaller ones, which keeps a streaming upload's memory low.
    part_size: usize,
}

impl std::fmt::Debug for Storage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Storage({})", self.location)
    }
}

impl Storage {
    /// Opens the store at `url`: `s3://bucket/prefix` (endpoint, region and credentials
    /// from the standard `AWS_*` variables), `file:///path` or a plain folder path, which
    /// is created if it does not exist.
    pub fn open(url: &str) -> Result<Self, String> {
        if let Some(rest) = url.strip_prefix("s3://") {
            let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
            if bucket.is_empty() {
                return Err(format!("INOVIK_STORAGE_URL {url:?} names no bucket"));
            }
            let s3 = object_store::aws::AmazonS3Builder::from_env()
                .with_bucket_name(bucket)
                .with_retry(s3_retries())
                .build()
                .map_err(|e| format!("cannot use the S3 store {url:?}: {e}"))?;
            let prefix = prefix.trim_matches('/');
            let store: Arc<dyn ObjectStore> = if prefix.is_empty() {
                Arc::new(s3)
            } else {
                let prefix =
                    Path::parse(prefix).map_err(|e| format!("INOVIK_STORAGE_URL {url:?}: {e}"))?;
                Arc::new(object_store::prefix::PrefixStore::new(s3, prefix))
            };
            return Ok(Self {
                store,
                location: url.to_owned(),
                part_size: 5 * 1024 * 1024,
            });
        }
        if url.contains("://") && !url.starts_with("file://") {
            return Err(format!(
                "INOVIK_STORAGE_URL {url:?}: use a folder path, file:///path or s3://bucket/prefix"
            ));
        }
        let folder = url.strip_prefix("file://").unwrap_or(url);
        std::fs::create_dir_all(folder)
            .map_err(|e| format!("cannot create the file store folder {folder:?}: {e}"))?;
        let local = object_store::local::LocalFileSystem::new_with_prefix(folder)
            .map_err(|e| format!("cannot use the file store folder {folder:?}: {e}"))?
            .with_automatic_cleanup(true);
        Ok(Self {
            store: Arc::new(local),
            location: folder.to_owned(),
            part_size: 256 * 1024,
        })
    }

    /// Where the store is (no secrets).
    pub fn location(&self) -> &str {
        &self.location
    }

    fn blob_path(sha256: &str) -> Path {
        Path::from_iter([BLOBS, &sha256[..2.min(sha256.len())], sha256])
    }

    /// Starts an upload that refuses to grow past `limit` bytes.
    pub async fn upload(&self, limit: u64) -> Result<Upload, StorageError> {
        Upload::start(self.store.clone(), self.part_size, limit).await
    }

    /// Stores `bytes` (a photo without its metadata, a thumbnail) under its hash.
    pub async fn put(&self, bytes: Bytes) -> Result<StoredBlob, StorageError> {
        let sha256 = hex(&Sha256::digest(&bytes));
        let size = bytes.len() as u64;
        // Written even when the same content is there: the blob is then fresh, and `gc`'s
        // grace period protects it until its row is written.
        self.store
            .put(&Self::blob_path(&sha256), bytes.into())
            .await?;
        Ok(StoredBlob { sha256, size })
    }

    /// The blob named `sha256`, or the bytes `range` of it.
    pub async fn read(
        &self,
        sha256: &str,
        range: Option<Range<u64>>,
    ) -> Result<BlobRead, StorageError> {
        let options = GetOptions {
            range: range.map(GetRange::Bounded),
            ..GetOptions::default()
        };
        let found = self
            .store
            .get_opts(&Self::blob_path(sha256), options)
            .await?;
        let (size, range) = (found.meta.size, found.range.clone());
        let stream = match found.payload {
            GetResultPayload::File(file, _) => file_stream(file, range.clone()),
            GetResultPayload::Stream(stream) => stream,
        };
        Ok(BlobRead {
            size,
            range,
            stream,
        })
    }

    /// The whole blob in memory: only for files the service processes whole (photos,
    /// bounded by the upload limit).
    pub async fn read_all(&self, sha256: &str) -> Result<Bytes, StorageError> {
        Ok(self
            .store
            .get(&Self::blob_path(sha256))
            .await?
            .bytes()
            .await?)
    }

    /// Deletes the blob named `sha256`; one already gone is not an error.
    pub async fn delete(&self, sha256: &str) -> Result<(), StorageError> {
        match self.store.delete(&Self::blob_path(sha256)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(other) => Err(other.into()),
        }
    }

    /// Re-reads the blob named `sha256` and checks that it still hashes to its name.
    pub async fn check(&self, sha256: &str) -> Result<BlobHealth, StorageError> {
        let mut stream = match self.read(sha256, None).await {
            Ok(found) => found.stream,
            Err(StorageError::Missing) => return Ok(BlobHealth::Missing),
            Err(other) => return Err(other),
        };
        let mut hasher = Sha256::new();
        while let Some(chunk) = stream.next().await {
            hasher.update(&chunk.map_err(StorageError::from)?);
        }
        Ok(if hex(&hasher.finalize()) == sha256 {
            BlobHealth::Intact
        } else {
            BlobHealth::Corrupt
        })
    }

    /// Every object under `blobs/` and `staging/`: what `gc` weighs.
    pub async fn objects(&self) -> Result<Vec<StoredObject>, StorageError> {
        let mut found = Vec::new();
        for folder in [BLOBS, STAGING] {
            let mut listing = self.store.list(Some(&Path::from(folder)));
            while let Some(meta) = listing.next().await {
                let meta = meta?;
                let name = meta.location.filename().unwrap_or_default();
                let is_blob = folder == BLOBS && is_sha256(name);
                found.push(StoredObject {
                    sha256: is_blob.then(|| name.to_owned()),
                    location: meta.location.to_string(),
                    size: meta.size,
                    last_modified: meta.last_modified,
                });
            }
        }
        Ok(found)
    }

    /// Deletes the object at `location` (as [`Storage::objects`] names it).
    pub async fn delete_object(&self, location: &str) -> Result<(), StorageError> {
        let path = Path::parse(location).map_err(|e| StorageError::Unavailable(e.to_string()))?;
        match self.store.delete(&path).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(other) => Err(other.into()),
        }
    }

    /// Whether the blob named `sha256` is in the store.
    pub async fn exists(&self, sha256: &str) -> Result<bool, StorageError> {
        match self.store.head(&Self::blob_path(sha256)).await {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(other) => Err(other.into()),
        }
    }

    /// [`Storage::exists`] from a thread of the blocking pool, inside a database transaction.
    pub fn exists_blocking(&self, sha256: &str) -> Result<bool, StorageError> {
        tokio::runtime::Handle::current().block_on(self.exists(sha256))
    }

    /// [`Storage::delete`] from a thread of the blocking pool, inside a database transaction.
    pub fn delete_blocking(&self, sha256: &str) -> Result<(), StorageError> {
        tokio::runtime::Handle::current().block_on(self.delete(sha256))
    }
}

/// A local file's bytes `range`, read in large chunks on the blocking pool (the crate's own
/// stream reads 8 KiB at a time: a 5 MB download was 640 trips to the pool).
///
/// One buffer serves the whole stream: actix copies each chunk into its write buffer and
/// drops it, so the next `reserve` takes the same memory back instead of asking the
/// allocator (and the kernel) for fresh pages each time.
fn file_stream(
    file: std::fs::File,
    range: Range<u64>,
) -> BoxStream<'static, Result<Bytes, object_store::Error>> {
    const CHUNK: u64 = 256 * 1024;
    let file = Arc::new(file);
    let buffer = bytes::BytesMut::new();
    futures_util::stream::try_unfold((range, buffer), move |(range, mut buffer)| {
        let file = file.clone();
        async move {
            if range.start >= range.end {
                return Ok(None);
            }
            let length = usize::try_from(CHUNK.min(range.end - range.start)).unwrap_or(0);
            let at = range.start;
            let read = tokio::task::spawn_blocking(move || {
                use std::os::unix::fs::FileExt;
                buffer.reserve(length);
                buffer.resize(length, 0);
                file.read_exact_at(&mut buffer, at).map(|()| buffer)
            })
            .await;
            let mut buffer = match read {
                Ok(Ok(buffer)) => buffer,
                Ok(Err(error)) => return Err(local_error(error)),
                Err(error) => return Err(local_error(error)),
            };
            let chunk = buffer.split().freeze();
            Ok(Some((chunk, (at + length as u64..range.end, buffer))))
        }
    })
    .boxed()
}

fn local_error(error: impl std::error::Error + Send + Sync + 'static) -> object_store::Error {
    object_store::Error::Generic {
        store: "LocalFileSystem",
        source: Box::new(error),
    }
}

/// Whether `name` is a lower-case hex SHA-256, as blobs are named.
pub fn is_sha256(name: &str) -> bool {
    name.len() == 64 && name.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}
