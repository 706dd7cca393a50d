//! Argon2id password hashes (PHC strings). Hashing is CPU-heavy, so it runs off the async workers.

use std::sync::LazyLock;

use argon2::{Argon2, PasswordHash, PasswordHasher, PasswordVerifier};

fn hash_now(password: &str) -> anyhow::Result<String> {
    let hash: PasswordHash =
        Argon2::default().hash_password(password.as_bytes()).map_err(|e| anyhow::anyhow!("hashing password: {e}"))?;
    Ok(hash.to_string())
}

pub async fn hash(password: String) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || hash_now(&password)).await?
}

/// A real hash of nothing anyone knows, verified against when the username is unknown.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| hash_now(&crate::auth::new_token()).expect("argon2 works"));

/// Verifies `password` against `stored`. With `stored = None` (unknown user) it still spends the
/// time of a verification, so response timing does not reveal which usernames exist.
pub async fn verify(password: String, stored: Option<String>) -> anyhow::Result<bool> {
    tokio::task::spawn_blocking(move || {
        let known = stored.is_some();
        let stored = stored.unwrap_or_else(|| DUMMY_HASH.clone());
        let parsed: PasswordHash = stored.parse().map_err(|e| anyhow::anyhow!("stored hash unreadable: {e}"))?;
        Ok(known && Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
    })
    .await?
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn hashes_verify_and_wrong_passwords_do_not() {
        let stored = super::hash("s3cret".into()).await.unwrap();
        assert!(stored.starts_with("$argon2id$"));
        assert!(super::verify("s3cret".into(), Some(stored.clone())).await.unwrap());
        assert!(!super::verify("wrong".into(), Some(stored)).await.unwrap());
        assert!(!super::verify("s3cret".into(), None).await.unwrap());
    }
}
