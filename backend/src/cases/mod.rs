//! One window and urgent help (一门受理 / 救急难, docs/domain/one-window.md): a request for social
//! assistance handed in at a township's window (or raised by a hotline, a department or detection)
//! becomes a case; the township refers it to the department deciding each programme asked for, with
//! a deadline per programme; each department accepts its referral and answers with its decision,
//! which comes back to the township. The applicant follows the case by receipt number.

pub mod alerts;
pub mod http;
pub mod rules;
pub mod service;
pub mod store;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::areas::AreaCode;
pub use crate::households::Programme;
use crate::households::rules::Need;
use crate::households::{HouseDamage, HouseholdType};
use crate::money::Fen;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, strum::VariantArray)]
#[serde(rename_all = "snake_case")]
pub enum CaseKind {
    /// An application for one or more programmes.
    Application,
    /// Passed on by another body.
    Referral,
    /// 救急难: hardship that cannot wait; every deadline is the urgent one.
    Urgent,
}

crate::decode_from_text!(CaseKind);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, strum::VariantArray)]
#[serde(rename_all = "snake_case")]
pub enum CaseSource {
    /// The township's one window (一门受理).
    OneWindow,
    /// Raised by the system's detection of households that fall through.
    Detection,
    /// A hotline call (12345, 12349).
    Hotline,
    /// Passed on by a department.
    Department,
}

crate::decode_from_text!(CaseSource);

/// Where a case stands: `received` until the township refers it; `referred` while any department
/// has not accepted; `accepted` while any has not decided; `decided` once every department
/// answered; `closed` by the township (withdrawn, or done).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, strum::VariantArray)]
#[serde(rename_all = "snake_case")]
#[schema(as = AssistanceCaseStatus)]
pub enum CaseStatus {
    Received,
    Referred,
    Accepted,
    Decided,
    Closed,
}

crate::decode_from_text!(CaseStatus);

/// One programme's part of a case, at the department deciding it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, strum::VariantArray)]
#[serde(rename_all = "snake_case")]
pub enum ReferralStatus {
    Referred,
    Accepted,
    Granted,
    Declined,
    /// Passed to another department: the township refers the case on.
    Transferred,
}

crate::decode_from_text!(ReferralStatus);

impl ReferralStatus {
    pub fn is_answered(self) -> bool {
        matches!(self, Self::Granted | Self::Declined | Self::Transferred)
    }
}

/// A department's answer on its referral.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = ReferralDecision)]
pub enum Decision {
    Granted,
    Declined,
    Transferred,
}

impl From<Decision> for ReferralStatus {
    fn from(decision: Decision) -> Self {
        match decision {
            Decision::Granted => Self::Granted,
            Decision::Declined => Self::Declined,
            Decision::Transferred => Self::Transferred,
        }
    }
}

/// A case as stored; the applicant's ID number and phone only masked (the full ones are encrypted
/// and not read back here).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CaseRow {
    pub id: i64,
    pub receipt_no: String,
    pub area_code: AreaCode,
    pub household_id: Option<i64>,
    pub applicant_name: String,
    pub applicant_name_masked: String,
    pub id_masked: Option<String>,
    pub phone: String,
    #[sqlx(try_from = "String")]
    pub kind: CaseKind,
    #[sqlx(try_from = "String")]
    pub source: CaseSource,
    pub description: String,
    #[sqlx(try_from = "String")]
    pub status: CaseStatus,
    pub due_at: DateTime<Utc>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub close_reason: Option<String>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Referral {
    #[sqlx(try_from = "String")]
    pub programme: Programme,
    #[sqlx(try_from = "String")]
    pub status: ReferralStatus,
    /// When the department's answer is due.
    pub due_at: DateTime<Utc>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub decided_at: Option<DateTime<Utc>>,
    /// The department (or staff member) that answered.
    pub decided_by: Option<String>,
    /// Granted amount, if money.
    #[schema(value_type = Option<i64>)]
    pub amount_fen: Option<Fen>,
    pub reason: Option<String>,
}

/// A case as staff and departments see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = AssistanceCase)]
pub struct Case {
    pub id: i64,
    /// The applicant's receipt number (回执号), to follow the case without logging in.
    pub receipt_no: String,
    pub area_code: AreaCode,
    pub household_id: Option<i64>,
    /// Full for staff of the area and the departments deciding it; masked for everyone else.
    pub applicant_name: String,
    pub id_number_masked: Option<String>,
    pub phone: String,
    pub kind: CaseKind,
    pub source: CaseSource,
    pub programmes: Vec<Programme>,
    pub description: String,
    pub status: CaseStatus,
    /// When the next step is due: the township's referral while `received`, else the earliest
    /// unanswered department's.
    pub due_at: DateTime<Utc>,
    pub overdue: bool,
    pub referrals: Vec<Referral>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub close_reason: Option<String>,
}

/// What the applicant sees by receipt number: no names, no numbers.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CaseReceipt {
    pub receipt_no: String,
    pub status: CaseStatus,
    pub received_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
    pub referrals: Vec<ReceiptLine>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = CaseReceiptLine)]
pub struct ReceiptLine {
    pub programme: Programme,
    pub status: ReferralStatus,
    pub decided_at: Option<DateTime<Utc>>,
}

/// Where a detection alert stands: `open` until staff act; `converted` into a case; `dismissed`
/// with a reason; `withdrawn` when a later record no longer shows the need (it opens again if the
/// need comes back).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, strum::VariantArray)]
#[serde(rename_all = "snake_case")]
pub enum AlertStatus {
    Open,
    Converted,
    Dismissed,
    Withdrawn,
}

crate::decode_from_text!(AlertStatus);

/// What raised an alert: the household's losses in the event and what it already holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AlertFacts {
    pub dead: i64,
    pub missing: i64,
    pub injured: i64,
    pub house: HouseDamage,
    /// Members of preschool or school age.
    pub children: i64,
    /// `dibao` or `tekun` when the household is in one.
    pub poverty_class: Option<HouseholdType>,
}

/// An alert as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AlertRow {
    pub id: i64,
    pub event_id: i64,
    pub household_id: i64,
    pub area_code: AreaCode,
    #[sqlx(try_from = "String")]
    pub need: Need,
    pub facts: sqlx::types::Json<AlertFacts>,
    #[sqlx(try_from = "String")]
    pub status: AlertStatus,
    pub case_id: Option<i64>,
    pub resolution: Option<String>,
    pub resolved_by: Option<String>,
    pub raised_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A detection alert as township staff see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = AssistanceAlert)]
pub struct Alert {
    pub id: i64,
    pub event_id: i64,
    pub household_id: i64,
    pub area_code: AreaCode,
    /// The household head: full for managers and admins of the area, masked for everyone else.
    pub head_name: String,
    pub need: Need,
    /// What to act on: the first programme now, the others to check.
    pub programmes: Vec<Programme>,
    pub facts: AlertFacts,
    pub status: AlertStatus,
    /// The case it became.
    pub case_id: Option<i64>,
    /// Why it was dismissed.
    pub resolution: Option<String>,
    pub resolved_by: Option<String>,
    pub raised_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
