//! Households (docs/domain/households.md): the registry that aid ends at, per-event damage records,
//! grant lists for the four aid types with their workflow and public disclosure (公示), the
//! 一卡通 payment file, and hand-offs to the other social-assistance programmes.
//!
//! - `idnumber.rs`: ID numbers (GB 11643 check digit) and masking — pure;
//! - `pii.rs`: keyed hash and encryption of ID numbers and bank accounts;
//! - `rules.rs`: relief standards, eligibility, amounts and priority — pure;
//! - `import.rs`: reading CSV (UTF-8 or GBK) and XLSX household files — pure;
//! - `store.rs`: SQL; `http.rs` (registry, import, damage) and `grants.rs` (grant lists,
//!   disclosure, objections, payment file, hand-offs): the API; `handoff.rs`: the receiving
//!   departments' read-only tokens and their hand-off endpoint;
//! - `demo.rs`: synthetic households for the demo flood.

pub mod damage;
#[cfg(test)]
mod fixtures;
pub mod http;
pub mod idnumber;
pub mod import;
pub mod pii;
pub mod progress;
pub mod registers;
pub mod registry;
pub mod rules;
pub mod service;
pub mod store;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use sqlx::types::Json;
use utoipa::ToSchema;

use crate::areas::AreaCode;
use crate::text_enum::enum_text;
pub use pii::warn_if_default_keys;

/// 家庭类型 (docs/domain/households.md#household-types: 五保/特困, 低保, 优抚, 残疾, 一般户).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum HouseholdType {
    /// 一般户
    General,
    /// 低保户
    Dibao,
    /// 特困 (五保) 供养户
    Tekun,
    /// 优抚对象
    Youfu,
    /// 残疾人家庭
    Disabled,
}

impl HouseholdType {
    pub const ALL: [Self; 5] = [Self::General, Self::Dibao, Self::Tekun, Self::Youfu, Self::Disabled];

    pub fn label_zh(self) -> &'static str {
        match self {
            Self::General => "一般户",
            Self::Dibao => "低保户",
            Self::Tekun => "特困户",
            Self::Youfu => "优抚对象",
            Self::Disabled => "残疾人家庭",
        }
    }

    /// The code or one of the usual Chinese spellings.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        Some(match text {
            "general" | "一般户" | "一般" | "普通户" => Self::General,
            "dibao" | "低保" | "低保户" | "低保家庭" => Self::Dibao,
            "tekun" | "特困" | "特困户" | "特困供养" | "特困人员" | "五保" | "五保户" => Self::Tekun,
            "youfu" | "优抚" | "优抚户" | "优抚对象" => Self::Youfu,
            "disabled" | "残疾" | "残疾户" | "残疾人家庭" | "残疾人" => Self::Disabled,
            _ => return None,
        })
    }

    pub fn code(self) -> String {
        enum_text(self)
    }
}

/// The social-assistance programmes a household can be enrolled in (社会救助暂行办法).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Programme {
    /// 最低生活保障 (低保)
    Dibao,
    /// 特困人员供养
    Tekun,
    /// 医疗救助
    Medical,
    /// 教育救助
    Education,
    /// 住房救助
    Housing,
    /// 就业救助
    Employment,
    /// 临时救助
    Temporary,
    /// 疾病应急救助: emergency treatment paid for people who cannot pay (a one-window case asks
    /// for it; a household record may note it was given).
    DiseaseEmergency,
}

crate::decode_from_text!(Programme);

impl Programme {
    pub const ALL: [Self; 8] = [
        Self::Dibao,
        Self::Tekun,
        Self::Medical,
        Self::Education,
        Self::Housing,
        Self::Employment,
        Self::Temporary,
        Self::DiseaseEmergency,
    ];

    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Dibao => "低保",
            Self::Tekun => "特困供养",
            Self::Medical => "医疗救助",
            Self::Education => "教育救助",
            Self::Housing => "住房救助",
            Self::Employment => "就业救助",
            Self::Temporary => "临时救助",
            Self::DiseaseEmergency => "疾病应急救助",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        Self::ALL.into_iter().find(|p| enum_text(*p) == text || p.label_zh() == text).or(match text {
            "最低生活保障" | "低保户" => Some(Self::Dibao),
            "特困" | "五保" | "特困人员供养" => Some(Self::Tekun),
            _ => None,
        })
    }
}

/// Enrolment in a programme: since when, and until when if it ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Enrolment {
    pub programme: Programme,
    pub since: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<NaiveDate>,
}

