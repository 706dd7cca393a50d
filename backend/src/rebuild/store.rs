//! Rebuild cases and their steps in SQL. Every step locks the case's row first and commits with
//! its history row and its audit record; a household holds one case (`rebuild_cases_household`).

use chrono::{NaiveDate, Utc};
use macro_rules_attribute::apply;
use serde_json::Value;
use sqlx::types::Json;

use super::{Basis, CasePhoto, CaseRow, CaseStatus, CaseStep, CaseStepRecord, Mode};
use crate::areas::AreaCode;
use crate::audit::AuditEntry;
use crate::audit::store::AuditSteps;
use crate::db::for_both_backends;
use crate::disasters::store::{PhotoFile, PhotoTable};
use crate::money::Fen;
use crate::text_enum::enum_text;

#[derive(Debug, Clone)]
pub struct NewCase {
    pub event_id: i64,
    pub household_id: i64,
    pub area_code: AreaCode,
    pub mode: Mode,
    pub rooms: i32,
    pub standard_fen: Fen,
    pub basis: Basis,
    pub opened_by: String,
}

/// A step taken: what it leads to and what it records.
#[derive(Debug, Clone)]
pub struct Taken {
    pub step: CaseStep,
    pub from: CaseStatus,
    pub to: CaseStatus,
    pub details: Value,
    pub actor_id: i64,
    pub actor_name: String,
    /// The approved subsidy and the approval date (the approval step only).
    pub approval: Option<(Fen, NaiveDate)>,
}

