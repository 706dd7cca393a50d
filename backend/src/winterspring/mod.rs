//! Winter–spring relief (冬春救助, docs/domain/winter-spring.md) as a yearly campaign of a city or a
//! county: the household survey from late September, each household's need filed as an
//! application of the chain (户报 → 村评 → 审核公示 → 乡审 → 县定) carrying its hardship class and
//! needs in kind, the roll-up each level submits to the one above by its October deadline, and the
//! statutory tables. Winter–spring plans count the campaign's need (`service::surveyed_need`).

pub mod http;
pub mod rules;
pub mod service;
pub mod store;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use sqlx::types::Json;
use utoipa::ToSchema;

use crate::areas::AreaCode;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CampaignRow {
    pub id: i64,
    pub year: i32,
    pub area_code: AreaCode,
    pub survey_start: NaiveDate,
    pub county_due: NaiveDate,
    pub city_due: NaiveDate,
    pub province_due: NaiveDate,
    pub relief_start: NaiveDate,
    pub relief_end: NaiveDate,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

/// Where a campaign stands on its calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CampaignStatus {
    /// Before the survey starts.
    Scheduled,
    /// From the survey's start until the province's figures are due.
    Surveying,
    /// Figures in, relief not yet begun.
    Planning,
    /// Within the relief period (December to May, or July).
    Relief,
    Closed,
}

/// A level's need figures as sent to the level above.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SubmissionStatus {
    Submitted,
    /// The level above took the figures: the area's need records are locked.
    Accepted,
    /// The level above sent them back (with a reason): the area corrects and submits again.
    Returned,
}

crate::decode_from_text!(SubmissionStatus);

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Submission {
    #[serde(skip)]
    pub campaign_id: i64,
    pub area_code: AreaCode,
    #[sqlx(try_from = "String")]
    pub status: SubmissionStatus,
    /// The area's roll-up as submitted.
    #[schema(value_type = Object)]
    pub figures: Json<rules::NeedFigures>,
    pub submitted_by: String,
    pub submitted_at: DateTime<Utc>,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    /// Why it was returned.
    pub reason: Option<String>,
}

/// A part of a county's winter–spring money paid at one time (冬令, 春荒 …).
#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Phase {
    pub id: i64,
    #[serde(skip)]
    pub campaign_id: i64,
    /// The county.
    pub area_code: AreaCode,
    pub ordinal: i32,
    pub name: String,
    /// The phase's share of each household's decided amount, in basis points (5000 = 50%).
    pub share_bp: i32,
    pub starts_on: NaiveDate,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

/// What a household received besides the phases' money: goods handed out, money from elsewhere.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Received {
    pub id: i64,
    #[serde(skip)]
    pub campaign_id: i64,
    pub household_id: i64,
    pub area_code: AreaCode,
    #[schema(value_type = i64)]
    pub money_fen: crate::money::Fen,
    /// What was given, e.g. 棉被2床.
    pub goods: String,
    #[schema(value_type = i64)]
    pub goods_value_fen: crate::money::Fen,
    pub received_on: NaiveDate,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
}