impl Enrolment {
    pub fn active_on(&self, day: NaiveDate) -> bool {
        self.since <= day && self.until.is_none_or(|u| u >= day)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AgeGroup {
    /// 0–5
    Preschool,
    /// 6–17: compulsory and senior-secondary schooling
    SchoolAge,
    /// 18–59
    Adult,
    /// 60 and over
    Elderly,
}

/// A member of the household besides the count (optional detail).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Member {
    /// Relation to the head: 户主, 配偶, 子女, 父母, 孙子女, 其他 …
    pub relation: String,
    pub age_group: AgeGroup,
    #[serde(default)]
    pub disability: bool,
}

/// A household as stored. The ID number exists only as hash, mask and ciphertext.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct HouseholdRow {
    pub id: i64,
    pub head_name: String,
    pub name_masked: String,
    pub id_hash: String,
    pub id_masked: String,
    pub id_encrypted: String,
    pub members: i64,
    pub member_list: Json<Vec<Member>>,
    pub address: String,
    pub area_code: AreaCode,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub cell: Option<i64>,
    #[sqlx(try_from = "String")]
    pub household_type: HouseholdTypeText,
    pub programmes: Json<Vec<Enrolment>>,
    pub bank_masked: Option<String>,
    pub bank_encrypted: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl HouseholdRow {
    pub fn kind(&self) -> HouseholdType {
        self.household_type.0
    }

    /// Members of preschool or school age (the children 教育救助 is for).
    pub fn children_in_education(&self) -> usize {
        self.member_list.0.iter().filter(|m| matches!(m.age_group, AgeGroup::Preschool | AgeGroup::SchoolAge)).count()
    }

    /// The needs for other programmes its losses in an event show.
    pub fn needs(&self, damage: &rules::DamageFacts, today: NaiveDate) -> Vec<rules::Need> {
        rules::needs(&self.facts(today), self.children_in_education(), damage)
    }

    pub fn facts(&self, today: NaiveDate) -> rules::HouseholdFacts {
        rules::HouseholdFacts {
            kind: self.kind(),
            members: self.members,
            disabled_member: self.member_list.0.iter().any(|m| m.disability),
            programmes: self.programmes.0.iter().filter(|e| e.active_on(today)).map(|e| e.programme).collect(),
        }
    }
}

/// Full names are for the managers and admins of the household's area; everyone else sees 张*明.
pub fn sees_names(user: &crate::auth::User, area_code: &str) -> bool {
    matches!(user.role, crate::auth::Role::Admin | crate::auth::Role::Manager) && user.can_reach(area_code)
}

/// A household as the API shows it. Names are masked for readers without need; the ID number
/// and bank account are always masked.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Household {
    pub id: i64,
    /// The full name for managers and admins of the area; masked (张*明) for everyone else.
    pub head_name: String,
    pub name_masked: bool,
    /// e.g. `3604**********1234`
    pub id_number_masked: String,
    pub members: i64,
    pub member_list: Vec<Member>,
    pub address: String,
    pub area_code: AreaCode,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    /// H3 cell of the location at the coverage resolution (hex), if located.
    pub h3_cell: Option<String>,
    pub household_type: HouseholdType,
    pub household_type_zh: String,
    pub programmes: Vec<Enrolment>,
    pub bank_account_masked: Option<String>,
    /// In a priority group (低保, 特困, 优抚, disabled).
    pub priority: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Household {
    pub fn view(row: &HouseholdRow, full_name: bool) -> Self {
        let facts = row.facts(crate::clock::today());
        Self {
            id: row.id,
            head_name: if full_name { row.head_name.clone() } else { row.name_masked.clone() },
            name_masked: !full_name,
            id_number_masked: row.id_masked.clone(),
            members: row.members,
            member_list: row.member_list.0.clone(),
            address: row.address.clone(),
            area_code: row.area_code.clone(),
            lon: row.lon,
            lat: row.lat,
            h3_cell: row.cell.map(|c| format!("{:x}", c as u64)),
            household_type: row.kind(),
            household_type_zh: row.kind().label_zh().into(),
            programmes: row.programmes.0.clone(),
            bank_account_masked: row.bank_masked.clone(),
            priority: rules::is_priority(&facts),
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}

/// 房屋损坏程度 (docs/domain/loss-reports.md#house-damage-grades).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum HouseDamage {
    /// 倒塌
    Collapsed,
    /// 严重损坏
    Severe,
    /// 一般损坏
    General,
    None,
}

impl HouseDamage {
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Collapsed => "倒塌",
            Self::Severe => "严重损坏",
            Self::General => "一般损坏",
            Self::None => "无",
        }
    }
}

