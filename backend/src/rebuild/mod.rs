//! Rebuilding damaged rural houses (倒损农房恢复重建, docs/domain/rebuild.md) as cases: a case opens
//! from the house's damage record (rebuild for a collapsed or severely damaged house, repair for a
//! generally damaged one), the county approves it with the subsidy, the builder's progress is
//! recorded (started, structure done, completed) against the county's target dates, and an
//! inspector accepts the house or fails it back to the builder with findings.

pub mod http;
pub mod rules;
pub mod service;
pub mod store;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use sqlx::types::Json;
use utoipa::ToSchema;

use crate::areas::AreaCode;
use crate::money::Fen;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// A collapsed or severely damaged house, built again.
    Rebuild,
    /// A generally damaged house, repaired.
    Repair,
}

crate::decode_from_text!(Mode);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, strum::VariantArray)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    Surveyed,
    Approved,
    Started,
    StructureDone,
    Completed,
    /// 验收: the inspector accepted the house.
    Accepted,
    /// The inspection found faults: back to the builder, then completed again.
    FailedInspection,
}

crate::decode_from_text!(CaseStatus);

impl CaseStatus {
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Surveyed => "已核查",
            Self::Approved => "已批准",
            Self::Started => "已开工",
            Self::StructureDone => "主体完工",
            Self::Completed => "已竣工",
            Self::Accepted => "已验收",
            Self::FailedInspection => "验收未通过",
        }
    }
}

/// A step of a case, as its history records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CaseStep {
    Survey,
    Approve,
    Start,
    Structure,
    Complete,
    Inspect,
}

crate::decode_from_text!(CaseStep);

/// A stage of the subsidy's payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PaymentStage {
    /// When work starts.
    Start,
    /// When the structure is up (a repair: when it is completed).
    Structure,
    /// After the inspector accepted the house.
    Acceptance,
}

impl PaymentStage {
    pub const ALL: [PaymentStage; 3] = [Self::Start, Self::Structure, Self::Acceptance];

    pub fn index(self) -> usize {
        Self::ALL.iter().position(|s| *s == self).expect("listed")
    }

    /// The part's ordinal on the grants (1–3), which keeps one grant per stage.
    pub fn ordinal(self) -> i32 {
        self.index() as i32 + 1
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Start => "开工",
            Self::Structure => "主体完工",
            Self::Acceptance => "竣工验收",
        }
    }
}

/// Which subsidy pays the house: disaster relief, or the rural dilapidated-house renovation
/// programme's (农村危房改造) for a household enrolled in the housing programme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    Relief,
    DangerRenovation,
}

crate::decode_from_text!(Basis);

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CaseRow {
    pub id: i64,
    pub event_id: i64,
    pub household_id: i64,
    pub area_code: AreaCode,
    #[sqlx(try_from = "String")]
    pub mode: Mode,
    #[sqlx(try_from = "String")]
    pub status: CaseStatus,
    pub rooms: i32,
    pub standard_fen: Fen,
    pub subsidy_fen: Option<Fen>,
    #[sqlx(try_from = "String")]
    pub basis: Basis,
    pub opened_by: String,
    pub created_at: DateTime<Utc>,
    pub step_at: DateTime<Utc>,
    pub approved_on: Option<NaiveDate>,
    pub updated_at: DateTime<Utc>,
    /// The household head's name and ID number, masked (joined).
    pub name_masked: String,
    pub id_masked: String,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct CaseStepRecord {
    #[sqlx(try_from = "String")]
    pub step: CaseStep,
    #[sqlx(try_from = "String")]
    pub outcome: CaseStatus,
    /// The amount approved, the findings and photo references of an inspection, the date work
    /// reached a stage.
    #[schema(value_type = Object)]
    pub details: Json<serde_json::Value>,
    pub actor_name: String,
    pub at: DateTime<Utc>,
}

/// A photo of a case (progress or inspection), stored on disk under its SHA-256.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct CasePhoto {
    pub id: i64,
    pub case_id: i64,
    #[serde(flatten)]
    #[sqlx(flatten)]
    pub file: crate::disasters::store::PhotoFile,
}
