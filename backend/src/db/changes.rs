//! Changes every server on one database must hear of at once. Each server caches a few rarely
//! changing things (sessions, items, depots) for seconds; when one server changes one, it forgets
//! its own copy and announces the change, and the others forget theirs as the announcement arrives
//! (PostgreSQL `NOTIFY`, delivered at commit to every server's `LISTEN`ing connection). SQLite
//! serves one process, which forgets its copy itself: there the announcement goes nowhere.

use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::PgListener;

/// The channel changes are announced on.
pub const CHANNEL: &str = "jiuzai_changes";

/// What changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// One session ended (logout), by its token hash.
    Session(String),
    /// Users or their rights changed: every cached session may be stale.
    Sessions,
    Depot(i64),
    Item(String),
}

impl Change {
    pub fn payload(&self) -> String {
        match self {
            Self::Session(hash) => format!("session:{hash}"),
            Self::Sessions => "sessions".into(),
            Self::Depot(id) => format!("depot:{id}"),
            Self::Item(code) => format!("item:{code}"),
        }
    }

    pub fn parse(payload: &str) -> Option<Self> {
        match payload.split_once(':') {
            None if payload == "sessions" => Some(Self::Sessions),
            Some(("session", hash)) => Some(Self::Session(hash.into())),
            Some(("depot", id)) => id.parse().ok().map(Self::Depot),
            Some(("item", code)) => Some(Self::Item(code.into())),
            _ => None,
        }
    }
}

/// Called with each change heard, or with None when changes may have been missed (the listening
/// connection was lost and is back): then everything cached must be forgotten.
pub type OnChange = Arc<dyn Fn(Option<Change>) + Send + Sync>;

/// Listens on PostgreSQL at `url` for as long as the process runs, reconnecting after a second
/// when the connection is lost (the database restarting, a failover).
pub fn listen_postgres(url: String, on_change: OnChange) {
    tokio::spawn(async move {
        loop {
            match PgListener::connect(&url).await {
                Ok(mut listener) => {
                    if listener.listen(CHANNEL).await.is_ok() {
                        on_change(None);
                        loop {
                            match listener.try_recv().await {
                                Ok(Some(notification)) => on_change(Change::parse(notification.payload())),
                                Ok(None) => on_change(None),
                                Err(error) => {
                                    tracing::warn!(%error, "change listener lost its connection");
                                    on_change(None);
                                    break;
                                }
                            }
                        }
                    }
                }
                Err(error) => tracing::warn!(%error, "change listener cannot connect"),
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_read_back() {
        for change in
            [Change::Session("ab12".into()), Change::Sessions, Change::Depot(7), Change::Item("tent-12".into())]
        {
            assert_eq!(Change::parse(&change.payload()), Some(change));
        }
        assert_eq!(Change::parse("depot:x"), None);
        assert_eq!(Change::parse("weather"), None);
    }
}
