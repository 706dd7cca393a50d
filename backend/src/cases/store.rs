//! Cases and their referrals in SQL. Every step locks the case's row, changes the referrals it may
//! change, sets the status and due time the referrals give the case (`rules`), and commits with its
//! audit record.

use chrono::{DateTime, Utc};
use macro_rules_attribute::apply;
use sqlx::types::Json;

use super::rules::{AlertChanges, next_due, status_of};
use super::{
    AlertRow, AlertStatus, CaseKind, CaseRow, CaseSource, CaseStatus, Decision, Programme, Referral, ReferralStatus,
};
use crate::areas::AreaCode;
use crate::audit::AuditEntry;
use crate::audit::store::AuditSteps;
use crate::db::{Backend, for_both_backends};
use crate::idempotency::{Earlier, IdempotencyClaim};
use crate::money::Fen;
use crate::text_enum::enum_text;

#[derive(Debug, Clone)]
pub struct NewCase {
    pub receipt_no: String,
    pub area_code: AreaCode,
    pub household_id: Option<i64>,
    pub applicant_name: String,
    pub applicant_name_masked: String,
    pub id_hash: Option<String>,
    pub id_masked: Option<String>,
    pub id_encrypted: Option<String>,
    pub id_last4: Option<String>,
    pub phone: String,
    pub kind: CaseKind,
    pub source: CaseSource,
    pub programmes: Vec<Programme>,
    pub description: String,
    pub due_at: DateTime<Utc>,
    pub created_by: String,
}

/// What a step does to a case's referrals.
#[derive(Debug, Clone)]
pub enum Step {
    /// The township refers every programme asked for, each due at its own time.
    Refer(Vec<(Programme, DateTime<Utc>)>),
    /// A department takes on its referrals.
    Accept { programmes: Vec<Programme>, by: String },
    /// A department (or county staff) answers its referrals.
    Answer { programmes: Vec<Programme>, decision: Decision, amount: Option<Fen>, reason: String, by: String },
    /// The township closes the case.
    Close { reason: String },
}

#[derive(Debug, thiserror::Error)]
pub enum CaseError {
    #[error("the case is {} now", enum_text(*.0))]
    WrongState(CaseStatus),
    #[error("the {} referral is {} now", enum_text(.0.0), enum_text(.0.1))]
    ReferralState((Programme, ReferralStatus)),
    #[error("the case has no {} referral", enum_text(*.0))]
    NoReferral(Programme),
    #[error("the alert is {} now", enum_text(*.0))]
    AlertState(AlertStatus),
    #[error("{}", crate::idempotency::KEY_REUSED)]
    KeyReused,
    #[error("not found")]
    NotFound,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// Which cases to list: an area subtree, and optionally a status and programmes referred.
#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
    pub area_pattern: String,
    pub status: Option<CaseStatus>,
    /// Only cases referred to any of these programmes (a department's board).
    pub referred_to: Option<Vec<Programme>>,
}

/// Which alerts to list: an area subtree, and optionally a status and an event.
#[derive(Debug, Clone, Default)]
pub struct AlertFilter {
    pub area_pattern: String,
    pub status: Option<AlertStatus>,
    pub event_id: Option<i64>,
}

#[async_trait::async_trait]
pub trait CaseStore {
    /// Opens a case; from an open detection alert, which becomes `converted` in the same
    /// transaction (`AlertState` when it is no longer open). A retry with the claim's key answers
    /// the case the first request opened.
    async fn insert_assistance_case(
        &self,
        case: &NewCase,
        from_alert: Option<i64>,
        claim: Option<&IdempotencyClaim>,
        audit: &AuditEntry,
    ) -> Result<i64, CaseError>;
    async fn assistance_case(&self, id: i64) -> sqlx::Result<Option<(CaseRow, Vec<Programme>)>>;
    async fn assistance_case_by_receipt(&self, receipt_no: &str) -> sqlx::Result<Option<(CaseRow, Option<String>)>>;
    async fn assistance_cases(&self, filter: &CaseFilter) -> sqlx::Result<Vec<(CaseRow, Vec<Programme>)>>;
    async fn case_referrals(&self, case_ids: &[i64]) -> sqlx::Result<Vec<(i64, Referral)>>;
    /// Applies a step; the case's status and due time follow its referrals.
    async fn step_assistance_case(&self, id: i64, step: &Step, audit: &AuditEntry) -> Result<CaseStatus, CaseError>;

