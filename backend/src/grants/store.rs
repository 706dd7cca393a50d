//! Grant lists, their lines and objections in SQL. A household is granted an aid type once per
//! event (UNIQUE (event_id, aid_type, household_id)); every writer of a list locks its row first.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::{GrantListRow, GrantRow, ListStatus, Objection};
use crate::areas::AreaCode;
use crate::audit::AuditEntry;
use crate::audit::store::AuditSteps;
use crate::db::{BATCH, Backend, for_both_backends};
use crate::money::Fen;
use crate::text_enum::enum_text;
use macro_rules_attribute::apply;

#[derive(Debug, Clone)]
pub struct NewGrantList {
    pub event_id: i64,
    pub aid_type: String,
    pub area_code: AreaCode,
    pub author_id: i64,
    pub author_name: String,
    /// The winter–spring payment phase the list pays (one list per phase and event).
    pub phase: Option<ListPhase>,
}

/// A payment in parts: the winter–spring phase a list pays (if it is one), and the part's ordinal,
/// which keeps each household's grants to one per part (a rebuild subsidy's stages are parts too).
#[derive(Debug, Clone, Copy)]
pub struct ListPhase {
    pub id: Option<i64>,
    pub ordinal: i32,
}

#[derive(Debug, Clone)]
pub struct NewGrant {
    pub household_id: i64,
    pub amount_fen: Fen,
    pub reason: String,
    pub priority: bool,
}

