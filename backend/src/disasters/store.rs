//! Events, reports, assessments, acceptances, thresholds and level history in SQL. Reports and
//! assessments are appended with the next version number; nothing is overwritten.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use sqlx::types::Json;

use super::{Assessment, Event, Figures, Indicator, LevelChange, LossReport, Threshold};
use crate::areas::AreaCode;
use crate::audit::AuditEntry;
use crate::audit::store::AuditSteps;
use crate::db::for_both_backends;
use crate::idempotency::{Earlier, IdempotencyClaim};
use macro_rules_attribute::apply;

#[derive(Debug, Clone)]
pub struct EventFields {
    pub name: String,
    pub hazard: String,
    pub onset_at: DateTime<Utc>,
    pub status: String,
    pub description: Option<String>,
    pub affected_areas: Vec<AreaCode>,
}

#[derive(Debug, Clone)]
pub struct NewReport {
    pub event_id: i64,
    pub area_code: AreaCode,
    pub stage: String,
    pub indicators: Figures,
    pub description: Option<String>,
    pub explanation: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NewAssessment {
    pub event_id: i64,
    pub area_code: AreaCode,
    pub indicators: Figures,
    pub reasons: BTreeMap<Indicator, String>,
    pub report_id: Option<i64>,
}

/// Which of an event's reports or assessments to read: one area's or all, every version or only
/// each area's latest (what the figures, levels and the map use, however long the history grows).
#[derive(Debug, Clone, Copy, Default)]
pub struct Versions<'a> {
    pub area_code: Option<&'a str>,
    pub latest_only: bool,
}

impl Versions<'_> {
    pub const LATEST: Self = Self { area_code: None, latest_only: true };

    /// The query over `kind`'s table: $1 the event, $2 the area or NULL.
    fn sql(&self, kind: Figured, columns: &str) -> String {
        let (table, kind) = (kind.table(), kind.name());
        // latest_versions names each area's latest version, so the latest read touches one row per
        // area however long the history grows (migrations/sqlite/0027_latest_versions.sql).
        let latest = if self.latest_only {
            format!(
                "JOIN latest_versions latest ON latest.event_id = t.event_id AND latest.kind = '{kind}' \
                     AND latest.area_code = t.area_code AND latest.version = t.version"
            )
        } else {
            String::new()
        };
        format!(
            "SELECT {columns} FROM {table} t {latest} WHERE t.event_id = $1 AND ($2 IS NULL OR t.area_code = $2) ORDER BY t.area_code, t.version"
        )
    }
}

/// What an area's figures come as: the reporter's versions or the assessor's.
#[derive(Debug, Clone, Copy)]
enum Figured {
    Report,
    Assessment,
}

impl Figured {
    fn table(self) -> &'static str {
        match self {
            Self::Report => "loss_reports",
            Self::Assessment => "assessments",
        }
    }

    /// Its `kind` in latest_versions.
    fn name(self) -> &'static str {
        match self {
            Self::Report => "report",
            Self::Assessment => "assessment",
        }
    }
}

const REPORT_COLUMNS: &str = "t.id, t.event_id, t.area_code, t.version, t.stage, t.indicators, t.description, t.explanation, t.reported_by, t.reported_at";
const ASSESSMENT_COLUMNS: &str =
    "t.id, t.event_id, t.area_code, t.version, t.indicators, t.reasons, t.report_id, t.assessed_by, t.assessed_at";

#[derive(Debug, thiserror::Error)]
pub enum FiguresError {
    #[error("the figures of {0} are locked: the next level accepted them")]
    Locked(String),
    #[error("{}", crate::idempotency::KEY_REUSED)]
    KeyReused,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

#[derive(Debug, Clone, serde::Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Acceptance {
    pub area_code: AreaCode,
    pub accepted_by: String,
    pub accepted_at: DateTime<Utc>,
}

/// Figures sent back down, with why; answered once the area files a new version after it.
#[derive(Debug, Clone, serde::Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct AreaReturn {
    pub id: i64,
    pub area_code: AreaCode,
    pub reason: String,
    pub returned_by: String,
    pub returned_at: DateTime<Utc>,
    /// The first version filed after the return, once there is one.
    pub answered_by_version: Option<i64>,
}

