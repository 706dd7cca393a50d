use chrono::{DateTime, Utc};

use super::{Role, SessionRow, User};
use crate::audit::AuditEntry;
use crate::impl_for_backends;

#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: Role,
    pub area_code: Option<String>,
}

#[async_trait::async_trait]
pub trait AuthStore {
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
}

const USER_COLUMNS: &str = "users.id, users.username, users.display_name, users.role, users.area_code, users.active";

impl_for_backends!(impl AuthStore {
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
        let row = sqlx::query_as::<_, Row>(sqlx::AssertSqlSafe(sql)).bind(username).fetch_optional(self.reader()).await?;
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
        Self::write_audit(&mut tx, audit).await?;
        tx.commit().await
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
        Self::write_audit(&mut tx, audit).await?;
        tx.commit().await?;
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
});
