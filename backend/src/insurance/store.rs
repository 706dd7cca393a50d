//! Policies, claims and counting rules in SQL. A claim's step locks its row and commits with its
//! audit record; one claim per house and disaster (`insurance_claims_household`).

use chrono::{NaiveDate, Utc};
use macro_rules_attribute::apply;

use super::{ClaimRow, ClaimStatus, Policy};
use crate::areas::AreaCode;
use crate::audit::AuditEntry;
use crate::audit::store::AuditSteps;
use crate::db::for_both_backends;
use crate::money::Fen;
use crate::text_enum::enum_text;

#[derive(Debug, Clone)]
pub struct NewPolicy {
    pub insurer: String,
    pub policy_number: String,
    pub area_code: AreaCode,
    pub household_id: Option<i64>,
    pub rooms: Option<i32>,
    pub sum_per_room: Fen,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

#[derive(Debug, Clone)]
pub struct NewClaim {
    pub event_id: i64,
    pub household_id: i64,
    pub policy_id: i64,
    pub area_code: AreaCode,
    pub rooms: i32,
    pub cap: Fen,
    pub reported_on: NaiveDate,
    pub opened_by: String,
}

/// A claim's step: the status it must be in, the one it leads to, and what it records.
#[derive(Debug, Clone)]
pub struct ClaimUpdate {
    pub from: ClaimStatus,
    pub to: ClaimStatus,
    pub assessed: Option<Fen>,
    pub payout: Option<Fen>,
    pub paid_on: Option<NaiveDate>,
    pub refusal_reason: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum InsuranceError {
    #[error("the house has a claim for this disaster already")]
    ClaimExists,
    #[error("a policy of this number covers the area or household already")]
    PolicyExists,
    #[error("the claim is {} now", enum_text(*.0))]
    WrongState(ClaimStatus),
    #[error("not found")]
    NotFound,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

fn unique_as(error: sqlx::Error, as_error: InsuranceError) -> InsuranceError {
    match &error {
        sqlx::Error::Database(db) if db.is_unique_violation() => as_error,
        _ => InsuranceError::Db(error),
    }
}

#[async_trait::async_trait]
pub trait InsuranceStore {
    /// Stores a file's policies, all or none, with one audit record.
    async fn insert_policies(&self, policies: &[NewPolicy], by: &str, audit: &AuditEntry)
    -> Result<(), InsuranceError>;
    /// The policies of areas `pattern` covers.
    async fn policies(&self, pattern: &str) -> sqlx::Result<Vec<Policy>>;
    /// The policies that may cover a household: its own, and the blanket ones of `areas` (its area
    /// and those around it).
    async fn policies_for(&self, household_id: i64, areas: &[AreaCode]) -> sqlx::Result<Vec<Policy>>;
    async fn open_claim(&self, claim: &NewClaim, audit: &AuditEntry) -> Result<i64, InsuranceError>;
    async fn get_claim(&self, id: i64) -> sqlx::Result<Option<ClaimRow>>;
    async fn claims(
        &self,
        pattern: &str,
        event_id: Option<i64>,
        status: Option<ClaimStatus>,
    ) -> sqlx::Result<Vec<ClaimRow>>;
    async fn claim_of(&self, event_id: i64, household_id: i64) -> sqlx::Result<Option<ClaimRow>>;
    async fn update_claim(&self, id: i64, update: &ClaimUpdate, audit: &AuditEntry) -> Result<(), InsuranceError>;
    /// A county's counted share of payouts in basis points, if it set one.
    async fn counting(&self, county: &AreaCode) -> sqlx::Result<Option<i64>>;
    async fn set_counting(&self, county: &AreaCode, bp: i64, by: &str, audit: &AuditEntry) -> sqlx::Result<()>;
}

const POLICY_SELECT: &str = "SELECT p.id, p.insurer, p.policy_number, p.area_code, p.household_id, h.name_masked AS holder, \
     p.rooms, p.sum_per_room_fen, p.starts_on, p.ends_on, p.imported_by, p.created_at \
     FROM insurance_policies p LEFT JOIN households h ON h.id = p.household_id";

const CLAIM_SELECT: &str = "SELECT c.id, c.event_id, c.household_id, c.policy_id, c.area_code, c.rooms, c.cap_fen, \
     c.status, c.assessed_fen, c.payout_fen, c.reported_on, c.paid_on, c.refusal_reason, c.opened_by, c.created_at, \
     c.updated_at, p.insurer, p.policy_number, h.name_masked, h.id_masked \
     FROM insurance_claims c JOIN insurance_policies p ON p.id = c.policy_id JOIN households h ON h.id = c.household_id";

#[apply(for_both_backends!)]
impl InsuranceStore for Backends {
    async fn insert_policies(
        &self,
        policies: &[NewPolicy],
        by: &str,
        audit: &AuditEntry,
    ) -> Result<(), InsuranceError> {
        let mut tx = self.begin().await?;
        let now = Utc::now();
        for p in policies {
            sqlx::query(
                "INSERT INTO insurance_policies (insurer, policy_number, area_code, household_id, rooms, sum_per_room_fen,
                     starts_on, ends_on, imported_by, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(&p.insurer)
            .bind(&p.policy_number)
            .bind(&p.area_code)
            .bind(p.household_id)
            .bind(p.rooms)
            .bind(p.sum_per_room)
            .bind(p.starts_on)
            .bind(p.ends_on)
            .bind(by)
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(|e| unique_as(e, InsuranceError::PolicyExists))?;
        }
        Ok(Self::commit_audited(tx, audit).await?)
    }

    async fn policies(&self, pattern: &str) -> sqlx::Result<Vec<Policy>> {
        let sql = format!("{POLICY_SELECT} WHERE p.area_code LIKE $1 ORDER BY p.area_code, p.policy_number, p.id");
        sqlx::query_as::<_, Policy>(sqlx::AssertSqlSafe(sql)).bind(pattern).fetch_all(self.reader()).await
    }

    async fn policies_for(&self, household_id: i64, areas: &[AreaCode]) -> sqlx::Result<Vec<Policy>> {
        let mut found = Vec::new();
        let sql = format!("{POLICY_SELECT} WHERE p.household_id = $1 ORDER BY p.id");
        found.extend(
            sqlx::query_as::<_, Policy>(sqlx::AssertSqlSafe(sql)).bind(household_id).fetch_all(self.reader()).await?,
        );
        for area in areas {
            let sql = format!("{POLICY_SELECT} WHERE p.household_id IS NULL AND p.area_code = $1 ORDER BY p.id");
            found.extend(
                sqlx::query_as::<_, Policy>(sqlx::AssertSqlSafe(sql)).bind(area).fetch_all(self.reader()).await?,
            );
        }
        Ok(found)
    }

    async fn open_claim(&self, claim: &NewClaim, audit: &AuditEntry) -> Result<i64, InsuranceError> {
        let mut tx = self.begin().await?;
        let now = Utc::now();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO insurance_claims (event_id, household_id, policy_id, area_code, rooms, cap_fen, status,
                 reported_on, opened_by, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, 'reported', $7, $8, $9, $9) RETURNING id",
        )
        .bind(claim.event_id)
        .bind(claim.household_id)
        .bind(claim.policy_id)
        .bind(&claim.area_code)
        .bind(claim.rooms)
        .bind(claim.cap)
        .bind(claim.reported_on)
        .bind(&claim.opened_by)
        .bind(now)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| unique_as(e, InsuranceError::ClaimExists))?;
        Self::write_audit_created(&mut tx, audit, id).await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn get_claim(&self, id: i64) -> sqlx::Result<Option<ClaimRow>> {
        let sql = format!("{CLAIM_SELECT} WHERE c.id = $1");
        sqlx::query_as::<_, ClaimRow>(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(self.reader()).await
    }

    async fn claims(
        &self,
        pattern: &str,
        event_id: Option<i64>,
        status: Option<ClaimStatus>,
    ) -> sqlx::Result<Vec<ClaimRow>> {
        let sql = format!(
            "{CLAIM_SELECT} WHERE c.area_code LIKE $1 AND ($2 IS NULL OR c.event_id = $2) AND ($3 IS NULL OR c.status = $3)
             ORDER BY c.area_code, c.id"
        );
        sqlx::query_as::<_, ClaimRow>(sqlx::AssertSqlSafe(sql))
            .bind(pattern)
            .bind(event_id)
            .bind(status.map(enum_text))
            .fetch_all(self.reader())
            .await
    }

    async fn claim_of(&self, event_id: i64, household_id: i64) -> sqlx::Result<Option<ClaimRow>> {
        let sql = format!("{CLAIM_SELECT} WHERE c.event_id = $1 AND c.household_id = $2");
        sqlx::query_as::<_, ClaimRow>(sqlx::AssertSqlSafe(sql))
            .bind(event_id)
            .bind(household_id)
            .fetch_optional(self.reader())
            .await
    }

    async fn update_claim(&self, id: i64, update: &ClaimUpdate, audit: &AuditEntry) -> Result<(), InsuranceError> {
        let mut tx = self.begin().await?;
        let status: String =
            sqlx::query_scalar("UPDATE insurance_claims SET updated_at = updated_at WHERE id = $1 RETURNING status")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or(InsuranceError::NotFound)?;
        let status = ClaimStatus::try_from(status).map_err(|e| InsuranceError::Db(sqlx::Error::Decode(e.into())))?;
        if status != update.from {
            return Err(InsuranceError::WrongState(status));
        }
        sqlx::query(
            "UPDATE insurance_claims SET status = $2, assessed_fen = COALESCE($3, assessed_fen),
                 payout_fen = COALESCE($4, payout_fen), paid_on = COALESCE($5, paid_on),
                 refusal_reason = COALESCE($6, refusal_reason), updated_at = $7
             WHERE id = $1",
        )
        .bind(id)
        .bind(enum_text(update.to))
        .bind(update.assessed)
        .bind(update.payout)
        .bind(update.paid_on)
        .bind(&update.refusal_reason)
        .bind(Utc::now())
        .execute(&mut *tx)
        .await?;
        Ok(Self::commit_audited(tx, audit).await?)
    }

    async fn counting(&self, county: &AreaCode) -> sqlx::Result<Option<i64>> {
        let bp: Option<i32> = sqlx::query_scalar("SELECT counted_bp FROM insurance_counting WHERE area_code = $1")
            .bind(county)
            .fetch_optional(self.reader())
            .await?;
        Ok(bp.map(i64::from))
    }

    async fn set_counting(&self, county: &AreaCode, bp: i64, by: &str, audit: &AuditEntry) -> sqlx::Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO insurance_counting (area_code, counted_bp, set_by, set_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (area_code) DO UPDATE SET counted_bp = $2, set_by = $3, set_at = $4",
        )
        .bind(county)
        .bind(bp as i32)
        .bind(by)
        .bind(Utc::now())
        .execute(&mut *tx)
        .await?;
        Self::commit_audited(tx, audit).await
    }
}