/// Why a damaged house does not qualify for rebuild aid (docs/domain/relief-standards.md#rebuild-aid-exclusions).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Exclusion {
    /// 独立厨房、畜禽圈舍等附属用房
    AuxiliaryRoom,
    /// 活动板房、工棚、简易房和临时建筑
    TemporaryBuilding,
    /// 长期无人居住的房屋
    LongVacant,
    /// 有两处及以上住房者，损坏的非主要住房
    SecondHome,
    /// 已在别处重建或已购商品房
    RebuiltOrBoughtElsewhere,
}

impl Exclusion {
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::AuxiliaryRoom => "独立厨房、畜禽圈舍等附属用房",
            Self::TemporaryBuilding => "活动板房、工棚、简易房和临时建筑",
            Self::LongVacant => "长期无人居住的房屋",
            Self::SecondHome => "有两处及以上住房的非主要住房",
            Self::RebuiltOrBoughtElsewhere => "已在别处重建或已购商品房",
        }
    }
}

pub use crate::funds::AidType;

/// One household's losses in one event.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct DamageRecord {
    pub id: i64,
    pub event_id: i64,
    pub household_id: i64,
    /// The household's area (for scope and roll-ups).
    pub area_code: AreaCode,
    #[schema(value_type = HouseDamage)]
    #[sqlx(try_from = "String")]
    pub house_damage: DamageText,
    pub damaged_rooms: i64,
    /// People needing transitional aid (无房可住、无生活来源、无自救能力).
    pub transitional_persons: i64,
    /// People needing emergency basic-living aid (需紧急生活救助人数).
    pub emergency_persons: i64,
    /// People needing drought relief (因旱需生活救助人数).
    pub drought_persons: i64,
    pub crop_total_loss: bool,
    pub dead: i64,
    pub missing: i64,
    pub injured: i64,
    /// The household has another home to live in.
    pub has_other_home: bool,
    #[schema(value_type = Vec<Exclusion>)]
    pub exclusions: Json<Vec<Exclusion>>,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
}

impl DamageRecord {
    pub fn facts(&self) -> rules::DamageFacts {
        rules::DamageFacts {
            house: self.house_damage.0,
            rooms: self.damaged_rooms,
            transitional_persons: self.transitional_persons,
            emergency_persons: self.emergency_persons,
            drought_persons: self.drought_persons,
            crop_total_loss: self.crop_total_loss,
            dead: self.dead,
            missing: self.missing,
            injured: self.injured,
            has_other_home: self.has_other_home,
            exclusions: self.exclusions.0.clone(),
        }
    }
}

crate::text_column!(DamageText, HouseDamage);
crate::text_column!(HouseholdTypeText, HouseholdType);

/// A household's losses in an event, as entered.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DamageInput {
    pub household_id: i64,
    pub house_damage: HouseDamage,
    /// Natural rooms (自然间) damaged to that grade.
    #[serde(default)]
    pub damaged_rooms: i64,
    /// People needing transitional aid (无房可住、无生活来源、无自救能力).
    #[serde(default)]
    pub transitional_persons: i64,
    /// People needing emergency basic-living aid (需紧急生活救助人数): the basis of emergency aid.
    #[serde(default)]
    pub emergency_persons: i64,
    /// People needing drought relief (因旱需生活救助人数), in drought events.
    #[serde(default)]
    pub drought_persons: i64,
    /// The household's crops were a total loss (绝收, ≥ 80%).
    #[serde(default)]
    pub crop_total_loss: bool,
    #[serde(default)]
    pub dead: i64,
    #[serde(default)]
    pub missing: i64,
    /// Injured members (for medical assistance).
    #[serde(default)]
    pub injured: i64,
    /// The household has another home to live in.
    #[serde(default)]
    pub has_other_home: bool,
    /// Why the damaged house does not qualify for rebuild aid (docs/domain/relief-standards.md#rebuild-aid-exclusions).
    #[serde(default)]
    pub exclusions: Vec<Exclusion>,
}

/// The refusal of a step naming a household that does not exist.
pub fn no_household(id: i64) -> crate::error::Said {
    crate::said!("household_unknown", "no household {household}", household = id)
}
