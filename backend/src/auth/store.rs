use chrono::{DateTime, Utc};

use sqlx::types::Json;

use super::departments::{HandoffToken, NewHandoffToken};
use super::{Role, SessionRow, User};
use crate::areas::AreaCode;
use crate::audit::AuditEntry;
use crate::audit::store::AuditSteps;
use crate::db::for_both_backends;
use macro_rules_attribute::apply;

#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: Role,
    pub area_code: Option<AreaCode>,
}

const TOKEN_COLUMNS: &str =
    "id, department, programmes, area_code, created_by, created_at, expires_at, revoked_at, revoked_by, last_used_at";

#[async_trait::async_trait]
pub trait AuthStore {
    /// Stores a department's hand-off token (its hash only); returns its id.
    async fn create_handoff_token(&self, token: &NewHandoffToken, audit: &AuditEntry) -> sqlx::Result<i64>;
    async fn handoff_tokens(&self) -> sqlx::Result<Vec<HandoffToken>>;
    async fn handoff_token(&self, id: i64) -> sqlx::Result<Option<HandoffToken>>;
    async fn find_handoff_token(&self, token_hash: &str) -> sqlx::Result<Option<HandoffToken>>;
    /// Revokes a token; false when it was revoked already.
    async fn revoke_handoff_token(&self, id: i64, revoked_by: &str, audit: &AuditEntry) -> sqlx::Result<bool>;
    /// Records a read through a token: its audit record and the token's last use, together.
    async fn record_handoff_read(&self, id: i64, audit: &AuditEntry) -> sqlx::Result<()>;
    /// The depots a depot keeper is bound to.
    async fn user_depot_ids(&self, user_id: i64) -> sqlx::Result<Vec<i64>>;
    async fn find_session(&self, token_hash: &str) -> sqlx::Result<Option<SessionRow>>;
    /// The user and their password hash, for login.
    async fn find_credentials(&self, username: &str) -> sqlx::Result<Option<(User, String)>>;
    async fn create_session(
        &self,
        user_id: i64,
        token_hash: &str,
        expires_at: DateTime<Utc>,
        audit: &AuditEntry,
    ) -> sqlx::Result<()>;
    /// Revokes the session; returns false if it was not active.
    async fn revoke_session(&self, token_hash: &str, audit: &AuditEntry) -> sqlx::Result<bool>;
    async fn create_user(&self, user: &NewUser, audit: &AuditEntry) -> sqlx::Result<User>;
    async fn list_users(&self) -> sqlx::Result<Vec<User>>;
    async fn count_users(&self) -> sqlx::Result<i64>;
    /// Lets a user sign in again, or stops them: a deactivated user's sessions end at once.
    async fn set_user_active(&self, id: i64, active: bool, audit: &AuditEntry) -> sqlx::Result<Option<User>>;
}

const USER_COLUMNS: &str = "users.id, users.username, users.display_name, users.role, users.area_code, users.active";

#[apply(for_both_backends!)]
impl AuthStore for Backends {
    async fn create_handoff_token(&self, t: &NewHandoffToken, audit: &AuditEntry) -> sqlx::Result<i64> {
        let mut tx = self.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO handoff_tokens (token_hash, department, programmes, area_code, created_by, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(&t.token_hash)
        .bind(&t.department)
        .bind(Json(&t.programmes))
        .bind(&t.area_code)
        .bind(&t.created_by)
        .bind(Utc::now())
        .bind(t.expires_at)
        .fetch_one(&mut *tx)
        .await?;
        let mut audit = audit.clone();
        audit.entity_id = id.to_string();
        Self::commit_audited(tx, &audit).await?;
        Ok(id)
    }

    async fn handoff_tokens(&self) -> sqlx::Result<Vec<HandoffToken>> {
        let sql = format!("SELECT {TOKEN_COLUMNS} FROM handoff_tokens ORDER BY id DESC");
        sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(self.reader()).await
    }

    async fn handoff_token(&self, id: i64) -> sqlx::Result<Option<HandoffToken>> {
        let sql = format!("SELECT {TOKEN_COLUMNS} FROM handoff_tokens WHERE id = $1");
        sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(self.reader()).await
    }

    async fn find_handoff_token(&self, token_hash: &str) -> sqlx::Result<Option<HandoffToken>> {
        let sql = format!("SELECT {TOKEN_COLUMNS} FROM handoff_tokens WHERE token_hash = $1");
        sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(token_hash).fetch_optional(self.reader()).await
    }

    async fn revoke_handoff_token(&self, id: i64, revoked_by: &str, audit: &AuditEntry) -> sqlx::Result<bool> {
        let mut tx = self.begin().await?;
        let done = sqlx::query(
            "UPDATE handoff_tokens SET revoked_at = $1, revoked_by = $2 WHERE id = $3 AND revoked_at IS NULL",
        )
        .bind(Utc::now())
        .bind(revoked_by)
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        if done {
            Self::write_audit(&mut tx, audit).await?;
        }
        tx.commit().await?;
        Ok(done)
    }

    async fn record_handoff_read(&self, id: i64, audit: &AuditEntry) -> sqlx::Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query("UPDATE handoff_tokens SET last_used_at = $1 WHERE id = $2")
            .bind(Utc::now())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        Self::commit_audited(tx, audit).await
    }

