//! Campaigns and the need figures each level submits, in SQL. The need records themselves are
//! applications (`applications::store`), read through `ApplicationFilter::campaign_id`.

use chrono::{DateTime, NaiveDate, Utc};
use macro_rules_attribute::apply;
use sqlx::types::Json;

use super::rules::{Calendar, NeedFigures};
use super::{CampaignRow, Submission, SubmissionStatus};
use crate::areas::AreaCode;
use crate::audit::AuditEntry;
use crate::audit::store::AuditSteps;
use crate::db::for_both_backends;
use crate::text_enum::enum_text;

#[derive(Debug, Clone)]
pub struct NewCampaign {
    pub year: i32,
    pub area_code: AreaCode,
    pub calendar: Calendar,
    pub created_by: String,
}

#[derive(Debug, thiserror::Error)]
pub enum CampaignError {
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
}

const CAMPAIGN_COLUMNS: &str = "id, year, area_code, survey_start, county_due, city_due, province_due, relief_start, \
     relief_end, created_by, created_at";
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
}
