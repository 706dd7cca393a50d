//! Policy rural housing insurance (政策性农房保险, docs/domain/rebuild.md#insurance): policies a
//! county imports for whole townships (统保) or single households, claims opened from a house's
//! damage record and followed from report through the insurer's survey to payout or refusal, the
//! part of a payout a county counts against the rebuild subsidy, and the county report.

pub mod http;
pub mod rules;
pub mod service;
pub mod store;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::areas::AreaCode;
use crate::money::Fen;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, strum::VariantArray)]
#[serde(rename_all = "snake_case")]
pub enum ClaimStatus {
    /// Reported to the insurer.
    Reported,
    /// The insurer's loss adjuster assessed the damage.
    Surveyed,
    Paid,
    Refused,
}

crate::decode_from_text!(ClaimStatus);

/// A policy: a township's blanket cover of every household's house, or one household's.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Policy {
    pub id: i64,
    pub insurer: String,
    pub policy_number: String,
    /// The area insured, or the insured household's area.
    pub area_code: AreaCode,
    /// The household insured (none: every household of the area).
    pub household_id: Option<i64>,
    /// Its head's name, masked (a household's policy).
    pub holder: Option<String>,
    /// Rooms insured (none: all of the house's rooms).
    pub rooms: Option<i32>,
    #[schema(value_type = i64)]
    pub sum_per_room_fen: Fen,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub imported_by: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ClaimRow {
    pub id: i64,
    pub event_id: i64,
    pub household_id: i64,
    pub policy_id: i64,
    pub area_code: AreaCode,
    pub rooms: i32,
    pub cap_fen: Fen,
    #[sqlx(try_from = "String")]
    pub status: ClaimStatus,
    pub assessed_fen: Option<Fen>,
    pub payout_fen: Option<Fen>,
    pub reported_on: NaiveDate,
    pub paid_on: Option<NaiveDate>,
    pub refusal_reason: Option<String>,
    pub opened_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Joined: the policy's insurer and number, the household head masked.
    pub insurer: String,
    pub policy_number: String,
    pub name_masked: String,
    pub id_masked: String,
}
