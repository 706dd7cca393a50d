//! Disaster events, loss reports by area (初报 / 续报 / 核报), verification assessments,
//! aggregation up the area tree and response levels (docs/domain/loss-reports.md, docs/domain/response-levels.md).
//!
//! - `indicators.rs`: the loss indicators and their units;
//! - `rules.rs`: pure rules — consistency checks, best figures, aggregation, response levels, deadlines;
//! - `store.rs`: SQL; `http.rs`: the API, exports and the printable summary.

pub mod events;
pub mod http;
pub mod indicators;
pub mod photos;
pub mod rules;
pub mod service;
pub mod store;
pub mod verification;

use crate::areas::AreaCode;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::types::Json;
use utoipa::ToSchema;

pub use indicators::{Figures, Indicator};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Hazard {
    Flood,
    Waterlogging,
    Typhoon,
    Landslide,
    Earthquake,
    Drought,
    SnowIce,
    Hail,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EventStatus {
    Active,
    Stabilised,
    Closed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// 初报
    Initial,
    /// 续报
    Update,
    /// 核报
    Final,
    /// 旱情续报 (every 10 days for slow-onset drought)
    DroughtFollowup,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Event {
    pub id: i64,
    pub name: String,
    #[sqlx(try_from = "String")]
    pub hazard: HazardText,
    pub onset_at: DateTime<Utc>,
    #[sqlx(try_from = "String")]
    pub status: StatusText,
    pub description: Option<String>,
    /// County codes expected to report (their initial-report deadline is tracked).
    #[schema(value_type = Vec<AreaCode>)]
    pub affected_areas: Json<Vec<AreaCode>>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

crate::text_column!(HazardText, Hazard);
crate::text_column!(StatusText, EventStatus);
crate::text_column!(StageText, Stage);

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct LossReport {
    pub id: i64,
    pub event_id: i64,
    pub area_code: AreaCode,
    pub version: i64,
    #[sqlx(try_from = "String")]
    pub stage: StageText,
    #[serde(with = "indicators::as_decimals")]
    #[schema(value_type = Object)]
    pub indicators: Json<Figures>,
    pub description: Option<String>,
    pub explanation: Option<String>,
    pub reported_by: String,
    pub reported_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Assessment {
    pub id: i64,
    pub event_id: i64,
    pub area_code: AreaCode,
    pub version: i64,
    #[serde(with = "indicators::as_decimals")]
    #[schema(value_type = Object)]
    pub indicators: Json<Figures>,
    #[schema(value_type = Object)]
    pub reasons: Json<std::collections::BTreeMap<Indicator, String>>,
    pub report_id: Option<i64>,
    pub assessed_by: String,
    pub assessed_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Threshold {
    pub admin_level: String,
    pub response_level: i64,
    pub criterion: String,
    pub lower_bound: i64,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct LevelChange {
    pub id: i64,
    pub event_id: i64,
    pub area_code: AreaCode,
    pub level: Option<i64>,
    pub source: String,
    pub reason: Option<String>,
    pub actor_name: String,
    pub at: DateTime<Utc>,
}
