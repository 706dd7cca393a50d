//! Public objections per client address: at most `per_window` in a window (an hour) from the
//! address's first, counted in the database (`ratelimit`) so every server counts the same, and a
//! flood from one address cannot bury a list's real objections.

use std::net::IpAddr;
use std::time::Duration;

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::error::{AppError, AppResult};
use crate::ratelimit::RateStore;

pub struct ObjectionLimiter {
    per_window: i64,
    window: Duration,
}

impl ObjectionLimiter {
    pub fn new(per_window: u32, window: Duration) -> Self {
        Self { per_window: i64::from(per_window), window }
    }

    /// Counts an objection from `client`, or answers the 429 refusing it (with Retry-After).
    pub async fn refuse<S: RateStore + ?Sized>(&self, store: &S, client: IpAddr) -> AppResult<Option<Response>> {
        let window = store.hit(&format!("objection:ip:{client}"), self.window).await?;
        if window.attempts <= self.per_window {
            return Ok(None);
        }
        let seconds = window.seconds_left(self.window, chrono::Utc::now());
        let mut response =
            AppError::TooManyRequests(format!("too many objections from your address; try again in {seconds} s"))
                .into_response();
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        Ok(Some(response))
    }
}
