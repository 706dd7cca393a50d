//! Allocation plans: what each affected area needs (`needs.rs`), how long it takes to get there
//! (`travel.rs`, the H3 grid model with the event's blocked zones), the exact fair plan
//! (`crate::planner`), and the workflow draft → submitted → approved (stock reserved) →
//! dispatched (stock issued, shipments) → completed when every shipment is received. A funds plan
//! (`crate::funds`) goes the same way, but approval commits money from the fund pools and
//! disbursement (dispatch) completes it.

pub mod cache;
pub mod equity;
pub mod fleet;
pub mod http;
pub mod needs;
pub mod rules;
pub mod service;
pub mod store;
pub mod travel;
pub mod workflow;

use std::collections::BTreeMap;

use crate::areas::AreaCode;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::types::Json;
use utoipa::ToSchema;

pub use crate::funds::AidType;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PlanKind {
    Materials,
    Funds,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, strum::IntoStaticStr, strum::VariantArray,
)]
#[strum(serialize_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum PlanStatus {
    Draft,
    Submitted,
    Approved,
    Rejected,
    Dispatched,
    Completed,
    Cancelled,
}

impl PlanStatus {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

crate::decode_from_text!(PlanStatus);

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, sqlx::FromRow, ToSchema)]
pub struct PlanLine {
    pub depot_id: i64,
    pub area_code: AreaCode,
    #[sqlx(rename = "item_code")]
    pub item: String,
    pub quantity: i64,
    pub travel_minutes: i64,
    pub late: bool,
}

/// How well one area's need for one item is met.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AreaFill {
    pub area_code: AreaCode,
    pub item: String,
    pub demand: i64,
    pub allocated: i64,
    pub fill_rate: f64,
    pub tier: u8,
    /// How the demand was counted (materials; funds plans explain theirs in `funds`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basis: Option<DemandBasis>,
}

/// An area's demand for an item, explained: the figure it counts, how many people that is, and
/// the item's norm (`per_thousand` units per 1,000 persons or households). Demand may be less
/// than the norm gives where earlier approved plans already cover part of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DemandBasis {
    pub indicator: Counted,
    pub persons: i64,
    pub norm: crate::depots::Norm,
}

/// What counted the people an area's demand serves: a reported figure, or a survey.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum Counted {
    Figure(crate::disasters::Indicator),
    Survey(Survey),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Survey {
    /// 冬春需救助人口: the persons a winter–spring campaign's need records count.
    WinterSpringNeed,
}

/// The need a winter–spring campaign surveyed household by household, which winter–spring plans
/// count instead of any reported figure (docs/domain/winter-spring.md#amount).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SurveyedNeed {
    pub campaign_id: i64,
    /// Some need records counted are still on their way through the chain (县定 has not decided
    /// them all): the plan counts them as they stand.
    pub provisional: bool,
    pub households: i64,
    pub persons: i64,
    /// Per area (each household's township or village), the persons needing aid by hardship class.
    #[serde(skip)]
    pub areas: BTreeMap<AreaCode, BTreeMap<crate::funds::HardshipClass, i64>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Unreachable {
    pub area_code: AreaCode,
    pub item: String,
    pub demand: i64,
}

/// A depot whose whole available stock of an item went out while areas it reaches are short.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Bottleneck {
    pub depot_id: i64,
    pub item: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Totals {
    pub demand: i64,
    pub allocated: i64,
    pub lines: i64,
    pub late_lines: i64,
    pub unreachable_areas: i64,
}

/// What the planner worked out besides the lines; stored with the plan.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PlanResult {
    pub areas: Vec<AreaFill>,
    pub unreachable: Vec<Unreachable>,
    pub bottlenecks: Vec<Bottleneck>,
    pub totals: Totals,
    /// A funds plan's money per area and level (materials plans have none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub funds: Option<crate::funds::rules::FundsPlan>,
    /// What a materials plan left in depots outside the response (none in plans made before floors).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reserve_floor: Option<ReserveFloor>,
    /// A winter–spring plan's campaign survey, which it counted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub survey: Option<SurveyedNeed>,
    /// How a materials plan weighed the areas (none in plans made before the choice).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fairness: Option<Fairness>,
    /// The equity audit of a materials plan (none in plans made before it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub equity: Option<equity::Equity>,
    /// What a materials plan loads onto each depot's trucks, for the depots that count theirs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fleet: Vec<fleet::FleetLoad>,
    /// When the lines were last computed from the roads and stock (made, or planned again); a
    /// blocked zone drawn later makes the draft stale. None in plans made before re-planning.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub computed_at: Option<DateTime<Utc>>,
}

/// How a plan weighs the areas against each other when stock is short
/// (docs/domain/planning.md#policy).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, strum::IntoStaticStr, strum::VariantArray,
)]
#[strum(serialize_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum PlanPolicy {
    /// The most severe response first: a tier is served as evenly as it can be before the next.
    StrictTiers,
    /// Fill ÷ the response level's weight, raised evenly over all areas.
    Weighted,
}

impl PlanPolicy {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn planner(self) -> crate::planner::Policy {
        match self {
            Self::StrictTiers => crate::planner::Policy::StrictTiers,
            Self::Weighted => crate::planner::Policy::Weighted,
        }
    }
}

/// A plan's policy with the weights it used (kept for strict tiers too, so a comparison or a
/// re-plan can switch).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Fairness {
    pub policy: PlanPolicy,
    pub weights: crate::config::FillWeights,
}

