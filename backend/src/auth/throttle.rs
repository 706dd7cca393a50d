//! Login throttling: after `max_failures` failed logins for one username (or from one client
//! address) within `window`, further attempts are refused with 429 until the window passes.
//! Kept in memory: with several API servers each throttles on its own, which still bounds guessing.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct LoginThrottle {
    max_failures: u32,
    window: Duration,
    failures: Mutex<HashMap<String, (u32, Instant)>>,
}

impl LoginThrottle {
    pub fn new(max_failures: u32, window: Duration) -> Self {
        Self { max_failures, window, failures: Mutex::new(HashMap::new()) }
    }

    fn keys(username: &str, client: Option<IpAddr>) -> Vec<String> {
        let mut keys = vec![format!("user:{}", username.to_lowercase())];
        if let Some(ip) = client {
            keys.push(format!("ip:{ip}"));
        }
        keys
    }

    /// Seconds until another attempt is allowed, or None if allowed now.
    pub fn retry_after(&self, username: &str, client: Option<IpAddr>) -> Option<u64> {
        let now = Instant::now();
        let mut failures = self.failures.lock().expect("throttle lock");
        failures.retain(|_, (_, since)| now.duration_since(*since) < self.window);
        // an address gets more room than a username: a whole office may share one
        Self::keys(username, client).iter().enumerate().find_map(|(i, key)| {
            let limit = if i == 0 { self.max_failures } else { self.max_failures * 4 };
            let (count, since) = failures.get(key)?;
            (*count >= limit).then(|| (self.window - now.duration_since(*since)).as_secs().max(1))
        })
    }

    pub fn record_failure(&self, username: &str, client: Option<IpAddr>) {
        let now = Instant::now();
        let mut failures = self.failures.lock().expect("throttle lock");
        for key in Self::keys(username, client) {
            failures.entry(key).and_modify(|(count, _)| *count += 1).or_insert((1, now));
        }
    }

    pub fn record_success(&self, username: &str) {
        self.failures.lock().expect("throttle lock").remove(&format!("user:{}", username.to_lowercase()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_after_the_limit_and_only_that_user() {
        let throttle = LoginThrottle::new(3, Duration::from_secs(60));
        for _ in 0..3 {
            assert!(throttle.retry_after("Alice", None).is_none());
            throttle.record_failure("alice", None);
        }
        assert!(throttle.retry_after("ALICE", None).is_some());
        assert!(throttle.retry_after("bob", None).is_none());
    }

    #[test]
    fn success_clears_the_count() {
        let throttle = LoginThrottle::new(2, Duration::from_secs(60));
        throttle.record_failure("alice", None);
        throttle.record_success("alice");
        throttle.record_failure("alice", None);
        assert!(throttle.retry_after("alice", None).is_none());
    }
}