    async fn user_depot_ids(&self, user_id: i64) -> sqlx::Result<Vec<i64>> {
        sqlx::query_scalar("SELECT depot_id FROM user_depots WHERE user_id = $1 ORDER BY depot_id")
            .bind(user_id)
            .fetch_all(self.reader())
            .await
    }

    async fn find_session(&self, token_hash: &str) -> sqlx::Result<Option<SessionRow>> {
        let sql = format!(
            "SELECT sessions.expires_at, sessions.revoked_at, {USER_COLUMNS}
             FROM sessions JOIN users ON users.id = sessions.user_id WHERE sessions.token_hash = $1"
        );
        sqlx::query_as::<_, SessionRow>(sqlx::AssertSqlSafe(sql)).bind(token_hash).fetch_optional(self.reader()).await
    }

    async fn find_credentials(&self, username: &str) -> sqlx::Result<Option<(User, String)>> {
        #[derive(sqlx::FromRow)]
        struct Row {
            #[sqlx(flatten)]
            user: User,
            password_hash: String,
        }
        let sql = format!("SELECT {USER_COLUMNS}, users.password_hash FROM users WHERE users.username = $1");
        let row =
            sqlx::query_as::<_, Row>(sqlx::AssertSqlSafe(sql)).bind(username).fetch_optional(self.reader()).await?;
        Ok(row.map(|r| (r.user, r.password_hash)))
    }

    async fn create_session(
        &self,
        user_id: i64,
        token_hash: &str,
        expires_at: DateTime<Utc>,
        audit: &AuditEntry,
    ) -> sqlx::Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
            .bind(token_hash)
            .bind(user_id)
            .bind(Utc::now())
            .bind(expires_at)
            .execute(&mut *tx)
            .await?;
        Self::commit_audited(tx, audit).await
    }

    async fn revoke_session(&self, token_hash: &str, audit: &AuditEntry) -> sqlx::Result<bool> {
        let mut tx = self.begin().await?;
        let done = sqlx::query("UPDATE sessions SET revoked_at = $1 WHERE token_hash = $2 AND revoked_at IS NULL")
            .bind(Utc::now())
            .bind(token_hash)
            .execute(&mut *tx)
            .await?
            .rows_affected()
            == 1;
        Self::commit_audited(tx, audit).await?;
        Ok(done)
    }

    async fn create_user(&self, user: &NewUser, audit: &AuditEntry) -> sqlx::Result<User> {
        let mut tx = self.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (username, display_name, password_hash, role, area_code, active, created_at)
             VALUES ($1, $2, $3, $4, $5, TRUE, $6) RETURNING id",
        )
        .bind(&user.username)
        .bind(&user.display_name)
        .bind(&user.password_hash)
        .bind(user.role.as_str())
        .bind(&user.area_code)
        .bind(Utc::now())
        .fetch_one(&mut *tx)
        .await?;
        let created = User {
            id,
            username: user.username.clone(),
            display_name: user.display_name.clone(),
            role: user.role,
            area_code: user.area_code.clone(),
            active: true,
            depot_ids: Vec::new(),
        };
        let mut audit = audit.clone();
        audit.entity_id = id.to_string();
        Self::write_audit(&mut tx, &audit.with_after(&created)).await?;
        tx.commit().await?;
        Ok(created)
    }

    async fn list_users(&self) -> sqlx::Result<Vec<User>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users ORDER BY users.id");
        sqlx::query_as::<_, User>(sqlx::AssertSqlSafe(sql)).fetch_all(self.reader()).await
    }

    async fn count_users(&self) -> sqlx::Result<i64> {
        sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(self.reader()).await
    }

    async fn set_user_active(&self, id: i64, active: bool, audit: &AuditEntry) -> sqlx::Result<Option<User>> {
        let mut tx = self.begin().await?;
        let changed =
            sqlx::query("UPDATE users SET active = $2 WHERE id = $1").bind(id).bind(active).execute(&mut *tx).await?;
        if changed.rows_affected() == 0 {
            return Ok(None);
        }
        if !active {
            sqlx::query("UPDATE sessions SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL")
                .bind(id)
                .bind(Utc::now())
                .execute(&mut *tx)
                .await?;
        }
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE users.id = $1");
        let user = sqlx::query_as::<_, User>(sqlx::AssertSqlSafe(sql)).bind(id).fetch_one(&mut *tx).await?;
        Self::commit_audited(tx, audit).await?;
        Ok(Some(user))
    }
}
