//! What the checks read, in as few queries as the checks need (each reads only the columns it
//! compares), and the resolutions. The register's million rows are read by one check only (the
//! bank accounts, which are encrypted and compared in the service); the others read the grants,
//! the cases and the shipments, and the households those name.

use chrono::{DateTime, Utc};

use super::Resolution;
use crate::areas::AreaCode;
use crate::audit::AuditEntry;
use crate::audit::store::AuditSteps;
use crate::db::for_both_backends;
use crate::households::{DamageRecord, HouseholdRow};
use crate::money::Fen;
use macro_rules_attribute::apply;

/// A grant line on a list that is not cancelled: id, list, event, aid type (text), household,
/// the household's area, amount, phase.
pub type GrantLineRow = (i64, i64, i64, String, i64, AreaCode, Fen, i64);

/// A case's applicant: case id, ID hash, case area, the household it was filed for and that
/// household's area, the household the same ID number heads and its area.
pub type CaseRow = (i64, String, AreaCode, Option<i64>, Option<AreaCode>, Option<i64>, Option<AreaCode>);

/// A standard set by another path: event, aid type (text), household, source id, standard.
pub type SetStandardRow = (i64, String, i64, i64, Fen);

/// Units received from an emergency materials plan: event, shipment, depot, area, item, units.
pub type ReceivedRow = (i64, i64, i64, AreaCode, String, i64);

/// A resolution to store.
#[derive(Debug, Clone)]
pub struct NewResolution<'a> {
    pub key: &'a str,
    pub kind: &'a str,
    pub area_code: &'a AreaCode,
    pub summary: &'a str,
    pub reason: &'a str,
    pub resolved_by: &'a str,
    pub resolved_at: DateTime<Utc>,
}

#[async_trait::async_trait]
pub trait CheckStore {
    /// Every grant line on a list that is not cancelled.
    async fn check_grant_lines(&self) -> sqlx::Result<Vec<GrantLineRow>>;
    /// The households with a grant.
    async fn check_grant_households(&self) -> sqlx::Result<Vec<HouseholdRow>>;
    /// The damage records of the (event, household) pairs with a grant.
    async fn check_grant_damage(&self) -> sqlx::Result<Vec<DamageRecord>>;
    /// The standards approved applications set (source: the application's id).
    async fn check_application_standards(&self) -> sqlx::Result<Vec<SetStandardRow>>;
    /// The standards rebuild cases set (aid type `reconstruction`; source: the case's id).
    async fn check_rebuild_standards(&self) -> sqlx::Result<Vec<SetStandardRow>>;
    /// The applicants of one-window cases who gave an ID number.
    async fn check_case_identities(&self) -> sqlx::Result<Vec<CaseRow>>;
    /// (household, area, encrypted account) of every household with a bank account.
    async fn check_bank_accounts(&self) -> sqlx::Result<Vec<(i64, AreaCode, String)>>;
    /// Units received in areas from shipments of emergency materials plans.
    async fn check_received(&self) -> sqlx::Result<Vec<ReceivedRow>>;
    async fn check_resolutions(&self) -> sqlx::Result<Vec<Resolution>>;
    /// Stores a resolution with its audit record; false (nothing written) when the key is
    /// resolved already.
    async fn resolve_check(&self, resolution: &NewResolution<'_>, audit: &AuditEntry) -> sqlx::Result<bool>;
}

const HOUSEHOLD_COLUMNS: &str = "h.id, h.head_name, h.name_masked, h.id_hash, h.id_masked, h.id_encrypted, h.members, h.member_list, h.address, \
     h.area_code, h.lon, h.lat, h.cell, h.household_type, h.programmes, h.bank_masked, h.bank_encrypted, h.created_at, h.updated_at";

const DAMAGE_COLUMNS: &str = "d.id, d.event_id, d.household_id, h.area_code, d.house_damage, d.damaged_rooms, d.transitional_persons, \
     d.emergency_persons, d.drought_persons, d.crop_total_loss, d.dead, d.missing, d.injured, d.has_other_home, d.exclusions, \
     d.recorded_by, d.recorded_at";

#[apply(for_both_backends!)]
impl CheckStore for Backends {
    async fn check_grant_lines(&self) -> sqlx::Result<Vec<GrantLineRow>> {
        sqlx::query_as(
            "SELECT g.id, g.list_id, g.event_id, g.aid_type, g.household_id, h.area_code, g.amount_fen, CAST(g.phase AS BIGINT)
             FROM grants g JOIN grant_lists l ON l.id = g.list_id JOIN households h ON h.id = g.household_id
             WHERE l.status <> 'cancelled' ORDER BY g.id",
        )
        .fetch_all(self.reader())
        .await
    }