/// The stock a materials plan did not take: a share of each item in every depot whose own area has
/// no relief response in force.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ReserveFloor {
    pub percent: i64,
    /// Per depot and item, the units held back.
    pub held: Vec<HeldBack>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct HeldBack {
    pub depot_id: i64,
    pub depot_name: String,
    pub item: String,
    pub quantity: i64,
}

impl PlanResult {
    /// Every area the plan provides for: its filled, short and unreachable areas, or its funds' areas.
    pub fn areas(&self) -> std::collections::BTreeSet<&str> {
        let materials = self
            .areas
            .iter()
            .map(|a| a.area_code.as_str())
            .chain(self.unreachable.iter().map(|u| u.area_code.as_str()));
        let funds = self.funds.iter().flat_map(|f| f.areas.iter().map(|a| a.area_code.as_str()));
        materials.chain(funds).collect()
    }

    /// What approval commits from each level's pools.
    pub fn funds_needed(&self) -> Vec<(crate::funds::SourceLevel, crate::money::Fen)> {
        self.funds.iter().flat_map(|f| f.levels.iter().map(|l| (l.level, l.allocated_fen))).collect()
    }
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct PlanRow {
    pub id: i64,
    pub event_id: i64,
    pub aid_type: String,
    pub kind: String,
    #[sqlx(try_from = "String")]
    pub status: PlanStatus,
    pub author_id: i64,
    pub author_name: String,
    pub reviewer_name: Option<String>,
    pub reason: Option<String>,
    #[serde(skip)]
    #[schema(ignore)]
    pub result: Json<PlanResult>,
    pub created_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub approved_at: Option<DateTime<Utc>>,
    pub dispatched_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    /// When the plan or its lines were last written: the version an edit or re-plan is made
    /// against (`If-Match`), and what lines kept in memory are checked against.
    pub updated_at: DateTime<Utc>,
}

impl PlanRow {
    /// This row as a change of its result stored it, at the plan's new version.
    pub fn changed(&self, result: PlanResult, updated_at: DateTime<Utc>) -> PlanRow {
        PlanRow {
            aid_type: self.aid_type.clone(),
            kind: self.kind.clone(),
            author_name: self.author_name.clone(),
            reviewer_name: self.reviewer_name.clone(),
            reason: self.reason.clone(),
            result: Json(result),
            updated_at,
            ..*self
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Plan {
    #[serde(flatten)]
    pub row: PlanRow,
    pub lines: Vec<PlanLine>,
    #[serde(flatten)]
    pub result: PlanResult,
    /// Minutes from the disaster's onset to each step, per destination area.
    pub time_to_aid: Vec<TimeToAid>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TimeToAid {
    pub area_code: AreaCode,
    pub onset_to_plan_minutes: i64,
    pub onset_to_approval_minutes: Option<i64>,
    pub onset_to_dispatch_minutes: Option<i64>,
    pub onset_to_receipt_minutes: Option<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, sqlx::FromRow, ToSchema)]
pub struct ShipmentLine {
    #[sqlx(rename = "item_code")]
    pub item: String,
    pub quantity: i64,
    /// None until the destination confirms receipt.
    pub received: Option<i64>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Shipment {
    pub id: i64,
    pub plan_id: i64,
    pub depot_id: i64,
    pub area_code: AreaCode,
    pub status: String,
    pub dispatched_at: DateTime<Utc>,
    pub dispatched_by: String,
    pub received_at: Option<DateTime<Utc>>,
    pub received_by: Option<String>,
    /// The vehicle and driver on the waybill, once the keeper has recorded them.
    pub vehicle_plate: Option<String>,
    pub driver_name: Option<String>,
    pub driver_phone: Option<String>,
    /// Who signed for the goods on arrival.
    pub received_signer: Option<String>,
    #[sqlx(skip)]
    pub lines: Vec<ShipmentLine>,
}

/// A photo taken when a shipment arrived (the goods as unloaded, the signed waybill), kept with
/// its receipt; stored on disk under its SHA-256.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct ShipmentPhoto {
    pub id: i64,
    pub shipment_id: i64,
    #[serde(flatten)]
    #[sqlx(flatten)]
    pub file: crate::disasters::store::PhotoFile,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanRequest {
    pub event_id: i64,
    /// emergency, transitional, winter_spring (materials or funds); bereavement, reconstruction, drought (funds only)
    pub aid_type: String,
    /// materials or funds
    pub kind: String,
    /// Funds plans: which cost split applies — national, provincial or local. Default: national
    /// when the national plan's criteria are met at the province, else local; choose provincial
    /// when the province has started its own relief response.
    pub response_scope: Option<String>,
    /// Materials plans: the share (0–100 %) of each item left in depots whose own area has no
    /// response in force. Default: JIUZAI_RESERVE_FLOOR_PERCENT (30).
    pub reserve_floor_percent: Option<i64>,
    /// Materials plans: strict_tiers or weighted. Default: JIUZAI_PLAN_POLICY (strict_tiers).
    pub policy: Option<String>,
    /// Materials plans, weighted policy: the weight of each response level, in (0, 1]. Default:
    /// JIUZAI_FILL_WEIGHTS (1.0, 0.9, 0.8, 0.7, 0.6).
    pub weights: Option<crate::config::FillWeights>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_text_is_the_api_spelling() {
        for variant in <PlanStatus as strum::VariantArray>::VARIANTS {
            assert_eq!(variant.as_str(), crate::text_enum::enum_text(*variant));
        }
        for variant in <PlanPolicy as strum::VariantArray>::VARIANTS {
            assert_eq!(variant.as_str(), crate::text_enum::enum_text(*variant));
        }
    }
}
