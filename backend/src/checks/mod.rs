//! Cross-programme checks (信息共享 / 交叉比对, docs/domain/checks.md): findings where the
//! programmes' records disagree, so that nobody is helped twice and nothing is missed. The
//! findings are computed on read by pure rules (`rules.rs`) over what the store loads; only a
//! finding's resolution (why it is in order, by whom, when) is stored, keyed by the finding's
//! stable key, so a resolved finding stays resolved for as long as the same key is found.
//!
//! - `rules.rs`: the checks themselves — pure;
//! - `store.rs`: loading what the checks read, and the resolutions;
//! - `service.rs`: running the checks for a reader, resolving a finding;
//! - `http.rs`: `GET /api/v1/checks` (JSON or CSV), `POST /api/v1/checks/{key}/resolve`.

pub mod http;
pub mod rules;
pub mod service;
pub mod store;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::areas::AreaCode;
use crate::funds::AidType;
use crate::money::Fen;

/// What a check looks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = CheckKind)]
pub enum CheckKind {
    /// One ID number in two households: the head of one household is the applicant of a
    /// one-window case filed for another (or two cases name two households).
    PersonInTwoHouseholds,
    /// One bank account (一卡通) on households with different heads.
    BankShared,
    /// One aid item paid to a household twice for one event: at once (phase 0) and again in
    /// payment phases (winter–spring phases, rebuild stages).
    DoubleGrant,
    /// A household's grants of one aid item for one event add up to more than its standard.
    AboveStandard,
    /// Relief granted to a household whose damage record shows no loss, or with no damage record.
    GrantWithoutLoss,
    /// Stock received in an area far off what the people granted emergency aid there need.
    StockVsServed,
}

impl CheckKind {
    pub const ALL: [Self; 6] = [
        Self::PersonInTwoHouseholds,
        Self::BankShared,
        Self::DoubleGrant,
        Self::AboveStandard,
        Self::GrantWithoutLoss,
        Self::StockVsServed,
    ];

    pub fn label_zh(self) -> &'static str {
        match self {
            Self::PersonInTwoHouseholds => "同一身份证号在两户",
            Self::BankShared => "同一账户多户共用",
            Self::DoubleGrant => "同一救助重复发放",
            Self::AboveStandard => "超标准发放",
            Self::GrantWithoutLoss => "无损失记录获救助",
            Self::StockVsServed => "物资与救助人数不符",
        }
    }
}

crate::decode_from_text!(CheckKind);

/// Whether a finding is open or has been resolved with a reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = CheckStatus)]
pub enum FindingStatus {
    Open,
    Resolved,
}

/// What a check found, before the reader's view (names) and the stored resolution are added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// Stable while the same records disagree in the same way, e.g. `bank_shared:3f9a…`,
    /// `above_standard:1:emergency:42`.
    pub key: String,
    pub kind: CheckKind,
    /// The lowest area holding every record the finding names.
    pub area_code: AreaCode,
    pub event_id: Option<i64>,
    pub household_ids: Vec<i64>,
    pub grant_ids: Vec<i64>,
    pub list_ids: Vec<i64>,
    pub case_ids: Vec<i64>,
    pub shipment_ids: Vec<i64>,
    pub depot_ids: Vec<i64>,
    /// The figures, in words.
    pub summary: String,
    /// The figures for a screen to put in its own words (see `FindingFigures`).
    pub figures: FindingFigures,
}

/// What a finding is about in figures, so that a screen can name it in the reader's language.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
#[schema(as = CheckFigures)]
pub struct FindingFigures {
    /// person_in_two_households: the household whose head is the cases' applicant (none when the
    /// applicant heads no household and the cases name two).
    pub head_household_id: Option<i64>,
    /// The grant lines the finding names (the grant checks), with their amounts.
    pub grants: Vec<FindingGrant>,
    /// grant_without_loss: the household has no damage record for the event (else its record
    /// shows no loss).
    pub no_damage_record: bool,
    /// above_standard: what the household's standard gives, in fen.
    #[schema(value_type = Option<i64>)]
    pub standard_fen: Option<Fen>,
    /// stock_vs_served: the item and its figures.
    pub stock: Option<FindingStock>,
}

/// A grant line a finding names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[schema(as = CheckGrant)]
pub struct FindingGrant {
    pub id: i64,
    pub list_id: i64,
    pub aid_type: AidType,
    #[schema(value_type = i64)]
    pub amount_fen: Fen,
    /// 0: paid at once; 1, 2, …: a payment phase.
    pub phase: i64,
}

/// The units of an item received in an area against what its emergency norm gives the people
/// granted emergency aid there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[schema(as = CheckStock)]
pub struct FindingStock {
    pub item_code: String,
    pub item_name_zh: String,
    pub item_name_en: String,
    pub unit: String,
    pub received: i64,
    /// What the norm gives the people served (rounded up).
    pub expected: i64,
    /// The emergency persons (需紧急生活救助人数) of the households granted emergency aid in the area.
    pub persons: i64,
    /// The households granted emergency aid in the area.
    pub households: i64,
}

/// A household a finding names, as the reader may see it: the name masked unless the reader is
/// a manager or admin of its area; the ID number and bank account always masked.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = CheckHousehold)]
pub struct FindingHousehold {
    pub id: i64,
    pub head_name: String,
    pub name_masked: bool,
    pub id_number_masked: String,
    pub bank_account_masked: Option<String>,
    pub area_code: AreaCode,
}

/// A finding as the API shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = CheckFinding)]
pub struct Finding {
    pub key: String,
    pub kind: CheckKind,
    pub kind_zh: String,
    pub area_code: AreaCode,
    pub event_id: Option<i64>,
    pub household_ids: Vec<i64>,
    pub households: Vec<FindingHousehold>,
    pub grant_ids: Vec<i64>,
    pub list_ids: Vec<i64>,
    pub case_ids: Vec<i64>,
    pub shipment_ids: Vec<i64>,
    pub depot_ids: Vec<i64>,
    pub summary: String,
    pub figures: FindingFigures,
    pub status: FindingStatus,
    /// Why it is in order (resolved findings).
    pub reason: Option<String>,
    pub resolved_by: Option<String>,
    pub resolved_at: Option<DateTime<Utc>>,
}

/// A stored resolution.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Resolution {
    pub key: String,
    pub reason: String,
    pub resolved_by: String,
    pub resolved_at: DateTime<Utc>,
}