#[derive(Debug, thiserror::Error)]
pub enum CaseError {
    #[error("the household already has a rebuild case; no house is subsidised twice")]
    AlreadyOpen,
    #[error("the case is {} now", enum_text(*.0))]
    WrongState(CaseStatus),
    #[error("not found")]
    NotFound,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

#[async_trait::async_trait]
pub trait RebuildStore {
    async fn open_case(&self, case: &NewCase, details: &Value, audit: &AuditEntry) -> Result<i64, CaseError>;
    async fn get_case(&self, id: i64) -> sqlx::Result<Option<CaseRow>>;
    /// Cases in the areas `pattern` covers, optionally of one event and status.
    async fn cases(
        &self,
        pattern: &str,
        event_id: Option<i64>,
        status: Option<CaseStatus>,
    ) -> sqlx::Result<Vec<CaseRow>>;
    async fn case_steps(&self, id: i64) -> sqlx::Result<Vec<CaseStepRecord>>;
    /// Takes a step: the case must still be in `taken.from`.
    async fn take_step(&self, id: i64, taken: &Taken, audit: &AuditEntry) -> Result<(), CaseError>;
    /// A county's stage shares in basis points, if it set its own.
    async fn stage_shares(&self, county: &AreaCode) -> sqlx::Result<Option<[i64; 3]>>;
    async fn set_stage_shares(
        &self,
        county: &AreaCode,
        shares_bp: [i64; 3],
        by: &str,
        audit: &AuditEntry,
    ) -> sqlx::Result<()>;
    /// The stages already on a grant list, per household (ordinals), of the event's rebuild aid.
    async fn listed_stages(&self, event_id: i64) -> sqlx::Result<Vec<(i64, i32)>>;
    /// A household's stage grants in the event: ordinal, amount, list and the list's status.
    async fn stage_grants(&self, event_id: i64, household_id: i64) -> sqlx::Result<Vec<(i32, Fen, i64, String)>>;
    async fn add_case_photo(&self, case_id: i64, file: &PhotoFile, audit: &AuditEntry) -> sqlx::Result<i64>;
    async fn case_photos(&self, case_id: i64) -> sqlx::Result<Vec<CasePhoto>>;
}

const CASE_SELECT: &str = "SELECT c.id, c.event_id, c.household_id, c.area_code, c.mode, c.status, c.rooms, \
     c.standard_fen, c.subsidy_fen, c.basis, c.opened_by, c.created_at, c.step_at, c.approved_on, c.updated_at, \
     h.name_masked, h.id_masked FROM rebuild_cases c JOIN households h ON h.id = c.household_id";

#[apply(for_both_backends!)]
impl RebuildStore for Backends {
    async fn open_case(&self, case: &NewCase, details: &Value, audit: &AuditEntry) -> Result<i64, CaseError> {
        let mut tx = self.begin().await?;
        let now = Utc::now();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO rebuild_cases (event_id, household_id, area_code, mode, status, rooms, standard_fen, basis,
                 opened_by, created_at, step_at, updated_at)
             VALUES ($1, $2, $3, $4, 'surveyed', $5, $6, $7, $8, $9, $9, $9) RETURNING id",
        )
        .bind(case.event_id)
        .bind(case.household_id)
        .bind(&case.area_code)
        .bind(enum_text(case.mode))
        .bind(case.rooms)
        .bind(case.standard_fen)
        .bind(enum_text(case.basis))
        .bind(&case.opened_by)
        .bind(now)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| match &e {
            sqlx::Error::Database(db) if db.is_unique_violation() => CaseError::AlreadyOpen,
            _ => CaseError::Db(e),
        })?;
        sqlx::query(
            "INSERT INTO rebuild_case_steps (case_id, step, outcome, details, actor_id, actor_name, at)
             VALUES ($1, 'survey', 'surveyed', $2, NULL, $3, $4)",
        )
        .bind(id)
        .bind(Json(details))
        .bind(&case.opened_by)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        Self::write_audit_created(&mut tx, audit, id).await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn get_case(&self, id: i64) -> sqlx::Result<Option<CaseRow>> {
        let sql = format!("{CASE_SELECT} WHERE c.id = $1");
        sqlx::query_as::<_, CaseRow>(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(self.reader()).await
    }

    async fn cases(
        &self,
        pattern: &str,
        event_id: Option<i64>,
        status: Option<CaseStatus>,
    ) -> sqlx::Result<Vec<CaseRow>> {
        let sql = format!(
            "{CASE_SELECT} WHERE c.area_code LIKE $1 AND ($2 IS NULL OR c.event_id = $2) AND ($3 IS NULL OR c.status = $3)
             ORDER BY c.area_code, c.id"
        );
        sqlx::query_as::<_, CaseRow>(sqlx::AssertSqlSafe(sql))
            .bind(pattern)
            .bind(event_id)
            .bind(status.map(enum_text))
            .fetch_all(self.reader())
            .await
    }

    async fn case_steps(&self, id: i64) -> sqlx::Result<Vec<CaseStepRecord>> {
        sqlx::query_as::<_, CaseStepRecord>(
            "SELECT step, outcome, details, actor_name, at FROM rebuild_case_steps WHERE case_id = $1 ORDER BY id",
        )
        .bind(id)
        .fetch_all(self.reader())
        .await
    }

    async fn take_step(&self, id: i64, taken: &Taken, audit: &AuditEntry) -> Result<(), CaseError> {
        let mut tx = self.begin().await?;
        let now = Utc::now();
        let status: String =
            sqlx::query_scalar("UPDATE rebuild_cases SET updated_at = updated_at WHERE id = $1 RETURNING status")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or(CaseError::NotFound)?;
        let status = CaseStatus::try_from(status).map_err(|e| CaseError::Db(sqlx::Error::Decode(e.into())))?;
        if status != taken.from {
            return Err(CaseError::WrongState(status));
        }
        sqlx::query(
            "UPDATE rebuild_cases SET status = $2, step_at = $3, updated_at = $3,
                 subsidy_fen = COALESCE($4, subsidy_fen), approved_on = COALESCE($5, approved_on)
             WHERE id = $1",
        )
        .bind(id)
        .bind(enum_text(taken.to))
        .bind(now)
        .bind(taken.approval.map(|(fen, _)| fen))
        .bind(taken.approval.map(|(_, on)| on))
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO rebuild_case_steps (case_id, step, outcome, details, actor_id, actor_name, at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(id)
        .bind(enum_text(taken.step))
        .bind(enum_text(taken.to))
        .bind(Json(&taken.details))
        .bind(taken.actor_id)
        .bind(&taken.actor_name)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        Self::commit_audited(tx, audit).await?;
        Ok(())
    }

    async fn stage_shares(&self, county: &AreaCode) -> sqlx::Result<Option<[i64; 3]>> {
        let row: Option<(i32, i32, i32)> = sqlx::query_as(
            "SELECT start_bp, structure_bp, acceptance_bp FROM rebuild_stage_shares WHERE area_code = $1",
        )
        .bind(county)
        .fetch_optional(self.reader())
        .await?;
        Ok(row.map(|(a, b, c)| [i64::from(a), i64::from(b), i64::from(c)]))
    }

    async fn set_stage_shares(
        &self,
        county: &AreaCode,
        shares_bp: [i64; 3],
        by: &str,
        audit: &AuditEntry,
    ) -> sqlx::Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO rebuild_stage_shares (area_code, start_bp, structure_bp, acceptance_bp, set_by, set_at)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (area_code) DO UPDATE SET start_bp = $2, structure_bp = $3, acceptance_bp = $4, set_by = $5, set_at = $6",
        )
        .bind(county)
        .bind(shares_bp[0] as i32)
        .bind(shares_bp[1] as i32)
        .bind(shares_bp[2] as i32)
        .bind(by)
        .bind(Utc::now())
        .execute(&mut *tx)
        .await?;
        Self::commit_audited(tx, audit).await
    }

    async fn listed_stages(&self, event_id: i64) -> sqlx::Result<Vec<(i64, i32)>> {
        sqlx::query_as(
            "SELECT household_id, phase FROM grants WHERE event_id = $1 AND aid_type = 'reconstruction' AND phase > 0",
        )
        .bind(event_id)
        .fetch_all(self.reader())
        .await
    }

    async fn stage_grants(&self, event_id: i64, household_id: i64) -> sqlx::Result<Vec<(i32, Fen, i64, String)>> {
        sqlx::query_as(
            "SELECT g.phase, g.amount_fen, g.list_id, l.status FROM grants g JOIN grant_lists l ON l.id = g.list_id
             WHERE g.event_id = $1 AND g.household_id = $2 AND g.aid_type = 'reconstruction' AND g.phase > 0
             ORDER BY g.phase",
        )
        .bind(event_id)
        .bind(household_id)
        .fetch_all(self.reader())
        .await
    }

    async fn add_case_photo(&self, case_id: i64, file: &PhotoFile, audit: &AuditEntry) -> sqlx::Result<i64> {
        self.insert_photo(PhotoTable::RebuildCase, case_id, file, audit).await
    }

    async fn case_photos(&self, case_id: i64) -> sqlx::Result<Vec<CasePhoto>> {
        self.photos_of(PhotoTable::RebuildCase, case_id).await
    }
}
