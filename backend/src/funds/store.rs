//! Relief standards and fund pools in SQL. A pool's `committed_fen` can never pass its amount
//! (a CHECK in the schema and a guarded UPDATE here), so two plans approved at once cannot spend
//! the same money; `plan_fund_draws` records which pools each plan drew on, so a cancel gives
//! back exactly what was taken.

use chrono::Utc;

use super::{FundPool, SourceLevel};
use crate::audit::AuditEntry;
use crate::audit::store::AuditSteps;
use crate::db::Backend;
use crate::db::for_both_backends;
use crate::money::Fen;
use macro_rules_attribute::apply;

#[derive(Debug, Clone)]
pub struct NewPool {
    pub name: String,
    pub source_level: SourceLevel,
    pub aid_type: String,
    pub event_id: Option<i64>,
    pub amount_fen: Fen,
}

/// A level's pools hold less than an approved plan needs from them.
#[derive(Debug, thiserror::Error)]
pub enum DrawError {
    #[error("the {} pools for this aid type hold {available_fen} fen, the plan needs {needed_fen}", level.label_zh())]
    Short { level: SourceLevel, needed_fen: Fen, available_fen: Fen },
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

#[async_trait::async_trait]
pub trait FundStore {
    /// The stored standards as (key, value); the defaults fill in the rest.
    async fn stored_standards(&self) -> sqlx::Result<Vec<(String, i64)>>;
    /// Stores the changed standards in one transaction with their audit record.
    async fn save_standards(&self, changes: &[(String, i64)], actor: &str, audit: &AuditEntry) -> sqlx::Result<()>;
    /// Pools usable for an event (its own and those for any event), or all pools.
    async fn fund_pools(&self, event_id: Option<i64>, aid_type: Option<&str>) -> sqlx::Result<Vec<FundPool>>;
    async fn create_pool(&self, pool: &NewPool, audit: &AuditEntry) -> sqlx::Result<i64>;
}

const POOL_COLUMNS: &str = "id, name, source_level, aid_type, event_id, amount_fen, committed_fen, \
     amount_fen - committed_fen AS available_fen, created_by, created_at";

#[apply(for_both_backends!)]
impl FundStore for Backends {
    async fn stored_standards(&self) -> sqlx::Result<Vec<(String, i64)>> {
        sqlx::query_as("SELECT key, value FROM relief_standards ORDER BY key").fetch_all(self.reader()).await
    }