    async fn check_grant_households(&self) -> sqlx::Result<Vec<HouseholdRow>> {
        let sql = format!(
            "SELECT {HOUSEHOLD_COLUMNS} FROM households h WHERE h.id IN (SELECT household_id FROM grants) ORDER BY h.id"
        );
        sqlx::query_as::<_, HouseholdRow>(sqlx::AssertSqlSafe(sql)).fetch_all(self.reader()).await
    }

    async fn check_grant_damage(&self) -> sqlx::Result<Vec<DamageRecord>> {
        let sql = format!(
            "SELECT {DAMAGE_COLUMNS} FROM household_damage d JOIN households h ON h.id = d.household_id
             WHERE (d.event_id, d.household_id) IN (SELECT event_id, household_id FROM grants)
             ORDER BY d.id"
        );
        sqlx::query_as::<_, DamageRecord>(sqlx::AssertSqlSafe(sql)).fetch_all(self.reader()).await
    }

    async fn check_application_standards(&self) -> sqlx::Result<Vec<SetStandardRow>> {
        sqlx::query_as(
            "SELECT event_id, aid_type, household_id, id, standard_fen FROM applications
             WHERE status = 'approved' ORDER BY id",
        )
        .fetch_all(self.reader())
        .await
    }

    async fn check_rebuild_standards(&self) -> sqlx::Result<Vec<SetStandardRow>> {
        sqlx::query_as(
            "SELECT event_id, 'reconstruction', household_id, id, standard_fen FROM rebuild_cases ORDER BY id",
        )
        .fetch_all(self.reader())
        .await
    }

    async fn check_case_identities(&self) -> sqlx::Result<Vec<CaseRow>> {
        sqlx::query_as(
            "SELECT c.id, c.id_hash, c.area_code, c.household_id, ch.area_code, h.id, h.area_code
             FROM assistance_cases c
             LEFT JOIN households ch ON ch.id = c.household_id
             LEFT JOIN households h ON h.id_hash = c.id_hash
             WHERE c.id_hash IS NOT NULL ORDER BY c.id",
        )
        .fetch_all(self.reader())
        .await
    }

    async fn check_bank_accounts(&self) -> sqlx::Result<Vec<(i64, AreaCode, String)>> {
        sqlx::query_as("SELECT id, area_code, bank_encrypted FROM households WHERE bank_encrypted IS NOT NULL")
            .fetch_all(self.reader())
            .await
    }

    async fn check_received(&self) -> sqlx::Result<Vec<ReceivedRow>> {
        sqlx::query_as(
            "SELECT p.event_id, s.id, s.depot_id, s.area_code, l.item_code, COALESCE(l.received, l.quantity)
             FROM shipments s JOIN plans p ON p.id = s.plan_id JOIN shipment_lines l ON l.shipment_id = s.id
             WHERE s.status = 'received' AND p.aid_type = 'emergency' AND p.kind = 'materials'
             ORDER BY s.id, l.item_code",
        )
        .fetch_all(self.reader())
        .await
    }

    async fn check_resolutions(&self) -> sqlx::Result<Vec<Resolution>> {
        sqlx::query_as("SELECT key, reason, resolved_by, resolved_at FROM check_resolutions ORDER BY key")
            .fetch_all(self.reader())
            .await
    }

    async fn resolve_check(&self, resolution: &NewResolution<'_>, audit: &AuditEntry) -> sqlx::Result<bool> {
        let mut tx = self.begin().await?;
        let inserted = sqlx::query(
            "INSERT INTO check_resolutions (key, kind, area_code, summary, reason, resolved_by, resolved_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (key) DO NOTHING",
        )
        .bind(resolution.key)
        .bind(resolution.kind)
        .bind(resolution.area_code)
        .bind(resolution.summary)
        .bind(resolution.reason)
        .bind(resolution.resolved_by)
        .bind(resolution.resolved_at)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if inserted == 0 {
            return Ok(false);
        }
        Self::commit_audited(tx, audit).await?;
        Ok(true)
    }
}
