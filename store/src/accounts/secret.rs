//! Passwords and API keys, hashed with argon2id (PHC strings with their own salt). A key is
//! `om_<id>_<secret>`: the id finds its row, the secret is checked against the hash; neither a
//! key nor a password is ever stored or logged in clear.

use argon2::password_hash::phc::PasswordHash;
use argon2::{Argon2, PasswordHasher, PasswordVerifier};

/// Why a secret could not be hashed.
#[derive(Debug, thiserror::Error)]
#[error("hashing failed: {0}")]
pub struct HashError(String);

/// The argon2id PHC string of `secret`, with a fresh salt.
pub fn hash(secret: &str) -> Result<String, HashError> {
    Argon2::default().hash_password(secret.as_bytes()).map(|h| h.to_string()).map_err(|e| HashError(e.to_string()))
}

/// Whether `secret` matches the PHC string `stored` (false for a damaged hash).
pub fn verify(secret: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|h| Argon2::default().verify_password(secret.as_bytes(), &h).is_ok())
}

/// A new API key: `(id, the whole key)`.
pub fn new_key() -> (String, String) {
    new_token("om")
}

/// A new session token (`os_<id>_<secret>`, the browser's cookie): `(id, the whole token)`.
pub fn new_session_token() -> (String, String) {
    new_token("os")
}

fn new_token(prefix: &str) -> (String, String) {
    let id = uuid::Uuid::new_v4().simple().to_string()[..12].to_owned();
    let secret = format!("{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple());
    let key = format!("{prefix}_{id}_{secret}");
    (id, key)
}

/// The id and secret of a key (`om_<id>_<secret>`).
pub fn split_key(key: &str) -> Option<(&str, &str)> {
    split(key, "om_")
}

/// The id and secret of a session token (`os_<id>_<secret>`).
pub fn split_session_token(token: &str) -> Option<(&str, &str)> {
    split(token, "os_")
}

fn split<'a>(token: &'a str, prefix: &str) -> Option<(&'a str, &'a str)> {
    let rest = token.strip_prefix(prefix)?;
    let (id, secret) = rest.split_once('_')?;
    (id.len() == 12 && !secret.is_empty()).then_some((id, secret))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_and_verify_only_the_secret() {
        let h = hash("correct horse").expect("hash");
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(!h.contains("correct horse"));
        assert!(verify("correct horse", &h));
        assert!(!verify("correct horse!", &h));
        assert!(!verify("correct horse", "not a hash"));
        assert_ne!(hash("correct horse").expect("hash"), h, "a fresh salt each time");
    }

    #[test]
    fn keys_split_into_id_and_secret() {
        let (id, key) = new_key();
        let (i, secret) = split_key(&key).expect("a key");
        assert_eq!(i, id);
        assert_eq!(secret.len(), 64);
        assert_eq!(split_key("om_short_x"), None);
        assert_eq!(split_key("bearer"), None);
    }
}
