//! Campaigns and the need figures each level submits, in SQL. The need records themselves are
//! applications (`applications::store`), read through `ApplicationFilter::campaign_id`.

use chrono::{DateTime, NaiveDate, Utc};
use macro_rules_attribute::apply;
use sqlx::types::Json;

use super::rules::{Calendar, NeedFigures};
use super::{CampaignRow, Phase, Received, Submission, SubmissionStatus};
use crate::areas::AreaCode;
use crate::audit::AuditEntry;
use crate::audit::store::AuditSteps;
use crate::db::for_both_backends;
use crate::money::Fen;
use crate::text_enum::enum_text;

#[derive(Debug, Clone)]
pub struct NewCampaign {
    pub year: i32,
    pub area_code: AreaCode,
    pub calendar: Calendar,
    pub created_by: String,
}

#[derive(Debug, Clone)]
pub struct NewPhase {
    pub name: String,
    pub share_bp: i64,
    pub starts_on: NaiveDate,
}

#[derive(Debug, Clone)]
pub struct NewReceived {
    pub campaign_id: i64,
    pub household_id: i64,
    pub area_code: AreaCode,
    pub money_fen: Fen,
    pub goods: String,
    pub goods_value_fen: Fen,
    pub received_on: NaiveDate,
    pub recorded_by: String,
}

/// A grant list paying a phase.
#[derive(Debug, Clone, serde::Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct PhaseList {
    pub phase_id: i64,
    pub list_id: i64,
    pub event_id: i64,
    /// The list's status (draft, submitted, approved, disclosed, paid …).
    pub status: String,
    #[schema(value_type = i64)]
    pub total_fen: Fen,
    pub households: i64,
    pub paid_at: Option<DateTime<Utc>>,
}

