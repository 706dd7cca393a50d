//! Household applications and the application chain (docs/domain/applications.md): 户报 (a
//! caseworker files a household's application) → 村评 (the village assesses it) → 审核公示 (the
//! village's recommended applications are posted, with objections) → 乡审 (the township reviews) →
//! 县定 (the county decides the amount). An approved application joins the county's grant list for
//! the event and aid item, whose 审批公示 and payment follow in `grants`.

pub mod http;
pub mod rules;
pub mod service;
pub mod store;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::types::Json;
use utoipa::ToSchema;

use crate::areas::{AreaCode, Level};
use crate::funds::{AidType, HardshipClass};
use crate::money::Fen;

/// Where an application stands. `applied`, `recommended`, `township_approved` are open steps;
/// `approved` sits in a grant list; `not_recommended`, `returned` and `rejected` are closed and
/// leave the household free to apply again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, strum::VariantArray)]
#[serde(rename_all = "snake_case")]
pub enum ApplicationStatus {
    Applied,
    Recommended,
    NotRecommended,
    TownshipApproved,
    Returned,
    Approved,
    Rejected,
}

crate::decode_from_text!(ApplicationStatus);

/// A step of the chain, as recorded in the application's history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// 户报
    Apply,
    /// An open need record edited before the village assessed it (its details: before and after).
    Revise,
    /// 村评
    VillageAssessment,
    /// 审核公示
    Disclosure,
    /// An objection upheld: the application goes back for a new assessment.
    Objection,
    /// 乡审
    TownshipReview,
    /// 县定
    CountyDecision,
}

crate::decode_from_text!(Step);

impl Step {
    /// The level whose decision the step is: a user scoped there acts in their own right, one
    /// scoped above acts for it.
    pub fn level(self) -> Level {
        match self {
            Self::Apply | Self::Revise | Self::VillageAssessment | Self::Disclosure => Level::Village,
            // The township answers the objections to a village notice.
            Self::Objection | Self::TownshipReview => Level::Township,
            Self::CountyDecision => Level::County,
        }
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ApplicationRow {
    pub id: i64,
    pub event_id: i64,
    pub household_id: i64,
    #[sqlx(try_from = "String")]
    pub aid_type: AidType,
    pub area_code: AreaCode,
    pub persons: i64,
    pub reason: String,
    pub phone: Option<String>,
    pub attachments: Json<Vec<String>>,
    #[sqlx(try_from = "String")]
    pub status: ApplicationStatus,
    pub filed_by_name: String,
    pub disclosure_id: Option<i64>,
    pub standard_fen: Fen,
    pub amount_fen: Option<Fen>,
    pub above_standard: bool,
    pub outcome_reason: Option<String>,
    pub grant_list_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub step_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The household's name and ID number, masked, and its size (joined).
    pub name_masked: String,
    pub id_masked: String,
    pub members: i64,
    /// The end of the village notice the application was posted in (joined).
    pub disclosure_end: Option<DateTime<Utc>>,
    /// Objections still open against the application or its whole notice (counted).
    pub open_objections: i64,
    /// A winter–spring need record's campaign, hardship class and needs in kind.
    pub campaign_id: Option<i64>,
    #[sqlx(try_from = "Option<String>")]
    pub hardship_class: OptionalClass,
    pub needs: Option<Json<WinterSpringNeeds>>,
}

/// A stored hardship class, if any (an unknown stored value fails the query).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OptionalClass(pub Option<HardshipClass>);

impl TryFrom<Option<String>> for OptionalClass {
    type Error = crate::error::Said;
    fn try_from(text: Option<String>) -> Result<Self, crate::error::Said> {
        text.map(HardshipClass::try_from).transpose().map(OptionalClass)
    }
}

/// What a household short of food, clothing or warmth through winter and spring asks for
/// (一户一表, docs/domain/winter-spring.md#records).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WinterSpringNeeds {
    /// Months of grain (口粮) the household lacks, 0 to 8.
    pub food_months: i64,
    /// Pieces of winter clothing (衣).
    pub clothing: i64,
    /// Quilts (被).
    pub quilts: i64,
    /// Needs help to keep warm (取暖).
    pub heating: bool,
    /// Has no safe place to spend the winter (住房).
    pub housing: bool,
}

/// A winter–spring need filed in a campaign: what the application carries besides its claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WinterSpringClaim {
    pub campaign_id: i64,
    pub class: HardshipClass,
    pub needs: WinterSpringNeeds,
}

/// One step taken, as the history shows it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct StepRecord {
    #[sqlx(try_from = "String")]
    pub step: Step,
    pub decision: Option<String>,
    pub reason: Option<String>,
    /// The step's own facts: the village vote and minutes, the amount decided.
    #[schema(value_type = Object)]
    pub details: Json<serde_json::Value>,
    pub actor_id: Option<i64>,
    pub actor_name: String,
    /// The level the actor acted for, when their scope lies above the step's level.
    #[sqlx(try_from = "Option<String>")]
    pub acting_for: ActingFor,
    pub at: DateTime<Utc>,
}

/// The level a user acted for (None: in their own right).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(transparent)]
pub struct ActingFor(pub Option<Level>);

impl TryFrom<Option<String>> for ActingFor {
    type Error = crate::error::Said;
    fn try_from(text: Option<String>) -> Result<Self, crate::error::Said> {
        text.map(Level::try_from).transpose().map(ActingFor)
    }
}

/// A village notice (审核公示) of recommended applications.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DisclosureRow {
    pub id: i64,
    pub event_id: i64,
    #[sqlx(try_from = "String")]
    pub aid_type: AidType,
    pub area_code: AreaCode,
    pub location: Option<String>,
    pub disclosure_start: DateTime<Utc>,
    pub disclosure_end: DateTime<Utc>,
    pub published_by: String,
    pub created_at: DateTime<Utc>,
    pub applications: i64,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct ApplicationObjection {
    pub id: i64,
    pub disclosure_id: i64,
    /// The application objected to, if the objection names one.
    pub application_id: Option<i64>,
    pub text: String,
    /// How to reach the objector (staff only).
    pub contact: Option<String>,
    /// open or answered
    pub status: String,
    /// dismissed (the application goes on) or upheld (it goes back to the village for a new assessment)
    pub decision: Option<String>,
    pub answer: Option<String>,
    pub answered_by: Option<String>,
    pub answered_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}
