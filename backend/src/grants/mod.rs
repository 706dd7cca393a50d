//! Household relief paid by list: grant lists and their workflow, public disclosure (公示) with
//! objections, the payment file, and the hand-offs of households to the other social-assistance
//! programmes (staff exports and the departments' own endpoint). Households and their damage
//! records live in `households`, below this domain.

pub mod department_http;
pub mod disclosure;
pub mod handoff;
pub mod http;
pub mod limiter;
pub mod service;
pub mod store;
pub mod workflow;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::areas::AreaCode;
use crate::funds::AidType;
use crate::money::Fen;

/// Grant list workflow (docs/domain/households.md#grant-list-workflow): draft → submitted → approved → published (公示) →
/// paid; a reviewer's rejection returns a submitted list to draft; a list not yet published can be
/// cancelled, which frees its households.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ListStatus {
    Draft,
    Submitted,
    Approved,
    Published,
    Paid,
    Cancelled,
}

/// Where a list's lines came from: drafted from the register and damage records, or approved
/// applications (the county's decisions collect in one approved list per event and aid item).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ListSource {
    Register,
    Applications,
}

crate::decode_from_text!(ListSource);
crate::text_column!(ListStatusText, ListStatus);
crate::text_column!(AidTypeText, AidType);

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct GrantListRow {
    pub id: i64,
    pub event_id: i64,
    #[sqlx(try_from = "String")]
    pub aid_type: AidTypeText,
    pub area_code: AreaCode,
    #[sqlx(try_from = "String")]
    pub status: ListStatusText,
    #[sqlx(try_from = "String")]
    pub source: ListSource,
    pub author_id: i64,
    pub author_name: String,
    pub reviewer_name: Option<String>,
    pub return_reason: Option<String>,
    pub total_fen: Fen,
    pub households: i64,
    pub disclosure_start: Option<DateTime<Utc>>,
    pub disclosure_end: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub approved_at: Option<DateTime<Utc>>,
    pub paid_at: Option<DateTime<Utc>>,
    pub paid_by: Option<String>,
}

impl GrantListRow {
    pub fn status(&self) -> ListStatus {
        self.status.0
    }
    pub fn aid(&self) -> AidType {
        self.aid_type.0
    }
}

/// One line of a grant list, with the household fields lists show.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct GrantRow {
    pub id: i64,
    pub list_id: i64,
    pub household_id: i64,
    pub amount_fen: Fen,
    pub reason: String,
    pub priority: bool,
    pub line_no: i64,
    /// listed, or under_review after an objection
    pub status: String,
    pub head_name: String,
    pub name_masked: String,
    pub id_masked: String,
    pub area_code: AreaCode,
    pub members: i64,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Objection {
    pub id: i64,
    pub list_id: i64,
    /// The disclosed line objected to, if the objection names one.
    pub grant_id: Option<i64>,
    pub text: String,
    /// How to reach the objector, if given (shown to staff only).
    pub contact: Option<String>,
    /// open or answered
    pub status: String,
    /// dismissed (the grant stands) or withdrawn (the grant is removed from the list)
    pub decision: Option<String>,
    pub answer: Option<String>,
    pub answered_by: Option<String>,
    pub answered_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}