    /// An event's alerts on these households (all of the event's when None).
    async fn event_alerts(&self, event_id: i64, households: Option<&[i64]>) -> sqlx::Result<Vec<AlertRow>>;
    async fn assistance_alerts(&self, filter: &AlertFilter) -> sqlx::Result<Vec<AlertRow>>;
    async fn assistance_alert(&self, id: i64) -> sqlx::Result<Option<AlertRow>>;
    /// Writes what a detection run found in an event, with its audit record when anything changed.
    async fn apply_alert_changes(&self, event_id: i64, changes: &AlertChanges, audit: &AuditEntry) -> sqlx::Result<()>;
    /// Dismisses an open alert with a reason (`AlertState` when it is no longer open).
    async fn dismiss_assistance_alert(
        &self,
        id: i64,
        reason: &str,
        by: &str,
        audit: &AuditEntry,
    ) -> Result<(), CaseError>;
}

const ALERT_SELECT: &str = "SELECT id, event_id, household_id, area_code, need, facts, status, case_id, resolution, \
     resolved_by, raised_at, updated_at FROM assistance_alerts";

const CASE_COLUMNS: &str = "id, receipt_no, area_code, household_id, applicant_name, applicant_name_masked, id_masked, \
     phone, kind, source, description, status, due_at, created_by, created_at, updated_at, close_reason, programmes";

const REFERRAL_COLUMNS: &str =
    "case_id, programme, status, due_at, accepted_at, decided_at, decided_by, amount_fen, reason";

#[derive(sqlx::FromRow)]
struct CaseWithProgrammes {
    #[sqlx(flatten)]
    row: CaseRow,
    programmes: Json<Vec<Programme>>,
}

/// A case with the applicant's check for the receipt page, read only there.
#[derive(sqlx::FromRow)]
struct CaseWithLast4 {
    #[sqlx(flatten)]
    case: CaseWithProgrammes,
    id_last4: Option<String>,
}

#[derive(sqlx::FromRow)]
struct ReferralOf {
    case_id: i64,
    #[sqlx(flatten)]
    referral: Referral,
}

