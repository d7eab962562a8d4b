//! Random secrets and their hashes.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

/// `bytes` random bytes from the operating system, base64url-encoded.
pub fn random_token(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    // The OS random source failing is not something a request can cause or recover from.
    getrandom::fill(&mut buffer).expect("the operating system's random source works");
    URL_SAFE_NO_PAD.encode(buffer)
}

/// Hex SHA-256, for looking up high-entropy tokens (refresh tokens) by their hash: they
/// need no slow hash, since they cannot be guessed.
pub fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Whether two secrets are equal, in time that depends on neither: their SHA-256 digests
/// (equal length whatever the inputs) are compared byte by byte without stopping early.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    let (a, b) = (Sha256::digest(a), Sha256::digest(b));
    a.iter()
        .zip(b.iter())
        .fold(0u8, |diff, (x, y)| diff | (x ^ y))
        == 0
}