/// What a workflow step stamps on the list besides its status.
#[derive(Debug, Clone, Default)]
pub struct Stamp {
    pub reviewer: Option<String>,
    pub return_reason: Option<String>,
    pub disclosure: Option<(DateTime<Utc>, DateTime<Utc>)>,
    pub paid_by: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum GrantError {
    #[error("the grant list is {0}")]
    WrongState(String),
    #[error("a household on the list already has this aid for this event")]
    AlreadyGranted,
    #[error("not found")]
    NotFound,
    #[error("{0} objection(s) are still open; answer them first")]
    OpenObjections(i64),
    #[error("the public disclosure (公示) runs until {0}; payment waits until it ends")]
    DisclosureRunning(DateTime<Utc>),
    #[error(transparent)]
    Db(sqlx::Error),
}

impl From<sqlx::Error> for GrantError {
    fn from(error: sqlx::Error) -> Self {
        match &error {
            sqlx::Error::Database(e) if e.is_unique_violation() => Self::AlreadyGranted,
            _ => Self::Db(error),
        }
    }
}

#[async_trait::async_trait]
pub trait GrantStore {
    async fn create_grant_list(
        &self,
        list: &NewGrantList,
        grants: &[NewGrant],
        audit: &AuditEntry,
    ) -> Result<i64, GrantError>;
    async fn get_grant_list(&self, id: i64) -> sqlx::Result<Option<GrantListRow>>;
    async fn grants_of(&self, list_id: i64) -> sqlx::Result<Vec<GrantRow>>;
    async fn list_grant_lists(&self, event_id: Option<i64>) -> sqlx::Result<Vec<GrantListRow>>;
    /// household → list already holding the aid type for the event.
    async fn granted_households(&self, event_id: i64, aid_type: &str) -> sqlx::Result<HashMap<i64, i64>>;
    /// Moves the list from one of `from` to `to`, stamping the step; a cancelled list frees its households.
    async fn transition_list(
        &self,
        id: i64,
        from: &[ListStatus],
        to: ListStatus,
        stamp: &Stamp,
        audit: &AuditEntry,
    ) -> Result<(), GrantError>;
    /// Published → paid, once the disclosure has ended and every objection is answered.
    async fn pay_list(&self, id: i64, paid_by: &str, audit: &AuditEntry) -> Result<(), GrantError>;
    /// A public objection to a published list (and one of its lines): the line goes back under review.
    async fn add_objection(
        &self,
        list_id: i64,
        grant_id: Option<i64>,
        text: &str,
        contact: Option<&str>,
        audit: &AuditEntry,
    ) -> Result<i64, GrantError>;
    async fn objections(&self, list_id: Option<i64>) -> sqlx::Result<Vec<Objection>>;
    /// Answers an open objection: `dismissed` keeps the line, `withdrawn` removes it from the list.
    async fn answer_objection(
        &self,
        id: i64,
        decision: &str,
        answer: &str,
        audit: &AuditEntry,
    ) -> Result<Objection, GrantError>;
    /// Paid disaster aid per household in an event (fen).
    async fn paid_by_household(&self, event_id: i64) -> sqlx::Result<HashMap<i64, i64>>;
}

const LIST_COLUMNS: &str = "id, event_id, aid_type, area_code, status, source, author_id, author_name, reviewer_name, return_reason, \
     total_fen, households, disclosure_start, disclosure_end, created_at, updated_at, approved_at, paid_at, paid_by";

const OBJECTION_COLUMNS: &str =
    "id, list_id, grant_id, text, contact, status, decision, answer, answered_by, answered_at, created_at";

#[apply(for_both_backends!)]
impl GrantStore for Backends {
    async fn create_grant_list(
        &self,
        list: &NewGrantList,
        grants: &[NewGrant],
        audit: &AuditEntry,
    ) -> Result<i64, GrantError> {
        let mut tx = self.begin().await?;
        let now = Utc::now();
        let total: Fen = grants.iter().map(|g| g.amount_fen).sum();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO grant_lists (event_id, aid_type, area_code, status, author_id, author_name, total_fen, households,
                 created_at, updated_at, phase_id)
             VALUES ($1, $2, $3, 'draft', $4, $5, $6, $7, $8, $8, $9) RETURNING id",
        )
        .bind(list.event_id)
        .bind(&list.aid_type)
        .bind(&list.area_code)
        .bind(list.author_id)
        .bind(&list.author_name)
        .bind(total)
        .bind(grants.len() as i64)
        .bind(now)
        .bind(list.phase.and_then(|p| p.id))
        .fetch_one(&mut *tx)
        .await?;
        for (chunk_index, chunk) in grants.chunks(BATCH).enumerate() {
            let mut builder = sqlx::QueryBuilder::<<Self as Backend>::Db>::new(
                "INSERT INTO grants (list_id, event_id, aid_type, household_id, amount_fen, reason, priority, line_no, status,
                     phase) ",
            );
            builder.push_values(chunk.iter().enumerate(), |mut b, (i, g)| {
                b.push_bind(id)
                    .push_bind(list.event_id)
                    .push_bind(&list.aid_type)
                    .push_bind(g.household_id)
                    .push_bind(g.amount_fen)
                    .push_bind(&g.reason)
                    .push_bind(g.priority)
                    .push_bind((chunk_index * BATCH + i + 1) as i64)
                    .push_bind("listed")
                    .push_bind(list.phase.map_or(0, |p| p.ordinal));
            });
            builder.build().execute(&mut *tx).await?;
        }
        Self::write_audit_created(&mut tx, audit, id).await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn get_grant_list(&self, id: i64) -> sqlx::Result<Option<GrantListRow>> {
        let sql = format!("SELECT {LIST_COLUMNS} FROM grant_lists WHERE id = $1");
        sqlx::query_as::<_, GrantListRow>(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(self.reader()).await
    }

    async fn grants_of(&self, list_id: i64) -> sqlx::Result<Vec<GrantRow>> {
        sqlx::query_as::<_, GrantRow>(
            "SELECT g.id, g.list_id, g.household_id, g.amount_fen, g.reason, g.priority, g.line_no, g.status,
                    h.head_name, h.name_masked, h.id_masked, h.area_code, h.members
             FROM grants g JOIN households h ON h.id = g.household_id WHERE g.list_id = $1 ORDER BY g.line_no",
        )
        .bind(list_id)
        .fetch_all(self.reader())
        .await
    }

    async fn list_grant_lists(&self, event_id: Option<i64>) -> sqlx::Result<Vec<GrantListRow>> {
        let sql =
            format!("SELECT {LIST_COLUMNS} FROM grant_lists WHERE ($1 IS NULL OR event_id = $1) ORDER BY id DESC");
        sqlx::query_as::<_, GrantListRow>(sqlx::AssertSqlSafe(sql)).bind(event_id).fetch_all(self.reader()).await
    }

    async fn granted_households(&self, event_id: i64, aid_type: &str) -> sqlx::Result<HashMap<i64, i64>> {
        let rows: Vec<(i64, i64)> =
            sqlx::query_as("SELECT household_id, list_id FROM grants WHERE event_id = $1 AND aid_type = $2")
                .bind(event_id)
                .bind(aid_type)
                .fetch_all(self.reader())
                .await?;
        Ok(rows.into_iter().collect())
    }

    async fn transition_list(
        &self,
        id: i64,
        from: &[ListStatus],
        to: ListStatus,
        stamp: &Stamp,
        audit: &AuditEntry,
    ) -> Result<(), GrantError> {
        let mut tx = self.begin().await?;
        let current = Self::lock_list(&mut tx, id).await?;
        if !from.iter().any(|s| enum_text(*s) == current) {
            return Err(GrantError::WrongState(current));
        }
        let now = Utc::now();
        let to_text = enum_text(to);
        let changed = sqlx::query(
            "UPDATE grant_lists SET status = $1, updated_at = $2, reviewer_name = COALESCE($3, reviewer_name),
               return_reason = $4, disclosure_start = COALESCE($5, disclosure_start), disclosure_end = COALESCE($6, disclosure_end),
               approved_at = CASE WHEN $1 = 'approved' THEN $2 ELSE approved_at END
             WHERE id = $7 AND status = $8",
        )
        .bind(&to_text)
        .bind(now)
        .bind(&stamp.reviewer)
        .bind(&stamp.return_reason)
        .bind(stamp.disclosure.map(|d| d.0))
        .bind(stamp.disclosure.map(|d| d.1))
        .bind(id)
        .bind(&current)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Err(GrantError::WrongState(Self::lock_list(&mut tx, id).await?));
        }
        if to == ListStatus::Cancelled {
            sqlx::query("DELETE FROM grants WHERE list_id = $1").bind(id).execute(&mut *tx).await?;
        }
        Self::commit_audited(tx, audit).await?;
        Ok(())
    }

