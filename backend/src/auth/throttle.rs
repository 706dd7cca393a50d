//! Login throttling: after `max_failures` failed logins for one username (or four times as many
//! from one client address, which a whole office may share) within `window`, further attempts are
//! refused with 429 until the window passes. Counted in the database (`ratelimit`), so every
//! server behind a load balancer refuses the same guesses.

use std::net::IpAddr;
use std::time::Duration;

use crate::ratelimit::RateStore;

pub struct LoginThrottle {
    max_failures: u32,
    window: Duration,
}

impl LoginThrottle {
    pub fn new(max_failures: u32, window: Duration) -> Self {
        Self { max_failures, window }
    }

    fn user_key(username: &str) -> String {
        format!("login:user:{}", username.to_lowercase())
    }

    /// The keys an attempt counts under, each with its limit.
    fn keys(&self, username: &str, client: Option<IpAddr>) -> Vec<(String, i64)> {
        let mut keys = vec![(Self::user_key(username), i64::from(self.max_failures))];
        if let Some(ip) = client {
            keys.push((format!("login:ip:{ip}"), i64::from(self.max_failures) * 4));
        }
        keys
    }

    /// Seconds until another attempt is allowed, or None if allowed now.
    pub async fn retry_after<S: RateStore + ?Sized>(
        &self,
        store: &S,
        username: &str,
        client: Option<IpAddr>,
    ) -> sqlx::Result<Option<u64>> {
        for (key, limit) in self.keys(username, client) {
            if let Some(window) = store.attempts(&key, self.window).await?
                && window.attempts >= limit
            {
                return Ok(Some(window.seconds_left(self.window, chrono::Utc::now())));
            }
        }
        Ok(None)
    }

    pub async fn record_failure<S: RateStore + ?Sized>(
        &self,
        store: &S,
        username: &str,
        client: Option<IpAddr>,
    ) -> sqlx::Result<()> {
        for (key, _) in self.keys(username, client) {
            store.hit(&key, self.window).await?;
        }
        Ok(())
    }

    pub async fn record_success<S: RateStore + ?Sized>(&self, store: &S, username: &str) -> sqlx::Result<()> {
        store.clear(&Self::user_key(username)).await
    }
}
