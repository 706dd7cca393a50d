//! Attempts counted per key in a fixed window that starts at the key's first attempt, kept in the
//! database so every server on it counts the same attempts (failed logins per username and
//! address, public objections per address). Windows long past are pruned as new attempts come.

use std::time::Duration;

use chrono::{DateTime, Utc};
use macro_rules_attribute::apply;

use crate::db::for_both_backends;

/// The attempts of a key's current window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub attempts: i64,
    pub started: DateTime<Utc>,
}

impl Window {
    /// Whole seconds until a window of `length` that started then ends (at least 1).
    pub fn seconds_left(&self, length: Duration, now: DateTime<Utc>) -> u64 {
        let ends = self.started + chrono::Duration::from_std(length).unwrap_or(chrono::Duration::MAX);
        (ends - now).num_seconds().max(1) as u64
    }
}

/// Counter rows older than this are pruned (longer than any window in use).
const KEEP: chrono::Duration = chrono::Duration::days(2);

#[async_trait::async_trait]
pub trait RateStore {
    /// Counts one attempt under `key`: the first of a new window when its last window is over.
    async fn hit(&self, key: &str, length: Duration) -> sqlx::Result<Window>;
    /// The key's current window, if one is running.
    async fn attempts(&self, key: &str, length: Duration) -> sqlx::Result<Option<Window>>;
    async fn clear(&self, key: &str) -> sqlx::Result<()>;
}

fn window_start_before(length: Duration) -> DateTime<Utc> {
    Utc::now() - chrono::Duration::from_std(length).unwrap_or(KEEP)
}

#[apply(for_both_backends!)]
impl RateStore for Backends {
    async fn hit(&self, key: &str, length: Duration) -> sqlx::Result<Window> {
        let now = Utc::now();
        let mut tx = self.begin().await?;
        let (attempts, started): (i64, DateTime<Utc>) = sqlx::query_as(
            "INSERT INTO rate_counters (key, attempts, window_start) VALUES ($1, 1, $2)
             ON CONFLICT (key) DO UPDATE SET
               attempts = CASE WHEN rate_counters.window_start <= $3 THEN 1 ELSE rate_counters.attempts + 1 END,
               window_start = CASE WHEN rate_counters.window_start <= $3 THEN $2 ELSE rate_counters.window_start END
             RETURNING attempts, window_start",
        )
        .bind(key)
        .bind(now)
        .bind(window_start_before(length))
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM rate_counters WHERE window_start < $1").bind(now - KEEP).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(Window { attempts, started })
    }

    async fn attempts(&self, key: &str, length: Duration) -> sqlx::Result<Option<Window>> {
        let row: Option<(i64, DateTime<Utc>)> =
            sqlx::query_as("SELECT attempts, window_start FROM rate_counters WHERE key = $1 AND window_start > $2")
                .bind(key)
                .bind(window_start_before(length))
                .fetch_optional(self.reader())
                .await?;
        Ok(row.map(|(attempts, started)| Window { attempts, started }))
    }

    async fn clear(&self, key: &str) -> sqlx::Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query("DELETE FROM rate_counters WHERE key = $1").bind(key).execute(&mut *tx).await?;
        tx.commit().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_ends_its_length_after_it_started() {
        let started = Utc::now();
        let window = Window { attempts: 3, started };
        let hour = Duration::from_secs(3600);
        assert_eq!(window.seconds_left(hour, started + chrono::Duration::seconds(1200)), 2400);
        assert_eq!(window.seconds_left(hour, started + chrono::Duration::seconds(4000)), 1, "at least a second");
    }
}