    async fn pay_list(&self, id: i64, paid_by: &str, audit: &AuditEntry) -> Result<(), GrantError> {
        let mut tx = self.begin().await?;
        let current = Self::lock_list(&mut tx, id).await?;
        if current != "published" {
            return Err(GrantError::WrongState(current));
        }
        let end: Option<DateTime<Utc>> = sqlx::query_scalar("SELECT disclosure_end FROM grant_lists WHERE id = $1")
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
        let now = Utc::now();
        if let Some(end) = end.filter(|end| *end > now) {
            return Err(GrantError::DisclosureRunning(end));
        }
        let open: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM grant_objections WHERE list_id = $1 AND status = 'open'")
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
        if open > 0 {
            return Err(GrantError::OpenObjections(open));
        }
        let changed = sqlx::query("UPDATE grant_lists SET status = 'paid', paid_at = $1, paid_by = $2, updated_at = $1 WHERE id = $3 AND status = 'published'")
            .bind(now)
            .bind(paid_by)
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if changed == 0 {
            return Err(GrantError::WrongState(Self::lock_list(&mut tx, id).await?));
        }
        Self::commit_audited(tx, audit).await?;
        Ok(())
    }

    async fn add_objection(
        &self,
        list_id: i64,
        grant_id: Option<i64>,
        text: &str,
        contact: Option<&str>,
        audit: &AuditEntry,
    ) -> Result<i64, GrantError> {
        let mut tx = self.begin().await?;
        let current = Self::lock_list(&mut tx, list_id).await?;
        if current != "published" {
            return Err(GrantError::WrongState(current));
        }
        if let Some(grant_id) = grant_id {
            let changed = sqlx::query("UPDATE grants SET status = 'under_review' WHERE id = $1 AND list_id = $2")
                .bind(grant_id)
                .bind(list_id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if changed == 0 {
                return Err(GrantError::NotFound);
            }
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO grant_objections (list_id, grant_id, text, contact, status, created_at) VALUES ($1, $2, $3, $4, 'open', $5) RETURNING id",
        )
        .bind(list_id)
        .bind(grant_id)
        .bind(text)
        .bind(contact)
        .bind(Utc::now())
        .fetch_one(&mut *tx)
        .await?;
        Self::write_audit_created(&mut tx, audit, id).await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn objections(&self, list_id: Option<i64>) -> sqlx::Result<Vec<Objection>> {
        let sql =
            format!("SELECT {OBJECTION_COLUMNS} FROM grant_objections WHERE ($1 IS NULL OR list_id = $1) ORDER BY id");
        sqlx::query_as::<_, Objection>(sqlx::AssertSqlSafe(sql)).bind(list_id).fetch_all(self.reader()).await
    }

    async fn answer_objection(
        &self,
        id: i64,
        decision: &str,
        answer: &str,
        audit: &AuditEntry,
    ) -> Result<Objection, GrantError> {
        let mut tx = self.begin().await?;
        let sql = format!("SELECT {OBJECTION_COLUMNS} FROM grant_objections WHERE id = $1");
        let objection = sqlx::query_as::<_, Objection>(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(GrantError::NotFound)?;
        if objection.status != "open" {
            return Err(GrantError::WrongState("answered".into()));
        }
        let list_status = Self::lock_list(&mut tx, objection.list_id).await?;
        if list_status != "published" {
            return Err(GrantError::WrongState(list_status));
        }
        let changed = sqlx::query(
            "UPDATE grant_objections SET status = 'answered', decision = $1, answer = $2, answered_by = $3, answered_at = $4
             WHERE id = $5 AND status = 'open'",
        )
        .bind(decision)
        .bind(answer)
        .bind(&audit.actor_name)
        .bind(Utc::now())
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Err(GrantError::WrongState("answered".into()));
        }
        if let Some(grant_id) = objection.grant_id {
            if decision == "withdrawn" {
                sqlx::query("DELETE FROM grants WHERE id = $1").bind(grant_id).execute(&mut *tx).await?;
                sqlx::query(
                    "UPDATE grant_lists SET total_fen = (SELECT COALESCE(SUM(amount_fen), 0) FROM grants WHERE list_id = $1),
                       households = (SELECT COUNT(*) FROM grants WHERE list_id = $1), updated_at = $2 WHERE id = $1",
                )
                .bind(objection.list_id)
                .bind(Utc::now())
                .execute(&mut *tx)
                .await?;
            } else {
                sqlx::query(
                    "UPDATE grants SET status = 'listed' WHERE id = $1 AND NOT EXISTS
                       (SELECT 1 FROM grant_objections WHERE grant_id = $1 AND status = 'open')",
                )
                .bind(grant_id)
                .execute(&mut *tx)
                .await?;
            }
        }
        Self::write_audit(&mut tx, audit).await?;
        let sql = format!("SELECT {OBJECTION_COLUMNS} FROM grant_objections WHERE id = $1");
        let answered = sqlx::query_as::<_, Objection>(sqlx::AssertSqlSafe(sql)).bind(id).fetch_one(&mut *tx).await?;
        tx.commit().await?;
        Ok(answered)
    }

    async fn paid_by_household(&self, event_id: i64) -> sqlx::Result<HashMap<i64, i64>> {
        let rows: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT g.household_id, CAST(SUM(g.amount_fen) AS BIGINT) FROM grants g JOIN grant_lists l ON l.id = g.list_id
             WHERE g.event_id = $1 AND l.status = 'paid' GROUP BY g.household_id",
        )
        .bind(event_id)
        .fetch_all(self.reader())
        .await?;
        Ok(rows.into_iter().collect())
    }
}

#[apply(for_both_backends!)]
impl Backends {
    /// Locks the list's row for the rest of the transaction and answers its status. Every writer
    /// of a list starts here, so a payment, an objection and its answer cannot interleave (an
    /// objection filed while the list was being paid would otherwise be left open on a paid list).
    async fn lock_list(
        tx: &mut sqlx::Transaction<'static, <Self as Backend>::Db>,
        id: i64,
    ) -> Result<String, GrantError> {
        sqlx::query_scalar("UPDATE grant_lists SET updated_at = updated_at WHERE id = $1 RETURNING status")
            .bind(id)
            .fetch_optional(&mut **tx)
            .await?
            .ok_or(GrantError::NotFound)
    }
}
