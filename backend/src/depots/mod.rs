//! Reserve depots (储备库, five tiers) and their stock: the item catalogue, reserve targets, and a
//! ledger of movements with lots, expiry, reservations and transfers.
//!
//! - `rules.rs`: pure rules — validating movement requests, FEFO lot picking, alerts, readiness;
//! - `store.rs`: the ledger in SQL, every change with its balance update and audit record in one
//!   transaction;
//! - `http.rs`: the API, including stock cards and ledgers as CSV/XLSX.

pub mod cache;
pub mod http;
pub mod rules;
pub mod service;
pub mod store;

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use sqlx::types::Json;
use utoipa::ToSchema;

use crate::areas::AreaCode;
use crate::auth::{Role, User};

/// The aid types whose material needs are planned from item norms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MaterialAidType {
    Emergency,
    Transitional,
    WinterSpring,
}

impl MaterialAidType {
    pub const ALL: [Self; 3] = [Self::Emergency, Self::Transitional, Self::WinterSpring];
}

/// What a norm is counted per.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NormBasis {
    Person,
    Household,
    /// A person staying in a central shelter (集中安置): tents, folding beds. Those staying with
    /// relatives (分散安置) need none.
    ShelteredPerson,
    /// A household staying in a central shelter.
    ShelteredHousehold,
}

impl NormBasis {
    /// Whether the norm counts households (persons ÷ the household size) rather than persons.
    pub fn per_household(self) -> bool {
        matches!(self, Self::Household | Self::ShelteredHousehold)
    }

    /// Whether the norm serves only the people in central shelters.
    pub fn sheltered(self) -> bool {
        matches!(self, Self::ShelteredPerson | Self::ShelteredHousehold)
    }
}

/// Planning norm: `per_thousand` items per 1,000 persons or households (integers, no floats).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Norm {
    pub basis: NormBasis,
    pub per_thousand: i64,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, strum::IntoStaticStr, strum::VariantArray,
)]
#[strum(serialize_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Shelter,
    BeddingClothing,
    Equipment,
    Food,
    Water,
    Hygiene,
    Other,
}

#[derive(Debug, Clone, Serialize, Deserialize, sqlx::FromRow, ToSchema)]
pub struct Item {
    /// Stable code, e.g. `tent-12m2`.
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    #[sqlx(try_from = "String")]
    pub category: Category,
    /// Counting unit (顶, 床, 件, ...): quantities are whole units.
    pub unit: String,
    pub unit_volume_dm3: i64,
    pub unit_weight_g: i64,
    pub shelf_life_days: Option<i64>,
    #[schema(value_type = Object)]
    pub norms: Json<BTreeMap<MaterialAidType, Norm>>,
}

crate::decode_from_text!(Category);

impl Category {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Where the category goes when a depot's trucks cannot take everything a plan would send:
    /// lower first. The national reserve's aim, "有安全住所、有饭吃、有衣穿、有洁净水喝" (a safe
    /// shelter, food, clothes, clean water), in its own order, then the rest
    /// (docs/domain/planning.md#trucks).
    pub fn loading_rank(self) -> u8 {
        match self {
            Self::Shelter => 0,
            Self::Food => 1,
            Self::BeddingClothing => 2,
            Self::Water => 3,
            Self::Hygiene => 4,
            Self::Equipment => 5,
            Self::Other => 6,
        }
    }
}

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    ToSchema,
    strum::IntoStaticStr,
    strum::VariantArray,
)]
#[strum(serialize_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    Central,
    Provincial,
    City,
    County,
    Township,
}

impl Tier {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

crate::decode_from_text!(Tier);

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Depot {
    pub id: i64,
    pub name: String,
    #[sqlx(try_from = "String")]
    pub tier: Tier,
    pub area_code: AreaCode,
    pub area_name: String,
    pub lon: f64,
    pub lat: f64,
    pub capacity_m3: i64,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    pub status: String,
    /// The depot's own trucks; None where its transport is not counted (plans then ship any load).
    #[sqlx(json(nullable))]
    pub fleet: Option<Fleet>,
}

/// A depot's own trucks for a plan's first wave (docs/domain/planning.md#trucks): a plan loads no
/// more onto them, over all its items, than they carry by weight and by volume in the round trips
/// each makes before the plan's deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Fleet {
    /// Trucks ready to leave, 1–1,000.
    pub trucks: i64,
    /// What one truck carries per trip, kg (1–100,000).
    pub load_kg: i64,
    /// Its cargo space per trip, m³ (1–500).
    pub load_m3: i64,
    /// Round trips each truck makes within the plan's deadline, 1–24 (the depot keeper knows the
    /// roads and the loading time; one when the areas are far).
    pub trips: i64,
}