#[derive(Debug, Clone, serde::Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Blockage {
    pub id: i64,
    pub event_id: i64,
    pub name: String,
    /// GeoJSON Polygon or MultiPolygon (WGS84), as text.
    #[serde(skip)]
    pub geometry: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

/// A photo's file and who uploaded it, whichever record it belongs to (a loss report, a rebuild
/// case, a shipment's receipt): the image is on disk, named by its SHA-256 (`photos::store_image`).
#[derive(Debug, Clone, serde::Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct PhotoFile {
    pub content_type: String,
    pub bytes: i64,
    pub sha256: String,
    #[serde(skip)]
    pub path: String,
    pub uploaded_by: String,
    pub uploaded_at: DateTime<Utc>,
}

/// A photo of a loss report.
#[derive(Debug, Clone, serde::Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Photo {
    pub id: i64,
    pub report_id: i64,
    #[serde(flatten)]
    #[sqlx(flatten)]
    pub file: PhotoFile,
}

#[async_trait::async_trait]
pub trait DisasterStore {
    async fn add_photo(&self, report_id: i64, file: &PhotoFile, audit: &AuditEntry) -> sqlx::Result<i64>;
    async fn photos(&self, report_id: i64) -> sqlx::Result<Vec<Photo>>;
    async fn get_photo(&self, id: i64) -> sqlx::Result<Option<Photo>>;
    async fn get_report(&self, id: i64) -> sqlx::Result<Option<LossReport>>;
    async fn blockages(&self, event_id: i64) -> sqlx::Result<Vec<Blockage>>;
    async fn add_blockage(&self, event_id: i64, name: &str, geometry: &str, audit: &AuditEntry) -> sqlx::Result<i64>;
    async fn delete_blockage(&self, event_id: i64, id: i64, audit: &AuditEntry) -> sqlx::Result<bool>;
    async fn create_event(&self, fields: &EventFields, audit: &AuditEntry) -> sqlx::Result<i64>;
    async fn update_event(&self, id: i64, fields: &EventFields, audit: &AuditEntry) -> sqlx::Result<()>;
    async fn list_events(&self) -> sqlx::Result<Vec<Event>>;
    async fn get_event(&self, id: i64) -> sqlx::Result<Option<Event>>;
    /// Appends a report as the next version for its area; returns (id, replayed).
    async fn insert_report(
        &self,
        report: &NewReport,
        claim: Option<&IdempotencyClaim>,
        audit: &AuditEntry,
    ) -> Result<(i64, bool), FiguresError>;
    /// What an earlier use of the key says, looked up before any work: a retry of a report that
    /// was filed is answered with it, whatever has happened since.
    async fn earlier_report(&self, claim: &IdempotencyClaim) -> sqlx::Result<Earlier>;
    async fn reports(&self, event_id: i64, versions: Versions<'_>) -> sqlx::Result<Vec<LossReport>>;
    async fn insert_assessment(&self, assessment: &NewAssessment, audit: &AuditEntry) -> Result<i64, FiguresError>;
    async fn assessments(&self, event_id: i64, versions: Versions<'_>) -> sqlx::Result<Vec<Assessment>>;
    /// Locks an area's figures; false if they were already accepted.
    async fn accept_area(&self, event_id: i64, area_code: &str, audit: &AuditEntry) -> sqlx::Result<bool>;
    /// Reopens an area's figures, recording why; false if they were not accepted.
    async fn return_area(&self, event_id: i64, area_code: &str, reason: &str, audit: &AuditEntry)
    -> sqlx::Result<bool>;
    /// The event's returns, oldest first, each with the version that answered it.
    async fn returns(&self, event_id: i64) -> sqlx::Result<Vec<AreaReturn>>;
    async fn acceptances(&self, event_id: i64) -> sqlx::Result<Vec<Acceptance>>;
    async fn thresholds(&self) -> sqlx::Result<Vec<Threshold>>;
    async fn replace_thresholds(
        &self,
        admin_level: &str,
        thresholds: &[Threshold],
        audit: &AuditEntry,
    ) -> sqlx::Result<()>;
    async fn level_history(&self, event_id: i64) -> sqlx::Result<Vec<LevelChange>>;
    async fn append_level(
        &self,
        event_id: i64,
        area_code: &str,
        level: Option<i64>,
        source: &str,
        reason: Option<&str>,
        audit: &AuditEntry,
    ) -> sqlx::Result<()>;
}

const EVENT_COLUMNS: &str =
    "id, name, hazard, onset_at, status, description, affected_areas, created_by, created_at, updated_at";

/// The tables photos are kept in, each with the column naming the record a photo belongs to: a
/// loss report, a rebuild case, a shipment's receipt. Each photo is a file on disk named by its
/// SHA-256 (`photos::store_image`); its row says whose it is and who took it.
#[derive(Debug, Clone, Copy)]
pub enum PhotoTable {
    Report,
    RebuildCase,
    Shipment,
}

impl PhotoTable {
    const fn table_and_owner(self) -> (&'static str, &'static str) {
        match self {
            Self::Report => ("report_photos", "report_id"),
            Self::RebuildCase => ("rebuild_case_photos", "case_id"),
            Self::Shipment => ("shipment_photos", "shipment_id"),
        }
    }
}

#[apply(for_both_backends!)]
impl Backends {
    /// Adds a photo's row with its audit record, in one transaction; returns its id.
    pub(crate) async fn insert_photo(
        &self,
        table: PhotoTable,
        owner_id: i64,
        file: &PhotoFile,
        audit: &AuditEntry,
    ) -> sqlx::Result<i64> {
        let (table, owner) = table.table_and_owner();
        let sql = format!(
            "INSERT INTO {table} ({owner}, content_type, bytes, sha256, path, uploaded_by, uploaded_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id"
        );
        let mut tx = self.begin().await?;
        let id: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .bind(owner_id)
            .bind(&file.content_type)
            .bind(file.bytes)
            .bind(&file.sha256)
            .bind(&file.path)
            .bind(&file.uploaded_by)
            .bind(file.uploaded_at)
            .fetch_one(&mut *tx)
            .await?;
        Self::write_audit_created(&mut tx, audit, id).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The photos of one record, oldest first.
    pub(crate) async fn photos_of<T>(&self, table: PhotoTable, owner_id: i64) -> sqlx::Result<Vec<T>>
    where
        T: for<'r> sqlx::FromRow<'r, <<Self as crate::db::Backend>::Db as sqlx::Database>::Row> + Send + Unpin,
    {
        let (table, owner) = table.table_and_owner();
        let sql = format!(
            "SELECT id, {owner}, content_type, bytes, sha256, path, uploaded_by, uploaded_at
             FROM {table} WHERE {owner} = $1 ORDER BY id"
        );
        sqlx::query_as::<_, T>(sqlx::AssertSqlSafe(sql)).bind(owner_id).fetch_all(self.reader()).await
    }
}

#[apply(for_both_backends!)]
impl DisasterStore for Backends {
    async fn add_photo(&self, report_id: i64, file: &PhotoFile, audit: &AuditEntry) -> sqlx::Result<i64> {
        self.insert_photo(PhotoTable::Report, report_id, file, audit).await
    }

    async fn get_report(&self, id: i64) -> sqlx::Result<Option<LossReport>> {
        sqlx::query_as::<_, LossReport>(
            "SELECT id, event_id, area_code, version, stage, indicators, description, explanation, reported_by, reported_at
             FROM loss_reports WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(self.reader())
        .await
    }

    async fn photos(&self, report_id: i64) -> sqlx::Result<Vec<Photo>> {
        self.photos_of(PhotoTable::Report, report_id).await
    }

    async fn get_photo(&self, id: i64) -> sqlx::Result<Option<Photo>> {
        sqlx::query_as::<_, Photo>(
            "SELECT id, report_id, content_type, bytes, sha256, path, uploaded_by, uploaded_at FROM report_photos WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(self.reader())
        .await
    }

    async fn blockages(&self, event_id: i64) -> sqlx::Result<Vec<Blockage>> {
        sqlx::query_as::<_, Blockage>(
            "SELECT id, event_id, name, geometry, created_by, created_at FROM blockages WHERE event_id = $1 ORDER BY id",
        )
        .bind(event_id)
        .fetch_all(self.reader())
        .await
    }

    async fn add_blockage(&self, event_id: i64, name: &str, geometry: &str, audit: &AuditEntry) -> sqlx::Result<i64> {
        let mut tx = self.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO blockages (event_id, name, geometry, created_by, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(event_id)
        .bind(name)
        .bind(geometry)
        .bind(&audit.actor_name)
        .bind(Utc::now())
        .fetch_one(&mut *tx)
        .await?;
        Self::write_audit_created(&mut tx, audit, id).await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn delete_blockage(&self, event_id: i64, id: i64, audit: &AuditEntry) -> sqlx::Result<bool> {
        let mut tx = self.begin().await?;
        let deleted = sqlx::query("DELETE FROM blockages WHERE id = $1 AND event_id = $2")
            .bind(id)
            .bind(event_id)
            .execute(&mut *tx)
            .await?
            .rows_affected()
            == 1;
        if deleted {
            Self::write_audit(&mut tx, audit).await?;
        }
        tx.commit().await?;
        Ok(deleted)
    }

    async fn create_event(&self, fields: &EventFields, audit: &AuditEntry) -> sqlx::Result<i64> {
        let mut tx = self.begin().await?;
        let now = Utc::now();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO events (name, hazard, onset_at, status, description, affected_areas, created_by, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
        )
        .bind(&fields.name)
        .bind(&fields.hazard)
        .bind(fields.onset_at)
        .bind(&fields.status)
        .bind(&fields.description)
        .bind(Json(&fields.affected_areas))
        .bind(&audit.actor_name)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        Self::write_audit_created(&mut tx, audit, id).await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn update_event(&self, id: i64, fields: &EventFields, audit: &AuditEntry) -> sqlx::Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "UPDATE events SET name = $1, hazard = $2, onset_at = $3, status = $4, description = $5, affected_areas = $6,
               updated_at = $7 WHERE id = $8",
        )
        .bind(&fields.name)
        .bind(&fields.hazard)
        .bind(fields.onset_at)
        .bind(&fields.status)
        .bind(&fields.description)
        .bind(Json(&fields.affected_areas))
        .bind(Utc::now())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        Self::commit_audited(tx, audit).await
    }

    async fn list_events(&self) -> sqlx::Result<Vec<Event>> {
        let sql = format!("SELECT {EVENT_COLUMNS} FROM events ORDER BY onset_at DESC, id DESC");
        sqlx::query_as::<_, Event>(sqlx::AssertSqlSafe(sql)).fetch_all(self.reader()).await
    }

    async fn get_event(&self, id: i64) -> sqlx::Result<Option<Event>> {
        let sql = format!("SELECT {EVENT_COLUMNS} FROM events WHERE id = $1");
        sqlx::query_as::<_, Event>(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(self.reader()).await
    }

    async fn earlier_report(&self, claim: &IdempotencyClaim) -> sqlx::Result<Earlier> {
        Self::earlier_use(self.reader(), Some(claim)).await
    }

    async fn insert_report(
        &self,
        report: &NewReport,
        claim: Option<&IdempotencyClaim>,
        audit: &AuditEntry,
    ) -> Result<(i64, bool), FiguresError> {
        let mut tx = self.begin().await?;
        match Self::earlier_use(&mut *tx, claim).await? {
            Earlier::None => {}
            Earlier::Replay(id) => return Ok((id.parse().unwrap_or_default(), true)),
            Earlier::Conflict => return Err(FiguresError::KeyReused),
        }
        Self::ensure_open(&mut tx, report.event_id, &report.area_code).await?;
        let version = Self::next_version(&mut tx, Figured::Report, report.event_id, &report.area_code).await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO loss_reports (event_id, area_code, version, stage, indicators, description, explanation, reported_by, reported_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(report.event_id)
        .bind(&report.area_code)
        .bind(version)
        .bind(&report.stage)
        .bind(Json(&report.indicators))
        .bind(&report.description)
        .bind(&report.explanation)
        .bind(&audit.actor_name)
        .bind(Utc::now())
        .fetch_one(&mut *tx)
        .await?;
        Self::record_use(&mut tx, claim, &id.to_string()).await?;
        let mut audit = audit.clone();
        audit.entity_id = id.to_string();
        audit.after = serde_json::to_value(serde_json::json!({
            "event_id": report.event_id, "area_code": report.area_code, "version": version, "stage": report.stage,
            "indicators": report.indicators,
        }))
        .ok();
        Self::commit_audited(tx, &audit).await?;
        Ok((id, false))
    }

    async fn reports(&self, event_id: i64, versions: Versions<'_>) -> sqlx::Result<Vec<LossReport>> {
        sqlx::query_as::<_, LossReport>(sqlx::AssertSqlSafe(versions.sql(Figured::Report, REPORT_COLUMNS)))
            .bind(event_id)
            .bind(versions.area_code)
            .fetch_all(self.reader())
            .await
    }

    async fn insert_assessment(&self, assessment: &NewAssessment, audit: &AuditEntry) -> Result<i64, FiguresError> {
        let mut tx = self.begin().await?;
        Self::ensure_open(&mut tx, assessment.event_id, &assessment.area_code).await?;
        let version =
            Self::next_version(&mut tx, Figured::Assessment, assessment.event_id, &assessment.area_code).await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO assessments (event_id, area_code, version, indicators, reasons, report_id, assessed_by, assessed_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(assessment.event_id)
        .bind(&assessment.area_code)
        .bind(version)
        .bind(Json(&assessment.indicators))
        .bind(Json(&assessment.reasons))
        .bind(assessment.report_id)
        .bind(&audit.actor_name)
        .bind(Utc::now())
        .fetch_one(&mut *tx)
        .await?;
        let mut audit = audit.clone();
        audit.entity_id = id.to_string();
        audit.after = serde_json::to_value(serde_json::json!({
            "event_id": assessment.event_id, "area_code": assessment.area_code, "version": version,
            "indicators": assessment.indicators, "reasons": assessment.reasons,
        }))
        .ok();
        Self::commit_audited(tx, &audit).await?;
        Ok(id)
    }

    async fn assessments(&self, event_id: i64, versions: Versions<'_>) -> sqlx::Result<Vec<Assessment>> {
        sqlx::query_as::<_, Assessment>(sqlx::AssertSqlSafe(versions.sql(Figured::Assessment, ASSESSMENT_COLUMNS)))
            .bind(event_id)
            .bind(versions.area_code)
            .fetch_all(self.reader())
            .await
    }

    async fn accept_area(&self, event_id: i64, area_code: &str, audit: &AuditEntry) -> sqlx::Result<bool> {
        let mut tx = self.begin().await?;
        Self::lock_event_figures(&mut tx, event_id).await?;
        let inserted = sqlx::query(
            "INSERT INTO area_acceptances (event_id, area_code, accepted_by, accepted_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (event_id, area_code) DO NOTHING",
        )
        .bind(event_id)
        .bind(area_code)
        .bind(&audit.actor_name)
        .bind(Utc::now())
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        if inserted {
            Self::write_audit(&mut tx, audit).await?;
        }
        tx.commit().await?;
        Ok(inserted)
    }

    async fn return_area(
        &self,
        event_id: i64,
        area_code: &str,
        reason: &str,
        audit: &AuditEntry,
    ) -> sqlx::Result<bool> {
        let mut tx = self.begin().await?;
        let deleted = sqlx::query("DELETE FROM area_acceptances WHERE event_id = $1 AND area_code = $2")
            .bind(event_id)
            .bind(area_code)
            .execute(&mut *tx)
            .await?
            .rows_affected()
            == 1;
        if deleted {
            sqlx::query(
                "INSERT INTO area_returns (event_id, area_code, reason, returned_by, returned_at) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(event_id)
            .bind(area_code)
            .bind(reason)
            .bind(&audit.actor_name)
            .bind(Utc::now())
            .execute(&mut *tx)
            .await?;
            Self::write_audit(&mut tx, audit).await?;
        }
        tx.commit().await?;
        Ok(deleted)
    }

    async fn returns(&self, event_id: i64) -> sqlx::Result<Vec<AreaReturn>> {
        sqlx::query_as::<_, AreaReturn>(
            "SELECT x.id, x.area_code, x.reason, x.returned_by, x.returned_at,
                 (SELECT MIN(r.version) FROM loss_reports r
                  WHERE r.event_id = x.event_id AND r.area_code = x.area_code AND r.reported_at > x.returned_at) AS answered_by_version
             FROM area_returns x WHERE x.event_id = $1 ORDER BY x.id",
        )
        .bind(event_id)
        .fetch_all(self.reader())
        .await
    }

    async fn acceptances(&self, event_id: i64) -> sqlx::Result<Vec<Acceptance>> {
        sqlx::query_as::<_, Acceptance>(
            "SELECT area_code, accepted_by, accepted_at FROM area_acceptances WHERE event_id = $1 ORDER BY area_code",
        )
        .bind(event_id)
        .fetch_all(self.reader())
        .await
    }

    async fn thresholds(&self) -> sqlx::Result<Vec<Threshold>> {
        sqlx::query_as::<_, Threshold>(
            "SELECT admin_level, response_level, criterion, lower_bound FROM response_thresholds
             ORDER BY admin_level, response_level, criterion",
        )
        .fetch_all(self.reader())
        .await
    }

    async fn replace_thresholds(
        &self,
        admin_level: &str,
        thresholds: &[Threshold],
        audit: &AuditEntry,
    ) -> sqlx::Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query("DELETE FROM response_thresholds WHERE admin_level = $1")
            .bind(admin_level)
            .execute(&mut *tx)
            .await?;
        for t in thresholds {
            sqlx::query("INSERT INTO response_thresholds (admin_level, response_level, criterion, lower_bound) VALUES ($1, $2, $3, $4)")
                .bind(admin_level)
                .bind(t.response_level)
                .bind(&t.criterion)
                .bind(t.lower_bound)
                .execute(&mut *tx)
                .await?;
        }
        Self::commit_audited(tx, audit).await
    }

    async fn level_history(&self, event_id: i64) -> sqlx::Result<Vec<LevelChange>> {
        sqlx::query_as::<_, LevelChange>(
            "SELECT id, event_id, area_code, level, source, reason, actor_name, at FROM response_level_history
             WHERE event_id = $1 ORDER BY id",
        )
        .bind(event_id)
        .fetch_all(self.reader())
        .await
    }

    async fn append_level(
        &self,
        event_id: i64,
        area_code: &str,
        level: Option<i64>,
        source: &str,
        reason: Option<&str>,
        audit: &AuditEntry,
    ) -> sqlx::Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO response_level_history (event_id, area_code, level, source, reason, actor_name, at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(event_id)
        .bind(area_code)
        .bind(level)
        .bind(source)
        .bind(reason)
        .bind(&audit.actor_name)
        .bind(Utc::now())
        .execute(&mut *tx)
        .await?;
        Self::commit_audited(tx, audit).await
    }
}

#[apply(for_both_backends!)]
impl Backends {
    /// Refuses changes to figures that the next level has accepted (the area or one above it).
    /// Serialises the writers of one event's figures (reports, assessments, acceptances) until
    /// commit, so the next version number and the acceptance check see every earlier write. On
    /// PostgreSQL a bare MAX(version) + 1 let concurrent reports take the same number.
    async fn lock_event_figures(
        tx: &mut sqlx::Transaction<'static, <Self as crate::db::Backend>::Db>,
        event_id: i64,
    ) -> sqlx::Result<()> {
        sqlx::query("UPDATE events SET updated_at = updated_at WHERE id = $1")
            .bind(event_id)
            .execute(&mut **tx)
            .await?;
        Ok(())
    }

    async fn ensure_open(
        tx: &mut sqlx::Transaction<'static, <Self as crate::db::Backend>::Db>,
        event_id: i64,
        area_code: &str,
    ) -> Result<(), FiguresError> {
        Self::lock_event_figures(tx, event_id).await?;
        let locked: Vec<String> = sqlx::query_scalar("SELECT area_code FROM area_acceptances WHERE event_id = $1")
            .bind(event_id)
            .fetch_all(&mut **tx)
            .await?;
        match locked.into_iter().find(|code| crate::areas::code::within(code, area_code)) {
            Some(code) => Err(FiguresError::Locked(code)),
            None => Ok(()),
        }
    }

    /// The area's next version of `kind`, recorded as its latest in the same transaction.
    async fn next_version(
        tx: &mut sqlx::Transaction<'static, <Self as crate::db::Backend>::Db>,
        kind: Figured,
        event_id: i64,
        area_code: &str,
    ) -> sqlx::Result<i64> {
        sqlx::query_scalar(
            "INSERT INTO latest_versions (event_id, kind, area_code, version) VALUES ($1, $2, $3, 1)
             ON CONFLICT (event_id, kind, area_code) DO UPDATE SET version = latest_versions.version + 1
             RETURNING version",
        )
        .bind(event_id)
        .bind(kind.name())
        .bind(area_code)
        .fetch_one(&mut **tx)
        .await
    }
}
