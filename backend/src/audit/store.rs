use sqlx::Transaction;

use super::{AuditEntry, AuditQuery, AuditRecord};
use crate::db::Backend;
use crate::db::for_both_backends;
use macro_rules_attribute::apply;

#[async_trait::async_trait]
pub trait AuditStore {
    async fn list_audit(&self, query: &AuditQuery) -> sqlx::Result<Vec<AuditRecord>>;
    /// An audit record on its own (exports and downloads of personal data).
    async fn record_audit(&self, audit: &AuditEntry) -> sqlx::Result<()>;
}

#[apply(for_both_backends!)]
impl AuditStore for Backends {
    async fn record_audit(&self, audit: &AuditEntry) -> sqlx::Result<()> {
        let mut tx = self.begin().await?;
        Self::write_audit(&mut tx, audit).await?;
        tx.commit().await
    }

    async fn list_audit(&self, query: &AuditQuery) -> sqlx::Result<Vec<AuditRecord>> {
        sqlx::query_as::<_, AuditRecord>(
            "SELECT id, at, actor_id, actor_name, action, entity_type, entity_id, before, after, request_id
             FROM audit_log
             WHERE ($1 IS NULL OR entity_type = $1) AND ($2 IS NULL OR entity_id = $2)
               AND ($3 IS NULL OR action = $3) AND ($4 IS NULL OR actor_name = $4)
               AND ($5 IS NULL OR id < $5) AND ($7 IS NULL OR at >= $7) AND ($8 IS NULL OR at < $8)
             ORDER BY id DESC LIMIT $6",
        )
        .bind(&query.entity_type)
        .bind(&query.entity_id)
        .bind(&query.action)
        .bind(&query.actor_name)
        .bind(query.before_id)
        .bind(query.page_size())
        .bind(query.from)
        .bind(query.to)
        .fetch_all(self.reader())
        .await
    }
}

/// Writing the audit record inside the caller's transaction, so the change and its record commit
/// together: every store's writes end with one of these.
#[async_trait::async_trait]
pub trait AuditSteps: Backend {
    /// Writes `entry` and commits: the last step of every audited write.
    async fn commit_audited(tx: Transaction<'static, <Self as Backend>::Db>, entry: &AuditEntry) -> sqlx::Result<()>;

    /// Writes the record of a row just created, naming its new id.
    async fn write_audit_created(
        tx: &mut Transaction<'static, <Self as Backend>::Db>,
        entry: &AuditEntry,
        id: i64,
    ) -> sqlx::Result<()>;

    /// Writes `entry` inside the caller's transaction, so the change and its record commit together.
    async fn write_audit(tx: &mut Transaction<'static, <Self as Backend>::Db>, entry: &AuditEntry) -> sqlx::Result<()>;
}

#[apply(for_both_backends!)]
impl AuditSteps for Backends {
    async fn commit_audited(
        mut tx: Transaction<'static, <Self as Backend>::Db>,
        entry: &AuditEntry,
    ) -> sqlx::Result<()> {
        Self::write_audit(&mut tx, entry).await?;
        tx.commit().await
    }

    /// Writes the record of a row just created, naming its new id.
    async fn write_audit_created(
        tx: &mut Transaction<'static, <Self as Backend>::Db>,
        entry: &AuditEntry,
        id: i64,
    ) -> sqlx::Result<()> {
        let mut entry = entry.clone();
        entry.entity_id = id.to_string();
        Self::write_audit(tx, &entry).await
    }

    /// Writes `entry` inside the caller's transaction, so the change and its record commit together.
    async fn write_audit(tx: &mut Transaction<'static, <Self as Backend>::Db>, entry: &AuditEntry) -> sqlx::Result<()> {
        sqlx::query(
            "INSERT INTO audit_log (at, actor_id, actor_name, action, entity_type, entity_id, before, after, request_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(chrono::Utc::now())
        .bind(entry.actor_id)
        .bind(&entry.actor_name)
        .bind(&entry.action)
        .bind(&entry.entity_type)
        .bind(&entry.entity_id)
        .bind(entry.before.as_ref().map(sqlx::types::Json))
        .bind(entry.after.as_ref().map(sqlx::types::Json))
        .bind(&entry.request_id)
        .execute(&mut **tx)
        .await
        .map(|_| ())
    }
}