/// A depot with its current load, as listed and mapped.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DepotSummary {
    #[serde(flatten)]
    pub depot: Depot,
    /// Volume of the stock on hand, in m³.
    pub used_m3: f64,
    /// Share of the reserve targets met (Σ min(on hand, target) / Σ target); None without targets.
    pub readiness: Option<f64>,
    /// Units on hand, all items together.
    pub stock_units: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, sqlx::FromRow, ToSchema)]
pub struct Target {
    #[sqlx(rename = "item_code")]
    pub item: String,
    pub quantity: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DepotDetail {
    #[serde(flatten)]
    pub summary: DepotSummary,
    pub targets: Vec<Target>,
}

/// One row of `stock_balances`.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Balance {
    pub depot_id: i64,
    pub item_code: String,
    pub on_hand: i64,
    pub reserved: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow, ToSchema)]
pub struct Lot {
    pub lot: String,
    pub quantity: i64,
    pub expires_on: Option<NaiveDate>,
}

/// A lot row with its depot and item, for alerts and the stock view.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LotRow {
    pub depot_id: i64,
    pub item_code: String,
    pub lot: String,
    pub quantity: i64,
    pub expires_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StockLine {
    pub item: String,
    pub name_zh: String,
    pub name_en: String,
    pub unit: String,
    pub on_hand: i64,
    pub reserved: i64,
    pub available: i64,
    pub target: Option<i64>,
    pub lots: Vec<Lot>,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, strum::IntoStaticStr, strum::VariantArray,
)]
#[strum(serialize_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum MovementKind {
    Receipt,
    Issue,
    TransferOut,
    TransferIn,
    Adjustment,
    Reservation,
    Release,
    Dispatch,
}

impl MovementKind {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

crate::decode_from_text!(MovementKind);

/// The effect of a movement on one lot (or on the reservation, which has no lot).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow, ToSchema)]
pub struct MovementLine {
    pub lot: Option<String>,
    pub expires_on: Option<NaiveDate>,
    pub on_hand_delta: i64,
    pub reserved_delta: i64,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Movement {
    pub id: i64,
    pub depot_id: i64,
    #[sqlx(try_from = "String")]
    pub kind: MovementKind,
    #[sqlx(rename = "item_code")]
    pub item: String,
    pub quantity: i64,
    pub source: Option<String>,
    pub donor: Option<String>,
    pub reason: Option<String>,
    pub note: Option<String>,
    #[sqlx(rename = "to_depot_id")]
    pub to_depot: Option<i64>,
    pub transfer_id: Option<i64>,
    pub reference: Option<String>,
    pub actor_name: String,
    pub created_at: DateTime<Utc>,
    #[sqlx(skip)]
    pub lines: Vec<MovementLine>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Transfer {
    pub id: i64,
    pub from_depot_id: i64,
    pub from_depot_name: String,
    pub to_depot_id: i64,
    pub to_depot_name: String,
    #[sqlx(rename = "item_code")]
    pub item: String,
    pub quantity: i64,
    #[schema(value_type = Vec<Lot>)]
    pub lots: Json<Vec<Lot>>,
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
    pub received_at: Option<DateTime<Utc>>,
}

/// Who may see a depot: global roles, its keepers, and users whose scope contains it.
pub fn can_read(user: &User, depot: &Depot) -> bool {
    match user.role {
        Role::DepotStaff => user.depot_ids.contains(&depot.id),
        _ => user.can_reach(&depot.area_code),
    }
}

/// Who may move a depot's stock: its keepers, and managers whose scope contains it.
pub fn can_operate(user: &User, depot: &Depot) -> bool {
    match user.role {
        Role::DepotStaff => user.depot_ids.contains(&depot.id),
        Role::Manager => user.can_reach(&depot.area_code),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_text_is_the_api_spelling() {
        for variant in <Category as strum::VariantArray>::VARIANTS {
            assert_eq!(variant.as_str(), crate::text_enum::enum_text(*variant));
        }
        for variant in <Tier as strum::VariantArray>::VARIANTS {
            assert_eq!(variant.as_str(), crate::text_enum::enum_text(*variant));
        }
        for variant in <MovementKind as strum::VariantArray>::VARIANTS {
            assert_eq!(variant.as_str(), crate::text_enum::enum_text(*variant));
        }
    }
}
