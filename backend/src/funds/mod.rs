//! Relief funds: the four aid types, the relief standards and the cost split between government
//! levels (docs/domain/relief-standards.md, editable by an admin, `rules.rs`), the fund pools each level puts
//! up (`store.rs`), and the funds plan: what each area is entitled to, split by level, scaled
//! proportionally where a level's pools fall short (`rules::plan_funds`). Household grants take
//! their amounts from the same standards.

pub mod http;
pub mod rules;
pub mod service;
pub mod store;

use crate::money::Fen;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The aid items of the relief rules (docs/domain/relief-standards.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AidType {
    /// 灾害应急救助
    Emergency,
    /// 遇难人员家属抚慰
    Bereavement,
    /// 过渡期生活救助
    Transitional,
    /// 冬春临时生活困难救助
    WinterSpring,
    /// 倒损住房恢复重建
    Reconstruction,
    /// 旱灾临时生活困难救助 (drought events only)
    Drought,
}

impl AidType {
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Emergency => "灾害应急救助",
            Self::Bereavement => "遇难人员家属抚慰金",
            Self::Drought => "旱灾临时生活困难救助",
            Self::Transitional => "过渡期生活救助",
            Self::WinterSpring => "冬春临时生活困难救助",
            Self::Reconstruction => "倒损住房恢复重建补助",
        }
    }

    /// Whether the item is given in an event of this hazard: drought relief only in droughts.
    pub fn applies_to(self, hazard: crate::disasters::Hazard) -> bool {
        self != Self::Drought || hazard == crate::disasters::Hazard::Drought
    }

    /// Refuses an item the event's hazard does not call for, as a field error on `aid_type`.
    pub fn require_for(self, hazard: crate::disasters::Hazard) -> crate::error::AppResult<()> {
        if self.applies_to(hazard) {
            Ok(())
        } else {
            Err(crate::error::AppError::invalid_field(
                "aid_type",
                crate::said!("drought_relief_hazard", "drought relief is for drought events"),
            ))
        }
    }

    /// The material aid type, or None for the items paid in money only.
    pub fn materials(self) -> Option<crate::depots::MaterialAidType> {
        use crate::depots::MaterialAidType as M;
        match self {
            Self::Emergency => Some(M::Emergency),
            Self::Transitional => Some(M::Transitional),
            Self::WinterSpring => Some(M::WinterSpring),
            Self::Reconstruction | Self::Bereavement | Self::Drought => None,
        }
    }
}

/// A winter–spring hardship class (冬春救助的困难类别), which weights the per-person standard: poorer
/// households receive more (docs/domain/winter-spring.md#amount). The weights are relief standards.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema, strum::VariantArray,
)]
#[serde(rename_all = "snake_case")]
pub enum HardshipClass {
    /// 一类: scattered 特困 persons, orphans, people with no ability to work and no income.
    ClassOne,
    /// 二类: 低保 households and others the disaster left in serious hardship.
    ClassTwo,
    /// 三类: other affected households short of food, clothing or heating.
    ClassThree,
}

crate::decode_from_text!(HardshipClass);

impl HardshipClass {
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::ClassOne => "一类",
            Self::ClassTwo => "二类",
            Self::ClassThree => "三类",
        }
    }

    /// The standard holding the class's weight on the per-person amount.
    pub fn weight_key(self) -> rules::StandardKey {
        match self {
            Self::ClassOne => rules::StandardKey::WinterSpringWeightClassOne,
            Self::ClassTwo => rules::StandardKey::WinterSpringWeightClassTwo,
            Self::ClassThree => rules::StandardKey::WinterSpringWeightClassThree,
        }
    }
}

/// The government level that puts up a share of the money.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SourceLevel {
    Central,
    Province,
    City,
    County,
}

impl SourceLevel {
    pub const ALL: [SourceLevel; 4] = [Self::Central, Self::Province, Self::City, Self::County];

    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Central => "中央",
            Self::Province => "省级",
            Self::City => "市级",
            Self::County => "县级",
        }
    }
}

crate::decode_from_text!(SourceLevel, AidType);

/// Cost split (docs/domain/relief-standards.md#cost-split-between-levels): a national response, a provincial one, or an
/// ordinary disaster paid mainly by local finance.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ResponseScope {
    National,
    Provincial,
    #[default]
    Local,
}

/// Money put up by one level for one aid type, for one event or for any event.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct FundPool {
    pub id: i64,
    /// e.g. 中央自然灾害救灾资金（第一批）
    pub name: String,
    #[sqlx(try_from = "String")]
    pub source_level: SourceLevel,
    pub aid_type: String,
    /// None: usable for any event.
    pub event_id: Option<i64>,
    #[schema(value_type = i64)]
    pub amount_fen: Fen,
    /// Held by approved funds plans (and spent once they are disbursed).
    #[schema(value_type = i64)]
    pub committed_fen: Fen,
    #[schema(value_type = i64)]
    pub available_fen: Fen,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}
