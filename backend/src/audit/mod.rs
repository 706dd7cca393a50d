//! The audit trail: every state change writes one record (who, what, when, before/after, request id)
//! in the same transaction as the change itself.

pub mod http;
pub mod store;

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;

/// A record to be written beside a change. Built from the acting user's [`crate::auth::Actor`].
#[derive(Debug, Clone)]
pub struct AuditEntry {
    pub actor_id: Option<i64>,
    pub actor_name: String,
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
    pub request_id: Option<String>,
}

impl AuditEntry {
    /// A change made by the system itself (CLI commands, demo seeding), not by a logged-in user.
    pub fn system(action: &str, entity_type: &str, entity_id: impl Into<String>) -> Self {
        Self {
            actor_id: None,
            actor_name: "system".into(),
            action: action.into(),
            entity_type: entity_type.into(),
            entity_id: entity_id.into(),
            before: None,
            after: None,
            request_id: None,
        }
    }

    pub fn with_before(mut self, before: impl Serialize) -> Self {
        self.before = serde_json::to_value(before).ok();
        self
    }

    pub fn with_after(mut self, after: impl Serialize) -> Self {
        self.after = serde_json::to_value(after).ok();
        self
    }
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct AuditRecord {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_id: Option<i64>,
    pub actor_name: String,
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    /// The entity before the change: any JSON (an object, or a list such as thresholds or plan lines).
    #[schema(value_type = Option<Value>)]
    pub before: Option<sqlx::types::Json<Value>>,
    /// The entity after the change, as `before`.
    #[schema(value_type = Option<Value>)]
    pub after: Option<sqlx::types::Json<Value>>,
    pub request_id: Option<String>,
}

/// Filters for reading the trail; newest first, paged by id.
#[derive(Debug, Default, Clone, serde::Deserialize, utoipa::IntoParams)]
pub struct AuditQuery {
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    pub action: Option<String>,
    pub actor_name: Option<String>,
    /// Only records at or after this time (RFC 3339).
    pub from: Option<chrono::DateTime<chrono::Utc>>,
    /// Only records before this time (RFC 3339).
    pub to: Option<chrono::DateTime<chrono::Utc>>,
    /// Only records with an id below this one (the `next_before_id` of the previous page).
    pub before_id: Option<i64>,
    /// Page size, 1–500 (default 100).
    pub limit: Option<i64>,
}

impl AuditQuery {
    pub fn page_size(&self) -> i64 {
        self.limit.unwrap_or(100).clamp(1, 500)
    }
}
