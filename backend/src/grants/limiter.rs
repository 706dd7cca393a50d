//! Public objections per client address: at most `per_window` in any `window` (an hour), kept in
//! memory in the application state like the login throttle, so a flood from one address cannot
//! bury a list's real objections.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct ObjectionLimiter {
    per_window: usize,
    window: Duration,
    times: Mutex<HashMap<IpAddr, Vec<Instant>>>,
}

impl ObjectionLimiter {
    pub fn new(per_window: u32, window: Duration) -> Self {
        Self { per_window: per_window as usize, window, times: Mutex::new(HashMap::new()) }
    }

    /// Counts an objection from `client` and answers None, or refuses it with the seconds until
    /// the oldest one in the window expires.
    pub fn retry_after(&self, client: IpAddr) -> Option<u64> {
        self.retry_after_at(client, Instant::now())
    }

    /// Counts an objection from `client`, or answers the 429 refusing it (with Retry-After).
    pub fn refuse(&self, client: IpAddr) -> Option<axum::response::Response> {
        use axum::http::{HeaderValue, header};
        use axum::response::IntoResponse;
        let seconds = self.retry_after(client)?;
        let mut response = crate::error::AppError::TooManyRequests(format!(
            "too many objections from your address; try again in {seconds} s"
        ))
        .into_response();
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        Some(response)
    }

    fn retry_after_at(&self, client: IpAddr, now: Instant) -> Option<u64> {
        let mut times = self.times.lock().expect("objection limiter");
        times.retain(|_, sent| {
            sent.retain(|t| now.duration_since(*t) < self.window);
            !sent.is_empty()
        });
        let sent = times.entry(client).or_default();
        if sent.len() >= self.per_window {
            let oldest = sent.first().copied().unwrap_or(now);
            return Some(self.window.saturating_sub(now.duration_since(oldest)).as_secs().max(1));
        }
        sent.push(now);
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_past_the_limit_per_address_until_the_window_passes() {
        let limiter = ObjectionLimiter::new(2, Duration::from_secs(3600));
        let (a, b): (IpAddr, IpAddr) = ("10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap());
        let start = Instant::now();
        assert_eq!(limiter.retry_after_at(a, start), None);
        assert_eq!(limiter.retry_after_at(a, start + Duration::from_secs(600)), None);
        assert_eq!(limiter.retry_after_at(a, start + Duration::from_secs(1200)), Some(2400));
        assert_eq!(limiter.retry_after_at(b, start + Duration::from_secs(1200)), None, "another address");
        assert_eq!(limiter.retry_after_at(a, start + Duration::from_secs(3601)), None, "the first one expired");
    }
}
