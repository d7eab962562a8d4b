//! Argon2id hashing of passwords and client secrets, run on the blocking pool because a
//! hash takes tens of milliseconds of CPU by design.

use std::sync::Arc;

use argon2::password_hash::{PasswordHash, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use tokio::sync::Semaphore;

use crate::error::{ApiError, ApiResult};

/// Argon2id with configured cost; cheap to clone.
#[derive(Clone)]
pub struct PasswordHasher {
    params: Params,
    /// A hash of nothing in particular, verified against when an account does not exist,
    /// so that "no such user" takes as long as "wrong password".
    decoy: String,
    /// Hashes running at once, at most one per core: each takes its memory cost (19 MiB
    /// by default) and a blocking thread the database work also needs, so a burst of
    /// sign-ins queues here instead of exhausting memory or starving other requests.
    running: Arc<Semaphore>,
}

impl PasswordHasher {
    /// `memory_kib`, `iterations` and `parallelism` as in RFC 9106; at most
    /// `concurrent_hashes` hashes run at once (one per core: the work is only CPU, and each
    /// holds `memory_kib`).
    pub fn new(
        memory_kib: u32,
        iterations: u32,
        parallelism: u32,
        concurrent_hashes: usize,
    ) -> Result<Self, String> {
        let params = Params::new(memory_kib, iterations, parallelism, None)
            .map_err(|e| format!("invalid Argon2 parameters: {e}"))?;
        let mut hasher = Self {
            params,
            decoy: String::new(),
            running: Arc::new(Semaphore::new(concurrent_hashes.max(1))),
        };
        hasher.decoy = hasher
            .hash_now("decoy password for absent accounts")
            .map_err(|e| e.to_string())?;
        Ok(hasher)
    }

    fn argon2(&self) -> Argon2<'static> {
        Argon2::new(Algorithm::Argon2id, Version::V0x13, self.params.clone())
    }

    fn hash_now(&self, password: &str) -> ApiResult<String> {
        let salt = SaltString::encode_b64(crate::auth::secrets::random_token(16).as_bytes())
            .map_err(ApiError::internal)?;
        argon2::PasswordHasher::hash_password(&self.argon2(), password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(ApiError::internal)
    }

    fn verify_now(&self, password: &str, hash: &str) -> bool {
        PasswordHash::new(hash).is_ok_and(|parsed| {
            // Verification uses the parameters stored in the hash, so raising the cost
            // later does not lock anyone out.
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
    }

    /// Hashes `password` on the blocking pool.
    pub async fn hash(&self, password: String) -> ApiResult<String> {
        let _turn = self.running.acquire().await.map_err(ApiError::internal)?;
        let hasher = self.clone();
        actix_web::web::block(move || hasher.hash_now(&password))
            .await
            .map_err(ApiError::internal)?
    }

    /// Checks `password` against `hash` (or against the decoy when there is no account) on
    /// the blocking pool.
    pub async fn verify(&self, password: String, hash: Option<String>) -> ApiResult<bool> {
        let _turn = self.running.acquire().await.map_err(ApiError::internal)?;
        let hasher = self.clone();
        actix_web::web::block(move || match hash {
            Some(hash) => hasher.verify_now(&password, &hash),
            None => {
                hasher.verify_now(&password, &hasher.decoy);
                false
            }
        })
        .await
        .map_err(ApiError::internal)
    }

    /// Hashes in the calling thread (for the command line).
    pub fn hash_blocking(&self, password: &str) -> ApiResult<String> {
        self.hash_now(password)
    }
}