#[derive(Debug, thiserror::Error)]
pub enum CampaignError {
    #[error("a grant list already pays one of the county's phases; its phases can no longer change")]
    PhasesInUse,
    #[error("campaign {0} of the same year already covers part of this area")]
    Overlaps(i64),
    #[error("the level above accepted these figures on {0}; they are locked")]
    Accepted(DateTime<Utc>),
    #[error("there are no submitted figures of this area waiting for a decision")]
    NothingSubmitted,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

#[async_trait::async_trait]
pub trait WinterSpringStore {
    /// Opens a campaign unless one of the same year covers an area inside or around it.
    async fn create_campaign(&self, campaign: &NewCampaign, audit: &AuditEntry) -> Result<i64, CampaignError>;
    async fn get_campaign(&self, id: i64) -> sqlx::Result<Option<CampaignRow>>;
    async fn campaigns(&self) -> sqlx::Result<Vec<CampaignRow>>;
    async fn submissions(&self, campaign_id: i64) -> sqlx::Result<Vec<Submission>>;
    /// Records (or replaces, until the level above accepts it) an area's submitted figures.
    async fn submit(
        &self,
        campaign_id: i64,
        area_code: &AreaCode,
        figures: &NeedFigures,
        by: &str,
        audit: &AuditEntry,
    ) -> Result<(), CampaignError>;
    /// The level above accepts or returns submitted figures.
    async fn decide_submission(
        &self,
        campaign_id: i64,
        area_code: &AreaCode,
        to: SubmissionStatus,
        reason: Option<&str>,
        by: &str,
        audit: &AuditEntry,
    ) -> Result<(), CampaignError>;
    /// Replaces a county's payment phases, unless a grant list already pays one of them.
    async fn set_phases(
        &self,
        campaign_id: i64,
        county: &AreaCode,
        phases: &[NewPhase],
        by: &str,
        audit: &AuditEntry,
    ) -> Result<(), CampaignError>;
    async fn phases(&self, campaign_id: i64) -> sqlx::Result<Vec<Phase>>;
    async fn phase_lists(&self, campaign_id: i64) -> sqlx::Result<Vec<PhaseList>>;
    /// Money the campaign's paid phase lists gave each household (fen).
    async fn paid_in_phases(&self, campaign_id: i64) -> sqlx::Result<std::collections::HashMap<i64, Fen>>;
    async fn record_received(&self, received: &NewReceived, audit: &AuditEntry) -> sqlx::Result<i64>;
    /// What households of the areas `pattern` covers received besides the phases' money.
    async fn received(&self, campaign_id: i64, pattern: &str) -> sqlx::Result<Vec<Received>>;
}

const CAMPAIGN_COLUMNS: &str = "id, year, area_code, survey_start, county_due, city_due, province_due, relief_start, \
     relief_end, created_by, created_at";
const PHASE_COLUMNS: &str = "id, campaign_id, area_code, ordinal, name, share_bp, starts_on, created_by, created_at";
const RECEIVED_COLUMNS: &str = "id, campaign_id, household_id, area_code, money_fen, goods, goods_value_fen, received_on, \
     recorded_by, recorded_at";
const SUBMISSION_COLUMNS: &str =
    "campaign_id, area_code, status, figures, submitted_by, submitted_at, decided_by, decided_at, reason";

#[apply(for_both_backends!)]
impl WinterSpringStore for Backends {
    async fn create_campaign(&self, campaign: &NewCampaign, audit: &AuditEntry) -> Result<i64, CampaignError> {
        let mut tx = self.begin().await?;
        let same_year: Vec<(i64, AreaCode)> =
            sqlx::query_as("SELECT id, area_code FROM winter_spring_campaigns WHERE year = $1")
                .bind(campaign.year)
                .fetch_all(&mut *tx)
                .await?;
        let area = &campaign.area_code;
        if let Some((id, _)) =
            same_year.iter().find(|(_, other)| other.contains(area.as_str()) || area.contains(other.as_str()))
        {
            return Err(CampaignError::Overlaps(*id));
        }
        let c = &campaign.calendar;
        let dates: [NaiveDate; 6] =
            [c.survey_start, c.county_due, c.city_due, c.province_due, c.relief_start, c.relief_end];
        let mut insert = sqlx::query_scalar(
            "INSERT INTO winter_spring_campaigns (year, area_code, survey_start, county_due, city_due, province_due,
                 relief_start, relief_end, created_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(campaign.year)
        .bind(area);
        for date in dates {
            insert = insert.bind(date);
        }
        let id: i64 =
            insert.bind(&campaign.created_by).bind(Utc::now()).fetch_one(&mut *tx).await.map_err(|e| match &e {
                // Two openings at once: the other one won.
                sqlx::Error::Database(db) if db.is_unique_violation() => CampaignError::Overlaps(0),
                _ => CampaignError::Db(e),
            })?;
        Self::write_audit_created(&mut tx, audit, id).await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn get_campaign(&self, id: i64) -> sqlx::Result<Option<CampaignRow>> {
        let sql = format!("SELECT {CAMPAIGN_COLUMNS} FROM winter_spring_campaigns WHERE id = $1");
        sqlx::query_as::<_, CampaignRow>(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(self.reader()).await
    }

    async fn campaigns(&self) -> sqlx::Result<Vec<CampaignRow>> {
        let sql = format!("SELECT {CAMPAIGN_COLUMNS} FROM winter_spring_campaigns ORDER BY year DESC, area_code");
        sqlx::query_as::<_, CampaignRow>(sqlx::AssertSqlSafe(sql)).fetch_all(self.reader()).await
    }

    async fn submissions(&self, campaign_id: i64) -> sqlx::Result<Vec<Submission>> {
        let sql = format!(
            "SELECT {SUBMISSION_COLUMNS} FROM winter_spring_submissions WHERE campaign_id = $1 ORDER BY area_code"
        );
        sqlx::query_as::<_, Submission>(sqlx::AssertSqlSafe(sql)).bind(campaign_id).fetch_all(self.reader()).await
    }

    async fn submit(
        &self,
        campaign_id: i64,
        area_code: &AreaCode,
        figures: &NeedFigures,
        by: &str,
        audit: &AuditEntry,
    ) -> Result<(), CampaignError> {
        let mut tx = self.begin().await?;
        let decided: Option<(String, Option<DateTime<Utc>>)> = sqlx::query_as(
            "UPDATE winter_spring_submissions SET status = status WHERE campaign_id = $1 AND area_code = $2
             RETURNING status, decided_at",
        )
        .bind(campaign_id)
        .bind(area_code)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some((status, Some(at))) = &decided
            && status == &enum_text(SubmissionStatus::Accepted)
        {
            return Err(CampaignError::Accepted(*at));
        }
        sqlx::query(
            "INSERT INTO winter_spring_submissions (campaign_id, area_code, status, figures, submitted_by, submitted_at)
             VALUES ($1, $2, 'submitted', $3, $4, $5)
             ON CONFLICT (campaign_id, area_code) DO UPDATE SET status = 'submitted', figures = $3, submitted_by = $4,
                 submitted_at = $5, decided_by = NULL, decided_at = NULL, reason = NULL",
        )
        .bind(campaign_id)
        .bind(area_code)
        .bind(Json(figures))
        .bind(by)
        .bind(Utc::now())
        .execute(&mut *tx)
        .await?;
        Ok(Self::commit_audited(tx, audit).await?)
    }

    async fn decide_submission(
        &self,
        campaign_id: i64,
        area_code: &AreaCode,
        to: SubmissionStatus,
        reason: Option<&str>,
        by: &str,
        audit: &AuditEntry,
    ) -> Result<(), CampaignError> {
        let mut tx = self.begin().await?;
        let decided = sqlx::query(
            "UPDATE winter_spring_submissions SET status = $3, reason = $4, decided_by = $5, decided_at = $6
             WHERE campaign_id = $1 AND area_code = $2 AND status = 'submitted'",
        )
        .bind(campaign_id)
        .bind(area_code)
        .bind(enum_text(to))
        .bind(reason)
        .bind(by)
        .bind(Utc::now())
        .execute(&mut *tx)
        .await?;
        if decided.rows_affected() == 0 {
            return Err(CampaignError::NothingSubmitted);
        }
        Ok(Self::commit_audited(tx, audit).await?)
    }

    async fn set_phases(
        &self,
        campaign_id: i64,
        county: &AreaCode,
        phases: &[NewPhase],
        by: &str,
        audit: &AuditEntry,
    ) -> Result<(), CampaignError> {
        let mut tx = self.begin().await?;
        let paying: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM grant_lists l JOIN winter_spring_phases p ON p.id = l.phase_id
             WHERE p.campaign_id = $1 AND p.area_code = $2",
        )
        .bind(campaign_id)
        .bind(county)
        .fetch_one(&mut *tx)
        .await?;
        if paying > 0 {
            return Err(CampaignError::PhasesInUse);
        }
        sqlx::query("DELETE FROM winter_spring_phases WHERE campaign_id = $1 AND area_code = $2")
            .bind(campaign_id)
            .bind(county)
            .execute(&mut *tx)
            .await?;
        let now = Utc::now();
        for (i, phase) in phases.iter().enumerate() {
            sqlx::query(
                "INSERT INTO winter_spring_phases (campaign_id, area_code, ordinal, name, share_bp, starts_on, created_by, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(campaign_id)
            .bind(county)
            .bind(i as i32 + 1)
            .bind(&phase.name)
            .bind(phase.share_bp as i32)
            .bind(phase.starts_on)
            .bind(by)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        Ok(Self::commit_audited(tx, audit).await?)
    }

    async fn phases(&self, campaign_id: i64) -> sqlx::Result<Vec<Phase>> {
        let sql = format!(
            "SELECT {PHASE_COLUMNS} FROM winter_spring_phases WHERE campaign_id = $1 ORDER BY area_code, ordinal"
        );
        sqlx::query_as::<_, Phase>(sqlx::AssertSqlSafe(sql)).bind(campaign_id).fetch_all(self.reader()).await
    }

    async fn phase_lists(&self, campaign_id: i64) -> sqlx::Result<Vec<PhaseList>> {
        sqlx::query_as::<_, PhaseList>(
            "SELECT l.phase_id, l.id AS list_id, l.event_id, l.status, l.total_fen, l.households, l.paid_at
             FROM grant_lists l JOIN winter_spring_phases p ON p.id = l.phase_id
             WHERE p.campaign_id = $1 ORDER BY l.phase_id, l.event_id",
        )
        .bind(campaign_id)
        .fetch_all(self.reader())
        .await
    }

    async fn paid_in_phases(&self, campaign_id: i64) -> sqlx::Result<std::collections::HashMap<i64, Fen>> {
        let rows: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT g.household_id, CAST(SUM(g.amount_fen) AS BIGINT) FROM grants g
             JOIN grant_lists l ON l.id = g.list_id JOIN winter_spring_phases p ON p.id = l.phase_id
             WHERE p.campaign_id = $1 AND l.status = 'paid' GROUP BY g.household_id",
        )
        .bind(campaign_id)
        .fetch_all(self.reader())
        .await?;
        Ok(rows.into_iter().map(|(household, fen)| (household, Fen(fen))).collect())
    }

    async fn record_received(&self, received: &NewReceived, audit: &AuditEntry) -> sqlx::Result<i64> {
        let mut tx = self.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO winter_spring_received (campaign_id, household_id, area_code, money_fen, goods, goods_value_fen,
                 received_on, recorded_by, recorded_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(received.campaign_id)
        .bind(received.household_id)
        .bind(&received.area_code)
        .bind(received.money_fen)
        .bind(&received.goods)
        .bind(received.goods_value_fen)
        .bind(received.received_on)
        .bind(&received.recorded_by)
        .bind(Utc::now())
        .fetch_one(&mut *tx)
        .await?;
        Self::write_audit_created(&mut tx, audit, id).await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn received(&self, campaign_id: i64, pattern: &str) -> sqlx::Result<Vec<Received>> {
        let sql = format!(
            "SELECT {RECEIVED_COLUMNS} FROM winter_spring_received WHERE campaign_id = $1 AND area_code LIKE $2
             ORDER BY area_code, household_id, id"
        );
        sqlx::query_as::<_, Received>(sqlx::AssertSqlSafe(sql))
            .bind(campaign_id)
            .bind(pattern)
            .fetch_all(self.reader())
            .await
    }
}
