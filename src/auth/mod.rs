//! Credentials: access tokens (JWT), password and secret hashing, random secrets.

pub mod passwords;
pub mod secrets;
pub mod tokens;

pub use passwords::PasswordHasher;
pub use tokens::{Subject, TokenKeys, Verified};
