//! Calendar dates as the users live them: days turn at midnight Beijing time (UTC+8), not UTC,
//! so "expires today" and "days left" match the depot keeper's calendar. Storage stays in UTC.

use chrono::{FixedOffset, NaiveDate, Utc};

pub fn beijing() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset")
}

/// Today's date in Beijing.
pub fn today() -> NaiveDate {
    Utc::now().with_timezone(&beijing()).date_naive()
}