#[apply(for_both_backends!)]
impl CaseStore for Backends {
    async fn insert_assistance_case(
        &self,
        case: &NewCase,
        from_alert: Option<i64>,
        claim: Option<&IdempotencyClaim>,
        audit: &AuditEntry,
    ) -> Result<i64, CaseError> {
        let mut tx = self.begin().await?;
        match Self::earlier_use(&mut *tx, claim).await? {
            Earlier::None => {}
            Earlier::Replay(id) => return id.parse().map_err(|_| CaseError::NotFound),
            Earlier::Conflict => return Err(CaseError::KeyReused),
        }
        let now = Utc::now();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO assistance_cases (receipt_no, area_code, household_id, applicant_name, applicant_name_masked,
                 id_hash, id_masked, id_encrypted, id_last4, phone, kind, source, programmes, description, status,
                 due_at, created_by, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 'received', $15, $16, $17, $17)
             RETURNING id",
        )
        .bind(&case.receipt_no)
        .bind(&case.area_code)
        .bind(case.household_id)
        .bind(&case.applicant_name)
        .bind(&case.applicant_name_masked)
        .bind(&case.id_hash)
        .bind(&case.id_masked)
        .bind(&case.id_encrypted)
        .bind(&case.id_last4)
        .bind(&case.phone)
        .bind(enum_text(case.kind))
        .bind(enum_text(case.source))
        .bind(Json(&case.programmes))
        .bind(&case.description)
        .bind(case.due_at)
        .bind(&case.created_by)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        if let Some(alert) = from_alert {
            let converted = sqlx::query(
                "UPDATE assistance_alerts SET status = 'converted', case_id = $1, resolved_by = $2, updated_at = $3
                 WHERE id = $4 AND status = 'open'",
            )
            .bind(id)
            .bind(&case.created_by)
            .bind(now)
            .bind(alert)
            .execute(&mut *tx)
            .await?;
            if converted.rows_affected() == 0 {
                return Err(Self::alert_state(&mut tx, alert).await?);
            }
        }
        Self::record_use(&mut tx, claim, &id.to_string()).await?;
        Self::write_audit_created(&mut tx, audit, id).await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn assistance_case(&self, id: i64) -> sqlx::Result<Option<(CaseRow, Vec<Programme>)>> {
        let sql = format!("SELECT {CASE_COLUMNS} FROM assistance_cases WHERE id = $1");
        let found = sqlx::query_as::<_, CaseWithProgrammes>(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(self.reader())
            .await?;
        Ok(found.map(|c| (c.row, c.programmes.0)))
    }

    async fn assistance_case_by_receipt(&self, receipt_no: &str) -> sqlx::Result<Option<(CaseRow, Option<String>)>> {
        let sql = format!("SELECT {CASE_COLUMNS}, id_last4 FROM assistance_cases WHERE receipt_no = $1");
        let found = sqlx::query_as::<_, CaseWithLast4>(sqlx::AssertSqlSafe(sql))
            .bind(receipt_no)
            .fetch_optional(self.reader())
            .await?;
        Ok(found.map(|c| (c.case.row, c.id_last4)))
    }

    async fn assistance_cases(&self, filter: &CaseFilter) -> sqlx::Result<Vec<(CaseRow, Vec<Programme>)>> {
        let mut query = sqlx::QueryBuilder::<<Self as Backend>::Db>::new(format!(
            "SELECT {CASE_COLUMNS} FROM assistance_cases WHERE area_code LIKE "
        ));
        query.push_bind(&filter.area_pattern);
        if let Some(status) = filter.status {
            query.push(" AND status = ").push_bind(enum_text(status));
        }
        if let Some(programmes) = &filter.referred_to {
            if programmes.is_empty() {
                return Ok(Vec::new());
            }
            query.push(" AND id IN (SELECT case_id FROM case_referrals WHERE programme IN (");
            let mut list = query.separated(", ");
            for programme in programmes {
                list.push_bind(enum_text(*programme));
            }
            query.push("))");
        }
        query.push(" ORDER BY due_at, id");
        let found = query.build_query_as::<CaseWithProgrammes>().fetch_all(self.reader()).await?;
        Ok(found.into_iter().map(|c| (c.row, c.programmes.0)).collect())
    }

    async fn case_referrals(&self, case_ids: &[i64]) -> sqlx::Result<Vec<(i64, Referral)>> {
        let mut found = Vec::new();
        for chunk in case_ids.chunks(500) {
            let mut query = sqlx::QueryBuilder::<<Self as Backend>::Db>::new(format!(
                "SELECT {REFERRAL_COLUMNS} FROM case_referrals WHERE case_id IN ("
            ));
            let mut list = query.separated(", ");
            for id in chunk {
                list.push_bind(*id);
            }
            query.push(") ORDER BY case_id, programme");
            let rows = query.build_query_as::<ReferralOf>().fetch_all(self.reader()).await?;
            found.extend(rows.into_iter().map(|r| (r.case_id, r.referral)));
        }
        Ok(found)
    }

    async fn step_assistance_case(&self, id: i64, step: &Step, audit: &AuditEntry) -> Result<CaseStatus, CaseError> {
        let mut tx = self.begin().await?;
        let now = Utc::now();
        // Lock the case first, so two steps on one case take turns.
        let locked: Option<(String, DateTime<Utc>)> = sqlx::query_as(
            "UPDATE assistance_cases SET updated_at = updated_at WHERE id = $1 RETURNING status, due_at",
        )
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((status, due_at)) = locked else { return Err(CaseError::NotFound) };
        let status: CaseStatus = crate::text_enum::parse_enum(status).map_err(|e| sqlx::Error::Decode(e.into()))?;
        let sql = format!("SELECT {REFERRAL_COLUMNS} FROM case_referrals WHERE case_id = $1 ORDER BY programme");
        let mut referrals: Vec<Referral> = sqlx::query_as::<_, ReferralOf>(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_all(&mut *tx)
            .await?
            .into_iter()
            .map(|r| r.referral)
            .collect();
        let find = |referrals: &[Referral], programme: Programme| {
            referrals.iter().position(|r| r.programme == programme).ok_or(CaseError::NoReferral(programme))
        };
        let mut close_reason = None;
        match step {
            Step::Refer(due) => {
                if status != CaseStatus::Received {
                    return Err(CaseError::WrongState(status));
                }
                for (programme, due_at) in due {
                    sqlx::query(
                        "INSERT INTO case_referrals (case_id, programme, status, due_at) VALUES ($1, $2, 'referred', $3)",
                    )
                    .bind(id)
                    .bind(enum_text(*programme))
                    .bind(due_at)
                    .execute(&mut *tx)
                    .await?;
                    referrals.push(Referral {
                        programme: *programme,
                        status: ReferralStatus::Referred,
                        due_at: *due_at,
                        accepted_at: None,
                        decided_at: None,
                        decided_by: None,
                        amount_fen: None,
                        reason: None,
                    });
                }
            }
            Step::Accept { programmes, by } => {
                if status == CaseStatus::Closed {
                    return Err(CaseError::WrongState(status));
                }
                for programme in programmes {
                    let at = find(&referrals, *programme)?;
                    if referrals[at].status != ReferralStatus::Referred {
                        return Err(CaseError::ReferralState((*programme, referrals[at].status)));
                    }
                    sqlx::query(
                        "UPDATE case_referrals SET status = 'accepted', accepted_at = $1, decided_by = $2
                         WHERE case_id = $3 AND programme = $4",
                    )
                    .bind(now)
                    .bind(by)
                    .bind(id)
                    .bind(enum_text(*programme))
                    .execute(&mut *tx)
                    .await?;
                    referrals[at].status = ReferralStatus::Accepted;
                }
            }
            Step::Answer { programmes, decision, amount, reason, by } => {
                if status == CaseStatus::Closed {
                    return Err(CaseError::WrongState(status));
                }
                for programme in programmes {
                    let at = find(&referrals, *programme)?;
                    if referrals[at].status.is_answered() {
                        return Err(CaseError::ReferralState((*programme, referrals[at].status)));
                    }
                    let answered = ReferralStatus::from(*decision);
                    sqlx::query(
                        "UPDATE case_referrals SET status = $1, accepted_at = COALESCE(accepted_at, $2), decided_at = $2,
                             decided_by = $3, amount_fen = $4, reason = $5
                         WHERE case_id = $6 AND programme = $7",
                    )
                    .bind(enum_text(answered))
                    .bind(now)
                    .bind(by)
                    .bind(amount)
                    .bind(reason)
                    .bind(id)
                    .bind(enum_text(*programme))
                    .execute(&mut *tx)
                    .await?;
                    referrals[at].status = answered;
                }
            }
            Step::Close { reason } => {
                if status == CaseStatus::Closed {
                    return Err(CaseError::WrongState(status));
                }
                close_reason = Some(reason.clone());
            }
        }
        let next = if close_reason.is_some() { CaseStatus::Closed } else { status_of(status, &referrals) };
        let due = next_due(due_at, &referrals);
        sqlx::query(
            "UPDATE assistance_cases SET status = $1, due_at = $2, updated_at = $3, close_reason = COALESCE($4, close_reason)
             WHERE id = $5",
        )
        .bind(enum_text(next))
        .bind(due)
        .bind(now)
        .bind(close_reason)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        Self::commit_audited(tx, audit).await?;
        Ok(next)
    }

    async fn event_alerts(&self, event_id: i64, households: Option<&[i64]>) -> sqlx::Result<Vec<AlertRow>> {
        let Some(households) = households else {
            let sql = format!("{ALERT_SELECT} WHERE event_id = $1 ORDER BY id");
            return sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(event_id).fetch_all(self.reader()).await;
        };
        let mut found = Vec::new();
        for chunk in households.chunks(500) {
            let mut query =
                sqlx::QueryBuilder::<<Self as Backend>::Db>::new(format!("{ALERT_SELECT} WHERE event_id = "));
            query.push_bind(event_id).push(" AND household_id IN (");
            let mut list = query.separated(", ");
            for id in chunk {
                list.push_bind(*id);
            }
            query.push(") ORDER BY id");
            found.extend(query.build_query_as::<AlertRow>().fetch_all(self.reader()).await?);
        }
        Ok(found)
    }

    async fn assistance_alerts(&self, filter: &AlertFilter) -> sqlx::Result<Vec<AlertRow>> {
        let mut query =
            sqlx::QueryBuilder::<<Self as Backend>::Db>::new(format!("{ALERT_SELECT} WHERE area_code LIKE "));
        query.push_bind(&filter.area_pattern);
        if let Some(status) = filter.status {
            query.push(" AND status = ").push_bind(enum_text(status));
        }
        if let Some(event_id) = filter.event_id {
            query.push(" AND event_id = ").push_bind(event_id);
        }
        query.push(" ORDER BY raised_at DESC, id DESC");
        query.build_query_as::<AlertRow>().fetch_all(self.reader()).await
    }

    async fn assistance_alert(&self, id: i64) -> sqlx::Result<Option<AlertRow>> {
        let sql = format!("{ALERT_SELECT} WHERE id = $1");
        sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(self.reader()).await
    }

    async fn apply_alert_changes(&self, event_id: i64, changes: &AlertChanges, audit: &AuditEntry) -> sqlx::Result<()> {
        if changes.is_empty() {
            return Ok(());
        }
        let mut tx = self.begin().await?;
        let now = Utc::now();
        for finding in &changes.raise {
            // Two servers detecting at once raise it once.
            sqlx::query(
                "INSERT INTO assistance_alerts (event_id, household_id, area_code, need, facts, status, raised_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, 'open', $6, $6) ON CONFLICT (event_id, household_id, need) DO NOTHING",
            )
            .bind(event_id)
            .bind(finding.household_id)
            .bind(&finding.area_code)
            .bind(enum_text(finding.need))
            .bind(Json(&finding.facts))
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        for (id, facts) in &changes.refresh {
            sqlx::query(
                "UPDATE assistance_alerts SET facts = $1, status = 'open', updated_at = $2
                 WHERE id = $3 AND status IN ('open', 'withdrawn')",
            )
            .bind(Json(facts))
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        for id in &changes.withdraw {
            sqlx::query(
                "UPDATE assistance_alerts SET status = 'withdrawn', updated_at = $1 WHERE id = $2 AND status = 'open'",
            )
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        Self::commit_audited(tx, audit).await
    }

    async fn dismiss_assistance_alert(
        &self,
        id: i64,
        reason: &str,
        by: &str,
        audit: &AuditEntry,
    ) -> Result<(), CaseError> {
        let mut tx = self.begin().await?;
        let dismissed = sqlx::query(
            "UPDATE assistance_alerts SET status = 'dismissed', resolution = $1, resolved_by = $2, updated_at = $3
             WHERE id = $4 AND status = 'open'",
        )
        .bind(reason)
        .bind(by)
        .bind(Utc::now())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if dismissed.rows_affected() == 0 {
            return Err(Self::alert_state(&mut tx, id).await?);
        }
        Self::commit_audited(tx, audit).await?;
        Ok(())
    }
}

#[apply(for_both_backends!)]
impl Backends {
    /// Why an alert could not change: it is missing, or no longer open.
    async fn alert_state(
        tx: &mut sqlx::Transaction<'static, <Self as Backend>::Db>,
        id: i64,
    ) -> Result<CaseError, CaseError> {
        let status: Option<String> = sqlx::query_scalar("SELECT status FROM assistance_alerts WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut **tx)
            .await?;
        Ok(match status {
            None => CaseError::NotFound,
            Some(text) => {
                CaseError::AlertState(crate::text_enum::parse_enum(text).map_err(|e| sqlx::Error::Decode(e.into()))?)
            }
        })
    }
}