    async fn save_standards(&self, changes: &[(String, i64)], actor: &str, audit: &AuditEntry) -> sqlx::Result<()> {
        let mut tx = self.begin().await?;
        let now = Utc::now();
        for (key, value) in changes {
            sqlx::query(
                "INSERT INTO relief_standards (key, value, updated_by, updated_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_by = excluded.updated_by, updated_at = excluded.updated_at",
            )
            .bind(key)
            .bind(value)
            .bind(actor)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        Self::commit_audited(tx, audit).await
    }

    async fn fund_pools(&self, event_id: Option<i64>, aid_type: Option<&str>) -> sqlx::Result<Vec<FundPool>> {
        let sql = format!(
            "SELECT {POOL_COLUMNS} FROM fund_pools
             WHERE ($1 IS NULL OR event_id IS NULL OR event_id = $1) AND ($2 IS NULL OR aid_type = $2)
             ORDER BY aid_type, source_level, id"
        );
        sqlx::query_as::<_, FundPool>(sqlx::AssertSqlSafe(sql))
            .bind(event_id)
            .bind(aid_type)
            .fetch_all(self.reader())
            .await
    }

    async fn create_pool(&self, pool: &NewPool, audit: &AuditEntry) -> sqlx::Result<i64> {
        let mut tx = self.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO fund_pools (name, source_level, aid_type, event_id, amount_fen, created_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(&pool.name)
        .bind(crate::text_enum::enum_text(pool.source_level))
        .bind(&pool.aid_type)
        .bind(pool.event_id)
        .bind(pool.amount_fen)
        .bind(&audit.actor_name)
        .bind(Utc::now())
        .fetch_one(&mut *tx)
        .await?;
        Self::write_audit_created(&mut tx, audit, id).await?;
        tx.commit().await?;
        Ok(id)
    }
}

/// Drawing money from fund pools inside the caller's transaction (a funds plan's approval and
/// cancellation; `plans::store` imports them by name).
#[async_trait::async_trait]
pub trait FundSteps: Backend {
    /// Commits `needed` fen per level from the pools of an event and aid type, the event's own
    /// pools first, then the oldest; all or nothing within the caller's transaction.
    async fn draw_funds(
        tx: &mut sqlx::Transaction<'static, <Self as crate::db::Backend>::Db>,
        plan_id: i64,
        event_id: i64,
        aid_type: &str,
        needed: &[(SourceLevel, Fen)],
    ) -> Result<(), DrawError>;

    /// Gives a cancelled plan's draws back to their pools.
    async fn release_funds(
        tx: &mut sqlx::Transaction<'static, <Self as crate::db::Backend>::Db>,
        plan_id: i64,
    ) -> sqlx::Result<()>;
}

#[apply(for_both_backends!)]
impl FundSteps for Backends {
    /// Commits `needed` fen per level from the pools of an event and aid type, the event's own
    /// pools first, then the oldest; all or nothing within the caller's transaction.
    async fn draw_funds(
        tx: &mut sqlx::Transaction<'static, <Self as crate::db::Backend>::Db>,
        plan_id: i64,
        event_id: i64,
        aid_type: &str,
        needed: &[(SourceLevel, Fen)],
    ) -> Result<(), DrawError> {
        for (level, needed) in needed.iter().filter(|(_, fen)| *fen > Fen::ZERO) {
            let needed_fen = needed.0;
            let pools: Vec<(i64, i64)> = sqlx::query_as(
                "SELECT id, amount_fen - committed_fen FROM fund_pools
                 WHERE aid_type = $1 AND source_level = $2 AND (event_id IS NULL OR event_id = $3) AND committed_fen < amount_fen
                 ORDER BY event_id IS NULL, id",
            )
            .bind(aid_type)
            .bind(crate::text_enum::enum_text(*level))
            .bind(event_id)
            .fetch_all(&mut **tx)
            .await?;
            let mut left = needed_fen;
            for (pool_id, available) in pools {
                if left == 0 {
                    break;
                }
                let take = left.min(available);
                // Guarded: a concurrent approval that took the money first leaves this a no-op.
                let changed = sqlx::query(
                    "UPDATE fund_pools SET committed_fen = committed_fen + $1 WHERE id = $2 AND amount_fen - committed_fen >= $1",
                )
                .bind(take)
                .bind(pool_id)
                .execute(&mut **tx)
                .await?
                .rows_affected();
                if changed == 1 {
                    sqlx::query("INSERT INTO plan_fund_draws (plan_id, pool_id, amount_fen) VALUES ($1, $2, $3)")
                        .bind(plan_id)
                        .bind(pool_id)
                        .bind(take)
                        .execute(&mut **tx)
                        .await?;
                    left -= take;
                }
            }
            if left > 0 {
                return Err(DrawError::Short {
                    level: *level,
                    needed_fen: *needed,
                    available_fen: Fen(needed_fen - left),
                });
            }
        }
        Ok(())
    }

    /// Gives a cancelled plan's draws back to their pools.
    async fn release_funds(
        tx: &mut sqlx::Transaction<'static, <Self as crate::db::Backend>::Db>,
        plan_id: i64,
    ) -> sqlx::Result<()> {
        let draws: Vec<(i64, i64)> =
            sqlx::query_as("SELECT pool_id, amount_fen FROM plan_fund_draws WHERE plan_id = $1")
                .bind(plan_id)
                .fetch_all(&mut **tx)
                .await?;
        for (pool_id, amount_fen) in draws {
            sqlx::query("UPDATE fund_pools SET committed_fen = committed_fen - $1 WHERE id = $2")
                .bind(amount_fen)
                .bind(pool_id)
                .execute(&mut **tx)
                .await?;
        }
        sqlx::query("DELETE FROM plan_fund_draws WHERE plan_id = $1").bind(plan_id).execute(&mut **tx).await?;
        Ok(())
    }
}
